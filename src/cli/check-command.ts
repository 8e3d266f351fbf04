/**
 * `pivot-esl check <file|url|->`: parses and validates a TwiML document with the server's own parser and lists
 * every problem with its code, Twilio's number and its line. A URL is fetched once with the server's webhook
 * client (same timeouts, same address guard, same content-type rule); `-` reads the document from standard input.
 * `--strict` makes Twilio TwiML the server skips (`<Start>`, `<Client>`...) an error.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadConfig } from '../config/index.js';
import { toAppError } from '../errors.js';
import { classifyContentType, parseTwiml, validateTwiml, type TwimlProblem } from '../twiml/index.js';
import { createWebhookClient, createWebhookDispatcher, redactUrl, webhookDispatcherOptions } from '../webhook/index.js';
import { CliError, EXIT, oneOf, parseCommandArgs, reportError, usageError, type CliIo } from './cli-io.js';

/** The help text of `check`. */
export const CHECK_HELP = `Usage: pivot-esl check <file|url|-> [options]

Parses and validates a TwiML document the way the server does before running it, and prints every problem as
<source>:<line>:<column>: <error|warning> <code> (Twilio <number>): <message>.
An http(s) URL is fetched once (GET by default) with the server's webhook client and configuration; - reads the
document from standard input (named <stdin> in the output).
Twilio verbs and nouns the server does not run (<Start>, <Connect>, <Pay>, <Client>...) are skipped by the server
and reported as warnings (ERR_TWIML_SKIPPED); --strict reports them as errors.
Exits 0 when the document is valid (warnings allowed), 1 when it is not or cannot be read, 2 on bad arguments.

Options:
  --strict              Twilio TwiML the server skips is an error, not a warning
  --method <GET|POST>   method used to fetch a URL                                    GET
  --base-url <url>      URL relative links in a file resolve against     http://localhost/<file name>
                        (standard input: http://localhost/stdin)
  -h, --help            show this help`;

const OPTIONS = {
  strict: { type: 'boolean' },
  method: { type: 'string' },
  'base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The argument that names standard input, and its name in the output. */
const STDIN = '-';
const STDIN_NAME = '<stdin>';

/** A document to check: its text, the URL it resolves against, and its name in the output. */
interface Source {
  readonly name: string;
  readonly text: string;
  readonly base: URL;
  /** A problem found before the document itself was read (the content type of a fetched document). */
  readonly early?: TwimlProblem;
}

function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

function baseUrl(text: string | undefined, file: string): URL {
  if (text === undefined) return new URL(`http://localhost/${encodeURIComponent(basename(file))}`);
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw usageError(`--base-url must be an absolute http(s) URL, not "${text}"`);
}

async function readStdin(io: CliIo, base: URL): Promise<Source> {
  if (io.readStdin === undefined) throw new CliError('ERR_CLI_READ', 'cannot read standard input here');
  try {
    return { name: STDIN_NAME, text: await io.readStdin(), base };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CliError('ERR_CLI_READ', `cannot read standard input: ${reason}`, { cause: err });
  }
}

async function readSource(file: string, base: URL): Promise<Source> {
  try {
    return { name: file, text: await readFile(file, 'utf8'), base };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CliError('ERR_CLI_READ', `cannot read ${file}: ${reason}`, { cause: err });
  }
}

async function fetchSource(target: string, method: 'GET' | 'POST', env: NodeJS.ProcessEnv): Promise<Source> {
  const config = loadConfig({ env });
  const dispatcher = createWebhookDispatcher(webhookDispatcherOptions(config));
  try {
    const url = new URL(target);
    const client = createWebhookClient(config, dispatcher);
    const res = await client.fetchTwiml({ url, method, params: [] }, AbortSignal.timeout(config.webhook.timeoutMs * 4));
    const kind = classifyContentType(res.contentType, res.body);
    const early = kind === 'twiml' ? undefined : kind.problems[0];
    return { name: redactUrl(url), text: res.body, base: res.url, ...(early ? { early } : {}) };
  } finally {
    await dispatcher.close();
  }
}

function problemLine(name: string, p: TwimlProblem): string {
  const where = p.line === undefined ? name : `${name}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
  const twilio = p.twilioCode === undefined ? '' : ` (Twilio ${p.twilioCode})`;
  return `${where}: ${p.severity} ${p.code}${twilio}: ${p.message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Runs `check`; resolves with the exit code. */
export async function checkCommand(args: readonly string[], io: CliIo): Promise<number> {
  let source: Source;
  let strict = false;
  try {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
    if (values.help) {
      io.out(CHECK_HELP);
      return EXIT.OK;
    }
    const [target, ...extra] = positionals;
    if (target === undefined) throw usageError('give the TwiML file or http(s) URL to check, or - for standard input');
    if (extra.length > 0) throw usageError(`check takes one file or URL, not ${positionals.length}`);
    const method = values.method === undefined ? 'GET' : oneOf('--method', values.method, ['GET', 'POST'] as const);
    strict = values.strict === true;
    if (isUrl(target)) source = await fetchSource(target, method, io.env);
    else if (target === STDIN) source = await readStdin(io, baseUrl(values['base-url'], 'stdin'));
    else source = await readSource(target, baseUrl(values['base-url'], target));
  } catch (err) {
    return reportError(io, 'check', err instanceof CliError ? err : toAppError(err));
  }
  if (source.early) {
    io.out(problemLine(source.name, source.early));
    io.out(`${source.name}: not TwiML`);
    return EXIT.FAILED;
  }
  const problems = validateTwiml(source.text, source.base, undefined, { strict });
  for (const p of problems) io.out(problemLine(source.name, p));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (errors > 0) {
    io.out(`${source.name}: invalid TwiML (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`);
    return EXIT.FAILED;
  }
  const verbs = parseTwiml(source.text, source.base).verbs.length;
  io.out(`${source.name}: valid TwiML (${plural(verbs, 'verb')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''})`);
  return EXIT.OK;
}
