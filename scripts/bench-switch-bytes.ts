/**
 * `node dist/scripts/bench-switch-bytes.js`: what FreeSWITCH must build, serialise and write on the Event Socket for
 * one `bench:calls` IVR call (Say, Gather with a key, Play, Record, Redirect, Hangup), as the simulator writes it:
 * bytes and event frames per call, for a loopback leg and for a SIP caller (whose events carry twice the variables).
 * Every event the server subscribes to costs the switch a copy of the event, its JSON and a socket write, and the
 * server its parsing: the CPU the server spends reading one call's bytes (frame parser and domain events, as a
 * connection reads them) is timed too.
 *
 * The last line is machine-readable:
 * `switch-bytes loopback_bytes_per_call=<n> loopback_events_per_call=<n> loopback_read_us_per_call=<x> sip_...` (the same
 * three for a SIP caller)
 */
import { rmSync } from 'node:fs';
import { benchSpoolDir, recordIvrTemplate } from './bench-calls-template.js';
import { IvrWebApp } from './bench-calls-web.js';
import { describeEvents, readCpuUsPerCall, type SwitchWrites } from './bench-switch-writes.js';

/** Calls' worth of bytes read to time the server's parsing (and as many before, to warm up). */
const READ_ITERATIONS = 2000;

async function main(): Promise<void> {
  const spoolDir = benchSpoolDir();
  const web = await IvrWebApp.start();
  try {
    const figures: Array<[string, SwitchWrites, number]> = [];
    for (const profile of ['loopback', 'sip'] as const) {
      const template = await recordIvrTemplate(web, spoolDir, '/ivr', undefined, profile);
      const w = template.switchWrites;
      const readUs = readCpuUsPerCall(w.written, READ_ITERATIONS);
      figures.push([profile, w, readUs]);
      console.log(`${profile}: ${w.bytes} bytes written by the switch per IVR call, ${w.events} events ` +
        `(${w.eventBytes} bytes); ${describeEvents(w)}; the server reads them in ${readUs.toFixed(1)} µs of CPU`);
    }
    console.log('switch-bytes ' + figures.map(([profile, w, readUs]) => `${profile}_bytes_per_call=${w.bytes} ` +
      `${profile}_events_per_call=${w.events} ${profile}_read_us_per_call=${readUs.toFixed(1)}`).join(' '));
  } finally {
    await web.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
