/**
 * Twilio's connection overrides: a webhook URL may carry `#ct=1000&rt=3000&tt=8000&rc=2&rp=ct,rt` in its fragment to
 * set the connect timeout, read timeout, total time, retry count and retry policy of that request. The fragment is
 * never sent (HTTP clients do not send fragments) and is not part of the signed URL.
 */

/** Which failures are retried: connect failures, read timeouts, 4xx replies, 5xx replies. */
export type RetryCondition = 'ct' | 'rt' | '4xx' | '5xx';

/** The connection settings of one webhook request. */
export interface ConnectionOverrides {
  /** Time allowed to establish the connection (`ct`, 100–10000 ms). */
  readonly connectTimeoutMs: number;
  /** Time allowed for the first response bytes and between later packets (`rt`, 100–15000 ms). */
  readonly readTimeoutMs: number;
  /** Time allowed for everything, retries and redirects included (`tt`, 100–15000 ms). */
  readonly totalTimeoutMs: number;
  /** Retries after the first attempt (`rc`, 0–5). */
  readonly retryCount: number;
  /** Failures that are retried (`rp`: `ct`, `rt`, `4xx`, `5xx` or `all`, comma separated). */
  readonly retryPolicy: ReadonlySet<RetryCondition>;
}

/** Twilio's defaults: 5 s to connect, 15 s to read, 15 s in total, one retry, on connect failures only. */
export const DEFAULT_CONNECTION_OVERRIDES: ConnectionOverrides = Object.freeze({
  connectTimeoutMs: 5000,
  readTimeoutMs: 15000,
  totalTimeoutMs: 15000,
  retryCount: 1,
  retryPolicy: new Set<RetryCondition>(['ct']),
});

const ALL_CONDITIONS: readonly RetryCondition[] = ['ct', 'rt', '4xx', '5xx'];

const RANGES = {
  ct: { key: 'connectTimeoutMs', min: 100, max: 10000 },
  rt: { key: 'readTimeoutMs', min: 100, max: 15000 },
  tt: { key: 'totalTimeoutMs', min: 100, max: 15000 },
  rc: { key: 'retryCount', min: 0, max: 5 },
} as const;

type NumericKey = (typeof RANGES)[keyof typeof RANGES]['key'];

/**
 * Reads the connection overrides from `url`'s fragment and returns the URL without its fragment. Keys other than
 * `ct`, `rt`, `tt`, `rc` and `rp` are ignored (`e` and `sni` included); a value that is not a whole number keeps the
 * default, and one outside the documented range is clamped into it. A fragment that holds no overrides is simply
 * dropped.
 * @example
 * parseConnectionOverrides(new URL('https://example.test/voice#ct=1000&rc=2&rp=ct,5xx'));
 * // → { url: https://example.test/voice, overrides: { connectTimeoutMs: 1000, retryCount: 2, ... } }
 */
export function parseConnectionOverrides(
  url: URL,
  defaults: ConnectionOverrides = DEFAULT_CONNECTION_OVERRIDES,
): { url: URL; overrides: ConnectionOverrides } {
  const stripped = new URL(url);
  stripped.hash = '';
  const numbers: Record<NumericKey, number> = {
    connectTimeoutMs: defaults.connectTimeoutMs,
    readTimeoutMs: defaults.readTimeoutMs,
    totalTimeoutMs: defaults.totalTimeoutMs,
    retryCount: defaults.retryCount,
  };
  let retryPolicy = defaults.retryPolicy;
  for (const pair of url.hash.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq);
    const value = safeDecode(pair.slice(eq + 1));
    if (key === 'rp') {
      retryPolicy = parsePolicy(value) ?? retryPolicy;
    } else if (key === 'ct' || key === 'rt' || key === 'tt' || key === 'rc') {
      const range = RANGES[key];
      if (/^\d+$/.test(value)) numbers[range.key] = Math.min(range.max, Math.max(range.min, Number(value)));
    }
  }
  return { url: stripped, overrides: { ...numbers, retryPolicy } };
}

function parsePolicy(value: string): ReadonlySet<RetryCondition> | undefined {
  const conditions = new Set<RetryCondition>();
  for (const item of value.split(',')) {
    const name = item.trim().toLowerCase();
    if (name === 'all') ALL_CONDITIONS.forEach((c) => conditions.add(c));
    else if ((ALL_CONDITIONS as readonly string[]).includes(name)) conditions.add(name as RetryCondition);
  }
  return conditions.size > 0 ? conditions : undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
