/** Helpers for compaction tests: keyed batches, whole-log reads, and a cleaner over one test log. */

import { batchesIn } from "../../../../src/protocol/records/batch-iterator.ts";
import type { CompressionType } from "../../../../src/protocol/records/compression/index.ts";
import {
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordBatch,
} from "../../../../src/protocol/records/record-batch.ts";
import { type CleanerConfig, cleanerConfig } from "../../../../src/storage/compaction/cleaner-config.ts";
import { LogCleaner, type LogCleanerOptions } from "../../../../src/storage/compaction/log-cleaner.ts";
import type { Log } from "../../../../src/storage/log.ts";
import { type LogConfig, logConfig } from "../../../../src/storage/log-config.ts";
import type { ReadRecord } from "../support/batches.ts";
import { openTestLog, type TestLog } from "../support/open-log.ts";

export const LOG_DIR = "/data";
export const TOPIC = "topic";

/** [key, value, timestampMs?]; null key or value as Kafka allows. */
export type KeyedRecord = readonly [string | null, string | null, number?];

export interface BatchOptions {
  compression?: CompressionType;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  timestampMs?: number;
}

export function keyedBatch(records: readonly KeyedRecord[], options: BatchOptions = {}): Buffer {
  const baseMs = options.timestampMs ?? 1_000;
  return encodeRecordBatch({
    records: records.map(([key, value, timestampMs], i) => ({
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      timestamp: BigInt(timestampMs ?? baseMs + i),
    })),
    compression: options.compression,
    producerId: options.producerId,
    producerEpoch: options.producerId === undefined ? undefined : (options.producerEpoch ?? 0),
    baseSequence: options.baseSequence,
    isTransactional: options.isTransactional,
  });
}

/** A compacted log: small segments, tombstones kept a day, everything cleanable at once. */
export function compactConfig(overrides: Partial<LogConfig> = {}): Partial<LogConfig> {
  return {
    cleanupPolicy: { compact: true, delete: false },
    minCleanableDirtyRatio: 0.01,
    fileDeleteDelayMs: 0,
    ...overrides,
  };
}

export function openCompactedLog(overrides: Partial<LogConfig> = {}): Promise<TestLog> {
  return openTestLog(logConfig(compactConfig(overrides)));
}

const EVERYTHING = { maxBytes: 1 << 30, minOneBatch: true };

/** Every stored batch, decoded, in log order (a read stops at a segment's end, so this reads on). */
export async function storedBatches(log: Log): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const bytes = await log.read(offset, EVERYTHING);
    if (bytes.length === 0) break;
    for (const span of batchesIn(bytes)) {
      const batch = decodeRecordBatch(bytes.subarray(span.position, span.position + span.sizeBytes));
      batches.push(batch);
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
    }
  }
  return batches;
}

export async function readAll(log: Log): Promise<ReadRecord[]> {
  return (await storedBatches(log)).flatMap((batch) =>
    batch.records.map((record) => ({
      offset: Number(record.offset),
      key: record.key?.toString() ?? null,
      value: record.value?.toString() ?? null,
      timestampMs: Number(record.timestamp),
    })),
  );
}

/** The latest value of every key, in log order: what a consumer building a table would end with. */
export function latestByKey(records: readonly ReadRecord[]): Map<string, string | null> {
  const latest = new Map<string, string | null>();
  for (const record of records) if (record.key !== null) latest.set(record.key, record.value);
  return latest;
}

export function cleanerOver(
  test: TestLog,
  overrides: Partial<CleanerConfig> = {},
  options: Partial<LogCleanerOptions> = {},
): Promise<LogCleaner> {
  return LogCleaner.open({
    fs: test.fs,
    clock: test.clock,
    logDirs: [LOG_DIR],
    config: cleanerConfig({ dedupeBufferBytes: 24 * 4096, ioBufferBytes: 4096, ...overrides }),
    logs: () => [{ topic: TOPIC, partition: 0, logDir: LOG_DIR, log: test.log }],
    yieldToLoop: () => Promise.resolve(),
    ...options,
  });
}

/** Appends each batch and rolls after every `perSegment` of them. */
export async function appendInSegments(
  log: Log,
  batches: readonly Buffer[],
  perSegment: number,
): Promise<void> {
  for (let i = 0; i < batches.length; i++) {
    await log.append(batches[i], { leaderEpoch: 0 });
    if ((i + 1) % perSegment === 0) await log.roll();
  }
}
