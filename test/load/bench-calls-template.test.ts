import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { LATENCY_KINDS, ReplayLoad } from '../../scripts/bench-calls-load.js';
import { benchSpoolDir, recordIvrTemplate, type CallTemplate } from '../../scripts/bench-calls-template.js';
import { IvrWebApp } from '../../scripts/bench-calls-web.js';
import { ProbedServer, until } from '../../scripts/load-probe.js';

/**
 * The IVR call bench:calls replays must be the one the server runs today, or whole latency categories get no
 * sample: the key pressed during the Gather reaches its action request, and each interval the benchmark times
 * (events -> request, response -> command, key -> action, response -> request) happens in a replayed call, in the
 * server and in the floor program alike. Sample counts only: nothing here is timed.
 */
describe('bench:calls IVR template', function () {
  this.timeout(60_000);
  let web: IvrWebApp;
  let spoolDir: string;
  let template: CallTemplate;

  before(async () => {
    web = await IvrWebApp.start();
    spoolDir = benchSpoolDir();
    template = await recordIvrTemplate(web, spoolDir);
  });

  after(async () => {
    await web.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('has the key read by the Gather, then its action request', () => {
    const input = template.steps.find((step) => step.key === 'sendmsg play_and_get_digits');
    assert.ok(input, template.steps.map((step) => step.key).join(', '));
    const key = input.bursts.find((burst) => burst.dtmf);
    assert.ok(key, 'a DTMF event while the input application runs');
    assert.match(key.bytes.toString('latin1'), /"Event-Name":"CHANNEL_EXECUTE_COMPLETE"/,
      'the key and the completion it brings are written together');
    assert.ok(key.stampAt.length > 0);
    const at = template.actions.findIndex((a) => a.type === 'command' && a.text.includes('play_and_get_digits'));
    const request = template.actions.slice(at + 1).find((a) => a.type === 'http');
    assert.deepEqual(request && { method: request.method, path: request.path }, { method: 'POST', path: '/ivr/menu' });
  });

  it('costs the switch at most half the bytes of the first recording of this call (75,044): no CHANNEL_HANGUP, no answer completion', () => {
    const writes = template.switchWrites;
    const names = [...writes.byEvent.keys()].join(', ');
    assert.ok(!writes.byEvent.has('CHANNEL_HANGUP'), names);
    assert.ok(!writes.written.toString('latin1').includes('"Application":"answer"'), 'the answer is an api, not an application');
    assert.ok(writes.byEvent.has('CHANNEL_ANSWER'), names);
    assert.ok(writes.bytes <= 75_044 / 2, `${writes.bytes} bytes per call`);
  });

  for (const floor of [false, true]) {
    it(`gives every latency category samples (${floor ? 'floor program' : 'server'})`, async () => {
      const server = await ProbedServer.start({ floor, spoolDir });
      try {
        if (floor) server.send({ type: 'script', actions: template.actions, uuid: template.uuid, webBase: web.url('') });
        await server.added(true);
        const load = new ReplayLoad(template, { host: '127.0.0.1', port: server.port, paceMs: 1 });
        web.observer = load.observer;
        load.measuring = true;
        for (let i = 0; i < 3; i++) load.start();
        await until(() => load.ended === 3, 30_000, 'the calls to end');
        const added = await server.added(true);
        assert.equal(load.mismatches, 0, load.lastMismatch);
        assert.equal(load.completed, 3);
        for (const kind of LATENCY_KINDS) {
          assert.ok(load.samples[kind].length > 0, `${kind} at the calls`);
          assert.ok(added[kind].length > 0, `${kind} in the server`);
        }
      } finally {
        web.observer = undefined;
        await server.stop();
      }
    });
  }
});
