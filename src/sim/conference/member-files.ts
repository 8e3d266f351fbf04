/**
 * The files a conference plays to one member: `conference <name> play <file> <member_id>` queues a file node on
 * the member (conference_member_play_file); the member's output plays the head of the queue and, when it ends or
 * is stopped, closes it, which raises `play-file-member-done` (conference_file_close, with seconds, milliseconds
 * and samples). The api itself raises `play-file-member`. `conference <name> stop all|current <member_id>` marks
 * the queued nodes done: each is closed on the next frame, each with its done event. When the member leaves, its
 * nodes are closed after it is gone, so their events carry no member data and a myevents socket never sees them.
 * A path that does not open (an unknown TTS voice, a file the table marks missing) is refused by the api.
 */
import type { ConferenceMemberPort, MemberSnapshot } from '../apps/app-context.js';
import { describeMedia } from '../media/media-catalog.js';
import type { TimerHandle } from '../util/clock.js';

/** One file played to a member, as the simulator records it for tests. */
export interface MemberPlay {
  readonly room: string;
  readonly memberId: number;
  readonly file: string;
  /** `done` (played to its end), `stopped` (by the api), `dropped` (the member left first), or still `playing`/`queued`. */
  outcome: 'queued' | 'playing' | 'done' | 'stopped' | 'dropped';
}

/** FreeSWITCH's frame: one file node at most is closed per 20 ms frame. */
const FRAME_MS = 20;

/** The file queue of one member. */
export class MemberFiles {
  readonly #port: ConferenceMemberPort;
  readonly #snapshot: () => MemberSnapshot;
  readonly #log: MemberPlay[];
  readonly #queue: Array<{ play: MemberPlay; ms: number }> = [];
  #timer: TimerHandle | undefined;
  #startedMs = 0;

  constructor(port: ConferenceMemberPort, snapshot: () => MemberSnapshot, log: MemberPlay[]) {
    this.#port = port;
    this.#snapshot = snapshot;
    this.#log = log;
  }

  /** Queues `file`; the api reply. */
  play(file: string): string {
    const ctx = this.#port.ctx;
    const info = describeMedia(file, ctx.options, ctx.channel.vars);
    const snap = this.#snapshot();
    if (!info.found) return `-ERR (play) File: ${file} not found.\n`;
    const play: MemberPlay = { room: snap.conferenceName, memberId: snap.memberId, file, outcome: 'queued' };
    this.#log.push(play);
    this.#queue.push({ play, ms: info.ms });
    ctx.clock.after(0, () => this.#port.maintenance('play-file-member', this.#snapshot(), { file }));
    if (this.#queue.length === 1) this.#startHead();
    return `+OK (play) Playing file ${file} to member ${snap.memberId}\n`;
  }

  /** Stops the current file or all of them; the api reply. */
  stop(which: 'current' | 'all'): string {
    const stopped = which === 'all' ? this.#queue.splice(0) : this.#queue.splice(0, 1);
    const ctx = this.#port.ctx;
    ctx.clock.cancel(this.#timer);
    this.#timer = undefined;
    const elapsed = ctx.clock.nowMs() - this.#startedMs;
    stopped.forEach((node, i) => {
      node.play.outcome = 'stopped';
      const ms = i === 0 ? Math.max(0, Math.round(elapsed)) : 0;
      ctx.clock.after(FRAME_MS * (i + 1), () => this.#done(node.play.file, ms));
    });
    if (this.#queue.length > 0) ctx.clock.after(FRAME_MS * (stopped.length + 1), () => this.#startHead());
    return `+OK Stopped ${stopped.length} files.\n`;
  }

  /** The member left: its files are dropped without an event it could see. */
  clear(): void {
    this.#port.ctx.clock.cancel(this.#timer);
    this.#timer = undefined;
    for (const node of this.#queue.splice(0)) node.play.outcome = 'dropped';
  }

  #startHead(): void {
    const head = this.#queue[0];
    if (!head || head.play.outcome !== 'queued') return;
    const clock = this.#port.ctx.clock;
    head.play.outcome = 'playing';
    this.#startedMs = clock.nowMs();
    if (head.ms === Infinity) return;
    this.#timer = clock.after(head.ms, () => {
      this.#timer = undefined;
      this.#queue.shift();
      head.play.outcome = 'done';
      this.#done(head.play.file, head.ms);
      this.#startHead();
    });
  }

  #done(file: string, ms: number): void {
    this.#port.maintenance('play-file-member-done', this.#snapshot(), { file, ms });
  }
}
