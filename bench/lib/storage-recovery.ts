/**
 * Recovery and sequential reads of one large log.
 *
 * The log is written with durability "none" in 16 KiB batches (Kafka's
 * default producer batch.size), fsynced, and left without a clean close, as
 * a `kill -9` after the last flush leaves it: no producer-state snapshot
 * (none is taken before the first roll), no clean-shutdown marker. Each
 * recovery reopens it with hadCleanShutdown=false and recoveryPoint=0, so
 * every segment is scanned and CRC-checked, its indexes rebuilt, and the
 * producer state replayed from the log. Three cases:
 * - warm: the page cache still holds the log (a process crash);
 * - warm, snapshot at the end: the producer state comes from a snapshot, so
 *   only the segment scan remains (how much of recovery replay costs);
 * - cold: the log's pages dropped first (a machine restart).
 * Reads go through the whole log from offset 0 with `maxBytes` a read, warm
 * and cold.
 */
import assert from "node:assert/strict";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Log } from "../../src/storage/log.ts";
import { type LogConfig, logConfig } from "../../src/storage/log-config.ts";
import { dropPageCache } from "./storage-disk.ts";
import {
  abandonLog,
  batchOfSize,
  deleteProducerSnapshots,
  openLog,
  readWholeLog,
  segmentFiles,
} from "./storage-log.ts";

export const RECOVERY_BATCH_BYTES = 16 * 1024;
export const READ_MAX_BYTES = 1024 * 1024;

export interface ReadFigures {
  megabytesPerSecond: number;
  readsPerSecond: number;
}

export interface RecoveryFigures {
  logBytes: number;
  segments: number;
  batches: number;
  warmMs: number;
  warmWithSnapshotMs: number;
  coldMs: number;
  warmRead: ReadFigures;
  coldRead: ReadFigures;
}

const UNCLEAN = { hadCleanShutdown: false, recoveryPoint: 0 };

/** Writes about `targetBytes`, fsyncs, and leaves the log as a crash would; returns the batches and the log end. */
async function writeLog(
  dir: string,
  config: LogConfig,
  targetBytes: number,
): Promise<{ batches: number; logEndOffset: number }> {
  const { log } = await openLog(dir, config);
  const batch = batchOfSize(RECOVERY_BATCH_BYTES);
  const batches = Math.max(1, Math.floor(targetBytes / batch.length));
  for (let i = 0; i < batches; i++) await log.append(batch, { leaderEpoch: 0, durability: "none" });
  await log.flush();
  const logEndOffset = log.logEndOffset;
  await abandonLog(log);
  return { batches, logEndOffset };
}

async function dropLogPages(dir: string): Promise<void> {
  for (const path of await segmentFiles(dir)) await dropPageCache(path);
}

/** Times one unclean reopen and checks that it scanned everything and lost nothing. */
async function timeRecovery(
  dir: string,
  config: LogConfig,
  expectedEnd: number,
): Promise<{ log: Log; ms: number }> {
  const segments = (await segmentFiles(dir)).length;
  const start = performance.now();
  const report = await openLog(dir, config, UNCLEAN);
  const ms = performance.now() - start;
  assert.equal(report.recoveredSegments, segments, "every segment must be recovered");
  assert.equal(report.truncatedBytes, 0, "a sound log must lose nothing in recovery");
  assert.equal(report.log.logEndOffset, expectedEnd, "recovery must find the whole log");
  return { log: report.log, ms };
}

async function timeRead(log: Log, logBytes: number): Promise<ReadFigures> {
  const start = performance.now();
  const read = await readWholeLog(log, READ_MAX_BYTES);
  const seconds = (performance.now() - start) / 1000;
  assert.equal(read.bytes, logBytes, "a whole read must return every byte");
  return { megabytesPerSecond: read.bytes / seconds / 1e6, readsPerSecond: read.reads / seconds };
}

export async function measureRecovery(root: string, targetBytes: number): Promise<RecoveryFigures> {
  const dir = join(root, "recovery-0");
  await mkdir(dir, { recursive: true });
  const config = logConfig();
  try {
    const { batches, logEndOffset: expectedEnd } = await writeLog(dir, config, targetBytes);
    const logBytes = batches * RECOVERY_BATCH_BYTES;
    const segments = (await segmentFiles(dir)).length;

    const warm = await timeRecovery(dir, config, expectedEnd);
    const warmRead = await timeRead(warm.log, logBytes);
    await warm.log.close(); // a clean close leaves a producer snapshot at the log end

    const withSnapshot = await timeRecovery(dir, config, expectedEnd);
    await withSnapshot.log.close();

    await deleteProducerSnapshots(dir);
    await dropLogPages(dir);
    const cold = await timeRecovery(dir, config, expectedEnd);
    await cold.log.close();

    const { log } = await openLog(dir, config);
    await dropLogPages(dir);
    const coldRead = await timeRead(log, logBytes);
    await log.close();
    return {
      logBytes,
      segments,
      batches,
      warmMs: warm.ms,
      warmWithSnapshotMs: withSnapshot.ms,
      coldMs: cold.ms,
      warmRead,
      coldRead,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
