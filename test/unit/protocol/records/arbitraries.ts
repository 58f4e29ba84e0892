// fast-check generators shared by the record-batch tests.

import fc from "fast-check";
import type { RecordHeader, RecordInput } from "../../../../src/protocol/records/record.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const bytes = (maxLength: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));

export const nullableBytes = (maxLength: number): fc.Arbitrary<Buffer | null> =>
  fc.option(bytes(maxLength), { nil: null, freq: 4 });

// fc.record builds prototype-less objects; map to plain ones so deepEqual compares like with like.
export const header: fc.Arbitrary<RecordHeader> = fc
  .tuple(fc.string({ unit: "binary", maxLength: 12 }), nullableBytes(24))
  .map(([key, value]) => ({ key, value }));

/** Timestamps near now, far from it in both directions, and the int64 extremes' neighbourhood. */
export const timestamp: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 1_500_000_000_000n, max: 1_900_000_000_000n }),
  fc.bigInt({ min: -(2n ** 61n), max: 2n ** 61n }),
  fc.constantFrom(-1n, 0n, 2n ** 40n),
);

export interface GeneratedBatch {
  baseTimestamp: bigint;
  records: RecordInput[];
}

/** Records with increasing (sometimes gapped) offset deltas and timestamps around a base. */
export const recordList = (maxRecords: number, maxValueBytes = 64): fc.Arbitrary<GeneratedBatch> =>
  fc
    .tuple(
      timestamp,
      fc.array(
        fc.record({
          key: nullableBytes(32),
          value: nullableBytes(maxValueBytes),
          headers: fc.array(header, { maxLength: 3 }),
          timestampOffset: fc.oneof(
            fc.bigInt({ min: -1000n, max: 1000n }),
            fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
          ),
          offsetGap: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 1000 })),
        }),
        { maxLength: maxRecords },
      ),
    )
    .map(([baseTimestamp, drafts]) => {
      let offsetDelta = -1;
      const records = drafts.map((draft) => {
        offsetDelta += draft.offsetGap;
        const clamped = clampInt64(baseTimestamp + draft.timestampOffset);
        return {
          key: draft.key,
          value: draft.value,
          headers: draft.headers,
          timestamp: clamped,
          offsetDelta,
        };
      });
      return { baseTimestamp, records };
    });

function clampInt64(value: bigint): bigint {
  return value < INT64_MIN ? INT64_MIN : value > INT64_MAX ? INT64_MAX : value;
}

export const compressionType = fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<0 | 1 | 2 | 3 | 4>;
