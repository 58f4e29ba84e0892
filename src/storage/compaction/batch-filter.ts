/**
 * What compaction keeps of one record batch (Kafka's cleaner filter over
 * `MemoryRecords.filterTo`), as a pure function of the batch's bytes.
 *
 * A data record stays when
 * - its offset is past the offset map's range (the map never saw it), or
 * - it has a key, no later record of that key is in the map, and it has a
 *   value or is a tombstone whose batch's delete horizon has not passed.
 * Records without a key go, as Kafka's cleaner drops them.
 *
 * A batch comes out
 * - byte for byte when every record stays and no delete horizon is due;
 * - rewritten when some records go, or when surviving tombstones need a
 *   delete horizon (the first cleaning that sees them: now +
 *   `delete.retention.ms`, stored in baseTimestamp with attribute bit 6).
 *   The rewrite keeps baseOffset, lastOffsetDelta (so the last offset and
 *   the producer's last sequence survive), producer id, epoch, base
 *   sequence, leader epoch, flags and codec; every surviving record keeps
 *   its offset and timestamp; an existing horizon is kept;
 * - as an empty batch (header only, no compression) when no record stays
 *   but the caller needs the batch's offsets and producer fields kept;
 * - not at all otherwise.
 *
 * Control batches (transaction markers) always stay whole. So, for now, do
 * transactional data batches: without the transaction index the cleaner
 * cannot tell committed records from aborted ones, so it neither drops them
 * nor lets them hide older records (the offset map skips them).
 * TODO(transactions): drop aborted transactions' records, and markers whose
 * transaction has no records left once their delete horizon passes.
 */
import {
  isControlBatch,
  isTransactionalBatch,
  readAttributes,
  readRecordCount,
  TimestampType,
} from "../../protocol/records/batch-header.ts";
import { CompressionType } from "../../protocol/records/compression/index.ts";
import type { DecodedRecord } from "../../protocol/records/record.ts";
import {
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordBatch,
  type RecordBatchInput,
} from "../../protocol/records/record-batch.ts";

/** What the filter asks of the offset map. */
export interface OffsetLookup {
  readonly latestOffset: number;
  get(key: Buffer): number;
}

export interface FilterContext {
  map: OffsetLookup;
  nowMs: number;
  deleteRetentionMs: number;
}

export interface FilteredBatch {
  /** The batch to write (the input itself when unchanged), or null when it goes. */
  bytes: Buffer | null;
  recordsRead: number;
  recordsRetained: number;
}

/** Whether the cleaner must look inside the batch at all: only plain data batches are filtered. */
export function isFilterable(attributes: number): boolean {
  return !isControlBatch(attributes) && !isTransactionalBatch(attributes);
}

/**
 * Filters the single whole batch `batch`. `retainEmpty` keeps an empty
 * header when no record survives (see the cleaner for when).
 */
export function filterBatch(batch: Buffer, context: FilterContext, retainEmpty: boolean): FilteredBatch {
  const attributes = readAttributes(batch);
  if (!isFilterable(attributes)) {
    const count = readRecordCount(batch);
    return { bytes: batch, recordsRead: count, recordsRetained: count };
  }
  const decoded = decodeRecordBatch(batch);
  const retained = decoded.records.filter((record) => shouldRetainRecord(decoded, record, context));
  const result = { recordsRead: decoded.records.length, recordsRetained: retained.length };
  if (retained.length === 0) {
    return { ...result, bytes: retainEmpty ? emptyBatchOf(decoded) : null };
  }
  const containsTombstones = retained.some((record) => record.value === null);
  const needsHorizon = containsTombstones && !decoded.hasDeleteHorizon;
  if (retained.length === decoded.records.length && !needsHorizon) return { ...result, bytes: batch };
  const deleteHorizonMs = decoded.hasDeleteHorizon
    ? decoded.baseTimestamp
    : needsHorizon
      ? BigInt(context.nowMs + context.deleteRetentionMs)
      : undefined;
  return { ...result, bytes: encodeRecordBatch(rewriteInput(decoded, retained, deleteHorizonMs)) };
}

function shouldRetainRecord(batch: RecordBatch, record: DecodedRecord, context: FilterContext): boolean {
  const offset = Number(record.offset);
  if (offset > context.map.latestOffset) return true;
  if (record.key === null) return false;
  if (offset < context.map.get(record.key)) return false;
  if (record.value !== null) return true;
  // A tombstone stays until the horizon set when a cleaning first kept it.
  return !batch.hasDeleteHorizon || context.nowMs < Number(batch.baseTimestamp);
}

function headerInput(batch: RecordBatch): RecordBatchInput {
  return {
    records: [],
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: batch.compression,
    timestampType: batch.timestampType,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: batch.isTransactional,
    isControlBatch: batch.isControlBatch,
    lastOffsetDelta: batch.lastOffsetDelta,
  };
}

/**
 * As Kafka's builder does: baseTimestamp is the horizon or the first
 * surviving record's timestamp; maxTimestamp is recomputed from the
 * survivors, except for LogAppendTime, where it is the append time.
 */
function rewriteInput(
  batch: RecordBatch,
  retained: readonly DecodedRecord[],
  deleteHorizonMs: bigint | undefined,
): RecordBatchInput {
  return {
    ...headerInput(batch),
    maxTimestamp: batch.timestampType === TimestampType.logAppendTime ? batch.maxTimestamp : undefined,
    deleteHorizonMs,
    records: retained.map((record) => ({
      key: record.key,
      value: record.value,
      headers: record.headers,
      timestamp: record.timestamp,
      offsetDelta: record.offsetDelta,
    })),
  };
}

/** Kafka's empty header: no records, no compression, both timestamps the batch's max. */
function emptyBatchOf(batch: RecordBatch): Buffer {
  return encodeRecordBatch({
    ...headerInput(batch),
    compression: CompressionType.none,
    baseTimestamp: batch.maxTimestamp,
    maxTimestamp: batch.maxTimestamp,
  });
}
