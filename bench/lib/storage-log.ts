/**
 * Logs and batches for the storage benchmark: batches of an exact size
 * (100-byte random values, as Kafka's ProducerPerformance sends), keyed
 * batches for compaction, opening a log on the real file system, leaving it
 * as a crash would, and reading it back whole as a consumer does.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { BASE_OFFSET_OFFSET, LAST_OFFSET_DELTA_OFFSET } from "../../src/protocol/records/batch-header.ts";
import { forEachBatch } from "../../src/protocol/records/batch-iterator.ts";
import type { RecordInput } from "../../src/protocol/records/record.ts";
import { encodeRecordBatch } from "../../src/protocol/records/record-batch.ts";
import { systemClock } from "../../src/storage/clock.ts";
import type { Log } from "../../src/storage/log.ts";
import type { LogConfig } from "../../src/storage/log-config.ts";
import { type LoadReport, loadLog } from "../../src/storage/log-loader.ts";
import { nodeFileSystem } from "../../src/storage/node-file-system.ts";
import { LOG_SUFFIX, SNAPSHOT_SUFFIX } from "../../src/storage/segment-files.ts";

export const VALUE_BYTES = 100;
/** Header, length and varints of a record with a null key and a 100-byte value, roughly. */
const RECORD_OVERHEAD_BYTES = 10;
const BATCH_HEADER_BYTES = 61;

function unkeyed(values: readonly Buffer[], timestamp: bigint): RecordInput[] {
  return values.map((value) => ({ key: null, value, timestamp }));
}

/**
 * An unkeyed batch of exactly `targetBytes`: 100-byte records, the last one
 * stretched to fill the size. Values are random; offsets are assigned on append.
 */
export function batchOfSize(targetBytes: number): Buffer {
  const count = Math.max(
    1,
    Math.floor((targetBytes - BATCH_HEADER_BYTES) / (VALUE_BYTES + RECORD_OVERHEAD_BYTES)),
  );
  const timestamp = BigInt(Date.now());
  let lastValueBytes = VALUE_BYTES;
  for (let attempt = 0; attempt < 8; attempt++) {
    const values = Array.from({ length: count }, (_, i) =>
      randomBytes(i === count - 1 ? lastValueBytes : VALUE_BYTES),
    );
    const batch = encodeRecordBatch({ records: unkeyed(values, timestamp) });
    if (batch.length === targetBytes) return batch;
    // A varint may change width as the value grows: step towards the target and look again.
    lastValueBytes = Math.max(0, lastValueBytes + targetBytes - batch.length);
  }
  throw new Error(`no batch of exactly ${targetBytes} bytes`);
}

/** Batches of `recordsPerBatch` records that together write every key once, key-000000 upward. */
export function keyedBatches(keys: number, recordsPerBatch: number): Buffer[] {
  assert.ok(keys % recordsPerBatch === 0, "keys must fill whole batches");
  const timestamp = BigInt(Date.now());
  const batches: Buffer[] = [];
  for (let first = 0; first < keys; first += recordsPerBatch) {
    const records = Array.from({ length: recordsPerBatch }, (_, i) => ({
      key: Buffer.from(`key-${String(first + i).padStart(6, "0")}`),
      value: randomBytes(VALUE_BYTES),
      timestamp,
    }));
    batches.push(encodeRecordBatch({ records }));
  }
  return batches;
}

export interface Reopen {
  hadCleanShutdown: boolean;
  recoveryPoint: number;
}

const FRESH: Reopen = { hadCleanShutdown: true, recoveryPoint: 0 };

export function openLog(dir: string, config: LogConfig, reopen: Reopen = FRESH): Promise<LoadReport> {
  return loadLog({ fs: nodeFileSystem, clock: systemClock, dir, config, logStartOffset: 0, ...reopen });
}

/**
 * Releases the log's file handles without any of a clean close: no flush,
 * no index or producer-state writes. What is on disk afterwards is what a
 * `kill -9` at this moment leaves (with the page cache intact).
 */
export async function abandonLog(log: Log): Promise<void> {
  for (const segment of log.allSegments()) await segment.closeHandle();
}

/** Removes producer-state snapshots, as if none had been taken since the log began. */
export async function deleteProducerSnapshots(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.endsWith(SNAPSHOT_SUFFIX)) await unlink(join(dir, name));
  }
}

export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith(LOG_SUFFIX)).map((name) => join(dir, name));
}

export interface WholeRead {
  bytes: number;
  reads: number;
}

/** Reads from the log start to the end, `maxBytes` a read, going on from each read's last whole batch. */
export async function readWholeLog(log: Log, maxBytes: number): Promise<WholeRead> {
  let offset = log.logStartOffset;
  let bytes = 0;
  let reads = 0;
  while (offset < log.logEndOffset) {
    const records = await log.read(offset, { maxBytes, minOneBatch: true });
    reads++;
    let next = offset;
    forEachBatch(records, (position, sizeBytes) => {
      const baseOffset = Number(records.readBigInt64BE(position + BASE_OFFSET_OFFSET));
      next = baseOffset + records.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET) + 1;
      bytes += sizeBytes;
    });
    assert.ok(next > offset, `a read at offset ${offset} returned no whole batch`);
    offset = next;
  }
  return { bytes, reads };
}
