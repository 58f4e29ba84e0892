/**
 * A full disk (ENOSPC) while appending. The caller gets
 * KAFKA_STORAGE_ERROR, nothing already written is damaged, and once space
 * is freed appends carry on from the log end. A full disk that strikes a
 * derived file instead (an index or producer snapshot written during a
 * flush or roll) takes the log offline, as any failure part-way through a
 * mutation does; a reopen then brings it back intact.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { simpleBatch } from "../support/batches.ts";
import { assertLogMatchesModel, LogModel } from "../support/log-model.ts";
import { openTestLog, reopen } from "../support/open-log.ts";
import { testSeed } from "../support/seed.ts";
import { fillDiskRepeatedly, isStorageError } from "./disk-full-run.ts";

const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;

test("ENOSPC on the segment write fails the append; appends resume once space is freed", async () => {
  const t = await openTestLog();
  const model = new LogModel();
  for (let i = 0; i < 5; i++) {
    const batch = simpleBatch(i, 2);
    model.appended(batch, (await t.log.append(batch, ACKS_ALL)).firstOffset, true);
  }
  const next = simpleBatch(100, 3);
  t.fs.capacityBytes = t.fs.usedBytes + next.length - 1;
  await assert.rejects(t.log.append(next, ACKS_ALL), isStorageError);
  await assert.rejects(t.log.append(Buffer.from(next), { leaderEpoch: 0 }), isStorageError, "acks=1 too");
  assert.equal(t.log.isOffline, false, "a write that failed whole leaves the log usable");
  await assertLogMatchesModel(t.log, model, "the full disk damaged nothing");
  t.fs.capacityBytes = Number.POSITIVE_INFINITY;
  const result = await t.log.append(next, ACKS_ALL);
  assert.equal(result.firstOffset, 10, "no offsets were used up by the failed appends");
  model.appended(next, result.firstOffset, true);
  t.fs.crash({ tornWrites: true, seed: 3 });
  const { log } = await reopen(t, { hadCleanShutdown: false });
  await assertLogMatchesModel(log, model, "after a power loss");
});

test("a disk that keeps filling up never damages acknowledged data", async () => {
  const rounds = 40;
  const { failures, offline } = await fillDiskRepeatedly(testSeed(0xd15c), rounds);
  assert.ok(failures > 10, `the disk filled up often enough (${failures} failed appends)`);
  assert.ok(offline < rounds, "some failures left the log online");
});
