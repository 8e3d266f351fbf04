/**
 * Metrics as the layers see them: the observer interface they report through. Its Prometheus implementation is
 * built by the composition root (src/server/prometheus-metrics.ts).
 */
export { NO_OP_OBSERVER, type EslRoundTrip, type Observer } from './observer.js';
