import assert from 'node:assert/strict';
import { runSoak, soakLine } from '../../scripts/soak-run.js';

/**
 * A short soak: 2,000 IVR calls through the server in its own process (as `serve` runs it). The bounds are looser
 * than `npm run soak`'s (a short run is still warming up) but hold whatever the machine's speed: every call ends
 * having run its whole script, the heap after a full GC grows by less than a quarter, RSS by less than half, and
 * not one handle is left over.
 */
describe('soak (short)', function () {
  this.timeout(180_000);

  it('2,000 calls back to back: all end, no handle left, bounded growth', async () => {
    const r = await runSoak({ calls: 2000, rate: 1000, maxInFlight: 50, paceMs: 2 });
    const line = soakLine(r);
    assert.equal(r.mismatches, 0, line);
    assert.equal(r.ended, r.started, line);
    assert.equal(r.completed, 2000, line);
    assert.equal(r.handlesGrowth, 0, `${line}: ${JSON.stringify(r.baseline.resources)} -> ${JSON.stringify(r.final.resources)}`);
    assert.equal(r.final.resources['Timeout'] ?? 0, 0, 'no timer left in the idle server');
    assert.ok(r.heapGrowthPct < 25, line);
    assert.ok(r.rssGrowthPct < 50, line);
  });
});
