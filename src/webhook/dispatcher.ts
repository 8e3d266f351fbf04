/**
 * The shared HTTP dispatcher of webhook requests: an undici Agent with keep-alive, whose connect path refuses
 * denied addresses (see address-guard.ts). Built once by the composition root and injected into the client.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { AddressChecker, createGuardedLookup, type LookupFunction } from './address-guard.js';
import { DeniedAddressError } from './webhook-error.js';

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /**
   * The server's address check (its lookup and deny list). When given, `denyList` and `lookup` are not used; the
   * engine asks the same checker about the URLs FreeSWITCH fetches, so both follow one list.
   */
  readonly addresses?: AddressChecker;
  /** Networks (CIDR) no webhook may connect to. Default {@link DEFAULT_DENIED_NETWORKS}. */
  readonly denyList?: readonly string[];
  /** Resolves host names. Default `dns.lookup` with `all: true`. */
  readonly lookup?: LookupFunction;
  /**
   * Upper bound on establishing a connection, enforced by the connector. Per-request connect timeouts (5 s by
   * default, `#ct=` up to 10 s) are enforced by the client; this only stops sockets nobody waits for. Default 10000.
   */
  readonly connectTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept when the server does not say. Default 4000. */
  readonly keepAliveTimeoutMs?: number;
  /** Upper bound on a server's keep-alive hint. Default 60000. */
  readonly keepAliveMaxTimeoutMs?: number;
  /** Connections per origin; unlimited when not set. */
  readonly connectionsPerOrigin?: number;
  /** TLS options for https webhooks (e.g. `ca`); certificate checking stays on unless turned off here. */
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized' | 'minVersion'>;
}

/**
 * Creates the webhook dispatcher. Host names are resolved through `lookup` inside `net.connect`, every address is
 * checked against the deny list, and the socket connects to the addresses that were checked; literal IP hosts are
 * checked before connecting. Close it with `close()` (drain) or `destroy()`.
 * @example
 * const dispatcher = createWebhookDispatcher({ denyList: [...DEFAULT_DENIED_NETWORKS, ...PRIVATE_NETWORKS] });
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions = {}): Agent {
  const addresses = options.addresses ?? new AddressChecker({
    ...(options.denyList && { denyList: options.denyList }),
    ...(options.lookup && { lookup: options.lookup }),
  });
  const base = buildConnector({
    ...options.tls,
    timeout: options.connectTimeoutMs ?? 10000,
    lookup: createGuardedLookup(addresses.lookup, addresses.denyList),
  });
  const connect: buildConnector.connector = (opts, callback) => {
    if (isIP(opts.hostname) !== 0 && addresses.isDenied(opts.hostname)) {
      callback(new DeniedAddressError(opts.hostname, opts.hostname), null);
      return;
    }
    base(opts, callback);
  };
  return new Agent({
    connect,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
    keepAliveMaxTimeout: options.keepAliveMaxTimeoutMs ?? 60000,
    ...(options.connectionsPerOrigin === undefined ? {} : { connections: options.connectionsPerOrigin }),
  });
}
