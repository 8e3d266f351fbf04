/**
 * The Prometheus side of the observer: one registry per server, the process's default metrics (event loop lag and
 * delay percentiles, memory, CPU, handles) and the server's own, named in snake_case with their unit.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EslRoundTrip, Observer } from '../metrics/index.js';

/** The metrics a server exposes on /metrics, and the observer that feeds them. */
export interface Metrics {
  readonly registry: Registry;
  readonly observer: Observer;
  /** The text exposition format: what /metrics answers. */
  render(): Promise<string>;
  readonly contentType: string;
}

const VERB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ESL_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1];

export interface MetricsOptions {
  /** Adds the process metrics (default true). */
  readonly defaults?: boolean;
  /**
   * Recordings not delivered yet (queued, uploading, or waiting for a retry), read at each scrape. Without it, the
   * gauge counts the uploads under way as the observer reports them.
   */
  readonly recordingsPending?: () => number;
  /** Whether the cluster's Redis connection is up, read at each scrape; without it (no cluster) no gauge. */
  readonly redisUp?: () => boolean;
}

/** Builds a fresh registry with every metric registered once. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const active = new Gauge({ name: 'pivot_calls_active', help: 'Calls in progress on the outbound socket', registers });
  const started = new Counter({ name: 'pivot_calls_started_total', help: 'Calls started', registers });
  const ended = new Counter({ name: 'pivot_calls_ended_total', help: 'Calls ended, by outcome', labelNames: ['outcome'],
    registers });
  const verbs = new Histogram({ name: 'pivot_verb_duration_seconds', help: 'TwiML verb executions and their durations',
    labelNames: ['verb'], buckets: VERB_BUCKETS, registers });
  const webhook = new Histogram({ name: 'pivot_webhook_duration_seconds', help: 'Document requests by HTTP status',
    labelNames: ['status'], buckets: WEBHOOK_BUCKETS, registers });
  const fetchErrors = new Counter({ name: 'pivot_webhook_errors_total', help: 'Failed document requests, by error code',
    labelNames: ['code'], registers });
  const esl = new Histogram({ name: 'pivot_esl_roundtrip_seconds', help: 'Event Socket command round trips, by kind',
    labelNames: ['kind'], buckets: ESL_BUCKETS, registers });
  const pendingSource = options.recordingsPending;
  const recordings = new Gauge({ name: 'pivot_recordings_pending', help: 'Recordings not delivered yet', registers,
    ...(pendingSource ? { collect(): void { this.set(pendingSource()); } } : {}) });
  const redisUp = options.redisUp;
  if (redisUp) {
    new Gauge({ name: 'pivot_cluster_redis_up', help: 'Whether the connection to the cluster\'s Redis is up (1) or not (0)',
      registers, collect(): void { this.set(redisUp() ? 1 : 0); } });
  }
  const handoffs = new Counter({ name: 'pivot_park_handoffs_total', help: 'Parked calls handed to the outbound socket',
    labelNames: ['node', 'result'], registers });
  const observer: Observer = {
    callStarted: () => {
      active.inc();
      started.inc();
    },
    callEnded: (outcome) => {
      active.dec();
      ended.inc({ outcome });
    },
    eslRoundTrip: (kind: EslRoundTrip, seconds) => esl.observe({ kind }, seconds),
    verbRun: (verb, seconds) => verbs.observe({ verb }, seconds),
    webhookRequest: (status, seconds) => webhook.observe({ status }, seconds),
    fetchError: (code) => fetchErrors.inc({ code }),
    recordingsPending: (delta) => { if (!pendingSource) recordings.inc(delta); },
    parkHandoff: (node, result) => handoffs.inc({ node, result }),
  };
  return { registry, observer, render: () => registry.metrics(), contentType: registry.contentType };
}
