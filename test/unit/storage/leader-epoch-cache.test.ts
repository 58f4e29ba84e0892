import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CorruptCheckpointError } from "../../../src/storage/checkpoint-file.ts";
import {
  type EpochEntry,
  LEADER_EPOCH_CHECKPOINT_FILE,
  LeaderEpochCache,
  UNDEFINED_EPOCH,
  UNDEFINED_EPOCH_OFFSET,
} from "../../../src/storage/leader-epoch-cache.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";

const PARTITION_DIR = "/data/events-0";
const CHECKPOINT_PATH = `${PARTITION_DIR}/${LEADER_EPOCH_CHECKPOINT_FILE}`;
const UNDEFINED = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };

/** A file system whose partition directory already survives crashes. */
async function freshFileSystem(): Promise<SimFileSystem> {
  const fs = new SimFileSystem({ seed: 11 });
  await fs.mkdir(PARTITION_DIR);
  await fs.syncDirectory("/data");
  await fs.syncDirectory("/");
  return fs;
}

async function emptyCache(): Promise<LeaderEpochCache> {
  return LeaderEpochCache.load(await freshFileSystem(), PARTITION_DIR);
}

/** A cache holding `entries`, assigned in order. */
async function cacheWith(...entries: [number, number][]): Promise<LeaderEpochCache> {
  const cache = await emptyCache();
  for (const [epoch, startOffset] of entries) cache.assign(epoch, startOffset);
  return cache;
}

function entries(...pairs: [number, number][]): EpochEntry[] {
  return pairs.map(([epoch, startOffset]) => ({ epoch, startOffset }));
}

async function writeRaw(fs: SimFileSystem, text: string): Promise<void> {
  const handle = await fs.open(CHECKPOINT_PATH, "create");
  await handle.write(Buffer.from(text, "utf8"), 0);
  await handle.close();
}

describe("assign", () => {
  test("the first batch of an epoch adds an entry; later batches of that epoch change nothing", async () => {
    const cache = await emptyCache();
    assert.equal(cache.assign(2, 10), true);
    assert.equal(cache.assign(2, 11), false);
    assert.equal(cache.assign(2, 10), false);
    assert.equal(cache.assign(3, 15), true);
    assert.deepEqual(cache.epochEntries(), entries([2, 10], [3, 15]));
    assert.equal(cache.latestEpoch(), 3);
    assert.deepEqual(cache.latestEntry(), { epoch: 3, startOffset: 15 });
    assert.deepEqual(cache.earliestEntry(), { epoch: 2, startOffset: 10 });
  });

  test("the latest epoch at an earlier offset moves back, dropping entries from that offset on", async () => {
    const cache = await cacheWith([5, 11], [6, 12], [7, 13]);
    assert.equal(cache.assign(7, 12), true);
    assert.deepEqual(cache.epochEntries(), entries([5, 11], [7, 12]));
  });

  test("a newer epoch at the same start offset replaces the entry there", async () => {
    const cache = await cacheWith([2, 9]);
    cache.assign(3, 9);
    assert.deepEqual(cache.epochEntries(), entries([3, 9]));
  });

  test("a newer epoch at a lower start offset drops every entry at or after it", async () => {
    const cache = await cacheWith([2, 6]);
    cache.assign(3, 5);
    assert.deepEqual(cache.epochEntries(), entries([3, 5]));
  });

  test("an older epoch drops every entry of its epoch or newer", async () => {
    const cache = await cacheWith([1, 5], [2, 6]);
    cache.assign(1, 7);
    assert.deepEqual(cache.epochEntries(), entries([1, 7]));
    assert.deepEqual(cache.endOffsetFor(1, 8), { epoch: 1, endOffset: 8 });
    assert.deepEqual(cache.endOffsetFor(2, 8), UNDEFINED);
  });

  test("an older epoch below the start of older entries keeps only what precedes it on both counts", async () => {
    const cache = await cacheWith([0, 0], [2, 10], [4, 20], [6, 30]);
    cache.assign(3, 15);
    assert.deepEqual(cache.epochEntries(), entries([0, 0], [2, 10], [3, 15]));
  });

  test("negative epochs and offsets are programmer errors", async () => {
    const cache = await emptyCache();
    assert.throws(() => cache.assign(-1, 0), assert.AssertionError);
    assert.throws(() => cache.assign(0, -1), assert.AssertionError);
    assert.throws(() => cache.assign(2 ** 31, 0), assert.AssertionError);
    assert.throws(() => cache.assign(0, 2 ** 53), assert.AssertionError);
    assert.deepEqual(cache.epochEntries(), []);
  });

  test("epochEntries is a copy", async () => {
    const cache = await cacheWith([1, 0]);
    const copy = cache.epochEntries();
    copy.push({ epoch: 9, startOffset: 9 });
    assert.deepEqual(cache.epochEntries(), entries([1, 0]));
  });

  test("an empty cache has no latest epoch", async () => {
    const cache = await emptyCache();
    assert.equal(cache.latestEpoch(), null);
    assert.equal(cache.latestEntry(), null);
    assert.equal(cache.earliestEntry(), null);
  });
});

describe("endOffsetFor", () => {
  test("an empty cache knows no epoch", async () => {
    const cache = await emptyCache();
    assert.deepEqual(cache.endOffsetFor(0, 0), UNDEFINED);
    assert.deepEqual(cache.endOffsetFor(7, 0), UNDEFINED);
    assert.deepEqual(cache.endOffsetFor(UNDEFINED_EPOCH, 73), UNDEFINED);
  });

  test("the undefined epoch gets the undefined answer even when epochs are known", async () => {
    const cache = await cacheWith([2, 11], [3, 12]);
    assert.deepEqual(cache.endOffsetFor(UNDEFINED_EPOCH, 0), UNDEFINED);
  });

  test("the latest epoch ends at the log end offset", async () => {
    const cache = await cacheWith([2, 11], [2, 12]);
    assert.deepEqual(cache.endOffsetFor(2, 14), { epoch: 2, endOffset: 14 });
  });

  test("an earlier epoch ends where the next one starts", async () => {
    const cache = await cacheWith([1, 11], [1, 12], [2, 13], [2, 14], [3, 15], [3, 16]);
    assert.deepEqual(cache.endOffsetFor(1, 17), { epoch: 1, endOffset: 13 });
    assert.deepEqual(cache.endOffsetFor(2, 17), { epoch: 2, endOffset: 15 });
    assert.deepEqual(cache.endOffsetFor(3, 17), { epoch: 3, endOffset: 17 });
  });

  test("an unknown epoch between known ones answers with the largest known epoch below it", async () => {
    const cache = await cacheWith([0, 10], [2, 13], [4, 17]);
    assert.deepEqual(cache.endOffsetFor(1, 0), { epoch: 0, endOffset: 13 });
    assert.deepEqual(cache.endOffsetFor(2, 0), { epoch: 2, endOffset: 17 });
    assert.deepEqual(cache.endOffsetFor(3, 0), { epoch: 2, endOffset: 17 });
  });

  test("an epoch older than every known one ends where the first known one starts", async () => {
    const cache = await cacheWith([5, 11], [6, 12], [7, 13]);
    assert.deepEqual(cache.endOffsetFor(4, 0), { epoch: 4, endOffset: 11 });
    // Any int32 off the network gets an answer.
    assert.deepEqual(cache.endOffsetFor(-5, 0), { epoch: -5, endOffset: 11 });
  });

  test("an epoch newer than every known one is undefined", async () => {
    const cache = await cacheWith([2, 100]);
    assert.deepEqual(cache.endOffsetFor(3, 100), UNDEFINED);
  });

  test("epochs that start at the same offset as the log end end there", async () => {
    const cache = await cacheWith([0, 0], [1, 0]);
    assert.deepEqual(cache.epochEntries(), entries([1, 0]));
    assert.deepEqual(cache.endOffsetFor(1, 0), { epoch: 1, endOffset: 0 });
    assert.deepEqual(cache.endOffsetFor(0, 0), { epoch: 0, endOffset: 0 });
    cache.assign(2, 5);
    assert.deepEqual(cache.endOffsetFor(2, 10), { epoch: 2, endOffset: 10 });
    assert.deepEqual(cache.endOffsetFor(1, 10), { epoch: 1, endOffset: 5 });
    assert.deepEqual(cache.endOffsetFor(0, 10), { epoch: 0, endOffset: 0 });
  });

  test("a log end offset that is not a safe offset is a programmer error", async () => {
    const cache = await cacheWith([1, 0]);
    assert.throws(() => cache.endOffsetFor(1, -1), assert.AssertionError);
    assert.throws(() => cache.endOffsetFor(1.5, 3), assert.AssertionError);
  });
});

describe("epochForOffset", () => {
  test("the epoch of the last entry starting at or before the offset", async () => {
    const cache = await cacheWith([2, 6], [3, 8], [4, 11]);
    assert.equal(cache.epochForOffset(5), null);
    assert.equal(cache.epochForOffset(6), 2);
    assert.equal(cache.epochForOffset(7), 2);
    assert.equal(cache.epochForOffset(8), 3);
    assert.equal(cache.epochForOffset(10), 3);
    assert.equal(cache.epochForOffset(11), 4);
    assert.equal(cache.epochForOffset(1000), 4);
  });
});

describe("truncation", () => {
  test("truncateFromEnd drops entries starting at or after the offset", async () => {
    const cache = await cacheWith([2, 6], [3, 8], [4, 11]);
    assert.equal(cache.truncateFromEnd(9), true);
    assert.deepEqual(cache.epochEntries(), entries([2, 6], [3, 8]));
    assert.equal(cache.truncateFromEnd(8), true);
    assert.deepEqual(cache.epochEntries(), entries([2, 6]));
    assert.equal(cache.truncateFromEnd(7), false);
    assert.equal(cache.truncateFromEnd(6), true);
    assert.deepEqual(cache.epochEntries(), []);
  });

  test("truncateFromStart drops entries at or before the offset and moves the boundary entry up", async () => {
    const cases: [number, EpochEntry[]][] = [
      [1, entries([2, 6], [3, 8], [4, 11])],
      [6, entries([2, 6], [3, 8], [4, 11])],
      [8, entries([3, 8], [4, 11])],
      [9, entries([3, 9], [4, 11])],
      [11, entries([4, 11])],
      [15, entries([4, 15])],
    ];
    for (const [startOffset, expected] of cases) {
      const cache = await cacheWith([2, 6], [3, 8], [4, 11]);
      cache.truncateFromStart(startOffset);
      assert.deepEqual(cache.epochEntries(), expected, `truncateFromStart(${startOffset})`);
    }
  });

  test("truncateFromStart inside the first epoch moves only its start", async () => {
    const cache = await cacheWith([0, 0], [1, 7], [2, 10]);
    assert.equal(cache.truncateFromStart(5), true);
    assert.deepEqual(cache.epochEntries(), entries([0, 5], [1, 7], [2, 10]));
  });

  test("the undefined offset truncates nothing, at either end", async () => {
    const cache = await cacheWith([2, 6], [3, 8], [4, 11]);
    assert.equal(cache.truncateFromStart(UNDEFINED_EPOCH_OFFSET), false);
    assert.equal(cache.truncateFromEnd(UNDEFINED_EPOCH_OFFSET), false);
    assert.equal(cache.epochEntries().length, 3);
    assert.throws(() => cache.truncateFromEnd(-2), assert.AssertionError);
    assert.throws(() => cache.truncateFromStart(-2), assert.AssertionError);
  });

  test("truncating an empty cache does nothing", async () => {
    const cache = await emptyCache();
    assert.equal(cache.truncateFromStart(7), false);
    assert.equal(cache.truncateFromEnd(7), false);
    assert.deepEqual(cache.epochEntries(), []);
  });

  test("clear forgets every entry", async () => {
    const cache = await cacheWith([2, 6], [3, 8]);
    cache.clear();
    assert.deepEqual(cache.epochEntries(), []);
    assert.equal(cache.latestEpoch(), null);
  });
});

describe("persistence", () => {
  test("a partition without a checkpoint loads empty and flushing nothing writes nothing", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    assert.equal(cache.path, CHECKPOINT_PATH);
    assert.deepEqual(cache.epochEntries(), []);
    assert.equal(await cache.flush(), false);
    assert.equal(await fs.readFile(CHECKPOINT_PATH), null);
  });

  test("flush writes Kafka's format, and only when the entries changed", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    cache.assign(0, 0);
    cache.assign(3, 100);
    assert.equal(await cache.flush(), true);
    assert.equal((await fs.readFile(CHECKPOINT_PATH))?.toString("utf8"), "0\n2\n0 0\n3 100\n");

    fs.resetStats();
    assert.equal(await cache.flush(), false);
    cache.assign(3, 150);
    cache.truncateFromStart(0);
    assert.equal(await cache.flush(), false, "a change that restores the same entries is no change");
    assert.equal(fs.stats.writeCalls, 0);

    cache.truncateFromEnd(100);
    assert.equal(await cache.flush(), true);
    assert.equal((await fs.readFile(CHECKPOINT_PATH))?.toString("utf8"), "0\n1\n0 0\n");
  });

  test("only flushed state survives a crash", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    cache.assign(1, 0);
    cache.assign(2, 50);
    await cache.flush();
    cache.assign(3, 80);
    cache.truncateFromStart(10);

    fs.crash({ tornWrites: true });
    const reloaded = await LeaderEpochCache.load(fs, PARTITION_DIR);
    assert.deepEqual(reloaded.epochEntries(), entries([1, 0], [2, 50]));

    reloaded.assign(3, 80);
    await reloaded.flush();
    fs.crash();
    const again = await LeaderEpochCache.load(fs, PARTITION_DIR);
    assert.deepEqual(again.epochEntries(), entries([1, 0], [2, 50], [3, 80]));
    assert.equal(await again.flush(), false);
  });

  test("a crash during a flush leaves the previous checkpoint whole", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    cache.assign(1, 0);
    await cache.flush();
    cache.assign(2, 40);
    fs.failNext("syncDirectory", "EIO");
    await assert.rejects(cache.flush());
    fs.crash({ tornWrites: true });
    const reloaded = await LeaderEpochCache.load(fs, PARTITION_DIR);
    assert.deepEqual(reloaded.epochEntries(), entries([1, 0]));
  });

  test("a failed flush is retried by the next one", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    cache.assign(1, 0);
    fs.failNext("write", "ENOSPC");
    await assert.rejects(cache.flush());
    assert.equal(await cache.flush(), true);
    const reloaded = await LeaderEpochCache.load(fs, PARTITION_DIR);
    assert.deepEqual(reloaded.epochEntries(), entries([1, 0]));
  });

  test("clear then flush persists an empty history", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    cache.assign(1, 0);
    await cache.flush();
    cache.clear();
    assert.equal(await cache.flush(), true);
    assert.equal((await fs.readFile(CHECKPOINT_PATH))?.toString("utf8"), "0\n0\n");
    assert.deepEqual((await LeaderEpochCache.load(fs, PARTITION_DIR)).epochEntries(), []);
  });

  test("a file out of order loads through assign and is rewritten at the next flush", async () => {
    const fs = await freshFileSystem();
    await writeRaw(fs, "0\n3\n0 0\n2 20\n1 30\n");
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    assert.deepEqual(cache.epochEntries(), entries([0, 0], [1, 30]));
    assert.equal(await cache.flush(), true);
    assert.equal((await fs.readFile(CHECKPOINT_PATH))?.toString("utf8"), "0\n2\n0 0\n1 30\n");
  });

  test("an empty file, as Kafka creates it, loads empty", async () => {
    const fs = await freshFileSystem();
    await writeRaw(fs, "");
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    assert.deepEqual(cache.epochEntries(), []);
  });

  test("a malformed checkpoint fails the load with CorruptCheckpointError", async () => {
    const fs = await freshFileSystem();
    for (const text of [
      "0\n1\n1\n",
      "0\n1\n1 2 3\n",
      "0\n1\n-1 0\n",
      "0\n1\n2147483648 0\n",
      "0\n2\n1 0\n",
    ]) {
      await writeRaw(fs, text);
      await assert.rejects(LeaderEpochCache.load(fs, PARTITION_DIR), (error: unknown) => {
        return error instanceof CorruptCheckpointError && error.path === CHECKPOINT_PATH;
      });
      await fs.unlink(CHECKPOINT_PATH);
    }
  });

  test("overlapping flushes are a programmer error", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    cache.assign(1, 0);
    const first = cache.flush();
    await assert.rejects(cache.flush(), assert.AssertionError);
    assert.equal(await first, true);
  });

  test("entries assigned during a flush are written by the next one", async () => {
    const fs = await freshFileSystem();
    const cache = await LeaderEpochCache.load(fs, PARTITION_DIR);
    cache.assign(1, 0);
    const first = cache.flush();
    cache.assign(2, 10);
    await first;
    assert.equal((await fs.readFile(CHECKPOINT_PATH))?.toString("utf8"), "0\n1\n1 0\n");
    assert.equal(await cache.flush(), true);
    assert.deepEqual(
      (await LeaderEpochCache.load(fs, PARTITION_DIR)).epochEntries(),
      entries([1, 0], [2, 10]),
    );
  });
});
