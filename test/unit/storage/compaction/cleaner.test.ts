import assert from "node:assert/strict";
import { test } from "node:test";
import { CompressionType } from "../../../../src/protocol/records/compression/index.ts";
import { encodeEndTransactionMarkerBatch } from "../../../../src/protocol/records/control-record.ts";
import { groupSegmentsBySize } from "../../../../src/storage/compaction/cleaner.ts";
import type { LogSegment } from "../../../../src/storage/log-segment.ts";
import { reopen } from "../support/open-log.ts";
import {
  appendInSegments,
  cleanerOver,
  keyedBatch,
  LOG_DIR,
  latestByKey,
  openCompactedLog,
  readAll,
  storedBatches,
  TOPIC,
} from "./support.ts";

test("keeps the latest value of every key at its offset and checkpoints the end of the pass", async () => {
  const test = await openCompactedLog();
  const batches = Array.from({ length: 9 }, (_, i) =>
    keyedBatch([
      [`k${i % 3}`, `v${i}`],
      [`k${(i + 1) % 3}`, `w${i}`],
    ]),
  );
  await appendInSegments(test.log, batches, 3);
  await test.log.append(keyedBatch([["k0", "active"]]), { leaderEpoch: 0 });
  const before = await readAll(test.log);
  const cleaner = await cleanerOver(test);

  const outcome = await cleaner.cleanOnce();
  assert.ok(outcome !== null);
  assert.equal(outcome.endOffset, 18, "up to the active segment");
  const after = await readAll(test.log);
  assert.deepStrictEqual(latestByKey(after), latestByKey(before));
  const cleaned = after.filter((r) => r.offset < 18);
  assert.deepStrictEqual(
    cleaned.map((r) => r.offset),
    [14, 16, 17],
    "one record per key below the end offset, at its original offset",
  );
  for (const record of after) {
    assert.deepStrictEqual(
      before.find((r) => r.offset === record.offset),
      record,
    );
  }
  assert.equal(cleaner.checkpointedOffset(TOPIC, 0, LOG_DIR), 18);
  assert.equal(
    (await test.fs.readFile(`${LOG_DIR}/cleaner-offset-checkpoint`))?.toString(),
    "0\n1\ntopic 0 18\n",
  );
  assert.equal(await cleaner.cleanOnce(), null, "nothing dirty is left");
});

test("tombstones stay delete.retention.ms past the cleaning that first kept them, then go", async () => {
  const test = await openCompactedLog({ deleteRetentionMs: 1_000 });
  const cleaner = await cleanerOver(test);
  const dirtyAgain = async (i: number) => {
    await test.log.append(keyedBatch([[`filler${i}`, "x"]]), { leaderEpoch: 0 });
    await test.log.roll();
  };
  await appendInSegments(
    test.log,
    [
      keyedBatch([
        ["a", "1"],
        ["b", "1"],
      ]),
      keyedBatch([["a", null]]),
    ],
    2,
  );
  assert.ok((await cleaner.cleanOnce()) !== null);
  const tombstone = (await storedBatches(test.log)).find((b) => b.records.some((r) => r.value === null));
  assert.ok(tombstone?.hasDeleteHorizon);
  assert.equal(tombstone.baseTimestamp, BigInt(test.clock.nowMs() + 1_000));
  assert.deepStrictEqual(
    latestByKey(await readAll(test.log)),
    new Map([
      ["a", null],
      ["b", "1"],
    ]),
  );

  test.clock.advance(999);
  await dirtyAgain(1);
  assert.ok((await cleaner.cleanOnce()) !== null);
  assert.ok(
    (await readAll(test.log)).some((r) => r.key === "a" && r.value === null),
    "kept before the horizon",
  );

  test.clock.advance(1);
  await dirtyAgain(2);
  assert.ok((await cleaner.cleanOnce()) !== null);
  const records = await readAll(test.log);
  assert.ok(!records.some((r) => r.key === "a"), "gone at the horizon, and with it every value of a");
  assert.deepStrictEqual(
    latestByKey(records),
    new Map([
      ["b", "1"],
      ["filler1", "x"],
      ["filler2", "x"],
    ]),
  );
});

test("control batches stay; transactional records are neither dropped nor allowed to hide older ones", async () => {
  const test = await openCompactedLog();
  const marker = (committed: boolean) =>
    encodeEndTransactionMarkerBatch({
      baseOffset: 0n,
      producerId: 9n,
      producerEpoch: 0,
      timestamp: 2_000n,
      marker: { committed, coordinatorEpoch: 0 },
    });
  const txn = (key: string, value: string, sequence: number) =>
    keyedBatch([[key, value]], { producerId: 9n, baseSequence: sequence, isTransactional: true });
  await appendInSegments(
    test.log,
    [
      keyedBatch([["a", "plain-1"]]),
      txn("a", "txn-2", 0),
      marker(true),
      keyedBatch([["a", "plain-3"]]),
      keyedBatch([["b", "plain-4"]]),
      txn("b", "txn-5", 1),
      marker(false),
    ],
    7,
  );
  await test.log.append(keyedBatch([["c", "active"]]), { leaderEpoch: 0 });
  const cleaner = await cleanerOver(test);
  assert.ok((await cleaner.cleanOnce()) !== null);
  const batches = await storedBatches(test.log);
  assert.deepStrictEqual(
    batches.map((b) => [
      Number(b.baseOffset),
      b.isControlBatch ? "marker" : b.records.map((r) => r.value?.toString()).join(),
    ]),
    [
      [1, "txn-2"],
      [2, "marker"],
      [3, "plain-3"],
      [4, "plain-4"],
      [5, "txn-5"],
      [6, "marker"],
      [7, "active"],
    ],
  );
});

for (const [name, codec] of [
  ["gzip", CompressionType.gzip],
  ["lz4", CompressionType.lz4],
  ["zstd", CompressionType.zstd],
] as const) {
  test(`${name} batches are compacted and re-encoded in ${name}`, async () => {
    const test = await openCompactedLog();
    const batches = Array.from({ length: 6 }, (_, i) =>
      keyedBatch(
        Array.from({ length: 5 }, (_, j) => [`k${(i + j) % 4}`, `value-${i}-${j}`] as const),
        { compression: codec },
      ),
    );
    await appendInSegments(test.log, batches, 3);
    const before = await readAll(test.log);
    const cleaner = await cleanerOver(test);
    assert.ok((await cleaner.cleanOnce()) !== null);
    const stored = await storedBatches(test.log);
    assert.ok(stored.every((b) => b.compression === codec || b.recordCount === 0));
    const after = await readAll(test.log);
    assert.deepStrictEqual(latestByKey(after), latestByKey(before));
    assert.equal(after.length, 4, "one record per key");
  });
}

test("a dedupe buffer too small for the dirty section cleans it over several passes", async () => {
  // 4 slots at a 0.9 load factor: 3 keys per pass.
  const test = await openCompactedLog();
  const keys = 12;
  const batches = Array.from({ length: 24 }, (_, i) => keyedBatch([[`k${i % keys}`, `v${i}`]]));
  await appendInSegments(test.log, batches, 4);
  await test.log.append(keyedBatch([["z", "active"]]), { leaderEpoch: 0 });
  const before = await readAll(test.log);
  const cleaner = await cleanerOver(test, { dedupeBufferBytes: 24 * 4 });
  const ends: number[] = [];
  for (let outcome = await cleaner.cleanOnce(); outcome !== null; outcome = await cleaner.cleanOnce()) {
    assert.equal(outcome.stats.mapEntries, 3);
    ends.push(outcome.endOffset);
  }
  assert.ok(ends.length > 1 && ends.every((end, i) => i === 0 || end > ends[i - 1]), `ends ${ends}`);
  assert.equal(ends[ends.length - 1], 24);
  const after = await readAll(test.log);
  assert.deepStrictEqual(latestByKey(after), latestByKey(before));
  assert.deepStrictEqual(
    after.map((r) => r.offset),
    [...Array.from({ length: keys }, (_, i) => 12 + i), 24],
  );
});

test("groups fit segment.bytes, and each keeps its last batch so it ends where its segments ended", async () => {
  const test = await openCompactedLog();
  const batches = Array.from({ length: 12 }, (_, i) =>
    keyedBatch([[`k${i % 2}`, `v${String(i).padStart(2, "0")}`]]),
  );
  await appendInSegments(test.log, batches, 2);
  const sizes = test.log.allSegments().map((s) => s.sizeBytes);
  test.config.segmentBytes = sizes[0] * 2;
  const old = test.log.allSegments().slice(0, -1);
  const groups = groupSegmentsBySize(old, test.config.segmentBytes, test.log.activeSegment.baseOffset);
  assert.deepStrictEqual(
    groups.map((g) => g.map((s) => s.baseOffset)),
    [
      [0, 2],
      [4, 6],
      [8, 10],
    ],
  );
  const cleaner = await cleanerOver(test);
  assert.ok((await cleaner.cleanOnce()) !== null);
  const segments = test.log.allSegments();
  assert.deepStrictEqual(
    segments.map((s: LogSegment) => [s.baseOffset, s.nextOffset]),
    [
      [0, 4],
      [4, 8],
      [8, 12],
      [12, 12],
    ],
  );
  const stored = await storedBatches(test.log);
  assert.deepStrictEqual(
    stored.map((b) => [Number(b.baseOffset), b.recordCount]),
    [
      [3, 0],
      [7, 0],
      [10, 1],
      [11, 1],
    ],
    "emptied last batches of the first two groups stay as headers",
  );
});

test("a group's offsets stay within int32 of its base, so relative offsets fit the index", () => {
  const int32Max = 0x7fffffff;
  const segments = [
    { baseOffset: 0, sizeBytes: 100 },
    { baseOffset: 1_000, sizeBytes: 100 },
    { baseOffset: int32Max, sizeBytes: 100 },
    { baseOffset: int32Max + 10, sizeBytes: 0 },
    { baseOffset: int32Max + 20, sizeBytes: 100 },
  ];
  // The segment at 1_000 may hold offsets up to int32Max - 1 (the next base - 1): it fits with 0.
  // The one at int32Max may reach int32Max + 9: too far from 0. An empty segment always joins.
  assert.deepStrictEqual(
    groupSegmentsBySize(segments, 1 << 20, int32Max + 30).map((g) => g.map((s) => s.baseOffset)),
    [
      [0, 1_000],
      [int32Max, int32Max + 10, int32Max + 20],
    ],
  );
  assert.deepStrictEqual(
    groupSegmentsBySize(segments, 250, int32Max + 30).map((g) => g.length),
    [2, 3],
    "and their bytes fit segment.bytes",
  );
});

test("an idempotent producer's last batch stays, emptied, so its sequence survives", async () => {
  const test = await openCompactedLog();
  await appendInSegments(
    test.log,
    [
      keyedBatch([["a", "1"]], { producerId: 4n, baseSequence: 0 }),
      keyedBatch([["a", "2"]], { producerId: 4n, baseSequence: 1 }),
      keyedBatch([["b", "3"]]),
      keyedBatch([["a", "4"]]),
      keyedBatch([["b", "5"]]),
    ],
    5,
  );
  const cleaner = await cleanerOver(test);
  assert.ok((await cleaner.cleanOnce()) !== null);
  assert.deepStrictEqual(
    (await storedBatches(test.log)).map((b) => [
      Number(b.baseOffset),
      b.recordCount,
      b.producerId,
      b.baseSequence,
    ]),
    [
      [1, 0, 4n, 1],
      [3, 1, -1n, -1],
      [4, 1, -1n, -1],
    ],
  );

  // Once the producer state has let producer 4 expire, nothing of it need stay.
  assert.deepStrictEqual(test.log.producers.removeExpiredProducers(test.clock.nowMs() + 86_400_000), [4n]);
  await appendInSegments(test.log, [keyedBatch([["c", "6"]])], 1);
  assert.ok((await cleaner.cleanOnce()) !== null);
  assert.deepStrictEqual(
    (await storedBatches(test.log)).map((b) => [Number(b.baseOffset), b.producerId]),
    [
      [3, -1n],
      [4, -1n],
      [5, -1n],
    ],
  );
});

test("reads during a pass see whole records of the old or the new log, and reads after see the new", async () => {
  const test = await openCompactedLog();
  const batches = Array.from({ length: 30 }, (_, i) => keyedBatch([[`k${i % 5}`, `v${i}`]]));
  await appendInSegments(test.log, batches, 5);
  const before = await readAll(test.log);
  const cleaner = await cleanerOver(test, { ioBufferBytes: 64 });
  let done = false;
  const pass = cleaner.cleanOnce().finally(() => {
    done = true;
  });
  let reads = 0;
  while (!done) {
    for (const start of [0, 7, 14, 21, 28]) {
      const records = await readAll(test.log).then((all) => all.filter((r) => r.offset >= start));
      for (const record of records) assert.deepStrictEqual(before[record.offset], record);
      assert.ok(records.length > 0);
      reads++;
    }
  }
  assert.ok((await pass) !== null);
  assert.ok(reads > 5, `only ${reads} reads overlapped the pass`);
  assert.deepStrictEqual(
    (await readAll(test.log)).map((r) => r.offset),
    [25, 26, 27, 28, 29],
  );
});

test("a restart keeps both the cleaned log and the clean checkpoint", async () => {
  const test = await openCompactedLog();
  const batches = Array.from({ length: 8 }, (_, i) => keyedBatch([[`k${i % 2}`, `v${i}`]]));
  await appendInSegments(test.log, batches, 4);
  const cleaner = await cleanerOver(test);
  assert.equal((await cleaner.cleanOnce())?.endOffset, 8);
  const cleaned = await readAll(test.log);
  await test.log.close();

  const reloaded = await reopen(test, { hadCleanShutdown: true, recoveryPoint: 8 });
  const restarted = { ...test, log: reloaded.log };
  assert.deepStrictEqual(await readAll(reloaded.log), cleaned);
  const again = await cleanerOver(restarted);
  assert.equal(again.checkpointedOffset(TOPIC, 0, LOG_DIR), 8);
  assert.equal(await again.cleanOnce(), null, "the cleaned part is not dirty again");
});
