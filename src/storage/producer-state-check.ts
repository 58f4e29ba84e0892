/**
 * The leader's check of one produced batch against its producer's state,
 * before the batch is appended (Kafka's `ProducerAppendInfo` validation and
 * `UnifiedLog.analyzeAndValidateProducerState`). Pure: it reads the entry
 * and changes nothing, so a rejected batch leaves no trace.
 *
 * The order of the checks is Kafka's, and it matters:
 * 1. A client's data batch whose epoch and exact sequence range match one of
 *    the producer's retained batches is a retry of a batch already in the
 *    log: answered with the original offsets, before any other check, so a
 *    retry succeeds even if the producer has written more since.
 * 2. An epoch older than the producer's is a zombie: INVALID_PRODUCER_EPOCH
 *    (Kafka answers PRODUCER_FENCED only from the transaction coordinator,
 *    and since 2.7 answers produce requests with INVALID_PRODUCER_EPOCH so
 *    the client can abort and retry rather than die).
 * 3. Sequences (client batches only):
 *    - a new epoch must start at sequence 0;
 *    - in the same epoch the batch must start right after the last
 *      retained sequence (0 follows 2^31-1), else OUT_OF_ORDER_SEQUENCE_NUMBER.
 *      A retry older than the retained batches lands here too, as in Kafka.
 *    - a producer the partition has no state for (new, expired, or whose
 *      batches retention deleted) may start at any sequence. Kafka stopped
 *      answering UNKNOWN_PRODUCER_ID for this in 2.5 (KIP-360): the client
 *      cannot tell the cases apart, and accepting keeps it working.
 * 4. A non-transactional batch while the producer has a transaction open is
 *    INVALID_TXN_STATE.
 * Transaction markers (written by the leader for WriteTxnMarkers) are checked
 * for the producer epoch and for a coordinator epoch older than the last
 * marker's (TRANSACTION_COORDINATOR_FENCED), never for sequences.
 *
 * Not done here: KIP-890 transaction verification (the leader asking the
 * coordinator whether a transactional batch's transaction is open).
 */
import { ErrorCode } from "../protocol/errors.ts";
import {
  isControlBatch,
  isTransactionalBatch,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  type RecordBatchHeader,
} from "../protocol/records/batch-header.ts";
import type { EndTransactionMarker } from "../protocol/records/control-record.ts";
import {
  firstOffsetOf,
  isNextSequence,
  lastSequenceOf,
  type ProducerStateEntry,
} from "./producer-state-entry.ts";

/** The producer fields of a record batch, as read from its header. */
export interface ProducerBatch {
  /** NO_PRODUCER_ID (-1n) for a producer that is neither idempotent nor transactional. */
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** `lastSequenceOf(baseSequence, lastOffsetDelta)`: wraps past 2^31-1. */
  lastSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  /** As the batch is written to the log: the append time on LogAppendTime topics. */
  maxTimestampMs: number;
  /** The commit or abort marker of a control batch; absent for a control batch compaction emptied. */
  marker?: EndTransactionMarker;
}

/** A batch as written to the log, with the offsets the leader assigned. */
export interface AppendedBatch extends ProducerBatch {
  firstOffset: number;
  lastOffset: number;
}

/** The producer fields of a batch header; a control batch's `marker` comes from its one record. */
export function producerBatchOf(header: RecordBatchHeader, marker?: EndTransactionMarker): ProducerBatch {
  return {
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    lastSequence: lastSequenceOf(header.baseSequence, header.lastOffsetDelta),
    isTransactional: isTransactionalBatch(header.attributes),
    isControl: isControlBatch(header.attributes),
    maxTimestampMs: Number(header.maxTimestamp),
    marker,
  };
}

/** As `producerBatchOf`, for a batch whose header already carries its assigned base offset. */
export function appendedBatchOf(header: RecordBatchHeader, marker?: EndTransactionMarker): AppendedBatch {
  const firstOffset = Number(header.baseOffset);
  return {
    ...producerBatchOf(header, marker),
    firstOffset,
    lastOffset: firstOffset + header.lastOffsetDelta,
  };
}

/** Who asks to append: a producing client, or a coordinator (markers, transactional offset commits). */
export type AppendOrigin = "client" | "coordinator";

export interface CheckOptions {
  origin?: AppendOrigin;
  /**
   * For markers: the transaction version the coordinator wrote them with.
   * From version 2 on, the coordinator bumps the epoch before each marker, so
   * a marker must carry a newer epoch than the producer's.
   */
  transactionVersion?: number;
}

export type ProduceCheck =
  | { kind: "append" }
  | {
      kind: "duplicate";
      firstOffset: number;
      lastOffset: number;
      /** The original batch's recorded timestamp; Kafka answers it as the response's log_append_time. */
      logAppendTimeMs: number;
    }
  | { kind: "error"; errorCode: number; message: string };

const APPEND: ProduceCheck = Object.freeze({ kind: "append" });

function error(errorCode: number, message: string): ProduceCheck {
  return { kind: "error", errorCode, message };
}

/** `entry` is the producer's current state, or undefined when the partition has none. */
export function checkBatch(
  entry: ProducerStateEntry | undefined,
  batch: ProducerBatch,
  options: CheckOptions = {},
): ProduceCheck {
  if (batch.producerId === NO_PRODUCER_ID) return APPEND;
  const origin = options.origin ?? "client";
  if (batch.isControl) return checkMarker(entry, batch, options.transactionVersion ?? 0);

  if (origin === "client" && entry !== undefined) {
    const duplicate = entry.findDuplicate(batch.producerEpoch, batch.baseSequence, batch.lastSequence);
    if (duplicate !== null) {
      return {
        kind: "duplicate",
        firstOffset: firstOffsetOf(duplicate),
        lastOffset: duplicate.lastOffset,
        logAppendTimeMs: duplicate.timestampMs,
      };
    }
  }
  const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
  if (batch.producerEpoch < currentEpoch) {
    return error(
      ErrorCode.INVALID_PRODUCER_EPOCH,
      `producer ${batch.producerId} has epoch ${batch.producerEpoch}, older than its current epoch ${currentEpoch}`,
    );
  }
  if (origin === "client") {
    const sequenceError = checkSequence(entry, batch);
    if (sequenceError !== null) return sequenceError;
  }
  if (entry?.currentTxnFirstOffset != null && !batch.isTransactional) {
    return error(
      ErrorCode.INVALID_TXN_STATE,
      `producer ${batch.producerId} sent a non-transactional batch while its transaction from offset ` +
        `${entry.currentTxnFirstOffset} is open`,
    );
  }
  return APPEND;
}

function checkSequence(entry: ProducerStateEntry | undefined, batch: ProducerBatch): ProduceCheck | null {
  const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
  // No state, or state without an epoch (every batch deleted by retention): any sequence starts the producer.
  if (entry === undefined || currentEpoch === NO_PRODUCER_EPOCH) return null;
  if (batch.producerEpoch !== currentEpoch) {
    if (batch.baseSequence === 0) return null;
    return error(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `producer ${batch.producerId} started epoch ${batch.producerEpoch} at sequence ${batch.baseSequence}, not 0`,
    );
  }
  const lastSequence = entry.lastSequence;
  if (isNextSequence(lastSequence, batch.baseSequence)) return null;
  return error(
    ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    `producer ${batch.producerId} sent sequence ${batch.baseSequence} after ${lastSequence}` +
      (lastSequence === NO_SEQUENCE ? " (none yet in this epoch)" : ""),
  );
}

function checkMarker(
  entry: ProducerStateEntry | undefined,
  batch: ProducerBatch,
  transactionVersion: number,
): ProduceCheck {
  // A control batch with no record: the whole transaction was compacted away, nothing to check.
  if (batch.marker === undefined || entry === undefined) return APPEND;
  const currentEpoch = entry.producerEpoch;
  const strict = transactionVersion >= 2;
  const stale = strict ? batch.producerEpoch <= currentEpoch : batch.producerEpoch < currentEpoch;
  // A version-2 marker retried after it was written carries the epoch it already bumped to,
  // and finds no transaction open: Kafka lets it be written again (KAFKA-19999).
  const retriedMarker =
    strict && batch.producerEpoch === currentEpoch && entry.currentTxnFirstOffset === null;
  if (stale && !retriedMarker) {
    return error(
      ErrorCode.INVALID_PRODUCER_EPOCH,
      `marker for producer ${batch.producerId} has epoch ${batch.producerEpoch}, ` +
        `${strict ? "not newer than" : "older than"} its current epoch ${currentEpoch}`,
    );
  }
  if (entry.coordinatorEpoch > batch.marker.coordinatorEpoch) {
    return error(
      ErrorCode.TRANSACTION_COORDINATOR_FENCED,
      `marker for producer ${batch.producerId} comes from coordinator epoch ${batch.marker.coordinatorEpoch}, ` +
        `older than ${entry.coordinatorEpoch}`,
    );
  }
  return APPEND;
}
