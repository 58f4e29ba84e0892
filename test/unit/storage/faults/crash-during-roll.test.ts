/**
 * A power loss at every file-system step of a roll (the old segment's
 * flush, the new segment's creation and directory entry, the leader-epoch
 * checkpoint, the producer snapshot), with and without torn writes, for an
 * explicit roll and for one an append sets off. Whatever the step, the
 * reopened log keeps every acknowledged batch, ends on a batch boundary with
 * no hole before its end, and takes the next append at its end.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SimOperation } from "../../../../src/storage/sim-file-system.ts";
import { simpleBatch } from "../support/batches.ts";
import {
  assertLogMatchesModel,
  assertRecoveredFromModel,
  LogModel,
  readAllBatches,
} from "../support/log-model.ts";
import { openTestLog, reopen, type TestLog } from "../support/open-log.ts";
import { withSeed } from "../support/seed.ts";

const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;
const BATCH_BYTES = simpleBatch(10, 2).length;
const SEGMENT_BYTES = Math.floor(BATCH_BYTES * 4.5);

type Trigger = "roll()" | "an append that fills the segment";

/** A log with acknowledged batches and one unacknowledged one, its active segment nearly full. */
async function prepare(): Promise<{ t: TestLog; model: LogModel }> {
  const t = await openTestLog({ segmentBytes: SEGMENT_BYTES, indexIntervalBytes: 1 });
  const model = new LogModel();
  // Two segments: a rolled one, and an active one with room for exactly one more batch.
  for (
    let i = 0;
    t.log.allSegments().length < 2 || t.log.activeSegment.sizeBytes + 2 * BATCH_BYTES <= SEGMENT_BYTES;
    i++
  ) {
    assert.ok(i < 50, "the log grows");
    const batch = simpleBatch(10 + i * 2, 2);
    model.appended(batch, (await t.log.append(batch, ACKS_ALL)).firstOffset, true);
  }
  const unacknowledged = simpleBatch(90, 2);
  model.appended(unacknowledged, (await t.log.append(unacknowledged, { leaderEpoch: 0 })).firstOffset, false);
  assert.equal(t.log.allSegments().length, 2, "the unacknowledged batch did not roll");
  assert.ok(t.log.activeSegment.sizeBytes + BATCH_BYTES > SEGMENT_BYTES, "the next append rolls");
  return { t, model };
}

function start(t: TestLog, trigger: Trigger): { done: Promise<unknown>; batch: Buffer } {
  const batch = simpleBatch(92, 2);
  if (trigger === "roll()") return { done: t.log.roll(), batch };
  return { done: t.log.append(batch, { leaderEpoch: 1, durability: "acks-all" }), batch };
}

/** The file-system operations the roll performs, in order. */
async function operationsOfRoll(trigger: Trigger): Promise<string[]> {
  const { t } = await prepare();
  const operations: string[] = [];
  t.fs.faultHook = (operation: SimOperation, path: string) => {
    operations.push(`${operation} ${path.slice(path.lastIndexOf("/") + 1)}`);
    return null;
  };
  await start(t, trigger).done;
  t.fs.clearFaults();
  return operations;
}

for (const trigger of ["roll()", "an append that fills the segment"] as const) {
  test(`a power loss at any step of ${trigger} loses nothing acknowledged`, async () => {
    const operations = await operationsOfRoll(trigger);
    assert.ok(
      operations.some((o) => o.startsWith("syncDirectory")),
      "the roll creates a segment",
    );
    for (let failAt = 0; failAt <= operations.length; failAt++) {
      for (const tornWrites of [false, true]) {
        const seed = failAt * 2 + (tornWrites ? 1 : 0);
        await withSeed(seed, async () => {
          const where = `crash before ${operations[failAt] ?? "nothing (after the roll)"}, step ${failAt}, torn ${tornWrites}`;
          const { t, model } = await prepare();
          let count = 0;
          t.fs.faultHook = () => {
            if (count++ !== failAt) return null;
            t.fs.crash({ tornWrites, seed });
            return "EIO";
          };
          const { done, batch } = start(t, trigger);
          const outcome = await done.then(
            (result) => ({ ok: true as const, result }),
            () => ({ ok: false as const }),
          );
          if (trigger !== "roll()") {
            if (outcome.ok)
              model.appended(batch, (outcome.result as { firstOffset: number }).firstOffset, true);
            else model.attempted(batch);
          }
          if (failAt === operations.length) t.fs.crash({ tornWrites, seed });
          t.fs.clearFaults();
          const reopened = await reopen(t, { hadCleanShutdown: false });
          const recovered = await readAllBatches(reopened.log);
          assertRecoveredFromModel(
            model,
            recovered,
            {
              logStartOffset: reopened.log.logStartOffset,
              logEndOffset: reopened.log.logEndOffset,
              checkpointedLogStartOffset: 0,
            },
            where,
          );
          const segments = reopened.log.allSegments();
          for (let i = 1; i < segments.length; i++) {
            assert.equal(segments[i].baseOffset, segments[i - 1].nextOffset, `${where}: segments follow on`);
          }
          model.resetTo(recovered, reopened.log.logStartOffset, reopened.log.logEndOffset);
          const next = simpleBatch(50, 1);
          const end = reopened.log.logEndOffset;
          const appended = await reopened.log.append(next, ACKS_ALL);
          assert.equal(appended.firstOffset, end, `${where}: the next append lands at the log end`);
          model.appended(next, appended.firstOffset, true);
          t.fs.crash();
          const again = await reopen(t, { hadCleanShutdown: false });
          await assertLogMatchesModel(again.log, model, `${where}, then another power loss`);
        });
      }
    }
  });
}
