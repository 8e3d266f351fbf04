/**
 * The callee's side of a whisper: a dialled leg that answered reaches this server (dial/whisper-legs.ts) and runs
 * the `<Number url>` / `<Sip url>` document with the normal engine, restricted to what Twilio allows there (Say,
 * Play, Pause, Gather, Redirect, Hangup, Reject; other verbs are skipped with ERR_DIAL_WHISPER_VERB).
 *
 * Requests describe the child call as Twilio does: CallSid = the leg's uuid, ParentCallSid = the caller's,
 * AccountSid of the caller, Direction=outbound-dial, From/To of the dialled leg, CallStatus=in-progress.
 *
 * When the documents run out with the leg up, the socket is left with `exit` and the leg is NOT hung up:
 * FreeSWITCH then bridges it to the caller. A `<Hangup/>` (or `<Reject>`) hangs the leg up, and the caller's
 * Dial goes on as if nobody had answered. A document that cannot be fetched hangs the leg up too
 * (ERR_DIAL_WHISPER_FAILED): a screening step that did not run must not connect the callee.
 */
import type { ChannelData, EslChannel } from '../../esl/index.js';
import { toAppError } from '../../errors.js';
import type { TwimlDocument, Verb } from '../../twiml/index.js';
import { redactUrl } from '../../webhook/index.js';
import { hangupChannel, isCallEnded } from '../call-actions.js';
import { callLogIds } from '../call-description.js';
import type { CallContext } from '../call-context.js';
import { fetchDocument } from '../fetch-document.js';
import { authTokenFor } from '../engine-settings.js';
import { WHISPER_PARENT_VARIABLE } from '../dial/whisper-legs.js';
import { handlerFor, type Navigation, type VerbOutcome } from '../verbs/index.js';
import type { WhisperTask } from './whisper-registry.js';

/** Verbs a whisper document may use. */
export const WHISPER_VERBS: ReadonlySet<Verb['kind']> = new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Hangup', 'Reject']);

/** Whether a channel handed to this server is a dialled leg coming to run its whisper. */
export function isWhisperLeg(data: ChannelData): boolean {
  return (data.variable(WHISPER_PARENT_VARIABLE) ?? '') !== '';
}

/** What the leg's context is built from besides the channel: the caller's engine pieces. */
export type WhisperEnvironment = Omit<CallContext, 'channel' | 'log' | 'signal' | 'source' | 'identity' | 'state'>;

async function runAllowed(ctx: CallContext, doc: TwimlDocument): Promise<VerbOutcome> {
  ctx.state.document = doc.source;
  for (const verb of doc.verbs) {
    if (ctx.signal.aborted) break;
    if (!WHISPER_VERBS.has(verb.kind)) {
      ctx.log.warn({ code: 'ERR_DIAL_WHISPER_VERB', verb: verb.kind, line: verb.position.line }, 'verb not allowed in a whisper; skipped');
      continue;
    }
    const outcome = await handlerFor(verb).run(verb, ctx);
    if (outcome.type !== 'continue') return outcome;
  }
  return { type: 'continue' };
}

/** Runs the whisper documents; true when they ran out with the leg still up. */
async function runDocuments(ctx: CallContext, task: WhisperTask): Promise<boolean> {
  let next: Navigation = { url: task.url, method: task.method, extras: {} };
  for (;;) {
    if (ctx.state.requests >= ctx.settings.maxRequests) {
      ctx.log.warn({ code: 'ERR_CALL_REDIRECT_LIMIT', limit: ctx.settings.maxRequests }, 'too many whisper requests');
      return false;
    }
    let doc: TwimlDocument;
    try {
      doc = await fetchDocument(ctx, next);
    } catch (err) {
      if (isCallEnded(err)) return false;
      ctx.log.warn({ code: 'ERR_DIAL_WHISPER_FAILED', cause: toAppError(err).code, url: redactUrl(next.url) },
        'whisper document failed; the callee is not connected');
      return false;
    }
    const outcome = await runAllowed(ctx, doc);
    if (ctx.signal.aborted) return false;
    if (outcome.type !== 'navigate') return outcome.type === 'continue';
    next = outcome;
  }
}

/** Leaves the socket with the leg up, so that FreeSWITCH's originate goes on and bridges it. */
async function release(channel: EslChannel): Promise<void> {
  await channel.command('exit').catch(() => undefined);
  await channel.hangupComplete;
}

/** Runs the whisper of a leg that connected with {@link WHISPER_PARENT_VARIABLE}. Never throws. */
export async function runWhisperLeg(channel: EslChannel, env: WhisperEnvironment): Promise<void> {
  const task = env.whispers?.find(channel.uuid);
  if (task === undefined) {
    channel.log.warn({ code: 'ERR_DIAL_WHISPER_UNKNOWN', parent: channel.data.variable(WHISPER_PARENT_VARIABLE) },
      'a whisper leg this server did not dial; hanging it up');
    await hangupChannel(channel, channel.log, 'NORMAL_CLEARING');
    return;
  }
  task.onAnswer?.();
  const parent = task.parent;
  const log = channel.log.child({ ...callLogIds(channel.uuid, parent.accountSid), parentCallSid: parent.callSid });
  // Signed as the parent call's requests are: with its account's token.
  const authToken = authTokenFor(env.settings, parent.accountSid);
  const ctx: CallContext = {
    ...env,
    settings: authToken === env.settings.authToken ? env.settings : { ...env.settings, authToken },
    channel,
    log,
    signal: channel.signal,
    source: { voiceUrl: task.url, method: task.method, format: task.format, fallbackUrl: undefined, statusCallback: undefined },
    identity: { callSid: channel.uuid, accountSid: parent.accountSid, from: task.from, to: task.to, direction: 'outbound-dial',
      parentCallSid: parent.callSid },
    state: { document: task.url, answered: true, requests: 0, recordings: 0, terminators: undefined, variables: new Map(),
      fallbackUsed: false, callbacks: [], failed: false, hangupRequested: undefined },
  };
  let accepted = false;
  try {
    accepted = await runDocuments(ctx, task);
  } catch (err) {
    if (!isCallEnded(err)) log.error({ code: toAppError(err).code, err }, 'whisper failed; the callee is not connected');
  } finally {
    await Promise.allSettled(ctx.state.callbacks);
  }
  task.result = accepted ? 'accepted' : 'rejected';
  log.info({ result: task.result }, 'whisper finished');
  if (accepted) await release(channel);
  else await hangupChannel(channel, log, 'NORMAL_CLEARING');
}
