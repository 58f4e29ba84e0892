/**
 * Compaction throughput: a keyed log where every key is written many times
 * over (10k keys, 100-byte values, 100 records a batch, 100 MiB segments as
 * `__consumer_offsets` has), rolled so that all of it is cleanable and
 * fsynced as old segments are, then one `cleanOnce()` timed: building the
 * offset map over the dirty section, rewriting every segment and swapping
 * the rewritten ones in. The cleaner has Kafka's default settings and first
 * cleans a small log of the same shape, so its offset map is allocated and
 * its code warm before the timed pass.
 */
import assert from "node:assert/strict";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { systemClock } from "../../src/storage/clock.ts";
import { cleanerConfig } from "../../src/storage/compaction/cleaner-config.ts";
import { type CleanableLog, LogCleaner } from "../../src/storage/compaction/log-cleaner.ts";
import type { Log } from "../../src/storage/log.ts";
import { type LogConfig, logConfig } from "../../src/storage/log-config.ts";
import { nodeFileSystem } from "../../src/storage/node-file-system.ts";
import { keyedBatches, openLog } from "./storage-log.ts";

export const COMPACTION_KEYS = 10_000;
const RECORDS_PER_BATCH = 100;
const SEGMENT_BYTES = 100 * 1024 * 1024;
const WARMUP_BYTES = 8 * 1024 * 1024;

export interface CompactionFigures {
  logBytes: number;
  records: number;
  segments: number;
  cleanMs: number;
  megabytesPerSecond: number;
  recordsPerSecond: number;
  bytesAfter: number;
  recordsRetained: number;
}

/** Appends every key over and over until the log holds `targetBytes`, then rolls and fsyncs. */
async function keyedLog(
  dir: string,
  config: LogConfig,
  targetBytes: number,
): Promise<{ log: Log; records: number }> {
  await mkdir(dir, { recursive: true });
  const { log } = await openLog(dir, config);
  const pool = keyedBatches(COMPACTION_KEYS, RECORDS_PER_BATCH);
  let records = 0;
  for (let i = 0; log.sizeBytes() < targetBytes; i++) {
    await log.append(pool[i % pool.length], { leaderEpoch: 0, durability: "none" });
    records += RECORDS_PER_BATCH;
  }
  await log.roll();
  await log.flush();
  return { log, records };
}

export async function measureCompaction(root: string, targetBytes: number): Promise<CompactionFigures> {
  const logDir = join(root, "compaction");
  const config = logConfig({
    segmentBytes: SEGMENT_BYTES,
    cleanupPolicy: { compact: true, delete: false },
    fileDeleteDelayMs: 0,
  });
  const opened: Log[] = [];
  try {
    const warm = await keyedLog(join(logDir, "warmup-0"), config, WARMUP_BYTES);
    opened.push(warm.log);
    const big = await keyedLog(join(logDir, "compacted-0"), config, targetBytes);
    opened.push(big.log);
    let candidates: CleanableLog[] = [{ topic: "warmup", partition: 0, logDir, log: warm.log }];
    const cleaner = await LogCleaner.open({
      fs: nodeFileSystem,
      clock: systemClock,
      logDirs: [logDir],
      config: cleanerConfig(),
      logs: () => candidates,
    });
    assert.ok((await cleaner.cleanOnce()) !== null, "the warm-up log must be cleaned");

    candidates = [{ topic: "compacted", partition: 0, logDir, log: big.log }];
    const logBytes = big.log.sizeBytes();
    const segments = big.log.allSegments().length - 1; // the empty active segment is not cleaned
    const start = performance.now();
    const outcome = await cleaner.cleanOnce();
    const cleanMs = performance.now() - start;
    assert.ok(outcome !== null && outcome.topic === "compacted", "the keyed log must be cleaned");
    assert.equal(outcome.endOffset, big.log.logEndOffset, "one pass must clean the whole log");
    await cleaner.stop();
    return {
      logBytes,
      records: big.records,
      segments,
      cleanMs,
      megabytesPerSecond: logBytes / (cleanMs / 1000) / 1e6,
      recordsPerSecond: big.records / (cleanMs / 1000),
      bytesAfter: big.log.sizeBytes(),
      recordsRetained: outcome.stats.recordsRetained,
    };
  } finally {
    await Promise.allSettled(opened.map((log) => log.close()));
    await rm(logDir, { recursive: true, force: true });
  }
}
