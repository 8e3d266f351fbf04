/** The TwiML engine: runs a call's TwiML documents on its FreeSWITCH channel. */
export {
  createCallHandler, type CallEngineDeps,
} from './call-engine.js';
export type { CallContext, CallState } from './call-context.js';
export { callLogIds, callStatus, describeCall, type CallIdentity } from './call-description.js';
export { resolveCallSource, SourceVariable, type CallSource } from './call-source.js';
export { readCallSetup, REALM_VARIABLE, type CallSetup } from './call-setup.js';
export { compileSettings, type EngineSettings } from './engine-settings.js';
export { RecordingDeliveryQueue, type RecordingQueueOptions } from './recording/recording-queue.js';
export {
  HttpPutRecordingStore, type DeliveryResult, type RecordingCall, type RecordingFile, type RecordingStatusCallback,
  type RecordingStore,
} from './recording/recording-store.js';
export { runCall } from './run-call.js';
export { CallHandle, InterruptedError, LiveCalls, type Fallback, type Interruption, type StatusMover } from './live-calls.js';
export type { CallEndStatus, CallLifecycleObserver, CallOrigin, EndedCall, StartedCall } from './call-lifecycle.js';
export { VERBS, type VerbHandler, type VerbOutcome, type VerbRegistry } from './verbs/index.js';
export { type AccountLimits, AccountLimiter, type CallLimiter, type ReleaseSlot, underLimit } from './account-limiter.js';
export { createRoomServices, type RoomCluster, type RoomServices } from './rooms/room-services.js';
export type { RoomDirectory } from './rooms/room-directory.js';
export { handleConferenceLegs } from './dial/remote-conference.js';
export { createBridgeLink, MemoryQueueStore } from './rooms/memory-queue-store.js';
export type {
  ArrivedLeg, ClusterPlace, LegArrivals, LegHandler, LegOrigin, LegResult, LegSender, RemoteReach,
} from './rooms/remote-reach.js';
export { bridgeLeg, type LegBridgeReport, type LegTarget } from './rooms/leg-bridge.js';
export {
  type BridgeLink, type BridgeOffer, type BridgeSide, type LocalOffers, type QueueMember, type QueueStanding, type QueueStore, queueSidOf,
  type TakenCall, type TakeOptions,
} from './rooms/queue-store.js';
export { fillTemplate, TemplateResolver, type DirectoryTemplates, type EndpointResolver, type ResolveRequest } from './dial/endpoint-resolver.js';
export { authTokenFor } from './engine-settings.js';
export { WhisperRegistry } from './whisper/whisper-registry.js';
export { CreatedCalls, type CreatedCall } from './created-calls.js';
export { moveStatus, StatusReporter, type StatusReporterDeps } from './status/status-reporter.js';
export type { StatusTarget } from './status/status-target.js';
export { numberEndpoint, sipEndpoint, type DialEndpoint, type VarList } from './dial/dial-endpoints.js';
export { callerIdNumber } from './dial/dial-values.js';
export { dialString } from './dial/dial-string.js';
export { failedOriginateStatus } from './dial/dial-status.js';
export { timeLimitBackstop } from './dial/time-limit.js';
