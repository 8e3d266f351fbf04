import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { ParkWatcher } from '../../src/park/index.js';
import { SimInboundServer } from '../../src/sim/index.js';
import { startEngine, type EngineHarness, type EngineOptions } from '../support/engine-harness.js';
import { eventually, LogCapture } from '../support/harness.js';

/** The engine, a simulated FreeSWITCH node's inbound Event Socket, and a park-watcher connected to it. */
export interface ParkHarness {
  readonly e: EngineHarness;
  readonly node: SimInboundServer;
  readonly nodePort: number;
  readonly watcher: ParkWatcher;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

export interface ParkHarnessOptions {
  /** The node's password (the watcher always sends ClueCon). */
  readonly nodePassword?: string;
  readonly park?: Record<string, unknown>;
  /** Wait for the watcher to be connected before returning (default true). */
  readonly waitConnected?: boolean;
  /** Options of the engine and its simulator. */
  readonly engine?: EngineOptions;
}

export async function startPark(options: ParkHarnessOptions = {}): Promise<ParkHarness> {
  const e = await startEngine(options.engine);
  const node = new SimInboundServer(e.sim, options.nodePassword === undefined ? {} : { password: options.nodePassword });
  const nodePort = await node.listen();
  const logs = new LogCapture();
  const watcher = watchNode(e, nodePort, logs, options.park);
  if (options.waitConnected !== false) await eventually(() => watcher.connectedNodes === 1, 3000, 'the watcher to connect');
  return {
    e, node, nodePort, watcher, logs,
    async close() {
      await watcher.stop();
      await node.dropCalls();
      await node.close();
      await e.close();
    },
  };
}

/**
 * A started park-watcher of the server in `e` on the simulated node at `nodePort`: it hands calls to that server,
 * and knows the calls that server runs.
 */
export function watchNode(e: EngineHarness, nodePort: number, logs: LogCapture,
  park: Record<string, unknown> = {}): ParkWatcher {
  const config = loadConfig({
    env: {},
    overrides: {
      esl: { connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
      park: { enabled: true, nodes: [{ host: '127.0.0.1', port: nodePort }], reconnectMinMs: 10, reconnectMaxMs: 80,
        ...park },
    },
  });
  const watcher = new ParkWatcher(config, `127.0.0.1:${e.h.port}`, createLogger('debug', logs),
    { runsCall: (uuid) => e.h.server.runs(uuid) });
  // As the service wires them: the nodes' conference events reach the engine's profile checks.
  watcher.forwardRoomEvents((event) => e.rooms.profiles.roomEvent(event));
  watcher.start();
  return watcher;
}

/** The log lines with this message. */
export function linesWith(logs: LogCapture, msg: string): Array<Record<string, unknown>> {
  return logs.lines.filter((l) => l.msg === msg);
}

/** The watcher's lines about a call it left alone, with the reason (`socket-application`, `running-here`...). */
export function leftAlone(logs: LogCapture, uuid: string, reason: string): Array<Record<string, unknown>> {
  return logs.lines.filter((l) => l['uuid'] === uuid && l['reason'] === reason);
}
