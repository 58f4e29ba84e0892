/**
 * Small cases the model test (log-model.test.ts) found, kept as plain
 * examples so that each stays covered whatever the random search draws.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { simpleBatch } from "../support/batches.ts";
import { assertLogMatchesModel, LogModel } from "../support/log-model.ts";
import { openTestLog } from "../support/open-log.ts";

test("truncating into the batch that holds the log start lowers the log start to the new end", async () => {
  const { log } = await openTestLog();
  const model = new LogModel();
  const batch = simpleBatch(0, 2);
  model.appended(batch, (await log.append(batch, { leaderEpoch: 0 })).firstOffset, false);
  assert.equal(await log.advanceLogStartOffset(1), 1);
  model.startMovedTo(1);
  // The batch holding offset 1 starts at 0 and goes whole: the log ends at 0, so it must start there too.
  await log.truncateTo(1);
  model.truncatedTo(1);
  assert.equal(log.logEndOffset, 0);
  assert.equal(log.logStartOffset, 0);
  await assertLogMatchesModel(log, model, "after the truncation");
  const next = simpleBatch(0, 1);
  assert.equal((await log.append(next, { leaderEpoch: 0 })).firstOffset, 0);
});

test("ListOffsets MAX_TIMESTAMP finds a record when the largest timestamp lies below the log start", async () => {
  const { log } = await openTestLog();
  await log.append(simpleBatch(0, 3, 5_000), { leaderEpoch: 0 }); // timestamps 5000..5002
  await log.append(simpleBatch(3, 1, 1_000), { leaderEpoch: 0 }); // timestamp 1003
  await log.advanceLogStartOffset(3);
  assert.deepStrictEqual(await log.findMaxTimestampRecord(), { offset: 3, timestampMs: 1_003 });
});
