/**
 * The model-based property of the partition log, shared by the unit tier
 * (log-model.test.ts, a quick run) and the fault tier (a longer sweep).
 *
 * Random histories of appends (any batch sizes, acks-all or not, one call or
 * several concurrent ones), reads, rolls, truncations, DeleteRecords,
 * retention by time and size, timestamp lookups, checkpoints, clean restarts
 * and power losses with and without torn writes drive a real `Log` on the
 * simulated file system and a reference model (support/log-model.ts) side by
 * side. After every step the log must hold exactly what the model holds;
 * after a crash, whatever recovery leaves must keep every acknowledged batch
 * and hold nothing that was never appended.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ErrorCode } from "../../../../src/protocol/errors.ts";
import { ManualClock } from "../../../../src/storage/clock.ts";
import type { AppendResult, Log, LogOffsetMetadata, ReadOptions } from "../../../../src/storage/log.ts";
import { type LogConfig, logConfig } from "../../../../src/storage/log-config.ts";
import { loadLog } from "../../../../src/storage/log-loader.ts";
import { applyRetention } from "../../../../src/storage/retention.ts";
import { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";
import { StorageError } from "../../../../src/storage/storage-error.ts";
import { batchOf, type ReadRecord, recordsIn } from "../support/batches.ts";
import {
  assertLogMatchesModel,
  assertReadMatchesModel,
  assertRecoveredFromModel,
  LogModel,
  type ModelBatch,
  readAllBatches,
} from "../support/log-model.ts";
import { withSeed } from "../support/seed.ts";
import { expectedRetention } from "./expected-retention.ts";

const DIR = "/data/topic-0";
const START_MS = 1_000_000;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** What a read may not pass: the log end, a position marked earlier, or a bare offset. */
type ReadBound = "log end" | "marked high watermark" | "offset";

/** One append call for all the batches, one call per batch at once, or one staged call per batch. */
type AppendMode = "one-call" | "concurrent" | "staged";

interface BatchSpec {
  records: number;
  valueBytes: number;
  ageMs: number;
}

type Step =
  | { kind: "append"; batches: BatchSpec[]; mode: AppendMode; acksAll: boolean }
  | {
      kind: "read";
      pick: number;
      maxBytes: number;
      minOneBatch: boolean;
      bound: ReadBound;
      boundPick: number;
    }
  | { kind: "read-out-of-range"; below: boolean }
  | { kind: "mark-high-watermark" }
  | { kind: "find-by-timestamp"; backMs: number }
  | { kind: "find-max-timestamp" }
  | { kind: "roll" }
  | { kind: "truncate"; pick: number }
  | { kind: "advance-start"; pick: number }
  | { kind: "retention"; advanceMs: number }
  | { kind: "checkpoint" }
  | { kind: "close-reopen"; crashAfterClose: boolean }
  | { kind: "crash"; tornWrites: boolean; seed: number };

const batchSpec = fc.record({
  records: fc.integer({ min: 1, max: 5 }),
  valueBytes: fc.integer({ min: 0, max: 160 }),
  ageMs: fc.integer({ min: 0, max: 40_000 }),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("append" as const),
      batches: fc.array(batchSpec, { minLength: 1, maxLength: 4 }),
      mode: fc.constantFrom<AppendMode>("one-call", "concurrent", "staged"),
      acksAll: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("read" as const),
      pick: fc.nat(),
      maxBytes: fc.constantFrom(1, 70, 300, 1_000, 1 << 20),
      minOneBatch: fc.boolean(),
      bound: fc.constantFrom<ReadBound>("log end", "marked high watermark", "offset"),
      boundPick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("read-out-of-range" as const), below: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "mark-high-watermark" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("find-by-timestamp" as const),
      backMs: fc.integer({ min: -10, max: 80_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "find-max-timestamp" as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: "roll" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("truncate" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("advance-start" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("retention" as const),
      advanceMs: fc.constantFrom(0, 5_000, 30_000),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "checkpoint" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("close-reopen" as const), crashAfterClose: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("crash" as const),
      tornWrites: fc.boolean(),
      seed: fc.nat({ max: 0xffff }),
    }),
  },
);

const config: fc.Arbitrary<Partial<LogConfig>> = fc.record({
  segmentBytes: fc.integer({ min: 200, max: 3_000 }),
  segmentMs: fc.constantFrom(WEEK_MS, 30_000),
  indexIntervalBytes: fc.constantFrom(1, 150, 4096),
  retentionMs: fc.constantFrom(-1, 20_000),
  retentionBytes: fc.constantFrom(-1, 1_500, 4_000),
  fileDeleteDelayMs: fc.constantFrom(0, 1_000),
  flushIntervalMessages: fc.constantFrom(Number.MAX_SAFE_INTEGER, 4),
  flushIntervalMs: fc.constantFrom(Number.MAX_SAFE_INTEGER, 3_000),
});

/** One history: the real log, the model, and what a log manager would have checkpointed. */
class Run {
  readonly fs = new SimFileSystem();
  clock = new ManualClock(START_MS);
  readonly model = new LogModel();
  log!: Log;
  private checkpoint = { recoveryPoint: 0, logStartOffset: 0 };
  private highWatermark: LogOffsetMetadata | null = null;
  private batchCounter = 0;

  constructor(readonly config: LogConfig) {}

  async setUp(): Promise<void> {
    await this.fs.mkdir("/data");
    await this.fs.syncDirectory("/");
    await this.open({ hadCleanShutdown: false, recoveryPoint: 0, logStartOffset: 0 });
  }

  /** A process start: a fresh clock at the same time (timers of the old process are gone). */
  private async open(options: {
    hadCleanShutdown: boolean;
    recoveryPoint: number;
    logStartOffset: number;
  }): Promise<{ recoveredSegments: number }> {
    this.clock = new ManualClock(this.clock.nowMs());
    const report = await loadLog({
      fs: this.fs,
      clock: this.clock,
      dir: DIR,
      config: this.config,
      ...options,
    });
    this.log = report.log;
    this.highWatermark = null;
    return report;
  }

  async perform(s: Step, where: string): Promise<void> {
    switch (s.kind) {
      case "append":
        return this.append(s.batches, s.mode, s.acksAll, where);
      case "read":
        return this.read(s, where);
      case "read-out-of-range":
        return this.readOutOfRange(s.below);
      case "mark-high-watermark":
        this.highWatermark = this.log.logEndOffsetMetadata();
        return;
      case "find-by-timestamp":
        return this.findByTimestamp(this.clock.nowMs() - s.backMs, where);
      case "find-max-timestamp":
        return this.findMaxTimestamp(where);
      case "roll":
        return this.roll(where);
      case "truncate":
        return this.truncate(s.pick);
      case "advance-start":
        return this.advanceStart(s.pick, where);
      case "retention":
        return this.retention(s.advanceMs, where);
      case "checkpoint":
        this.checkpoint = { recoveryPoint: this.log.recoveryPoint, logStartOffset: this.log.logStartOffset };
        return;
      case "close-reopen":
        return this.closeReopen(s.crashAfterClose, where);
      case "crash":
        return this.crash(s.tornWrites, s.seed, where);
    }
  }

  private batchBytes(spec: BatchSpec): Buffer {
    const id = this.batchCounter++;
    const timestampMs = this.clock.nowMs() - spec.ageMs;
    return batchOf(
      Array.from({ length: spec.records }, (_, i) => ({
        key: `b${id}-r${i}`,
        value: `${id}:${i}:`.padEnd(spec.valueBytes, String.fromCharCode(97 + ((id + i) % 26))),
        timestampMs: timestampMs + i,
      })),
    );
  }

  private async append(
    specs: readonly BatchSpec[],
    mode: AppendMode,
    acksAll: boolean,
    where: string,
  ): Promise<void> {
    const options = { leaderEpoch: 0, durability: acksAll ? ("acks-all" as const) : ("none" as const) };
    const buffers = specs.map((spec) => this.batchBytes(spec));
    const calls = mode === "one-call" ? [Buffer.concat(buffers)] : buffers;
    let results: AppendResult[];
    if (mode === "staged") {
      // The broker's way: each append is written in call order, and acknowledged once `durable` resolves.
      const staged = await Promise.all(calls.map((records) => this.log.stageAppend(records, options)));
      await Promise.all(staged.map((s) => s.durable));
      results = staged.map((s) => s.result);
    } else {
      results = await Promise.all(calls.map((records) => this.log.append(records, options)));
    }
    results.forEach((result, i) => {
      const added = this.model.appended(calls[i], result.firstOffset, acksAll);
      assert.equal(result.lastOffset, (added.at(-1) as ModelBatch).lastOffset, `${where}: last offset`);
      assert.equal(result.duplicate, false, `${where}: not a duplicate`);
    });
    if (acksAll) assert.ok(this.log.recoveryPoint >= this.model.durableEnd, `${where}: recovery point`);
  }

  private async read(
    s: { pick: number; maxBytes: number; minOneBatch: boolean; bound: ReadBound; boundPick: number },
    where: string,
  ): Promise<void> {
    const { logStartOffset, logEndOffset } = this.model;
    const offset = logStartOffset + (s.pick % (logEndOffset - logStartOffset + 1));
    const options: ReadOptions = { maxBytes: s.maxBytes, minOneBatch: s.minOneBatch };
    if (s.bound === "marked high watermark" && this.highWatermark !== null)
      options.maxOffset = this.highWatermark;
    if (s.bound === "offset")
      options.maxOffset = logStartOffset + (s.boundPick % (logEndOffset - logStartOffset + 2));
    const bytes = await this.log.read(offset, options);
    assertReadMatchesModel(this.model, offset, options, bytes, `${where}: read at ${offset}`);
  }

  private async readOutOfRange(below: boolean): Promise<void> {
    const { logStartOffset, logEndOffset } = this.model;
    if (below && logStartOffset === 0) return;
    const offset = below ? logStartOffset - 1 : logEndOffset + 1;
    await assert.rejects(
      this.log.read(offset, { maxBytes: 1 << 20, minOneBatch: true }),
      (e: unknown) => e instanceof StorageError && e.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
    );
  }

  /** ListOffsets by time: the first record at or past the log start whose timestamp is ≥ `timestampMs`. */
  private async findByTimestamp(timestampMs: number, where: string): Promise<void> {
    const match = this.visibleRecords().find((r) => r.timestampMs >= timestampMs);
    const expected = match === undefined ? null : { offset: match.offset, timestampMs: match.timestampMs };
    assert.deepStrictEqual(
      await this.log.findOffsetByTimestamp(timestampMs),
      expected,
      `${where}: offset for time ${timestampMs}`,
    );
  }

  /** ListOffsets MAX_TIMESTAMP: the first record at or past the log start holding the largest timestamp. */
  private async findMaxTimestamp(where: string): Promise<void> {
    const records = this.visibleRecords();
    const maxMs = Math.max(...records.map((r) => r.timestampMs));
    const match = records.find((r) => r.timestampMs === maxMs);
    const expected = match === undefined ? null : { offset: match.offset, timestampMs: match.timestampMs };
    assert.deepStrictEqual(await this.log.findMaxTimestampRecord(), expected, `${where}: max timestamp`);
  }

  private visibleRecords(): ReadRecord[] {
    const records = recordsIn(Buffer.concat(this.model.visibleBatches().map((b) => b.bytes)));
    return records.filter((r) => r.offset >= this.model.logStartOffset);
  }

  private async roll(where: string): Promise<void> {
    await this.log.roll();
    const active = this.log.activeSegment;
    assert.equal(active.sizeBytes, 0, `${where}: the new active segment is empty`);
    assert.equal(active.baseOffset, this.model.logEndOffset, `${where}: it starts at the log end`);
  }

  private async truncate(pick: number): Promise<void> {
    const { logStartOffset, logEndOffset } = this.model;
    const offset = logStartOffset + (pick % (logEndOffset - logStartOffset + 1));
    await this.log.truncateTo(offset);
    this.model.truncatedTo(offset);
    if (this.highWatermark !== null && this.highWatermark.offset > this.model.logEndOffset)
      this.highWatermark = null;
  }

  private async advanceStart(pick: number, where: string): Promise<void> {
    const { logStartOffset, logEndOffset } = this.model;
    const offset = logStartOffset + (pick % (logEndOffset - logStartOffset + 1));
    assert.equal(await this.log.advanceLogStartOffset(offset), offset, `${where}: the new log start`);
    this.model.startMovedTo(offset);
    const segments = this.log.allSegments();
    assert.ok(
      segments.length === 1 || segments[1].baseOffset > offset,
      `${where}: segments wholly below the log start are deleted`,
    );
  }

  private async retention(advanceMs: number, where: string): Promise<void> {
    this.clock.advance(advanceMs);
    const nowMs = this.clock.nowMs();
    const { fs, log, model, config } = this;
    const expected = await expectedRetention({ fs, dir: DIR, log, model, config, nowMs });
    const report = await applyRetention(this.log, nowMs);
    assert.deepStrictEqual(report, expected.report, `${where}: segments deleted`);
    this.model.startMovedTo(expected.logStartOffset);
  }

  private async closeReopen(crashAfterClose: boolean, where: string): Promise<void> {
    await this.log.close();
    if (this.config.fileDeleteDelayMs === 0)
      assert.equal(this.fs.openHandleCount, 0, `${where}: every handle is closed`);
    const { recoveryPoint, logStartOffset } = this.log;
    assert.equal(recoveryPoint, this.model.logEndOffset, `${where}: a closed log is flushed to its end`);
    if (crashAfterClose) this.fs.crash();
    this.checkpoint = { recoveryPoint, logStartOffset };
    const { recoveredSegments } = await this.open({ hadCleanShutdown: true, recoveryPoint, logStartOffset });
    assert.equal(recoveredSegments, 0, `${where}: nothing to recover after a clean close`);
    await assertLogMatchesModel(this.log, this.model, `${where}: after a clean restart`);
    this.model.durableEnd = this.model.logEndOffset;
  }

  private async crash(tornWrites: boolean, seed: number, where: string): Promise<void> {
    this.fs.crash({ tornWrites, seed });
    await this.open({ hadCleanShutdown: false, ...this.checkpoint });
    const recovered = await readAllBatches(this.log);
    const context = `${where}: after a crash${tornWrites ? " with torn writes" : ""}`;
    assertRecoveredFromModel(
      this.model,
      recovered,
      {
        logStartOffset: this.log.logStartOffset,
        logEndOffset: this.log.logEndOffset,
        checkpointedLogStartOffset: this.checkpoint.logStartOffset,
      },
      context,
    );
    this.model.resetTo(recovered, this.log.logStartOffset, this.log.logEndOffset);
    assert.equal(this.log.recoveryPoint, this.log.logEndOffset, `${context}: recovered data is flushed`);
  }

  /** What must hold after every step. */
  async check(where: string): Promise<void> {
    await assertLogMatchesModel(this.log, this.model, where);
    const segments = this.log.allSegments();
    for (let i = 1; i < segments.length; i++) {
      assert.ok(segments[i].baseOffset >= segments[i - 1].nextOffset, `${where}: segments overlap`);
    }
    assert.ok(
      segments[0].baseOffset <= this.model.logStartOffset,
      `${where}: the first segment holds the start`,
    );
    assert.ok(this.log.recoveryPoint <= this.log.logEndOffset, `${where}: recovery point past the end`);
  }
}

/** Runs `numRuns` random histories from `seed`; a failure names the seed and the shrunk history. */
export function checkLogAgainstModel(seed: number, numRuns: number): Promise<void> {
  return withSeed(seed, () =>
    fc.assert(
      fc.asyncProperty(
        config,
        fc.array(step, { minLength: 5, maxLength: 40, size: "max" }),
        async (overrides, steps) => {
          const run = new Run(logConfig(overrides));
          await run.setUp();
          for (const [i, s] of steps.entries()) {
            const where = `step ${i} ${JSON.stringify(s)}`;
            await run.perform(s, where);
            await run.check(where);
          }
        },
      ),
      { seed, numRuns, includeErrorInReport: true },
    ),
  );
}
