import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import type { StorageError } from "../../../src/storage/storage-error.ts";
import { recordsIn, simpleBatch } from "./support/batches.ts";
import { openTestLog, reopen } from "./support/open-log.ts";

const NO_LIMIT = { maxBytes: 1 << 30, minOneBatch: true };

test("appends assign consecutive offsets and read back byte for byte", async () => {
  const { log } = await openTestLog();
  const first = await log.append(simpleBatch(0, 3), { leaderEpoch: 5 });
  const second = await log.append(simpleBatch(3, 2), { leaderEpoch: 5 });
  assert.deepStrictEqual(
    [first.firstOffset, first.lastOffset, second.firstOffset, second.lastOffset],
    [0, 2, 3, 4],
  );
  assert.equal(log.logEndOffset, 5);
  const all = recordsIn(await log.read(0, NO_LIMIT));
  assert.deepStrictEqual(
    all.map((r) => [r.offset, r.value]),
    [0, 1, 2, 3, 4].map((i) => [i, `v${i}`]),
  );
  const fromMiddle = recordsIn(await log.read(3, NO_LIMIT));
  assert.deepStrictEqual(
    fromMiddle.map((r) => r.offset),
    [3, 4],
  );
  assert.equal((await log.read(5, NO_LIMIT)).length, 0, "the log end reads as empty");
});

test("the stored batch carries its offset and the leader's epoch", async () => {
  const { log } = await openTestLog();
  await log.append(simpleBatch(0, 1), { leaderEpoch: 0 });
  await log.append(simpleBatch(0, 1), { leaderEpoch: 7 });
  const bytes = await log.read(1, NO_LIMIT);
  assert.equal(bytes.readBigInt64BE(0), 1n);
  assert.equal(bytes.readInt32BE(12), 7);
  assert.deepStrictEqual(
    log.leaderEpochs.epochEntries().map((e) => [e.epoch, e.startOffset]),
    [
      [0, 0],
      [7, 1],
    ],
  );
});

test("offsets outside the log are OFFSET_OUT_OF_RANGE", async () => {
  const { log } = await openTestLog();
  await log.append(simpleBatch(0, 2), { leaderEpoch: 0 });
  await assert.rejects(
    log.read(3, NO_LIMIT),
    (e: StorageError) => e.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
  );
  await assert.rejects(
    log.read(-1, NO_LIMIT),
    (e: StorageError) => e.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
  );
});

test("corrupt batches are refused with CORRUPT_MESSAGE and nothing is written", async () => {
  const { log } = await openTestLog();
  const batch = simpleBatch(0, 2);
  batch[batch.length - 1] ^= 0xff;
  await assert.rejects(
    log.append(batch, { leaderEpoch: 0 }),
    (e: StorageError) => e.errorCode === ErrorCode.CORRUPT_MESSAGE,
  );
  const truncated = simpleBatch(0, 2).subarray(0, 40);
  await assert.rejects(
    log.append(truncated, { leaderEpoch: 0 }),
    (e: StorageError) => e.errorCode === ErrorCode.CORRUPT_MESSAGE,
  );
  assert.equal(log.logEndOffset, 0);
  assert.equal(log.sizeBytes(), 0);
});

test("reads honour maxBytes, return at least one whole batch, and stop at maxOffset", async () => {
  const { log } = await openTestLog();
  for (let i = 0; i < 5; i++) await log.append(simpleBatch(i * 2, 2), { leaderEpoch: 0 });
  const oneBatchSize = simpleBatch(0, 2).length;
  const tiny = await log.read(0, { maxBytes: 10, minOneBatch: true });
  assert.equal(tiny.length, oneBatchSize, "one whole batch although larger than maxBytes");
  const none = await log.read(0, { maxBytes: 10, minOneBatch: false });
  assert.equal(none.length, 10, "without minOneBatch the bytes are cut at maxBytes");
  const hw = log.logEndOffsetMetadata();
  await log.append(simpleBatch(10, 2), { leaderEpoch: 0 });
  const bounded = recordsIn(await log.read(0, { ...NO_LIMIT, maxOffset: hw }));
  assert.equal(bounded.at(-1)?.offset, 9, "nothing past the bound");
});

test("segments roll by size and by age, and reads cross them", async () => {
  const batchSize = simpleBatch(0, 1).length;
  const { log, clock } = await openTestLog({ segmentBytes: batchSize * 3, segmentMs: 60_000 });
  for (let i = 0; i < 7; i++) await log.append(simpleBatch(i, 1, clock.nowMs()), { leaderEpoch: 0 });
  assert.deepStrictEqual(
    log.allSegments().map((s) => s.baseOffset),
    [0, 3, 6],
  );
  clock.advance(61_000);
  await log.append(simpleBatch(7, 1, clock.nowMs()), { leaderEpoch: 0 });
  assert.deepStrictEqual(
    log.allSegments().map((s) => s.baseOffset),
    [0, 3, 6, 7],
  );
  assert.deepStrictEqual(
    recordsIn(await log.read(2, NO_LIMIT))
      .map((r) => r.offset)
      .slice(0, 1),
    [2],
  );
  let offset = 0;
  const seen: number[] = [];
  while (offset < log.logEndOffset) {
    const records = recordsIn(await log.read(offset, { maxBytes: 1, minOneBatch: true }));
    seen.push(...records.map((r) => r.offset));
    offset = (records.at(-1)?.offset ?? offset) + 1;
  }
  assert.deepStrictEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7]);
});

test("acks=all appends are durable when they resolve: a power loss right after keeps them", async () => {
  const t = await openTestLog();
  const appends = Array.from({ length: 50 }, (_, i) =>
    t.log.append(simpleBatch(i, 1), { leaderEpoch: 0, durability: "acks-all" }),
  );
  await Promise.all(appends);
  await t.log.append(simpleBatch(50, 1), { leaderEpoch: 0 }); // not acknowledged as durable
  assert.equal(t.log.recoveryPoint, 50);
  t.fs.crash();
  const { log } = await reopen(t, { hadCleanShutdown: false });
  assert.ok(log.logEndOffset >= 50, "every acknowledged record survived the power loss");
  assert.deepStrictEqual(
    recordsIn(await log.read(0, NO_LIMIT))
      .slice(0, 50)
      .map((r) => r.offset),
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test("LogAppendTime stamps the batch and keeps its CRC valid", async () => {
  const { log, clock } = await openTestLog({ timestampType: "LogAppendTime" });
  const result = await log.append(simpleBatch(0, 2, 5), { leaderEpoch: 0 });
  assert.equal(result.logAppendTimeMs, clock.nowMs());
  const bytes = await log.read(0, NO_LIMIT);
  assert.equal(Number(bytes.readBigInt64BE(35)), clock.nowMs());
  assert.equal((bytes.readInt16BE(21) & 0x08) !== 0, true);
  recordsIn(bytes);
});

test("offsets by timestamp and the max-timestamp record", async () => {
  const { log } = await openTestLog({ indexIntervalBytes: 1 });
  await log.append(simpleBatch(0, 3, 100), { leaderEpoch: 0 }); // timestamps 100..102
  await log.append(simpleBatch(3, 3, 500), { leaderEpoch: 0 }); // 503..505
  await log.append(simpleBatch(6, 2, 200), { leaderEpoch: 0 }); // 206..207
  assert.deepStrictEqual(await log.findOffsetByTimestamp(0), { offset: 0, timestampMs: 100 });
  assert.deepStrictEqual(await log.findOffsetByTimestamp(101), { offset: 1, timestampMs: 101 });
  assert.deepStrictEqual(await log.findOffsetByTimestamp(103), { offset: 3, timestampMs: 503 });
  assert.deepStrictEqual(await log.findOffsetByTimestamp(505), { offset: 5, timestampMs: 505 });
  assert.equal(await log.findOffsetByTimestamp(506), null);
  assert.deepStrictEqual(await log.findMaxTimestampRecord(), { offset: 5, timestampMs: 505 });
});

test("truncation removes whole batches from the end, across segments", async () => {
  const batchSize = simpleBatch(0, 2).length;
  const { log } = await openTestLog({ segmentBytes: batchSize * 2 });
  for (let i = 0; i < 6; i++) await log.append(simpleBatch(i * 2, 2), { leaderEpoch: i }); // offsets 0..11
  await log.truncateTo(5);
  assert.equal(log.logEndOffset, 4, "the batch holding offset 5 starts at 4 and goes entirely");
  assert.deepStrictEqual(
    recordsIn(await log.read(0, NO_LIMIT)).map((r) => r.offset),
    [0, 1, 2, 3],
  );
  assert.equal(log.leaderEpochs.latestEpoch(), 1);
  const appended = await log.append(simpleBatch(0, 1), { leaderEpoch: 9 });
  assert.equal(appended.firstOffset, 4);
});

test("advancing the log start offset hides earlier offsets and drops whole segments", async () => {
  const batchSize = simpleBatch(0, 2).length;
  const { log } = await openTestLog({ segmentBytes: batchSize * 2, fileDeleteDelayMs: 0 });
  for (let i = 0; i < 4; i++) await log.append(simpleBatch(i * 2, 2), { leaderEpoch: 0 }); // 0..7, segments at 0 and 4
  assert.equal(await log.advanceLogStartOffset(5), 5);
  assert.deepStrictEqual(
    log.allSegments().map((s) => s.baseOffset),
    [4],
  );
  await assert.rejects(
    log.read(4, NO_LIMIT),
    (e: StorageError) => e.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
  );
  assert.ok(recordsIn(await log.read(5, NO_LIMIT)).some((r) => r.offset === 5));
  await assert.rejects(
    log.advanceLogStartOffset(100),
    (e: StorageError) => e.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
  );
});

test("a clean close and reopen keeps everything and trusts the indexes", async () => {
  const t = await openTestLog({ indexIntervalBytes: 1 });
  for (let i = 0; i < 10; i++) await t.log.append(simpleBatch(i, 1), { leaderEpoch: 3 });
  await t.log.close();
  await assert.rejects(
    t.log.read(0, NO_LIMIT),
    (e: StorageError) => e.errorCode === ErrorCode.KAFKA_STORAGE_ERROR,
  );
  const { log, recoveredSegments } = await reopen(t, { hadCleanShutdown: true, recoveryPoint: 10 });
  assert.equal(recoveredSegments, 0);
  assert.equal(log.logEndOffset, 10);
  assert.equal(log.leaderEpochs.latestEpoch(), 3);
  assert.deepStrictEqual(
    recordsIn(await log.read(7, NO_LIMIT)).map((r) => r.offset),
    [7, 8, 9],
  );
});
