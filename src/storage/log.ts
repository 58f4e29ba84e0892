/**
 * One partition's log: an ordered list of segments, the last one active.
 *
 * Mutations (append, roll, truncate, segment deletion) run one at a time
 * through a serial queue, so every invariant can be checked after each
 * await; reads run concurrently against the positions known when they start.
 * Durability is requested per append: an acks=all append resolves only after
 * an fsync that began after its write (group commit), so concurrent appends
 * share fsyncs. A failed fsync takes the log offline: after one, Linux may
 * have dropped the dirty pages, and only recovery can say what survived.
 *
 * Offsets here are JS numbers (safe integers), converted at the wire.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../protocol/errors.ts";
import {
  assignOffsets,
  type PreparedBatch,
  parseBatches,
  producerBatchOfPrepared,
  takeOffsets,
} from "./append-batches.ts";
import type { Clock } from "./clock.ts";
import { type FileSystem, FileSystemError } from "./file-system.ts";
import { GroupCommit } from "./group-commit.ts";
import type { LeaderEpochCache } from "./leader-epoch-cache.ts";
import type { LogConfig } from "./log-config.ts";
import { LogSegment, type TimestampMatch } from "./log-segment.ts";
import { replayProducerState } from "./producer-replay.ts";
import type { ProducerStateManager } from "./producer-state.ts";
import type { ProducerBatch } from "./producer-state-check.ts";
import {
  DELETED_SUFFIX,
  LOG_SUFFIX,
  OFFSET_INDEX_SUFFIX,
  offsetFileName,
  TIME_INDEX_SUFFIX,
} from "./segment-files.ts";
import { asStorageError, offsetOutOfRange, StorageError } from "./storage-error.ts";

export interface LogContext {
  fs: FileSystem;
  clock: Clock;
  dir: string;
  config: LogConfig;
}

export interface AppendOptions {
  leaderEpoch: number;
  /** The leader assigns offsets; a follower's replicated batches keep theirs. */
  assignOffsets?: boolean;
  /** "acks-all": resolve only once the batches are fsynced (when the config asks for it). */
  durability?: "none" | "acks-all";
}

export interface AppendResult {
  firstOffset: number;
  lastOffset: number;
  /** The timestamp stamped on the batches, or -1 for CreateTime topics. */
  logAppendTimeMs: number;
  logStartOffset: number;
  batches: readonly PreparedBatch[];
  /** A retried idempotent batch: nothing was written, and the offsets are the original ones. */
  duplicate: boolean;
}

export interface StagedAppend {
  result: AppendResult;
  durable: Promise<void>;
}

/** An offset with where it lies on disk, so reads can stop exactly there. */
export interface LogOffsetMetadata {
  offset: number;
  segmentBaseOffset: number;
  position: number;
}

export interface ReadOptions {
  maxBytes: number;
  /** Exclusive upper bound (the high watermark for consumers); defaults to the log end. */
  maxOffset?: LogOffsetMetadata | number;
  /** Return the whole first batch even if larger than maxBytes (Kafka's default for the first partition). */
  minOneBatch: boolean;
}

const EMPTY = Buffer.alloc(0);

export class Log {
  private queue: Promise<unknown> = Promise.resolve();
  private offline: StorageError | null = null;
  private unflushedMessages = 0;
  private readonly groupCommit = new GroupCommit(() => this.syncUnflushed());
  private cancelFlushTimer: (() => void) | null = null;

  constructor(
    readonly context: LogContext,
    private segments: LogSegment[],
    public logStartOffset: number,
    public recoveryPoint: number,
    readonly leaderEpochs: LeaderEpochCache,
    readonly producers: ProducerStateManager,
  ) {
    assert.ok(segments.length > 0, "a log always has an active segment");
  }

  get config(): LogConfig {
    return this.context.config;
  }

  /**
   * New settings for a live log (a topic's configs were altered). Every
   * reader of `config` sees them from its next use on; segments already
   * created keep the index settings they were created with, as in Kafka.
   */
  updateConfig(config: LogConfig): void {
    this.context.config = config;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  get logEndOffset(): number {
    return this.activeSegment.nextOffset;
  }

  get isOffline(): boolean {
    return this.offline !== null;
  }

  logEndOffsetMetadata(): LogOffsetMetadata {
    const active = this.activeSegment;
    return { offset: active.nextOffset, segmentBaseOffset: active.baseOffset, position: active.sizeBytes };
  }

  allSegments(): readonly LogSegment[] {
    return this.segments;
  }

  sizeBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.sizeBytes;
    return total;
  }

  /** Fsyncs performed for durability and flush policy. */
  get syncCount(): number {
    return this.groupCommit.syncCount;
  }

  private checkOnline(): void {
    if (this.offline !== null) throw this.offline;
  }

  /** Runs `work` after every mutation queued before it. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.checkOnline();
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof FileSystemError)) throw error;
        // A disk failure part-way through a mutation (a roll, a truncation, a
        // deletion) leaves memory and disk out of step: only a reopen, which
        // recovers, can say what holds. Kafka takes the log dir offline too.
        const failure = asStorageError(error, `storage operation in ${this.context.dir}`);
        this.offline ??= failure;
        throw failure;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Appends produced (or replicated) record batches and waits for the durability asked for. */
  async append(records: Buffer, options: AppendOptions): Promise<AppendResult> {
    const staged = await this.stageAppend(records, options);
    await staged.durable;
    return staged.result;
  }

  /**
   * Appends in two steps: resolves once the batches are written (in the
   * order `stageAppend` was called), with `durable` resolving once they are
   * as durable as `options.durability` asks. The broker answers a Produce
   * from `durable` but may take the connection's next request as soon as
   * the write is done.
   */
  async stageAppend(records: Buffer, options: AppendOptions): Promise<StagedAppend> {
    const batches = parseBatches(records);
    const result = await this.exclusive(() => this.appendLocked(records, batches, options));
    let durable: Promise<void>;
    if (options.durability === "acks-all" && this.config.fsyncBeforeAcksAll) {
      durable = this.flush();
    } else if (this.unflushedMessages >= this.config.flushIntervalMessages) {
      durable = this.flush();
    } else {
      this.scheduleFlush();
      durable = Promise.resolve();
    }
    // Whoever awaits `durable` sees a failure; this guard only keeps an unawaited one from crashing the process.
    durable.catch(() => undefined);
    return { result, durable };
  }

  private async appendLocked(
    records: Buffer,
    batches: PreparedBatch[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const leader = options.assignOffsets !== false;
    const producerBatches = batches.map((batch) => producerBatchOfPrepared(records, batch));
    if (leader) {
      const duplicate = this.checkProducers(producerBatches);
      if (duplicate !== null)
        return { ...duplicate, logStartOffset: this.logStartOffset, batches, duplicate: true };
    }
    const firstOffset = this.logEndOffset;
    const logAppendTimeMs = this.config.timestampType === "LogAppendTime" ? this.context.clock.nowMs() : null;
    const nextOffset = leader
      ? assignOffsets(records, batches, firstOffset, options.leaderEpoch, logAppendTimeMs)
      : takeOffsets(records, batches, firstOffset);
    await this.maybeRoll(records.length, batches[0], nextOffset - 1);
    const active = this.activeSegment;
    const sizeBefore = active.sizeBytes;
    try {
      await active.append(records, batches);
    } catch (error) {
      const failure = asStorageError(error, `append to ${this.context.dir}`);
      if (!(await active.rollbackTo(sizeBefore))) this.offline = failure;
      throw failure;
    }
    batches.forEach((batch, i) => {
      this.leaderEpochs.assign(options.leaderEpoch, batch.baseOffset);
      const appended = {
        ...producerBatches[i],
        maxTimestampMs: batch.maxTimestampMs,
        firstOffset: batch.baseOffset,
        lastOffset: batch.lastOffset,
      };
      if (leader) this.producers.onAppended(appended);
      else this.producers.replay(appended);
      this.unflushedMessages += batch.recordCount;
    });
    return {
      firstOffset: batches[0].baseOffset,
      lastOffset: nextOffset - 1,
      logAppendTimeMs: logAppendTimeMs ?? -1,
      logStartOffset: this.logStartOffset,
      batches,
      duplicate: false,
    };
  }

  /**
   * The idempotence check: a retried batch is answered with its original
   * offsets (returned here, nothing appended); a sequence or epoch error
   * rejects the whole append.
   */
  private checkProducers(
    batches: readonly ProducerBatch[],
  ): Omit<AppendResult, "logStartOffset" | "batches" | "duplicate"> | null {
    for (const batch of batches) {
      const check = this.producers.checkAndPrepare(batch);
      if (check.kind === "duplicate") {
        return {
          firstOffset: check.firstOffset,
          lastOffset: check.lastOffset,
          logAppendTimeMs: check.logAppendTimeMs,
        };
      }
      if (check.kind === "error") throw new StorageError(check.errorCode, check.message);
    }
    return null;
  }

  private async maybeRoll(incomingBytes: number, first: PreparedBatch, lastOffset: number): Promise<void> {
    const active = this.activeSegment;
    if (active.isEmpty()) return;
    const nowMs = this.context.clock.nowMs();
    const rollTimestamp =
      active.firstBatchTimestampMs >= 0 ? active.firstBatchTimestampMs : active.createdAtMs;
    const full = active.sizeBytes + incomingBytes > this.config.segmentBytes;
    const old = nowMs - rollTimestamp >= this.config.segmentMs;
    const relativeOverflow = lastOffset - active.baseOffset > 0x7fffffff;
    if (full || old || relativeOverflow) await this.rollLocked(first.baseOffset);
  }

  /** Starts a new active segment at the log end (or `baseOffset`). */
  roll(): Promise<void> {
    return this.exclusive(() => this.rollLocked(this.logEndOffset));
  }

  private async rollLocked(baseOffset: number): Promise<void> {
    const previous = this.activeSegment;
    if (previous.isEmpty() && previous.baseOffset === baseOffset) return;
    const { fs, clock, dir } = this.context;
    // The old segment is made durable before the new one exists on disk: a
    // power loss in between must not leave a new segment starting past the
    // end of what survived of the old one (a hole the log end would sit beyond).
    await previous.flushAll();
    const segment = await LogSegment.create(fs, dir, baseOffset, this.config, clock.nowMs());
    await fs.syncDirectory(dir);
    this.segments = [...this.segments, segment];
    await this.leaderEpochs.flush();
    await this.producers.takeSnapshot();
  }

  /** Makes every append so far durable; resolves after an fsync that began after this call. */
  async flush(): Promise<void> {
    this.checkOnline();
    try {
      await this.groupCommit.request();
    } catch (error) {
      const failure = asStorageError(error, `fsync in ${this.context.dir}`);
      this.offline ??= failure;
      throw failure;
    }
  }

  private scheduleFlush(): void {
    if (this.cancelFlushTimer !== null || this.unflushedMessages === 0) return;
    const intervalMs = this.config.flushIntervalMs;
    if (intervalMs >= Number.MAX_SAFE_INTEGER) return;
    this.cancelFlushTimer = this.context.clock.schedule(intervalMs, () => {
      this.cancelFlushTimer = null;
      // A failed fsync takes the log offline inside flush(); the next caller sees that error.
      this.flush().catch(() => undefined);
    });
  }

  private async syncUnflushed(): Promise<void> {
    // A group commit queued behind an fsync that failed must not succeed:
    // Linux may have dropped pages that this fsync would not write again.
    this.checkOnline();
    const target = this.logEndOffset;
    const messages = this.unflushedMessages;
    try {
      for (const segment of this.segments.slice()) {
        if (segment.nextOffset > this.recoveryPoint || segment === this.activeSegment) await segment.flush();
      }
    } catch (error) {
      this.offline ??= asStorageError(error, `fsync in ${this.context.dir}`);
      throw error;
    }
    this.unflushedMessages = Math.max(0, this.unflushedMessages - messages);
    if (target > this.recoveryPoint) this.recoveryPoint = target;
  }

  /**
   * Kafka's read: from the batch holding `startOffset` up to `maxBytes`,
   * never past `maxOffset`. Offsets outside [logStartOffset, logEndOffset]
   * are OFFSET_OUT_OF_RANGE; the log end itself reads as empty.
   */
  async read(startOffset: number, options: ReadOptions): Promise<Buffer> {
    this.checkOnline();
    const end = await this.offsetMetadata(options.maxOffset);
    if (startOffset < this.logStartOffset || startOffset > this.logEndOffset) {
      throw offsetOutOfRange(
        `offset ${startOffset} is outside [${this.logStartOffset}, ${this.logEndOffset}] in ${this.context.dir}`,
      );
    }
    if (startOffset >= end.offset) return EMPTY;
    const segments = this.segments;
    for (let i = this.segmentIndexFor(startOffset); i < segments.length; i++) {
      const segment = segments[i];
      if (segment.baseOffset > end.offset) break;
      const maxPosition = segment.baseOffset === end.segmentBaseOffset ? end.position : segment.sizeBytes;
      try {
        const read = await segment.read(startOffset, options.maxBytes, maxPosition, options.minOneBatch);
        if (read !== null) return read.records;
      } catch (error) {
        throw asStorageError(error, `read from ${this.context.dir}`);
      }
      if (segment.baseOffset === end.segmentBaseOffset) break;
    }
    return EMPTY;
  }

  /** Where `offset` lies on disk: the start of the batch holding it, or the log end. */
  private async offsetMetadata(offset: LogOffsetMetadata | number | undefined): Promise<LogOffsetMetadata> {
    if (offset === undefined || (typeof offset === "number" && offset >= this.logEndOffset)) {
      return this.logEndOffsetMetadata();
    }
    if (typeof offset !== "number") return offset;
    const segment = this.segments[this.segmentIndexFor(offset)];
    const batch = await segment.findBatch(offset);
    const position = batch === null ? segment.sizeBytes : batch.position;
    return { offset, segmentBaseOffset: segment.baseOffset, position };
  }

  /** Index of the last segment whose base offset is ≤ `offset` (0 if none). */
  private segmentIndexFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.segments[middle].baseOffset <= offset) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** ListOffsets by timestamp: the first record at or after `timestampMs`, or null. */
  async findOffsetByTimestamp(timestampMs: number): Promise<TimestampMatch | null> {
    this.checkOnline();
    for (const segment of this.segments) {
      if (segment.maxTimestampMs < timestampMs) continue;
      const match = await segment.findOffsetByTimestamp(timestampMs, this.logStartOffset);
      if (match !== null) return match;
    }
    return null;
  }

  /** ListOffsets MAX_TIMESTAMP: the record with the largest timestamp, or null for an empty log. */
  async findMaxTimestampRecord(): Promise<TimestampMatch | null> {
    this.checkOnline();
    let best: TimestampMatch | null = null;
    for (const segment of this.segments) {
      if (segment.nextOffset <= this.logStartOffset || segment.offsetOfMaxTimestamp < 0) continue;
      if (best !== null && segment.maxTimestampMs <= best.timestampMs) continue;
      const candidate =
        segment.offsetOfMaxTimestamp >= this.logStartOffset && segment.baseOffset >= this.logStartOffset
          ? await segment.findMaxTimestampRecord()
          : await segment.maxTimestampFrom(this.logStartOffset);
      if (candidate !== null && (best === null || candidate.timestampMs > best.timestampMs)) best = candidate;
    }
    return best;
  }

  /** Removes everything at or after `offset` (a follower diverging from its leader). */
  truncateTo(offset: number): Promise<void> {
    return this.exclusive(async () => {
      if (offset >= this.logEndOffset) return;
      assert.ok(offset >= this.logStartOffset, "cannot truncate below the log start");
      let removedSegments = 0;
      while (this.segments.length > 1 && this.activeSegment.baseOffset >= offset) {
        const removed = this.activeSegment;
        this.segments = this.segments.slice(0, -1);
        await this.retireSegment(removed, 0);
        removedSegments++;
      }
      // A removed segment that a power loss brought back would overlap the
      // offsets appended from here on, and shadow them: its removal must be
      // durable before anything is appended in its place.
      if (removedSegments > 0) await this.context.fs.syncDirectory(this.context.dir);
      await this.activeSegment.truncateTo(offset);
      // Whole batches go, so the log may now end before `offset`, and even
      // before a log start inside the batch that went (Kafka lowers it too).
      this.logStartOffset = Math.min(this.logStartOffset, this.logEndOffset);
      this.recoveryPoint = Math.min(this.recoveryPoint, this.logEndOffset);
      this.leaderEpochs.truncateFromEnd(this.logEndOffset);
      await this.leaderEpochs.flush();
      await this.producers.truncateAndReload(
        this.logStartOffset,
        this.logEndOffset,
        this.context.clock.nowMs(),
      );
      await replayProducerState(this.segments, this.producers, this.logEndOffset);
    });
  }

  /** DeleteRecords: moves the log start forward and drops segments wholly below it. */
  advanceLogStartOffset(offset: number): Promise<number> {
    return this.exclusive(async () => {
      if (offset > this.logEndOffset)
        throw offsetOutOfRange(`offset ${offset} is past the log end ${this.logEndOffset}`);
      if (offset > this.logStartOffset) {
        this.logStartOffset = offset;
        this.leaderEpochs.truncateFromStart(offset);
        await this.leaderEpochs.flush();
        this.producers.onLogStartOffsetIncremented(offset);
      }
      await this.deleteSegmentsLocked(
        (_segment, next) => next !== null && next.baseOffset <= this.logStartOffset,
      );
      return this.logStartOffset;
    });
  }

  /**
   * Deletes the oldest segments for as long as `deletable(segment, next)`
   * holds. If that would take every segment, a new empty one is rolled first,
   * as Kafka does. Returns how many were deleted.
   */
  deleteOldSegments(deletable: (segment: LogSegment, next: LogSegment | null) => boolean): Promise<number> {
    return this.exclusive(() => this.deleteSegmentsLocked(deletable));
  }

  private async deleteSegmentsLocked(
    deletable: (segment: LogSegment, next: LogSegment | null) => boolean,
  ): Promise<number> {
    let count = 0;
    while (count < this.segments.length) {
      const segment = this.segments[count];
      const next = this.segments[count + 1] ?? null;
      if (next === null && segment.isEmpty()) break;
      if (!deletable(segment, next)) break;
      count++;
    }
    if (count === 0) return 0;
    if (count === this.segments.length) await this.rollLocked(this.logEndOffset);
    const doomed = this.segments.slice(0, count);
    this.segments = this.segments.slice(count);
    this.logStartOffset = Math.max(this.logStartOffset, this.segments[0].baseOffset);
    for (const segment of doomed) await this.retireSegment(segment, this.config.fileDeleteDelayMs);
    this.leaderEpochs.truncateFromStart(this.logStartOffset);
    await this.leaderEpochs.flush();
    this.producers.onLogStartOffsetIncremented(this.logStartOffset);
    await this.producers.deleteSnapshotsBelow(this.logStartOffset);
    return count;
  }

  /**
   * Puts `replacement` in the place of `replaced` (consecutive, none of them
   * active) — compaction's swap step, called while the replacement's files
   * still carry their `.swap` names (the cleaner renames them live after).
   * Replaced segments are retired like deleted ones, except one sharing the
   * replacement's base offset, whose files the swap renames over. Returns
   * false, changing nothing, if the replaced segments are no longer all in
   * the log (retention or truncation got there first).
   */
  swapSegments(replaced: readonly LogSegment[], replacement: LogSegment): Promise<boolean> {
    return this.exclusive(async () => {
      const first = this.segments.indexOf(replaced[0]);
      const intact =
        first >= 0 &&
        replaced.every((segment, i) => this.segments[first + i] === segment) &&
        first + replaced.length < this.segments.length;
      if (!intact) return false;
      // A new array, never an in-place splice: reads walk the old one across awaits.
      this.segments = [
        ...this.segments.slice(0, first),
        replacement,
        ...this.segments.slice(first + replaced.length),
      ];
      for (const segment of replaced) {
        if (segment.baseOffset !== replacement.baseOffset)
          await this.retireSegment(segment, this.config.fileDeleteDelayMs);
        else await segment.closeHandle();
      }
      return true;
    });
  }

  /** Renames a segment's files to `.deleted` now and removes them after `delayMs` (reads may be in flight). */
  private async retireSegment(segment: LogSegment, delayMs: number): Promise<void> {
    const { fs, clock, dir } = this.context;
    await segment.renameFiles("", DELETED_SUFFIX);
    const removeFiles = async (): Promise<void> => {
      await segment.closeHandle();
      for (const kind of [LOG_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
        const path = `${dir}/${offsetFileName(segment.baseOffset, kind)}${DELETED_SUFFIX}`;
        if ((await fs.stat(path)) !== null) await fs.unlink(path);
      }
    };
    if (delayMs <= 0) await removeFiles();
    // Files that fail to go stay as `.deleted` and are removed when the log is next loaded.
    else clock.schedule(delayMs, () => void removeFiles().catch(() => undefined));
  }

  /** Flushes everything and releases file handles. The log must not be used afterwards. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      this.cancelFlushTimer?.();
      for (const segment of this.segments) await segment.close();
      this.recoveryPoint = this.logEndOffset;
      await this.leaderEpochs.flush();
      await this.producers.takeSnapshot();
      this.offline = new StorageError(ErrorCode.KAFKA_STORAGE_ERROR, `log ${this.context.dir} is closed`);
    });
  }
}
