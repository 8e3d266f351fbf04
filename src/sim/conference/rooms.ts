/**
 * Conference rooms shared by the calls of one simulator, and the `conference` api
 * (list, json_list, mute, unmute, deaf, undeaf, kick, hup). Member ids count up across the
 * whole switch, as in FreeSWITCH (more/conference-*: 11, 12 then 13, 14). Each member only
 * hears about itself: with myevents a socket sees its own member's conference::maintenance
 * events (more/INDEX.md "Surprises" 25).
 *
 * A room takes the sounds of its profile (profiles.ts). The profile's alone-sound is played to the room
 * (conference_file_play, no member) when a member enters alone (unless it asked for a silent entry) and when a
 * member leaves one behind, not while the room waits for a moderator (conference_member.c:936 and 1348). Those
 * room-wide events carry no member and no Unique-ID, so no call's myevents socket sees them; they go to the
 * switch's event stream (`fireRoomEvent`), which inbound Event Socket sessions read: `play-file` with an `Error`
 * header at once when the file does not open (real-findings/no-alone-prompt, a node without sound files), else
 * `play-file-done` once it has played (conference_file_close).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  ConferenceMemberPort,
  ConferenceRoomsApi,
  ConferenceSeat,
  ConferenceSeatInfo,
  MemberSnapshot,
  RoomCreation,
} from '../apps/app-context.js';
import type { CallingSite } from '../channel/event-factory.js';
import { describeMedia } from '../media/media-catalog.js';
import { wavFile } from '../media/wav-writer.js';
import type { Clock, SwitchClock, TimerHandle } from '../util/clock.js';
import type { EventHeader } from '../wire/event-encoder.js';
import { printCJsonFormatted, type JsonValue } from './cjson-format.js';
import { MemberFiles, type MemberPlay } from './member-files.js';
import { roomProfile, soundPath, type SimConferenceProfile } from './profiles.js';

/** One member in a room. */
export interface Member {
  readonly id: number;
  readonly port: ConferenceMemberPort;
  readonly moderator: boolean;
  readonly endconf: boolean;
  readonly ghost: boolean;
  readonly joinedMs: number;
  /** Files the room plays to this member alone. */
  readonly files: MemberFiles;
  mute: boolean;
  deaf: boolean;
}

/** A conference room. */
export interface Room {
  readonly name: string;
  readonly uuid: string;
  /** The profile name its events report (`none` when the switch does not know the one asked for). */
  readonly profile: string;
  readonly sounds: SimConferenceProfile;
  /** `Conference-Domain`: the creating channel's domain_name. */
  readonly domain: string;
  readonly createdMs: number;
  readonly members: Map<number, Member>;
  floor: number | undefined;
  /** Conference flags given by the creating member (wait-mod, cleared when a moderator joins). */
  readonly flags: Set<string>;
  readonly maxMembers: number;
  readonly autoRecord: string | undefined;
  /** The file the room is playing to all its members, if any. */
  playing: RoomFile | undefined;
}

/** A file a room plays to all its members: it ends when it has played or when the room ends. */
interface RoomFile {
  readonly play: RoomPlay;
  readonly ms: number;
  readonly clock: Clock;
  readonly startedMs: number;
  readonly timer: TimerHandle;
}

/** A room-wide conference::maintenance event: no member, no channel. */
export interface RoomEvent {
  readonly calling: CallingSite;
  readonly headers: readonly EventHeader[];
}

/** A file played to a whole room, as the simulator records it for tests. */
export interface RoomPlay {
  readonly room: string;
  readonly file: string;
  /** `missing` (the file did not open: `play-file` with an Error), `playing`, then `done` (`play-file-done`). */
  outcome: 'missing' | 'playing' | 'done';
}

/** What a member asks for as it joins. */
export interface MemberEntry {
  /** `conference_silent_entry` on its first conference: no alone-sound and no add-member event. */
  readonly silent?: boolean;
}

function snapshot(room: Room, m: Member): MemberSnapshot {
  return {
    conferenceName: room.name,
    conferenceUuid: room.uuid,
    profile: room.profile,
    size: room.members.size,
    memberId: m.id,
    floor: room.floor === m.id,
    moderator: m.moderator,
    mute: m.mute,
    deaf: m.deaf,
    ghost: m.ghost,
  };
}

/** The rooms of one simulator. */
export class ConferenceRooms implements ConferenceRoomsApi {
  readonly #rooms = new Map<string, Room>();
  readonly #clock: SwitchClock;
  #memberSeq: number;
  readonly #fireRoomEvent: (event: RoomEvent) => void;
  /** Every file played to a single member, in the order the api queued them (for tests). */
  readonly memberPlays: MemberPlay[] = [];
  /** Every file played to a whole room, in order (for tests). */
  readonly roomPlays: RoomPlay[] = [];

  /**
   * @param firstMemberId the first Member-ID handed out (FreeSWITCH counts from start-up).
   * @param clock the switch's clock (join and run times, recordings, are FreeSWITCH time).
   * @param fireRoomEvent puts a room-wide event on the switch's event stream.
   */
  constructor(firstMemberId: number, clock: SwitchClock, fireRoomEvent: (event: RoomEvent) => void = () => undefined) {
    this.#memberSeq = firstMemberId - 1;
    this.#clock = clock;
    this.#fireRoomEvent = fireRoomEvent;
  }

  /** The switch's epoch milliseconds. */
  #nowMs(): number {
    return this.#clock.nowUs() / 1000;
  }

  join(name: string, port: ConferenceMemberPort, flags: ReadonlySet<string>, profile: string,
    creation: RoomCreation = {}, entry: MemberEntry = {}): ConferenceSeat | undefined {
    let room = this.#rooms.get(name);
    if (!room) {
      const { name: profileName, profile: sounds } = roomProfile(profile);
      room = { name, uuid: randomUUID(), profile: profileName, sounds,
        domain: port.ctx.channel.vars.get('domain_name') ?? '127.0.0.1', createdMs: this.#nowMs(), members: new Map(),
        floor: undefined, flags: new Set([...flags].filter((f) => f === 'wait-mod')), maxMembers: creation.maxMembers ?? 0,
        autoRecord: creation.autoRecord, playing: undefined };
      this.#rooms.set(name, room);
    }
    // A full room adds nobody: the application returns at once (conference_loop "Conference is full").
    if (room.maxMembers > 0 && room.members.size >= room.maxMembers) return undefined;
    const id = ++this.#memberSeq;
    const r0 = room;
    const m: Member = {
      id,
      port,
      files: new MemberFiles(port, () => snapshot(r0, m), this.memberPlays),
      moderator: flags.has('moderator'),
      endconf: flags.has('endconf'),
      ghost: flags.has('ghost'),
      joinedMs: this.#nowMs(),
      mute: flags.has('mute'),
      deaf: flags.has('deaf'),
    };
    room.members.set(m.id, m);
    // conference_member_add: a moderator clears the room's wait-mod flag (the room's hold music stops).
    if (m.moderator) room.flags.delete('wait-mod');
    const r = room;
    // A silent entry suppresses the alone-sound and the add-member event alike (conference_member.c:936, 961).
    if (!entry.silent) {
      if (r.members.size === 1 && !m.ghost) this.#alone(r, m);
      port.maintenance('add-member', snapshot(r, m));
    }
    if (r.floor === undefined) {
      r.floor = m.id;
      port.maintenance('floor-change', snapshot(r, m));
    }
    return { memberId: m.id, conferenceUuid: r.uuid, profile: r.sounds, leave: () => this.#leave(r, m) };
  }

  #leave(room: Room, m: Member): void {
    if (!room.members.has(m.id)) return;
    room.members.delete(m.id);
    m.files.clear();
    if (room.floor === m.id) room.floor = undefined;
    const [left] = room.members.values();
    if (room.members.size === 1 && left !== undefined && !m.ghost) this.#alone(room, left);
    m.port.maintenance('del-member', snapshot(room, m));
    if (room.members.size === 0) {
      this.#endRoomFile(room);
      this.#rooms.delete(room.name);
      if (room.autoRecord !== undefined) this.#writeRecording(room);
      return;
    }
    // The conference ends when the last endconf member leaves: everyone else is removed.
    if (m.endconf && ![...room.members.values()].some((x) => x.endconf)) {
      for (const other of [...room.members.values()]) other.port.removed('endconf');
    }
  }

  /** The profile's alone-sound, played to the room with `alone` as the only member (none while it waits for a moderator). */
  #alone(room: Room, alone: Member): void {
    const sound = room.sounds.aloneSound;
    if (sound === undefined || room.flags.has('wait-mod')) return;
    const ctx = alone.port.ctx;
    const file = soundPath(sound);
    const info = describeMedia(file, ctx.options, ctx.channel.vars);
    const play: RoomPlay = { room: room.name, file, outcome: info.found ? 'playing' : 'missing' };
    this.roomPlays.push(play);
    if (!info.found) {
      this.#fireRoomEvent({
        calling: ['conference_file.c', 'conference_file_play', '268'],
        headers: [...this.#roomData(room), ['Action', 'play-file'], ['File', file], ['Async', 'false'],
          ['Error', 'File could not be played']],
      });
      return;
    }
    // conference_file_stop: what the room was playing ends first.
    this.#endRoomFile(room);
    const clock = ctx.clock;
    room.playing = { play, ms: info.ms, clock, startedMs: clock.nowMs(),
      timer: clock.after(info.ms, () => this.#endRoomFile(room, info.ms)) };
  }

  /**
   * Closes the file the room plays: it has played (`playedMs`), or it is cut short (the room ends, another file
   * starts); `play-file-done` with what was played.
   */
  #endRoomFile(room: Room, playedMs?: number): void {
    const node = room.playing;
    if (node === undefined) return;
    room.playing = undefined;
    node.clock.cancel(node.timer);
    node.play.outcome = 'done';
    const ms = playedMs ?? Math.max(0, Math.min(node.ms, node.clock.nowMs() - node.startedMs));
    this.#fireRoomEvent({
      calling: ['conference_file.c', 'conference_file_close', '52'],
      headers: [...this.#roomData(room), ['seconds', String(Math.floor(ms / 1000))],
        ['milliseconds', String(Math.round(ms))], ['samples', String(Math.round(ms * 8))],
        ['Action', 'play-file-done'], ['File', node.play.file]],
    });
  }

  /** conference_event_add_data: the room's headers. */
  #roomData(room: Room): EventHeader[] {
    return [
      ['Conference-Name', room.name],
      ['Conference-Domain', room.domain],
      ['Conference-Size', String(room.members.size)],
      ['Conference-Ghosts', '0'],
      ['Conference-Profile-Name', room.profile],
      ['Conference-Unique-ID', room.uuid],
    ];
  }

  /** Room names now open (for tests). */
  get names(): string[] {
    return [...this.#rooms.keys()];
  }

  // The auto-recording covers the room's whole life; it is closed when the room ends.
  #writeRecording(room: Room): void {
    const path = room.autoRecord ?? '';
    if (!path.startsWith('/')) return;
    const fsMs = this.#nowMs() - room.createdMs;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, wavFile(Math.round(fsMs * 8), (i) => i % 8000 < 4000));
    } catch {
      // FreeSWITCH logs an error and records nothing.
    }
  }

  /** Member data, newest first (as `conference <name> list` prints it). */
  list(name: string): ConferenceSeatInfo[] | undefined {
    const room = this.#rooms.get(name);
    if (!room) return undefined;
    return [...room.members.values()].reverse().map((m) => {
      const ch = m.port.ctx.channel;
      const flags = [!m.deaf && 'hear', !m.mute && 'speak', room.floor === m.id && 'floor', m.moderator && 'moderator'];
      return {
        memberId: m.id,
        uuid: ch.uuid,
        channelName: ch.name,
        callerIdName: ch.profileField('Caller-ID-Name') ?? '',
        callerIdNumber: ch.profileField('Caller-ID-Number') ?? '',
        flags: flags.filter((f): f is string => typeof f === 'string').join('|'),
      };
    });
  }

  command(name: string, action: string, target: string, argv: readonly string[] = target.split(' ')): string {
    const room = this.#rooms.get(name);
    if (!room) return `Conference ${name} not found\n`;
    switch (action) {
      case 'play':
        return this.#play(room, argv);
      case 'stop':
        return this.#stop(room, argv);
      case 'list':
        return (this.list(name) ?? [])
          .map((s) => `${s.memberId};${s.channelName};${s.uuid};${s.callerIdName};${s.callerIdNumber};${s.flags};0;0;100\n`)
          .join('');
      case 'json_list':
        return printCJsonFormatted([this.#json(room)]);
      case 'mute':
      case 'unmute':
      case 'deaf':
      case 'undeaf':
      case 'kick':
      case 'hup':
        return this.#members(room, target).map((m) => this.#apply(room, m, action)).join('') || `Non-Existant ID ${target}\n`;
      default:
        return `-ERR Unknown command ${action}\n`;
    }
  }

  // Only the member form is modelled: `play <file> <member_id>`.
  #play(room: Room, argv: readonly string[]): string {
    const [file, id] = argv;
    if (file === undefined || id === undefined) return 'play <file_path> [async|<member_id> [nomux]]';
    const m = room.members.get(Number.parseInt(id, 10));
    return m ? m.files.play(file) : `-ERR Member: ${id} not found.\n`;
  }

  // `stop <current|all> <member_id>`; the room-wide form stops nothing here (the room plays no files).
  #stop(room: Room, argv: readonly string[]): string {
    const [which = 'all', id] = argv;
    if (which !== 'current' && which !== 'all') return 'stop <[current|all|async|last]> [<member_id>]';
    if (id === undefined) return '+OK Stopped 0 files.\n';
    const m = room.members.get(Number.parseInt(id, 10));
    return m ? m.files.stop(which) : `-ERR Member: ${id} not found.\n`;
  }

  #members(room: Room, target: string): Member[] {
    const all = [...room.members.values()];
    if (target === 'all') return all;
    if (target === 'last') return all.slice(-1);
    if (target === 'non_moderator') return all.filter((m) => !m.moderator);
    const id = Number.parseInt(target, 10);
    const m = room.members.get(id);
    return m ? [m] : [];
  }

  #apply(room: Room, m: Member, action: string): string {
    if (action === 'kick' || action === 'hup') {
      m.port.maintenance(action === 'kick' ? 'kick-member' : 'hup-member', snapshot(room, m));
      m.port.removed(action);
      return action === 'kick' ? `+OK kicked ${m.id}\n` : `+OK hup ${m.id}\n`;
    }
    if (action === 'mute' || action === 'unmute') m.mute = action === 'mute';
    else m.deaf = action === 'deaf';
    m.port.maintenance(action + '-member', snapshot(room, m));
    const sound = action === 'mute' ? room.sounds.mutedSound : action === 'unmute' ? room.sounds.unmutedSound : undefined;
    if (sound !== undefined) m.port.soundPlayed?.(soundPath(sound), snapshot(room, m));
    return `+OK ${action} ${m.id}\n`;
  }

  #json(room: Room): { [key: string]: JsonValue } {
    const now = this.#nowMs();
    const members: JsonValue[] = [...room.members.values()].reverse().map((m) => {
      const ch = m.port.ctx.channel;
      return {
        type: 'caller',
        id: m.id,
        flags: {
          can_hear: !m.deaf, can_see: true, can_speak: !m.mute, hold: false, mute_detect: false, talking: false,
          has_video: false, video_bridge: false, has_floor: room.floor === m.id, is_moderator: m.moderator,
          end_conference: m.endconf, mandatory_member_end_conference: false, pass_digits: false,
        },
        uuid: ch.uuid,
        caller_id_name: ch.profileField('Caller-ID-Name') ?? '',
        caller_id_number: ch.profileField('Caller-ID-Number') ?? '',
        join_time: Math.floor((now - m.joinedMs) / 1000),
        last_talking: 0, energy: 100, volume_in: 0, volume_out: 0, 'output-volume': 0, 'input-volume': 0,
      };
    });
    return {
      conference_name: room.name, member_count: room.members.size, ghost_count: 0, rate: 8000,
      run_time: Math.floor((now - room.createdMs) / 1000), conference_uuid: room.uuid, canvas_count: 0,
      max_bw_in: 0, force_bw_in: 0, video_floor_packets: 0, locked: false, destruct: false, wait_mod: room.flags.has('wait-mod'),
      audio_always: false, running: true, answered: true, enforce_min: true, bridge_to: false, dynamic: true,
      exit_sound: true, enter_sound: true, recording: false, video_bridge: false, video_floor_only: false,
      video_rfc4579: false, variables: {}, members,
    };
  }
}
