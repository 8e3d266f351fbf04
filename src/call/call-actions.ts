/** Small operations on a call shared by the verbs and the run loop. */
import type { Logger } from 'pino';
import { AppError, CallEndedError, EslError, toAppError } from '../errors.js';
import type { EslChannel } from '../esl/index.js';
import { raceTimeout } from '../util/abort.js';
import type { Params, RequestExtras } from '../webhook/index.js';
import { callStatus } from './call-description.js';
import type { CallContext } from './call-context.js';
import { terminatorsArg } from './media/fs-args.js';

/** How long to wait for FreeSWITCH to report a hangup we asked for. */
const HANGUP_CONFIRM_MS = 2000;

/** Whether `err` means the call has ended (hangup, disconnect, shutdown): a normal end, not a failure. */
export function isCallEnded(err: unknown): err is CallEndedError {
  return err instanceof CallEndedError;
}

/** Throws the call's end reason when the call has ended. */
export function throwIfEnded(ctx: CallContext): void {
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof AppError ? ctx.signal.reason : new CallEndedError('ERR_CALL_HANGUP');
}

/** Answers the call unless it already is. */
export async function ensureAnswered(ctx: CallContext): Promise<void> {
  if (ctx.state.answered) return;
  if (!ctx.channel.answered) await ctx.channel.answer({ signal: ctx.signal });
  ctx.state.answered = true;
}

/**
 * Sets which keys stop playback, speech and recording (`playback_terminators`): DTMF keys, `any` or `none`
 * (`''` means none). The value is remembered, so repeating it costs nothing.
 */
export async function setTerminators(ctx: CallContext, keys: string): Promise<void> {
  const value = terminatorsArg(keys);
  if (ctx.state.terminators === value) return;
  await ctx.channel.setVariable('playback_terminators', value, { signal: ctx.signal });
  ctx.state.terminators = value;
}

/**
 * Starts `run` right after `preparing` was sent, without waiting for its reply, so that both leave in one write:
 * FreeSWITCH handles a socket's commands in order, so a channel variable set by `preparing` is in place before the
 * application `run` sends starts. A failed preparation still fails the step, before `run`'s own outcome is read.
 */
export async function afterPreparing<T>(preparing: Promise<void>, run: () => Promise<T>): Promise<T> {
  const running = run();
  // Read below, once the preparation has succeeded; a failed preparation leaves it unread.
  running.catch(ignore);
  await preparing;
  return running;
}

function ignore(): void {}

/** The parameters of a request about this call: its description, `extras`, then the call's variables. */
export function requestParams(ctx: CallContext, extras: RequestExtras = {}): Params {
  const description = {
    ...ctx.identity,
    callStatus: callStatus({ answered: ctx.state.answered || ctx.channel.answered, ended: ctx.signal.aborted }),
  };
  const variables = ctx.state.variables.size === 0 ? undefined : [...ctx.state.variables];
  return ctx.requests.callParams(description, variables ? { ...extras, variables } : extras);
}

/** Hangs the call up with `cause` and waits (briefly) until FreeSWITCH reports it. A call already gone is fine. */
export async function hangupCall(ctx: CallContext, cause: string): Promise<void> {
  if (!ctx.signal.aborted) ctx.state.hangupRequested ??= cause;
  await hangupChannel(ctx.channel, ctx.log, cause);
}

/**
 * {@link hangupCall} for a channel that has no call context (a call refused before it starts). FreeSWITCH reports
 * the hangup with CHANNEL_HANGUP_COMPLETE (the linger notice may come first, more/uuid-kill-then-execute), whose
 * time the call's duration is read from.
 */
export async function hangupChannel(channel: EslChannel, log: Logger, cause: string): Promise<void> {
  if (channel.signal.aborted) return;
  try {
    await channel.hangup(cause);
    // None: the socket closed without one (nothing more can come), or it did not come in time.
    if ((await raceTimeout(channel.hangupComplete, HANGUP_CONFIRM_MS)) === undefined && !channel.closed) {
      throw new EslError('ERR_ESL_TIMEOUT', `no CHANNEL_HANGUP_COMPLETE in ${HANGUP_CONFIRM_MS} ms`);
    }
  } catch (err) {
    if (!isCallEnded(err)) log.warn({ code: toAppError(err).code }, 'hangup not confirmed');
  }
}

/**
 * Prepares `playback_terminators` for a recording and clears `playback_terminator_used`, so that the recording's
 * completion reports only the key that ended it. One api round trip.
 */
export async function prepareRecordingKeys(ctx: CallContext, keys: string): Promise<void> {
  const value = terminatorsArg(keys);
  const out = await ctx.channel.api(
    `uuid_setvar_multi ${ctx.channel.uuid} playback_terminators=${value};playback_terminator_used=`, { signal: ctx.signal });
  if (out.startsWith('-ERR')) throw new AppError('ERR_ESL_COMMAND_FAILED', `uuid_setvar_multi: ${out.trim()}`);
  ctx.state.terminators = value;
}
