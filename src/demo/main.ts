#!/usr/bin/env node
/** `npm run demo`: one complete simulated call against the bundled sample IVR, printed as a transcript. */
import { toAppError } from '../errors.js';
import { runDemo } from './demo.js';

runDemo({ sink: (line) => process.stdout.write(`${line}\n`) }).then(() => {
  process.exitCode = 0;
}, (err: unknown) => {
  const error = toAppError(err);
  process.stderr.write(`demo failed: ${error.code}: ${error.message}\n`);
  process.exitCode = 1;
});
