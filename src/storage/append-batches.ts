/**
 * The leader's work on produced bytes before they reach a segment: check
 * every batch, give it its offsets and leader epoch, and stamp LogAppendTime
 * where the topic asks for it. Offsets and epoch lie outside the CRC and are
 * patched in place; LogAppendTime changes checksummed bytes, so the CRC is
 * recomputed for those batches only.
 */
import { DecodeError } from "../protocol/primitives.ts";
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CRC_OFFSET,
  computeBatchCrc,
  isControlBatch,
  isTransactionalBatch,
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
} from "../protocol/records/batch-header.ts";
import { forEachBatch } from "../protocol/records/batch-iterator.ts";
import {
  decodeEndTransactionMarkerBatch,
  type EndTransactionMarker,
} from "../protocol/records/control-record.ts";
import type { AppendBatch } from "./log-segment.ts";
import type { ProducerBatch } from "./producer-state-check.ts";
import { lastSequenceOf } from "./producer-state-entry.ts";
import { corruptRecord } from "./storage-error.ts";

/** A batch ready to append, with what the log and producer state need from its header. */
export interface PreparedBatch extends AppendBatch {
  lastOffsetDelta: number;
  recordCount: number;
  attributes: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
}

/** Checks that `records` is whole, valid batches (CRC included) and reads their headers. */
export function parseBatches(records: Buffer): PreparedBatch[] {
  const batches: PreparedBatch[] = [];
  let end: number;
  try {
    end = forEachBatch(
      records,
      (position, sizeBytes) => {
        const attributes = records.readInt16BE(position + ATTRIBUTES_OFFSET);
        const maxTimestamp = Number(records.readBigInt64BE(position + MAX_TIMESTAMP_OFFSET));
        batches.push({
          position,
          sizeBytes,
          baseOffset: 0,
          lastOffset: 0,
          lastOffsetDelta: records.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET),
          maxTimestampMs: maxTimestamp,
          recordCount: records.readInt32BE(position + RECORDS_COUNT_OFFSET),
          attributes,
          producerId: records.readBigInt64BE(position + PRODUCER_ID_OFFSET),
          producerEpoch: records.readInt16BE(position + PRODUCER_EPOCH_OFFSET),
          baseSequence: records.readInt32BE(position + BASE_SEQUENCE_OFFSET),
          isTransactional: isTransactionalBatch(attributes),
          isControl: isControlBatch(attributes),
        });
      },
      { verifyCrc: true },
    );
  } catch (error) {
    if (error instanceof DecodeError) throw corruptRecord(error.message, error);
    throw error;
  }
  if (end !== records.length) throw corruptRecord(`record batch at byte ${end} is incomplete`);
  if (batches.length === 0) throw corruptRecord("no record batches");
  return batches;
}

/**
 * Gives each batch consecutive offsets from `nextOffset` (each takes
 * lastOffsetDelta + 1) and the leader epoch, and stamps LogAppendTime when
 * `logAppendTimeMs` is set. Returns the offset after the last batch.
 */
export function assignOffsets(
  records: Buffer,
  batches: PreparedBatch[],
  nextOffset: number,
  leaderEpoch: number,
  logAppendTimeMs: number | null,
): number {
  let offset = nextOffset;
  for (const batch of batches) {
    batch.baseOffset = offset;
    batch.lastOffset = offset + batch.lastOffsetDelta;
    records.writeBigInt64BE(BigInt(offset), batch.position);
    records.writeInt32BE(leaderEpoch, batch.position + PARTITION_LEADER_EPOCH_OFFSET);
    if (logAppendTimeMs !== null && !batch.isControl) {
      batch.attributes |= TIMESTAMP_TYPE_MASK;
      batch.maxTimestampMs = logAppendTimeMs;
      records.writeInt16BE(batch.attributes, batch.position + ATTRIBUTES_OFFSET);
      records.writeBigInt64BE(BigInt(logAppendTimeMs), batch.position + MAX_TIMESTAMP_OFFSET);
      records.writeUInt32BE(
        computeBatchCrc(records, batch.position, batch.sizeBytes),
        batch.position + CRC_OFFSET,
      );
    }
    offset = batch.lastOffset + 1;
  }
  return offset;
}

/** For replicated bytes that keep their offsets: reads them and checks they follow `nextOffset`. */
export function takeOffsets(records: Buffer, batches: PreparedBatch[], nextOffset: number): number {
  let expected = nextOffset;
  for (const batch of batches) {
    const baseOffset = Number(records.readBigInt64BE(batch.position));
    if (!Number.isSafeInteger(baseOffset) || baseOffset < expected) {
      throw corruptRecord(`batch offset ${baseOffset} is below the log end ${expected}`);
    }
    batch.baseOffset = baseOffset;
    batch.lastOffset = baseOffset + batch.lastOffsetDelta;
    expected = batch.lastOffset + 1;
  }
  return expected;
}

/** What producer state needs of a batch; the marker is decoded only for control batches. */
export function producerBatchOfPrepared(records: Buffer, batch: PreparedBatch): ProducerBatch {
  let marker: EndTransactionMarker | undefined;
  if (batch.isControl) {
    try {
      marker = decodeEndTransactionMarkerBatch(
        records.subarray(batch.position, batch.position + batch.sizeBytes),
      );
    } catch (error) {
      if (error instanceof DecodeError) throw corruptRecord(error.message, error);
      throw error;
    }
  }
  return {
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    lastSequence: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    maxTimestampMs: batch.maxTimestampMs,
    marker,
  };
}
