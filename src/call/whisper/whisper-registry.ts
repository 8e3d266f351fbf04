/**
 * The whispers this server is waiting to run: every leg of a Dial with a `<Number url>` or `<Sip url>` is registered
 * under its uuid (its `origination_uuid`) before the bridge rings it, and taken when FreeSWITCH connects that leg
 * to this server after it answers (legs without a url of their own are registered too: they reach this server as
 * well, and are released at once). Nothing about the whisper travels in the dial string but a marker variable, so
 * no customer URL ever reaches a FreeSWITCH argument.
 */
import type { HttpMethod } from '../../twiml/index.js';
import type { ParamFormat } from '../../webhook/index.js';
import type { CallIdentity } from '../call-description.js';

/** How a whisper ended for the leg. */
export type WhisperResult = 'pending' | 'accepted' | 'rejected';

/** The document a leg's callee hears. */
export interface WhisperDocument {
  readonly url: URL;
  readonly method: HttpMethod;
}

/** One leg of a Dial with whispers, waiting to reach this server once it answers. */
export interface WhisperTask {
  /** The callee's whisper; undefined for a leg without one (it is released at once, unscreened). */
  readonly document?: WhisperDocument;
  /** Request parameter naming of the parent call. */
  readonly format: ParamFormat;
  /** The call that dialled (ParentCallSid, AccountSid). */
  readonly parent: CallIdentity;
  /** From and To of the dialled leg, as Twilio reports them for the child call. */
  readonly from: string;
  readonly to: string;
  /** Called when the leg reaches this server (it answered). */
  readonly onAnswer?: () => void;
  /** Set by the leg's run: accepted (the document ran out with the leg up) or rejected (the leg was hung up). */
  result: WhisperResult;
}

/** Whispers by leg uuid, shared by every call of one server. */
export class WhisperRegistry {
  readonly #tasks = new Map<string, WhisperTask>();

  add(legUuid: string, task: WhisperTask): void {
    this.#tasks.set(legUuid, task);
  }

  /** The whisper of a leg that has just connected, if this server registered one. */
  find(legUuid: string): WhisperTask | undefined {
    return this.#tasks.get(legUuid);
  }

  remove(legUuid: string): void {
    this.#tasks.delete(legUuid);
  }

  /** Whispers registered and not yet removed (0 once every Dial has finished). */
  get size(): number {
    return this.#tasks.size;
  }
}
