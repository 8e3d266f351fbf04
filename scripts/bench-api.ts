/**
 * `node dist/scripts/bench-api.js`: calls created through the Calls API, on loopback: a whole server (Service,
 * api.enabled) places them on a simulated FreeSWITCH node's inbound Event Socket, the node answers each at once and
 * its `socket` application connects back to the server's outbound socket, and the customer's web app answers the
 * first TwiML request with `<Hangup/>`. `--calls` creates (default 500), `--concurrency` in flight (default 50), each
 * a raw form POST with Basic authentication, as Twilio's clients send it. The node runs in this process unless
 * `--node-process` is given: then it runs in a child process of its own (bench-api-node.ts), and its CPU (its
 * full-size JSON events) is no longer taken from the server's thread.
 *
 * Measured per call: create -> 201 (the API's answer), and create -> the first TwiML request reaching the web app
 * (validation, queueing, the originate, the answer, the socket connection, the engine's setup, the request).
 * The last line is machine-readable:
 * `api-bench calls=<n> first_request_p50_ms=<x> first_request_p95_ms=<y> created_p50_ms=<a> created_p95_ms=<b> calls_per_s=<r>`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { Service } from '../src/server/running-server.js';
import { startSimNode, startSimNodeProcess } from './bench-api-sim-node.js';
import { benchArgs } from './bench-args.js';
import { percentile } from './load-probe.js';

const ACCOUNT = `AC${'ab'.repeat(16)}`;
const TOKEN = 'bench-token';

interface Args { calls: number; concurrency: number; nodeProcess: boolean }

function parseArgs(argv: string[]): Args {
  const args = benchArgs(argv, { integers: { calls: 500, concurrency: 50 }, flags: ['node-process'] });
  return { calls: args.calls, concurrency: args.concurrency, nodeProcess: args['node-process'] };
}

/** The customer's web app: every first request answered with `<Hangup/>`, its arrival time kept by CallSid. */
async function startWebApp(arrivals: Map<string, number>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const sid = new URLSearchParams(Buffer.concat(chunks).toString()).get('CallSid');
      if (sid !== null && !arrivals.has(sid)) arrivals.set(sid, performance.now());
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response><Hangup/></Response>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/voice` };
}

function summary(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const spoolDir = mkdtempSync(join(tmpdir(), 'pivot-bench-api-'));
  const node = args.nodeProcess ? await startSimNodeProcess() : await startSimNode();
  const nodePort = node.port;
  const arrivals = new Map<string, number>();
  const web = await startWebApp(arrivals);
  const config = loadConfig({
    env: {},
    overrides: {
      esl: { port: 0 }, admin: { enabled: false }, log: { level: 'warn' },
      api: { enabled: true, port: 0, nodes: [{ host: '127.0.0.1', port: nodePort }] },
      webhook: { accountAuthTokens: [{ accountSid: ACCOUNT, authToken: TOKEN }] },
      call: { record: { spoolDir } },
    },
  });
  const discard = new Writable({ write: (_chunk, _enc, done) => done() });
  const service = new Service({ config, log: createLogger('warn', discard), env: {},
    lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
  await service.start();
  const endpoint = `http://127.0.0.1:${service.apiAddress?.port ?? 0}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`;
  const headers = { authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams({ To: '+15559870000', From: '+15551230000', Url: web.url }).toString();
  const sent = new Map<string, number>();
  const created: number[] = [];
  let next = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (next < args.calls) {
      next++;
      const at = performance.now();
      const res = await fetch(endpoint, { method: 'POST', headers, body });
      const json = await res.json() as { sid?: string };
      if (res.status !== 201 || json.sid === undefined) throw new Error(`create answered ${res.status}`);
      created.push(performance.now() - at);
      sent.set(json.sid, at);
      // One call in flight per worker: wait for its first request before the next create.
      while (!arrivals.has(json.sid)) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const benchCpuMs = (cpu.user + cpu.system) / 1000;
  const firstRequest = [...sent].map(([sid, at]) => (arrivals.get(sid) ?? NaN) - at);
  await service.stop(2000);
  const { cpuMs: nodeCpuMs } = await node.close();
  await new Promise<void>((resolve) => web.server.close(() => resolve()));
  rmSync(spoolDir, { recursive: true, force: true });
  const first = summary(firstRequest);
  const answered = summary(created);
  const ms = (n: number): string => n.toFixed(2);
  const where = node.pid === process.pid ? 'in the server\'s process' : `in a process of its own (pid ${node.pid})`;
  console.log(`${args.calls} creates, ${args.concurrency} in flight, ${elapsedS.toFixed(1)} s; simulated node ${where}`);
  const perCall = (cpuMs: number): string => `${(cpuMs / args.calls).toFixed(2)} ms per call`;
  console.log(`CPU: this process (server, web app, client${node.pid === process.pid ? ', node' : ''}) ` +
    `${perCall(benchCpuMs)}${nodeCpuMs === undefined ? '' : `; the node's process ${perCall(nodeCpuMs)}`}`);
  console.log(`create -> 201: p50 ${ms(answered.p50)} ms, p95 ${ms(answered.p95)} ms`);
  console.log(`create -> first TwiML request: p50 ${ms(first.p50)} ms, p95 ${ms(first.p95)} ms`);
  console.log(`api-bench calls=${args.calls} first_request_p50_ms=${ms(first.p50)} first_request_p95_ms=${ms(first.p95)} ` +
    `created_p50_ms=${ms(answered.p50)} created_p95_ms=${ms(answered.p95)} calls_per_s=${(args.calls / elapsedS).toFixed(0)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
