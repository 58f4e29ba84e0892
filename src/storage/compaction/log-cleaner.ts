/**
 * The log cleaner (Kafka's `LogCleaner` with its `LogCleanerManager`): picks
 * the dirtiest compacted log that needs cleaning, cleans it, records the new
 * first dirty offset in its log dir's `cleaner-offset-checkpoint`, and looks
 * again at once; when nothing needs cleaning it waits `log.cleaner.backoff.ms`
 * on the clock. One pass runs at a time (Kafka's default of one thread).
 *
 * Cleaning state per partition, as Kafka keeps it:
 *
 *   (none) --pick--> in-progress --done--> (none)
 *   in-progress --abortAndPause--> aborted --pass stops--> paused(1)
 *   (none) --abortAndPause--> paused(1);  paused(n) --abortAndPause--> paused(n+1)
 *   paused(n) --resume--> paused(n-1), or (none) from paused(1)
 *
 * Whoever rewrites or removes a compacted log's old segments (retention of a
 * compact,delete log, DeleteRecords, a follower's truncation, deleting the
 * log) must do it inside `whileCleaningPaused`, as Kafka's log manager does.
 * Otherwise a pass whose segments vanish under it wastes its work at best
 * (segment-swap.ts looks before swapping), and fails if their files close.
 * After truncating, call `maybeTruncateCheckpoint`; after deleting a log,
 * `removeCheckpoint`. A pass that fails on a disk error or a corrupt batch
 * marks the partition uncleanable until restart and leaves its checkpoint
 * alone; the other partitions are still cleaned.
 */
import assert from "node:assert/strict";
import { DecodeError } from "../../protocol/primitives.ts";
import type { Clock } from "../clock.ts";
import { type FileSystem, FileSystemError } from "../file-system.ts";
import type { Log } from "../log.ts";
import { type TopicPartitionKey, topicPartitionKey } from "../offset-checkpoints.ts";
import { StorageError } from "../storage-error.ts";
import { cleanableOffsets, type LogToClean, logToClean, needsCleaning } from "./cleanable-range.ts";
import { Cleaner, type CleanerStats, lastRecordsOfActiveProducers } from "./cleaner.ts";
import { CleanerCheckpoints } from "./cleaner-checkpoint.ts";
import type { CleanerConfig } from "./cleaner-config.ts";

/** A partition's log as the log manager holds it (its `ManagedLog`). */
export interface CleanableLog {
  topic: string;
  partition: number;
  logDir: string;
  log: Log;
}

export interface LogCleanerOptions {
  fs: FileSystem;
  clock: Clock;
  logDirs: readonly string[];
  config: CleanerConfig;
  /** Every partition log, read afresh for each pick (logs come and go). */
  logs: () => Iterable<CleanableLog>;
  /** The last stable offset; nothing at or past it is cleaned. Defaults to the log end. */
  lastStableOffset?: (log: CleanableLog) => number;
  /** Lets other work run between chunks; defaults to yielding to the event loop once. */
  yieldToLoop?: () => Promise<void>;
}

export interface CleanOutcome {
  topic: string;
  partition: number;
  firstDirtyOffset: number;
  endOffset: number;
  stats: CleanerStats;
}

/** Thrown inside a pass whose partition is being paused, or when the cleaner stops. */
export class CleaningAbortedError extends Error {
  override readonly name = "CleaningAbortedError";
}

function isOperatingError(error: unknown): boolean {
  return error instanceof FileSystemError || error instanceof StorageError || error instanceof DecodeError;
}

type CleaningState = { kind: "in-progress" } | { kind: "aborted" } | { kind: "paused"; count: number };

const yieldOnce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class LogCleaner {
  private readonly states = new Map<TopicPartitionKey, CleaningState>();
  private readonly uncleanable = new Map<TopicPartitionKey, unknown>();
  private readonly cleaner: Cleaner;
  /** The chain of passes, for the next pass, pausers and `stop` to wait on (see `settled`). */
  private running: Promise<unknown> = Promise.resolve();
  private current: TopicPartitionKey | null = null;
  private cancelTimer: (() => void) | null = null;
  private started = false;
  private stopped = false;

  private constructor(
    private readonly options: LogCleanerOptions,
    private readonly checkpoints: CleanerCheckpoints,
  ) {
    this.cleaner = new Cleaner(options.config, {
      checkAborted: () => this.checkAborted(),
      yieldToLoop: options.yieldToLoop ?? yieldOnce,
    });
  }

  static async open(options: LogCleanerOptions): Promise<LogCleaner> {
    return new LogCleaner(options, await CleanerCheckpoints.load(options.fs, options.logDirs));
  }

  /** The checkpointed first dirty offset of a partition, if it has one. */
  checkpointedOffset(topic: string, partition: number, logDir: string): number | undefined {
    return this.checkpoints.get(logDir, topicPartitionKey(topic, partition));
  }

  /** Partitions whose last pass failed, with the error. */
  uncleanablePartitions(): ReadonlyMap<TopicPartitionKey, unknown> {
    return this.uncleanable;
  }

  /** Starts cleaning in the background: a first look at once, then as described above. */
  start(): void {
    assert.ok(!this.started && !this.stopped, "the cleaner starts once");
    this.started = true;
    this.scheduleLook(0);
  }

  /** Resolves once the passes started so far have ended. */
  whenIdle(): Promise<void> {
    return this.settled();
  }

  /**
   * The passes so far, ended one way or another. A pass rejects only on a
   * programmer error, which its own caller already receives; whoever merely
   * waits for the cleaner to be idle must not receive it a second time.
   */
  private settled(): Promise<void> {
    return this.running.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Stops the background loop, aborting the pass under way, and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.settled();
  }

  private scheduleLook(delayMs: number): void {
    this.cancelTimer = this.options.clock.schedule(delayMs, () => {
      this.cancelTimer = null;
      // A pass that fails on the disk or the data marks its partition uncleanable and resolves;
      // only a programmer error rejects, and that must crash rather than be retried.
      void this.cleanOnce().then((outcome) => {
        if (!this.stopped) this.scheduleLook(outcome === null ? this.options.config.backoffMs : 0);
      });
    });
  }

  /** Cleans the dirtiest log that needs it; null when none does. Passes run one after another. */
  cleanOnce(): Promise<CleanOutcome | null> {
    const pass = this.settled().then(() => this.pickAndClean());
    this.running = pass;
    return pass;
  }

  private async pickAndClean(): Promise<CleanOutcome | null> {
    if (this.stopped) return null;
    const picked = await this.pickFilthiest();
    return picked === null ? null : this.cleanPicked(picked.managed, picked.candidate);
  }

  private async pickFilthiest(): Promise<{ managed: CleanableLog; candidate: LogToClean } | null> {
    const nowMs = this.options.clock.nowMs();
    let best: { managed: CleanableLog; candidate: LogToClean; key: TopicPartitionKey } | null = null;
    for (const managed of this.options.logs()) {
      const { log } = managed;
      const key = topicPartitionKey(managed.topic, managed.partition);
      if (!log.config.cleanupPolicy.compact || log.isOffline) continue;
      if (this.states.has(key) || this.uncleanable.has(key)) continue;
      const lastStableOffset = this.options.lastStableOffset?.(managed) ?? log.logEndOffset;
      const checkpointed = this.checkpoints.get(managed.logDir, key);
      const offsets = cleanableOffsets(log, checkpointed, nowMs, lastStableOffset);
      if (offsets.forceUpdateCheckpoint) await this.writeCheckpoint(managed, offsets.firstDirtyOffset);
      const candidate = logToClean(log, offsets, nowMs);
      if (!needsCleaning(log, candidate)) continue;
      if (best === null || candidate.cleanableRatio > best.candidate.cleanableRatio) {
        best = { managed, candidate, key };
      }
    }
    // A pause may have come in while checkpoints were written above.
    if (best === null || this.states.has(best.key) || this.stopped) return null;
    this.states.set(best.key, { kind: "in-progress" });
    return best;
  }

  private async cleanPicked(managed: CleanableLog, candidate: LogToClean): Promise<CleanOutcome | null> {
    const key = topicPartitionKey(managed.topic, managed.partition);
    this.current = key;
    let outcome: CleanOutcome | null = null;
    try {
      const result = await this.cleaner.clean({
        log: managed.log,
        firstDirtyOffset: candidate.firstDirtyOffset,
        firstUncleanableOffset: candidate.firstUncleanableOffset,
        nowMs: this.options.clock.nowMs(),
        activeProducers: lastRecordsOfActiveProducers(managed.log.producers),
      });
      const { topic, partition } = managed;
      if (result.completed && this.states.get(key)?.kind === "in-progress") {
        await this.writeCheckpoint(managed, result.endOffset);
        outcome = {
          topic,
          partition,
          firstDirtyOffset: candidate.firstDirtyOffset,
          endOffset: result.endOffset,
          stats: result.stats,
        };
      }
    } catch (error) {
      // Disk errors and corrupt batches make this partition uncleanable; anything else is a bug and crashes.
      if (isOperatingError(error)) this.uncleanable.set(key, error);
      else if (!(error instanceof CleaningAbortedError)) throw error;
    } finally {
      this.current = null;
      this.doneCleaning(key);
    }
    return outcome;
  }

  private doneCleaning(key: TopicPartitionKey): void {
    const state = this.states.get(key);
    assert.ok(state !== undefined && state.kind !== "paused", `partition ${key} was not being cleaned`);
    if (state.kind === "aborted") this.states.set(key, { kind: "paused", count: 1 });
    else this.states.delete(key);
  }

  private checkAborted(): void {
    if (this.stopped) throw new CleaningAbortedError("the log cleaner is stopping");
    if (this.current !== null && this.states.get(this.current)?.kind === "aborted") {
      throw new CleaningAbortedError(`cleaning of ${this.current} was aborted`);
    }
  }

  /** Stops any pass on the partition and keeps it from being picked until as many `resumeCleaning` calls. */
  async abortAndPauseCleaning(topic: string, partition: number): Promise<void> {
    const key = topicPartitionKey(topic, partition);
    const state = this.states.get(key);
    if (state === undefined) this.states.set(key, { kind: "paused", count: 1 });
    else if (state.kind === "paused") this.states.set(key, { kind: "paused", count: state.count + 1 });
    else {
      // The pass sees the mark at its next check and ends paused (see doneCleaning).
      if (state.kind === "in-progress") this.states.set(key, { kind: "aborted" });
      await this.settled();
      const after = this.states.get(key);
      // A second pauser arriving while the pass wound down found it "aborted" and must count too.
      if (after?.kind === "paused" && state.kind === "aborted")
        this.states.set(key, { kind: "paused", count: after.count + 1 });
    }
  }

  resumeCleaning(topic: string, partition: number): void {
    const key = topicPartitionKey(topic, partition);
    const state = this.states.get(key);
    assert.ok(state?.kind === "paused", `cleaning of ${key} is not paused`);
    if (state.count === 1) this.states.delete(key);
    else this.states.set(key, { kind: "paused", count: state.count - 1 });
  }

  /** Runs `work` with the partition's cleaning aborted and paused, then resumes it. */
  async whileCleaningPaused<T>(topic: string, partition: number, work: () => Promise<T>): Promise<T> {
    await this.abortAndPauseCleaning(topic, partition);
    try {
      return await work();
    } finally {
      this.resumeCleaning(topic, partition);
    }
  }

  /** After a truncation to `offset`: the first dirty offset may not lie past the log end. */
  async maybeTruncateCheckpoint(managed: CleanableLog, offset: number): Promise<void> {
    const checkpointed = this.checkpoints.get(
      managed.logDir,
      topicPartitionKey(managed.topic, managed.partition),
    );
    if (managed.log.config.cleanupPolicy.compact && checkpointed !== undefined && checkpointed > offset) {
      await this.writeCheckpoint(managed, offset);
    }
  }

  /** After the partition's log is deleted: forget it. */
  async removeCheckpoint(logDir: string, topic: string, partition: number): Promise<void> {
    const key = topicPartitionKey(topic, partition);
    this.uncleanable.delete(key);
    const live = this.liveKeys(logDir);
    live.delete(key);
    await this.checkpoints.update(logDir, key, null, (other) => live.has(other));
  }

  private writeCheckpoint(managed: CleanableLog, offset: number): Promise<void> {
    const key = topicPartitionKey(managed.topic, managed.partition);
    const live = this.liveKeys(managed.logDir);
    return this.checkpoints.update(managed.logDir, key, offset, (other) => live.has(other));
  }

  private liveKeys(logDir: string): Set<TopicPartitionKey> {
    const keys = new Set<TopicPartitionKey>();
    for (const managed of this.options.logs()) {
      if (managed.logDir === logDir) keys.add(topicPartitionKey(managed.topic, managed.partition));
    }
    return keys;
  }
}
