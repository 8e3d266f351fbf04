import convict from 'convict';
import { parseNetwork } from '../esl/source-guard.js';

/** Registers (once) and names a convict format: an integer within [min, max], parsed from env strings. */
function intBetween(min: number, max: number): string {
  const name = `int-${min}-${max}`;
  convict.addFormat({
    name,
    coerce: (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
    validate: (value: unknown) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new Error(`must be an integer from ${min} to ${max}`);
      }
    },
  });
  return name;
}

convict.addFormat({
  name: 'network-list',
  coerce: (value: unknown) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value),
  validate: (value: unknown) => {
    if (!Array.isArray(value) || value.length === 0) throw new Error('must be a non-empty list of addresses or CIDR networks');
    for (const entry of value) {
      if (typeof entry !== 'string') throw new Error('must list addresses as strings');
      parseNetwork(entry);
    }
  },
});

convict.addFormat({
  name: 'hangup-cause',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^[A-Z][A-Z_]*$/.test(value)) throw new Error('must be a FreeSWITCH hangup cause name');
  },
});

/**
 * The whole configuration: one convict schema. Every key is documented in conf/README.md (a test keeps the two in
 * step). Durations carry their unit in the key name.
 */
export const schema = {
  esl: {
    host: {
      doc: 'Address the outbound Event Socket server listens on (FreeSWITCH `socket <host>:<port> async full`).',
      format: String, default: '127.0.0.1', env: 'PIVOT_ESL_HOST',
    },
    port: {
      doc: 'Port of the outbound Event Socket server.',
      format: 'port', default: 8084, env: 'PIVOT_ESL_PORT',
    },
    allowedSources: {
      doc: 'FreeSWITCH addresses or CIDR networks allowed to connect; others are closed at once and logged.',
      format: 'network-list', default: ['127.0.0.0/8', '::1/128'], env: 'PIVOT_ESL_ALLOWED_SOURCES',
    },
    lingerSeconds: {
      doc: 'Seconds FreeSWITCH keeps the socket open after hangup to deliver the last events (0: no linger).',
      format: intBetween(0, 3600), default: 10,
    },
    connectTimeoutMs: {
      doc: 'How long a new connection may take to answer `connect` before it is dropped.',
      format: intBetween(1, 600_000), default: 5000,
    },
    commandTimeoutMs: {
      doc: 'How long FreeSWITCH may take to answer a command or an api call.',
      format: intBetween(1, 600_000), default: 5000,
    },
    completeGraceMs: {
      doc: 'After a hangup, how long an application that asked for it may take to report its results (max 100).',
      format: intBetween(0, 100), default: 50,
    },
    hangupCompleteTimeoutMs: {
      doc: 'After the call script ends, how long to wait for CHANNEL_HANGUP_COMPLETE before sending `exit`.',
      format: intBetween(0, 600_000), default: 2000,
    },
    exitTimeoutMs: {
      doc: 'After `exit`, how long FreeSWITCH may take to close the socket before it is destroyed.',
      format: intBetween(1, 600_000), default: 2000,
    },
    shutdownHangupCause: {
      doc: 'Hangup cause for calls still up when the server stops.',
      format: 'hangup-cause', default: 'SYSTEM_SHUTDOWN',
    },
    maxHeaderBytes: {
      doc: 'Largest Event Socket header block accepted (the reply to `connect` is 5-30 KB).',
      format: intBetween(4096, 64 * 1024 * 1024), default: 1024 * 1024,
    },
    maxBodyBytes: {
      doc: 'Largest Event Socket message body accepted (FreeSWITCH itself refuses more than 16 MiB).',
      format: intBetween(1024, 64 * 1024 * 1024), default: 16 * 1024 * 1024,
    },
  },
  server: {
    drainMs: {
      doc: 'On SIGTERM, how long calls in progress may go on before they are hung up.',
      format: intBetween(0, 86_400_000), default: 30_000, env: 'PIVOT_DRAIN_MS',
    },
  },
  log: {
    level: {
      doc: 'Log level.',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', env: 'PIVOT_LOG_LEVEL',
    },
  },
};

export interface Config {
  esl: {
    host: string;
    port: number;
    allowedSources: string[];
    lingerSeconds: number;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    completeGraceMs: number;
    hangupCompleteTimeoutMs: number;
    exitTimeoutMs: number;
    shutdownHangupCause: string;
    maxHeaderBytes: number;
    maxBodyBytes: number;
  };
  server: { drainMs: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
}
