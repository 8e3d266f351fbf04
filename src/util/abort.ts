/**
 * AbortSignal helpers that always hand back a disposer, so that no listener outlives the operation it guards.
 */

/** Calls `fn` once when `signal` aborts (at once if it already has). Returns a function that removes the listener. */
export function onAbort(signal: AbortSignal | undefined, fn: (reason: unknown) => void): () => void {
  if (!signal) return noop;
  if (signal.aborted) {
    fn(signal.reason);
    return noop;
  }
  const listener = (): void => fn(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/** Runs `fn` after `ms` unless disposed first. The timer never keeps the process alive on its own. */
export function after(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

export function noop(): void {}
