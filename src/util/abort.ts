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

/**
 * {@link after}, except that `fn` never runs before `ms` have passed by `performance.now()`: Node may fire a timer
 * up to a millisecond early, which a deadline that must not come early (a time limit) cannot have.
 */
export function afterAtLeast(ms: number, fn: () => void): () => void {
  const due = performance.now() + ms;
  let dispose = noop;
  const arm = (wait: number): void => {
    dispose = after(wait, () => {
      const left = due - performance.now();
      if (left > 0) arm(left);
      else fn();
    });
  };
  arm(ms);
  return () => dispose();
}

export function noop(): void {}

/** Settles with `promise`, or with undefined after `ms` if it has not settled by then (the timer is removed). */
export async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let dispose = noop;
  const timeout = new Promise<undefined>((resolve) => { dispose = after(ms, () => resolve(undefined)); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    dispose();
  }
}

/**
 * A signal that aborts when `signal` does or after `timeoutMs`, and a function that detaches it. Unlike
 * `AbortSignal.any`, it leaves nothing registered on `signal` once disposed: Node 20 keeps a WeakRef per
 * `AbortSignal.any` result on each source signal for as long as the source lives, which leaks on a long-lived one.
 */
export function abortOrTimeout(signal: AbortSignal, timeoutMs: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const offAbort = onAbort(signal, (reason) => controller.abort(reason));
  const offTimer = after(timeoutMs, () => controller.abort(new DOMException('timed out', 'TimeoutError')));
  return {
    signal: controller.signal,
    dispose: () => {
      offAbort();
      offTimer();
    },
  };
}
