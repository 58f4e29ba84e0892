import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cleanableOffsets,
  logToClean,
  needsCleaning,
} from "../../../../src/storage/compaction/cleanable-range.ts";
import { appendInSegments, cleanerOver, keyedBatch, openCompactedLog } from "./support.ts";

/** Four closed segments of two equal batches each (offsets 0-7) and an active one (8). */
async function fourSegments(overrides = {}, timestampsMs = [1_000, 2_000, 3_000, 4_000]) {
  const test = await openCompactedLog(overrides);
  const batches = timestampsMs.flatMap((timestampMs, i) => [
    keyedBatch([[`k${i}`, "a"]], { timestampMs }),
    keyedBatch([[`k${i}`, "b"]], { timestampMs }),
  ]);
  await appendInSegments(test.log, batches, 2);
  const newestMs = timestampsMs[timestampsMs.length - 1];
  await test.log.append(keyedBatch([["active", "x"]], { timestampMs: newestMs }), { leaderEpoch: 0 });
  return test;
}

test("the dirty ratio is dirty bytes over clean plus dirty bytes, up to the active segment", async () => {
  const test = await fourSegments();
  const segmentBytes = test.log.allSegments()[0].sizeBytes;
  const now = test.clock.nowMs();
  const fromStart = logToClean(
    test.log,
    cleanableOffsets(test.log, undefined, now, test.log.logEndOffset),
    now,
  );
  assert.deepStrictEqual(
    [
      fromStart.firstDirtyOffset,
      fromStart.firstUncleanableOffset,
      fromStart.cleanBytes,
      fromStart.cleanableBytes,
    ],
    [0, 8, 0, 4 * segmentBytes],
  );
  assert.equal(fromStart.cleanableRatio, 1);

  const half = logToClean(test.log, cleanableOffsets(test.log, 4, now, test.log.logEndOffset), now);
  assert.deepStrictEqual(
    [half.cleanBytes, half.cleanableBytes, half.cleanableRatio],
    [2 * segmentBytes, 2 * segmentBytes, 0.5],
  );
  test.config.minCleanableDirtyRatio = 0.5;
  assert.equal(needsCleaning(test.log, half), false, "Kafka cleans only above the ratio, not at it");
  test.config.minCleanableDirtyRatio = 0.49;
  assert.equal(needsCleaning(test.log, half), true);
});

test("the last stable offset bounds the dirty section, rounded down to its segment", async () => {
  const test = await fourSegments();
  const now = test.clock.nowMs();
  const offsets = cleanableOffsets(test.log, 0, now, 5);
  assert.equal(offsets.firstUncleanableOffset, 5);
  assert.equal(logToClean(test.log, offsets, now).firstUncleanableOffset, 4);
});

test("a checkpoint below the log start or past the log end restarts from the log start", async () => {
  const test = await fourSegments();
  const now = test.clock.nowMs();
  assert.deepStrictEqual(cleanableOffsets(test.log, 99, now, test.log.logEndOffset), {
    firstDirtyOffset: 0,
    firstUncleanableOffset: 8,
    forceUpdateCheckpoint: true,
  });
  await test.log.advanceLogStartOffset(2);
  assert.equal(cleanableOffsets(test.log, 1, now, test.log.logEndOffset).firstDirtyOffset, 2);
  assert.equal(cleanableOffsets(test.log, 6, now, test.log.logEndOffset).forceUpdateCheckpoint, false);
});

test("min.compaction.lag.ms keeps segments holding younger records out of the pass", async () => {
  const test = await fourSegments({ minCompactionLagMs: 10_000 }, [1_000, 2_000, 3_000, 4_000]);
  test.clock.advance(12_500 - test.clock.nowMs());
  const offsets = cleanableOffsets(test.log, undefined, test.clock.nowMs(), test.log.logEndOffset);
  assert.equal(offsets.firstUncleanableOffset, 4, "segments with records newer than 2_500 stay dirty");

  const cleaner = await cleanerOver(test);
  assert.equal((await cleaner.cleanOnce())?.endOffset, 4);
  test.clock.advance(2_000);
  assert.equal((await cleaner.cleanOnce())?.endOffset, 8);
});

test("max.compaction.lag.ms forces a pass even below the dirty ratio", async () => {
  const nowMs = 1_000_000; // the test clock's start
  const test = await fourSegments({ minCleanableDirtyRatio: 0.99, maxCompactionLagMs: 60_000 }, [
    nowMs,
    nowMs,
    nowMs,
    nowMs,
  ]);
  const cleaner = await cleanerOver(test);
  // Cleaned once, then a little new dirt: far below the ratio.
  test.config.minCleanableDirtyRatio = 0;
  assert.equal((await cleaner.cleanOnce())?.endOffset, 8);
  test.config.minCleanableDirtyRatio = 0.99;
  await test.log.roll();
  await test.log.append(keyedBatch([["k0", "c"]], { timestampMs: test.clock.nowMs() }), { leaderEpoch: 0 });
  await test.log.roll();
  assert.equal(await cleaner.cleanOnce(), null, "below the ratio and not overdue");

  test.clock.advance(60_001);
  const now = test.clock.nowMs();
  const candidate = logToClean(test.log, cleanableOffsets(test.log, 8, now, test.log.logEndOffset), now);
  assert.equal(candidate.maxCompactionDelayMs, 1);
  assert.equal(needsCleaning(test.log, candidate), true);
  assert.equal((await cleaner.cleanOnce())?.endOffset, 10);
});
