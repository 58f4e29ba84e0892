import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../../src/storage/clock.ts";
import { logConfig } from "../../../src/storage/log-config.ts";
import { CLEAN_SHUTDOWN_FILE, LogManager } from "../../../src/storage/log-manager.ts";
import { readPartitionMetadata } from "../../../src/storage/partition-metadata.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";
import { recordsIn, simpleBatch } from "./support/batches.ts";

const LOG_DIRS = ["/disk1/data", "/disk2/data"];

async function open(fs: SimFileSystem, clock: ManualClock, overrides = {}) {
  return LogManager.open({
    fs,
    clock,
    logDirs: LOG_DIRS,
    configFor: () => logConfig({ retentionMs: 60_000, ...overrides }),
    retentionCheckIntervalMs: 1_000,
    checkpointIntervalMs: 5_000,
  });
}

test("partitions spread over log dirs and survive a clean restart without recovery", async () => {
  const fs = new SimFileSystem();
  const clock = new ManualClock(1_000_000);
  const { manager } = await open(fs, clock);
  for (let p = 0; p < 4; p++) {
    const log = await manager.getOrCreateLog("orders", p, "vDB7TLvUSOWcVlEJxa6Z4A");
    await log.append(simpleBatch(0, 3), { leaderEpoch: 1 });
  }
  assert.deepStrictEqual(
    LOG_DIRS.map((dir) => manager.allLogs().filter((m) => m.logDir === dir).length),
    [2, 2],
  );
  assert.equal(
    await readPartitionMetadata(fs, `${manager.allLogs()[0].logDir}/orders-0`),
    "vDB7TLvUSOWcVlEJxa6Z4A",
  );
  await manager.close();
  assert.ok(await fs.stat(`/disk1/data/${CLEAN_SHUTDOWN_FILE}`));
  fs.crash(); // power loss after a clean close loses nothing
  const { manager: again, report } = await open(fs, clock);
  assert.deepStrictEqual(report, { logs: 4, recoveredSegments: 0, truncatedBytes: 0, cleanShutdown: true });
  assert.equal(await fs.stat(`/disk1/data/${CLEAN_SHUTDOWN_FILE}`), null, "the marker goes once loaded");
  const log = again.getLog("orders", 3);
  assert.equal(log?.logEndOffset, 3);
  await again.close();
});

test("after an unclean stop the logs past their recovery points are recovered", async () => {
  const fs = new SimFileSystem();
  const clock = new ManualClock(1_000_000);
  const { manager } = await open(fs, clock);
  const log = await manager.getOrCreateLog("events", 0);
  await log.append(simpleBatch(0, 2), { leaderEpoch: 0, durability: "acks-all" });
  await manager.writeAllCheckpoints();
  await log.append(simpleBatch(2, 2), { leaderEpoch: 0, durability: "acks-all" });
  fs.crash();
  const { manager: again, report } = await open(fs, clock);
  assert.equal(report.cleanShutdown, false);
  assert.equal(report.recoveredSegments, 1);
  const recovered = again.getLog("events", 0);
  assert.ok(recovered !== undefined);
  assert.deepStrictEqual(
    recordsIn(await recovered.read(0, { maxBytes: 1 << 20, minOneBatch: true })).map((r) => r.offset),
    [0, 1, 2, 3],
  );
});

test("deleting a partition removes it for good, even across a crash", async () => {
  const fs = new SimFileSystem();
  const clock = new ManualClock(1_000_000);
  const { manager } = await open(fs, clock);
  await manager.getOrCreateLog("gone", 0);
  assert.equal(await manager.deleteLog("gone", 0), true);
  assert.equal(manager.getLog("gone", 0), undefined);
  fs.crash();
  const { manager: again, report } = await open(fs, clock);
  assert.equal(report.logs, 0);
  assert.equal(again.getLog("gone", 0), undefined);
});

test("background retention runs on the clock", async () => {
  const fs = new SimFileSystem();
  const clock = new ManualClock(1_000_000);
  const batch = simpleBatch(0, 1, 0);
  const { manager } = await open(fs, clock, { segmentBytes: batch.length * 2, fileDeleteDelayMs: 0 });
  const log = await manager.getOrCreateLog("old", 0);
  for (let i = 0; i < 5; i++) await log.append(simpleBatch(i, 1, 0), { leaderEpoch: 0 });
  manager.startBackgroundTasks();
  clock.advance(1_000);
  for (let i = 0; i < 50 && log.logStartOffset === 0; i++)
    await new Promise((resolve) => setImmediate(resolve));
  assert.equal(
    log.logStartOffset,
    5,
    "every segment had expired: a new one was rolled and all old ones went",
  );
  await manager.close();
});

test("concurrent opens of one partition share a single log", async () => {
  const fs = new SimFileSystem();
  const clock = new ManualClock(1_000_000);
  const { manager } = await open(fs, clock);
  const opened = await Promise.all(
    Array.from({ length: 5 }, () => manager.getOrCreateLog("busy", 0, "vDB7TLvUSOWcVlEJxa6Z4A")),
  );
  for (const log of opened) assert.equal(log, opened[0], "one Log instance for the directory");
  await opened[0]?.append(simpleBatch(0, 1), { leaderEpoch: 0, durability: "acks-all" });
  assert.equal(opened[0]?.logEndOffset, 1);
});
