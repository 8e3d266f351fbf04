/**
 * `pivot-esl simulate`: one call from a simulated FreeSWITCH to an in-process server, running the TwiML app at
 * `--url`, printed as a transcript. It exits 1 when the call hit an error (every warning or error the server logged
 * with a code, each named on stderr), so that it can check an app in CI.
 */
import { ERROR_CATALOGUE, toAppError, type ErrorCode } from '../errors.js';
import { CALLEE_OUTCOMES, type CalleePlan } from '../demo/callee.js';
import { runSimulation, type LoggedProblem, type SimulationOptions } from '../demo/simulation.js';
import { CliError, EXIT, oneOf, parseCommandArgs, reportError, usageError, wholeNumber, type CliIo } from './cli-io.js';

/** The help text of `simulate`. */
export const SIMULATE_HELP = `Usage: pivot-esl simulate --url <voice url> [options]

Places one simulated call: the server starts in this process on a free loopback port, a simulated FreeSWITCH
hands it a call whose pivot_voice_url is <voice url>, a scripted caller presses keys, and the call is printed
as a transcript (each HTTP request with its parameters, each verb, each FreeSWITCH command). Only your app's
URLs are requested. Every number, SIP address, user or device a <Dial> rings behaves as --callee says.

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
  --callee <behaviour>   what each callee a <Dial> rings does: answer, busy, no-answer      answer
                         (it rings until the Dial's timeout) or fail (a SIP 404)
  --callee-answer-ms <ms>
                         with --callee answer: how long it rings before answering           0
  --callee-talk-ms <ms>  with --callee answer: how long it stays in the bridge              2000
  --time-scale <n>       simulated time scale: 1 is real time, 0.1 ten times faster         1
  -h, --help             show this help

Exit codes:
  0  the call ran and ended without an error
  1  the call hit an error: a request that failed, invalid TwiML, the request limit, or any other warning or
     error the server logged with a code (each code is printed on stderr; ERR_TWIML_UNSUPPORTED, a feature
     this server does not carry out, is printed as a warning and does not count); or the simulation could
     not run
  2  usage error (bad arguments)

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
  callee: { type: 'string' },
  'callee-answer-ms': { type: 'string' },
  'callee-talk-ms': { type: 'string' },
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

function calleePlan(behaviour: string | undefined, answerMs: string | undefined, talkMs: string | undefined): CalleePlan | undefined {
  const outcome = behaviour === undefined ? 'answer' : oneOf('--callee', behaviour, CALLEE_OUTCOMES);
  if (outcome !== 'answer' && (answerMs !== undefined || talkMs !== undefined)) {
    throw usageError(`--callee-answer-ms and --callee-talk-ms go with --callee answer, not ${outcome}`);
  }
  if (behaviour === undefined && answerMs === undefined && talkMs === undefined) return undefined;
  return {
    outcome,
    ...(answerMs === undefined ? {} : { answerAfterMs: wholeNumber('--callee-answer-ms', answerMs) }),
    ...(talkMs === undefined ? {} : { talkMs: wholeNumber('--callee-talk-ms', talkMs) }),
  };
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
  const callee = calleePlan(values.callee, values['callee-answer-ms'], values['callee-talk-ms']);
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
    ...(callee === undefined ? {} : { callee }),
    timeScale: timeScale(values['time-scale']),
  };
}

/** Codes that do not make the call fail. */
const NOT_ERRORS: ReadonlySet<string> = new Set<ErrorCode>(['ERR_TWIML_UNSUPPORTED']);

/** Each code the call hit, once, with the first message logged for it. */
function distinctCodes(problems: readonly LoggedProblem[]): LoggedProblem[] {
  const seen = new Map<string, LoggedProblem>();
  for (const problem of problems) if (!seen.has(problem.code)) seen.set(problem.code, problem);
  return [...seen.values()];
}

/** Twilio's number for a code of the catalogue. */
function twilioCodeOf(code: string): number | undefined {
  const entry = (ERROR_CATALOGUE as Readonly<Record<string, { readonly twilio?: number }>>)[code];
  return entry?.twilio;
}

/**
 * Names each code the call hit on stderr; the exit code (1 when there was any error). A feature this server accepts
 * but does not carry out (ERR_TWIML_UNSUPPORTED) is a limit of the server, not a fault of the call: it is named as a
 * warning and does not count.
 */
function reportProblems(io: CliIo, problems: readonly LoggedProblem[]): number {
  const all = distinctCodes(problems);
  for (const problem of all.filter((p) => NOT_ERRORS.has(p.code))) {
    io.err(`pivot-esl simulate: warning ${problem.code}: ${problem.message}`);
  }
  const codes = all.filter((p) => !NOT_ERRORS.has(p.code));
  for (const problem of codes) {
    reportError(io, 'simulate', { code: problem.code, message: problem.message, twilioCode: twilioCodeOf(problem.code) });
  }
  if (codes.length === 0) return EXIT.OK;
  io.err(`pivot-esl simulate: the call hit ${codes.length === 1 ? 'an error' : `${codes.length} errors`}: ` +
    `${codes.map((p) => p.code).join(', ')}`);
  return EXIT.FAILED;
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
    const result = await runSimulation({ ...options, env: io.env, sink: (line) => io.out(line), signal: interrupt.signal });
    return reportProblems(io, result.problems);
  } catch (err) {
    return reportError(io, 'simulate', toAppError(err));
  } finally {
    process.off('SIGINT', onSigint);
  }
}
