/**
 * Walking a `records` field: magic-v2 batches laid end to end.
 *
 * A Fetch response may legally end inside a batch (the broker cuts at the
 * byte limit, and a consumer then asks again from that batch's offset), so
 * a partial trailing batch ends the walk quietly. A Produce request or a
 * log segment, on the other hand, must hold whole batches only: callers tell
 * the two apart by comparing the returned end position with the length, or
 * by using `checkWholeBatches`.
 *
 * Corruption (an impossible length, a magic other than 2, a bad CRC when
 * asked to check it) throws `DecodeError` wherever it is found.
 */

import { DecodeError } from "../primitives.ts";
import { checkBatch, checkBatchShape, wholeBatchSize } from "./batch-header.ts";

export interface BatchSpan {
  /** Where the batch starts in the walked buffer. */
  position: number;
  sizeBytes: number;
}

export interface BatchWalkOptions {
  /** Also verify every whole batch's CRC (default false: shape only). */
  verifyCrc?: boolean;
}

/**
 * Calls `visit` for every whole batch in order and returns the position
 * where whole batches end: `records.length`, or the start of a partial
 * trailing batch. Allocates nothing per batch.
 */
export function forEachBatch(
  records: Buffer,
  visit: (position: number, sizeBytes: number) => void,
  options: BatchWalkOptions = {},
): number {
  const verify = options.verifyCrc === true;
  let position = 0;
  while (position < records.length) {
    if (wholeBatchSize(records, position) === 0) break;
    const size = verify ? checkBatch(records, position) : checkBatchShape(records, position);
    visit(position, size);
    position += size;
  }
  return position;
}

/** The whole batches in `records`, as a generator (stops before a partial trailing batch). */
export function* batchesIn(
  records: Buffer,
  options: BatchWalkOptions = {},
): Generator<BatchSpan, void, undefined> {
  const verify = options.verifyCrc === true;
  let position = 0;
  while (position < records.length) {
    if (wholeBatchSize(records, position) === 0) return;
    const size = verify ? checkBatch(records, position) : checkBatchShape(records, position);
    yield { position, sizeBytes: size };
    position += size;
  }
}

/**
 * For produced records and segment bytes: every byte must belong to a whole,
 * valid batch (CRC included). Returns the number of batches.
 */
export function checkWholeBatches(records: Buffer): number {
  let count = 0;
  const end = forEachBatch(
    records,
    () => {
      count++;
    },
    { verifyCrc: true },
  );
  if (end !== records.length) {
    throw new DecodeError(
      `record batch at byte ${end} is incomplete: ${records.length - end} trailing bytes of ${records.length}`,
    );
  }
  return count;
}
