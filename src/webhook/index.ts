/** The webhook layer: HTTP client for TwiML documents and callbacks, request parameters, request signing. */
export { WebhookClient } from './client.js';
export type {
  NotifyOptions,
  NotifyOutcome,
  PutRequest,
  PutResult,
  TwimlResponse,
  WebhookClientOptions,
  WebhookMethod,
  WebhookRequest,
} from './client-types.js';
export { createWebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher.js';
export { createAddressChecker, createWebhookClient, webhookClientOptions, webhookDispatcherOptions } from './from-config.js';
export {
  AddressChecker,
  type AddressCheckerOptions,
  createDenyList,
  createGuardedLookup,
  DEFAULT_DENIED_NETWORKS,
  isDeniedAddress,
  PRIVATE_NETWORKS,
  resolveAllowed,
  systemLookup,
  type LookupFunction,
} from './address-guard.js';
export {
  DEFAULT_CONNECTION_OVERRIDES,
  parseConnectionOverrides,
  type ConnectionOverrides,
  type RetryCondition,
} from './connection-overrides.js';
export { withDebugSink, type CallWebhook } from './call-webhook.js';
export {
  CallRequests, type CallbackFailure, type CallRequest, type CallRequestsOptions,
} from './call-requests.js';
export { DebugLog, debugLogPath, type DebugLogLine } from './debug-log.js';
export { redactDebugRecord } from './debug-redact.js';
export { REDACTED } from '../util/secrets.js';
export { redactUrl, type DebugSink, type WebhookDebugRecord, type WebhookTiming } from './debug-record.js';
export { appendQuery, encodeForm } from './form-encoding.js';
export {
  API_VERSION,
  KAZOO_API_VERSION,
  buildCallParams,
  callProgressParams,
  conferenceEventParams,
  legProgressParams,
  paramValue,
  recordingStatusExtras,
  rfc2822,
  withKnownAccount,
  withRecordingStatus,
  type CallDescription,
  type CallDirection,
  type CallProgress,
  type ConferenceEventReport,
  type ConferenceParticipant,
  type DialledLeg,
  type RecordingReport,
  type ParamFormat,
  type Params,
  type RequestExtras,
} from './params.js';
export { computeSignature, SIGNATURE_HEADER } from './signature.js';
export { DeniedAddressError, WebhookError, type WebhookErrorCode } from './webhook-error.js';
