/**
 * Compaction against a model: random keyed appends (tombstones, records
 * without keys, all codecs), rolls, clock moves and cleaning passes; then
 * the log must give every key the model's latest value, keep every survivor
 * at its original offset, and hold one record per key below the clean point.
 * A failure prints fast-check's seed; rerun with SAMSA_SEED=<seed>.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { CompressionType } from "../../../../src/protocol/records/compression/index.ts";
import type { ReadRecord } from "../support/batches.ts";
import { reopen } from "../support/open-log.ts";
import {
  cleanerOver,
  type KeyedRecord,
  keyedBatch,
  LOG_DIR,
  openCompactedLog,
  readAll,
  TOPIC,
} from "./support.ts";

type Op =
  | { kind: "append"; records: KeyedRecord[]; compression: CompressionType }
  | { kind: "roll" }
  | { kind: "clean"; advanceMs: number };

const keyArb = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7") },
  { weight: 1, arbitrary: fc.constant(null) },
);
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 0, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("append" as const),
      records: fc.array(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 6 }),
      compression: fc.constantFrom(
        CompressionType.none,
        CompressionType.gzip,
        CompressionType.lz4,
        CompressionType.zstd,
      ),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "roll" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("clean" as const),
      advanceMs: fc.integer({ min: 0, max: 1_500 }),
    }),
  },
);

const SEED = process.env.SAMSA_SEED === undefined ? 20_240_611 : Number(process.env.SAMSA_SEED);

test("compaction agrees with a latest-value-per-key model", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 2, max: 12 }),
      async (ops, mapSlots) => {
        const test = await openCompactedLog({ deleteRetentionMs: 1_000, minCleanableDirtyRatio: 0 });
        const cleaner = await cleanerOver(test, { dedupeBufferBytes: 24 * mapSlots, ioBufferBytes: 256 });
        const appended: ReadRecord[] = [];
        for (const op of ops) {
          if (op.kind === "append") {
            const timestampMs = test.clock.nowMs();
            const batch = keyedBatch(op.records, { compression: op.compression, timestampMs });
            const { firstOffset } = await test.log.append(batch, { leaderEpoch: 0 });
            op.records.forEach(([key, value], i) => {
              appended.push({ offset: firstOffset + i, key, value, timestampMs: timestampMs + i });
            });
          } else if (op.kind === "roll") {
            await test.log.roll();
          } else {
            test.clock.advance(op.advanceMs);
            await cleaner.cleanOnce();
          }
        }
        await test.log.roll();
        while ((await cleaner.cleanOnce()) !== null);
        assert.equal(cleaner.uncleanablePartitions().size, 0);
        const cleanPoint = cleaner.checkpointedOffset(TOPIC, 0, LOG_DIR) ?? 0;
        if (appended.length > 0)
          assert.equal(cleanPoint, test.log.activeSegment.baseOffset, "cleaned up to the end");
        checkAgainstModel(await readAll(test.log), appended, cleanPoint);

        const records = await readAll(test.log);
        await test.log.close();
        const reloaded = await reopen(test, { hadCleanShutdown: true, recoveryPoint: test.log.logEndOffset });
        assert.deepStrictEqual(await readAll(reloaded.log), records, "a restart reads the same log");
      },
    ),
    { seed: SEED, numRuns: 40 },
  );
});

function checkAgainstModel(
  records: readonly ReadRecord[],
  appended: readonly ReadRecord[],
  cleanPoint: number,
): void {
  const byOffset = new Map(appended.map((record) => [record.offset, record]));
  for (let i = 0; i < records.length; i++) {
    assert.deepStrictEqual(
      records[i],
      byOffset.get(records[i].offset),
      "a survivor keeps its offset and content",
    );
    if (i > 0) assert.ok(records[i].offset > records[i - 1].offset, "offsets increase");
  }
  const modelLatest = new Map<string, ReadRecord>();
  for (const record of appended) if (record.key !== null) modelLatest.set(record.key, record);
  const logLatest = new Map<string, ReadRecord>();
  for (const record of records) if (record.key !== null) logLatest.set(record.key, record);
  for (const [key, latest] of modelLatest) {
    const found = logLatest.get(key);
    if (latest.value !== null) assert.deepStrictEqual(found, latest, `key ${key} keeps its latest value`);
    else assert.ok(found === undefined || found.offset === latest.offset, `deleted key ${key} stays deleted`);
  }
  for (const record of records) {
    if (record.offset >= cleanPoint) continue;
    assert.ok(record.key !== null, "records without a key are gone from the cleaned part");
    assert.equal(record.offset, modelLatest.get(record.key)?.offset, `only the latest ${record.key} is left`);
  }
}
