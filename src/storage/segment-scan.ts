/**
 * Reading record batches out of a segment's .log file: single headers for
 * lookups, and a chunked sequential scan for recovery and index rebuilds
 * (large reads, not one read per batch).
 */
import assert from "node:assert/strict";
import { DecodeError } from "../protocol/primitives.ts";
import {
  BASE_OFFSET_OFFSET,
  BATCH_HEADER_BYTES,
  checkBatch,
  checkBatchShape,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD_BYTES,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  MIN_BATCH_LENGTH_BYTES,
} from "../protocol/records/batch-header.ts";
import type { FileHandle } from "./file-system.ts";

/** Where a batch lies in a segment and what it holds, from its header alone. */
export interface BatchLocation {
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestampMs: number;
}

const SCAN_CHUNK_BYTES = 1024 * 1024;

export async function readFully(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = await handle.read(out, done, length - done, position + done);
    if (read === 0) return out.subarray(0, done);
    done += read;
  }
  return out;
}

function toSafeNumber(value: bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new DecodeError(`${what} ${value} is beyond 2^53`);
  return n;
}

/** Parses the header of the whole batch at `at` in `buffer` (which must hold the entire batch). */
export function locateBatch(buffer: Buffer, at: number, filePosition: number): BatchLocation {
  const sizeBytes = LOG_OVERHEAD_BYTES + buffer.readInt32BE(at + LENGTH_OFFSET);
  const baseOffset = toSafeNumber(buffer.readBigInt64BE(at + BASE_OFFSET_OFFSET), "base offset");
  return {
    position: filePosition,
    sizeBytes,
    baseOffset,
    lastOffset: baseOffset + buffer.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
    maxTimestampMs: toSafeNumber(buffer.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET), "timestamp"),
  };
}

/**
 * The header of the batch starting at `position`, or null when fewer than a
 * header's bytes remain before `endPosition`. A header that cannot be a
 * batch's, or a batch running past `endPosition`, is corruption.
 */
export async function readBatchLocation(
  handle: FileHandle,
  position: number,
  endPosition: number,
): Promise<BatchLocation | null> {
  if (endPosition - position < BATCH_HEADER_BYTES) {
    if (endPosition === position) return null;
    throw new DecodeError(`partial batch header at position ${position}`);
  }
  const header = await readFully(handle, position, BATCH_HEADER_BYTES);
  if (header.length < BATCH_HEADER_BYTES) throw new DecodeError(`short read at position ${position}`);
  const length = header.readInt32BE(LENGTH_OFFSET);
  if (length < MIN_BATCH_LENGTH_BYTES || header.readInt8(MAGIC_OFFSET) !== MAGIC_V2) {
    throw new DecodeError(`no valid batch at position ${position}`);
  }
  if (position + LOG_OVERHEAD_BYTES + length > endPosition) {
    throw new DecodeError(`batch at position ${position} runs past the end of the segment`);
  }
  return locateBatch(header, 0, position);
}

export interface ScanResult {
  /** Position just past the last valid batch. */
  validBytes: number;
  /** Why scanning stopped early, if it did. */
  stoppedBecause: string | null;
}

/**
 * Reads every batch from `fromPosition` to `endPosition` in large chunks,
 * checking each fully (shape, magic, CRC), and calls `visit` with it. Stops
 * at the first invalid or incomplete batch, or the first one `visit` rejects
 * by throwing a DecodeError, and says where.
 */
export async function scanValidBatches(
  handle: FileHandle,
  fromPosition: number,
  endPosition: number,
  visit: (batch: Buffer, location: BatchLocation) => void,
  options: { verifyCrc?: boolean } = {},
): Promise<ScanResult> {
  assert.ok(fromPosition <= endPosition, "scan starts past its end");
  const verifyCrc = options.verifyCrc !== false;
  let position = fromPosition;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = position;
  while (position < endPosition) {
    let at = position - chunkStart;
    if (chunk.length - at < LOG_OVERHEAD_BYTES) {
      chunk = await readFully(handle, position, Math.min(SCAN_CHUNK_BYTES, endPosition - position));
      chunkStart = position;
      at = 0;
      if (chunk.length < LOG_OVERHEAD_BYTES)
        return { validBytes: position, stoppedBecause: "partial batch at end" };
    }
    const length = chunk.readInt32BE(at + LENGTH_OFFSET);
    if (length < MIN_BATCH_LENGTH_BYTES)
      return { validBytes: position, stoppedBecause: `invalid length ${length}` };
    const size = LOG_OVERHEAD_BYTES + length;
    if (position + size > endPosition)
      return { validBytes: position, stoppedBecause: "partial batch at end" };
    if (chunk.length - at < size) {
      chunk = await readFully(
        handle,
        position,
        Math.max(size, Math.min(SCAN_CHUNK_BYTES, endPosition - position)),
      );
      chunkStart = position;
      at = 0;
      if (chunk.length < size) return { validBytes: position, stoppedBecause: "short read" };
    }
    const batch = chunk.subarray(at, at + size);
    try {
      if (verifyCrc) checkBatch(batch, 0);
      else checkBatchShape(batch, 0);
      // `visit` may reject a batch too (offsets going backwards), with a DecodeError.
      visit(batch, locateBatch(batch, 0, position));
    } catch (error) {
      if (error instanceof DecodeError) return { validBytes: position, stoppedBecause: error.message };
      throw error;
    }
    position += size;
  }
  return { validBytes: position, stoppedBecause: null };
}
