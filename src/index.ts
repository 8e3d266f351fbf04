/**
 * pivot-esl as a library: start the server from a program, with its configuration and, optionally, a queue store
 * shared between servers or a directory that resolves `<User>` and `<Device>` ids. See "Embedding" in README.md.
 *
 * @example
 * import { loadConfig, startServer } from 'pivot-esl';
 * const server = await startServer(loadConfig({ overrides: { esl: { port: 8084 } } }), { queueStore });
 * // ...
 * await server.stop(30_000);
 */
export { startServer, type StartServerOptions } from './start-server.js';
export { Service, type ServiceDeps } from './server/running-server.js';
export { serve, type ServeOptions } from './server/serve-process.js';
export { CONF_DIR, DEFAULT_CONFIG_FILE, loadConfig, type Config, type LoadConfigOptions } from './config/index.js';
export { RESTART_KEYS } from './config/reload-keys.js';
export {
  fillTemplate, MemoryQueueStore, TemplateResolver,
  type BridgeLink, type BridgeOffer, type BridgeSide, type DirectoryTemplates, type EndpointResolver, type QueueMember,
  type QueueStanding, type QueueStore, type ResolveRequest, type TakenCall, type TakeOptions,
} from './call/index.js';
export { queueKey } from './call/rooms/room-names.js';
export {
  AppError, CallEndedError, ConfigError, ERROR_CATALOGUE, EslError, toAppError,
  type ConfigProblemSummary, type ErrorCode,
} from './errors.js';
export { createLogger, type Logger } from './log.js';
export type { LookupFunction } from './webhook/index.js';
export type {
  ApiCallDirection, ApiCallStatus, CallListFilter, CallPage, CallResource, CallsService, CreateCallRequest,
  StatusCallbackEvent, UpdateCallRequest,
} from './api/calls-service.js';
