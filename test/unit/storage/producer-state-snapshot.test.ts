import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  CorruptSnapshotError,
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  listSnapshotOffsets,
  loadLatestSnapshot,
  snapshotPath,
} from "../../../src/storage/producer-snapshot.ts";
import {
  type AppendedBatch,
  lastSequenceOf,
  ProducerStateManager,
  type ProducerStateView,
} from "../../../src/storage/producer-state.ts";
import { SimFileSystem, type SimOperation } from "../../../src/storage/sim-file-system.ts";

const DIR = "/data/topic-0";

async function partitionDir(): Promise<SimFileSystem> {
  const fs = new SimFileSystem();
  await fs.mkdir(DIR);
  await fs.syncDirectory("/");
  await fs.syncDirectory("/data");
  return fs;
}

/** Producer `producerId` writes `count` records at `offset`, one batch. */
function batchAt(
  producerId: bigint,
  sequence: number,
  offset: number,
  options: { count?: number; transactional?: boolean; timestampMs?: number } = {},
): AppendedBatch {
  const count = options.count ?? 1;
  return {
    producerId,
    producerEpoch: 1,
    baseSequence: sequence,
    lastSequence: lastSequenceOf(sequence, count - 1),
    isTransactional: options.transactional ?? false,
    isControl: false,
    maxTimestampMs: options.timestampMs ?? 1_000 + offset,
    firstOffset: offset,
    lastOffset: offset + count - 1,
  };
}

/** Three producers with full retained lists, one with an open transaction; ends at offset 40. */
function busyState(fs: SimFileSystem): ProducerStateManager {
  const state = new ProducerStateManager({ fs, dir: DIR });
  for (let i = 0; i < 20; i++) {
    const producerId = BigInt(10 + (i % 3));
    state.onAppended(
      batchAt(producerId, Math.floor(i / 3) * 2, i * 2, { count: 2, transactional: producerId === 12n }),
    );
  }
  return state;
}

describe("producer snapshot format", () => {
  const view = fc.record({
    producerId: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    producerEpoch: fc.integer({ min: -1, max: 32767 }),
    coordinatorEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    lastTimestampMs: fc.integer({ min: -1, max: 2 ** 50 }),
    currentTxnFirstOffset: fc.option(fc.integer({ min: 0, max: 999_999 }), { nil: null }),
    batches: fc.uniqueArray(fc.integer({ min: 0, max: 999_999 }), { maxLength: 5 }).chain((ends) =>
      fc.tuple(
        ...[...ends]
          .sort((a, b) => a - b)
          .map((lastOffset) =>
            fc.record({
              lastSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              lastOffset: fc.constant(lastOffset),
              offsetDelta: fc.integer({ min: 0, max: lastOffset }),
              timestampMs: fc.integer({ min: -1, max: 2 ** 50 }),
            }),
          ),
      ),
    ),
  });

  test("decode(encode(x)) is x", () => {
    fc.assert(
      fc.property(fc.uniqueArray(view, { selector: (v) => v.producerId, maxLength: 8 }), (views) => {
        // Spread: fast-check may build objects without a prototype, which deepEqual tells apart.
        const sorted = [...views]
          .sort((a, b) => (a.producerId < b.producerId ? -1 : 1))
          .map((v) => ({ ...v, batches: v.batches.map((b) => ({ ...b })) }));
        const bytes = encodeProducerSnapshot(sorted);
        assert.deepEqual(decodeProducerSnapshot(bytes, 1_000_000, "x"), sorted);
      }),
    );
  });

  test("the bytes are the documented layout", () => {
    const bytes = encodeProducerSnapshot([
      {
        producerId: 5n,
        producerEpoch: 2,
        lastTimestampMs: 77,
        coordinatorEpoch: -1,
        currentTxnFirstOffset: null,
        batches: [{ lastSequence: 9, lastOffset: 20, offsetDelta: 3, timestampMs: 70 }],
      },
    ]);
    assert.equal(bytes.length, 10 + 34 + 24);
    assert.equal(bytes.readInt16BE(0), 1, "version");
    assert.equal(bytes.readInt32BE(6), 1, "producer count");
    assert.equal(bytes.readBigInt64BE(10), 5n);
    assert.equal(bytes.readInt16BE(18), 2);
    assert.equal(bytes.readBigInt64BE(20), 77n);
    assert.equal(bytes.readInt32BE(28), -1);
    assert.equal(bytes.readBigInt64BE(32), -1n, "no open transaction");
    assert.equal(bytes.readInt32BE(40), 1, "batch count");
    assert.deepEqual(
      [bytes.readInt32BE(44), bytes.readBigInt64BE(48), bytes.readInt32BE(56), bytes.readBigInt64BE(60)],
      [9, 20n, 3, 70n],
    );
  });

  test("timestamps at the int64 limits survive", () => {
    const extreme = Number(2n ** 63n - 1n); // rounds up to 2^63, one past int64
    const producer = {
      producerId: 1n,
      producerEpoch: 0,
      lastTimestampMs: extreme,
      coordinatorEpoch: -1,
      currentTxnFirstOffset: null,
      batches: [{ lastSequence: 0, lastOffset: 0, offsetDelta: 0, timestampMs: -extreme }],
    };
    assert.deepEqual(decodeProducerSnapshot(encodeProducerSnapshot([producer]), 1, "x"), [producer]);
  });

  test("damage is reported as corruption, never decoded", () => {
    const good = encodeProducerSnapshot(busyState(new SimFileSystem()).activeProducers());
    const decode =
      (bytes: Buffer, offset = 40) =>
      () =>
        decodeProducerSnapshot(bytes, offset, "f");
    assert.doesNotThrow(decode(good));
    for (let i = 0; i < good.length; i += 7) {
      const flipped = Buffer.from(good);
      flipped[i] ^= 0x10;
      assert.throws(decode(flipped), CorruptSnapshotError, `bit flipped at byte ${i}`);
    }
    assert.throws(decode(good.subarray(0, good.length - 1)), CorruptSnapshotError, "truncated");
    assert.throws(decode(good, 39), CorruptSnapshotError, "offsets at or past the file's own offset");
    const newerVersion = Buffer.from(good);
    newerVersion.writeInt16BE(2, 0);
    assert.throws(decode(newerVersion), /unknown version 2/);
  });
});

describe("ProducerStateManager snapshots", () => {
  test("a snapshot restores every producer, retries of all retained batches included", async () => {
    const fs = await partitionDir();
    const before = busyState(fs);
    assert.equal(await before.takeSnapshot(), 40);
    assert.equal(await before.takeSnapshot(), null, "nothing new since the last snapshot");
    assert.deepEqual(await fs.readdir(DIR), ["00000000000000000040.snapshot"]);

    const after = new ProducerStateManager({ fs, dir: DIR });
    await after.truncateAndReload(0, 40, 5_000);
    assert.equal(after.mapEndOffset, 40);
    assert.deepEqual(after.activeProducers(), before.activeProducers());
    assert.equal(after.firstUnstableOffset(), 4, "producer 12's open transaction");
    for (const producer of before.activeProducers()) {
      assert.equal(producer.batches.length, 5);
      for (const batch of producer.batches) {
        const firstSequence = batch.lastSequence - batch.offsetDelta;
        const retry = { ...batchAt(producer.producerId, firstSequence, 0, { count: batch.offsetDelta + 1 }) };
        assert.equal(after.checkAndPrepare(retry).kind, "duplicate");
      }
    }
  });

  test("producers already expired are not loaded", async () => {
    const fs = await partitionDir();
    const state = busyState(fs);
    await state.takeSnapshot();
    const later = new ProducerStateManager({ fs, dir: DIR, producerIdExpirationMs: 1_000 });
    await later.truncateAndReload(0, 40, 1_000_000);
    assert.deepEqual(
      later.activeProducers().map((p) => p.producerId),
      [12n],
      "only the producer with an open transaction stays",
    );
  });

  test("a corrupt newest snapshot is deleted and an older one used", async () => {
    const fs = await partitionDir();
    const state = new ProducerStateManager({ fs, dir: DIR });
    state.onAppended(batchAt(1n, 0, 0));
    await state.takeSnapshot(); // at 1
    state.onAppended(batchAt(1n, 1, 1));
    await state.takeSnapshot(); // at 2
    state.onAppended(batchAt(1n, 2, 2));
    await state.takeSnapshot(); // at 3

    const newest = (await fs.readFile(snapshotPath(DIR, 3)))!;
    newest[newest.length - 1] ^= 1;
    await fs.open(snapshotPath(DIR, 3), "write").then(async (handle) => {
      await handle.write(newest, 0);
      await handle.close();
    });
    const badVersion = (await fs.readFile(snapshotPath(DIR, 2)))!;
    badVersion.writeInt16BE(9, 0);
    await fs.open(snapshotPath(DIR, 2), "write").then(async (handle) => {
      await handle.write(badVersion, 0);
      await handle.close();
    });

    const reloaded = new ProducerStateManager({ fs, dir: DIR });
    await reloaded.truncateAndReload(0, 3, 0);
    assert.equal(reloaded.mapEndOffset, 1, "fell back to the snapshot at 1");
    assert.deepEqual(await listSnapshotOffsets(fs, DIR), [1], "the corrupt ones are gone");
    assert.equal(reloaded.producer(1n)?.batches.at(-1)?.lastSequence, 0);
  });

  test("only the newest few snapshots are kept; truncation and retention delete the rest", async () => {
    const fs = await partitionDir();
    const state = new ProducerStateManager({ fs, dir: DIR, retainedSnapshots: 3 });
    for (let offset = 0; offset < 6; offset++) {
      state.onAppended(batchAt(1n, offset, offset));
      await state.takeSnapshot();
    }
    assert.deepEqual(await listSnapshotOffsets(fs, DIR), [4, 5, 6]);
    assert.equal(await state.latestSnapshotOffset(), 6);
    await state.deleteSnapshotsAbove(5);
    assert.deepEqual(await listSnapshotOffsets(fs, DIR), [4, 5]);
    await state.deleteSnapshotsBelow(5);
    assert.deepEqual(await listSnapshotOffsets(fs, DIR), [5]);
    await state.truncateFullyAndStartAt(100);
    assert.deepEqual(await listSnapshotOffsets(fs, DIR), []);
    assert.equal(state.mapEndOffset, 100);
    assert.equal(state.producerCount, 0);
  });

  test("truncateAndReload rebuilds from the newest snapshot at or below the new end, then replays", async () => {
    const fs = await partitionDir();
    const batches: AppendedBatch[] = [];
    const state = new ProducerStateManager({ fs, dir: DIR });
    for (let i = 0; i < 12; i++) {
      const batch = batchAt(BigInt(i % 3), Math.floor(i / 3) * 2, i * 2, { count: 2 });
      batches.push(batch);
      state.onAppended(batch);
      if (i === 5) await state.takeSnapshot();
    }
    const full = state.activeProducers();

    await state.truncateAndReload(0, 18, 0);
    assert.equal(state.mapEndOffset, 12, "reloaded from the snapshot at 12");
    for (const batch of batches.filter((b) => b.firstOffset >= 12 && b.lastOffset < 18)) state.replay(batch);
    const expected = new ProducerStateManager({ fs: new SimFileSystem(), dir: DIR });
    for (const batch of batches.filter((b) => b.lastOffset < 18)) expected.onAppended(batch);
    assert.deepEqual(state.activeProducers(), expected.activeProducers());
    assert.notDeepEqual(state.activeProducers(), full);

    await state.truncateAndReload(0, 10, 0);
    assert.deepEqual(await fs.readdir(DIR), [], "the snapshot above the new end is deleted");
    assert.equal(state.mapEndOffset, 0);
    assert.equal(state.producerCount, 0);
  });

  test("a stray temporary file from a crashed write is removed at load", async () => {
    const fs = await partitionDir();
    const handle = await fs.open(`${snapshotPath(DIR, 8)}.tmp`, "create");
    await handle.write(Buffer.from([1, 2, 3]), 0);
    await handle.close();
    const state = new ProducerStateManager({ fs, dir: DIR });
    await state.truncateAndReload(0, 10, 0);
    assert.deepEqual(await fs.readdir(DIR), []);
  });
});

describe("ProducerStateManager snapshots across power loss", () => {
  test("a completed snapshot survives a crash with torn writes", async () => {
    const fs = await partitionDir();
    const state = busyState(fs);
    await state.takeSnapshot();
    fs.crash({ tornWrites: true, seed: 3 });
    const snapshot = await loadLatestSnapshot(fs, DIR, 40);
    assert.equal(snapshot?.offset, 40);
    assert.deepEqual(snapshot?.producers, state.activeProducers());
  });

  test("a snapshot whose rename was never made durable may vanish; the older one is used", async () => {
    const fs = await partitionDir();
    const state = new ProducerStateManager({ fs, dir: DIR });
    state.onAppended(batchAt(1n, 0, 0));
    await state.takeSnapshot(); // at 1, durable
    state.onAppended(batchAt(1n, 1, 1));
    fs.failNext("syncDirectory", "EIO");
    await assert.rejects(state.takeSnapshot(), { code: "EIO" });
    assert.deepEqual(await listSnapshotOffsets(fs, DIR), [1, 2], "renamed, but only in memory");
    fs.crash();
    assert.deepEqual(await listSnapshotOffsets(fs, DIR), [1]);
    const reloaded = new ProducerStateManager({ fs, dir: DIR });
    await reloaded.truncateAndReload(0, 2, 0);
    assert.equal(reloaded.mapEndOffset, 1, "the log replays offset 1 on top");
  });

  test("a crash before any step of a snapshot write leaves the old snapshot or the new one, whole", async () => {
    const operations: SimOperation[] = [];
    {
      const fs = await partitionDir();
      const state = busyState(fs);
      fs.faultHook = (operation) => {
        operations.push(operation);
        return null;
      };
      await state.takeSnapshot();
    }
    assert.ok(operations.length >= 5);
    const outcomes = new Set<number>();
    for (let crashAt = 0; crashAt <= operations.length; crashAt++) {
      for (const tornWrites of [false, true]) {
        const fs = await partitionDir();
        const state = busyState(fs);
        const old = new ProducerStateManager({ fs, dir: DIR });
        old.onAppended(batchAt(1n, 0, 0));
        await old.takeSnapshot(); // at 1
        let count = 0;
        fs.faultHook = () => {
          if (count++ !== crashAt) return null;
          fs.crash({ tornWrites, seed: crashAt });
          return "EIO";
        };
        await state
          .takeSnapshot()
          .catch((error: unknown) => assert.equal((error as { code?: string }).code, "EIO"));
        fs.faultHook = null;
        fs.crash({ tornWrites, seed: crashAt + 100 });
        const snapshot = await loadLatestSnapshot(fs, DIR, 40);
        const where = `crash at operation ${crashAt} (${operations[crashAt] ?? "after the last"}), torn ${tornWrites}`;
        assert.ok(snapshot !== null, where);
        const expected: ProducerStateView[] =
          snapshot.offset === 40 ? state.activeProducers() : old.activeProducers();
        assert.ok(snapshot.offset === 40 || snapshot.offset === 1, where);
        assert.deepEqual(snapshot.producers, expected, where);
        outcomes.add(snapshot.offset);
      }
    }
    assert.deepEqual(
      [...outcomes].sort((x, y) => x - y),
      [1, 40],
      "both outcomes occur",
    );
  });
});
