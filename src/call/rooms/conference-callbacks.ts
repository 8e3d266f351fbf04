/**
 * Twilio's conference status callbacks: conference-start, conference-end, participant-join, participant-leave,
 * participant-mute and participant-unmute, sent to the callback of the first member that gave one, when it asked
 * for that kind (statusCallbackEvent start, end, join, leave, mute). Parameters: AccountSid, ConferenceSid,
 * FriendlyName, StatusCallbackEvent, Timestamp (RFC 2822), SequenceNumber, and for a participant CallSid, Muted,
 * Hold, Coaching, EndConferenceOnExit, StartConferenceOnEnter; conference-end adds ReasonConferenceEnded and
 * CallSidEndingConference. They are fire-and-forget: collected on the call's callbacks, never waited for by a verb.
 */
import type { ConferenceEvent } from '../../twiml/index.js';
import { conferenceEventParams } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import type { RoomMember, RoomState } from './conference-registry.js';

/** Twilio's StatusCallbackEvent values this server sends. */
export type ConferenceStatusEvent =
  | 'conference-start' | 'conference-end' | 'participant-join' | 'participant-leave' | 'participant-mute'
  | 'participant-unmute';

const KIND: Readonly<Record<ConferenceStatusEvent, ConferenceEvent>> = {
  'conference-start': 'start',
  'conference-end': 'end',
  'participant-join': 'join',
  'participant-leave': 'leave',
  'participant-mute': 'mute',
  'participant-unmute': 'mute',
};

/** Sends one event of `state` if its callback asked for that kind; `member` is the participant it is about. */
export function sendConferenceEvent(ctx: CallContext, state: RoomState, event: ConferenceStatusEvent,
  member: RoomMember): void {
  const target = state.callback;
  if (target === undefined || !target.events.includes(KIND[event])) return;
  const { identity, requests } = ctx;
  const params = conferenceEventParams({
    accountSid: identity.accountSid, conferenceSid: state.conferenceSid, friendlyName: state.friendlyName, event,
    sequence: state.sequence += 1, at: requests.now(),
    ...(event.startsWith('participant-') && { participant: member }),
    ...(event === 'conference-end' && state.endedBy !== undefined && { ended: state.endedBy }),
  });
  requests.sendCallback({ url: target.url, method: target.method, params },
    { code: 'ERR_CONFERENCE_CALLBACK', fields: { event }, msg: 'conference status callback failed' });
}
