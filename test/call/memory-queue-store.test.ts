import { MemoryQueueStore } from '../../src/call/rooms/memory-queue-store.js';
import { queueStoreContract } from './queue-store-contract.js';

describe('rooms: the in-process queue store', () => {
  queueStoreContract(async () => {
    const store = new MemoryQueueStore();
    return { a: store, b: store };
  });
});
