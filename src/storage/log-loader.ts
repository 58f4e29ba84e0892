/**
 * Opening a partition's log from its directory, and recovering it after an
 * unclean stop.
 *
 * 1. Leftovers of interrupted work go first: `.tmp` and `.cleaned` files are
 *    removed; `.deleted` files are removed; `.swap` files (a compaction that
 *    got as far as its swap) replace the segments they cover (completeSwaps).
 * 2. Segments are opened in offset order. After a clean shutdown their
 *    indexes are loaded (and still rebuilt if a check fails). After an unclean
 *    one, every segment holding offsets at or past the recovery point is
 *    scanned batch by batch (length, magic, CRC, increasing offsets), its
 *    indexes rebuilt, and the log cut at the first invalid byte; any segment
 *    after a cut is deleted, since its offsets no longer follow.
 * 3. Recovered data is fsynced before the recovery point moves to the end.
 */
import { DecodeError } from "../protocol/primitives.ts";
import type { Clock } from "./clock.ts";
import { mkdirDurably } from "./durable-file.ts";
import type { FileSystem } from "./file-system.ts";
import { LeaderEpochCache } from "./leader-epoch-cache.ts";
import { Log } from "./log.ts";
import type { LogConfig } from "./log-config.ts";
import { LogSegment } from "./log-segment.ts";
import { replayProducerState } from "./producer-replay.ts";
import { ProducerStateManager } from "./producer-state.ts";
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  LOG_SUFFIX,
  OFFSET_INDEX_SUFFIX,
  offsetFileName,
  parseOffsetFileName,
  SWAP_SUFFIX,
  TEMP_SUFFIX,
  TIME_INDEX_SUFFIX,
} from "./segment-files.ts";
import { type BatchLocation, readBatchLocation } from "./segment-scan.ts";

export interface LoadOptions {
  fs: FileSystem;
  clock: Clock;
  dir: string;
  config: LogConfig;
  /** From the log dir's recovery-point checkpoint; 0 when unknown. */
  recoveryPoint: number;
  /** From the log dir's log-start-offset checkpoint; 0 when unknown. */
  logStartOffset: number;
  /** Whether the log dir was shut down cleanly (its marker file was present). */
  hadCleanShutdown: boolean;
  /** producer.id.expiration.ms */
  producerIdExpirationMs?: number;
}

export interface LoadReport {
  log: Log;
  recoveredSegments: number;
  truncatedBytes: number;
  deletedSegments: number;
}

const SEGMENT_FILE_SUFFIXES = [LOG_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX];

export async function loadLog(options: LoadOptions): Promise<LoadReport> {
  const { fs, clock, dir, config } = options;
  // The directory's own entry must be durable too, or a power loss takes the whole log.
  await mkdirDurably(fs, dir);
  await removeLeftovers(fs, dir);
  await completeSwaps(fs, dir);
  const baseOffsets = (await fs.readdir(dir))
    .map((name) => parseOffsetFileName(name, LOG_SUFFIX))
    .filter((offset): offset is number => offset !== null)
    .sort((a, b) => a - b);
  const segments: LogSegment[] = [];
  let recoveredSegments = 0;
  let truncatedBytes = 0;
  let deletedSegments = 0;
  for (let i = 0; i < baseOffsets.length; i++) {
    const next = baseOffsets[i + 1];
    const needsRecovery = !options.hadCleanShutdown && (next === undefined || next > options.recoveryPoint);
    const opened = await LogSegment.open(
      fs,
      dir,
      baseOffsets[i],
      config,
      needsRecovery ? "recover" : "trust-indexes",
      clock.nowMs(),
    );
    segments.push(opened.segment);
    if (needsRecovery) recoveredSegments++;
    if (opened.truncatedBytes > 0) {
      truncatedBytes += opened.truncatedBytes;
      for (const later of baseOffsets.slice(i + 1)) {
        await deleteSegmentFiles(fs, dir, later);
        deletedSegments++;
      }
      break;
    }
  }
  await dropEmptyTrailingSegments(fs, dir, segments);
  if (segments.length === 0) {
    segments.push(await LogSegment.create(fs, dir, options.logStartOffset, config, clock.nowMs()));
  }
  await fs.syncDirectory(dir);
  if (recoveredSegments > 0) for (const segment of segments) await segment.flush();
  const logEndOffset = segments[segments.length - 1].nextOffset;
  const logStartOffset = Math.min(Math.max(options.logStartOffset, segments[0].baseOffset), logEndOffset);
  const recoveryPoint = recoveredSegments > 0 ? logEndOffset : Math.min(options.recoveryPoint, logEndOffset);
  const epochs = await LeaderEpochCache.load(fs, dir);
  epochs.truncateFromEnd(logEndOffset);
  epochs.truncateFromStart(logStartOffset);
  await epochs.flush();
  const producers = new ProducerStateManager({
    fs,
    dir,
    producerIdExpirationMs: options.producerIdExpirationMs,
  });
  await producers.truncateAndReload(logStartOffset, logEndOffset, clock.nowMs());
  await replayProducerState(segments, producers, logEndOffset);
  await producers.takeSnapshot();
  const log = new Log({ fs, clock, dir, config }, segments, logStartOffset, recoveryPoint, epochs, producers);
  return { log, recoveredSegments, truncatedBytes, deletedSegments };
}

/**
 * An empty segment after a non-empty one is the remnant of a roll whose
 * first append never landed; keeping it would leave two segments claiming
 * the same next offset. The last segment stays even if empty.
 */
async function dropEmptyTrailingSegments(fs: FileSystem, dir: string, segments: LogSegment[]): Promise<void> {
  while (segments.length > 1) {
    const last = segments[segments.length - 1];
    const previous = segments[segments.length - 2];
    if (!last.isEmpty() || last.baseOffset > previous.nextOffset) return;
    segments.pop();
    await last.closeHandle();
    await deleteSegmentFiles(fs, dir, last.baseOffset);
  }
}

async function removeLeftovers(fs: FileSystem, dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (name.endsWith(TEMP_SUFFIX) || name.endsWith(CLEANED_SUFFIX) || name.endsWith(DELETED_SUFFIX)) {
      await fs.unlink(`${dir}/${name}`);
    }
  }
}

/**
 * A `.swap` segment is a compacted replacement whose swap was interrupted
 * (compaction/segment-swap.ts has the protocol). Its `.log.swap` file is the
 * commit point, renamed last:
 * - index `.swap` files without their `.log.swap` are from a rename that
 *   never committed, and go (the old segments stand);
 * - a `.log.swap` replaces every segment based in [its base, its last
 *   offset + 1): the cleaner ends each replacement with the last batch of
 *   the segments it replaces, emptied if need be, so that range is exactly
 *   them, even when the newest of them was compacted down to nothing. What
 *   is left of their files is deleted, and the swap files take live names,
 *   indexes first and the .log last, so a crash here just repeats this.
 */
async function completeSwaps(fs: FileSystem, dir: string): Promise<void> {
  const names = await fs.readdir(dir);
  const committed = names
    .map((name) => parseOffsetFileName(name, `${LOG_SUFFIX}${SWAP_SUFFIX}`))
    .filter((offset): offset is number => offset !== null)
    .sort((a, b) => a - b);
  let changed = false;
  for (const name of names) {
    for (const kind of [OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      const base = parseOffsetFileName(name, `${kind}${SWAP_SUFFIX}`);
      if (base !== null && !committed.includes(base)) {
        await fs.unlink(`${dir}/${name}`);
        changed = true;
      }
    }
  }
  for (const base of committed) {
    const end = await swapEndOffset(fs, `${dir}/${offsetFileName(base, LOG_SUFFIX)}${SWAP_SUFFIX}`, base);
    for (const name of names) {
      for (const kind of SEGMENT_FILE_SUFFIXES) {
        const offset = parseOffsetFileName(name, kind);
        if (offset === null || offset < base || offset >= end) continue;
        if ((await fs.stat(`${dir}/${name}`)) !== null) await fs.unlink(`${dir}/${name}`);
      }
    }
    for (const kind of [OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX]) {
      const from = `${dir}/${offsetFileName(base, kind)}${SWAP_SUFFIX}`;
      if ((await fs.stat(from)) !== null) await fs.rename(from, `${dir}/${offsetFileName(base, kind)}`);
    }
    changed = true;
  }
  if (changed) await fs.syncDirectory(dir);
}

/**
 * One past the last offset of a swap file's batches (at least base + 1). The
 * file was fsynced before it was renamed to `.swap`; should it still end in
 * a bad batch, the valid prefix decides, so segments it does not cover stay.
 */
async function swapEndOffset(fs: FileSystem, path: string, base: number): Promise<number> {
  const handle = await fs.open(path, "read");
  try {
    const size = await handle.size();
    let end = base + 1;
    let position = 0;
    for (;;) {
      let batch: BatchLocation | null;
      try {
        batch = await readBatchLocation(handle, position, size);
      } catch (error) {
        if (error instanceof DecodeError) break;
        throw error;
      }
      if (batch === null) break;
      end = Math.max(end, batch.lastOffset + 1);
      position += batch.sizeBytes;
    }
    return end;
  } finally {
    await handle.close();
  }
}

async function deleteSegmentFiles(fs: FileSystem, dir: string, baseOffset: number): Promise<void> {
  for (const kind of SEGMENT_FILE_SUFFIXES) {
    const path = `${dir}/${offsetFileName(baseOffset, kind)}`;
    if ((await fs.stat(path)) !== null) await fs.unlink(path);
  }
}
