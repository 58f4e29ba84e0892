import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FileSystemError } from "../../../src/storage/file-system.ts";
import { type SimCrashOptions, SimFileSystem } from "../../../src/storage/sim-file-system.ts";

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert(error instanceof FileSystemError, `expected a FileSystemError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

async function writeWhole(fs: SimFileSystem, path: string, text: string, sync: boolean): Promise<void> {
  const handle = await fs.open(path, "create");
  await handle.truncate(0);
  await handle.write(Buffer.from(text), 0);
  if (sync) await handle.sync();
  await handle.close();
}

async function text(fs: SimFileSystem, path: string): Promise<string | null> {
  return (await fs.readFile(path))?.toString() ?? null;
}

/** A durable /d directory to work in. */
async function freshFileSystem(): Promise<SimFileSystem> {
  const fs = new SimFileSystem();
  await fs.mkdir("/d");
  await fs.syncDirectory("/");
  return fs;
}

describe("SimFileSystem crash semantics", () => {
  test("unsynced writes are lost, synced ones kept", async () => {
    const fs = await freshFileSystem();
    const handle = await fs.open("/d/log", "create");
    await handle.write(Buffer.from("synced;"), 0);
    await handle.sync();
    await fs.syncDirectory("/d");
    await handle.write(Buffer.from("unsynced"), 7);
    assert.equal(await text(fs, "/d/log"), "synced;unsynced", "reads see unsynced writes before a crash");
    fs.crash();
    assert.equal(await text(fs, "/d/log"), "synced;");
  });

  test("a synced file whose directory entry was never synced is gone", async () => {
    const fs = await freshFileSystem();
    await writeWhole(fs, "/d/orphan", "data", true);
    fs.crash();
    assert.equal(await fs.stat("/d/orphan"), null);
    assert.deepEqual(await fs.readdir("/d"), []);
  });

  test("a synced directory entry for an unsynced file keeps an empty file", async () => {
    const fs = await freshFileSystem();
    await writeWhole(fs, "/d/empty", "data", false);
    await fs.syncDirectory("/d");
    fs.crash();
    assert.equal(await text(fs, "/d/empty"), "");
  });

  test("unlink becomes durable only with the directory sync", async () => {
    const fs = await freshFileSystem();
    await writeWhole(fs, "/d/f", "kept", true);
    await fs.syncDirectory("/d");
    await fs.unlink("/d/f");
    fs.crash();
    assert.equal(await text(fs, "/d/f"), "kept", "the unlink was not synced");
    await fs.unlink("/d/f");
    await fs.syncDirectory("/d");
    fs.crash();
    assert.equal(await fs.stat("/d/f"), null);
  });

  test("a rename within a directory is durable at the directory sync, atomically", async () => {
    const fs = await freshFileSystem();
    await writeWhole(fs, "/d/state", "old", true);
    await fs.syncDirectory("/d");
    await writeWhole(fs, "/d/state.tmp", "new", true);
    await fs.rename("/d/state.tmp", "/d/state");
    fs.crash();
    assert.equal(await text(fs, "/d/state"), "old");
    assert.deepEqual(await fs.readdir("/d"), ["state"]);

    await writeWhole(fs, "/d/state.tmp", "new", true);
    await fs.rename("/d/state.tmp", "/d/state");
    await fs.syncDirectory("/d");
    fs.crash();
    assert.equal(await text(fs, "/d/state"), "new");
    assert.deepEqual(await fs.readdir("/d"), ["state"]);
  });

  test("a rename between directories needs both directories synced", async () => {
    const moveAndCrash = async (syncSource: boolean, syncTarget: boolean): Promise<string[]> => {
      const fs = await freshFileSystem();
      await fs.mkdir("/e");
      await fs.syncDirectory("/");
      await writeWhole(fs, "/d/f", "x", true);
      await fs.syncDirectory("/d");
      await fs.rename("/d/f", "/e/f");
      if (syncSource) await fs.syncDirectory("/d");
      if (syncTarget) await fs.syncDirectory("/e");
      fs.crash();
      return [
        ...(await fs.readdir("/d")).map((n) => `d/${n}`),
        ...(await fs.readdir("/e")).map((n) => `e/${n}`),
      ];
    };
    assert.deepEqual(await moveAndCrash(true, true), ["e/f"]);
    assert.deepEqual(await moveAndCrash(false, false), ["d/f"]);
    assert.deepEqual(await moveAndCrash(true, false), [], "only the removal was durable");
    assert.deepEqual(await moveAndCrash(false, true), ["d/f", "e/f"], "only the addition was durable");
  });

  test("new directories need their parent synced, level by level", async () => {
    const fs = new SimFileSystem();
    await fs.mkdir("/a/b/c");
    await fs.syncDirectory("/");
    fs.crash();
    assert.equal((await fs.stat("/a"))?.isDirectory, true);
    assert.equal(await fs.stat("/a/b"), null);
    await fs.mkdir("/a/b/c");
    await fs.syncDirectory("/a");
    await fs.syncDirectory("/a/b");
    fs.crash();
    assert.equal((await fs.stat("/a/b/c"))?.isDirectory, true);
  });

  test("removeTree is undone by a crash unless the parent was synced", async () => {
    const fs = await freshFileSystem();
    await fs.mkdir("/d/p");
    await fs.syncDirectory("/d");
    await writeWhole(fs, "/d/p/seg", "bytes", true);
    await fs.syncDirectory("/d/p");
    await fs.removeTree("/d/p");
    fs.crash();
    assert.equal(await text(fs, "/d/p/seg"), "bytes");
    await fs.removeTree("/d/p");
    await fs.syncDirectory("/d");
    fs.crash();
    assert.equal(await fs.stat("/d/p"), null);
  });

  test("half-synced directory moves that would form a cycle recover to a tree", async () => {
    const fs = new SimFileSystem();
    await fs.mkdir("/a/b");
    await fs.syncDirectory("/");
    await fs.syncDirectory("/a");
    await fs.rename("/a/b", "/b");
    await fs.syncDirectory("/");
    await fs.rename("/a", "/b/a");
    await fs.syncDirectory("/b");
    // Durably now: / holds a and b, /a holds b, /b holds a.
    fs.crash();
    // The walk meets /a, then /a/b, whose entry for a would close the loop and is dropped, as is
    // the root's second name for b.
    assert.deepEqual(await fs.readdir("/"), ["a"]);
    assert.deepEqual(await fs.readdir("/a"), ["b"]);
    assert.deepEqual(await fs.readdir("/a/b"), []);
    await fs.removeTree("/a");
    fs.crash();
    assert.deepEqual(await fs.readdir("/"), ["a"], "the repaired tree is what is durable now");
  });

  test("open handles die at a crash", async () => {
    const fs = await freshFileSystem();
    const handle = await fs.open("/d/h", "create");
    await fs.syncDirectory("/d");
    assert.equal(fs.openHandleCount, 1);
    fs.crash();
    assert.equal(fs.openHandleCount, 0);
    await rejectsWith(handle.write(Buffer.from("x"), 0), "EBADF");
    await rejectsWith(handle.read(Buffer.alloc(1), 0, 1, 0), "EBADF");
    await rejectsWith(handle.sync(), "EBADF");
    await rejectsWith(handle.truncate(0), "EBADF");
    await rejectsWith(handle.size(), "EBADF");
    await rejectsWith(handle.close(), "EBADF");
    const reopened = await fs.open("/d/h", "write");
    await reopened.write(Buffer.from("ok"), 0);
    await reopened.close();
    assert.equal(await text(fs, "/d/h"), "ok");
  });
});

describe("SimFileSystem torn writes", () => {
  const durablePrefix = "durable|";
  const appends = ["first-write|", "second|", "third-and-longest-write"];
  const unsynced = appends.join("");

  /** An append-only history like a segment's, then a crash. */
  async function appendAndCrash(options: SimCrashOptions): Promise<string> {
    const fs = await freshFileSystem();
    const handle = await fs.open("/d/seg", "create");
    await handle.write(Buffer.from(durablePrefix), 0);
    await handle.sync();
    await fs.syncDirectory("/d");
    let position = durablePrefix.length;
    for (const append of appends) {
      await handle.write(Buffer.from(append), position);
      position += append.length;
    }
    fs.crash(options);
    return (await text(fs, "/d/seg"))!;
  }

  test("keep a prefix of the unsynced bytes, sometimes none, sometimes all, sometimes mid-write", async () => {
    const keptLengths = new Set<number>();
    for (let seed = 0; seed < 200; seed++) {
      const content = await appendAndCrash({ tornWrites: true, seed });
      assert(content.startsWith(durablePrefix), `seed ${seed}: synced bytes must survive`);
      const kept = content.slice(durablePrefix.length);
      assert.equal(kept, unsynced.slice(0, kept.length), `seed ${seed}: kept bytes must be a prefix`);
      keptLengths.add(kept.length);
    }
    const writeBoundaries = new Set([0, 12, 19, unsynced.length]);
    assert(keptLengths.has(0), "some crash keeps nothing");
    assert(keptLengths.has(unsynced.length), "some crash keeps everything");
    assert(
      [...keptLengths].some((n) => !writeBoundaries.has(n)),
      "some crash cuts a write in half",
    );
  });

  test("the same seed tears the same way", async () => {
    for (let seed = 0; seed < 20; seed++) {
      assert.equal(
        await appendAndCrash({ tornWrites: true, seed }),
        await appendAndCrash({ tornWrites: true, seed }),
      );
    }
    const fromDefaultSeed = async (): Promise<string> => {
      const contents: string[] = [];
      for (let crash = 0; crash < 3; crash++) contents.push(await appendAndCrash({ tornWrites: true }));
      return contents.join("/");
    };
    assert.equal(await fromDefaultSeed(), await fromDefaultSeed());
  });

  test("without torn writes nothing unsynced survives", async () => {
    assert.equal(await appendAndCrash({}), durablePrefix);
    assert.equal(await appendAndCrash({ tornWrites: false, seed: 3 }), durablePrefix);
  });

  test("a truncation is replayed in order with the writes around it", async () => {
    const outcomes = new Set<string>();
    for (let seed = 0; seed < 100; seed++) {
      const fs = await freshFileSystem();
      await writeWhole(fs, "/d/f", "abcdef", true);
      await fs.syncDirectory("/d");
      const handle = await fs.open("/d/f", "write");
      await handle.truncate(2);
      await handle.write(Buffer.from("XY"), 2);
      fs.crash({ tornWrites: true, seed });
      outcomes.add((await text(fs, "/d/f"))!);
    }
    assert.deepEqual([...outcomes].sort(), ["ab", "abX", "abXY", "abcdef"]);
  });

  test("what a torn crash kept is durable afterwards", async () => {
    for (let seed = 0; seed < 20; seed++) {
      const fs = await freshFileSystem();
      const handle = await fs.open("/d/f", "create");
      await fs.syncDirectory("/d");
      await handle.write(Buffer.from("0123456789"), 0);
      fs.crash({ tornWrites: true, seed });
      const afterFirst = await text(fs, "/d/f");
      fs.crash({ tornWrites: true, seed: seed + 1 });
      assert.equal(await text(fs, "/d/f"), afterFirst);
    }
  });
});

describe("SimFileSystem capacity", () => {
  test("a write past capacity fails with ENOSPC and writes nothing; more capacity lets it through", async () => {
    const fs = new SimFileSystem({ capacityBytes: 10 });
    const handle = await fs.open("/f", "create");
    await handle.write(Buffer.from("12345678"), 0);
    await rejectsWith(handle.write([Buffer.from("9a"), Buffer.from("bc")], 8), "ENOSPC");
    assert.equal(await handle.size(), 8);
    await handle.write(Buffer.from("AB"), 0);
    await handle.write(Buffer.from("9a"), 8);
    assert.equal(fs.usedBytes, 10);
    await rejectsWith(handle.truncate(11), "ENOSPC");
    fs.capacityBytes = 12;
    await handle.write(Buffer.from("bc"), 10);
    await handle.close();
    assert.equal(await text(fs, "/f"), "AB345678" + "9abc");
  });

  test("space is shared by all files and freed by unlink", async () => {
    const fs = new SimFileSystem({ capacityBytes: 8 });
    await writeWhole(fs, "/a", "12345", false);
    await rejectsWith(writeWhole(fs, "/b", "6789", false), "ENOSPC");
    await fs.unlink("/a");
    await writeWhole(fs, "/b", "6789", false);
    assert.equal(fs.usedBytes, 4);
  });
});

describe("SimFileSystem fault injection", () => {
  test("failNext fails one matching operation, changing nothing", async () => {
    const fs = await freshFileSystem();
    const handle = await fs.open("/d/f", "create");
    await handle.write(Buffer.from("abc"), 0);
    fs.failNext("write", "EIO", "/d/f");
    await rejectsWith(handle.write(Buffer.from("XYZ"), 0), "EIO");
    assert.equal(await text(fs, "/d/f"), "abc");
    await handle.write(Buffer.from("def"), 3);
    assert.equal(await text(fs, "/d/f"), "abcdef", "the fault was used up");
  });

  test("failNext matches by operation and path pattern", async () => {
    const fs = await freshFileSystem();
    fs.failNext("sync", "EIO", /\.log$/);
    fs.failNext("open", "EMFILE");
    await rejectsWith(fs.open("/d/any", "create"), "EMFILE");
    assert.equal(await fs.stat("/d/any"), null);
    const index = await fs.open("/d/0.index", "create");
    await index.sync();
    const log = await fs.open("/d/0.log", "create");
    await log.write(Buffer.from("batch"), 0);
    await rejectsWith(log.sync(), "EIO");
    await fs.syncDirectory("/d");
    fs.crash();
    assert.equal(await text(fs, "/d/0.log"), "", "a failed sync made nothing durable");
  });

  test("a failed rename, unlink, mkdir or syncDirectory changes nothing", async () => {
    const fs = await freshFileSystem();
    await writeWhole(fs, "/d/a", "a", true);
    fs.failNext("rename", "EIO", "/d/b");
    await rejectsWith(fs.rename("/d/a", "/d/b"), "EIO");
    fs.failNext("unlink", "EIO");
    await rejectsWith(fs.unlink("/d/a"), "EIO");
    fs.failNext("mkdir", "EIO");
    await rejectsWith(fs.mkdir("/d/sub"), "EIO");
    assert.deepEqual(await fs.readdir("/d"), ["a"]);
    fs.failNext("syncDirectory", "EIO");
    await rejectsWith(fs.syncDirectory("/d"), "EIO");
    fs.crash();
    assert.deepEqual(await fs.readdir("/d"), []);
  });

  test("faultHook decides per operation and path until cleared", async () => {
    const fs = await freshFileSystem();
    const seen: string[] = [];
    fs.faultHook = (operation, path, targetPath) => {
      seen.push(targetPath === undefined ? `${operation} ${path}` : `${operation} ${path} ${targetPath}`);
      return operation === "read" && path.endsWith(".bad") ? "EIO" : null;
    };
    await writeWhole(fs, "/d/x.bad", "x", false);
    await fs.rename("/d/x.bad", "/d/y.bad");
    await rejectsWith(fs.readFile("/d/y.bad"), "EIO");
    assert.deepEqual(seen, [
      "open /d/x.bad",
      "truncate /d/x.bad",
      "write /d/x.bad",
      "close /d/x.bad",
      "rename /d/x.bad /d/y.bad",
      "open /d/y.bad",
      "read /d/y.bad",
    ]);
    fs.clearFaults();
    assert.equal(await text(fs, "/d/y.bad"), "x");
  });
});

describe("SimFileSystem paths", () => {
  test("a directory cannot be opened as a file", async () => {
    const fs = await freshFileSystem();
    // Node opens a directory read-only and fails only at read(); refusing at open is stricter.
    await rejectsWith(fs.open("/d", "read"), "EISDIR");
  });

  test("paths are normalized POSIX paths resolved against the root", async () => {
    const fs = new SimFileSystem();
    await fs.mkdir("data/topic-0/");
    await writeWhole(fs, "/data/./topic-0/../topic-0/seg", "s", false);
    assert.equal(await text(fs, "data/topic-0/seg"), "s");
    const handle = await fs.open("//data//topic-0/seg", "read");
    assert.equal(handle.path, "/data/topic-0/seg");
    await handle.close();
  });
});

describe("SimFileSystem statistics", () => {
  test("count successful writes, syncs and directory syncs", async () => {
    const fs = await freshFileSystem();
    fs.resetStats();
    const handle = await fs.open("/d/f", "create");
    await handle.write([Buffer.from("ab"), Buffer.from("cd")], 0);
    await handle.write(Buffer.from("e"), 4);
    await handle.sync();
    fs.failNext("sync", "EIO");
    await rejectsWith(handle.sync(), "EIO");
    await fs.syncDirectory("/d");
    await handle.close();
    fs.crash();
    assert.deepEqual(fs.stats, {
      writeCalls: 2,
      bytesWritten: 5,
      syncCalls: 1,
      syncDirectoryCalls: 1,
      crashes: 1,
    });
    fs.resetStats();
    assert(Object.values(fs.stats).every((count) => count === 0));
  });
});
