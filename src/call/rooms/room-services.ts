/**
 * The conference registry and the queue store of one server, created where the call handler is built and reached
 * by every call through its context.
 */
import { ConferenceRegistry } from './conference-registry.js';
import { MemoryQueueStore } from './memory-queue-store.js';
import type { QueueStore } from './queue-store.js';

/** Shared by every call of one server. */
export interface RoomServices {
  readonly conferences: ConferenceRegistry;
  readonly queues: QueueStore;
}

/** Services for one node: in-process registry and queues. */
export function createRoomServices(queues: QueueStore = new MemoryQueueStore()): RoomServices {
  return { conferences: new ConferenceRegistry(), queues };
}
