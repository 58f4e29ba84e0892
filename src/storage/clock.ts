/**
 * Time as the storage layer sees it. The broker passes the system clock;
 * tests and the simulator pass a manual one and move it forward themselves,
 * so retention, flush intervals and segment age never depend on wall time.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
  /** Runs `callback` after `delayMs`; returns a function that cancels it. */
  schedule(delayMs: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  schedule(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

interface PendingTimer {
  dueMs: number;
  sequence: number;
  callback: () => void;
}

/** A clock that moves only when told to; due callbacks run in time order. */
export class ManualClock implements Clock {
  private timers: PendingTimer[] = [];
  private sequence = 0;

  constructor(private currentMs = 0) {}

  nowMs(): number {
    return this.currentMs;
  }

  schedule(delayMs: number, callback: () => void): () => void {
    const timer: PendingTimer = {
      dueMs: this.currentMs + Math.max(0, delayMs),
      sequence: this.sequence++,
      callback,
    };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, running every callback that falls due on the way. */
  advance(deltaMs: number): void {
    const targetMs = this.currentMs + deltaMs;
    for (;;) {
      const due = this.timers
        .filter((t) => t.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.sequence - b.sequence)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.currentMs = Math.max(this.currentMs, due.dueMs);
      due.callback();
    }
    this.currentMs = targetMs;
  }
}
