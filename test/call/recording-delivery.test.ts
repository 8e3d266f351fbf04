import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingDeliveryQueue } from '../../src/call/index.js';
import { createRecordingQueue } from '../../src/server/compose.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { createWebhookClient, createWebhookDispatcher } from '../../src/webhook/index.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually, LogCapture, type LogLine } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

const TALKING = { speech: [{ atMs: 0, durationMs: 60_000 }] };

type SinkMode = 'reset' | 'accept' | 'fail' | 'hang';

/** The customer's recording server: PUT bodies it received whole, uploads it cut off, and status callbacks. */
class RecordingSink {
  mode: SinkMode = 'accept';
  readonly complete: Array<{ path: string; body: Buffer; contentType: string | undefined }> = [];
  readonly statuses: URLSearchParams[] = [];
  cut = 0;
  attempts = 0;
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      if (req.method === 'PUT') {
        this.attempts++;
        if (this.mode === 'reset') {
          req.once('data', () => { this.cut++; req.socket.destroy(); });
          return;
        }
        if (this.mode === 'hang') return;
      }
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.method === 'POST') {
          this.statuses.push(new URLSearchParams(body.toString('utf8')));
          res.writeHead(204).end();
          return;
        }
        if (this.mode === 'fail') {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('no');
          return;
        }
        this.complete.push({ path: req.url ?? '', body, contentType: req.headers['content-type'] });
        res.writeHead(201).end();
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function recordTwiml(sink: RecordingSink, extra = ''): string {
  return twiml(`<Record action="/saved" maxLength="4" timeout="0" playBeep="false" recordingUrl="${sink.url('/rec')}" ` +
    `recordingStatusCallback="${sink.url('/rstatus')}" ${extra}/>`);
}

describe('engine: recording delivery without loss', () => {
  let sink: RecordingSink;
  let spoolDir: string;
  let logs: LogCapture;
  let e: EngineHarness | undefined;
  let queue: RecordingDeliveryQueue | undefined;

  beforeEach(async () => {
    sink = await new RecordingSink().start();
    spoolDir = mkdtempSync(join(tmpdir(), 'pivot-spool-'));
    logs = new LogCapture();
  });
  afterEach(async () => {
    await queue?.close();
    await e?.close();
    await sink.close();
    rmSync(spoolDir, { recursive: true, force: true });
    queue = undefined;
    e = undefined;
  });

  async function engine(delivery: Record<string, unknown>, record: Record<string, unknown> = {}): Promise<EngineHarness> {
    const started = await startEngine({
      spoolDir,
      call: { record: { delivery, ...record } },
      recordings: (config, webhook) => {
        queue = createRecordingQueue(config, webhook, createLogger('debug', logs));
        return queue;
      },
    });
    await queue?.start();
    started.web.route('/saved', twiml('<Hangup/>'));
    return started;
  }

  const queued = (): string[] => readdirSync(join(spoolDir, 'queue'));
  const wavs = (dir = spoolDir): string[] => readdirSync(dir).filter((f) => f.endsWith('.wav'));

  it('an upload cut off mid-body, then a restart: the recording arrives once, intact, and the spool is emptied', async () => {
    e = await engine({ initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 50 });
    sink.mode = 'reset';
    e.web.route('/voice', recordTwiml(sink));
    const call = e.call({ caller: TALKING });
    await e.finish(call);
    const action = e.web.to('/saved')[0];
    assert.ok(action?.params['RecordingUrl']?.startsWith(sink.url('/rec/call_recording_')), 'the action came at once');
    const retriesLogged = (): number => [...logs.lines, ...(e?.h.logs.lines ?? [])]
      .filter((l) => l.code === 'ERR_CALL_RECORDING_UPLOAD' && l['retryInMs'] !== undefined).length;
    await eventually(() => retriesLogged() >= 2, 5000, 'a retry cut off as well');
    assert.ok(sink.cut >= 2, 'each upload was cut off after part of its body');
    await queue?.close();
    queue = undefined;
    await e.close();
    e = undefined;

    assert.equal(sink.complete.length, 0);
    assert.equal(queued().length, 1, 'the sidecar survives the stop');
    const [wav] = wavs();
    assert.ok(wav);
    const original = readFileSync(join(spoolDir, wav));
    assert.ok(original.length > 32_000, 'a recording big enough to be cut mid-body');
    const sidecar = JSON.parse(readFileSync(join(spoolDir, 'queue', queued()[0] ?? ''), 'utf8')) as { attempts: number };
    assert.ok(sidecar.attempts >= 2);

    sink.mode = 'accept';
    const config = loadConfig({ env: {}, overrides: { call: { record: { spoolDir } } } });
    const dispatcher = createWebhookDispatcher();
    const restarted = createRecordingQueue(config, createWebhookClient(config, dispatcher), createLogger('debug', logs));
    try {
      await restarted.start();
      await eventually(() => sink.statuses.length === 1, 5000, 'the recording status callback');
      assert.equal(sink.complete.length, 1, 'delivered once');
      assert.equal(sha256(sink.complete[0]?.body ?? Buffer.alloc(0)), sha256(original), 'delivered intact');
      assert.equal(sink.complete[0]?.contentType, 'audio/wav');
      assert.equal(sink.statuses[0]?.get('RecordingStatus'), 'completed');
      assert.equal(sink.statuses[0]?.get('RecordingSid'), action?.params['RecordingSid']);
      assert.equal(sink.statuses[0]?.get('CallSid'), call.uuid);
      assert.deepEqual(queued(), []);
      assert.deepEqual(wavs(), []);
      assert.equal(restarted.pending, 0);
    } finally {
      await restarted.close();
      await dispatcher.close();
    }
  });

  it('the retry budget exhausted: file and sidecar kept in failed/, ERR_RECORDING_DELIVERY_FAILED, status failed', async () => {
    e = await engine({ initialDelayMs: 1, maxDelayMs: 4, maxAttempts: 3 });
    sink.mode = 'fail';
    e.web.route('/voice', recordTwiml(sink));
    const call = e.call({ caller: TALKING });
    await e.finish(call);
    assert.ok(e.web.to('/saved')[0]?.params['RecordingSid']);
    await eventually(() => sink.statuses.length === 1, 5000, 'the failed status callback');
    assert.equal(sink.attempts, 3);
    assert.equal(sink.statuses[0]?.get('RecordingStatus'), 'failed');
    assert.equal(sink.statuses[0]?.get('ErrorCode'), '11200');
    const [line] = logs.withCode('ERR_RECORDING_DELIVERY_FAILED');
    assert.equal(line?.['attempts'], 3);
    assert.equal(line?.['cause'], 'ERR_WEBHOOK_HTTP_STATUS');
    assert.deepEqual(queued(), []);
    assert.deepEqual(wavs(), []);
    const failed = readdirSync(join(spoolDir, 'failed'));
    assert.equal(failed.filter((f) => f.endsWith('.wav')).length, 1);
    assert.equal(failed.filter((f) => f.endsWith('.json')).length, 1);
  });

  it('a first attempt that times out does not hold the action; a later attempt delivers and reports completed', async () => {
    e = await engine({ initialDelayMs: 1, maxAttempts: 5 }, { uploadTimeoutMs: 200 });
    sink.mode = 'hang';
    e.web.route('/voice', recordTwiml(sink, 'recordingStatusCallbackEvent="completed"'));
    e.web.route('/saved', () => { sink.mode = 'accept'; return twiml('<Hangup/>'); });
    const call = e.call({ caller: TALKING });
    await e.finish(call);
    await eventually(() => sink.statuses.length === 1, 5000, 'the completed status callback');
    assert.equal(sink.complete.length, 1);
    assert.equal(sink.statuses[0]?.get('RecordingStatus'), 'completed');
    const firstFailure = e.h.logs.lines.find((l) => l.code === 'ERR_CALL_RECORDING_UPLOAD');
    assert.equal(firstFailure?.['attempt'], 1, 'the first attempt, made by the call, failed');
    assert.equal(e.web.to('/saved').length, 1);
    assert.deepEqual(queued(), []);
  });

  it('an upload cut short by a shutdown is not a failure: no code, and the recording stays queued', async () => {
    e = await engine({ initialDelayMs: 1, maxAttempts: 5 });
    sink.mode = 'hang';
    e.web.route('/voice', recordTwiml(sink));
    const call = e.call({ caller: TALKING });
    await eventually(() => sink.attempts === 1, 5000, 'the upload under way');
    const all = (): LogLine[] => [...logs.lines, ...(e?.h.logs.lines ?? [])];
    const before = all().length;
    await queue?.close();
    queue = undefined;
    await e.finish(call);
    const stopping = all().slice(before).filter((l) => l['recordingSid'] !== undefined);
    assert.ok(stopping.length > 0, 'the interruption is logged');
    assert.deepEqual(stopping.filter((l) => l.code !== undefined || l.level !== 'info'), []);
    assert.equal(queued().length, 1, 'the recording stays queued');
  });

  it('an unreadable queue entry is moved to failed/ with ERR_RECORDING_QUEUE; the others are delivered', async () => {
    const config = loadConfig({ env: {}, overrides: { call: { record: { spoolDir } } } });
    const dispatcher = createWebhookDispatcher();
    const first = createRecordingQueue(config, createWebhookClient(config, dispatcher), createLogger('debug', logs));
    await first.start();
    await first.close();
    writeFileSync(join(spoolDir, 'queue', 'REbroken.json'), '{ not json');
    writeFileSync(join(spoolDir, 'queue', 'REhalf.json.tmp'), '{');
    writeFileSync(join(spoolDir, 'call-1.wav'), Buffer.from('RIFF....WAVE'));
    writeFileSync(join(spoolDir, 'queue', 'REgood.json'), JSON.stringify({ version: 1, recordingSid: 'REgood', callSid: 'c1',
      accountSid: '', file: 'call-1.wav', url: sink.url('/rec/one.wav'), attempts: 1, nextAttemptAt: 0, createdAt: 0 }));
    const second = createRecordingQueue(config, createWebhookClient(config, dispatcher), createLogger('debug', logs));
    try {
      await second.start();
      await eventually(() => sink.complete.length === 1, 5000, 'the good entry delivered');
      assert.equal(sink.complete[0]?.path, '/rec/one.wav');
      assert.equal(logs.withCode('ERR_RECORDING_QUEUE')[0]?.['file'], 'REbroken.json');
      assert.ok(existsSync(join(spoolDir, 'failed', 'REbroken.json')));
      await eventually(() => queued().length === 0, 2000, 'the queue emptied');
    } finally {
      await second.close();
      await dispatcher.close();
    }
  });
});
