/**
 * What a partition remembers about one idempotent or transactional producer
 * (Kafka's `ProducerStateEntry` and `BatchMetadata`), and the int32 sequence
 * arithmetic that checking its batches needs.
 *
 * Sequences number a producer's records per partition. They are int32 and
 * wrap from 2^31-1 back to 0, so "the next sequence" and "the first sequence
 * of a batch" are computed with wrap-around, never with plain `+`/`-`.
 *
 * An entry keeps the metadata of the producer's last
 * `RETAINED_BATCHES_PER_PRODUCER` data batches of its current epoch, oldest
 * first. Kafka's producer keeps at most 5 requests in flight per partition
 * when idempotence is on, so any retry it sends is one of those 5, and the
 * broker can answer it with the offsets the original append got.
 */
import assert from "node:assert/strict";
import { NO_PRODUCER_EPOCH, NO_SEQUENCE } from "../protocol/records/batch-header.ts";

export const RETAINED_BATCHES_PER_PRODUCER = 5;
export const MAX_SEQUENCE = 0x7fffffff;

/** `sequence + increment`, wrapping past 2^31-1 to 0 (Kafka's `DefaultRecordBatch.incrementSequence`). */
export function incrementSequence(sequence: number, increment: number): number {
  assert.ok(isInt32(sequence) && isSequenceDelta(increment), "sequence arithmetic outside int32");
  if (sequence > MAX_SEQUENCE - increment) return increment - (MAX_SEQUENCE - sequence) - 1;
  return sequence + increment;
}

/** `sequence - decrement`, wrapping below 0 to 2^31-1. */
export function decrementSequence(sequence: number, decrement: number): number {
  assert.ok(isInt32(sequence) && isSequenceDelta(decrement), "sequence arithmetic outside int32");
  if (sequence < decrement) return MAX_SEQUENCE - (decrement - sequence) + 1;
  return sequence - decrement;
}

/**
 * The sequence of a batch's last record: `baseSequence + lastOffsetDelta`
 * with wrap-around, or NO_SEQUENCE when the batch has none.
 */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence === NO_SEQUENCE) return NO_SEQUENCE;
  return incrementSequence(baseSequence, lastOffsetDelta);
}

/** Whether `next` directly follows `last` (0 follows 2^31-1). */
export function isNextSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === MAX_SEQUENCE);
}

// A batch's sequences come from the network, so any int32 must compute without crashing;
// only the delta (lastOffsetDelta, checked non-negative when the batch was read) is trusted.
function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -0x80000000 && value <= MAX_SEQUENCE;
}

function isSequenceDelta(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_SEQUENCE;
}

/**
 * One appended data batch, as Kafka records it: first offset and first
 * sequence are derived from the last ones and `offsetDelta`, because a
 * batch's sequences and offsets advance together.
 */
export interface BatchMetadata {
  readonly lastSequence: number;
  readonly lastOffset: number;
  /** lastOffset - firstOffset; also lastSequence - firstSequence, modulo wrap-around. */
  readonly offsetDelta: number;
  /** The batch's max timestamp as written to the log (the append time on LogAppendTime topics). */
  readonly timestampMs: number;
}

export function firstSequenceOf(batch: BatchMetadata): number {
  if (batch.lastSequence === NO_SEQUENCE) return NO_SEQUENCE;
  return decrementSequence(batch.lastSequence, batch.offsetDelta);
}

export function firstOffsetOf(batch: BatchMetadata): number {
  return batch.lastOffset - batch.offsetDelta;
}

/** A read-only view of one producer's state, for DescribeProducers and snapshots. */
export interface ProducerStateView {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** The coordinator epoch of the last transaction marker written for this producer; -1 before any. */
  readonly coordinatorEpoch: number;
  /** Timestamp of the producer's last batch or marker; producer expiration counts from it. */
  readonly lastTimestampMs: number;
  /** First offset of the producer's ongoing transaction, or null when none is open. */
  readonly currentTxnFirstOffset: number | null;
  /** The retained data batches of the current epoch, oldest first. */
  readonly batches: readonly BatchMetadata[];
}

export class ProducerStateEntry implements ProducerStateView {
  producerEpoch: number;
  coordinatorEpoch: number;
  lastTimestampMs: number;
  currentTxnFirstOffset: number | null;
  private readonly retained: BatchMetadata[];

  constructor(
    readonly producerId: bigint,
    state?: Omit<ProducerStateView, "producerId">,
  ) {
    this.producerEpoch = state?.producerEpoch ?? NO_PRODUCER_EPOCH;
    this.coordinatorEpoch = state?.coordinatorEpoch ?? -1;
    this.lastTimestampMs = state?.lastTimestampMs ?? -1;
    this.currentTxnFirstOffset = state?.currentTxnFirstOffset ?? null;
    this.retained = [...(state?.batches ?? [])];
    assert.ok(this.retained.length <= RETAINED_BATCHES_PER_PRODUCER, "too many retained batches");
  }

  get batches(): readonly BatchMetadata[] {
    return this.retained;
  }

  get isEmpty(): boolean {
    return this.retained.length === 0;
  }

  /** The last sequence written in the current epoch, or NO_SEQUENCE if no batch is retained. */
  get lastSequence(): number {
    return this.retained.at(-1)?.lastSequence ?? NO_SEQUENCE;
  }

  /** A new epoch starts a new sequence space: the retained batches no longer identify retries. */
  updateEpoch(producerEpoch: number): void {
    if (producerEpoch === this.producerEpoch) return;
    this.retained.length = 0;
    this.producerEpoch = producerEpoch;
  }

  addBatch(producerEpoch: number, batch: BatchMetadata): void {
    assert.ok(batch.offsetDelta >= 0 && Number.isSafeInteger(batch.lastOffset), "invalid batch metadata");
    this.updateEpoch(producerEpoch);
    if (this.retained.length === RETAINED_BATCHES_PER_PRODUCER) this.retained.shift();
    this.retained.push(batch);
    this.lastTimestampMs = batch.timestampMs;
  }

  /**
   * The retained batch with exactly this epoch and sequence range: a retry of
   * a batch already in the log. A range that only overlaps is not a retry.
   */
  findDuplicate(producerEpoch: number, baseSequence: number, lastSequence: number): BatchMetadata | null {
    // A batch without sequences (the coordinator's) can never be told apart from a retry.
    if (producerEpoch !== this.producerEpoch || baseSequence === NO_SEQUENCE) return null;
    for (const batch of this.retained) {
      if (batch.lastSequence === lastSequence && firstSequenceOf(batch) === baseSequence) return batch;
    }
    return null;
  }

  view(): ProducerStateView {
    return {
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      coordinatorEpoch: this.coordinatorEpoch,
      lastTimestampMs: this.lastTimestampMs,
      currentTxnFirstOffset: this.currentTxnFirstOffset,
      batches: [...this.retained],
    };
  }
}
