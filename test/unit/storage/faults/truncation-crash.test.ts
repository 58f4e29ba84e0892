/**
 * Truncation and power loss. A truncation need not be durable at once (as in
 * Kafka, a follower re-truncates after a restart), but once data is appended
 * in place of what was truncated, no power loss may bring the truncated data
 * back over it, and a clean close must leave exactly the truncated log.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { simpleBatch } from "../support/batches.ts";
import { assertLogMatchesModel, LogModel } from "../support/log-model.ts";
import { openTestLog, reopen, type TestLog } from "../support/open-log.ts";

const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;

async function append(
  t: TestLog,
  model: LogModel,
  first: number,
  count: number,
  acksAll: boolean,
): Promise<void> {
  const batch = simpleBatch(first, count);
  const result = await t.log.append(batch, acksAll ? ACKS_ALL : { leaderEpoch: 0 });
  model.appended(batch, result.firstOffset, acksAll);
}

test("segments removed by a truncation never come back to shadow what was appended after it", async () => {
  const t = await openTestLog();
  const model = new LogModel();
  await append(t, model, 0, 5, true);
  await t.log.roll();
  await append(t, model, 5, 5, true); // offsets 5..9, in the segment based at 5
  await t.log.truncateTo(5); // that whole segment goes
  model.truncatedTo(5);
  await append(t, model, 100, 5, true); // new offsets 5..9, acknowledged, in the segment based at 0
  t.fs.crash();
  const { log } = await reopen(t, { hadCleanShutdown: false });
  await assertLogMatchesModel(log, model, "after a power loss");
});

test("a clean close after a truncation is exactly the truncated log, even across a power loss", async () => {
  const t = await openTestLog({ segmentBytes: simpleBatch(0, 5).length * 2 });
  const model = new LogModel();
  for (let i = 0; i < 4; i++) await append(t, model, i * 5, 5, true);
  // Exactly the last segment goes (a cut inside a segment, or one below a producer snapshot, would sync the directory anyway).
  const lastBase = t.log.activeSegment.baseOffset;
  await t.log.truncateTo(lastBase);
  model.truncatedTo(lastBase);
  await t.log.close();
  t.fs.crash();
  const { log, recoveredSegments } = await reopen(t, { hadCleanShutdown: true, recoveryPoint: lastBase });
  assert.equal(recoveredSegments, 0);
  await assertLogMatchesModel(log, model, "after a clean close and a power loss");
});
