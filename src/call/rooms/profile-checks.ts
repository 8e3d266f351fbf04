/**
 * What the server can tell about the mod_conference profile its rooms run with (`call.conference.profile`),
 * each warned once per profile name for as long as the server runs:
 * - ERR_CONFERENCE_PROFILE_MISSING: a member's add-member event reports the room's profile as `none`, FreeSWITCH's
 *   name for "no profile of that name in conference.conf" (the room then runs with mod_conference's built-in
 *   settings, and with the caller controls of the `default` group).
 * - ERR_CONFERENCE_ALONE_PROMPT: a room where this server has a member played FreeSWITCH's alone prompt
 *   ("You are currently the only person in this conference", `conf-alone.*`), which Twilio never plays. The
 *   prompt is played to the room, not to a member: its `play-file` (the file did not open) or `play-file-done`
 *   event carries no Member-ID and no Unique-ID, so FreeSWITCH gives it to no call's `myevents` socket; it reaches
 *   the server on an inbound Event Socket session (the park-watcher's), which hands it to {@link roomEvent}.
 *   A profile whose alone-sound is another file is not recognised.
 */
import type { EslEvent } from '../../esl/index.js';
import type { Logger } from '../../log.js';
import { logCode } from '../../log-code.js';

/** The profile FreeSWITCH reports for a room whose profile it did not find. */
const NO_PROFILE = 'none';
/** FreeSWITCH's own alone prompt, under any sound prefix or rate directory. */
const ALONE_PROMPT = /(^|\/)conf-alone\.[A-Za-z0-9]+$/;
const ROOM_PLAY_ACTIONS: ReadonlySet<string> = new Set(['play-file', 'play-file-done']);
/**
 * Rooms whose last member of this server has just left are still recognised (the inbound session may deliver the
 * prompt played as a member leaves after the member's own socket saw it leave): the most recent ones, no timer.
 */
const RECENT_ROOMS = 256;

interface RoomWatch {
  count: number;
  log: Logger;
}

/** The checks of one server. */
export class ConferenceProfileChecks {
  readonly #warned = new Set<string>();
  readonly #rooms = new Map<string, RoomWatch>();
  readonly #recent = new Map<string, RoomWatch>();

  /**
   * A member of this server is in `room` (its events are logged with `log`) until the returned function is
   * called.
   */
  enter(room: string, log: Logger): () => void {
    const watch = this.#rooms.get(room);
    if (watch) watch.count++;
    else this.#rooms.set(room, { count: 1, log });
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const current = this.#rooms.get(room);
      if (!current || --current.count > 0) return;
      this.#rooms.delete(room);
      this.#recent.delete(room);
      this.#recent.set(room, current);
      if (this.#recent.size > RECENT_ROOMS) this.#recent.delete(this.#recent.keys().next().value ?? '');
    };
  }

  /** Rooms in which this server has a member now. */
  get rooms(): number {
    return this.#rooms.size;
  }

  /** Checks the add-member event of a member that asked for `profile`. */
  memberAdded(profile: string, event: EslEvent, log: Logger): void {
    if (event.header('Conference-Profile-Name') !== NO_PROFILE || profile === NO_PROFILE) return;
    this.#once('ERR_CONFERENCE_PROFILE_MISSING', profile, () => {
      logCode(log, 'ERR_CONFERENCE_PROFILE_MISSING', { profile, room: event.header('Conference-Name') },
        `FreeSWITCH has no conference profile "${profile}": rooms run with mod_conference's built-in settings; ` +
        'install conf/freeswitch/conference-pivot.xml or set call.conference.profile');
    });
  }

  /** A conference::maintenance event of the switch: warns when it is the alone prompt played in one of our rooms. */
  roomEvent(event: EslEvent): void {
    if (!ROOM_PLAY_ACTIONS.has(event.header('Action') ?? '') || event.header('Member-ID') !== undefined) return;
    const file = event.header('File') ?? '';
    const room = event.header('Conference-Name') ?? '';
    const watch = this.#rooms.get(room) ?? this.#recent.get(room);
    if (watch === undefined || !ALONE_PROMPT.test(file)) return;
    const profile = event.header('Conference-Profile-Name') ?? '';
    this.#once('ERR_CONFERENCE_ALONE_PROMPT', profile, () => {
      logCode(watch.log, 'ERR_CONFERENCE_ALONE_PROMPT', { profile, room, file },
        `conference profile "${profile}" plays the alone prompt to a lone member, which Twilio never plays; ` +
        'use a profile without alone-sound (conf/freeswitch/conference-pivot.xml)');
    });
  }

  #once(code: string, profile: string, warn: () => void): void {
    const key = `${code}\u0000${profile}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    warn();
  }
}
