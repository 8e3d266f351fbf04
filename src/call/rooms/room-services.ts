/**
 * The conference registry, the queue store and the conference profile checks of one server, created where the call
 * handler is built and reached by every call through its context.
 */
import { ConferenceRegistry } from './conference-registry.js';
import { MemoryQueueStore } from './memory-queue-store.js';
import { ConferenceProfileChecks } from './profile-checks.js';
import type { QueueStore } from './queue-store.js';
import type { RemoteReach } from './remote-reach.js';
import type { RoomDirectory } from './room-directory.js';

/** Shared by every call of one server. */
export interface RoomServices {
  readonly conferences: ConferenceRegistry;
  readonly queues: QueueStore;
  /** What the rooms' mod_conference profile would do that Twilio does not (warned once per profile). */
  readonly profiles: ConferenceProfileChecks;
  /** Rooms and calls of the other servers of the cluster; absent on a server of its own. */
  readonly reach?: RemoteReach;
  /** Which server of the cluster holds each `<Conference>` room; absent on a server of its own. */
  readonly directory?: RoomDirectory;
}

/** How the rooms of a server meet those of the other servers of its cluster (nothing: a server of its own). */
export interface RoomCluster {
  readonly reach?: RemoteReach;
  readonly directory?: RoomDirectory;
}

/** Services for one server: in-process registry and queues, and the cluster's reach and directory if any. */
export function createRoomServices(queues: QueueStore = new MemoryQueueStore(), cluster: RoomCluster = {}): RoomServices {
  return {
    conferences: new ConferenceRegistry(), queues, profiles: new ConferenceProfileChecks(),
    ...(cluster.reach && { reach: cluster.reach }), ...(cluster.directory && { directory: cluster.directory }),
  };
}
