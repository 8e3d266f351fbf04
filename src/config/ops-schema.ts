/**
 * The operations part of the configuration: the admin HTTP server, the Calls API server and the park-watcher. Kept
 * apart from the call settings in schema.ts, which spreads it in; every key is documented in conf/README.md like the others.
 */
import convict from 'convict';
import { intBetween } from './formats.js';

/** `host[:port]` entries, comma-separated (`[::1]:8021` for IPv6), as PIVOT_PARK_NODES gives them. */
export function parseNodeList(text: string): Array<{ host: string; port?: number }> {
  const trimmed = text.trim();
  if (trimmed.startsWith('[{')) return JSON.parse(trimmed) as Array<{ host: string; port?: number }>;
  return trimmed.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) return { host: entry };
    const host = m[1] ?? entry;
    return m[2] === undefined ? { host } : { host, port: Number(m[2]) };
  });
}

/** Checks each `{ host, port?, password? }` entry of a node list. */
function validateNodes(value: readonly unknown[]): void {
  for (const entry of value) {
    const e = entry as { host?: unknown; port?: unknown; password?: unknown };
    if (typeof e !== 'object' || e === null || typeof e.host !== 'string' || !/^[A-Za-z0-9.:_-]+$/.test(e.host)) {
      throw new Error('each node needs a host (a name or an address)');
    }
    if (e.port !== undefined && (typeof e.port !== 'number' || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535)) {
      throw new Error(`${e.host}: port must be an integer from 1 to 65535`);
    }
    if (e.password !== undefined && (typeof e.password !== 'string' || /[\r\n]/.test(e.password))) {
      throw new Error(`${e.host}: password must be one line of text`);
    }
  }
}

convict.addFormat({
  name: 'park-nodes',
  coerce: (value: unknown) => (typeof value === 'string' ? parseNodeList(value) : value),
  validate: (value: unknown) => {
    if (!Array.isArray(value) || value.length === 0) throw new Error('must be a non-empty list of { host, port?, password? }');
    validateNodes(value);
  },
});

convict.addFormat({
  name: 'nodes-or-empty',
  coerce: (value: unknown) => (typeof value === 'string' ? parseNodeList(value) : value),
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of { host, port?, password? } (empty: the park-watcher\'s nodes)');
    validateNodes(value);
  },
});

convict.addFormat({
  name: 'socket-target',
  validate: (value: unknown) => {
    if (value === '') return;
    if (typeof value !== 'string' || !/^[A-Za-z0-9.:_[\]-]+:\d{1,5}(\|[A-Za-z0-9.:_[\]-]+:\d{1,5})*$/.test(value)) {
      throw new Error('must be host:port, or several separated by | for failover (empty: esl.host:esl.port)');
    }
  },
});

convict.addFormat({
  name: 'variable-name',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(value)) throw new Error('must be a channel variable name');
  },
});

convict.addFormat({
  name: 'one-line',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || /[\r\n]/.test(value)) throw new Error('must be one line of text');
  },
});

convict.addFormat({
  name: 'duration-ms',
  coerce: (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
  validate: (value: unknown) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 86_400_000) {
      throw new Error('must be a whole number of milliseconds from 1 to 86400000');
    }
  },
});

/** `name=host:port` entries, comma-separated, as PIVOT_CLUSTER_NODES gives them (or a JSON list). */
export function parseClusterNodes(text: string): Array<{ name: string; sipAddress: string }> {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Array<{ name: string; sipAddress: string }>;
  return trimmed.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const at = entry.indexOf('=');
    return { name: entry.slice(0, at).trim(), sipAddress: entry.slice(at + 1).trim() };
  });
}

/** A node's name (its switchname) and a SIP address: what goes into a dial string and a dialplan, nothing else. */
const NODE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SIP_ADDRESS = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

convict.addFormat({
  name: 'cluster-nodes',
  coerce: (value: unknown) => (typeof value === 'string' ? parseClusterNodes(value) : value),
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of { name, sipAddress }');
    const names = new Set<string>();
    for (const entry of value) {
      const e = entry as { name?: unknown; sipAddress?: unknown };
      if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || !NODE_NAME.test(e.name)) {
        throw new Error('each node needs a name: its switchname (letters, digits, . _ -)');
      }
      if (typeof e.sipAddress !== 'string' || !SIP_ADDRESS.test(e.sipAddress)) {
        throw new Error(`${e.name}: sipAddress must be host[:port] (a name, an IPv4 address or [IPv6])`);
      }
      if (names.has(e.name)) throw new Error(`${e.name}: listed twice`);
      names.add(e.name);
    }
  },
});

convict.addFormat({
  name: 'sip-profile',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new Error('must be a sofia profile name');
  },
});

convict.addFormat({
  name: 'dialplan-context',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new Error('must be a dialplan context name');
  },
});

convict.addFormat({
  name: 'redis-url-or-empty',
  validate: (value: unknown) => {
    if (value === '') return;
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
      throw new Error('must be a redis:// or rediss:// URL (empty: no cluster, this server keeps its state in process)');
    }
  },
});

export const opsSchema = {
  admin: {
    enabled: {
      doc: 'Serve /metrics, /healthz and /readyz over HTTP.',
      format: 'flag', default: true, env: 'PIVOT_ADMIN_ENABLED',
    },
    host: {
      doc: 'Address of the admin HTTP server.',
      format: String, default: '127.0.0.1', env: 'PIVOT_ADMIN_HOST',
    },
    port: {
      doc: 'Port of the admin HTTP server (0: any free port, logged at start).',
      format: 'port', default: 8085, env: 'PIVOT_ADMIN_PORT',
    },
  },
  api: {
    enabled: {
      doc: 'Serve Twilio\'s Calls REST API (create, fetch, list, update calls) over HTTP.',
      format: 'flag', default: false, env: 'PIVOT_API_ENABLED',
    },
    host: {
      doc: 'Address of the Calls API HTTP server.',
      format: String, default: '127.0.0.1', env: 'PIVOT_API_HOST',
    },
    port: {
      doc: 'Port of the Calls API HTTP server (0: any free port, logged at start).',
      format: 'port', default: 8086, env: 'PIVOT_API_PORT',
    },
    nodes: {
      doc: 'FreeSWITCH inbound Event Sockets that place created calls, same form as park.nodes (empty: park.nodes).',
      format: 'nodes-or-empty', default: [], env: 'PIVOT_API_NODES',
    },
    maxBodyBytes: {
      doc: 'Largest request body the Calls API accepts.',
      format: intBetween(1024, 16 * 1024 * 1024), default: 64 * 1024,
    },
    history: {
      maxCalls: {
        doc: 'Most ended calls kept for fetch and list; the oldest is forgotten first.',
        format: intBetween(0, 10_000_000), default: 10_000,
      },
      maxAgeMs: {
        doc: 'How long an ended call is kept for fetch and list.',
        format: intBetween(0, 604_800_000), default: 3_600_000,
      },
    },
  },
  cluster: {
    redis: {
      url: {
        doc: 'Redis the servers of a cluster share their state through: redis://[:password@]host[:port][/db] (empty: none, every store stays in process).',
        format: 'redis-url-or-empty', default: '', env: 'PIVOT_REDIS_URL', sensitive: true,
      },
      prefix: {
        doc: 'Prefix of every Redis key this server writes (several clusters can share one Redis).',
        format: 'one-line', default: 'pivot:', env: 'PIVOT_REDIS_PREFIX',
      },
      commandTimeoutMs: {
        doc: 'Longest wait for one Redis command (or script) before it fails with ERR_CLUSTER_REDIS_TIMEOUT.',
        format: 'duration-ms', default: 500,
      },
      reconnectMinMs: {
        doc: 'First wait before reconnecting to Redis; it doubles after each failure.',
        format: 'duration-ms', default: 100,
      },
      reconnectMaxMs: {
        doc: 'Longest wait between reconnection attempts to Redis.',
        format: 'duration-ms', default: 5000,
      },
      leaseMs: {
        doc: 'How long an entry a server owns (a counted call, a live call, a conference room it holds) lives in Redis unless that server renews it.',
        format: 'duration-ms', default: 30_000,
      },
    },
    forwardTimeoutMs: {
      doc: 'Longest wait for the server that runs a call to answer an update of it forwarded by another server (ERR_API_CALL_OWNER_TIMEOUT past it).',
      format: 'duration-ms', default: 5000,
    },
    nodes: {
      doc: 'The FreeSWITCH nodes of the cluster and the address of their inter-node SIP profile: [{ "name": "<switchname>", "sipAddress": "10.0.0.2:5080" }] (the same list on every server).',
      format: 'cluster-nodes', default: [], env: 'PIVOT_CLUSTER_NODES',
    },
    legs: {
      socket: {
        doc: 'This server\'s outbound Event Socket as its FreeSWITCH node reaches it, where legs from other servers are handed (empty: esl.host:esl.port, 0.0.0.0 read as 127.0.0.1).',
        format: 'socket-target', default: '', env: 'PIVOT_CLUSTER_LEG_SOCKET',
      },
      sipProfile: {
        doc: 'The sofia profile of this server\'s node that sends legs to other nodes (its inter-node profile).',
        format: 'sip-profile', default: 'pivot-cluster', env: 'PIVOT_CLUSTER_LEG_PROFILE',
      },
      context: {
        doc: 'The dialplan context of the pivot-cluster extension (conf/freeswitch/pivot-cluster.xml), where local legs to another server of the same node are sent.',
        format: 'dialplan-context', default: 'pivot-cluster',
      },
      answerTimeoutSeconds: {
        doc: 'How long a leg to another server may ring before it is given up (originate_timeout).',
        format: intBetween(1, 120), default: 10,
      },
      jobTtlMs: {
        doc: 'How long a leg\'s job waits in Redis for the leg to arrive (and its result for the sender to read it).',
        format: 'duration-ms', default: 30_000,
      },
    },
  },
  park: {
    enabled: {
      doc: 'Watch FreeSWITCH nodes over their inbound Event Socket and take the parked calls that carry the marker.',
      format: 'flag', default: false, env: 'PIVOT_PARK_ENABLED',
    },
    nodes: {
      doc: 'FreeSWITCH inbound Event Sockets to watch: [{ "host": "127.0.0.1", "port": 8021, "password": "..." }].',
      format: 'park-nodes', default: [{ host: '127.0.0.1', port: 8021 }], env: 'PIVOT_PARK_NODES',
    },
    password: {
      doc: 'Event Socket password of the nodes that give none.',
      format: 'one-line', default: 'ClueCon', env: 'PIVOT_PARK_PASSWORD', sensitive: true,
    },
    marker: {
      doc: 'Channel variable whose presence on a parked call means: run it here (e.g. ecallmgr_Pivot-Voice-URL).',
      format: 'variable-name', default: 'pivot_voice_url', env: 'PIVOT_PARK_MARKER',
    },
    transferTo: {
      doc: 'Where parked calls are sent: host:port of this server as FreeSWITCH reaches it, | separated for failover (empty: esl.host:esl.port).',
      format: 'socket-target', default: '', env: 'PIVOT_PARK_TRANSFER_TO',
    },
    reconnectMinMs: {
      doc: 'First wait before reconnecting to a node; it doubles after each failure.',
      format: 'duration-ms', default: 500,
    },
    reconnectMaxMs: {
      doc: 'Longest wait between reconnection attempts.',
      format: 'duration-ms', default: 30_000,
    },
    handoffTtlMs: {
      doc: 'How long a handed-off call is remembered (so that it is never taken twice) when its hangup is not seen.',
      format: 'duration-ms', default: 3_600_000,
    },
  },
};

/** One FreeSWITCH node the park-watcher connects to. */
export interface ParkNodeConfig {
  host: string;
  port?: number;
  password?: string;
}

/** One FreeSWITCH node of the cluster: its switchname and the address its inter-node SIP profile listens on. */
export interface ClusterNodeConfig {
  name: string;
  sipAddress: string;
}

export interface OpsConfig {
  admin: { enabled: boolean; host: string; port: number };
  api: {
    enabled: boolean;
    host: string;
    port: number;
    nodes: ParkNodeConfig[];
    maxBodyBytes: number;
    history: { maxCalls: number; maxAgeMs: number };
  };
  cluster: {
    redis: {
      url: string;
      prefix: string;
      commandTimeoutMs: number;
      reconnectMinMs: number;
      reconnectMaxMs: number;
      leaseMs: number;
    };
    forwardTimeoutMs: number;
    nodes: ClusterNodeConfig[];
    legs: {
      socket: string;
      sipProfile: string;
      context: string;
      answerTimeoutSeconds: number;
      jobTtlMs: number;
    };
  };
  park: {
    enabled: boolean;
    nodes: ParkNodeConfig[];
    password: string;
    marker: string;
    transferTo: string;
    reconnectMinMs: number;
    reconnectMaxMs: number;
    handoffTtlMs: number;
  };
}
