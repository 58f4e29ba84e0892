/**
 * Group commit: many appends waiting for durability share one fsync.
 *
 * An fsync covers only what was written before it started. So a caller
 * whose write finished while an fsync was already running cannot ride on
 * it; it waits for the next one. At most one fsync runs and at most one is
 * queued: every caller arriving while one is queued joins that queued one,
 * which starts as soon as the running one ends and covers them all.
 */
export class GroupCommit {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private completedSyncs = 0;

  constructor(private readonly syncOnce: () => Promise<void>) {}

  /** Fsyncs performed so far (for tests and metrics). */
  get syncCount(): number {
    return this.completedSyncs;
  }

  /** Resolves once an fsync that started after this call has completed. */
  request(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.start();
    const after = this.running;
    this.queued = after.then(
      () => this.promote(),
      () => this.promote(),
    );
    return this.queued;
  }

  private promote(): Promise<void> {
    this.queued = null;
    return this.start();
  }

  private start(): Promise<void> {
    const run = this.syncOnce().then(
      () => {
        this.completedSyncs++;
        if (this.running === run) this.running = null;
      },
      (error: unknown) => {
        if (this.running === run) this.running = null;
        throw error;
      },
    );
    this.running = run;
    return run;
  }
}
