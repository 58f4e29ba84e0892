/**
 * The producer state of one partition (Kafka's `ProducerStateManager`): for
 * every idempotent or transactional producer that wrote to it, its epoch,
 * its last sequences and their offsets, and its open transaction. This is
 * what lets the leader refuse a zombie, spot a retried batch, and tell
 * consumers reading committed data where the first open transaction starts.
 *
 * How the log drives it:
 * - Leader append: `checkAndPrepare(batch)` before writing a produced batch
 *   (append, answer a duplicate with its original offsets, or refuse with a
 *   Kafka error code); after writing, `onAppended(batch + offsets)` for
 *   every batch, idempotent or not, so `mapEndOffset` follows the log end.
 * - Follower append and recovery: `replay(...)` for each batch, unchecked.
 * - `onHighWatermarkUpdated`, `onLogStartOffsetIncremented` as those move;
 *   `firstUnstableOffset()` bounds the last stable offset.
 * - `takeSnapshot()` at segment roll and at close; on load and after
 *   truncation `truncateAndReload(...)`, then `replay` from `mapEndOffset`.
 * - `removeExpiredProducers(nowMs)` periodically.
 *
 * Snapshot files are described in producer-snapshot.ts. State between the
 * latest snapshot and the log end lives only in memory; after a crash it is
 * rebuilt by replaying the log from the snapshot, so a snapshot need not be
 * taken at every append, only to bound that replay.
 */
import assert from "node:assert/strict";
import { NO_PRODUCER_ID } from "../protocol/records/batch-header.ts";
import type { FileSystem } from "./file-system.ts";
import {
  deleteSnapshots,
  deleteTemporarySnapshotFiles,
  listSnapshotOffsets,
  loadLatestSnapshot,
  writeSnapshot,
} from "./producer-snapshot.ts";
import {
  type AppendedBatch,
  type CheckOptions,
  checkBatch,
  type ProduceCheck,
  type ProducerBatch,
} from "./producer-state-check.ts";
import { ProducerStateEntry, type ProducerStateView } from "./producer-state-entry.ts";
import { type CompletedTransaction, TransactionTracker } from "./producer-state-transactions.ts";

export {
  type AppendedBatch,
  type AppendOrigin,
  appendedBatchOf,
  type CheckOptions,
  type ProduceCheck,
  type ProducerBatch,
  producerBatchOf,
} from "./producer-state-check.ts";
export type { BatchMetadata, ProducerStateView } from "./producer-state-entry.ts";
export { lastSequenceOf, RETAINED_BATCHES_PER_PRODUCER } from "./producer-state-entry.ts";
export type { CompletedTransaction } from "./producer-state-transactions.ts";

/** Kafka's `producer.id.expiration.ms` default: one day. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;
/** The newest snapshot and two older ones, so a truncation below the newest need not replay from the start. */
export const DEFAULT_RETAINED_SNAPSHOTS = 3;

export interface ProducerStateManagerOptions {
  fs: FileSystem;
  /** The partition's directory, where snapshots live. */
  dir: string;
  producerIdExpirationMs?: number;
  retainedSnapshots?: number;
}

export class ProducerStateManager {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly producerIdExpirationMs: number;
  readonly retainedSnapshots: number;
  private readonly producers = new Map<bigint, ProducerStateEntry>();
  private readonly transactions = new TransactionTracker();
  /** The offset the state reflects the log up to (exclusive). */
  private endOffset = 0;
  /** The offset of the last snapshot this manager wrote or loaded, or -1. */
  private lastSnapshotOffset = -1;

  constructor(options: ProducerStateManagerOptions) {
    this.fs = options.fs;
    this.dir = options.dir;
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    this.retainedSnapshots = options.retainedSnapshots ?? DEFAULT_RETAINED_SNAPSHOTS;
    assert.ok(this.producerIdExpirationMs >= 0, "producer id expiration must not be negative");
    assert.ok(
      Number.isInteger(this.retainedSnapshots) && this.retainedSnapshots >= 1,
      "must retain a snapshot",
    );
  }

  /** Where the state ends: the log offset the next `onAppended`/`replay` batch starts at or after. */
  get mapEndOffset(): number {
    return this.endOffset;
  }

  get producerCount(): number {
    return this.producers.size;
  }

  /** Run by the leader before appending a produced batch (or a marker); changes nothing. */
  checkAndPrepare(batch: ProducerBatch, options?: CheckOptions): ProduceCheck {
    return checkBatch(this.producers.get(batch.producerId), batch, options);
  }

  /**
   * Records a batch the leader has written (after `checkAndPrepare` said
   * append). Returns the transaction a commit or abort marker ended, with the
   * last stable offset the transaction index needs, or null.
   */
  onAppended(batch: AppendedBatch): CompletedTransaction | null {
    assertOffsets(batch);
    // Replay may start inside a batch (a log start offset set by DeleteRecords), so never move back.
    this.endOffset = Math.max(this.endOffset, batch.lastOffset + 1);
    if (batch.producerId === NO_PRODUCER_ID) return null;
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined) {
      entry = new ProducerStateEntry(batch.producerId);
      this.producers.set(batch.producerId, entry);
    }
    return batch.isControl ? this.applyMarker(entry, batch) : this.applyData(entry, batch);
  }

  /**
   * Records a batch read back from the log (recovery, a follower's fetch),
   * unchecked: whoever wrote it already checked it.
   */
  replay(batch: AppendedBatch): CompletedTransaction | null {
    return this.onAppended(batch);
  }

  private applyData(entry: ProducerStateEntry, batch: AppendedBatch): null {
    entry.addBatch(batch.producerEpoch, {
      lastSequence: batch.lastSequence,
      lastOffset: batch.lastOffset,
      offsetDelta: batch.lastOffset - batch.firstOffset,
      timestampMs: batch.maxTimestampMs,
    });
    if (batch.isTransactional && entry.currentTxnFirstOffset === null) {
      entry.currentTxnFirstOffset = batch.firstOffset;
      this.transactions.begin(batch.producerId, batch.firstOffset);
    }
    return null;
  }

  private applyMarker(entry: ProducerStateEntry, batch: AppendedBatch): CompletedTransaction | null {
    if (batch.marker === undefined) return null;
    const firstOffset = entry.currentTxnFirstOffset;
    entry.updateEpoch(batch.producerEpoch);
    entry.coordinatorEpoch = batch.marker.coordinatorEpoch;
    entry.currentTxnFirstOffset = null;
    entry.lastTimestampMs = batch.maxTimestampMs;
    // A marker with no data before it (a transaction that wrote elsewhere) completes nothing here.
    if (firstOffset === null) return null;
    return this.transactions.complete({
      producerId: batch.producerId,
      firstOffset,
      lastOffset: batch.firstOffset,
      isAborted: !batch.marker.committed,
    });
  }

  /** Moves the end of the state without a batch (segment base offsets when loading, an empty log's start). */
  updateMapEndOffset(offset: number): void {
    assert.ok(Number.isSafeInteger(offset) && offset >= 0, `invalid offset ${offset}`);
    this.endOffset = offset;
  }

  /**
   * The first offset consumers reading committed data must not pass: the
   * start of the oldest transaction still open, or of one whose marker is
   * not yet below the high watermark. Null when there is none.
   */
  firstUnstableOffset(): number | null {
    return this.transactions.firstUnstableOffset();
  }

  /** The start of the oldest open transaction, ignoring replication. */
  firstUndecidedOffset(): number | null {
    return this.transactions.firstUndecidedOffset();
  }

  onHighWatermarkUpdated(highWatermark: number): void {
    this.transactions.removeCompletedBelow(highWatermark);
  }

  onLogStartOffsetIncremented(logStartOffset: number): void {
    assert.ok(
      Number.isSafeInteger(logStartOffset) && logStartOffset >= 0,
      `invalid offset ${logStartOffset}`,
    );
    this.transactions.removeCompletedBelow(logStartOffset);
    if (this.endOffset < logStartOffset) this.endOffset = logStartOffset;
  }

  /** The transactions still open, oldest first (DescribeTransactions, hanging-transaction checks). */
  ongoingTransactions(): { producerId: bigint; firstOffset: number }[] {
    return this.transactions.ongoing();
  }

  /** The producer's state, or null if the partition has none. */
  producer(producerId: bigint): ProducerStateView | null {
    return this.producers.get(producerId)?.view() ?? null;
  }

  /** Every producer's state, by producer id (DescribeProducers). */
  activeProducers(): ProducerStateView[] {
    return [...this.producers.values()].sort(compareProducerIds).map((entry) => entry.view());
  }

  /**
   * Forgets producers idle for `producerIdExpirationMs` (counted from the
   * timestamp of their last batch or marker, as Kafka counts it) that have
   * no open transaction. Returns the producer ids removed.
   */
  removeExpiredProducers(nowMs: number, producerIdExpirationMs = this.producerIdExpirationMs): bigint[] {
    const expired: bigint[] = [];
    for (const entry of this.producers.values()) {
      if (isExpired(entry, nowMs, producerIdExpirationMs)) expired.push(entry.producerId);
    }
    for (const producerId of expired) this.producers.delete(producerId);
    return expired;
  }

  /** Forgets everything in memory; the state now reflects the log up to `offset`. Snapshots stay. */
  clear(offset = 0): void {
    this.producers.clear();
    this.transactions.clear();
    this.updateMapEndOffset(offset);
  }

  /** Forgets everything and deletes every snapshot: the log was emptied and restarts at `offset`. */
  async truncateFullyAndStartAt(offset: number): Promise<void> {
    await deleteSnapshots(this.fs, this.dir, () => true);
    this.clear(offset);
    this.lastSnapshotOffset = -1;
  }

  /**
   * Writes the state durably as the snapshot at `mapEndOffset`, unless the
   * last snapshot is already there, then deletes all but the newest
   * `retainedSnapshots`. Returns the offset written, or null.
   */
  async takeSnapshot(): Promise<number | null> {
    if (this.endOffset <= this.lastSnapshotOffset) return null;
    const offset = this.endOffset;
    await writeSnapshot(this.fs, this.dir, offset, this.activeProducers());
    this.lastSnapshotOffset = offset;
    const offsets = await listSnapshotOffsets(this.fs, this.dir);
    const oldestKept = offsets[Math.max(0, offsets.length - this.retainedSnapshots)];
    await deleteSnapshots(this.fs, this.dir, (snapshotOffset) => snapshotOffset < oldestKept);
    return offset;
  }

  /**
   * Replaces the state with the newest readable snapshot at or below
   * `maxOffset` (corrupt ones are deleted on the way), dropping producers
   * already expired at `nowMs`. Without one, the state is empty and starts at
   * `logStartOffset`. Either way the caller then replays the log from
   * `mapEndOffset`.
   */
  async loadFromSnapshot(logStartOffset: number, maxOffset: number, nowMs: number): Promise<void> {
    this.clear(logStartOffset);
    const snapshot = await loadLatestSnapshot(this.fs, this.dir, maxOffset);
    if (snapshot === null) {
      this.lastSnapshotOffset = -1;
      return;
    }
    for (const view of snapshot.producers) {
      const entry = new ProducerStateEntry(view.producerId, view);
      if (isExpired(entry, nowMs, this.producerIdExpirationMs)) continue;
      this.producers.set(entry.producerId, entry);
      const txnFirstOffset = entry.currentTxnFirstOffset;
      if (txnFirstOffset !== null) this.transactions.begin(entry.producerId, txnFirstOffset);
    }
    this.endOffset = Math.max(snapshot.offset, logStartOffset);
    this.lastSnapshotOffset = snapshot.offset;
  }

  /**
   * Brings the state in line with a log spanning `[logStartOffset,
   * logEndOffset)`: deletes snapshots outside it, and unless the state
   * already ends at `logEndOffset`, reloads from the newest snapshot in it.
   * The caller then replays batches from `mapEndOffset` to `logEndOffset`.
   * Used at load (after recovery) and after the log was truncated.
   */
  async truncateAndReload(logStartOffset: number, logEndOffset: number, nowMs: number): Promise<void> {
    assert.ok(logStartOffset <= logEndOffset, `log start ${logStartOffset} is past its end ${logEndOffset}`);
    await deleteTemporarySnapshotFiles(this.fs, this.dir);
    // A snapshot at exactly the log start still describes producers whose batches retention deleted;
    // Kafka drops it too, we keep it so those producers keep their sequences.
    await deleteSnapshots(this.fs, this.dir, (offset) => offset < logStartOffset || offset > logEndOffset);
    if (logEndOffset !== this.endOffset) {
      await this.loadFromSnapshot(logStartOffset, logEndOffset, nowMs);
    } else {
      this.onLogStartOffsetIncremented(logStartOffset);
    }
  }

  /** The offset of the newest snapshot file, or null. */
  async latestSnapshotOffset(): Promise<number | null> {
    return (await listSnapshotOffsets(this.fs, this.dir)).at(-1) ?? null;
  }

  /** Deletes snapshots below `offset` (retention moved the log start past them). */
  async deleteSnapshotsBelow(offset: number): Promise<void> {
    await deleteSnapshots(this.fs, this.dir, (snapshotOffset) => snapshotOffset < offset);
  }

  /** Deletes snapshots above `offset` (the log was truncated to end there). */
  async deleteSnapshotsAbove(offset: number): Promise<void> {
    await deleteSnapshots(this.fs, this.dir, (snapshotOffset) => snapshotOffset > offset);
    if (this.lastSnapshotOffset > offset) this.lastSnapshotOffset = -1;
  }
}

function isExpired(entry: ProducerStateEntry, nowMs: number, producerIdExpirationMs: number): boolean {
  return entry.currentTxnFirstOffset === null && nowMs - entry.lastTimestampMs >= producerIdExpirationMs;
}

function compareProducerIds(a: ProducerStateEntry, b: ProducerStateEntry): number {
  return a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0;
}

function assertOffsets(batch: AppendedBatch): void {
  assert.ok(
    Number.isSafeInteger(batch.firstOffset) &&
      batch.firstOffset >= 0 &&
      Number.isSafeInteger(batch.lastOffset),
    `invalid batch offsets ${batch.firstOffset}..${batch.lastOffset}`,
  );
  assert.ok(
    batch.lastOffset >= batch.firstOffset,
    `batch ends at ${batch.lastOffset} before ${batch.firstOffset}`,
  );
}
