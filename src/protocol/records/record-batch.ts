/**
 * Full decode and encode of magic-v2 record batches (header layout in
 * batch-header.ts, record layout in record.ts).
 *
 * Representation choices:
 * - int64 fields (offsets, timestamps, producer id) are `bigint`, as in the
 *   rest of the protocol layer; record offsets are absolute.
 * - Timestamps are milliseconds as stored: a record's `timestamp` is
 *   baseTimestamp + timestampDelta. For LogAppendTime batches Kafka clients
 *   report the batch's maxTimestamp for every record; `recordTimestamp`
 *   gives that view.
 * - Keys, values and header values are views into the input (or into the
 *   decompressed records), never copies: keep the batch alive while they are
 *   in use, and copy them to outlive it.
 * - When compressed, everything after the record count is one compressed
 *   blob; its inflated size is bounded by `maxUncompressedBytes`.
 */

import assert from "node:assert/strict";
import { Reader, Writer } from "../primitives.ts";
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_BYTES,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  checkBatch,
  checkBatchShape,
  compressionCodecOf,
  computeBatchCrc,
  DELETE_HORIZON_FLAG_MASK,
  hasDeleteHorizon,
  isControlBatch,
  isTransactionalBatch,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD_BYTES,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  type RecordBatchHeader,
  readBatchHeader,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  TRANSACTIONAL_FLAG_MASK,
  timestampTypeOf,
} from "./batch-header.ts";
import { CompressionType, codecFor } from "./compression/index.ts";
import { type DecodedRecord, decodeRecords, type RecordInput, writeRecord } from "./record.ts";

/** Used when the caller gives no bound on a batch's inflated records. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;
/** The timestamp of a batch with no records, as Kafka writes it. */
export const NO_TIMESTAMP = -1n;
const INT32_MAX = 0x7fffffff;

export interface RecordBatch extends RecordBatchHeader {
  /** Total bytes of the batch, LOG_OVERHEAD_BYTES + batchLength. */
  sizeBytes: number;
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControlBatch: boolean;
  hasDeleteHorizon: boolean;
  records: DecodedRecord[];
}

export interface DecodeRecordBatchOptions {
  /** Where the batch starts in the buffer (default 0). */
  position?: number;
  /** Check the CRC first (default true). */
  verifyCrc?: boolean;
  /** Bound on the inflated size of compressed records (default DEFAULT_MAX_UNCOMPRESSED_BYTES). */
  maxUncompressedBytes?: number;
}

/** Decodes the whole batch at `options.position`, records included. Throws DecodeError on anything malformed. */
export function decodeRecordBatch(buffer: Buffer, options: DecodeRecordBatchOptions = {}): RecordBatch {
  const position = options.position ?? 0;
  const sizeBytes =
    options.verifyCrc === false ? checkBatchShape(buffer, position) : checkBatch(buffer, position);
  const header = readBatchHeader(buffer, position);
  const section = recordsSection(buffer, position, sizeBytes, options.maxUncompressedBytes);
  const records = decodeRecords(
    new Reader(section),
    header.recordCount,
    header.baseOffset,
    header.baseTimestamp,
  );
  const attributes = header.attributes;
  return {
    ...header,
    sizeBytes,
    compression: compressionCodecOf(attributes) as CompressionType,
    timestampType: timestampTypeOf(attributes),
    isTransactional: isTransactionalBatch(attributes),
    isControlBatch: isControlBatch(attributes),
    hasDeleteHorizon: hasDeleteHorizon(attributes),
    records,
  };
}

/**
 * The batch's records as uncompressed bytes: a view of the batch when it is
 * not compressed, else the inflated blob. The batch's shape must have been
 * checked (its size is passed in).
 */
export function recordsSection(
  buffer: Buffer,
  position: number,
  sizeBytes: number,
  maxUncompressedBytes = DEFAULT_MAX_UNCOMPRESSED_BYTES,
): Buffer {
  const stored = buffer.subarray(position + BATCH_HEADER_BYTES, position + sizeBytes);
  const codec = codecFor(compressionCodecOf(buffer.readInt16BE(position + ATTRIBUTES_OFFSET)));
  // The bound is on inflation: uncompressed records are already in memory. And
  // some encoders write nothing at all for an empty compressed batch.
  if (codec.name === "none" || stored.length === 0) return stored;
  return codec.decompress(stored, maxUncompressedBytes);
}

/** The timestamp Kafka clients report for a record: maxTimestamp for LogAppendTime batches. */
export function recordTimestamp(batch: RecordBatch, record: DecodedRecord): bigint {
  return batch.timestampType === TimestampType.logAppendTime ? batch.maxTimestamp : record.timestamp;
}

export interface RecordBatchInput {
  records: readonly RecordInput[];
  baseOffset?: bigint;
  /** Producers send -1 (the default); the leader stamps its epoch. */
  partitionLeaderEpoch?: number;
  compression?: CompressionType;
  timestampType?: TimestampType;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControlBatch?: boolean;
  /** Default: the first record's timestamp, as the Java client does (-1 with no records). */
  baseTimestamp?: bigint;
  /** Default: the largest record timestamp. For LogAppendTime, pass the append time. */
  maxTimestamp?: bigint;
  /** Default: the last record's offsetDelta. Compaction keeps the original, larger one. */
  lastOffsetDelta?: number;
  /** Sets attribute bit 6; the horizon is stored as baseTimestamp and record deltas are relative to it. */
  deleteHorizonMs?: bigint;
}

/** Encodes one batch, computing deltas, lastOffsetDelta, maxTimestamp, compression and CRC. */
export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  const records = input.records;
  const compression = input.compression ?? CompressionType.none;
  const baseTimestamp = input.deleteHorizonMs ?? input.baseTimestamp ?? records[0]?.timestamp ?? NO_TIMESTAMP;
  const uncompressed = encodeRecords(records, baseTimestamp);
  const section =
    compression === CompressionType.none ? uncompressed : codecFor(compression).compress(uncompressed);
  const lastOffsetDelta = input.lastOffsetDelta ?? lastOffsetDeltaOf(records);
  assert.ok(
    lastOffsetDelta >= lastOffsetDeltaOf(records),
    "lastOffsetDelta below the last record's offsetDelta",
  );
  const sizeBytes = BATCH_HEADER_BYTES + section.length;
  assert.ok(sizeBytes - LOG_OVERHEAD_BYTES <= INT32_MAX, "record batch too large for its int32 length");
  const batch = Buffer.allocUnsafe(sizeBytes);
  batch.writeBigInt64BE(input.baseOffset ?? 0n, BASE_OFFSET_OFFSET);
  batch.writeInt32BE(sizeBytes - LOG_OVERHEAD_BYTES, LENGTH_OFFSET);
  batch.writeInt32BE(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  batch.writeInt8(MAGIC_V2, MAGIC_OFFSET);
  batch.writeInt16BE(attributesOf(input, compression), ATTRIBUTES_OFFSET);
  batch.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  batch.writeBigInt64BE(baseTimestamp, BASE_TIMESTAMP_OFFSET);
  batch.writeBigInt64BE(input.maxTimestamp ?? maxTimestampOf(records), MAX_TIMESTAMP_OFFSET);
  batch.writeBigInt64BE(input.producerId ?? NO_PRODUCER_ID, PRODUCER_ID_OFFSET);
  batch.writeInt16BE(input.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(input.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(records.length, RECORDS_COUNT_OFFSET);
  section.copy(batch, BATCH_HEADER_BYTES);
  batch.writeUInt32BE(computeBatchCrc(batch, 0, sizeBytes), CRC_OFFSET);
  return batch;
}

/** The uncompressed records section: every record, deltas taken from `baseTimestamp` and the record order. */
export function encodeRecords(records: readonly RecordInput[], baseTimestamp: bigint): Buffer {
  const writer = new Writer();
  let previousOffsetDelta = -1;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const offsetDelta = record.offsetDelta ?? i;
    assert.ok(offsetDelta > previousOffsetDelta, "record offset deltas must increase through a batch");
    previousOffsetDelta = offsetDelta;
    writeRecord(writer, {
      offsetDelta,
      timestampDelta: record.timestamp - baseTimestamp,
      key: record.key,
      value: record.value,
      headers: record.headers ?? [],
      attributes: 0,
    });
  }
  return writer.toBuffer();
}

function attributesOf(input: RecordBatchInput, compression: CompressionType): number {
  let attributes = compression;
  if (input.timestampType === TimestampType.logAppendTime) attributes |= TIMESTAMP_TYPE_MASK;
  if (input.isTransactional === true) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (input.isControlBatch === true) attributes |= CONTROL_FLAG_MASK;
  if (input.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_FLAG_MASK;
  return attributes;
}

function lastOffsetDeltaOf(records: readonly RecordInput[]): number {
  if (records.length === 0) return 0;
  return records[records.length - 1].offsetDelta ?? records.length - 1;
}

/** Starts from -1 like Java's MemoryRecordsBuilder (Kafka refuses other negative timestamps anyway). */
function maxTimestampOf(records: readonly RecordInput[]): bigint {
  let max = NO_TIMESTAMP;
  for (const record of records) if (record.timestamp > max) max = record.timestamp;
  return max;
}

/** The input that re-encodes a decoded batch to the same header and records (used by compaction and tests). */
export function recordBatchInputOf(batch: RecordBatch): RecordBatchInput {
  return {
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: batch.compression,
    timestampType: batch.timestampType,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: batch.isTransactional,
    isControlBatch: batch.isControlBatch,
    baseTimestamp: batch.baseTimestamp,
    maxTimestamp: batch.maxTimestamp,
    lastOffsetDelta: batch.lastOffsetDelta,
    deleteHorizonMs: batch.hasDeleteHorizon ? batch.baseTimestamp : undefined,
    records: batch.records.map((record) => ({
      key: record.key,
      value: record.value,
      headers: record.headers,
      timestamp: record.timestamp,
      offsetDelta: record.offsetDelta,
    })),
  };
}
