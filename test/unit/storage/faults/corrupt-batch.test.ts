/**
 * A batch damaged in the middle of a segment (a flipped bit under its CRC,
 * an impossible length, a wrong magic byte): recovery cuts the log at that
 * batch, and deletes every later segment, whose offsets no longer follow.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CRC_OFFSET, LENGTH_OFFSET, MAGIC_OFFSET } from "../../../../src/protocol/records/batch-header.ts";
import { LOG_SUFFIX, offsetFileName } from "../../../../src/storage/segment-files.ts";
import { simpleBatch } from "../support/batches.ts";
import { assertLogMatchesModel, LogModel, type ModelBatch } from "../support/log-model.ts";
import { DIR, openTestLog, reopen, type TestLog } from "../support/open-log.ts";

const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;

const DAMAGE: Record<string, (batch: Buffer) => void> = {
  "a flipped bit under the CRC": (batch) => {
    batch[batch.length - 2] ^= 0x10;
  },
  "a wrong CRC": (batch) => {
    batch.writeUInt32BE(batch.readUInt32BE(CRC_OFFSET) ^ 1, CRC_OFFSET);
  },
  "an impossible length": (batch) => {
    batch.writeInt32BE(-5, LENGTH_OFFSET);
  },
  "a length running past the segment": (batch) => {
    batch.writeInt32BE(1 << 30, LENGTH_OFFSET);
  },
  "a wrong magic byte": (batch) => {
    batch[MAGIC_OFFSET] = 1;
  },
};

async function buildLog(): Promise<{ t: TestLog; model: LogModel }> {
  const batchBytes = simpleBatch(0, 2).length;
  const t = await openTestLog({ segmentBytes: batchBytes * 5, indexIntervalBytes: 1 });
  const model = new LogModel();
  // At least four segments, and four batches in the last, so there is a middle to damage.
  for (
    let i = 0;
    t.log.allSegments().length < 4 || t.log.activeSegment.nextOffset - t.log.activeSegment.baseOffset < 8;
    i++
  ) {
    assert.ok(i < 100, "the log grows");
    const batch = simpleBatch(i * 2, 2);
    model.appended(batch, (await t.log.append(batch, ACKS_ALL)).firstOffset, true);
  }
  return { t, model };
}

/** Damages the `index`-th batch of the segment at `baseOffset`, durably, and returns that batch. */
async function damage(
  t: TestLog,
  model: LogModel,
  baseOffset: number,
  index: number,
  how: (batch: Buffer) => void,
): Promise<ModelBatch> {
  const file = `${DIR}/${offsetFileName(baseOffset, LOG_SUFFIX)}`;
  const inSegment = model.batches.filter((b) => b.baseOffset >= baseOffset);
  const position = inSegment.slice(0, index).reduce((sum, b) => sum + b.bytes.length, 0);
  const target = inSegment[index];
  const bytes = Buffer.from(target.bytes);
  how(bytes);
  const handle = await t.fs.open(file, "write");
  await handle.write(bytes, position);
  await handle.sync();
  await handle.close();
  return target;
}

for (const [name, how] of Object.entries(DAMAGE)) {
  test(`${name} in the middle of the last segment: the log ends before that batch`, async () => {
    const { t, model } = await buildLog();
    const last = t.log.activeSegment.baseOffset;
    const damaged = await damage(t, model, last, 2, how);
    const report = await reopen(t, { hadCleanShutdown: false, recoveryPoint: last });
    assert.equal(report.recoveredSegments, 1, "only the segment past the recovery point is scanned");
    assert.equal(report.deletedSegments, 0);
    model.truncatedTo(damaged.baseOffset);
    await assertLogMatchesModel(report.log, model, "after recovery");
    const appended = await report.log.append(simpleBatch(0, 1), ACKS_ALL);
    assert.equal(appended.firstOffset, damaged.baseOffset, "offsets continue at the cut");
  });

  test(`${name} in the middle of an earlier segment: cut there, later segments deleted for good`, async () => {
    const { t, model } = await buildLog();
    const segments = t.log.allSegments().map((s) => s.baseOffset);
    const damaged = await damage(t, model, segments[1], 2, how);
    const report = await reopen(t, { hadCleanShutdown: false, recoveryPoint: 0 });
    assert.equal(report.deletedSegments, segments.length - 2);
    model.truncatedTo(damaged.baseOffset);
    await assertLogMatchesModel(report.log, model, "after recovery");
    const names = await t.fs.readdir(DIR);
    for (const later of segments.slice(2)) {
      assert.ok(!names.includes(offsetFileName(later, LOG_SUFFIX)), `segment ${later} is deleted`);
    }
    const batch = simpleBatch(0, 3);
    model.appended(batch, (await report.log.append(batch, ACKS_ALL)).firstOffset, true);
    // The deletions were durable: a power loss now brings none of them back.
    t.fs.crash({ tornWrites: true, seed: 5 });
    const again = await reopen(t, { hadCleanShutdown: false });
    await assertLogMatchesModel(again.log, model, "after a power loss");
  });
}
