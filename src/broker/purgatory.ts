/**
 * Where Fetch requests wait for data (`max.wait.ms`, `min.bytes`): a waiter
 * registers on the partitions it reads, every append to one of them wakes
 * it to re-check, and a timer ends the wait. Waking is cheap and re-checking
 * is the waiter's job, so a spurious wake costs one check.
 */

export interface Waiter {
  keys: readonly string[];
  wake(): void;
}

export class FetchPurgatory {
  private readonly byKey = new Map<string, Set<Waiter>>();

  /** Resolves when `ready()` holds after a wake, or when `timeoutMs` passes; either way, true if ready. */
  wait(keys: readonly string[], timeoutMs: number, ready: () => boolean): Promise<boolean> {
    if (ready() || timeoutMs <= 0) return Promise.resolve(ready());
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        keys,
        wake: () => {
          if (ready()) finish(true);
        },
      };
      const timer = setTimeout(() => finish(ready()), timeoutMs);
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        this.remove(waiter);
        resolve(result);
      };
      for (const key of keys) {
        let set = this.byKey.get(key);
        if (set === undefined) {
          set = new Set();
          this.byKey.set(key, set);
        }
        set.add(waiter);
      }
    });
  }

  /** Called after data lands in (or leaves) a partition. */
  notify(key: string): void {
    const waiters = this.byKey.get(key);
    if (waiters === undefined) return;
    for (const waiter of [...waiters]) waiter.wake();
  }

  /** Wakes everyone (shutdown). */
  notifyAll(): void {
    for (const key of [...this.byKey.keys()]) this.notify(key);
  }

  get waitingCount(): number {
    const all = new Set<Waiter>();
    for (const set of this.byKey.values()) for (const waiter of set) all.add(waiter);
    return all.size;
  }

  private remove(waiter: Waiter): void {
    for (const key of waiter.keys) {
      const set = this.byKey.get(key);
      set?.delete(waiter);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }
}
