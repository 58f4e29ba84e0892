/**
 * EIO from the disk, on a write and on an fsync. A failed write that can be
 * undone leaves the log as it was and usable; a failed fsync takes the log
 * offline (after one, Linux may have dropped dirty pages, so nothing written
 * since the last good fsync may be acknowledged), and only a reopen, which
 * recovers, brings it back with every acknowledged record intact.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "../../../../src/protocol/errors.ts";
import { ManualClock } from "../../../../src/storage/clock.ts";
import { logConfig } from "../../../../src/storage/log-config.ts";
import { loadLog } from "../../../../src/storage/log-loader.ts";
import { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";
import { StorageError } from "../../../../src/storage/storage-error.ts";
import { simpleBatch } from "../support/batches.ts";
import { GatedFileSystem } from "../support/gated-file-system.ts";
import { assertLogMatchesModel, LogModel, readAllBatches } from "../support/log-model.ts";
import { DIR, openTestLog, reopen, type TestLog } from "../support/open-log.ts";
import { waitUntil } from "../support/wait.ts";

const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;
const SEGMENT_LOG = /\.log$/;

function isStorageError(error: unknown): boolean {
  return error instanceof StorageError && error.errorCode === ErrorCode.KAFKA_STORAGE_ERROR;
}

/** Appends `count` small batches with acks=all and records them in the model. */
async function appendAcked(t: TestLog, model: LogModel, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const batch = simpleBatch(model.logEndOffset, 1 + (i % 3));
    const result = await t.log.append(batch, ACKS_ALL);
    model.appended(batch, result.firstOffset, true);
  }
}

test("EIO on a write fails the append with KAFKA_STORAGE_ERROR and changes nothing", async () => {
  const t = await openTestLog({ indexIntervalBytes: 1 });
  const model = new LogModel();
  await appendAcked(t, model, 5);
  t.fs.failNext("write", "EIO", SEGMENT_LOG);
  await assert.rejects(t.log.append(simpleBatch(0, 2), ACKS_ALL), isStorageError);
  assert.equal(t.log.isOffline, false, "an undone write leaves the log usable");
  await assertLogMatchesModel(t.log, model, "after the failed write");
  await appendAcked(t, model, 3);
  await assertLogMatchesModel(t.log, model, "appends continue where the log ended");
  t.fs.crash();
  const { log } = await reopen(t, { hadCleanShutdown: false });
  await assertLogMatchesModel(log, model, "after a power loss");
});

test("EIO on a write whose undo fails too takes the log offline; a reopen recovers it", async () => {
  const t = await openTestLog();
  const model = new LogModel();
  await appendAcked(t, model, 4);
  t.fs.failNext("write", "EIO", SEGMENT_LOG);
  t.fs.failNext("truncate", "EIO", SEGMENT_LOG);
  await assert.rejects(t.log.append(simpleBatch(0, 1), ACKS_ALL), isStorageError);
  assert.equal(t.log.isOffline, true);
  await assertOfflineEverywhere(t);
  const { log } = await reopen(t, { hadCleanShutdown: false });
  await assertLogMatchesModel(log, model, "after reopening");
});

test("EIO on fsync fails the acks=all append and takes the log offline", async () => {
  const t = await openTestLog({ indexIntervalBytes: 1 });
  const model = new LogModel();
  await appendAcked(t, model, 6);
  t.fs.failNext("sync", "EIO", SEGMENT_LOG);
  await assert.rejects(t.log.append(simpleBatch(0, 2), ACKS_ALL), isStorageError);
  assert.equal(t.log.isOffline, true);
  await assertOfflineEverywhere(t);
  // A restart without a power loss keeps every acknowledged batch (and may keep the failed one).
  const again = await reopen(t, { hadCleanShutdown: false, recoveryPoint: 0 });
  assert.ok(again.recoveredSegments > 0, "an unclean open recovers");
  const kept = await readAllBatches(again.log);
  assert.deepStrictEqual(
    kept.slice(0, model.batches.length).map((b) => b.bytes),
    model.batches.map((b) => b.bytes),
  );
  model.resetTo(kept, again.log.logStartOffset, again.log.logEndOffset);
  // Recovery made what it kept durable: a power loss now loses nothing.
  t.fs.crash({ tornWrites: true, seed: 7 });
  t.log = (await reopen(t, { hadCleanShutdown: false })).log;
  await assertLogMatchesModel(t.log, model, "after a power loss");
  await appendAcked(t, model, 2);
  await assertLogMatchesModel(t.log, model, "appends continue at the log end");
});

test("appends waiting for the next fsync fail too once an fsync has failed", async () => {
  const sim = new SimFileSystem();
  await sim.mkdir("/data");
  await sim.syncDirectory("/");
  const fs = new GatedFileSystem(sim);
  const open = (hadCleanShutdown: boolean) =>
    loadLog({
      fs,
      clock: new ManualClock(0),
      dir: DIR,
      config: logConfig(),
      recoveryPoint: 0,
      logStartOffset: 0,
      hadCleanShutdown,
    });
  const { log } = await open(false);
  const model = new LogModel();
  for (let i = 0; i < 3; i++) {
    const batch = simpleBatch(i, 1);
    model.appended(batch, (await log.append(batch, ACKS_ALL)).firstOffset, true);
  }
  fs.holdSyncs();
  const first = log.append(simpleBatch(3, 1), ACKS_ALL);
  await waitUntil(() => fs.heldSyncs === 1, "the first fsync to start");
  // These write while that fsync runs, so they wait for the next one, which would succeed.
  const later = Array.from({ length: 4 }, (_, i) => log.append(simpleBatch(4 + i, 1), ACKS_ALL));
  await waitUntil(() => log.logEndOffset === 8, "the later appends to be written");
  sim.failNext("sync", "EIO", SEGMENT_LOG);
  fs.releaseSyncs();
  const outcomes = await Promise.allSettled([first, ...later]);
  assert.deepStrictEqual(
    outcomes.map((o) => (o.status === "rejected" ? isStorageError(o.reason) : "acknowledged")),
    [true, true, true, true, true],
    "after a failed fsync, Linux may have dropped pages a later fsync will not write again",
  );
  assert.equal(log.isOffline, true);
  sim.crash();
  const again = await open(false);
  await assertLogMatchesModel(again.log, model, "after a power loss");
});

async function assertOfflineEverywhere(t: TestLog): Promise<void> {
  const { log } = t;
  const read = { maxBytes: 1 << 20, minOneBatch: true };
  await assert.rejects(log.append(simpleBatch(0, 1), ACKS_ALL), isStorageError, "append");
  await assert.rejects(log.append(simpleBatch(0, 1), { leaderEpoch: 0 }), isStorageError, "append, acks=1");
  await assert.rejects(log.read(0, read), isStorageError, "read");
  await assert.rejects(log.flush(), isStorageError, "flush");
  await assert.rejects(log.roll(), isStorageError, "roll");
  await assert.rejects(log.truncateTo(0), isStorageError, "truncate");
  await assert.rejects(log.advanceLogStartOffset(0), isStorageError, "advance the log start");
  await assert.rejects(log.findOffsetByTimestamp(0), isStorageError, "find by timestamp");
}

for (const trigger of ["an append that fills the segment", "an explicit roll"] as const) {
  test(`EIO on the fsync of a roll (${trigger}) is KAFKA_STORAGE_ERROR and takes the log offline`, async () => {
    const batchBytes = simpleBatch(0, 1).length;
    const t = await openTestLog({ segmentBytes: batchBytes * 3 });
    const model = new LogModel();
    await appendAcked(t, model, 3);
    await t.log.append(simpleBatch(model.logEndOffset, 1), { leaderEpoch: 0 }); // acks=1: not durable yet
    t.fs.failNext("sync", "EIO", SEGMENT_LOG);
    const rolling =
      trigger === "an explicit roll" ? t.log.roll() : t.log.append(simpleBatch(4, 1), { leaderEpoch: 0 });
    await assert.rejects(rolling, isStorageError);
    assert.equal(t.log.isOffline, true);
    await assertOfflineEverywhere(t);
    t.fs.crash();
    const { log } = await reopen(t, { hadCleanShutdown: false });
    const kept = await readAllBatches(log);
    assert.deepStrictEqual(
      kept.slice(0, model.batches.length).map((b) => b.bytes),
      model.batches.map((b) => b.bytes),
      "every acknowledged batch is intact",
    );
  });
}
