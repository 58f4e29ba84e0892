/** Record batches for storage tests: small, deterministic, built with the real encoder. */

import { batchesIn } from "../../../../src/protocol/records/batch-iterator.ts";
import { decodeRecordBatch, encodeRecordBatch } from "../../../../src/protocol/records/record-batch.ts";

export interface TestRecord {
  key: string | null;
  value: string | null;
  timestampMs: number;
}

export function batchOf(
  records: readonly TestRecord[],
  extra: { producerId?: bigint; baseSequence?: number } = {},
): Buffer {
  return encodeRecordBatch({
    records: records.map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp: BigInt(r.timestampMs),
    })),
    producerId: extra.producerId,
    producerEpoch: extra.producerId === undefined ? undefined : 0,
    baseSequence: extra.baseSequence,
  });
}

/** A batch of `count` records with values `v<n>` from `first`, timestamps `timestampMs + n`. */
export function simpleBatch(first: number, count: number, timestampMs = 1_000): Buffer {
  return batchOf(
    Array.from({ length: count }, (_, i) => ({
      key: `k${first + i}`,
      value: `v${first + i}`,
      timestampMs: timestampMs + first + i,
    })),
  );
}

export interface ReadRecord {
  offset: number;
  key: string | null;
  value: string | null;
  timestampMs: number;
}

/** Every record in whole batches of `bytes` (a partial trailing batch is ignored, as clients do). */
export function recordsIn(bytes: Buffer): ReadRecord[] {
  const out: ReadRecord[] = [];
  for (const span of batchesIn(bytes)) {
    const batch = decodeRecordBatch(bytes.subarray(span.position, span.position + span.sizeBytes));
    for (const record of batch.records) {
      out.push({
        offset: Number(record.offset),
        key: record.key?.toString() ?? null,
        value: record.value?.toString() ?? null,
        timestampMs: Number(record.timestamp),
      });
    }
  }
  return out;
}
