/**
 * The clean-shutdown marker under power loss. The marker may be durable only
 * once every log in its directory is flushed and closed, and it must be gone
 * durably before anything is written after a start, so that a crash is never
 * mistaken for a clean stop. Whatever the step a crash falls on, acknowledged
 * data survives; and when the next start sees the marker, everything written
 * before the close survives, exactly.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../../../src/storage/clock.ts";
import { logConfig } from "../../../../src/storage/log-config.ts";
import { CLEAN_SHUTDOWN_FILE, LogManager, type StartupReport } from "../../../../src/storage/log-manager.ts";
import { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";
import { simpleBatch } from "../support/batches.ts";
import {
  assertLogMatchesModel,
  assertRecoveredFromModel,
  LogModel,
  readAllBatches,
} from "../support/log-model.ts";
import { withSeed } from "../support/seed.ts";

const LOG_DIRS = ["/disk1/data", "/disk2/data"];
const PARTITIONS = 3;
const ACKS_ALL = { leaderEpoch: 0, durability: "acks-all" } as const;

function open(fs: SimFileSystem): Promise<{ manager: LogManager; report: StartupReport }> {
  return LogManager.open({
    fs,
    clock: new ManualClock(1_000_000),
    logDirs: LOG_DIRS,
    configFor: () => logConfig({ segmentBytes: simpleBatch(0, 2).length * 3, indexIntervalBytes: 1 }),
    retentionCheckIntervalMs: 60_000,
    checkpointIntervalMs: 60_000,
  });
}

/** Appends to every partition, acknowledged or not, and records it in that partition's model. */
async function appendEverywhere(
  manager: LogManager,
  models: LogModel[],
  acksAll: boolean,
  round: number,
): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) {
    const log = await manager.getOrCreateLog("events", p);
    const batch = simpleBatch(round * 10 + p, 1 + (round % 3));
    const result = await log.append(batch, acksAll ? ACKS_ALL : { leaderEpoch: 0 });
    models[p].appended(batch, result.firstOffset, acksAll);
  }
}

async function markers(fs: SimFileSystem): Promise<boolean[]> {
  return Promise.all(LOG_DIRS.map(async (dir) => (await fs.stat(`${dir}/${CLEAN_SHUTDOWN_FILE}`)) !== null));
}

/** Every partition against its model: exactly, after a clean stop; acknowledged data kept, after an unclean one. */
async function assertPartitions(
  manager: LogManager,
  models: LogModel[],
  clean: boolean,
  where: string,
): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) {
    const log = manager.getLog("events", p);
    assert.ok(log !== undefined, `${where}: partition ${p} is loaded`);
    if (clean) {
      await assertLogMatchesModel(log, models[p], `${where}: partition ${p}`);
      continue;
    }
    const recovered = await readAllBatches(log);
    assertRecoveredFromModel(
      models[p],
      recovered,
      { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, checkpointedLogStartOffset: 0 },
      `${where}: partition ${p}`,
    );
    models[p].resetTo(recovered, log.logStartOffset, log.logEndOffset);
  }
}

async function populated(fs: SimFileSystem): Promise<{ manager: LogManager; models: LogModel[] }> {
  const { manager } = await open(fs);
  const models = Array.from({ length: PARTITIONS }, () => new LogModel());
  for (let round = 0; round < 4; round++) await appendEverywhere(manager, models, round % 2 === 0, round);
  await manager.writeAllCheckpoints();
  await appendEverywhere(manager, models, true, 4);
  await appendEverywhere(manager, models, false, 5);
  return { manager, models };
}

test("a crash while running is an unclean stop: recovered, acknowledged data intact", async () => {
  const fs = new SimFileSystem({ seed: 11 });
  const { models } = await populated(fs);
  fs.crash({ tornWrites: true });
  const { manager, report } = await open(fs);
  assert.equal(report.cleanShutdown, false);
  assert.ok(report.recoveredSegments >= PARTITIONS, "every log's tail is recovered");
  await assertPartitions(manager, models, false, "after the crash");
});

test("the marker goes durably at start: a crash after a clean restart is still unclean", async () => {
  const fs = new SimFileSystem({ seed: 12 });
  const first = await populated(fs);
  await first.manager.close();
  assert.deepStrictEqual(await markers(fs), [true, true]);
  const { manager, report } = await open(fs);
  assert.equal(report.cleanShutdown, true);
  assert.equal(report.recoveredSegments, 0);
  assert.deepStrictEqual(await markers(fs), [false, false]);
  for (const model of first.models) model.durableEnd = model.logEndOffset;
  await assertPartitions(manager, first.models, true, "after the clean restart");
  await appendEverywhere(manager, first.models, false, 6);
  fs.crash({ tornWrites: true });
  const again = await open(fs);
  assert.equal(again.report.cleanShutdown, false, "no marker came back with the power loss");
  await assertPartitions(again.manager, first.models, false, "after the crash");
});

test("a crash at any step of a clean close: the marker, if seen, vouches for everything", async () => {
  const operations = await countOperations(async (fs) => {
    const { manager } = await populated(fs);
    return () => manager.close();
  });
  let cleanStarts = 0;
  for (let failAt = 0; failAt <= operations; failAt++) {
    await withSeed(failAt, async () => {
      const fs = new SimFileSystem({ seed: failAt });
      const { manager, models } = await populated(fs);
      crashAt(fs, failAt, true);
      await manager.close().catch(() => undefined);
      if (failAt === operations) fs.crash({ tornWrites: true });
      fs.clearFaults();
      const { manager: again, report } = await open(fs);
      if (report.cleanShutdown) {
        cleanStarts++;
        // The marker is written last: every append before the close, acknowledged or not, is there.
        for (const model of models) model.durableEnd = model.logEndOffset;
      }
      await assertPartitions(again, models, report.cleanShutdown, `crash at step ${failAt} of ${operations}`);
    });
  }
  assert.ok(cleanStarts > 0 && cleanStarts <= operations, "the marker was durable only near the end");
});

test("a crash at any step of a start after a clean close loses nothing", async () => {
  const prepare = async (fs: SimFileSystem): Promise<LogModel[]> => {
    const { manager, models } = await populated(fs);
    await manager.close();
    for (const model of models) model.durableEnd = model.logEndOffset;
    return models;
  };
  const operations = await countOperations(async (fs) => {
    await prepare(fs);
    return () => open(fs);
  });
  for (let failAt = 0; failAt < operations; failAt++) {
    await withSeed(failAt, async () => {
      const fs = new SimFileSystem({ seed: failAt });
      const models = await prepare(fs);
      crashAt(fs, failAt, true);
      await open(fs).catch(() => undefined);
      fs.clearFaults();
      const { manager, report } = await open(fs);
      await assertPartitions(manager, models, report.cleanShutdown, `crash at step ${failAt} of the start`);
      // Nothing was lost, whichever way the start went.
      for (let p = 0; p < PARTITIONS; p++) {
        assert.equal(manager.getLog("events", p)?.logEndOffset, models[p].logEndOffset, `partition ${p}`);
      }
    });
  }
});

test("a log taken offline keeps its directory's marker from being written", async () => {
  const fs = new SimFileSystem({ seed: 13 });
  const { manager, models } = await populated(fs);
  const broken = manager.allLogs().find((m) => m.logDir === LOG_DIRS[0]);
  assert.ok(broken !== undefined);
  fs.failNext("sync", "EIO", new RegExp(`^${broken.logDir}/${broken.topic}-${broken.partition}/.*\\.log$`));
  await assert.rejects(broken.log.append(simpleBatch(0, 1), ACKS_ALL));
  assert.equal(broken.log.isOffline, true);
  await manager.close();
  assert.deepStrictEqual(await markers(fs), [false, true]);
  fs.crash({ tornWrites: true });
  const { manager: again, report } = await open(fs);
  assert.equal(report.cleanShutdown, false);
  await assertPartitions(again, models, false, "after the crash");
});

/** Counts the file-system operations `action` performs once `setUp` has run. */
async function countOperations(
  setUp: (fs: SimFileSystem) => Promise<() => Promise<unknown>>,
): Promise<number> {
  const fs = new SimFileSystem();
  const action = await setUp(fs);
  let count = 0;
  fs.faultHook = () => {
    count++;
    return null;
  };
  await action();
  fs.clearFaults();
  return count;
}

/** Power loss just before the `failAt`-th operation from now; that operation and all after fail. */
function crashAt(fs: SimFileSystem, failAt: number, tornWrites: boolean): void {
  let count = 0;
  fs.faultHook = () => {
    if (count++ < failAt) return null;
    if (count === failAt + 1) fs.crash({ tornWrites });
    return "EIO";
  };
}
