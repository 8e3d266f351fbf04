/** Writes the small 8 kHz 16-bit WAV files `record` and `record_session` leave behind (44-byte header + PCM). */

/**
 * A WAV file of `samples` samples per channel: silence, with a quiet 440 Hz tone where `voiced` says so (on the
 * first channel; a second channel, for stereo session recordings, stays silent).
 */
export function wavFile(samples: number, voiced: (sample: number) => boolean = () => false, channels: 1 | 2 = 1): Buffer {
  const data = samples * 2 * channels;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(8000, 24);
  buf.writeUInt32LE(16000 * channels, 28);
  buf.writeUInt16LE(2 * channels, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < samples; i++) {
    if (voiced(i)) buf.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 44 + i * 2 * channels);
  }
  return buf;
}
