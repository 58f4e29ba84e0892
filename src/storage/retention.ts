/**
 * Which old segments retention deletes, Kafka's way, oldest first and never
 * past the first segment that must stay:
 * - by time (`retention.ms`): while a segment's newest record is older than
 *   the retention period;
 * - by size (`retention.bytes`): while dropping the oldest segment still
 *   leaves the log at or above the limit;
 * - by log start offset (always): segments whose every offset lies below it.
 * Only segments wholly below the high watermark are candidates, so nothing a
 * consumer cannot yet read is ever deleted. When every segment qualifies,
 * the log rolls a new empty one first (see Log.deleteOldSegments).
 */
import type { Log } from "./log.ts";
import type { LogSegment } from "./log-segment.ts";

export interface RetentionReport {
  deletedByTime: number;
  deletedBySize: number;
  deletedByStartOffset: number;
}

/** A segment may go only if everything in it lies below the high watermark. */
function belowHighWatermark(segment: LogSegment, next: LogSegment | null, highWatermark: number): boolean {
  return next === null ? segment.nextOffset <= highWatermark : next.baseOffset <= highWatermark;
}

export async function applyRetention(
  log: Log,
  nowMs: number,
  highWatermark = log.logEndOffset,
): Promise<RetentionReport> {
  const config = log.config;
  const report: RetentionReport = { deletedByTime: 0, deletedBySize: 0, deletedByStartOffset: 0 };
  if (config.cleanupPolicy.delete) {
    if (config.retentionMs >= 0) {
      report.deletedByTime = await log.deleteOldSegments(
        (segment, next) =>
          belowHighWatermark(segment, next, highWatermark) &&
          nowMs - segment.retentionTimestampMs() > config.retentionMs,
      );
    }
    if (config.retentionBytes >= 0) {
      let excessBytes = log.sizeBytes() - config.retentionBytes;
      report.deletedBySize = await log.deleteOldSegments((segment, next) => {
        if (!belowHighWatermark(segment, next, highWatermark) || excessBytes - segment.sizeBytes < 0)
          return false;
        excessBytes -= segment.sizeBytes;
        return true;
      });
    }
  }
  const start = log.logStartOffset;
  report.deletedByStartOffset = await log.deleteOldSegments(
    (_segment, next) => next !== null && next.baseOffset <= start,
  );
  return report;
}
