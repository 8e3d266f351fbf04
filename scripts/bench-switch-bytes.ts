/**
 * `node dist/scripts/bench-switch-bytes.js`: what FreeSWITCH must build, serialise and write on the Event Socket for
 * one `bench:calls` IVR call (Say, Gather with a key, Play, Record, Redirect, Hangup), as the simulator writes it:
 * bytes and event frames per call, for a loopback leg and for a SIP caller (whose events carry twice the variables).
 * Every event the server subscribes to costs the switch a copy of the event, its JSON and a socket write.
 *
 * The last line is machine-readable:
 * `switch-bytes loopback_bytes_per_call=<n> loopback_events_per_call=<n> sip_bytes_per_call=<n> sip_events_per_call=<n>`
 */
import { rmSync } from 'node:fs';
import { benchSpoolDir, recordIvrTemplate } from './bench-calls-template.js';
import { IvrWebApp } from './bench-calls-web.js';
import { describeEvents, type SwitchWrites } from './bench-switch-writes.js';

async function main(): Promise<void> {
  const spoolDir = benchSpoolDir();
  const web = await IvrWebApp.start();
  try {
    const figures: Array<[string, SwitchWrites]> = [];
    for (const profile of ['loopback', 'sip'] as const) {
      const template = await recordIvrTemplate(web, spoolDir, '/ivr', undefined, profile);
      const w = template.switchWrites;
      figures.push([profile, w]);
      console.log(`${profile}: ${w.bytes} bytes written by the switch per IVR call, ${w.events} events ` +
        `(${w.eventBytes} bytes); ${describeEvents(w)}`);
    }
    console.log('switch-bytes ' + figures.map(([profile, w]) =>
      `${profile}_bytes_per_call=${w.bytes} ${profile}_events_per_call=${w.events}`).join(' '));
  } finally {
    await web.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
