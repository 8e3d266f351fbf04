/**
 * What a call sends its requests through: the shared client's three operations. A call with a debug log gets
 * {@link withDebugSink}, which reports every request of the call to the log, whoever makes it.
 */
import type { WebhookClient } from './client.js';
import type { DebugSink } from './debug-record.js';

/** The operations of {@link WebhookClient} a call uses. */
export type CallWebhook = Pick<WebhookClient, 'fetchTwiml' | 'notify' | 'put'>;

function both(first: DebugSink | undefined, second: DebugSink): DebugSink {
  if (!first) return second;
  return (record) => {
    try {
      first(record);
    } finally {
      second(record);
    }
  };
}

/** `client` with `sink` receiving the debug record of every request, after any sink the request names itself. */
export function withDebugSink(client: CallWebhook, sink: DebugSink): CallWebhook {
  return {
    fetchTwiml: (req, signal) => client.fetchTwiml({ ...req, onDebug: both(req.onDebug, sink) }, signal),
    notify: (req, options) => client.notify({ ...req, onDebug: both(req.onDebug, sink) }, options),
    put: (req, signal) => client.put({ ...req, onDebug: both(req.onDebug, sink) }, signal),
  };
}
