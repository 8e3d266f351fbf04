/**
 * `pivot-esl simulate`: one call from a simulated FreeSWITCH to an in-process server, running the TwiML app at
 * `--url`, printed as a transcript.
 */
import { toAppError } from '../errors.js';
import { runSimulation, type SimulationOptions } from '../demo/simulation.js';
import { CliError, EXIT, oneOf, parseCommandArgs, reportError, usageError, wholeNumber, type CliIo } from './cli-io.js';

/** The help text of `simulate`. */
export const SIMULATE_HELP = `Usage: pivot-esl simulate --url <voice url> [options]

Places one simulated call: the server starts in this process on a free loopback port, a simulated FreeSWITCH
hands it a call whose pivot_voice_url is <voice url>, a scripted caller presses keys, and the call is printed
as a transcript (each HTTP request with its parameters, each verb, each FreeSWITCH command). Only your app's
URLs are requested. Exits 0 once the call has ended.

Options:
  --url <url>            voice URL of the call (http or https)                              required
  --digits <keys>        keys the caller presses, e.g. 12#; repeat for each Gather          none
                         (each group is pressed 1.5 s after the next Gather begins)
  --digits-at-ms <ms>    press the groups at these call times instead (one per --digits)
  --hangup-at-ms <ms>    the caller hangs up at this call time                              never
  --speech-ms <ms>       how long the caller talks into each <Record>                      3000
  --from <number>        caller number (From)                                               5551234
  --to <number>          dialled number (To)                                                7001
  --method <GET|POST>    method of the first request (pivot_voice_method)                  POST
  --format <twiml|kazoo> request parameter names (pivot_req_format)                         twiml
  --time-scale <n>       simulated time scale: 1 is real time, 0.1 ten times faster         1
  -h, --help             show this help

Example:
  pivot-esl simulate --url http://127.0.0.1:3000/voice --digits 1 --digits 1234# --time-scale 0.1`;

const OPTIONS = {
  url: { type: 'string' },
  digits: { type: 'string', multiple: true },
  'digits-at-ms': { type: 'string', multiple: true },
  'hangup-at-ms': { type: 'string' },
  'speech-ms': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  method: { type: 'string' },
  format: { type: 'string' },
  'time-scale': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DTMF = /^[0-9*#A-Da-d]+$/;
const NUMBER = /^[^\s'"]{1,64}$/;

function voiceUrl(text: string | undefined): string {
  if (text === undefined) throw usageError('--url <voice url> is required');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`--url must be an absolute http(s) URL, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be an http(s) URL, not "${text}"`);
  return url.href;
}

function timeScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 100) {
    throw usageError(`--time-scale must be a number above 0 and at most 100, not "${text}"`);
  }
  return value;
}

function phoneNumber(name: string, text: string | undefined): string | undefined {
  if (text !== undefined && !NUMBER.test(text)) throw usageError(`${name} must be a number or user name without spaces or quotes`);
  return text;
}

/** Reads the arguments of `simulate` into simulation options; a usage error says what is wrong. */
export function simulationOptions(args: readonly string[]): SimulationOptions | 'help' {
  const { values } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: false });
  if (values.help) return 'help';
  const digits = values.digits ?? [];
  for (const group of digits) {
    if (!DTMF.test(group)) throw usageError(`--digits takes DTMF keys (0-9, *, #, A-D), not "${group}"`);
  }
  const at = values['digits-at-ms']?.map((t) => wholeNumber('--digits-at-ms', t));
  if (at !== undefined && at.length !== digits.length) {
    throw usageError(`give one --digits-at-ms per --digits (${digits.length} --digits, ${at.length} --digits-at-ms)`);
  }
  const from = phoneNumber('--from', values.from);
  const to = phoneNumber('--to', values.to);
  return {
    voiceUrl: voiceUrl(values.url),
    digits,
    ...(at === undefined ? {} : { digitsAtMs: at }),
    ...(values['hangup-at-ms'] === undefined ? {} : { hangupAtMs: wholeNumber('--hangup-at-ms', values['hangup-at-ms']) }),
    ...(values['speech-ms'] === undefined ? {} : { speechMs: wholeNumber('--speech-ms', values['speech-ms']) }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    method: values.method === undefined ? 'POST' : oneOf('--method', values.method, ['GET', 'POST'] as const),
    format: values.format === undefined ? 'twiml' : oneOf('--format', values.format, ['twiml', 'kazoo'] as const),
    timeScale: timeScale(values['time-scale']),
  };
}

/** Runs `simulate`; resolves with the exit code. A first SIGINT makes the caller hang up. */
export async function simulateCommand(args: readonly string[], io: CliIo): Promise<number> {
  let options: SimulationOptions | 'help';
  try {
    options = simulationOptions(args);
  } catch (err) {
    return reportError(io, 'simulate', err instanceof CliError ? err : toAppError(err));
  }
  if (options === 'help') {
    io.out(SIMULATE_HELP);
    return EXIT.OK;
  }
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    await runSimulation({ ...options, env: io.env, sink: (line) => io.out(line), signal: interrupt.signal });
    return EXIT.OK;
  } catch (err) {
    return reportError(io, 'simulate', toAppError(err));
  } finally {
    process.off('SIGINT', onSigint);
  }
}
