import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readFileIfExists, writeFileDurably } from "../../../src/storage/durable-file.ts";
import { FileSystemError } from "../../../src/storage/file-system.ts";
import { SimFileSystem, type SimOperation } from "../../../src/storage/sim-file-system.ts";

const PATH = "/data/recovery-point-offset-checkpoint";
const OLD = Buffer.from("0\n2\ntopic 0 1500\ntopic 1 1499\n");
const NEW = Buffer.from("0\n1\ntopic 0 2000\n");
const SEEDS_PER_STEP = 25;

async function freshFileSystem(existing: Buffer | null): Promise<SimFileSystem> {
  const fs = new SimFileSystem();
  await fs.mkdir("/data");
  await fs.syncDirectory("/");
  if (existing !== null) await writeFileDurably(fs, PATH, existing);
  return fs;
}

function sameContent(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** The operations one writeFileDurably call makes, in order. */
async function operationsOfOneWrite(): Promise<SimOperation[]> {
  const fs = await freshFileSystem(OLD);
  const operations: SimOperation[] = [];
  fs.faultHook = (operation) => {
    operations.push(operation);
    return null;
  };
  await writeFileDurably(fs, PATH, NEW);
  return operations;
}

describe("writeFileDurably", () => {
  test("replaces the content, leaves no temporary file and no open handle", async () => {
    const fs = await freshFileSystem(OLD);
    fs.resetStats();
    await writeFileDurably(fs, PATH, NEW);
    assert.deepEqual(await readFileIfExists(fs, PATH), NEW);
    assert.deepEqual(await fs.readdir("/data"), ["recovery-point-offset-checkpoint"]);
    assert.equal(fs.openHandleCount, 0);
    assert.equal(fs.stats.syncCalls, 1);
    assert.equal(fs.stats.syncDirectoryCalls, 1);
    fs.crash({ tornWrites: true, seed: 7 });
    assert.deepEqual(await readFileIfExists(fs, PATH), NEW, "a completed call survives power loss");
  });

  test("a longer leftover temporary file does not leak into the new content", async () => {
    const fs = await freshFileSystem(null);
    const leftover = await fs.open(PATH + ".tmp", "create");
    await leftover.write(Buffer.alloc(500, 0x7a), 0);
    await leftover.close();
    await writeFileDurably(fs, PATH, NEW);
    assert.deepEqual(await readFileIfExists(fs, PATH), NEW);
  });

  test("readFileIfExists answers null for a missing file and ignores a temporary one", async () => {
    const fs = await freshFileSystem(null);
    assert.equal(await readFileIfExists(fs, PATH), null);
    const partial = await fs.open(PATH + ".tmp", "create");
    await partial.write(NEW.subarray(0, 3), 0);
    await partial.close();
    assert.equal(await readFileIfExists(fs, PATH), null);
  });

  test("makes the steps the protocol promises, in order", async () => {
    assert.deepEqual(await operationsOfOneWrite(), [
      "open",
      "truncate",
      "write",
      "sync",
      "close",
      "rename",
      "syncDirectory",
    ]);
  });

  for (const existing of [OLD, null]) {
    const before = existing === null ? "no file" : "an old file";
    test(`a crash at any step leaves ${existing === null ? "nothing or the new file" : "the old or the new file"}, whole (${before} before)`, async () => {
      const operations = await operationsOfOneWrite();
      // failAt = operations.length runs the call to completion, then crashes.
      for (let failAt = 0; failAt <= operations.length; failAt++) {
        for (let seed = 0; seed < SEEDS_PER_STEP; seed++) {
          const fs = await freshFileSystem(existing);
          let count = 0;
          fs.faultHook = () => (count++ === failAt ? "EIO" : null);
          const completed = await writeFileDurably(fs, PATH, NEW).then(
            () => true,
            (error: unknown) => {
              assert(error instanceof FileSystemError && error.code === "EIO", `unexpected ${String(error)}`);
              return false;
            },
          );
          assert.equal(completed, failAt === operations.length);
          fs.clearFaults();
          fs.crash({ tornWrites: true, seed });
          const after = await readFileIfExists(fs, PATH);
          const where = `failing ${operations[failAt] ?? "nothing"} (step ${failAt}), rerun with seed=${seed}`;
          if (completed) assert.deepEqual(after, NEW, where);
          else if (failAt <= operations.indexOf("rename")) assert.deepEqual(after, existing, where);
          else
            assert(
              [existing, NEW].some((whole) => sameContent(after, whole)),
              `${where}: got ${String(after)}`,
            );
        }
      }
    });
  }
});

/**
 * The same simulator must catch each shortcut the protocol avoids; if these
 * passed silently, the crash test above would prove nothing.
 */
describe("the hazards each step of writeFileDurably closes", () => {
  test("overwriting in place can leave a mix of old and new bytes", async () => {
    const outcomes = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const fs = await freshFileSystem(OLD);
      const handle = await fs.open(PATH, "write");
      await handle.write(NEW, 0);
      fs.crash({ tornWrites: true, seed });
      const after = (await readFileIfExists(fs, PATH))!;
      outcomes.add(after.equals(OLD) ? "old" : after.equals(NEW) ? "new" : "mixed");
    }
    assert(outcomes.has("mixed"));
  });

  test("renaming without syncing the temporary file can leave an empty file", async () => {
    const fs = await freshFileSystem(OLD);
    const handle = await fs.open(PATH + ".tmp", "create");
    await handle.write(NEW, 0);
    await handle.close();
    await fs.rename(PATH + ".tmp", PATH);
    await fs.syncDirectory("/data");
    fs.crash();
    assert.deepEqual(await readFileIfExists(fs, PATH), Buffer.alloc(0));
  });

  test("skipping the directory sync loses a write that reported success", async () => {
    const fs = await freshFileSystem(OLD);
    const handle = await fs.open(PATH + ".tmp", "create");
    await handle.write(NEW, 0);
    await handle.sync();
    await handle.close();
    await fs.rename(PATH + ".tmp", PATH);
    fs.crash();
    assert.deepEqual(await readFileIfExists(fs, PATH), OLD);
  });
});
