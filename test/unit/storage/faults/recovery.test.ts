/**
 * Recovery after an unclean stop, from damaged files: a torn last batch
 * (any number of its bytes missing, or zeros after it), and index files
 * holding garbage of every kind. The log must open, end at the last whole
 * valid batch, rebuild its indexes, and answer every lookup right.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LOG_OVERHEAD_BYTES } from "../../../../src/protocol/records/batch-header.ts";
import type { Log } from "../../../../src/storage/log.ts";
import { OffsetIndex } from "../../../../src/storage/offset-index.ts";
import {
  LOG_SUFFIX,
  OFFSET_INDEX_SUFFIX,
  offsetFileName,
  TIME_INDEX_SUFFIX,
} from "../../../../src/storage/segment-files.ts";
import { SeededRandom } from "../../../../src/storage/sim-file-system-nodes.ts";
import { TimeIndex } from "../../../../src/storage/time-index.ts";
import { batchOf, recordsIn } from "../support/batches.ts";
import { assertLogMatchesModel, LogModel, type ModelBatch, readAllBatches } from "../support/log-model.ts";
import { DIR, openTestLog, reopen, type TestLog } from "../support/open-log.ts";

const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;

/** Three or more segments of batches of 1–4 records with scattered timestamps, all acknowledged. */
async function buildLog(seed: number): Promise<{ t: TestLog; model: LogModel }> {
  const random = new SeededRandom(seed);
  const t = await openTestLog({ segmentBytes: 900, indexIntervalBytes: 1 });
  const model = new LogModel();
  for (let i = 0; i < 24; i++) {
    const batch = batchOf(
      Array.from({ length: 1 + random.nextInt(4) }, (_, r) => ({
        key: `k${i}-${r}`,
        value: "v".repeat(random.nextInt(60)),
        timestampMs: 10_000 + random.nextInt(5_000),
      })),
    );
    model.appended(batch, (await t.log.append(batch, ACKS_ALL)).firstOffset, true);
  }
  assert.ok(t.log.allSegments().length >= 3, "several segments");
  return { t, model };
}

function path(baseOffset: number, suffix: string): string {
  return `${DIR}/${offsetFileName(baseOffset, suffix)}`;
}

async function replaceFile(t: TestLog, file: string, bytes: Buffer): Promise<void> {
  const handle = await t.fs.open(file, "create");
  await handle.truncate(0);
  await handle.write(bytes, 0);
  await handle.sync();
  await handle.close();
}

/** Positions of the model's batches inside the segment starting at `baseOffset`. */
function batchesOfSegment(
  log: Log,
  model: LogModel,
  baseOffset: number,
): { batch: ModelBatch; position: number }[] {
  const segments = log.allSegments();
  const next = segments.find((s) => s.baseOffset > baseOffset)?.baseOffset ?? Number.MAX_SAFE_INTEGER;
  let position = 0;
  return model.batches
    .filter((b) => b.baseOffset >= baseOffset && b.baseOffset < next)
    .map((batch) => {
      const at = { batch, position };
      position += batch.bytes.length;
      return at;
    });
}

type Garbage = (random: SeededRandom, batches: { batch: ModelBatch; position: number }[]) => Buffer;

function entries(pairs: readonly [number, number][], baseOffset: number): Buffer {
  const out = Buffer.alloc(pairs.length * 8);
  pairs.forEach(([offset, position], i) => {
    out.writeInt32BE(offset - baseOffset, i * 8);
    out.writeInt32BE(position, i * 8 + 4);
  });
  return out;
}

function randomBytes(random: SeededRandom, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => random.nextInt(256)));
}

/** Kinds of damage to an offset index; `base` is the segment's base offset. */
const OFFSET_INDEX_GARBAGE: Record<string, (base: number) => Garbage> = {
  "random bytes": () => (random) => randomBytes(random, 8 * (1 + random.nextInt(20))),
  "a length that is not whole entries": () => (random) => randomBytes(random, 8 * random.nextInt(4) + 3),
  "entries pointing into the middle of batches": (base) => (_random, batches) =>
    entries(
      batches.slice(1).map(({ batch, position }) => [batch.lastOffset, position + 7]),
      base,
    ),
  "entries pointing into the middle of batches, all but the last": (base) => (_random, batches) =>
    entries(
      batches
        .slice(1)
        .map(({ batch, position }, i, all): [number, number] => [
          batch.lastOffset,
          i === all.length - 1 ? position : position + 7,
        ]),
      base,
    ),
  "entries out of order": (base) => (_random, batches) =>
    entries(
      batches
        .slice(1)
        .map(({ batch, position }): [number, number] => [batch.lastOffset, position])
        .reverse(),
      base,
    ),
  "entries past the end of the log": (base) => (_random, batches) => {
    const last = batches.at(-1) as { batch: ModelBatch; position: number };
    return entries([[last.batch.lastOffset + 50, last.position + last.batch.bytes.length + 100]], base);
  },
  "entries whose offsets do not match their batches": (base) => (_random, batches) =>
    entries(
      batches.slice(1).map(({ batch, position }) => [batch.baseOffset + 1_000, position]),
      base,
    ),
};

const TIME_INDEX_GARBAGE: Record<string, (base: number) => Garbage> = {
  "random bytes": () => (random) => randomBytes(random, 12 * (1 + random.nextInt(10))),
  "a length that is not whole entries": () => (random) => randomBytes(random, 12 * random.nextInt(3) + 5),
  "timestamps going backwards": (base) => (_random, batches) => {
    const out = Buffer.alloc(24);
    out.writeBigInt64BE(20_000n, 0);
    out.writeInt32BE((batches[0]?.batch.lastOffset ?? base) - base, 8);
    out.writeBigInt64BE(10_000n, 12);
    out.writeInt32BE((batches.at(-1)?.batch.lastOffset ?? base) - base, 20);
    return out;
  },
};

/** Every offset reads from the batch holding it, and every timestamp lookup agrees with the records. */
async function assertLookupsRight(log: Log, model: LogModel, context: string): Promise<void> {
  for (let offset = log.logStartOffset; offset < log.logEndOffset; offset++) {
    const bytes = await log.read(offset, { maxBytes: 1, minOneBatch: true });
    const holding = model.batchHolding(offset);
    assert.ok(holding !== undefined && bytes.equals(holding.bytes), `${context}: read at ${offset}`);
  }
  const records = recordsIn(Buffer.concat(model.batches.map((b) => b.bytes)));
  const times = [...new Set(records.map((r) => r.timestampMs))].sort((a, b) => a - b);
  for (const timestampMs of [0, ...times, (times.at(-1) as number) + 1]) {
    const first = records.find((r) => r.timestampMs >= timestampMs);
    const expected = first === undefined ? null : { offset: first.offset, timestampMs: first.timestampMs };
    assert.deepStrictEqual(
      await log.findOffsetByTimestamp(timestampMs),
      expected,
      `${context}: time ${timestampMs}`,
    );
  }
}

/** The index files on disk are whole, ordered, and point at batch starts. */
async function assertIndexFilesSound(t: TestLog, log: Log, model: LogModel, context: string): Promise<void> {
  for (const segment of log.allSegments()) {
    const batches = batchesOfSegment(log, model, segment.baseOffset);
    const starts = new Map(batches.map(({ batch, position }) => [position, batch]));
    const offsetBytes =
      (await t.fs.readFile(path(segment.baseOffset, OFFSET_INDEX_SUFFIX))) ?? Buffer.alloc(0);
    const index = OffsetIndex.decode(segment.baseOffset, offsetBytes, segment.sizeBytes, segment.nextOffset);
    assert.ok(index !== null, `${context}: offset index of ${segment.baseOffset} decodes`);
    for (let i = 0; i < index.entryCount; i++) {
      const entry = index.entryAt(i);
      assert.equal(starts.get(entry.position)?.lastOffset, entry.offset, `${context}: index entry ${i}`);
    }
    const timeBytes = (await t.fs.readFile(path(segment.baseOffset, TIME_INDEX_SUFFIX))) ?? Buffer.alloc(0);
    assert.ok(
      TimeIndex.decode(segment.baseOffset, timeBytes, segment.nextOffset) !== null,
      `${context}: time index`,
    );
  }
}

describe("a torn last batch", () => {
  for (let seed = 1; seed <= 12; seed++) {
    test(`is cut off, and the log carries on from the batch before it (seed ${seed})`, async () => {
      const { t, model } = await buildLog(seed);
      const random = new SeededRandom(seed * 7919);
      const active = t.log.activeSegment;
      const last = model.batches.at(-1) as ModelBatch;
      const lastPosition = active.sizeBytes - last.bytes.length;
      // Anywhere from one byte of it to all but its last byte, sometimes followed by zeros.
      const kept = 1 + random.nextInt(last.bytes.length - 1);
      const zeros = seed % 3 === 0 ? Buffer.alloc(random.nextInt(200)) : Buffer.alloc(0);
      const logFile = path(active.baseOffset, LOG_SUFFIX);
      const bytes = (await t.fs.readFile(logFile)) as Buffer;
      await replaceFile(t, logFile, Buffer.concat([bytes.subarray(0, lastPosition + kept), zeros]));
      const { log, truncatedBytes } = await reopen(t, {
        hadCleanShutdown: false,
        recoveryPoint: model.logEndOffset,
      });
      assert.equal(truncatedBytes, kept + zeros.length, "exactly the torn batch (and what follows) goes");
      model.truncatedTo(last.baseOffset);
      await assertLogMatchesModel(log, model, `kept ${kept} of ${last.bytes.length} bytes`);
      await assertLookupsRight(log, model, "after recovery");
      await assertIndexFilesSound(t, log, model, "after recovery");
      const appended = await log.append(batchOf([{ key: "k", value: "after", timestampMs: 1 }]), ACKS_ALL);
      assert.equal(appended.firstOffset, last.baseOffset, "offsets continue from the recovered end");
    });
  }
});

for (const [kind, files] of [
  ["offset index", OFFSET_INDEX_GARBAGE],
  ["time index", TIME_INDEX_GARBAGE],
] as const) {
  describe(`a ${kind} holding garbage`, () => {
    for (const [name, garbage] of Object.entries(files)) {
      for (const where of [
        "the recovered last segment",
        "every segment, all recovered",
        "a segment below the recovery point",
      ] as const) {
        test(`${name}, in ${where}: rebuilt, and every lookup is right`, async () => {
          const { t, model } = await buildLog(name.length);
          const random = new SeededRandom(name.length * 31);
          const segments = t.log.allSegments();
          const damaged =
            where === "the recovered last segment"
              ? [segments.at(-1)]
              : where === "a segment below the recovery point"
                ? [segments[1]]
                : segments;
          for (const segment of damaged) {
            if (segment === undefined) continue;
            const bytes = garbage(segment.baseOffset)(
              random,
              batchesOfSegment(t.log, model, segment.baseOffset),
            );
            const suffix = kind === "offset index" ? OFFSET_INDEX_SUFFIX : TIME_INDEX_SUFFIX;
            await replaceFile(t, path(segment.baseOffset, suffix), bytes);
          }
          // Also tear the last batch, as a power loss mid-append would.
          const active = segments.at(-1) as (typeof segments)[number];
          const logFile = path(active.baseOffset, LOG_SUFFIX);
          const log = (await t.fs.readFile(logFile)) as Buffer;
          await replaceFile(t, logFile, log.subarray(0, log.length - LOG_OVERHEAD_BYTES));
          const recoveryPoint = where === "every segment, all recovered" ? 0 : active.baseOffset;
          const reopened = await reopen(t, { hadCleanShutdown: false, recoveryPoint });
          model.truncatedTo((model.batches.at(-1) as ModelBatch).baseOffset);
          await assertLogMatchesModel(reopened.log, model, name);
          await assertLookupsRight(reopened.log, model, name);
          await assertIndexFilesSound(t, reopened.log, model, name);
          // A clean restart trusts what recovery wrote.
          await reopened.log.close();
          const again = await reopen(t, { hadCleanShutdown: true, recoveryPoint: model.logEndOffset });
          assert.equal(again.recoveredSegments, 0);
          await assertLookupsRight(again.log, model, `${name}, after a clean restart`);
        });
      }
    }
  });
}

test("the recovered log reads the same as before, batch for batch", async () => {
  const { t, model } = await buildLog(99);
  t.fs.crash();
  const { log } = await reopen(t, { hadCleanShutdown: false });
  assert.deepStrictEqual(
    (await readAllBatches(log)).map((b) => b.bytes),
    model.batches.map((b) => b.bytes),
  );
});
