/**
 * `pivot-esl call`: creates a call through the Calls API of a running server (POST Calls.json, as Twilio's clients
 * do) and prints its status as it changes, by fetching it every 250 ms until it ends. The exit code says how it
 * ended, so that a script can place a call and act on the outcome.
 */
import { request } from 'undici';
import { accountSidOf } from '../api/sids.js';
import { loadConfig } from '../config/index.js';
import { toAppError } from '../errors.js';
import { CliError, EXIT, oneOf, parseCommandArgs, reportError, usageError, type CliIo } from './cli-io.js';

/** Exit codes of `call` besides 0 (completed), 1 (the API could not be reached) and 2 (usage). */
export const CALL_EXIT = {
  API_ERROR: 3,
  busy: 4,
  'no-answer': 5,
  failed: 6,
  canceled: 7,
} as const;

/** The statuses a call ends with. */
const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** How often the call is fetched while it goes on. */
const POLL_MS = 250;

export const CALL_HELP = `Usage: pivot-esl call --to <number> --from <number> (--url <url> [--method GET|POST] | --twiml <xml>) [options]

Creates a call through the Calls API of a running pivot-esl (api.enabled) and prints its status as it changes
(queued, ringing, in-progress, then how it ended), fetching it every ${POLL_MS} ms until it ends.

Options:
  --to <number>          who is called: a number, or a sip: URI                                      required
  --from <number>        caller id                                                                   required
  --url <url>            the TwiML app the answered call runs (http or https)
  --method <GET|POST>    method of the request to --url                                             POST
  --twiml <xml>          inline TwiML the answered call runs, instead of --url
  --api <url>            where the Calls API listens                                  http://127.0.0.1:8086
  --account <sid>        AccountSid (AC + 32 hex digits, or the 32-hex Kazoo id)          call.accountSid
  --token <token>        the account's auth token                                      $PIVOT_AUTH_TOKEN
  --config <file>        configuration file call.accountSid is read from (default: $PIVOT_CONFIG, else conf/default.json)
  -h, --help             show this help

Exit codes:
  0  the call completed
  1  the Calls API could not be reached
  2  usage error (bad arguments)
  3  the Calls API refused a request (Twilio's error code and message are printed)
  4  busy   5  no-answer   6  failed   7  canceled

Example:
  PIVOT_AUTH_TOKEN=... pivot-esl call --to +15551230001 --from +15559870002 --url https://app.example.com/voice`;

const OPTIONS = {
  to: { type: 'string' },
  from: { type: 'string' },
  url: { type: 'string' },
  method: { type: 'string' },
  twiml: { type: 'string' },
  api: { type: 'string' },
  account: { type: 'string' },
  token: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What `call` does, read from its arguments. */
export interface CallCommandOptions {
  readonly api: URL;
  readonly accountSid: string;
  readonly token: string;
  /** The create parameters, as Twilio names them. */
  readonly params: ReadonlyArray<readonly [string, string]>;
}

/** Reads the arguments of `call`; a usage error says what is wrong. */
export function callCommandOptions(args: readonly string[], env: NodeJS.ProcessEnv): CallCommandOptions | 'help' {
  const { values } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: false });
  if (values.help) return 'help';
  if (values.to === undefined || values.to.trim() === '') throw usageError('--to <number> is required');
  if (values.from === undefined || values.from.trim() === '') throw usageError('--from <number> is required');
  if ((values.url === undefined) === (values.twiml === undefined)) throw usageError('give either --url or --twiml');
  if (values.method !== undefined && values.url === undefined) throw usageError('--method goes with --url');
  const params: Array<[string, string]> = [['To', values.to], ['From', values.from]];
  if (values.url !== undefined) {
    params.push(['Url', httpUrl('--url', values.url).href]);
    params.push(['Method', values.method === undefined ? 'POST' : oneOf('--method', values.method, ['GET', 'POST'] as const)]);
  }
  if (values.twiml !== undefined) params.push(['Twiml', values.twiml]);
  const token = values.token ?? env['PIVOT_AUTH_TOKEN'];
  if (token === undefined || token === '') throw usageError('give the auth token with --token or PIVOT_AUTH_TOKEN');
  return {
    api: httpUrl('--api', values.api ?? 'http://127.0.0.1:8086'),
    accountSid: accountOf(values.account, values.config, env),
    token,
    params,
  };
}

function accountOf(given: string | undefined, configFile: string | undefined, env: NodeJS.ProcessEnv): string {
  if (given !== undefined) {
    const sid = accountSidOf(given);
    if (sid === undefined) throw usageError(`--account must be AC + 32 hex digits, or the 32-hex Kazoo id, not "${given}"`);
    return sid;
  }
  const configured = loadConfig({ file: configFile, env }).call.accountSid;
  const sid = accountSidOf(configured);
  if (sid === undefined) throw usageError('give --account (call.accountSid is not set to an account id)');
  return sid;
}

function httpUrl(name: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${name} must be an absolute http(s) URL, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`${name} must be an http(s) URL, not "${text}"`);
  return url;
}

/** A Calls API answer: its status and JSON. */
interface ApiAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** A Calls API error answer, as `reportError` prints it. */
class ApiRefusal extends Error {
  readonly code = 'ERR_CLI_API';
  constructor(readonly twilioCode: number | undefined, message: string) {
    super(message);
  }
}

async function callApi(options: CallCommandOptions, method: 'GET' | 'POST', path: string, body?: string): Promise<ApiAnswer> {
  const url = new URL(path, options.api);
  const res = await request(url, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${options.accountSid}:${options.token}`).toString('base64')}`,
      ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(body !== undefined && { body }),
  });
  const text = await res.body.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ApiRefusal(undefined, `the Calls API answered ${res.statusCode} with a body that is not JSON`);
  }
  if (res.statusCode >= 400) {
    const code = typeof json['code'] === 'number' ? json['code'] : undefined;
    throw new ApiRefusal(code, `${res.statusCode}: ${typeof json['message'] === 'string' ? json['message'] : 'no message'}`);
  }
  return { status: res.statusCode, json };
}

/** One line per status the call is seen in: `<sid> <status>`, with the duration once it has one. */
function statusLine(call: Record<string, unknown>): string {
  const duration = typeof call['duration'] === 'string' ? ` (${call['duration']} s)` : '';
  return `${String(call['sid'])} ${String(call['status'])}${duration}`;
}

/** Creates the call, then prints its status as it changes until it ends; resolves with the exit code. */
export async function placeCall(options: CallCommandOptions, io: CliIo, pollMs = POLL_MS): Promise<number> {
  try {
    const path = `/2010-04-01/Accounts/${options.accountSid}/Calls.json`;
    const created = await callApi(options, 'POST', path, new URLSearchParams(options.params.map(([k, v]): [string, string] => [k, v])).toString());
    let call = created.json;
    io.out(statusLine(call));
    const uri = typeof call['uri'] === 'string' ? call['uri'] : `/2010-04-01/Accounts/${options.accountSid}/Calls/${String(call['sid'])}.json`;
    while (!FINAL.has(String(call['status']))) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const next = (await callApi(options, 'GET', uri)).json;
      if (next['status'] !== call['status']) io.out(statusLine(next));
      call = next;
    }
    const status = String(call['status']);
    return status === 'completed' ? EXIT.OK : CALL_EXIT[status as keyof typeof CALL_EXIT];
  } catch (err) {
    if (err instanceof ApiRefusal) {
      reportError(io, 'call', err);
      return CALL_EXIT.API_ERROR;
    }
    const error = toAppError(err);
    reportError(io, 'call', { code: 'ERR_CLI_API', message: `the Calls API at ${options.api.origin} cannot be reached: ${error.message}` });
    return EXIT.FAILED;
  }
}

/** `pivot-esl call <args>`: resolves with the exit code. */
export async function callCommand(args: readonly string[], io: CliIo): Promise<number> {
  let options: CallCommandOptions | 'help';
  try {
    options = callCommandOptions(args, io.env);
  } catch (err) {
    return reportError(io, 'call', err instanceof CliError ? err : toAppError(err));
  }
  if (options === 'help') {
    io.out(CALL_HELP);
    return EXIT.OK;
  }
  return placeCall(options, io);
}
