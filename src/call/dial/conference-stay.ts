/**
 * One member's stay in a `<Conference>` room of this server, from its seat to its leaving: the member of a call of
 * this server, or of a call of another server whose leg reached this one (remote-conference.ts). The room's state
 * is this server's ConferenceRegistry; the member's CallSid and account are those of `ctx` (for a remote member,
 * the sender's call: see remote-conference.ts).
 *
 * A room that already holds maxParticipants members on this node (or that FreeSWITCH refuses as full) ends the
 * stay as `failed` without joining. `record="record-from-start"` records the room from its creation
 * (`conference_auto_record`, set by the member that creates it); the member whose leaving empties the room
 * delivers the file through the recording store, and members that asked for it get RecordingUrl and RecordingSid.
 */
import { ensureAnswered } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { newRecordingSid, publicUrl } from '../recording/recording-file.js';
import { sendConferenceEvent } from '../rooms/conference-callbacks.js';
import { attendConference } from '../rooms/conference-member.js';
import { MemberExit } from '../rooms/member-exit.js';
import type { RoomMember, RoomState } from '../rooms/conference-registry.js';
import {
  beepVariables, type ConferenceAttributes, conferenceFlags, roomHoldSound, waitSource,
} from '../rooms/conference-settings.js';
import { WaitingMember } from '../rooms/waiting-member.js';
import { resolveUrl } from '../../twiml/index.js';
import type { DialOutcome } from './dial-outcome.js';
import { logCode } from '../../log-code.js';

/** What a member joins with. */
export interface MemberRequest {
  /** The FreeSWITCH room (room-names.ts: escaped, per account). */
  readonly room: string;
  readonly friendlyName: string;
  readonly attributes: ConferenceAttributes;
  /** The Dial's timeLimit (seconds) and hangupOnStar, which take the member out. */
  readonly timeLimit: number;
  readonly hangupOnStar: boolean;
  /** The base of the room recording's URL (the Dial's action, else the document). */
  readonly recordingBase: URL;
  /** Gives back the member's hold of the room in the cluster's directory (called once it has left). */
  readonly release: () => void;
}

/** How the stay went. */
export interface StayReport {
  readonly status: 'completed' | 'failed';
  /** Whole seconds in the room (0 when it never got in). */
  readonly seconds: number;
  /** Absent only when a member of another server got no ConferenceSid back. */
  readonly conferenceSid?: string;
  readonly recordingUrl?: string;
  readonly recordingSid?: string;
}

/** The Dial's outcome of a stay. */
export function dialOutcomeOf(stay: StayReport): DialOutcome {
  const extra: Array<readonly [string, string]> = stay.conferenceSid === undefined ? [] : [['ConferenceSid', stay.conferenceSid]];
  if (stay.status === 'failed') return { status: 'failed', extras: { extra } };
  return {
    status: 'completed', duration: stay.seconds,
    extras: {
      ...(stay.recordingUrl !== undefined && { recordingUrl: stay.recordingUrl }),
      ...(stay.recordingSid !== undefined && { recordingSid: stay.recordingSid }),
      extra,
    },
  };
}

/** Sets up the room's recording when this member creates the room and asked for one; its variables. */
function recordingVariables(ctx: CallContext, request: MemberRequest, state: RoomState): Array<readonly [string, string]> {
  if (request.attributes.record !== 'record-from-start' || state.recording !== undefined || state.members.size > 0) return [];
  const url = new URL(request.recordingBase);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/conference_recording_${state.conferenceSid}.wav`;
  const path = `${ctx.settings.record.spoolDir}/conference-${state.conferenceSid}.wav`;
  state.recording = { path, url, recordingSid: newRecordingSid() };
  return [['conference_auto_record', path]];
}

/** Delivers the room's recording once the room is empty. */
async function deliverRecording(ctx: CallContext, state: RoomState): Promise<void> {
  const recording = state.recording;
  if (recording === undefined) return;
  await ctx.recordings.deliver({ path: recording.path, url: recording.url, recordingSid: recording.recordingSid,
    callSid: ctx.identity.callSid }, ctx);
}

function completed(request: MemberRequest, state: RoomState, seconds: number): StayReport {
  const recording = request.attributes.record === 'record-from-start' ? state.recording : undefined;
  return {
    status: 'completed', seconds, conferenceSid: state.conferenceSid,
    ...(recording && { recordingUrl: publicUrl(recording.url), recordingSid: recording.recordingSid }),
  };
}

/** The member of `ctx`'s call joins `request.room` of this server and stays until it leaves. */
export async function stayInRoom(ctx: CallContext, request: MemberRequest): Promise<StayReport> {
  const { room, attributes: noun } = request;
  const registry = ctx.rooms.conferences;
  const state = registry.room(room, request.friendlyName);
  const callSid = ctx.identity.callSid;
  if (!registry.reserve(state, callSid, noun.maxParticipants)) {
    request.release();
    logCode(ctx.log, 'ERR_CONFERENCE_FULL', { room, max: noun.maxParticipants }, 'conference full; Dial failed');
    return { status: 'failed', seconds: 0, conferenceSid: state.conferenceSid };
  }
  if (noun.statusCallback !== undefined && state.callback === undefined) {
    state.callback = { url: resolveUrl(noun.statusCallback, ctx.state.document), method: noun.statusCallbackMethod,
      events: noun.statusCallbackEvent };
  }
  const member: RoomMember = { callSid, startConferenceOnEnter: noun.startConferenceOnEnter,
    endConferenceOnExit: noun.endConferenceOnExit, muted: noun.muted };
  let joined = false;
  let released = false;
  let waiting: WaitingMember | undefined;
  let exit: MemberExit | undefined;
  try {
    await ensureAnswered(ctx);
    const variables: Array<readonly [string, string]> = [
      ['hangup_after_conference', 'false'],
      ['conference_moh_sound', await roomHoldSound(ctx, noun)],
      ['conference_max_members', String(noun.maxParticipants)],
      ...beepVariables(noun.beep),
      ...recordingVariables(ctx, request, state),
      // `*` leaves the room; no keypad control of the profile may act on it first.
      ...(request.hangupOnStar ? [['conference_controls', 'none'] as const] : []),
    ];
    const stay = await attendConference(ctx, {
      room, profile: ctx.settings.conference.profile, flags: conferenceFlags(noun, ctx.settings.conference.memberFlags),
      variables,
    }, {
      onJoined: (memberId) => {
        joined = true;
        const starts = registry.joined(state, member);
        sendConferenceEvent(ctx, state, 'participant-join', member);
        if (starts) sendConferenceEvent(ctx, state, 'conference-start', member);
        if (!state.started) waiting = new WaitingMember(ctx, registry, state, memberId, waitSource(ctx, noun));
        exit = new MemberExit(ctx, room, memberId, { timeLimit: request.timeLimit, hangupOnStar: request.hangupOnStar });
      },
      onEvent: (action) => {
        if (action !== 'mute-member' && action !== 'unmute-member') return;
        member.muted = action === 'mute-member';
        sendConferenceEvent(ctx, state, member.muted ? 'participant-mute' : 'participant-unmute', member);
      },
    });
    await exit?.end();
    await waiting?.end();
    released = true;
    const ended = registry.left(state, callSid);
    request.release();
    if (joined) sendConferenceEvent(ctx, state, 'participant-leave', member);
    if (ended && state.started) sendConferenceEvent(ctx, state, 'conference-end', member);
    if (!stay.joined) {
      if (!stay.hungUp) logCode(ctx.log, 'ERR_CONFERENCE_JOIN_FAILED', { room }, 'FreeSWITCH did not add the member');
      return { status: 'failed', seconds: 0, conferenceSid: state.conferenceSid };
    }
    if (ended) await deliverRecording(ctx, state);
    return completed(request, state, stay.seconds);
  } finally {
    await exit?.end();
    await waiting?.end();
    if (!released) {
      registry.left(state, callSid);
      request.release();
    }
  }
}
