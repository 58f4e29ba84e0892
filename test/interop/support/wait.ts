/**
 * Bounded waiting for things outside the test's process (a lock released, an
 * offset reached): poll a condition until a deadline, never a bare sleep.
 */
import { setTimeout as delay } from "node:timers/promises";

export interface Deadline {
  readonly atMs: number;
}

export function deadline(timeoutMs: number): Deadline {
  return { atMs: Date.now() + timeoutMs };
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { until: Deadline; what: string; pollMs?: number },
): Promise<void> {
  for (;;) {
    if (await condition()) return;
    if (Date.now() > options.until.atMs) throw new Error(`timed out waiting for ${options.what}`);
    await delay(options.pollMs ?? 100);
  }
}
