import assert from 'node:assert/strict';
import { recordTemplate, ReplayLoad } from '../../scripts/bench-esl-load.js';
import { STAMP_PLACEHOLDER, STAMP_VARIABLE } from '../../scripts/bench-stamp.js';
import { until } from '../../scripts/load-probe.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { createCallServer } from '../../src/server/compose.js';

/**
 * bench:esl's replayed calls answer whatever the server sends to set a call up, so that its executes run: a
 * subscription command left unanswered holds every call before its first execute, and the benchmark has no round
 * trip to time. Counts only: nothing here is timed.
 */
describe('bench:esl replayed calls', () => {
  it('get the server through its set-up to execute round trips', async () => {
    const template = await recordTemplate();
    const config = loadConfig({ env: {}, overrides: { esl: { port: 0 }, log: { level: 'silent' } } });
    const server = createCallServer({ config, log: createLogger('silent'), handler: async (channel) => {
      for (let i = 0; i < 3; i++) await channel.execute('set', `${STAMP_VARIABLE}=${STAMP_PLACEHOLDER}`);
    } });
    const { port } = await server.listen();
    const load = new ReplayLoad(template, { host: '127.0.0.1', port, calls: 2, paceMs: 0 });
    try {
      await until(() => load.roundTrips === 6, 5000, 'three round trips per call');
    } finally {
      load.close();
      await server.close(0);
    }
    assert.equal(load.roundTrips, 6);
  });
});
