/**
 * The floor of `npm run bench:esl`: the least work any Event Socket client must do with the same bytes, a bare
 * indexOf + JSON.parse loop with no framing state, no decoding and no dispatch. The server's figures are read
 * against it.
 */
import { FrameParser } from '../src/esl/frame-parser.js';

export interface ParseFigures {
  eventsPerSecond: number;
  cpuMsPerEvent: number;
}

/** Splits and parses every message of `stream` (which holds whole messages only), `rounds` times. */
export function floorParse(stream: Buffer, rounds: number): number {
  let events = 0;
  for (let round = 0; round < rounds; round++) {
    let offset = 0;
    while (offset < stream.length) {
      const end = stream.indexOf('\n\n', offset);
      if (end < 0) break;
      const head = stream.toString('latin1', offset, end);
      const at = head.indexOf('Content-Length: ');
      let next = end + 2;
      if (at >= 0) {
        const length = parseInt(head.slice(at + 16), 10);
        if (head.includes('text/event-json')) JSON.parse(stream.toString('utf8', next, next + length));
        next += length;
      }
      events++;
      offset = next;
    }
  }
  return events;
}

/** The project's FrameParser over the same bytes, fed in `chunkSize` pieces as a socket would. */
export function frameParserParse(stream: Buffer, rounds: number, chunkSize = 65536): number {
  let events = 0;
  const parser = new FrameParser(() => { events++; }, (err) => { throw err; });
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < stream.length; offset += chunkSize) parser.push(stream.subarray(offset, offset + chunkSize));
  }
  return events;
}

/** Runs `parse` for about `ms` milliseconds of wall time and reports events per second and CPU per event. */
export function measureParse(parse: (stream: Buffer, rounds: number) => number, stream: Buffer, ms = 1500): ParseFigures {
  parse(stream, 20);
  let events = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) events += parse(stream, 10);
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { eventsPerSecond: (events / elapsed) * 1000, cpuMsPerEvent: (cpu.user + cpu.system) / 1000 / events };
}
