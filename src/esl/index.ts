/** The Event Socket layer's public API. Nothing outside src/esl reaches into its modules or into modesl. */
export { EslChannel, type ExecuteOptions, type ExecuteResult, type CommandOptions } from './channel.js';
export type { ChannelData, AnswerState } from './channel-data.js';
export type { ChannelEvents, ChannelEventName } from './channel-events.js';
export { EslEvent } from './event.js';
export { EslServer, type EslServerOptions } from './outbound-server.js';
export type { CallHandler } from './outbound-call.js';
export { CONFERENCE_MAINTENANCE, EventName, HangupCause } from './protocol.js';
export { callEndFields, type CallOutcome } from './call-outcome.js';
export { InboundSession, type InboundSessionOptions, type InboundTarget } from './inbound-session.js';
