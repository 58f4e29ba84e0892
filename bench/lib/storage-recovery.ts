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
 * Reads go through the whole log from offset 0 with `maxBytes` a read, cold
 * (pages dropped first) and warm. Every case runs several rounds, the cases
 * taking turns, and the median is reported with the range.
 */
import assert from "node:assert/strict";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Log } from "../../src/storage/log.ts";
import { type LogConfig, logConfig } from "../../src/storage/log-config.ts";
import { dropPageCache, median } from "./storage-disk.ts";
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

/** Rounds of each case; figures are the median round, with the range. */
export const RECOVERY_ROUNDS = 3;

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface RecoveryFigures {
  logBytes: number;
  segments: number;
  batches: number;
  warmMs: Spread;
  warmWithSnapshotMs: Spread;
  coldMs: Spread;
  warmReadMBps: Spread;
  coldReadMBps: Spread;
  /** Reads per second in the median warm round. */
  warmReadsPerSecond: number;
}

function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
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

/** Times one unclean reopen, checks that it scanned everything and lost nothing, and closes the log cleanly. */
async function timeRecovery(dir: string, config: LogConfig, expectedEnd: number): Promise<number> {
  const segments = (await segmentFiles(dir)).length;
  const start = performance.now();
  const report = await openLog(dir, config, UNCLEAN);
  const ms = performance.now() - start;
  await report.log.close(); // leaves a producer snapshot at the log end
  assert.equal(report.recoveredSegments, segments, "every segment must be recovered");
  assert.equal(report.truncatedBytes, 0, "a sound log must lose nothing in recovery");
  assert.equal(report.log.logEndOffset, expectedEnd, "recovery must find the whole log");
  return ms;
}

async function timeRead(log: Log, logBytes: number): Promise<{ megabytesPerSecond: number; reads: number }> {
  const start = performance.now();
  const read = await readWholeLog(log, READ_MAX_BYTES);
  const seconds = (performance.now() - start) / 1000;
  assert.equal(read.bytes, logBytes, "a whole read must return every byte");
  return { megabytesPerSecond: read.bytes / seconds / 1e6, reads: read.reads / seconds };
}

/** The three recovery cases, round after round (the first round also warms the code up). */
async function recoveryRounds(dir: string, config: LogConfig, expectedEnd: number): Promise<number[][]> {
  const [warm, withSnapshot, cold]: number[][] = [[], [], []];
  for (let round = 0; round < RECOVERY_ROUNDS; round++) {
    await deleteProducerSnapshots(dir);
    warm.push(await timeRecovery(dir, config, expectedEnd));
    withSnapshot.push(await timeRecovery(dir, config, expectedEnd));
    await deleteProducerSnapshots(dir);
    await dropLogPages(dir);
    cold.push(await timeRecovery(dir, config, expectedEnd));
  }
  return [warm, withSnapshot, cold];
}

/** Cold then warm reads of the whole log, round after round. */
async function readRounds(dir: string, config: LogConfig, logBytes: number) {
  const { log } = await openLog(dir, config);
  const warm: { megabytesPerSecond: number; reads: number }[] = [];
  const cold: number[] = [];
  try {
    for (let round = 0; round < RECOVERY_ROUNDS; round++) {
      await dropLogPages(dir);
      cold.push((await timeRead(log, logBytes)).megabytesPerSecond);
      warm.push(await timeRead(log, logBytes));
    }
  } finally {
    await log.close();
  }
  const warmMBps = spread(warm.map((w) => w.megabytesPerSecond));
  const medianRound = warm.find((w) => w.megabytesPerSecond === warmMBps.median) ?? warm[0];
  return { warmMBps, coldMBps: spread(cold), warmReadsPerSecond: medianRound.reads };
}

export async function measureRecovery(root: string, targetBytes: number): Promise<RecoveryFigures> {
  const dir = join(root, "recovery-0");
  await mkdir(dir, { recursive: true });
  const config = logConfig();
  try {
    const { batches, logEndOffset: expectedEnd } = await writeLog(dir, config, targetBytes);
    const logBytes = batches * RECOVERY_BATCH_BYTES;
    const segments = (await segmentFiles(dir)).length;
    const [warm, withSnapshot, cold] = await recoveryRounds(dir, config, expectedEnd);
    const reads = await readRounds(dir, config, logBytes);
    return {
      logBytes,
      segments,
      batches,
      warmMs: spread(warm),
      warmWithSnapshotMs: spread(withSnapshot),
      coldMs: spread(cold),
      warmReadMBps: reads.warmMBps,
      coldReadMBps: reads.coldMBps,
      warmReadsPerSecond: reads.warmReadsPerSecond,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
