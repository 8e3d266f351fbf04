/** `cluster.nodes` and `cluster.legs.*`: their environment forms, their checks, and the default leg socket. */
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { legSocket } from '../../src/server/compose.js';

describe('configuration: cluster nodes and legs', () => {
  it('reads PIVOT_CLUSTER_NODES as name=address pairs or JSON, and the leg keys from the environment', () => {
    const config = loadConfig({ env: { PIVOT_CLUSTER_NODES: 'fs1=10.0.0.1:5080, fs2=[::1]:5090,fs3=sip.example.net',
      PIVOT_CLUSTER_LEG_SOCKET: '10.0.0.7:8084', PIVOT_CLUSTER_LEG_PROFILE: 'internode' } });
    assert.deepEqual(config.cluster.nodes, [
      { name: 'fs1', sipAddress: '10.0.0.1:5080' },
      { name: 'fs2', sipAddress: '[::1]:5090' },
      { name: 'fs3', sipAddress: 'sip.example.net' },
    ]);
    assert.equal(config.cluster.legs.socket, '10.0.0.7:8084');
    assert.equal(config.cluster.legs.sipProfile, 'internode');
    const json = loadConfig({ env: { PIVOT_CLUSTER_NODES: '[{"name":"a","sipAddress":"10.0.0.2:5080"}]' } });
    assert.deepEqual(json.cluster.nodes, [{ name: 'a', sipAddress: '10.0.0.2:5080' }]);
  });

  it('refuses what cannot go into a dial string, naming the key', () => {
    for (const nodes of ['fs1=10.0.0.1:5080;transport=tcp', 'fs 1=10.0.0.1', 'fs1=a@b', 'fs1=10.0.0.1,fs1=10.0.0.2', '=10.0.0.1']) {
      assert.throws(() => loadConfig({ env: { PIVOT_CLUSTER_NODES: nodes } }), /cluster\.nodes/, nodes);
    }
    assert.throws(() => loadConfig({ env: { PIVOT_CLUSTER_LEG_PROFILE: 'a/b' } }), /cluster\.legs\.sipProfile/);
    assert.throws(() => loadConfig({ env: {}, overrides: { cluster: { legs: { context: 'x y' } } } }), /cluster\.legs\.context/);
  });

  it('the leg socket defaults to where the outbound socket listens, 0.0.0.0 read as 127.0.0.1', () => {
    const config = loadConfig({ env: {} });
    assert.equal(legSocket(config, { address: '0.0.0.0', family: 'IPv4', port: 8084 }), '127.0.0.1:8084');
    assert.equal(legSocket(config, { address: '10.0.0.9', family: 'IPv4', port: 9000 }), '10.0.0.9:9000');
    const set = loadConfig({ env: { PIVOT_CLUSTER_LEG_SOCKET: '10.0.0.7:8084' } });
    assert.equal(legSocket(set, { address: '0.0.0.0', family: 'IPv4', port: 8084 }), '10.0.0.7:8084');
  });
});
