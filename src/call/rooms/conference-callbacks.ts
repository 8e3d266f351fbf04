/**
 * Twilio's conference status callbacks: conference-start, conference-end, participant-join, participant-leave,
 * participant-mute and participant-unmute, sent to the callback of the first member that gave one, when it asked
 * for that kind (statusCallbackEvent start, end, join, leave, mute). Parameters: AccountSid, ConferenceSid,
 * FriendlyName, StatusCallbackEvent, Timestamp (RFC 2822), SequenceNumber, and for a participant CallSid, Muted,
 * Hold, Coaching, EndConferenceOnExit, StartConferenceOnEnter; conference-end adds ReasonConferenceEnded and
 * CallSidEndingConference. They are fire-and-forget: collected on the call's callbacks, never waited for by a verb.
 */
import type { ConferenceEvent } from '../../twiml/index.js';
import { rfc2822, redactUrl, type Params } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import type { RoomMember, RoomState } from './conference-registry.js';
import { logCode } from '../../log-code.js';

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

function participantParams(member: RoomMember): Params {
  return [
    ['CallSid', member.callSid],
    ['Muted', String(member.muted)],
    ['Hold', 'false'],
    ['Coaching', 'false'],
    ['EndConferenceOnExit', String(member.endConferenceOnExit)],
    ['StartConferenceOnEnter', String(member.startConferenceOnEnter)],
  ];
}

/** Sends one event of `state` if its callback asked for that kind; `member` is the participant it is about. */
export function sendConferenceEvent(ctx: CallContext, state: RoomState, event: ConferenceStatusEvent,
  member: RoomMember): void {
  const target = state.callback;
  if (target === undefined || !target.events.includes(KIND[event])) return;
  const params: Array<readonly [string, string]> = [];
  if (ctx.identity.accountSid !== '') params.push(['AccountSid', ctx.identity.accountSid]);
  params.push(['ConferenceSid', state.conferenceSid], ['FriendlyName', state.friendlyName],
    ['StatusCallbackEvent', event], ['Timestamp', rfc2822(new Date())],
    ['SequenceNumber', String(state.sequence += 1)]);
  if (event.startsWith('participant-')) params.push(...participantParams(member));
  if (event === 'conference-end' && state.endedBy !== undefined) {
    params.push(['ReasonConferenceEnded', state.endedBy.reason], ['CallSidEndingConference', state.endedBy.callSid]);
  }
  const sent = ctx.webhook.notify({ url: target.url, method: target.method, params,
    ...(ctx.settings.authToken === undefined ? {} : { authToken: ctx.settings.authToken }) })
    .then((outcome) => {
      if (!outcome.ok) {
        logCode(ctx.log, 'ERR_CONFERENCE_CALLBACK', { cause: outcome.error?.code, status: outcome.status,
          url: redactUrl(target.url), event }, 'conference status callback failed');
      }
    });
  ctx.state.callbacks.push(sent);
}
