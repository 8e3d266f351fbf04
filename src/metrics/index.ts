/** Metrics: the observer interface the other layers report through, and its Prometheus implementation. */
export { NO_OP_OBSERVER, type EslRoundTrip, type Observer } from './observer.js';
export { createMetrics, type Metrics } from './prometheus.js';
