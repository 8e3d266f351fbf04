/**
 * A FreeSWITCH 1.10 simulator for the outbound Event Socket: simulated calls connect to a server
 * as FreeSWITCH's `socket … async full` application does and reproduce its wire behaviour.
 */
export { FsSimulator, type FsSimulatorExtras, type SimSipProfile, type SocketTarget } from './sim/fs-simulator.js';
export { SimNetwork } from './sim/sim-network.js';
export { XmlDialplan, type DialplanAction } from './dialplan/xml-dialplan.js';
export { SwitchEvents, type SwitchListener } from './sim/switch-events.js';
export { findHeader, type SimEvent } from './channel/event-factory.js';
export {
  SimulatedCall,
  type CallEnd,
  type ExecutedApp,
  type TranscriptEntry,
} from './sim/simulated-call.js';
export type { BLegOutcome, CallerScript, FsSimulatorOptions, OutcomeRule, SimCallOptions } from './sim/options.js';
export { urlEncodeLikeFreeSwitch } from './wire/fs-url-encode.js';
export { quoteJsonLikeCJson } from './wire/json-string.js';
export {
  encodeEventFrame,
  encodeEventBody,
  encodeJsonMembers,
  encodePlainHeaders,
  frameEventBody,
  makeHeaderBlock,
  plainValue,
  type EventFormat,
  type EventHeader,
  type HeaderBlock,
  type HeaderValue,
} from './wire/event-encoder.js';
export {
  apiResponse,
  commandReply,
  connectReply,
  disconnectNotice,
  lingerNotice,
  DISCONNECT_BODY,
} from './wire/reply-frames.js';
export { CommandParser, headerOf, type ParsedCommand } from './wire/command-parser.js';
export { separateArgs } from './util/arg-split.js';
export { readDialString, type ParsedDialString, type ParsedLeg } from './apps/dial-syntax.js';
export { SimInboundServer, type SimInboundOptions } from './inbound/inbound-server.js';
export {
  ParkedCall,
  type AnsweredOriginate,
  type OriginateRecord,
  type ParkOptions,
  type TransferRecord,
} from './inbound/inbound-records.js';
export { ORIGINATE_SYNTAX, type OriginateRequest, type OriginateTarget } from './inbound/originate-command.js';
export type { OriginatedLeg } from './inbound/origination.js';
