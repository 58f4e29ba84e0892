/**
 * The fixed 61-byte header of a magic-v2 record batch, read and patched in
 * place without decoding any record: the broker's hot path.
 *
 * Byte format (all integers big-endian, positions from the batch start):
 *
 *   pos size field
 *     0  8   baseOffset           int64   offset of the first record
 *     8  4   batchLength          int32   bytes after this field (total size - 12)
 *    12  4   partitionLeaderEpoch int32   set by the leader; -1 from producers
 *    16  1   magic                int8    always 2 here
 *    17  4   crc                  uint32  CRC32C over bytes 21..end
 *    21  2   attributes           int16   bits 0-2 compression codec
 *                                         (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)
 *                                         bit 3 timestamp type (1 = LogAppendTime)
 *                                         bit 4 transactional
 *                                         bit 5 control batch
 *                                         bit 6 baseTimestamp is a delete horizon
 *    23  4   lastOffsetDelta      int32   last offset - baseOffset
 *    27  8   baseTimestamp        int64
 *    35  8   maxTimestamp         int64
 *    43  8   producerId           int64   -1 when not idempotent
 *    51  2   producerEpoch        int16
 *    53  4   baseSequence         int32   -1 when not idempotent
 *    57  4   recordCount          int32
 *    61  ... records: recordCount records, or, when compressed, all of them
 *            as one compressed blob (see record-batch.ts for a record's layout)
 *
 * baseOffset, batchLength and partitionLeaderEpoch lie before the CRC'd
 * range, so the leader can assign offsets and stamp its epoch without
 * recomputing the checksum. Everything here works on a position inside a
 * larger buffer (a request's `records` field, a segment read) and allocates
 * nothing per record.
 */

import assert from "node:assert/strict";
import { DecodeError } from "../primitives.ts";
import { crc32c } from "./crc32c.ts";

// Header positions, named as in Kafka's DefaultRecordBatch.
export const BASE_OFFSET_OFFSET = 0;
export const LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD_BYTES = 12;
/** A batch with no records is exactly its header. */
export const BATCH_HEADER_BYTES = RECORDS_OFFSET;
/** The smallest legal batchLength. */
export const MIN_BATCH_LENGTH_BYTES = BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES;
export const MAGIC_V2 = 2;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

/** Values of attribute bit 3. */
export const TimestampType = { createTime: 0, logAppendTime: 1 } as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

/** Producer fields of a batch from a producer that is neither idempotent nor transactional. */
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export interface RecordBatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/**
 * The total size of the batch at `position` if all of it is in `buffer`,
 * or 0 if `buffer` ends before it does (a partial batch). A length that no
 * batch can have is corruption, not truncation, and throws.
 */
export function wholeBatchSize(buffer: Buffer, position: number): number {
  assert.ok(position >= 0 && position <= buffer.length, "batch position outside buffer");
  const available = buffer.length - position;
  if (available < LOG_OVERHEAD_BYTES) return 0;
  const batchLength = buffer.readInt32BE(position + LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH_BYTES) {
    throw new DecodeError(
      `record batch at byte ${position} has length ${batchLength}, below the minimum ${MIN_BATCH_LENGTH_BYTES}`,
    );
  }
  const size = LOG_OVERHEAD_BYTES + batchLength;
  return size <= available ? size : 0;
}

/**
 * Checks the batch at `position` is whole, magic v2, and has sane counts,
 * and returns its total size. Does not check the CRC (see `checkBatch`).
 */
export function checkBatchShape(buffer: Buffer, position: number): number {
  const size = wholeBatchSize(buffer, position);
  if (size === 0) {
    throw new DecodeError(`record batch at byte ${position} runs past the end of its ${buffer.length} bytes`);
  }
  const magic = buffer.readInt8(position + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) {
    throw new DecodeError(`record batch at byte ${position} has magic ${magic}; only magic 2 is supported`);
  }
  const recordCount = buffer.readInt32BE(position + RECORDS_COUNT_OFFSET);
  if (recordCount < 0) {
    throw new DecodeError(`record batch at byte ${position} has negative record count ${recordCount}`);
  }
  const lastOffsetDelta = buffer.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET);
  if (lastOffsetDelta < 0) {
    throw new DecodeError(`record batch at byte ${position} has negative lastOffsetDelta ${lastOffsetDelta}`);
  }
  return size;
}

/** The CRC32C of the batch's checksummed range (attributes to end), as stored bytes are now. */
export function computeBatchCrc(buffer: Buffer, position: number, size: number): number {
  assert.ok(size >= BATCH_HEADER_BYTES && position + size <= buffer.length, "batch bounds outside buffer");
  return crc32c(buffer.subarray(position + ATTRIBUTES_OFFSET, position + size));
}

/** Whether the stored CRC matches the batch's bytes. The batch must be whole (see `wholeBatchSize`). */
export function verifyCrc(buffer: Buffer, position = 0): boolean {
  const size = LOG_OVERHEAD_BYTES + buffer.readInt32BE(position + LENGTH_OFFSET);
  return computeBatchCrc(buffer, position, size) === buffer.readUInt32BE(position + CRC_OFFSET);
}

/**
 * Full validation of one batch without decoding records: whole, magic 2,
 * sane counts, matching CRC. Returns the batch's total size. This is what the
 * broker runs on every produced batch before appending it.
 */
export function checkBatch(buffer: Buffer, position = 0): number {
  const size = checkBatchShape(buffer, position);
  const stored = buffer.readUInt32BE(position + CRC_OFFSET);
  const computed = computeBatchCrc(buffer, position, size);
  if (stored !== computed) {
    throw new DecodeError(
      `record batch at byte ${position} is corrupt: stored CRC ${hex32(stored)}, computed ${hex32(computed)}`,
    );
  }
  return size;
}

/** Reads every header field of a whole, magic-2 batch (shape checked, CRC not). */
export function readBatchHeader(buffer: Buffer, position = 0): RecordBatchHeader {
  checkBatchShape(buffer, position);
  return {
    baseOffset: buffer.readBigInt64BE(position + BASE_OFFSET_OFFSET),
    batchLength: buffer.readInt32BE(position + LENGTH_OFFSET),
    partitionLeaderEpoch: buffer.readInt32BE(position + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buffer.readInt8(position + MAGIC_OFFSET),
    crc: buffer.readUInt32BE(position + CRC_OFFSET),
    attributes: buffer.readInt16BE(position + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buffer.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: buffer.readBigInt64BE(position + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: buffer.readBigInt64BE(position + MAX_TIMESTAMP_OFFSET),
    producerId: buffer.readBigInt64BE(position + PRODUCER_ID_OFFSET),
    producerEpoch: buffer.readInt16BE(position + PRODUCER_EPOCH_OFFSET),
    baseSequence: buffer.readInt32BE(position + BASE_SEQUENCE_OFFSET),
    recordCount: buffer.readInt32BE(position + RECORDS_COUNT_OFFSET),
  };
}

// Single-field reads for hot paths that need one value and no header object.

export function readBaseOffset(buffer: Buffer, position = 0): bigint {
  return buffer.readBigInt64BE(position + BASE_OFFSET_OFFSET);
}

/** The offset of the batch's last record (which compaction may have removed). */
export function readLastOffset(buffer: Buffer, position = 0): bigint {
  return readBaseOffset(buffer, position) + BigInt(buffer.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET));
}

export function readAttributes(buffer: Buffer, position = 0): number {
  return buffer.readInt16BE(position + ATTRIBUTES_OFFSET);
}

export function readRecordCount(buffer: Buffer, position = 0): number {
  return buffer.readInt32BE(position + RECORDS_COUNT_OFFSET);
}

export function readMaxTimestamp(buffer: Buffer, position = 0): bigint {
  return buffer.readBigInt64BE(position + MAX_TIMESTAMP_OFFSET);
}

/** Sets baseOffset in place. It lies outside the CRC, so the batch stays valid. */
export function setBaseOffset(buffer: Buffer, position: number, baseOffset: bigint): void {
  assert.ok(position + BATCH_HEADER_BYTES <= buffer.length, "batch header outside buffer");
  assert.ok(baseOffset >= 0n, "base offsets are never negative");
  buffer.writeBigInt64BE(baseOffset, position + BASE_OFFSET_OFFSET);
}

/** Sets partitionLeaderEpoch in place. It lies outside the CRC, so the batch stays valid. */
export function setPartitionLeaderEpoch(buffer: Buffer, position: number, epoch: number): void {
  assert.ok(position + BATCH_HEADER_BYTES <= buffer.length, "batch header outside buffer");
  buffer.writeInt32BE(epoch, position + PARTITION_LEADER_EPOCH_OFFSET);
}

export function compressionCodecOf(attributes: number): number {
  return attributes & COMPRESSION_CODEC_MASK;
}

export function timestampTypeOf(attributes: number): TimestampType {
  return (attributes & TIMESTAMP_TYPE_MASK) === 0 ? TimestampType.createTime : TimestampType.logAppendTime;
}

export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0;
}

export function hasDeleteHorizon(attributes: number): boolean {
  return (attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
}

export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, "0")}`;
}
