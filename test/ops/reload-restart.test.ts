import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { Service } from '../../src/server/running-server.js';
import { LogCapture } from '../support/harness.js';

/** A reload reports the settings that need a restart by comparing with what the running server uses. */
describe('reload: restartNeeded against the running server', () => {
  let dir: string;
  let file: string;
  let service: Service | undefined;
  let logs: LogCapture;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-restart-'));
    file = join(dir, 'config.json');
    write({});
    logs = new LogCapture();
    const config = loadConfig({ file, env: {} });
    service = new Service({ config, log: createLogger('info', logs), configFile: file, env: {} });
    await service.start();
  });
  afterEach(async () => {
    await service?.stop(0);
    service = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** The configuration file: loopback ports chosen by the system, the spool in the test's directory. */
  function write(extra: { esl?: object; webhook?: object; call?: object; log?: object }): void {
    writeFileSync(file, JSON.stringify({
      esl: { port: 0, ...extra.esl },
      admin: { port: 0 },
      call: { record: { spoolDir: join(dir, 'spool') }, ...extra.call },
      webhook: { debugDir: '', ...extra.webhook },
      log: { level: 'info', ...extra.log },
    }));
  }

  /** Reloads and returns the restartNeeded of the reload line (undefined when it has none). */
  function reload(): unknown {
    const before = logs.lines.length;
    assert.equal(service?.reload(), true);
    const line = logs.lines.slice(before).find((l) => l.msg === 'configuration reloaded');
    assert.ok(line, 'a reload line');
    return line['restartNeeded'];
  }

  it('a change reverted is no longer reported; a change kept is reported at every reload', () => {
    write({ esl: { port: 9 } });
    assert.deepEqual(reload(), ['esl']);
    assert.equal(service?.config.esl.port, 0, 'the running server keeps its port');
    write({ esl: { port: 9 } });
    assert.deepEqual(reload(), ['esl'], 'still not applied: still needs a restart');
    write({});
    assert.equal(reload(), undefined, 'back to what runs: nothing to restart for');
  });

  it('the address check and the recording spool are kept from the start, the rest is reloaded', () => {
    write({ webhook: { deniedNetworks: ['192.0.2.0/24'], timeoutMs: 1234 },
      call: { record: { spoolDir: join(dir, 'other-spool'), spoolMode: '2750' }, maxLoops: 7 } });
    assert.deepEqual(reload(), ['webhook.deniedNetworks', 'call.record.spoolDir', 'call.record.spoolMode']);
    const config = service?.config;
    assert.deepEqual(config?.webhook.deniedNetworks, [], 'the deny list the dispatcher was built with');
    assert.equal(config?.call.record.spoolDir, join(dir, 'spool'), 'the spool the delivery worker reads');
    assert.equal(config?.call.record.spoolMode, '2770');
    assert.equal(config?.webhook.timeoutMs, 1234, 'reloaded');
    assert.equal(config?.call.maxLoops, 7, 'reloaded');
  });
});
