/**
 * Audio played to one member of a mod_conference room while the call's channel is inside the `conference`
 * application: `api conference <room> play <path> <member_id>` queues a file on that member only, and FreeSWITCH
 * raises `play-file-member-done` (with the File) when it has played or was stopped; `api conference <room> stop all
 * <member_id>` ends whatever is queued for the member.
 *
 * Speech goes as mod_dptools' `tts://<engine>|<voice>|<text>` file, so each Say keeps its own voice and ends with
 * the same done event (mod_conference's `saymember` speaks with the profile's voice and raises no done event).
 *
 * What reaches FreeSWITCH: mod_conference splits the command line on spaces with FreeSWITCH's tokeniser (single
 * quotes group words, a backslash escapes), expands `${...}` in the path on the member's channel, and the tts
 * format splits at `|` into three parts (the text keeps any further `|`). So the text is reduced by
 * media/fs-args.ts (control characters, expansion) and has its quotes and backslashes removed, and a leading `{`
 * (parameters) dropped, before the path is wrapped in single quotes; other paths must hold no space, quote or
 * backslash (a `'` in a URL is sent percent-encoded).
 */
import { AppError } from '../../errors.js';
import { onAbort } from '../../util/abort.js';
import { isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { logCode } from '../../log-code.js';

const PLAIN_PATH = /^[^\s'"\\\u0000-\u001f\u007f-\u009f]+$/;

/** A playback path (an http(s) URL already made safe, or an allowed FreeSWITCH path) as one api word. */
export function memberPathArg(path: string): string {
  const encoded = /^https?:\/\//i.test(path) || path.includes('://http') ? path.replace(/'/g, '%27') : path;
  if (!PLAIN_PATH.test(encoded)) {
    throw new AppError('ERR_CALL_MEDIA_REFUSED', 'the audio path holds characters mod_conference would split or unquote');
  }
  return encoded;
}

/** Plays files to one member and stops them. */
export class MemberAudio {
  readonly #ctx: CallContext;
  readonly #room: string;
  readonly #memberId: string;
  #sent = 0;

  constructor(ctx: CallContext, room: string, memberId: string) {
    if (!/^\d+$/.test(memberId)) throw new AppError('ERR_INTERNAL', `bad Member-ID ${memberId}`);
    this.#ctx = ctx;
    this.#room = room;
    this.#memberId = memberId;
  }

  /** Whether anything was queued on the member. */
  get played(): boolean {
    return this.#sent > 0;
  }

  /**
   * Plays `path` (a `tts://` path, or one accepted by {@link memberPathArg}) to the member and resolves when it
   * has played: true, or false when FreeSWITCH refused it. Rejects with the reason of `signal` when it aborts.
   */
  async play(path: string, signal: AbortSignal): Promise<boolean> {
    const word = path.startsWith('tts://') ? `'${path}'` : memberPathArg(path);
    // FreeSWITCH names the file as it opened it: the tts path without its quotes, any other path as sent.
    const file = path.startsWith('tts://') ? path : word;
    const log = this.#ctx.log;
    let offAbort = (): void => {};
    let offEvent = (): void => {};
    const done = new Promise<void>((resolve, reject) => {
      offEvent = this.#ctx.channel.on('conference', (e) => {
        if (e.action === 'play-file-member-done' && e.memberId === this.#memberId && e.event.header('File') === file) resolve();
      });
      offAbort = onAbort(signal, (reason) => reject(reason));
    });
    done.catch(() => undefined);
    try {
      if (signal.aborted) throw signal.reason;
      this.#sent++;
      const reply = await this.#ctx.channel.api(`conference ${this.#room} play ${word} ${this.#memberId}`, { signal: this.#ctx.signal });
      if (!reply.startsWith('+OK')) {
        logCode(log, 'ERR_CONFERENCE_WAIT_PLAY', { reply: reply.trim().slice(0, 200) }, 'FreeSWITCH did not play the wait audio');
        return false;
      }
      await done;
      return true;
    } finally {
      offEvent();
      offAbort();
    }
  }

  /** Stops everything queued on the member (the member may have left meanwhile, or the call ended: fine). */
  async stop(): Promise<void> {
    if (this.#sent === 0 || this.#ctx.signal.aborted) return;
    try {
      await this.#ctx.channel.api(`conference ${this.#room} stop all ${this.#memberId}`, { signal: this.#ctx.signal });
    } catch (err) {
      if (!isCallEnded(err)) throw err;
    }
  }
}
