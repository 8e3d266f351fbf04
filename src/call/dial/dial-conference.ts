/**
 * `<Dial><Conference>`: the caller joins a mod_conference room of its account (`<account>-<name>`, see
 * rooms/room-names.ts) with the noun's flags and sounds (rooms/conference-settings.ts) and stays until it leaves:
 * hangup, kick, or the end of the conference by an endConferenceOnExit member. Then the Dial's outcome is
 * `completed` with the seconds spent in the room and the ConferenceSid, so that the Dial action runs.
 *
 * The Dial's `timeLimit` and `hangupOnStar` take the member out of the room (rooms/member-exit.ts: a timer from its
 * joining, the caller's `*`); it then goes on to the Dial action like a member that left any other way. The Dial's
 * other attributes have nothing to act on in a room (`timeout`, `callerId`, `ringTone`, `answerOnBridge`, `record`
 * and its companions); the TwiML check warns of them (ERR_TWIML_NOT_APPLICABLE).
 *
 * A room that already holds maxParticipants members on this node (or that FreeSWITCH refuses as full) ends the
 * Dial as `failed` without joining. `record="record-from-start"` records the room from its creation
 * (`conference_auto_record`, set by the member that creates it); the member whose leaving empties the room
 * delivers the file through the recording store, and members that asked for it get RecordingUrl and RecordingSid.
 */
import { AppError } from '../../errors.js';
import type { ConferenceNoun, DialVerb } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import { ensureAnswered } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { newRecordingSid, publicUrl } from '../recording/recording-file.js';
import { sendConferenceEvent } from '../rooms/conference-callbacks.js';
import { attendConference } from '../rooms/conference-member.js';
import { MemberExit } from '../rooms/member-exit.js';
import type { RoomMember, RoomState } from '../rooms/conference-registry.js';
import { beepVariables, conferenceFlags, roomHoldSound, waitSource } from '../rooms/conference-settings.js';
import { WaitingMember } from '../rooms/waiting-member.js';
import { conferenceRoom } from '../rooms/room-names.js';
import type { DialOutcome, DialTarget } from './dial-outcome.js';
import { logCode } from '../../log-code.js';

/** Sets up the room's recording when this member creates the room and asked for one; its variables. */
function recordingVariables(ctx: CallContext, dial: DialVerb, noun: ConferenceNoun, state: RoomState)
  : Array<readonly [string, string]> {
  if (noun.record !== 'record-from-start' || state.recording !== undefined || state.members.size > 0) return [];
  const base = dial.action === undefined ? ctx.state.document : resolveUrl(dial.action, ctx.state.document);
  const url = new URL(base);
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

function outcomeExtras(noun: ConferenceNoun, state: RoomState): DialOutcome['extras'] {
  const recording = noun.record === 'record-from-start' ? state.recording : undefined;
  return {
    ...(recording === undefined ? {} : { recordingUrl: publicUrl(recording.url), recordingSid: recording.recordingSid }),
    extra: [['ConferenceSid', state.conferenceSid]],
  };
}

export const dialConference: DialTarget<ConferenceNoun> = async (dial, noun, ctx) => {
  let room: string;
  try {
    room = conferenceRoom(ctx.identity.accountSid, noun.name);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code, line: noun.position.line }, err.message);
    return { status: 'failed' };
  }
  const registry = ctx.rooms.conferences;
  const state = registry.room(room, noun.name.trim());
  const callSid = ctx.identity.callSid;
  if (!registry.reserve(state, callSid, noun.maxParticipants)) {
    logCode(ctx.log, 'ERR_CONFERENCE_FULL', { room, max: noun.maxParticipants }, 'conference full; Dial failed');
    return { status: 'failed', extras: { extra: [['ConferenceSid', state.conferenceSid]] } };
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
      ...recordingVariables(ctx, dial, noun, state),
      // `*` leaves the room; no keypad control of the profile may act on it first.
      ...(dial.hangupOnStar ? [['conference_controls', 'none'] as const] : []),
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
        exit = new MemberExit(ctx, room, memberId, { timeLimit: dial.timeLimit, hangupOnStar: dial.hangupOnStar });
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
    if (joined) sendConferenceEvent(ctx, state, 'participant-leave', member);
    if (ended && state.started) sendConferenceEvent(ctx, state, 'conference-end', member);
    if (!stay.joined) {
      if (!stay.hungUp) logCode(ctx.log, 'ERR_CONFERENCE_JOIN_FAILED', { room }, 'FreeSWITCH did not add the member');
      return { status: 'failed', extras: { extra: [['ConferenceSid', state.conferenceSid]] } };
    }
    if (ended) await deliverRecording(ctx, state);
    return { status: 'completed', duration: stay.seconds, extras: outcomeExtras(noun, state) };
  } finally {
    await exit?.end();
    await waiting?.end();
    if (!released) registry.left(state, callSid);
  }
};
