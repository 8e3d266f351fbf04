/**
 * The callee's side of a whisper: a dialled leg that answered reaches this server (dial/whisper-legs.ts) and runs
 * the `<Number url>` / `<Sip url>` document with the normal engine, restricted to what Twilio allows there (Say,
 * Play, Pause, Gather, Redirect, Hangup, Reject; other verbs are skipped with ERR_DIAL_WHISPER_VERB). A leg of the
 * same Dial without a url is released at once, as is a leg screened by a confirm application that is not this
 * server's (leg-connection.ts).
 *
 * Requests describe the child call as Twilio does: CallSid = the leg's uuid, ParentCallSid = the caller's,
 * AccountSid of the caller, Direction=outbound-dial, From/To of the dialled leg, CallStatus=in-progress.
 *
 * When the documents run out with the leg up, the socket is left with `exit` and the leg is NOT hung up:
 * FreeSWITCH then bridges it to the caller. A `<Hangup/>` (or `<Reject>`) hangs the leg up, and the caller's
 * Dial goes on as if nobody had answered. A document that cannot be fetched hangs the leg up too
 * (ERR_DIAL_WHISPER_FAILED): a screening step that did not run must not connect the callee.
 */
import type { EslChannel } from '../../esl/index.js';
import type { Logger } from '../../log.js';
import { toAppError } from '../../errors.js';
import type { Verb } from '../../twiml/index.js';
import { CallRequests, redactUrl, type CallWebhook } from '../../webhook/index.js';
import { hangupChannel, isCallEnded } from '../call-actions.js';
import { callLogIds } from '../call-description.js';
import type { CallContext } from '../call-context.js';
import { runDocuments, type DocumentPlace } from '../document-runner.js';
import { authTokenFor } from '../engine-settings.js';
import { WHISPER_PARENT_VARIABLE } from '../dial/whisper-legs.js';
import type { LegConnection } from './leg-connection.js';
import type { WhisperDocument, WhisperTask } from './whisper-registry.js';
import { logCode } from '../../log-code.js';

/** Verbs a whisper document may use. */
export const WHISPER_VERBS: ReadonlySet<Verb['kind']> = new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Hangup', 'Reject']);

/** What the leg's context is built from besides the channel: the caller's engine pieces and the shared webhook client. */
export type WhisperEnvironment = Omit<CallContext, 'channel' | 'log' | 'signal' | 'source' | 'identity' | 'realm' | 'state'
  | 'requests'> & { readonly webhook: CallWebhook };

/** Where a whisper document runs: its verbs, its own request count; true when the documents ran out with the leg up. */
function whisperPlace(ctx: CallContext): DocumentPlace<boolean> {
  return {
    countsRequests: true,
    overLimit: false,
    allowed: WHISPER_VERBS,
    skipped: { code: 'ERR_DIAL_WHISPER_VERB', msg: 'verb not allowed in a whisper; skipped' },
    async fetchFailed(error, failed) {
      logCode(ctx.log, 'ERR_DIAL_WHISPER_FAILED', { cause: error.code, url: redactUrl(failed.url) },
        'whisper document failed; the callee is not connected');
      return { done: false };
    },
    async ran(outcome) {
      if (ctx.signal.aborted) return { done: false };
      return outcome.type === 'navigate' ? { next: outcome } : { done: outcome.type === 'continue' };
    },
  };
}

/** Runs the whisper documents; true when they ran out with the leg still up. */
function runDocumentsOf(ctx: CallContext, document: WhisperDocument): Promise<boolean> {
  return runDocuments(ctx, { url: document.url, method: document.method, extras: {} }, whisperPlace(ctx));
}

/** Leaves the socket with the leg up, so that FreeSWITCH's originate goes on and bridges it. */
async function release(channel: EslChannel): Promise<void> {
  await channel.command('exit').catch(() => undefined);
  await channel.hangupComplete;
}

/** Runs the whisper document of a leg this server dialled; true when the callee is to be connected. */
async function runWhisper(channel: EslChannel, env: WhisperEnvironment, log: Logger, task: WhisperTask,
  document: WhisperDocument): Promise<boolean> {
  const parent = task.parent;
  const { webhook, ...shared } = env;
  const ctx: CallContext = {
    ...shared,
    // Signed and named as the parent call's requests are: with its account's token, in its format.
    requests: new CallRequests({ client: webhook, authToken: authTokenFor(env.settings, parent.accountSid),
      format: task.format, accountSid: parent.accountSid, log }),
    channel,
    log,
    signal: channel.signal,
    source: { voiceUrl: document.url, method: document.method, fallbackUrl: undefined },
    identity: { callSid: channel.uuid, accountSid: parent.accountSid, from: task.from, to: task.to, direction: 'outbound-dial',
      parentCallSid: parent.callSid },
    realm: '',
    state: { document: document.url, answered: true, requests: 0, recordings: 0, terminators: undefined, variables: new Map(),
      fallbackUsed: false, failed: false, hangupRequested: undefined },
  };
  let accepted = false;
  try {
    accepted = await runDocumentsOf(ctx, document);
  } catch (err) {
    if (!isCallEnded(err)) log.error({ code: toAppError(err).code, err }, 'whisper failed; the callee is not connected');
  } finally {
    await ctx.requests.settled();
  }
  return accepted;
}

/** Runs a leg of a Dial with whispers, or releases or hangs up a screened leg (see leg-connection.ts). Never throws. */
export async function runWhisperLeg(channel: EslChannel, env: WhisperEnvironment,
  connection: Exclude<LegConnection, { kind: 'call' }>): Promise<void> {
  if (connection.kind === 'stale') {
    logCode(channel.log, 'ERR_DIAL_WHISPER_UNKNOWN', { parent: channel.data.variable(WHISPER_PARENT_VARIABLE) },
      'a whisper leg this server did not dial; hanging it up');
    await hangupChannel(channel, channel.log, 'NORMAL_CLEARING');
    return;
  }
  if (connection.kind === 'screened-elsewhere') {
    channel.log.info({ channelName: channel.data.channelName },
      'a leg screened by a dial this server did not make (a loopback callee bridging on); released unscreened');
    await release(channel);
    return;
  }
  const { task } = connection;
  const { parent } = task;
  const log = channel.log.child({ ...callLogIds(channel.uuid, parent.accountSid), parentCallSid: parent.callSid });
  task.onAnswer?.();
  const accepted = task.document === undefined || await runWhisper(channel, env, log, task, task.document);
  task.result = accepted ? 'accepted' : 'rejected';
  log.info({ result: task.result, whisper: task.document !== undefined }, 'whisper leg finished');
  if (accepted) await release(channel);
  else await hangupChannel(channel, log, 'NORMAL_CLEARING');
}
