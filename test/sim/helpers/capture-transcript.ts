/**
 * Reads the capture transcript format: `>>> SENT <epoch>` + bytes + `\n>>> END SENT`,
 * `<<< RECV <epoch>` + one message + `\n<<< END RECV`, and `=== ` note lines.
 */
import { readFileSync } from 'node:fs';

/** One step of a captured conversation. */
export type CaptureStep =
  | { readonly kind: 'sent'; readonly at: number; readonly data: Buffer }
  | { readonly kind: 'recv'; readonly at: number; readonly data: Buffer }
  | { readonly kind: 'note'; readonly at: number; readonly text: string };

const SENT = Buffer.from('>>> SENT ');
const RECV = Buffer.from('<<< RECV ');
const NOTE = Buffer.from('=== ');

/** Parses a transcript file into its steps. */
export function readCapture(path: string): CaptureStep[] {
  const data = readFileSync(path);
  const steps: CaptureStep[] = [];
  let i = 0;
  while (i < data.length) {
    const nl = data.indexOf(0x0a, i);
    const lineEnd = nl < 0 ? data.length : nl;
    const starts = (m: Buffer): boolean => data.subarray(i, i + m.length).equals(m);
    const at = Number(data.toString('utf8', i, lineEnd).split(' ')[2] ?? '0');
    if (starts(SENT) || starts(RECV)) {
      const sent = starts(SENT);
      const end = data.indexOf(sent ? '\n>>> END SENT' : '\n<<< END RECV', lineEnd + 1);
      steps.push({ kind: sent ? 'sent' : 'recv', at, data: data.subarray(lineEnd + 1, end) });
      i = data.indexOf(0x0a, end + 1) + 1;
      if (i === 0) break;
      continue;
    }
    if (starts(NOTE)) steps.push({ kind: 'note', at, text: data.toString('utf8', i, lineEnd) });
    i = lineEnd + 1;
  }
  return steps;
}
