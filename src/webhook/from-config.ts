/**
 * The webhook layer's parts as the configuration describes them (`webhook.*`): the deny list of the shared
 * dispatcher, the server's one address check of customer URLs, and the client's timeouts and retries.
 */
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.js';
import { AddressChecker, DEFAULT_DENIED_NETWORKS, type LookupFunction, PRIVATE_NETWORKS } from './address-guard.js';
import { WebhookClient } from './client.js';
import type { WebhookClientOptions } from './client-types.js';
import type { WebhookDispatcherOptions } from './dispatcher.js';

/** The options of the shared webhook dispatcher from the configuration. */
export function webhookDispatcherOptions(config: Readonly<Config>): WebhookDispatcherOptions {
  return {
    denyList: [
      ...DEFAULT_DENIED_NETWORKS,
      ...(config.webhook.denyPrivateNetworks ? PRIVATE_NETWORKS : []),
      ...config.webhook.deniedNetworks,
    ],
  };
}

/**
 * The server's one address check of customer URLs, from the configuration (`webhook.denyPrivateNetworks`,
 * `webhook.deniedNetworks`): build it once, hand it to the webhook dispatcher (`addresses`) and to the engine.
 */
export function createAddressChecker(config: Readonly<Config>, lookup?: LookupFunction): AddressChecker {
  return new AddressChecker({ ...webhookDispatcherOptions(config), ...(lookup && { lookup }) });
}

/** The webhook client of the engine, over the shared dispatcher, with the configured timeouts. */
export function createWebhookClient(config: Readonly<Config>, dispatcher: Dispatcher): WebhookClient {
  return new WebhookClient(webhookClientOptions(config, dispatcher));
}

/** The options of the engine's webhook client, from the configuration (also for clients that extend it). */
export function webhookClientOptions(config: Readonly<Config>, dispatcher: Dispatcher): WebhookClientOptions {
  const { webhook } = config;
  return {
    dispatcher,
    defaults: {
      connectTimeoutMs: webhook.connectTimeoutMs,
      readTimeoutMs: webhook.timeoutMs,
      totalTimeoutMs: webhook.timeoutMs,
      retryCount: webhook.retryCount,
    },
  };
}
