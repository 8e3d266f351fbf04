import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { callStatus, compileSettings, readCallSetup, type CallSetup, type EngineSettings } from '../../src/call/index.js';
import {
  dtmfArg, freeswitchPathArg, speakArg, speechText, terminatorsArg, urlArg,
} from '../../src/call/media/fs-args.js';
import { isMediaReference, playbackPath } from '../../src/call/media/play-path.js';
import { VoiceMapper } from '../../src/call/media/tts-voices.js';
import { recordingUrl, wavDurationMs } from '../../src/call/recording/recording-file.js';
import { loadConfig } from '../../src/config/index.js';
import { AppError } from '../../src/errors.js';
import type { ChannelData } from '../../src/esl/index.js';

const silent = pino({ level: 'silent' });

function channelData(vars: Record<string, string>, extra: Partial<ChannelData> = {}): ChannelData {
  return {
    uuid: 'u-1', channelName: 'sofia/x', callerIdName: 'Ann', callerIdNumber: '+1555', destinationNumber: '8001234',
    direction: 'inbound', answerState: 'ringing', variables: vars, headers: {},
    variable: (name) => vars[name], header: () => undefined, ...extra,
  };
}

function refused(fn: () => unknown, code = 'ERR_CALL_MEDIA_REFUSED'): void {
  assert.throws(fn, (err: unknown) => err instanceof AppError && err.code === code);
}

describe('engine: argument safety (fs-args, play-path)', () => {
  it('speech text: no expansion, no control characters, cut to the limit', () => {
    assert.equal(speechText('a ${b} $${c}\r\n\td\u0000e\u009b', 100), 'a $ {b} $$ {c} d e');
    assert.equal(speechText('x'.repeat(10), 4), 'xxxx');
    assert.equal(speakArg('flite', 'slt', 'one | two', 50), 'flite|slt|one | two');
  });

  it('URLs: only http(s); an expansion opener is percent-encoded', () => {
    assert.equal(urlArg(new URL('https://h/a b.wav?q=${x}')), 'https://h/a%20b.wav?q=%24{x}');
    refused(() => urlArg(new URL('file:///etc/passwd')));
  });

  it('FreeSWITCH paths: allowed prefixes only, nothing that expands or splits', () => {
    const allowed = ['tone_stream://', 'silence_stream://'];
    assert.equal(freeswitchPathArg('tone_stream://%(500,0,800)', allowed), 'tone_stream://%(500,0,800)');
    refused(() => freeswitchPathArg('/etc/passwd', allowed));
    refused(() => freeswitchPathArg('tone_stream://${x}', allowed));
    refused(() => freeswitchPathArg('silence_stream://1 2', allowed));
    refused(() => freeswitchPathArg('silence_stream://1!/tmp/x.wav', allowed));
    const media = { playUrlPrefix: '', mediaPrefixes: allowed };
    assert.equal(playbackPath('https://h/x.wav', media), 'https://h/x.wav');
    assert.equal(isMediaReference('Goodbye', media), false);
    assert.equal(isMediaReference('silence_stream://100', media), true);
  });

  it('DTMF and terminators: only keys', () => {
    assert.equal(dtmfArg('12w#*W'), '12w#*W');
    refused(() => dtmfArg('1;2'));
    assert.equal(terminatorsArg(''), 'none');
    assert.equal(terminatorsArg('1234567890*#'), '1234567890*#');
    refused(() => terminatorsArg('# x'));
  });
});

describe('engine: voices', () => {
  it('maps names case-insensitively, prefixes by length, languages first, and caches', () => {
    const mapper = new VoiceMapper([
      { voice: 'Polly.*', tts: 'e|p' }, { voice: 'Polly.Amy*', tts: 'e|amy' }, { voice: 'MAN', tts: 'e|m' },
      { voice: 'man', language: 'fr-FR', tts: 'e|mfr' },
    ], 'e|d');
    assert.deepEqual(mapper.resolve('polly.amy-neural', undefined), { engine: 'e', voice: 'amy', fallback: false });
    assert.equal(mapper.resolve('Polly.Brian', 'en-GB').voice, 'p');
    assert.equal(mapper.resolve(undefined, 'fr-fr').voice, 'mfr');
    assert.equal(mapper.resolve('man', 'de').voice, 'm');
    assert.deepEqual(mapper.resolve('zira', undefined), { engine: 'e', voice: 'd', fallback: true });
    assert.equal(mapper.resolve('zira', undefined), mapper.resolve('zira', undefined));
  });
});

describe('engine: call source and description', () => {
  const config = loadConfig({
    env: {},
    overrides: {
      call: {
        voiceUrl: 'https://default.example.com/voice', accountSid: 'ACdefault', fallbackUrl: 'https://fb.example.com/',
        routes: [{ destination: '^800', url: 'https://tollfree.example.com/ivr', method: 'GET' }],
      },
    },
  });
  const settings = compileSettings(config);

  function setup(data: ChannelData, engine: EngineSettings = settings): CallSetup {
    return readCallSetup(data, engine, silent);
  }

  function sourceOf(data: ChannelData, engine: EngineSettings = settings): Exclude<CallSetup['source'], AppError> {
    const { source } = setup(data, engine);
    if (source instanceof AppError) throw source;
    return source;
  }

  it('channel variables come first', () => {
    const data = channelData({
      pivot_voice_url: ' https://app.example.com/v ', pivot_voice_method: 'get', pivot_req_format: 'kazoo',
      pivot_fallback_url: 'https://app.example.com/fb', pivot_status_callback: 'https://app.example.com/status',
    });
    const source = sourceOf(data);
    assert.equal(source.voiceUrl.href, 'https://app.example.com/v');
    assert.equal(source.method, 'GET');
    assert.equal(setup(data).format, 'kazoo');
    assert.equal(source.fallbackUrl?.href, 'https://app.example.com/fb');
    assert.equal(setup(data).statusTarget?.url.href, 'https://app.example.com/status');
  });

  it('then a destination route, then the defaults; bad optional values fall back with a warning', () => {
    const routed = sourceOf(channelData({}));
    assert.equal(routed.voiceUrl.href, 'https://tollfree.example.com/ivr');
    assert.equal(routed.method, 'GET');
    const data = channelData({ pivot_voice_method: 'PUT', pivot_req_format: 'json',
      pivot_fallback_url: 'javascript:alert(1)' }, { destinationNumber: '2001' });
    const plain = sourceOf(data);
    assert.equal(plain.voiceUrl.href, 'https://default.example.com/voice');
    assert.equal(plain.method, 'POST');
    assert.equal(setup(data).format, 'twilio');
    assert.equal(plain.fallbackUrl?.href, 'https://fb.example.com/');
  });

  it('refuses an invalid voice URL, and a call without any', () => {
    refused(() => sourceOf(channelData({ pivot_voice_url: 'not a url' })), 'ERR_CALL_BAD_URL');
    const bare = compileSettings(loadConfig({ env: {} }));
    refused(() => sourceOf(channelData({}), bare), 'ERR_CALL_NO_URL');
  });

  it('describes the call; CallStatus follows it', () => {
    const inbound = setup(channelData({ 'ecallmgr_Account-ID': 'acc' })).identity;
    assert.deepEqual([inbound.callSid, inbound.accountSid, inbound.from, inbound.to, inbound.direction, inbound.callerName],
      ['u-1', 'acc', '+1555', '8001234', 'inbound', 'Ann']);
    const outbound = setup(channelData({}, { direction: 'outbound' })).identity;
    assert.equal(outbound.direction, 'outbound');
    assert.equal(outbound.accountSid, 'ACdefault');
    assert.equal(callStatus({ answered: false, ended: false }), 'ringing');
    assert.equal(callStatus({ answered: true, ended: false }), 'in-progress');
    assert.equal(callStatus({ answered: true, ended: true }), 'completed');
  });

  it('refuses bad engine configuration at load time', () => {
    for (const call of [{ routes: [{ destination: '(', url: 'https://x/' }] }, { tts: { defaultVoice: 'flite' } },
      { record: { spoolDir: 'relative/dir' } }, { voiceUrl: 'ftp://x/' }, { mediaPrefixes: ['a b'] }]) {
      assert.throws(() => loadConfig({ env: {}, overrides: { call } }), (err: unknown) => err instanceof AppError);
    }
  });
});

describe('engine: recording files', () => {
  it('puts the recording under the base URL, keeping its query', () => {
    assert.equal(recordingUrl(new URL('https://h/rec/?k=1'), 'abc@host', 2).href, 'https://h/rec/call_recording_abc_host_2.wav?k=1');
    assert.equal(recordingUrl(new URL('https://h/save.php'), 'u', 1).href, 'https://h/save.php/call_recording_u_1.wav');
  });

  it('reads a WAV length from its header; 0 for a missing or foreign file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-wav-'));
    try {
      const header = Buffer.alloc(44);
      header.write('RIFF', 0, 'ascii');
      header.write('WAVEfmt ', 8, 'ascii');
      header.writeUInt32LE(16000, 28);
      header.write('data', 36, 'ascii');
      header.writeUInt32LE(32000, 40);
      writeFileSync(join(dir, 'a.wav'), Buffer.concat([header, Buffer.alloc(32000)]));
      writeFileSync(join(dir, 'b.wav'), 'not a wav file at all, not at all, not at all');
      assert.equal(await wavDurationMs(join(dir, 'a.wav')), 2000);
      assert.equal(await wavDurationMs(join(dir, 'b.wav')), 0);
      assert.equal(await wavDurationMs(join(dir, 'missing.wav')), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
