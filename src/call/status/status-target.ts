/**
 * Where a call's status callbacks go: the channel variables `pivot_status_callback`,
 * `pivot_status_callback_method` and `pivot_status_callback_event` (space- or comma-separated events), else the
 * configured defaults. The variables are read by call-setup.ts; this module makes sense of their values.
 */
import type { Logger } from 'pino';
import type { HttpMethod } from '../../twiml/index.js';
import type { EngineSettings, StatusEvent } from '../engine-settings.js';
import { logCode } from '../../log-code.js';

export const StatusVariable = {
  Url: 'pivot_status_callback',
  Method: 'pivot_status_callback_method',
  Events: 'pivot_status_callback_event',
} as const;

const EVENTS: ReadonlySet<string> = new Set(['initiated', 'ringing', 'answered', 'completed']);

/** The raw values of {@link StatusVariable} (undefined: not set), read by call-setup.ts. */
export interface StatusValues {
  readonly url: string | undefined;
  readonly method: string | undefined;
  readonly events: string | undefined;
}

/** A call's status callback. */
export interface StatusTarget {
  readonly url: URL;
  readonly method: HttpMethod;
  readonly events: ReadonlySet<StatusEvent>;
}

/** The status callback given on an update of a call that had none: Twilio sends it `completed` only. */
export function updateTarget(url: URL, method: HttpMethod): StatusTarget {
  return { url, method, events: new Set<StatusEvent>(['completed']) };
}

function trimmed(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The call's status callback, or undefined when it has none. Invalid values are reported and replaced. */
export function statusTargetOf(values: StatusValues, settings: EngineSettings, log: Logger): StatusTarget | undefined {
  const defaults = settings.statusCallback;
  let url = defaults.url;
  const rawUrl = trimmed(values.url);
  if (rawUrl !== undefined) {
    try {
      const parsed = new URL(rawUrl);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
      url = parsed;
    } catch {
      logCode(log, 'ERR_CALL_BAD_URL', { variable: StatusVariable.Url }, 'channel variable is not an http(s) URL; ignored');
    }
  }
  if (url === undefined) return undefined;

  let method = defaults.method;
  const rawMethod = trimmed(values.method)?.toUpperCase();
  if (rawMethod === 'GET' || rawMethod === 'POST') method = rawMethod;
  else if (rawMethod !== undefined) log.warn({ variable: StatusVariable.Method }, 'unknown method; the default is used');

  let events = new Set<StatusEvent>(defaults.events);
  const rawEvents = trimmed(values.events);
  if (rawEvents !== undefined) {
    const names = rawEvents.toLowerCase().split(/[\s,]+/).filter(Boolean);
    const unknown = names.filter((name) => !EVENTS.has(name));
    if (unknown.length > 0) log.warn({ variable: StatusVariable.Events, unknown }, 'unknown status callback events ignored');
    const known = names.filter((name): name is StatusEvent => EVENTS.has(name));
    if (known.length > 0) events = new Set(known);
  }
  return { url, method, events };
}
