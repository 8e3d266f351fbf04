/**
 * Registers the legs of a Dial with whispers with this server before the bridge rings them (whisper/whisper-leg.ts
 * runs them when the legs connect), and tells afterwards whether one turned its callee down. Every leg of such a
 * Dial reaches this server on answer (whisper-legs.ts), so every leg is registered, those without a url too.
 */
import type { CallContext } from '../call-context.js';
import type { WhisperTask } from '../whisper/whisper-registry.js';
import type { DialLeg } from './dial-legs.js';

/** A registered whisper and the leg it belongs to. */
export interface RegisteredWhisper {
  readonly legUuid: string;
  readonly task: WhisperTask;
}

/** What a leg dials, as its To: the number without formatting, the SIP URI, or the directory id. */
export function legTo(leg: DialLeg): string {
  if (leg.noun.kind === 'Number') return leg.noun.number.replace(/[\s().-]/g, '');
  if (leg.noun.kind === 'Sip') return leg.noun.uri;
  return leg.noun.id;
}

/** Registers every leg when one has a whisper (none otherwise); the caller removes them after the bridge. */
export function registerWhispers(ctx: CallContext, legs: readonly DialLeg[], from: string,
  onAnswer: (legUuid: string) => void): RegisteredWhisper[] {
  const out: RegisteredWhisper[] = [];
  if (ctx.whispers === undefined || !legs.some((leg) => leg.whisper !== undefined)) return out;
  for (const leg of legs) {
    const task: WhisperTask = { ...(leg.whisper === undefined ? {} : { document: leg.whisper }), format: ctx.requests.format,
      parent: ctx.identity, from, to: legTo(leg), result: 'pending', onAnswer: () => onAnswer(leg.uuid) };
    ctx.whispers.add(leg.uuid, task);
    out.push({ legUuid: leg.uuid, task });
  }
  return out;
}

/** The uuid of a leg whose whisper hung it up, if one did. */
export function whisperRejected(whispers: readonly RegisteredWhisper[]): string | undefined {
  return whispers.find((w) => w.task.result === 'rejected')?.legUuid;
}
