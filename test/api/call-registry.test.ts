import { MemoryCallRegistry } from '../../src/api/call-registry.js';
import { registryContract } from './call-registry-contract.js';

describe('api: the in-memory registry of calls', () => {
  registryContract(async (bounds, now) => {
    const registry = new MemoryCallRegistry(bounds, now);
    return { registry, size: async () => registry.size };
  });
});
