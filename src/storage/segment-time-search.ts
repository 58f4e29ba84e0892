/**
 * Finding records by time inside one segment: ListOffsets by timestamp and
 * MAX_TIMESTAMP. The indexes narrow the scan; batch headers (their max
 * timestamps) skip whole batches; records are decoded only in a batch that
 * may hold the answer.
 */
import { decodeRecordBatch, recordTimestamp } from "../protocol/records/record-batch.ts";
import type { FileHandle } from "./file-system.ts";
import { type BatchLocation, readBatchLocation, readFully } from "./segment-scan.ts";

export interface TimestampMatch {
  offset: number;
  timestampMs: number;
}

/** What the search needs of a segment. */
export interface SegmentTimeView {
  handle: FileHandle;
  sizeBytes: number;
  maxTimestampMs: number;
  offsetOfMaxTimestamp: number;
  /** The offset of the last time-index entry at or before `timestampMs`. */
  timeIndexOffset(timestampMs: number): number;
  /** The position of the last offset-index entry at or before `offset`. */
  indexedPosition(offset: number): number;
  findBatch(offset: number): Promise<BatchLocation | null>;
}

async function recordsOf(view: SegmentTimeView, location: BatchLocation) {
  const batch = decodeRecordBatch(await readFully(view.handle, location.position, location.sizeBytes));
  return batch.records.map((record) => ({
    offset: Number(record.offset),
    timestampMs: Number(recordTimestamp(batch, record)),
  }));
}

async function firstInBatch(
  view: SegmentTimeView,
  location: BatchLocation,
  accept: (match: TimestampMatch) => boolean,
): Promise<TimestampMatch | null> {
  return (await recordsOf(view, location)).find(accept) ?? null;
}

/** The first record at or after `timestampMs` with offset ≥ `startingOffset`. */
export async function offsetByTimestamp(
  view: SegmentTimeView,
  timestampMs: number,
  startingOffset: number,
): Promise<TimestampMatch | null> {
  let position = view.indexedPosition(Math.max(view.timeIndexOffset(timestampMs), startingOffset));
  for (;;) {
    const location = await readBatchLocation(view.handle, position, view.sizeBytes);
    if (location === null) return null;
    if (location.maxTimestampMs >= timestampMs && location.lastOffset >= startingOffset) {
      const match = await firstInBatch(
        view,
        location,
        (r) => r.timestampMs >= timestampMs && r.offset >= startingOffset,
      );
      if (match !== null) return match;
    }
    position += location.sizeBytes;
  }
}

/** The record holding the segment's largest timestamp. */
export async function maxTimestampRecord(view: SegmentTimeView): Promise<TimestampMatch | null> {
  if (view.offsetOfMaxTimestamp < 0) return null;
  const location = await view.findBatch(view.offsetOfMaxTimestamp);
  if (location === null) return null;
  return firstInBatch(view, location, (r) => r.timestampMs === location.maxTimestampMs);
}

/**
 * The record with the largest timestamp among offsets ≥ `startOffset`: for
 * the segment holding the log start, whose overall maximum may lie below
 * it. Reads batch headers, and records only where a batch straddles
 * `startOffset` or holds the winner.
 */
export async function maxTimestampFrom(
  view: SegmentTimeView,
  startOffset: number,
): Promise<TimestampMatch | null> {
  let best: TimestampMatch | null = null;
  let bestLocation: BatchLocation | null = null;
  let location = await view.findBatch(startOffset);
  while (location !== null) {
    if (location.baseOffset < startOffset) {
      for (const record of await recordsOf(view, location)) {
        if (record.offset >= startOffset && (best === null || record.timestampMs > best.timestampMs)) {
          best = record;
          bestLocation = null;
        }
      }
    } else if (best === null || location.maxTimestampMs > best.timestampMs) {
      best = { offset: location.lastOffset, timestampMs: location.maxTimestampMs };
      bestLocation = location;
    }
    location = await readBatchLocation(view.handle, location.position + location.sizeBytes, view.sizeBytes);
  }
  if (bestLocation === null) return best;
  const winner = bestLocation;
  return firstInBatch(view, winner, (r) => r.timestampMs === winner.maxTimestampMs);
}
