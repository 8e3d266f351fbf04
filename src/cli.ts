#!/usr/bin/env node
/** The `pivot-esl` executable: `pivot-esl <serve|simulate|check|version> [options]` (see `pivot-esl --help`). */
import { EXIT, type CliIo } from './cli/cli-io.js';
import { runCli } from './cli/run-cli.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  readStdin,
};

runCli(process.argv.slice(2), io).then((code) => {
  if (code !== undefined) process.exitCode = code;
}, (err: unknown) => {
  process.stderr.write(`pivot-esl: error ERR_INTERNAL: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT.FAILED;
});
