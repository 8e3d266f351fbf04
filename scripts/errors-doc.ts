/**
 * Writes `docs/errors.md`, the operator's list of error codes, from the catalogue in `src/errors.ts`
 * (`npm run docs:errors`). A test compares the committed file with `renderErrorsDoc()`, so the list cannot fall
 * behind the catalogue.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ERROR_CATALOGUE, type CatalogueEntry, type ErrorCode } from '../src/errors.js';

/** Where the generated list lives, from the repository root. */
export const ERRORS_DOC_PATH = 'docs/errors.md';

const HEADER = `# Error codes

<!-- Generated from src/errors.ts by \`npm run docs:errors\`; edit the catalogue, not this file. -->

Every log line of pivot-esl that reports a failure carries a \`code\` from this list, at the level given here; the
same codes appear in the errors \`pivot-esl check\` and \`pivot-esl simulate\` print. Where Twilio documents the same
failure, its error number is given.

A code means a failure. The normal end of a call (the caller hangs up, the document ends, \`<Hangup/>\`,
\`<Reject>\`) is logged at info with an \`outcome\` (\`hangup\` or \`completed\`) and no code; a call that ended
otherwise carries its outcome (\`disconnected\`, \`shutdown\`, \`error\`) and the code of what ended it. An alert on
\`level >= warn\` (or on \`code\` being present) therefore pages for failures only.

| Code | Twilio | Level | Meaning | What to do |
| --- | --- | --- | --- | --- |
`;

/** The whole of `docs/errors.md`. */
export function renderErrorsDoc(): string {
  const rows = (Object.entries(ERROR_CATALOGUE) as Array<[ErrorCode, CatalogueEntry]>).map(([code, entry]) =>
    `| \`${code}\` | ${twilioCell(entry.twilio)} | ${entry.level} | ${cell(entry.text)} | ${cell(entry.action)} |`);
  return `${HEADER}${rows.join('\n')}\n`;
}

function twilioCell(number: number | undefined): string {
  return number === undefined ? '' : `[${number}](https://www.twilio.com/docs/api/errors/${number})`;
}

/** Text fit for a table cell: `|` escaped, and `<` outside code spans kept from reading as HTML. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').split('`').map((part, i) => (i % 2 === 0 ? part.replace(/</g, '&lt;') : part)).join('`');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  writeFileSync(`${root}${ERRORS_DOC_PATH}`, renderErrorsDoc());
  process.stdout.write(`wrote ${ERRORS_DOC_PATH}\n`);
}
