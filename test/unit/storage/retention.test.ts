import assert from "node:assert/strict";
import { test } from "node:test";
import { applyRetention } from "../../../src/storage/retention.ts";
import { recordsIn, simpleBatch } from "./support/batches.ts";
import { openTestLog } from "./support/open-log.ts";

const batchSize = simpleBatch(0, 1, 0).length;

test("time retention deletes segments whose newest record is too old, and never the readable end", async () => {
  const { log, clock, fs } = await openTestLog({
    segmentBytes: batchSize * 2,
    retentionMs: 10_000,
    fileDeleteDelayMs: 5_000,
  });
  for (let i = 0; i < 4; i++)
    await log.append(simpleBatch(i, 1, clock.nowMs() - 1_000_000 - i), { leaderEpoch: 0 }); // old
  for (let i = 4; i < 6; i++) await log.append(simpleBatch(i, 1, clock.nowMs()), { leaderEpoch: 0 }); // fresh
  assert.deepStrictEqual(
    log.allSegments().map((s) => s.baseOffset),
    [0, 2, 4],
  );
  const report = await applyRetention(log, clock.nowMs());
  assert.equal(report.deletedByTime, 2);
  assert.equal(log.logStartOffset, 4);
  assert.deepStrictEqual(
    recordsIn(await log.read(4, { maxBytes: 1 << 20, minOneBatch: true })).map((r) => r.offset),
    [4, 5],
  );
  const names = await fs.readdir("/data/topic-0");
  assert.ok(
    names.includes("00000000000000000000.log.deleted"),
    "files linger as .deleted for in-flight reads",
  );
  clock.advance(5_001);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(!(await fs.readdir("/data/topic-0")).some((n) => n.endsWith(".deleted")), "and then go");
});

test("when every segment has expired, a new empty one is rolled and the offsets carry on", async () => {
  const { log, clock } = await openTestLog({ segmentBytes: batchSize * 2, retentionMs: 10 });
  for (let i = 0; i < 3; i++) await log.append(simpleBatch(i, 1, 0), { leaderEpoch: 0 });
  const report = await applyRetention(log, clock.nowMs());
  assert.equal(report.deletedByTime, 2);
  assert.equal(log.logStartOffset, 3);
  assert.equal(log.logEndOffset, 3);
  assert.equal((await log.append(simpleBatch(0, 1, 0), { leaderEpoch: 0 })).firstOffset, 3);
});

test("size retention keeps the log at or above the limit, dropping oldest first", async () => {
  const { log, clock } = await openTestLog({
    segmentBytes: batchSize * 2,
    retentionBytes: batchSize * 3,
    retentionMs: -1,
  });
  for (let i = 0; i < 8; i++) await log.append(simpleBatch(i, 1, clock.nowMs()), { leaderEpoch: 0 });
  const report = await applyRetention(log, clock.nowMs());
  assert.equal(report.deletedBySize, 2, "8 batches - 2 segments of 2 = 4 left, the least above 3");
  assert.ok(log.sizeBytes() >= batchSize * 3);
  assert.deepStrictEqual(
    log.allSegments().map((s) => s.baseOffset),
    [4, 6],
  );
});

test("nothing at or above the high watermark is deleted", async () => {
  const { log, clock } = await openTestLog({ segmentBytes: batchSize * 2, retentionMs: 10 });
  for (let i = 0; i < 6; i++) await log.append(simpleBatch(i, 1, 0), { leaderEpoch: 0 });
  const report = await applyRetention(log, clock.nowMs(), 3);
  assert.equal(report.deletedByTime, 1, "only the segment [0, 2) lies wholly below offset 3");
});

test("compacted topics without delete keep old segments", async () => {
  const { log, clock } = await openTestLog({
    segmentBytes: batchSize * 2,
    retentionMs: 10,
    cleanupPolicy: { delete: false, compact: true },
  });
  for (let i = 0; i < 6; i++) await log.append(simpleBatch(i, 1, 0), { leaderEpoch: 0 });
  const report = await applyRetention(log, clock.nowMs());
  assert.deepStrictEqual(report, { deletedByTime: 0, deletedBySize: 0, deletedByStartOffset: 0 });
});
