import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import type { StorageError } from "../../../src/storage/storage-error.ts";
import { batchOf } from "./support/batches.ts";
import { openTestLog, reopen } from "./support/open-log.ts";

const PRODUCER = 4000n;

function idempotentBatch(baseSequence: number, count: number): Buffer {
  return batchOf(
    Array.from({ length: count }, (_, i) => ({
      key: "k",
      value: `s${baseSequence + i}`,
      timestampMs: 1000 + i,
    })),
    { producerId: PRODUCER, baseSequence },
  );
}

test("a retried batch is answered with its original offsets and written once", async () => {
  const { log } = await openTestLog();
  const first = await log.append(idempotentBatch(0, 3), { leaderEpoch: 0 });
  await log.append(idempotentBatch(3, 2), { leaderEpoch: 0 });
  const retry = await log.append(idempotentBatch(0, 3), { leaderEpoch: 0 });
  assert.equal(retry.duplicate, true);
  assert.deepStrictEqual([retry.firstOffset, retry.lastOffset], [first.firstOffset, first.lastOffset]);
  assert.equal(log.logEndOffset, 5);
});

test("a gap in sequence numbers is OUT_OF_ORDER_SEQUENCE_NUMBER and writes nothing", async () => {
  const { log } = await openTestLog();
  await log.append(idempotentBatch(0, 2), { leaderEpoch: 0 });
  await assert.rejects(
    log.append(idempotentBatch(5, 1), { leaderEpoch: 0 }),
    (e: StorageError) => e.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  );
  assert.equal(log.logEndOffset, 2);
});

for (const clean of [true, false]) {
  test(`deduplication survives a${clean ? " clean" : "n unclean"} restart`, async () => {
    const t = await openTestLog({ segmentBytes: 200 });
    for (let i = 0; i < 6; i++)
      await t.log.append(idempotentBatch(i * 2, 2), { leaderEpoch: 0, durability: "acks-all" });
    if (clean) await t.log.close();
    else t.fs.crash();
    const { log } = await reopen(t, {
      hadCleanShutdown: clean,
      recoveryPoint: clean ? t.log.logEndOffset : 0,
    });
    const retry = await log.append(idempotentBatch(10, 2), { leaderEpoch: 0 });
    assert.equal(retry.duplicate, true, "the last batch before the restart is recognised");
    assert.deepStrictEqual([retry.firstOffset, retry.lastOffset], [10, 11]);
    const next = await log.append(idempotentBatch(12, 1), { leaderEpoch: 0 });
    assert.equal(next.firstOffset, 12);
  });
}

test("truncation rewinds producer state with the log", async () => {
  const { log } = await openTestLog();
  await log.append(idempotentBatch(0, 2), { leaderEpoch: 0 });
  await log.append(idempotentBatch(2, 2), { leaderEpoch: 0 });
  await log.truncateTo(2);
  const again = await log.append(idempotentBatch(2, 2), { leaderEpoch: 0 });
  assert.equal(again.duplicate, false, "the truncated batch is new again");
  assert.equal(again.firstOffset, 2);
});
