import assert from "node:assert/strict";
import { test } from "node:test";
import { TimestampType } from "../../../../src/protocol/records/batch-header.ts";
import { CompressionType } from "../../../../src/protocol/records/compression/index.ts";
import { encodeEndTransactionMarkerBatch } from "../../../../src/protocol/records/control-record.ts";
import { decodeRecordBatch, encodeRecordBatch } from "../../../../src/protocol/records/record-batch.ts";
import { type FilterContext, filterBatch } from "../../../../src/storage/compaction/batch-filter.ts";
import { keyedBatch } from "./support.ts";

/** A map as the cleaner would have built it: key → latest offset, covering up to `latestOffset`. */
function contextOf(latest: Record<string, number>, latestOffset: number, nowMs = 10_000): FilterContext {
  return {
    map: { latestOffset, get: (key) => latest[key.toString()] ?? -1 },
    nowMs,
    deleteRetentionMs: 500,
  };
}

function at(batch: Buffer, baseOffset: bigint, extra: { leaderEpoch?: number } = {}): Buffer {
  batch.writeBigInt64BE(baseOffset, 0);
  if (extra.leaderEpoch !== undefined) batch.writeInt32BE(extra.leaderEpoch, 12);
  return batch;
}

function survivors(bytes: Buffer | null): [number, string | null, string | null][] {
  assert.ok(bytes !== null);
  return decodeRecordBatch(bytes).records.map((r) => [
    Number(r.offset),
    r.key?.toString() ?? null,
    r.value?.toString() ?? null,
  ]);
}

test("a batch whose records all stay is written back byte for byte", () => {
  const batch = at(
    keyedBatch([
      ["a", "1"],
      ["b", "2"],
    ]),
    10n,
  );
  const result = filterBatch(batch, contextOf({ a: 10, b: 11 }, 20), false);
  assert.equal(result.bytes, batch);
  assert.deepStrictEqual([result.recordsRead, result.recordsRetained], [2, 2]);
});

test("superseded records go; the rewrite keeps offsets, last offset, producer fields, epoch and codec", () => {
  const batch = at(
    keyedBatch(
      [
        ["a", "1"],
        ["b", "2"],
        ["c", "3"],
      ],
      {
        producerId: 77n,
        producerEpoch: 3,
        baseSequence: 40,
        compression: CompressionType.gzip,
      },
    ),
    10n,
    { leaderEpoch: 9 },
  );
  const result = filterBatch(batch, contextOf({ a: 50, b: 11, c: 60 }, 100), false);
  const rewritten = decodeRecordBatch(result.bytes!);
  const original = decodeRecordBatch(batch);
  assert.deepStrictEqual(survivors(result.bytes), [[11, "b", "2"]]);
  assert.equal(rewritten.baseOffset, 10n);
  assert.equal(rewritten.lastOffsetDelta, 2, "the last offset (and last sequence) survive");
  assert.deepStrictEqual(
    [rewritten.producerId, rewritten.producerEpoch, rewritten.baseSequence, rewritten.partitionLeaderEpoch],
    [77n, 3, 40, 9],
  );
  assert.equal(rewritten.compression, CompressionType.gzip);
  assert.equal(rewritten.records[0].timestamp, original.records[1].timestamp);
  assert.equal(rewritten.maxTimestamp, original.records[1].timestamp, "CreateTime max is recomputed");
  assert.equal(rewritten.baseTimestamp, original.records[1].timestamp);
  assert.equal(rewritten.hasDeleteHorizon, false);
});

test("records past the map's range stay whatever their key", () => {
  const batch = at(
    keyedBatch([
      ["a", "1"],
      [null, "x"],
      ["a", "2"],
    ]),
    10n,
  );
  // The map covers offsets up to 10 only; it knows a later "a" at 99 (from a larger map) but 11, 12 are unseen.
  const result = filterBatch(batch, contextOf({ a: 99 }, 10), false);
  assert.deepStrictEqual(survivors(result.bytes), [
    [11, null, "x"],
    [12, "a", "2"],
  ]);
});

test("records without a key go, as Kafka's cleaner drops them", () => {
  const batch = at(
    keyedBatch([
      [null, "x"],
      ["k", "v"],
    ]),
    0n,
  );
  assert.deepStrictEqual(survivors(filterBatch(batch, contextOf({ k: 1 }, 5), false).bytes), [[1, "k", "v"]]);
});

test("a kept tombstone gets a delete horizon; it stays until the horizon, then goes", () => {
  const batch = at(
    keyedBatch([
      ["a", null],
      ["b", "2"],
    ]),
    0n,
  );
  const first = filterBatch(batch, contextOf({ a: 0, b: 1 }, 5, 10_000), false);
  assert.notEqual(first.bytes, batch, "rewritten although every record stayed: it needs a horizon");
  const marked = decodeRecordBatch(first.bytes!);
  assert.equal(marked.hasDeleteHorizon, true);
  assert.equal(marked.baseTimestamp, 10_500n, "now + delete.retention.ms");
  assert.deepStrictEqual(
    marked.records.map((r) => r.timestamp),
    decodeRecordBatch(batch).records.map((r) => r.timestamp),
    "record timestamps survive the new base timestamp",
  );

  const before = filterBatch(first.bytes!, contextOf({ a: 0, b: 1 }, 5, 10_499), false);
  assert.equal(before.bytes, first.bytes, "before the horizon the batch is left alone");
  const after = filterBatch(first.bytes!, contextOf({ a: 0, b: 1 }, 5, 10_500), false);
  const cleaned = decodeRecordBatch(after.bytes!);
  assert.deepStrictEqual(survivors(after.bytes), [[1, "b", "2"]]);
  assert.equal(cleaned.baseTimestamp, 10_500n, "an existing horizon is kept");
});

test("a tombstone superseded by a later record goes at once", () => {
  const batch = at(keyedBatch([["a", null]]), 0n);
  assert.equal(filterBatch(batch, contextOf({ a: 3 }, 5), false).bytes, null);
});

test("an emptied batch goes, or stays as a bare header when asked", () => {
  const batch = at(
    keyedBatch(
      [
        ["a", "1"],
        ["b", "2"],
      ],
      { producerId: 5n, baseSequence: 7, compression: CompressionType.lz4 },
    ),
    20n,
  );
  assert.equal(filterBatch(batch, contextOf({ a: 90, b: 91 }, 100), false).bytes, null);
  const kept = filterBatch(batch, contextOf({ a: 90, b: 91 }, 100), true).bytes!;
  const empty = decodeRecordBatch(kept);
  const original = decodeRecordBatch(batch);
  assert.deepStrictEqual(
    [empty.recordCount, empty.baseOffset, empty.lastOffsetDelta, empty.producerId, empty.baseSequence],
    [0, 20n, 1, 5n, 7],
  );
  assert.equal(empty.compression, CompressionType.none);
  assert.deepStrictEqual(
    [empty.baseTimestamp, empty.maxTimestamp],
    [original.maxTimestamp, original.maxTimestamp],
  );
});

test("control batches and transactional data stay whole", () => {
  const marker = encodeEndTransactionMarkerBatch({
    baseOffset: 5n,
    producerId: 3n,
    producerEpoch: 0,
    timestamp: 1_000n,
    marker: { committed: true, coordinatorEpoch: 1 },
  });
  assert.equal(filterBatch(marker, contextOf({}, 100), false).bytes, marker);
  const transactional = at(
    keyedBatch([["a", "1"]], { producerId: 3n, baseSequence: 0, isTransactional: true }),
    0n,
  );
  assert.equal(filterBatch(transactional, contextOf({ a: 50 }, 100), false).bytes, transactional);
});

for (const [name, codec] of Object.entries(CompressionType)) {
  if (codec === CompressionType.none) continue;
  test(`a ${name} batch is compacted and written back in ${name}`, () => {
    const records: [string, string][] = Array.from({ length: 20 }, (_, i) => [`k${i % 4}`, `value-${i}`]);
    const batch = at(keyedBatch(records, { compression: codec }), 100n);
    const latest = { k0: 116, k1: 117, k2: 118, k3: 119 };
    const result = filterBatch(batch, contextOf(latest, 200), false);
    assert.equal(decodeRecordBatch(result.bytes!).compression, codec);
    assert.deepStrictEqual(survivors(result.bytes), [
      [116, "k0", "value-16"],
      [117, "k1", "value-17"],
      [118, "k2", "value-18"],
      [119, "k3", "value-19"],
    ]);
  });
}

test("LogAppendTime batches keep their append time as max timestamp", () => {
  const batch = encodeRecordBatch({
    baseOffset: 0n,
    timestampType: TimestampType.logAppendTime,
    maxTimestamp: 5_000n,
    records: [
      { key: Buffer.from("a"), value: Buffer.from("1"), timestamp: 1n },
      { key: Buffer.from("b"), value: Buffer.from("2"), timestamp: 2n },
    ],
  });
  const rewritten = decodeRecordBatch(filterBatch(batch, contextOf({ a: 9, b: 1 }, 10), false).bytes!);
  assert.equal(rewritten.timestampType, TimestampType.logAppendTime);
  assert.equal(rewritten.maxTimestamp, 5_000n);
});
