/**
 * Rebuilding producer state from the log: after loading from the newest
 * snapshot, every batch from the snapshot's offset to the log end is read
 * back and replayed, so idempotence survives any restart. Only the tail
 * after the last snapshot (taken at every roll and clean close) is read.
 */
import { DecodeError } from "../protocol/primitives.ts";
import { isControlBatch, readBatchHeader } from "../protocol/records/batch-header.ts";
import {
  decodeEndTransactionMarkerBatch,
  type EndTransactionMarker,
} from "../protocol/records/control-record.ts";
import type { LogSegment } from "./log-segment.ts";
import type { ProducerStateManager } from "./producer-state.ts";
import { appendedBatchOf } from "./producer-state-check.ts";

export async function replayProducerState(
  segments: readonly LogSegment[],
  producers: ProducerStateManager,
  logEndOffset: number,
): Promise<void> {
  const from = producers.mapEndOffset;
  for (const segment of segments) {
    if (segment.nextOffset <= from) continue;
    // The batches were checked when written, or by recovery just before: no second CRC pass.
    await segment.forEachBatch(
      from,
      (batch) => {
        const header = readBatchHeader(batch, 0);
        producers.replay(appendedBatchOf(header, markerOf(batch, header.attributes)));
      },
      { verifyCrc: false },
    );
  }
  producers.updateMapEndOffset(logEndOffset);
}

function markerOf(batch: Buffer, attributes: number): EndTransactionMarker | undefined {
  if (!isControlBatch(attributes)) return undefined;
  try {
    return decodeEndTransactionMarkerBatch(batch);
  } catch (error) {
    // Compaction may leave a control batch empty; it then ends no transaction.
    if (error instanceof DecodeError) return undefined;
    throw error;
  }
}
