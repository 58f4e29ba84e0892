import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../../../src/storage/clock.ts";
import { cleanerConfig } from "../../../../src/storage/compaction/cleaner-config.ts";
import { LogCleaner } from "../../../../src/storage/compaction/log-cleaner.ts";
import type { Log } from "../../../../src/storage/log.ts";
import { logConfig } from "../../../../src/storage/log-config.ts";
import { LogManager } from "../../../../src/storage/log-manager.ts";
import { applyRetention } from "../../../../src/storage/retention.ts";
import { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";
import { compactConfig, keyedBatch, latestByKey, readAll } from "./support.ts";

const BACKOFF_MS = 15_000;

async function dirty(log: Log, batches: number, keys = 2): Promise<void> {
  for (let i = 0; i < batches; i++) {
    await log.append(keyedBatch([[`k${i % keys}`, `v${i}`]]), { leaderEpoch: 0 });
  }
  await log.roll();
}

async function setUp(overrides: Parameters<typeof compactConfig>[0] = {}) {
  const fs = new SimFileSystem();
  const clock = new ManualClock(1_000_000);
  const options = {
    fs,
    clock,
    logDirs: ["/data"],
    configFor: (topic: string) =>
      logConfig(topic.startsWith("plain") ? {} : compactConfig({ ...overrides, segmentBytes: 1 << 20 })),
    retentionCheckIntervalMs: 300_000,
    checkpointIntervalMs: 60_000,
  };
  const { manager } = await LogManager.open(options);
  const openCleaner = (ioBufferBytes = 4096) =>
    LogCleaner.open({
      fs,
      clock,
      logDirs: ["/data"],
      config: cleanerConfig({ dedupeBufferBytes: 24 * 1024, ioBufferBytes, backoffMs: BACKOFF_MS }),
      logs: () => manager.allLogs(),
      yieldToLoop: () => Promise.resolve(),
    });
  return { fs, clock, manager, options, openCleaner };
}

test("started, it cleans at once, looks again at once after a pass, and backs off when idle", async () => {
  const { clock, manager, openCleaner } = await setUp();
  const log = await manager.getOrCreateLog("orders", 0);
  await dirty(log, 10);
  const cleaner = await openCleaner();
  cleaner.start();
  clock.advance(0);
  await cleaner.whenIdle();
  assert.equal(cleaner.checkpointedOffset("orders", 0, "/data"), 10);

  await dirty(log, 4);
  clock.advance(0); // the look scheduled right after the pass finds the new dirt
  await cleaner.whenIdle();
  assert.equal(cleaner.checkpointedOffset("orders", 0, "/data"), 14);
  clock.advance(0); // nothing dirty: the next look waits log.cleaner.backoff.ms
  await cleaner.whenIdle();

  await dirty(log, 4);
  clock.advance(BACKOFF_MS - 1);
  await cleaner.whenIdle();
  assert.equal(cleaner.checkpointedOffset("orders", 0, "/data"), 14);
  clock.advance(1);
  await cleaner.whenIdle();
  assert.equal(cleaner.checkpointedOffset("orders", 0, "/data"), 18);

  await cleaner.stop();
  await dirty(log, 4);
  clock.advance(BACKOFF_MS * 2);
  await cleaner.whenIdle();
  assert.equal(cleaner.checkpointedOffset("orders", 0, "/data"), 18, "stopped: no more passes");
  assert.equal(await cleaner.cleanOnce(), null);
});

test("the dirtiest log goes first, and logs without compaction are never touched", async () => {
  const { manager, openCleaner } = await setUp();
  const lightly = await manager.getOrCreateLog("lightly", 0);
  const heavily = await manager.getOrCreateLog("heavily", 0);
  const plain = await manager.getOrCreateLog("plain", 0);
  await dirty(lightly, 10);
  await dirty(heavily, 10);
  await dirty(plain, 10);
  const cleaner = await openCleaner();
  assert.equal((await cleaner.cleanOnce())?.topic, "lightly", "both fully dirty: the first one wins the tie");
  await dirty(lightly, 2);
  await dirty(heavily, 20);
  assert.equal((await cleaner.cleanOnce())?.topic, "heavily");
  assert.equal((await cleaner.cleanOnce())?.topic, "lightly");
  assert.equal(await cleaner.cleanOnce(), null);
  assert.equal((await readAll(plain)).length, 10);
});

/** Runs `action` once, at the pass's first write to a `.cleaned` file: proof the pass is under way. */
function atFirstCleanedWrite<T>(fs: SimFileSystem, action: () => Promise<T>): { done: () => Promise<T> } {
  let started: Promise<T> | null = null;
  fs.faultHook = (operation, path) => {
    if (started === null && operation === "write" && path.endsWith(".log.cleaned")) started = action();
    return null;
  };
  return {
    done: () => {
      fs.faultHook = null;
      assert.ok(started !== null, "the pass never wrote a cleaned segment");
      return started;
    },
  };
}

test("pausing aborts the pass under way, keeps the log out of passes, and counts nested pauses", async () => {
  const { fs, manager, openCleaner } = await setUp();
  const log = await manager.getOrCreateLog("orders", 0);
  await dirty(log, 40);
  const before = await readAll(log);
  const cleaner = await openCleaner(64);
  const pause = atFirstCleanedWrite(fs, () => cleaner.abortAndPauseCleaning("orders", 0));
  assert.equal(await cleaner.cleanOnce(), null, "the pass stopped");
  await pause.done();
  assert.deepStrictEqual(await readAll(log), before);
  assert.ok(!(await fs.readdir("/data/orders-0")).some((name) => name.endsWith(".cleaned")));
  assert.equal(cleaner.checkpointedOffset("orders", 0, "/data"), undefined);
  assert.equal(cleaner.uncleanablePartitions().size, 0);

  await cleaner.abortAndPauseCleaning("orders", 0);
  assert.equal(await cleaner.cleanOnce(), null);
  cleaner.resumeCleaning("orders", 0);
  assert.equal(await cleaner.cleanOnce(), null, "still paused once");
  cleaner.resumeCleaning("orders", 0);
  assert.equal((await cleaner.cleanOnce())?.endOffset, 40);
  assert.throws(() => cleaner.resumeCleaning("orders", 0), /not paused/);
});

test("retention of a compact,delete log runs safely inside whileCleaningPaused", async () => {
  const { fs, clock, manager, openCleaner } = await setUp({ cleanupPolicy: { compact: true, delete: true } });
  const log = await manager.getOrCreateLog("events", 0);
  for (let i = 0; i < 6; i++) await dirty(log, 5, 10);
  log.config.retentionMs = 1_000;
  clock.advance(10_000);
  const cleaner = await openCleaner(64);
  const retention = atFirstCleanedWrite(fs, () =>
    cleaner.whileCleaningPaused("events", 0, () => applyRetention(log, clock.nowMs())),
  );
  assert.equal(await cleaner.cleanOnce(), null, "the pass gave way");
  assert.ok((await retention.done()).deletedByTime > 0);
  assert.equal(cleaner.uncleanablePartitions().size, 0);
  assert.equal((await readAll(log)).length, 0);
  assert.ok(!(await fs.readdir("/data/events-0")).some((n) => n.endsWith(".cleaned") || n.endsWith(".swap")));
});

test("segments deleted under an unpaused pass are not swapped back in", async () => {
  const { fs, clock, manager, openCleaner } = await setUp({
    cleanupPolicy: { compact: true, delete: true },
    fileDeleteDelayMs: 60_000,
  });
  const log = await manager.getOrCreateLog("events", 0);
  for (let i = 0; i < 3; i++) await dirty(log, 5, 10);
  log.config.retentionMs = 1_000;
  clock.advance(10_000);
  const cleaner = await openCleaner(64);
  const retention = atFirstCleanedWrite(fs, () => applyRetention(log, clock.nowMs()));
  assert.equal(await cleaner.cleanOnce(), null, "the group left the log: no swap, no checkpoint");
  assert.ok((await retention.done()).deletedByTime > 0);
  assert.equal(cleaner.checkpointedOffset("events", 0, "/data"), undefined);
  assert.equal(cleaner.uncleanablePartitions().size, 0, "not a failure, just a pass that gave way");
  assert.equal((await readAll(log)).length, 0);
  assert.ok(!(await fs.readdir("/data/events-0")).some((n) => n.endsWith(".cleaned") || n.endsWith(".swap")));
});

test("a disk error makes the partition uncleanable, leaves its checkpoint, and spares the others", async () => {
  const { fs, manager, openCleaner } = await setUp();
  const broken = await manager.getOrCreateLog("broken", 0);
  const fine = await manager.getOrCreateLog("fine", 0);
  await dirty(broken, 20);
  await dirty(fine, 10);
  const cleaner = await openCleaner();
  fs.failNext("write", "EIO", /broken-0\/.*\.log\.cleaned$/);
  assert.equal(await cleaner.cleanOnce(), null);
  assert.deepStrictEqual([...cleaner.uncleanablePartitions().keys()], ["broken-0"]);
  assert.equal(cleaner.checkpointedOffset("broken", 0, "/data"), undefined);
  assert.ok(!(await fs.readdir("/data/broken-0")).some((name) => name.endsWith(".cleaned")));
  assert.equal((await cleaner.cleanOnce())?.topic, "fine");
  assert.equal(await cleaner.cleanOnce(), null, "the broken partition is skipped until restart");
});

test("checkpoints follow truncation and deletion, and survive a restart of the broker", async () => {
  const { fs, clock, manager, options, openCleaner } = await setUp();
  const orders = await manager.getOrCreateLog("orders", 0);
  const users = await manager.getOrCreateLog("users", 0);
  await dirty(orders, 10);
  await dirty(users, 6);
  const cleaner = await openCleaner();
  while ((await cleaner.cleanOnce()) !== null);
  const cleaned = latestByKey(await readAll(orders));
  await cleaner.whileCleaningPaused("users", 0, async () => {
    await users.truncateTo(3);
    await cleaner.maybeTruncateCheckpoint({ topic: "users", partition: 0, logDir: "/data", log: users }, 3);
  });
  assert.equal(cleaner.checkpointedOffset("users", 0, "/data"), 3);
  await manager.deleteLog("users", 0);
  await cleaner.removeCheckpoint("/data", "users", 0);
  assert.equal((await fs.readFile("/data/cleaner-offset-checkpoint"))?.toString(), "0\n1\norders 0 10\n");
  await cleaner.stop();
  await manager.close();

  const restarted = await LogManager.open({ ...options, clock });
  const again = await LogCleaner.open({
    fs,
    clock,
    logDirs: ["/data"],
    config: cleanerConfig({ dedupeBufferBytes: 24 * 1024 }),
    logs: () => restarted.manager.allLogs(),
    yieldToLoop: () => Promise.resolve(),
  });
  assert.equal(again.checkpointedOffset("orders", 0, "/data"), 10);
  assert.equal(await again.cleanOnce(), null);
  assert.deepStrictEqual(latestByKey(await readAll(restarted.manager.getLog("orders", 0)!)), cleaned);
  await restarted.manager.close();
});
