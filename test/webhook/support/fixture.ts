/**
 * A client wired to a real dispatcher whose resolver maps test names to loopback, plus a test origin.
 */
import type { Agent } from 'undici';
import {
  createWebhookDispatcher,
  DEFAULT_DENIED_NETWORKS,
  WebhookClient,
  type WebhookClientOptions,
  type WebhookDebugRecord,
} from '../../../src/webhook/index.js';
import { tableLookup } from './lookup.js';
import { TestOrigin } from './origin.js';

export interface Fixture {
  readonly origin: TestOrigin;
  readonly dispatcher: Agent;
  readonly client: WebhookClient;
  readonly lookup: ReturnType<typeof tableLookup>;
  readonly debug: WebhookDebugRecord[];
  close(): Promise<void>;
}

/** Names the fixture's resolver knows: `example.test` and `other.test` are 127.0.0.1, `denied.test` 127.0.0.2. */
export const TEST_HOSTS = {
  'example.test': '127.0.0.1',
  'other.test': '127.0.0.1',
  'denied.test': '127.0.0.2',
  'metadata.test': '169.254.169.254',
  'mixed.test': ['127.0.0.1', '169.254.169.254'],
} as const;

/** Starts an origin and a client; 127.0.0.2/32 is added to the default deny list. */
export async function startFixture(options: Partial<WebhookClientOptions> = {}): Promise<Fixture> {
  const origin = await TestOrigin.start();
  const lookup = tableLookup(TEST_HOSTS);
  const dispatcher = createWebhookDispatcher({ lookup, denyList: [...DEFAULT_DENIED_NETWORKS, '127.0.0.2/32'] });
  const debug: WebhookDebugRecord[] = [];
  const client = new WebhookClient({ dispatcher, onDebug: (r) => debug.push(r), ...options });
  return {
    origin,
    dispatcher,
    client,
    lookup,
    debug,
    async close() {
      await dispatcher.destroy();
      await origin.close();
    },
  };
}

/** A signal that never aborts. */
export const never: AbortSignal = new AbortController().signal;
