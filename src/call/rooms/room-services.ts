/**
 * The conference registry, the queue store and the conference profile checks of one server, created where the call
 * handler is built and reached by every call through its context.
 */
import { ConferenceRegistry } from './conference-registry.js';
import { MemoryQueueStore } from './memory-queue-store.js';
import { ConferenceProfileChecks } from './profile-checks.js';
import type { QueueStore } from './queue-store.js';
import type { RemoteReach } from './remote-reach.js';

/** Shared by every call of one server. */
export interface RoomServices {
  readonly conferences: ConferenceRegistry;
  readonly queues: QueueStore;
  /** What the rooms' mod_conference profile would do that Twilio does not (warned once per profile). */
  readonly profiles: ConferenceProfileChecks;
  /** Rooms and calls of the other servers of the cluster; absent on a server of its own. */
  readonly reach?: RemoteReach;
}

/** Services for one node: in-process registry and queues, and the cluster's reach when there is one. */
export function createRoomServices(queues: QueueStore = new MemoryQueueStore(), reach?: RemoteReach): RoomServices {
  return { conferences: new ConferenceRegistry(), queues, profiles: new ConferenceProfileChecks(), ...(reach && { reach }) };
}
