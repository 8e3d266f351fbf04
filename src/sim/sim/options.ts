/** Options of the FreeSWITCH simulator and of each simulated call. */

/** What a bridged B-leg does, chosen by dial string. Times are FreeSWITCH milliseconds. */
export type BLegOutcome =
  /** Answers after `afterMs` (default 0) and hangs up `hangupAfterMs` later (default 2000). */
  | { readonly type: 'answer'; readonly afterMs?: number; readonly hangupAfterMs?: number; readonly hangupCause?: string;
      /** What the callee does on its own socket session when the leg runs a whisper (`group_confirm_key=exec`). */
      readonly callee?: CallerScript }
  /** Rejects with USER_BUSY (SIP 486 on sofia endpoints) after `afterMs` (default 20). */
  | { readonly type: 'busy'; readonly afterMs?: number }
  /** Rings until call_timeout / originate_timeout / leg_timeout (default 60 s): NO_ANSWER. */
  | { readonly type: 'no-answer' }
  /** Fails with a SIP status (default 404) or an explicit cause after `afterMs` (default 20). */
  | { readonly type: 'reject'; readonly sipStatus?: number; readonly cause?: string; readonly afterMs?: number }
  /** Nothing listens: an immediate local 503, NORMAL_TEMPORARY_FAILURE. */
  | { readonly type: 'unreachable' };

/** A scripted endpoint: dial-string targets that contain `match` (or that it tests true) get `outcome`. */
export interface OutcomeRule {
  readonly match: string | RegExp;
  readonly outcome: BLegOutcome;
}

/** The scripted caller. Times are FreeSWITCH milliseconds from the `connect` reply. */
export interface CallerScript {
  readonly digits?: ReadonlyArray<{ readonly atMs: number; readonly digits: string }>;
  readonly hangupAtMs?: number;
  readonly hangupCause?: string;
  /** When the caller talks (for `record` silence detection), from the connect reply. */
  readonly speech?: ReadonlyArray<{ readonly atMs: number; readonly durationMs: number }>;
  /** False for a leg that sends no audio frames at all: recordings stay empty (record_ms=0). */
  readonly sendsAudio?: boolean;
  /** `DTMF-Source` of the caller's digits (default UNKNOWN on loopback, RTP on SIP; ENDPOINT is SIP INFO). */
  readonly dtmfSource?: string;
}

/** One simulated call. */
export interface SimCallOptions {
  readonly host: string;
  readonly port: number;
  readonly profile?: 'loopback' | 'sip';
  readonly uuid?: string;
  readonly callerIdName?: string;
  readonly callerIdNumber?: string;
  readonly destinationNumber?: string;
  readonly direction?: 'inbound' | 'outbound';
  readonly answerState?: 'ringing' | 'early' | 'answered';
  /** Extra channel variables (no `variable_` prefix); a template variable of the same name is replaced in place. */
  readonly variables?: Readonly<Record<string, string>>;
  readonly caller?: CallerScript;
  readonly bridge?: ReadonlyArray<OutcomeRule>;
  readonly unsolicitedPark?: 'never' | 'after-event' | 'after-linger' | 'after-first-sendmsg';
  /** Events as big as FreeSWITCH sends them (all template variables); false keeps only the essential ones. */
  readonly fullSizeEvents?: boolean;
  readonly channelName?: string;
  readonly context?: string;
  /** The `socket` app's argument (default `<host>:<port> async full`). */
  readonly socketArg?: string;
  /**
   * What follows the `socket` application when its session ends (`exit` or the socket closing): `hangup` (default,
   * nothing follows, FreeSWITCH hangs up with NORMAL_CLEARING) or `continue` (the channel stays up, as a leg whose
   * whisper ran in `group_confirm_file` goes on to its bridge).
   */
  readonly afterSocket?: 'hangup' | 'continue';
  /** Real milliseconds FreeSWITCH waits for the first command before closing (default 25000, not scaled). */
  readonly firstCommandTimeoutMs?: number;
  /**
   * Fault injection: every string the call is about to write (a reply, an event frame, a notice) goes through this
   * function, and what it returns is written instead: `[data]` unchanged, `[]` dropped, `[data, data]` duplicated,
   * or frames it held back earlier. Default: none (everything is written as produced).
   */
  readonly rewriteOutput?: (data: string) => readonly string[];
}

/** Options shared by every call of a simulator. */
export interface FsSimulatorOptions {
  /** Multiplies every FreeSWITCH duration (default 1; 0 runs timers as soon as possible). */
  readonly timeScale?: number;
  readonly hostname?: string;
  readonly switchname?: string;
  readonly coreUuid?: string;
  readonly ipv4?: string;
  readonly ipv6?: string;
  /** Media frame length: the delay before the park loop runs a queued app (default 20). */
  readonly frameMs?: number;
  /** Duration of a local/remote audio file not in `mediaDurations` (default 3000 ms). */
  readonly defaultFileMs?: number;
  /** Duration per file path or URL; `null` makes it FILE NOT FOUND. */
  readonly mediaDurations?: Readonly<Record<string, number | null>>;
  /** TTS engines and their voices (default flite: kal, kal16, slt, rms, awb). */
  readonly ttsVoices?: Readonly<Record<string, readonly string[]>>;
  /** First session_id handed out (FreeSWITCH counts sessions since start-up). */
  readonly firstSessionId?: number;
  /** First conference Member-ID handed out (FreeSWITCH counts members since start-up). */
  readonly firstConferenceMemberId?: number;
}

/** Simulator options with defaults applied. */
export interface ResolvedSimOptions {
  readonly timeScale: number;
  readonly hostname: string;
  readonly switchname: string;
  readonly coreUuid: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly frameMs: number;
  readonly defaultFileMs: number;
  readonly mediaDurations: Readonly<Record<string, number | null>>;
  readonly ttsVoices: Readonly<Record<string, readonly string[]>>;
}
