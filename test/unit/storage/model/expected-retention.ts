/**
 * The retention oracle of the model test: which segments Kafka's rules
 * (see retention.ts) delete, worked out from the log's segment boundaries and
 * the batches read straight from each segment's file.
 */
import assert from "node:assert/strict";
import { MAX_TIMESTAMP_OFFSET } from "../../../../src/protocol/records/batch-header.ts";
import { batchesIn } from "../../../../src/protocol/records/batch-iterator.ts";
import type { Log } from "../../../../src/storage/log.ts";
import type { LogConfig } from "../../../../src/storage/log-config.ts";
import type { RetentionReport } from "../../../../src/storage/retention.ts";
import { LOG_SUFFIX, offsetFileName } from "../../../../src/storage/segment-files.ts";
import type { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";
import type { LogModel } from "../support/log-model.ts";

const EMPTY = Buffer.alloc(0);

/**
 * Kafka's retention rules (see retention.ts), applied to the log's segment
 * boundaries and to the batches read straight from each segment's file
 * (batches below the log start are no longer in the model, but still count).
 */
export async function expectedRetention(state: {
  fs: SimFileSystem;
  dir: string;
  log: Log;
  model: LogModel;
  config: LogConfig;
  nowMs: number;
}): Promise<{ report: RetentionReport; logStartOffset: number }> {
  const { fs, dir, log, model, config, nowMs } = state;
  let segments: { baseOffset: number; sizeBytes: number; maxTimestampMs: number }[] = [];
  for (const segment of log.allSegments()) {
    const bytes = (await fs.readFile(`${dir}/${offsetFileName(segment.baseOffset, LOG_SUFFIX)}`)) ?? EMPTY;
    assert.equal(bytes.length, segment.sizeBytes, `segment ${segment.baseOffset}: its file is its size`);
    let maxTimestampMs = -1;
    for (const span of batchesIn(bytes, { verifyCrc: true })) {
      maxTimestampMs = Math.max(
        maxTimestampMs,
        Number(bytes.readBigInt64BE(span.position + MAX_TIMESTAMP_OFFSET)),
      );
    }
    segments.push({ baseOffset: segment.baseOffset, sizeBytes: bytes.length, maxTimestampMs });
  }
  let logStartOffset = model.logStartOffset;
  type Segment = (typeof segments)[number];
  const deleteWhile = (deletable: (s: Segment, next: Segment | undefined) => boolean): number => {
    let count = 0;
    while (count < segments.length) {
      const next = segments[count + 1];
      if (next === undefined && segments[count].sizeBytes === 0) break;
      if (!deletable(segments[count], next)) break;
      count++;
    }
    if (count === 0) return 0;
    if (count === segments.length)
      segments.push({ baseOffset: model.logEndOffset, sizeBytes: 0, maxTimestampMs: -1 });
    segments = segments.slice(count);
    logStartOffset = Math.max(logStartOffset, segments[0].baseOffset);
    return count;
  };
  const report: RetentionReport = { deletedByTime: 0, deletedBySize: 0, deletedByStartOffset: 0 };
  if (config.retentionMs >= 0) {
    report.deletedByTime = deleteWhile((s) => nowMs - s.maxTimestampMs > config.retentionMs);
  }
  if (config.retentionBytes >= 0) {
    let excessBytes = segments.reduce((sum, s) => sum + s.sizeBytes, 0) - config.retentionBytes;
    report.deletedBySize = deleteWhile((s) => {
      if (excessBytes - s.sizeBytes < 0) return false;
      excessBytes -= s.sizeBytes;
      return true;
    });
  }
  const start = logStartOffset;
  report.deletedByStartOffset = deleteWhile((_s, next) => next !== undefined && next.baseOffset <= start);
  return { report, logStartOffset };
}
