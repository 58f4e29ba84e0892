/**
 * What the leader checks in produced records before they touch the log,
 * with the error Kafka answers for each:
 * - exactly one magic-v2 batch per partition (Produce v3+)   INVALID_RECORD
 * - no control batches from clients                          INVALID_RECORD
 * - transactional batches only with a transactional id       INVALID_RECORD
 * - each batch within `max.message.bytes`                    MESSAGE_TOO_LARGE
 * - the whole set within `segment.bytes`                     RECORD_LIST_TOO_LARGE
 * - on compacted topics, every record has a key              INVALID_RECORD
 * - CreateTime timestamps within the topic's allowed window  INVALID_TIMESTAMP
 * Bytes that are not whole batches with valid CRCs are refused by the log
 * itself (CORRUPT_MESSAGE). Records are decoded (and decompressed, bounded)
 * only when a rule needs them.
 */
import { ErrorCode } from "../protocol/errors.ts";
import { DecodeError } from "../protocol/primitives.ts";
import {
  ATTRIBUTES_OFFSET,
  isControlBatch,
  isTransactionalBatch,
  LENGTH_OFFSET,
  LOG_OVERHEAD_BYTES,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
} from "../protocol/records/batch-header.ts";
import { decodeRecordBatch } from "../protocol/records/record-batch.ts";
import type { LogConfig } from "../storage/log-config.ts";

export interface ProduceProblem {
  errorCode: number;
  message: string;
  /** Which records failed, for INVALID_RECORD answers (Produce v8+). */
  recordErrors?: { batchIndex: number; batchIndexErrorMessage: string }[];
}

export interface TimestampWindow {
  beforeMaxMs: number;
  afterMaxMs: number;
}

function problem(errorCode: number, message: string): ProduceProblem {
  return { errorCode, message };
}

export function validateProducedRecords(
  records: Buffer,
  config: LogConfig,
  transactionalId: string | null,
  window: TimestampWindow,
  nowMs: number,
): ProduceProblem | null {
  if (records.length < LOG_OVERHEAD_BYTES + 5)
    return problem(ErrorCode.CORRUPT_MESSAGE, "Records are too short to be a batch.");
  const batchSize = LOG_OVERHEAD_BYTES + records.readInt32BE(LENGTH_OFFSET);
  if (records.readInt8(MAGIC_OFFSET) !== MAGIC_V2) {
    return problem(
      ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
      "Produce requests must use record batch magic 2.",
    );
  }
  if (batchSize !== records.length) {
    return problem(
      ErrorCode.INVALID_RECORD,
      "Produce requests with version 3+ must contain exactly one record batch per partition.",
    );
  }
  if (batchSize > config.maxMessageBytes) {
    return problem(
      ErrorCode.MESSAGE_TOO_LARGE,
      `The batch of ${batchSize} bytes is larger than max.message.bytes ${config.maxMessageBytes}.`,
    );
  }
  if (batchSize > config.segmentBytes) {
    return problem(
      ErrorCode.RECORD_LIST_TOO_LARGE,
      `The batch of ${batchSize} bytes is larger than segment.bytes ${config.segmentBytes}.`,
    );
  }
  if (records.length < MAX_TIMESTAMP_OFFSET + 8) return null; // too short for a header: the log refuses it as corrupt
  const attributes = records.readInt16BE(ATTRIBUTES_OFFSET);
  if (isControlBatch(attributes))
    return problem(ErrorCode.INVALID_RECORD, "Clients must not produce control batches.");
  if (isTransactionalBatch(attributes) && transactionalId === null) {
    return problem(ErrorCode.INVALID_RECORD, "Transactional records need a transactional id on the request.");
  }
  const checkKeys = config.cleanupPolicy.compact;
  const checkTimes =
    config.timestampType === "CreateTime" &&
    (window.beforeMaxMs < Number.MAX_SAFE_INTEGER || window.afterMaxMs < Number.MAX_SAFE_INTEGER);
  if (!checkKeys && !checkTimes) return null;
  return validateRecordsInside(records, config, window, nowMs, checkKeys, checkTimes);
}

function validateRecordsInside(
  records: Buffer,
  config: LogConfig,
  window: TimestampWindow,
  nowMs: number,
  checkKeys: boolean,
  checkTimes: boolean,
): ProduceProblem | null {
  let batch: ReturnType<typeof decodeRecordBatch>;
  try {
    batch = decodeRecordBatch(records, {
      maxUncompressedBytes: Math.max(config.maxMessageBytes * 8, 1 << 20),
    });
  } catch (error) {
    if (error instanceof DecodeError) return problem(ErrorCode.CORRUPT_MESSAGE, error.message);
    throw error;
  }
  const recordErrors: { batchIndex: number; batchIndexErrorMessage: string }[] = [];
  let errorCode: number = ErrorCode.NONE;
  batch.records.forEach((record, index) => {
    if (checkKeys && record.key === null) {
      errorCode = ErrorCode.INVALID_RECORD;
      recordErrors.push({
        batchIndex: index,
        batchIndexErrorMessage: "Compacted topic cannot accept message without key.",
      });
    } else if (checkTimes) {
      const timestampMs = Number(record.timestamp);
      if (timestampMs < nowMs - window.beforeMaxMs || timestampMs > nowMs + window.afterMaxMs) {
        errorCode = ErrorCode.INVALID_TIMESTAMP;
        recordErrors.push({
          batchIndex: index,
          batchIndexErrorMessage: `Timestamp ${timestampMs} is out of range.`,
        });
      }
    }
  });
  if (recordErrors.length === 0) return null;
  return { errorCode, message: recordErrors[0].batchIndexErrorMessage, recordErrors };
}
