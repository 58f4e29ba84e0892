/**
 * Waiting for something to happen without sleeping on the wall clock: the
 * event loop is given turns until the condition holds, up to a bound, and
 * the wait fails with what it was waiting for.
 */

/** Yields to the event loop (I/O and timers included) until `condition()` holds, at most `maxTurns` times. */
export async function waitUntil(condition: () => boolean, what: string, maxTurns = 10_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!condition()) throw new Error(`gave up after ${maxTurns} event-loop turns waiting for ${what}`);
}

/**
 * Resolves with `promise`, or rejects once `timeoutMs` has passed: a bound
 * on waiting for an event from another process, not a delay.
 */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
