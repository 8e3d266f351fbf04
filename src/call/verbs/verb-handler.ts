/** The contract every verb module implements, and the outcomes a verb returns. */
import type { HttpMethod, TwimlDocument, Verb } from '../../twiml/index.js';
import type { RequestExtras } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';

/** A request for the next document: the URL, its method and what the verb adds to the parameters. */
export interface Navigation {
  readonly url: URL;
  readonly method: HttpMethod;
  readonly extras: RequestExtras;
  /**
   * The document itself, when it was given inline (a Calls API update or create with `Twiml`): it runs without a
   * request, and `url` is then its base (`INLINE_TWIML_BASE`, twiml/inline.ts).
   */
  readonly document?: TwimlDocument;
}

/**
 * What happens after a verb: the next verb runs (`continue`), a new document is requested (`navigate`), or the
 * call's script is over (`end`: Hangup, Reject, or a request made after the caller hung up).
 */
export type VerbOutcome =
  | { readonly type: 'continue' }
  | ({ readonly type: 'navigate' } & Navigation)
  | { readonly type: 'end' };

/** One verb's runtime. */
export interface VerbHandler<V extends Verb> {
  /** Whether the call is answered before this verb runs (media verbs). */
  readonly needsAnswer: boolean;
  run(verb: V, ctx: CallContext): Promise<VerbOutcome>;
}

/** The outcome that moves on to the next verb. */
export const CONTINUE: VerbOutcome = Object.freeze({ type: 'continue' });
/** The outcome that ends the call's script. */
export const END: VerbOutcome = Object.freeze({ type: 'end' });

/** A navigation outcome. */
export function navigate(url: URL, method: HttpMethod, extras: RequestExtras = {}): VerbOutcome {
  return { type: 'navigate', url, method, extras };
}
