/**
 * The simulated FreeSWITCH node of `bench:api --node-process`, in a process of its own: the simulator and its
 * inbound Event Socket on a free loopback port, answering every originate at once; its `socket` application connects
 * each answered call to the address the originate names (the measured server's outbound socket). Once listening it
 * prints one line, `bench-api-node pid=<pid> esl_port=<port>`, on stdout. It stops (its calls dropped) when its
 * stdin closes, which is also what happens when the process that started it dies, or on SIGTERM, and prints the
 * CPU time it used (user and system) since it listened as `bench-api-node cpu_ms=<ms>`.
 *
 * `node dist/scripts/bench-api-node.js`
 */
import { startSimNode } from './bench-api-sim-node.js';

const node = await startSimNode();
/** CPU time from the moment it listens: what the calls cost it, not its start. */
const listening = process.cpuUsage();
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await node.close();
  const cpu = process.cpuUsage(listening);
  process.stdout.write(`bench-api-node cpu_ms=${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`, () => process.exit(0));
};
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
process.stdout.write(`bench-api-node pid=${process.pid} esl_port=${node.port}\n`);
