/**
 * A disk that keeps filling up: random appends (several concurrent, acks=all)
 * against free space that keeps running out, with rolls and index entries so
 * that ENOSPC strikes every kind of file. Each failure must be
 * KAFKA_STORAGE_ERROR; acknowledged data must survive each episode, the
 * reopen that follows one that took the log offline, and a power loss.
 * Shared by the unit tier (disk-full.test.ts) and the fault tier.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../../../../src/protocol/errors.ts";
import { SeededRandom } from "../../../../src/storage/sim-file-system-nodes.ts";
import { StorageError } from "../../../../src/storage/storage-error.ts";
import { batchOf, simpleBatch } from "../support/batches.ts";
import { assertLogMatchesModel, LogModel, readAllBatches } from "../support/log-model.ts";
import { openTestLog, reopen, type TestLog } from "../support/open-log.ts";
import { withSeed } from "../support/seed.ts";

const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;

export function isStorageError(error: unknown): boolean {
  return error instanceof StorageError && error.errorCode === ErrorCode.KAFKA_STORAGE_ERROR;
}

export interface DiskFullReport {
  /** Appends that failed for want of space. */
  failures: number;
  /** Rounds that ended with the log offline (the full disk struck a derived file). */
  offline: number;
}

export function fillDiskRepeatedly(seed: number, rounds: number): Promise<DiskFullReport> {
  return withSeed(seed, async () => {
    const random = new SeededRandom(seed);
    const t = await openTestLog({ segmentBytes: 1_200, indexIntervalBytes: 200 });
    const model = new LogModel();
    let failures = 0;
    let offline = 0;
    for (let round = 0; round < rounds; round++) {
      t.fs.capacityBytes = t.fs.usedBytes + random.nextInt(600);
      const batches = Array.from({ length: 1 + random.nextInt(4) }, (_, i) =>
        batchOf(
          Array.from({ length: 1 + random.nextInt(3) }, (_, r) => ({
            key: `r${round}-${i}-${r}`,
            value: "x".repeat(random.nextInt(120)),
            timestampMs: 1_000 + round,
          })),
        ),
      );
      const outcomes = await Promise.allSettled(batches.map((b) => t.log.append(b, ACKS_ALL)));
      const acknowledged = outcomes.flatMap((o, i) =>
        o.status === "fulfilled" ? [{ i, result: o.value }] : [],
      );
      for (const { i, result } of acknowledged.sort((a, b) => a.result.firstOffset - b.result.firstOffset)) {
        // An earlier failed append leaves no trace, so the next one takes its offsets.
        if (result.firstOffset === model.logEndOffset) model.appended(batches[i], result.firstOffset, true);
        else assert.fail(`append got offset ${result.firstOffset}, the log end was ${model.logEndOffset}`);
      }
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          assert.ok(isStorageError(outcome.reason), `round ${round}: ${String(outcome.reason)}`);
          failures++;
        }
      }
      t.fs.capacityBytes = Number.POSITIVE_INFINITY;
      if (t.log.isOffline) {
        offline++;
        if (random.nextInt(2) === 0) t.fs.crash({ tornWrites: true, seed: random.nextInt(1 << 30) });
        t.log = (await reopen(t, { hadCleanShutdown: false })).log;
        const kept = await readAllBatches(t.log);
        assert.ok(kept.length >= model.batches.length, `round ${round}: acknowledged batches lost`);
        model.batches.forEach((batch, i) => {
          assert.ok(
            kept[i].bytes.equals(batch.bytes),
            `round ${round}: batch at ${batch.baseOffset} changed`,
          );
        });
        model.resetTo(kept, t.log.logStartOffset, t.log.logEndOffset);
      }
      await assertLogMatchesModel(t.log, model, `round ${round}`);
      await appendOne(t, model);
    }
    t.fs.crash({ tornWrites: true, seed });
    const { log } = await reopen(t, { hadCleanShutdown: false });
    await assertLogMatchesModel(log, model, "after a final power loss");
    return { failures, offline };
  });
}

async function appendOne(t: TestLog, model: LogModel): Promise<void> {
  const batch = simpleBatch(model.logEndOffset, 1);
  const result = await t.log.append(batch, ACKS_ALL);
  model.appended(batch, result.firstOffset, true);
}
