/**
 * Which part of a log the cleaner may rewrite, and whether it should now
 * (Kafka's `LogCleanerManager.cleanableOffsets` and `LogToClean`).
 *
 *   log start ... first dirty offset ... first uncleanable offset ... log end
 *   |<- clean: compacted before ->|<- dirty: cleanable ->|<- never touched ->|
 *
 * - The first dirty offset comes from the cleaner checkpoint; one below the
 *   log start or past the log end (a truncated log) restarts from the start.
 * - The first uncleanable offset is the lowest of: the last stable offset,
 *   the active segment's base, and the base of the first dirty segment
 *   holding a record younger than `min.compaction.lag.ms`; then rounded down
 *   to the base of the segment holding it, since whole segments are cleaned.
 * - A log is cleaned when its dirty share of bytes is above
 *   `min.cleanable.dirty.ratio` (strictly, as Kafka compares), or when a
 *   dirty non-active segment's first batch is older than
 *   `max.compaction.lag.ms` and there is something to clean.
 */
import type { LogConfig } from "../log-config.ts";
import type { LogSegment } from "../log-segment.ts";

/** What the range computation reads of a log. */
export interface LogView {
  readonly config: LogConfig;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  allSegments(): readonly LogSegment[];
}

export interface CleanableOffsets {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  /** The checkpointed offset was invalid and should be overwritten with firstDirtyOffset. */
  forceUpdateCheckpoint: boolean;
}

export interface LogToClean extends CleanableOffsets {
  cleanBytes: number;
  cleanableBytes: number;
  totalBytes: number;
  cleanableRatio: number;
  /** How long past `max.compaction.lag.ms` the oldest dirty record is; 0 when none is. */
  maxCompactionDelayMs: number;
}

/** Index of the segment holding `offset`: the last one based at or below it (0 if none). */
function floorIndex(segments: readonly LogSegment[], offset: number): number {
  let found = 0;
  for (let i = 0; i < segments.length && segments[i].baseOffset <= offset; i++) found = i;
  return found;
}

/** Kafka's `logSegments(from, to)`: from the segment holding `from` up to those based below `to`. */
export function segmentsBetween(segments: readonly LogSegment[], from: number, to: number): LogSegment[] {
  const out: LogSegment[] = [];
  for (let i = floorIndex(segments, from); i < segments.length && segments[i].baseOffset < to; i++) {
    out.push(segments[i]);
  }
  return out;
}

/** The segments from the one holding `from`, the active segment excluded. */
export function nonActiveSegmentsFrom(segments: readonly LogSegment[], from: number): LogSegment[] {
  const active = segments[segments.length - 1];
  if (from > active.baseOffset) return [];
  return segmentsBetween(segments, from, active.baseOffset);
}

function sumBytes(segments: readonly LogSegment[]): number {
  let total = 0;
  for (const segment of segments) total += segment.sizeBytes;
  return total;
}

export function cleanableOffsets(
  log: LogView,
  checkpointedOffset: number | undefined,
  nowMs: number,
  lastStableOffset: number,
): CleanableOffsets {
  const segments = log.allSegments();
  const checkpointDirtyOffset = checkpointedOffset ?? log.logStartOffset;
  const invalid = checkpointDirtyOffset < log.logStartOffset || checkpointDirtyOffset > log.logEndOffset;
  const firstDirtyOffset = invalid ? log.logStartOffset : checkpointDirtyOffset;
  let firstUncleanable = Math.min(lastStableOffset, segments[segments.length - 1].baseOffset);
  const minLagMs = Math.max(log.config.minCompactionLagMs, 0);
  if (minLagMs > 0) {
    const young = nonActiveSegmentsFrom(segments, firstDirtyOffset).find(
      (segment) => segment.retentionTimestampMs() > nowMs - minLagMs,
    );
    if (young !== undefined) firstUncleanable = Math.min(firstUncleanable, young.baseOffset);
  }
  return {
    firstDirtyOffset,
    firstUncleanableOffset: Math.max(firstDirtyOffset, firstUncleanable),
    forceUpdateCheckpoint: invalid,
  };
}

/** Kafka's `maxCompactionDelay`: how overdue the oldest dirty, non-active segment's first batch is. */
export function maxCompactionDelayMs(log: LogView, firstDirtyOffset: number, nowMs: number): number {
  let earliestMs = Number.POSITIVE_INFINITY;
  for (const segment of nonActiveSegmentsFrom(log.allSegments(), firstDirtyOffset)) {
    if (segment.firstBatchTimestampMs > 0) earliestMs = Math.min(earliestMs, segment.firstBatchTimestampMs);
  }
  const cleanUntilMs = nowMs - Math.max(log.config.maxCompactionLagMs, 0);
  return earliestMs < cleanUntilMs ? cleanUntilMs - earliestMs : 0;
}

export function logToClean(log: LogView, offsets: CleanableOffsets, nowMs: number): LogToClean {
  const segments = log.allSegments();
  const { firstDirtyOffset } = offsets;
  const cleanBytes = sumBytes(segmentsBetween(segments, -1, firstDirtyOffset));
  // Whole segments only: the first uncleanable offset moves down to its segment's base.
  const uncleanable = nonActiveSegmentsFrom(segments, offsets.firstUncleanableOffset)[0];
  const firstUncleanableOffset = (uncleanable ?? segments[segments.length - 1]).baseOffset;
  const cleanableBytes = sumBytes(
    segmentsBetween(segments, Math.min(firstDirtyOffset, firstUncleanableOffset), firstUncleanableOffset),
  );
  const totalBytes = cleanBytes + cleanableBytes;
  return {
    ...offsets,
    firstUncleanableOffset,
    cleanBytes,
    cleanableBytes,
    totalBytes,
    cleanableRatio: totalBytes === 0 ? 0 : cleanableBytes / totalBytes,
    maxCompactionDelayMs: maxCompactionDelayMs(log, firstDirtyOffset, nowMs),
  };
}

/** Kafka's choice: overdue by `max.compaction.lag.ms` with bytes to clean, or dirty enough. */
export function needsCleaning(log: LogView, candidate: LogToClean): boolean {
  if (candidate.totalBytes === 0) return false;
  if (candidate.maxCompactionDelayMs > 0 && candidate.cleanableBytes > 0) return true;
  return candidate.cleanableRatio > log.config.minCleanableDirtyRatio;
}
