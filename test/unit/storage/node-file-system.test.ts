import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type FileSystem, FileSystemError } from "../../../src/storage/file-system.ts";
import { NodeFileSystem, nodeFileSystem } from "../../../src/storage/node-file-system.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert(error instanceof FileSystemError, `expected a FileSystemError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

interface Implementation {
  name: string;
  /** A file system and an empty directory on it to work in. */
  setUp(): Promise<{ fs: FileSystem; root: string }>;
  tearDown(): Promise<void>;
}

const temporaryDirectories: string[] = [];

const implementations: Implementation[] = [
  {
    name: "NodeFileSystem",
    async setUp() {
      const root = await mkdtemp(join(tmpdir(), "samsa-fs-"));
      temporaryDirectories.push(root);
      return { fs: new NodeFileSystem(), root };
    },
    async tearDown() {
      for (const directory of temporaryDirectories.splice(0))
        await rm(directory, { recursive: true, force: true });
    },
  },
  {
    name: "SimFileSystem",
    async setUp() {
      const fs = new SimFileSystem();
      await fs.mkdir("/work");
      return { fs, root: "/work" };
    },
    async tearDown() {},
  },
];

/** The behaviour every FileSystem must share, so tests on the simulator say something about the disk. */
for (const implementation of implementations) {
  describe(`FileSystem contract: ${implementation.name}`, () => {
    let fs: FileSystem;
    let root: string;
    const at = (name: string) => `${root}/${name}`;

    before(async () => {
      ({ fs, root } = await implementation.setUp());
    });
    after(() => implementation.tearDown());

    test("writes a buffer or a list of buffers at a position and reads them back", async () => {
      const handle = await fs.open(at("rw"), "create");
      await handle.write(Buffer.from("hello"), 0);
      await handle.write([Buffer.from(" "), Buffer.alloc(0), Buffer.from("wor"), Buffer.from("ld")], 5);
      assert.equal(await handle.size(), 11);
      const into = Buffer.alloc(20, 0xff);
      assert.equal(await handle.read(into, 2, 5, 6), 5);
      assert.equal(into.subarray(2, 7).toString(), "world");
      assert.equal(await handle.read(into, 0, 20, 8), 3, "short at the end of the file");
      assert.equal(await handle.read(into, 0, 20, 11), 0);
      await handle.write(Buffer.from("J"), 6);
      await handle.sync();
      await handle.close();
      assert.equal((await fs.readFile(at("rw")))?.toString(), "hello Jorld");
    });

    test("writes many small buffers in one call", async () => {
      // More buffers than IOV_MAX (1024 on Linux), so one writev cannot take them all.
      const buffers = Array.from({ length: 2500 }, (_, i) => Buffer.from([i % 251]));
      const handle = await fs.open(at("many"), "create");
      await handle.write(buffers, 0);
      await handle.close();
      assert.deepEqual(await fs.readFile(at("many")), Buffer.concat(buffers));
    });

    test("writing past the end leaves a hole of zeros", async () => {
      const handle = await fs.open(at("hole"), "create");
      await handle.write(Buffer.from("ab"), 4);
      await handle.close();
      assert.deepEqual(await fs.readFile(at("hole")), Buffer.from([0, 0, 0, 0, 0x61, 0x62]));
    });

    test("create keeps an existing file; read and write need one", async () => {
      const first = await fs.open(at("keep"), "create");
      await first.write(Buffer.from("abc"), 0);
      await first.close();
      const second = await fs.open(at("keep"), "create");
      assert.equal(await second.size(), 3);
      await second.close();
      const writer = await fs.open(at("keep"), "write");
      await writer.write(Buffer.from("X"), 1);
      await writer.close();
      assert.equal((await fs.readFile(at("keep")))?.toString(), "aXc");
      await rejectsWith(fs.open(at("missing"), "read"), "ENOENT");
      await rejectsWith(fs.open(at("missing"), "write"), "ENOENT");
      await rejectsWith(fs.open(at("no-dir/file"), "create"), "ENOENT");
      assert.equal(await fs.stat(at("missing")), null, "a failed open creates nothing");
    });

    test("a read-only handle refuses writes", async () => {
      const reader = await fs.open(at("keep"), "read");
      await rejectsWith(reader.write(Buffer.from("z"), 0), "EBADF");
      // Linux's ftruncate says EINVAL for a descriptor not open for writing.
      await rejectsWith(reader.truncate(0), "EINVAL");
      await reader.close();
      assert.equal((await fs.readFile(at("keep")))?.toString(), "aXc");
    });

    test("truncate shrinks and extends with zeros", async () => {
      const handle = await fs.open(at("trunc"), "create");
      await handle.write(Buffer.from("abcdef"), 0);
      await handle.truncate(2);
      assert.equal(await handle.size(), 2);
      await handle.truncate(4);
      await handle.close();
      assert.deepEqual(await fs.readFile(at("trunc")), Buffer.from([0x61, 0x62, 0, 0]));
    });

    test("readFile and stat answer null for a missing file", async () => {
      assert.equal(await fs.readFile(at("nothing")), null);
      assert.equal(await fs.stat(at("nothing")), null);
      assert.deepEqual(await fs.stat(at("trunc")), { size: 4, isDirectory: false });
      assert.equal((await fs.stat(root))?.isDirectory, true);
    });

    test("mkdir creates parents, tolerates an existing directory, refuses a file", async () => {
      await fs.mkdir(at("a/b/c"));
      await fs.mkdir(at("a/b/c"));
      await fs.mkdir(at("a/b"));
      assert.equal((await fs.stat(at("a/b/c")))?.isDirectory, true);
      await rejectsWith(fs.mkdir(at("keep")), "EEXIST");
      await rejectsWith(fs.mkdir(at("keep/sub")), "ENOTDIR");
    });

    test("readdir lists names sorted", async () => {
      await fs.mkdir(at("list"));
      for (const name of ["b", "a", "c.log", "B", "00000000000000000010.log", "00000000000000000002.log"]) {
        await (await fs.open(at(`list/${name}`), "create")).close();
      }
      await fs.mkdir(at("list/sub"));
      assert.deepEqual(await fs.readdir(at("list")), [
        "00000000000000000002.log",
        "00000000000000000010.log",
        "B",
        "a",
        "b",
        "c.log",
        "sub",
      ]);
      await rejectsWith(fs.readdir(at("nowhere")), "ENOENT");
      await rejectsWith(fs.readdir(at("keep")), "ENOTDIR");
    });

    test("rename replaces the target and leaves open handles on the file", async () => {
      const handle = await fs.open(at("ren.tmp"), "create");
      await handle.write(Buffer.from("new"), 0);
      await (await fs.open(at("ren"), "create")).close();
      await fs.rename(at("ren.tmp"), at("ren"));
      await handle.write(Buffer.from("!"), 3);
      await handle.close();
      assert.equal((await fs.readFile(at("ren")))?.toString(), "new!");
      assert.equal(await fs.stat(at("ren.tmp")), null);
      await rejectsWith(fs.rename(at("ren.tmp"), at("ren")), "ENOENT");
      assert.equal((await fs.readFile(at("ren")))?.toString(), "new!");
    });

    test("rename moves a file between directories", async () => {
      await fs.mkdir(at("from"));
      await fs.mkdir(at("to"));
      const handle = await fs.open(at("from/f"), "create");
      await handle.write(Buffer.from("moved"), 0);
      await handle.close();
      await fs.rename(at("from/f"), at("to/f"));
      assert.deepEqual(await fs.readdir(at("from")), []);
      assert.equal((await fs.readFile(at("to/f")))?.toString(), "moved");
      await rejectsWith(fs.rename(at("to/f"), at("absent/f")), "ENOENT");
    });

    test("unlink removes a file; a handle opened before still reads it", async () => {
      const writer = await fs.open(at("gone"), "create");
      await writer.write(Buffer.from("still here"), 0);
      await fs.unlink(at("gone"));
      assert.equal(await fs.stat(at("gone")), null);
      const into = Buffer.alloc(10);
      assert.equal(await writer.read(into, 0, 10, 0), 10);
      assert.equal(into.toString(), "still here");
      await writer.close();
      await rejectsWith(fs.unlink(at("gone")), "ENOENT");
      await rejectsWith(fs.unlink(at("a")), "EISDIR");
    });

    test("removeTree removes a directory with everything under it; a missing one is fine", async () => {
      await fs.mkdir(at("tree/x/y"));
      await (await fs.open(at("tree/x/y/file"), "create")).close();
      await (await fs.open(at("tree/top"), "create")).close();
      await fs.removeTree(at("tree"));
      assert.equal(await fs.stat(at("tree")), null);
      await fs.removeTree(at("tree"));
      await fs.removeTree(at("never/was"));
    });

    test("syncDirectory flushes an existing directory", async () => {
      await fs.syncDirectory(root);
      await rejectsWith(fs.syncDirectory(at("nowhere")), "ENOENT");
    });

    test("a closed handle is unusable and closing twice is harmless", async () => {
      const handle = await fs.open(at("closed"), "create");
      await handle.close();
      await handle.close();
      await rejectsWith(handle.write(Buffer.from("x"), 0), "EBADF");
      await rejectsWith(handle.read(Buffer.alloc(1), 0, 1, 0), "EBADF");
      await rejectsWith(handle.sync(), "EBADF");
    });

    test("answers with Linux's errno codes", async () => {
      await (await fs.open(at("posix-file"), "create")).close();
      await fs.mkdir(at("posix-dir/inner"));
      await fs.mkdir(at("posix-full/x"));
      await rejectsWith(fs.open(at("posix-file/child"), "create"), "ENOTDIR");
      await rejectsWith(fs.readFile(at("posix-dir")), "EISDIR");
      await rejectsWith(fs.rename(at("posix-file"), at("posix-dir")), "EISDIR");
      await rejectsWith(fs.rename(at("posix-dir"), at("posix-file")), "ENOTDIR");
      await rejectsWith(fs.rename(at("posix-dir"), at("posix-dir/inner/moved")), "EINVAL");
      await rejectsWith(fs.rename(at("posix-dir"), at("posix-full")), "ENOTEMPTY");
      await rejectsWith(fs.syncDirectory(at("posix-file")), "ENOTDIR");
      await fs.rename(at("posix-file"), at("posix-file"));
      assert.equal((await fs.stat(at("posix-file")))?.isDirectory, false);
    });

    test("a write takes the caller's bytes, which may be reused once it resolves", async () => {
      const buffer = Buffer.from("abc");
      const handle = await fs.open(at("copied"), "create");
      await handle.write(buffer, 0);
      buffer.fill(0);
      await handle.close();
      assert.equal((await fs.readFile(at("copied")))?.toString(), "abc");
    });

    test("errors carry the errno code and the path", async () => {
      await assert.rejects(fs.open(at("missing"), "read"), (error: unknown) => {
        assert(error instanceof FileSystemError);
        assert.equal(error.code, "ENOENT");
        assert.equal(error.path, at("missing"));
        assert.match(error.message, /ENOENT/);
        return true;
      });
    });
  });
}

describe("NodeFileSystem specifics", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "samsa-node-fs-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test("the shared instance is a NodeFileSystem", () => {
    assert(nodeFileSystem instanceof NodeFileSystem);
  });

  test("sees files written by other means", async () => {
    await writeFile(join(root, "outside"), "from node:fs");
    assert.equal((await nodeFileSystem.readFile(join(root, "outside")))?.toString(), "from node:fs");
    assert.deepEqual(await nodeFileSystem.stat(join(root, "outside")), { size: 12, isDirectory: false });
  });

  test("syncDirectory on a file is ENOTDIR", async () => {
    await writeFile(join(root, "plain"), "x");
    await rejectsWith(nodeFileSystem.syncDirectory(join(root, "plain")), "ENOTDIR");
  });

  test("stat through a file is an error, not null", async () => {
    await writeFile(join(root, "file"), "x");
    await rejectsWith(nodeFileSystem.stat(join(root, "file", "child")), "ENOTDIR");
    await rejectsWith(nodeFileSystem.readFile(root), "EISDIR");
  });

  test("non-errno errors pass through untouched", async () => {
    // A NUL byte in a path is refused by Node itself (ERR_INVALID_ARG_VALUE), not by the disk.
    await assert.rejects(nodeFileSystem.readFile(join(root, "bad\0name")), (error: unknown) => {
      assert(!(error instanceof FileSystemError));
      return true;
    });
  });
});
