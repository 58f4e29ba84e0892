/**
 * Reading a segment's batches for the cleaner: `log.cleaner.io.buffer.size`
 * bytes at a time, whole batches only, with a pause between reads so a long
 * cleaning pass never holds the event loop for more than one chunk's work.
 * A batch larger than the buffer gets a read of its own size, as Kafka grows
 * its buffers; a length that runs past the segment is corruption.
 */
import { DecodeError } from "../../protocol/primitives.ts";
import { LENGTH_OFFSET, LOG_OVERHEAD_BYTES, wholeBatchSize } from "../../protocol/records/batch-header.ts";
import type { LogSegment } from "../log-segment.ts";

export interface SegmentBatch {
  /** Exactly one whole batch (a view into the chunk read). */
  bytes: Buffer;
  /** Where the batch starts in the segment's .log file. */
  position: number;
}

export interface ReadBatchesOptions {
  fromPosition: number;
  bufferBytes: number;
  /** Awaited after every chunk: lets other work run, and may throw to stop the read. */
  pause: () => Promise<void>;
}

/** The segment's batches from `fromPosition`, one array per chunk read. */
export async function* readSegmentBatches(
  segment: LogSegment,
  options: ReadBatchesOptions,
): AsyncGenerator<SegmentBatch[], void, undefined> {
  let position = options.fromPosition;
  let bufferBytes = options.bufferBytes;
  while (position < segment.sizeBytes) {
    const chunk = await segment.readBytes(position, bufferBytes);
    const batches: SegmentBatch[] = [];
    let at = 0;
    for (;;) {
      const size = wholeBatchSize(chunk, at);
      if (size === 0) break;
      batches.push({ bytes: chunk.subarray(at, at + size), position: position + at });
      at += size;
    }
    if (batches.length === 0) {
      bufferBytes = sizeOfBatchAt(chunk, position, segment.sizeBytes);
      continue;
    }
    yield batches;
    position += at;
    bufferBytes = options.bufferBytes;
    await options.pause();
  }
}

/** The size of the one batch starting `chunk`, which the chunk did not hold whole. */
function sizeOfBatchAt(chunk: Buffer, position: number, segmentBytes: number): number {
  if (chunk.length < LOG_OVERHEAD_BYTES) {
    throw new DecodeError(`partial batch header at position ${position} of a segment`);
  }
  const size = LOG_OVERHEAD_BYTES + chunk.readInt32BE(LENGTH_OFFSET);
  if (position + size > segmentBytes || size <= chunk.length) {
    throw new DecodeError(`batch at position ${position} runs past the end of its segment`);
  }
  return size;
}
