/**
 * What this node knows of its `<Conference>` rooms beyond FreeSWITCH: Twilio's ConferenceSid, whether the
 * conference has started (a member with startConferenceOnEnter joined), the members (to refuse one over
 * maxParticipants and to see the last one leave), the status callback chosen by the first member that gave one
 * (as Twilio does), the callbacks' sequence number, and a recording taken from the start.
 *
 * FreeSWITCH tells each socket only about its own member (myevents), so room-wide events (conference-start and
 * conference-end) are worked out here from the members' joins and leaves. The registry holds no timer; a room is
 * forgotten when its last member leaves.
 */
import { randomUUID } from 'node:crypto';
import type { ConferenceEvent, HttpMethod } from '../../twiml/index.js';

/** Where a conference's status callbacks go, and which kinds. */
export interface ConferenceCallbackTarget {
  readonly url: URL;
  readonly method: HttpMethod;
  readonly events: readonly ConferenceEvent[];
}

/** A recording of the conference from its start, delivered when the last member leaves. */
export interface ConferenceRecording {
  readonly path: string;
  readonly url: URL;
  readonly recordingSid: string;
}

/** One member as the registry sees it. */
export interface RoomMember {
  readonly callSid: string;
  readonly startConferenceOnEnter: boolean;
  readonly endConferenceOnExit: boolean;
  muted: boolean;
}

/** One room. */
export interface RoomState {
  readonly room: string;
  readonly friendlyName: string;
  readonly conferenceSid: string;
  readonly members: Map<string, RoomMember>;
  /** Members who have a seat reserved (joining), counted against maxParticipants. */
  readonly reserved: Set<string>;
  started: boolean;
  sequence: number;
  callback: ConferenceCallbackTarget | undefined;
  recording: ConferenceRecording | undefined;
  /** Why the conference ended, once it has. */
  endedBy: { readonly reason: string; readonly callSid: string } | undefined;
  /** Told once when the conference starts (waiting members stop their wait audio). */
  readonly startWatchers: Set<() => void>;
}

/** Rooms of this node. */
export class ConferenceRegistry {
  readonly #rooms = new Map<string, RoomState>();

  /** The room, created on first use. */
  room(room: string, friendlyName: string): RoomState {
    let state = this.#rooms.get(room);
    if (!state) {
      state = { room, friendlyName, conferenceSid: 'CF' + randomUUID().replace(/-/g, ''), members: new Map(),
        reserved: new Set(), started: false, sequence: 0, callback: undefined, recording: undefined, endedBy: undefined,
        startWatchers: new Set() };
      this.#rooms.set(room, state);
    }
    return state;
  }

  /**
   * Reserves a seat for `callSid` unless the room already holds `max` members (joined or joining).
   * @returns false when the room is full.
   */
  reserve(state: RoomState, callSid: string, max: number): boolean {
    if (state.members.size + state.reserved.size >= max) {
      this.#forgetIfEmpty(state);
      return false;
    }
    state.reserved.add(callSid);
    return true;
  }

  /** The member is in the room. Returns true when its joining starts the conference. */
  joined(state: RoomState, member: RoomMember): boolean {
    state.reserved.delete(member.callSid);
    state.members.set(member.callSid, member);
    if (state.started || !member.startConferenceOnEnter) return false;
    state.started = true;
    const watchers = [...state.startWatchers];
    state.startWatchers.clear();
    for (const watcher of watchers) watcher();
    return true;
  }

  /** Calls `fn` once when the conference starts (never when it already has). Returns a disposer. */
  onStart(state: RoomState, fn: () => void): () => void {
    if (state.started) return () => undefined;
    state.startWatchers.add(fn);
    return () => state.startWatchers.delete(fn);
  }

  /**
   * The member has left (or never got in). Returns true when the room is now empty: the conference has ended on
   * this node and the room is forgotten.
   */
  left(state: RoomState, callSid: string): boolean {
    state.reserved.delete(callSid);
    const member = state.members.get(callSid);
    state.members.delete(callSid);
    if (member?.endConferenceOnExit && state.endedBy === undefined) {
      state.endedBy = { reason: 'participant-with-end-conference-on-exit-left', callSid };
    }
    if (state.members.size > 0 || state.reserved.size > 0) return false;
    state.endedBy ??= { reason: 'last-participant-left', callSid };
    return this.#forgetIfEmpty(state);
  }

  /** The next SequenceNumber of the room's callbacks. */
  nextSequence(state: RoomState): number {
    return ++state.sequence;
  }

  /** Rooms known now (for tests and metrics). */
  get size(): number {
    return this.#rooms.size;
  }

  #forgetIfEmpty(state: RoomState): boolean {
    if (state.members.size > 0 || state.reserved.size > 0) return false;
    if (this.#rooms.get(state.room) === state) this.#rooms.delete(state.room);
    return true;
  }
}
