import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CheckpointLineParser,
  CorruptCheckpointError,
  parseNonNegativeInteger,
  readCheckpoint,
  writeCheckpoint,
} from "../../../src/storage/checkpoint-file.ts";
import { FileSystemError } from "../../../src/storage/file-system.ts";
import {
  isLegalTopicName,
  parseTopicPartitionKey,
  RECOVERY_POINT_CHECKPOINT_FILE,
  readOffsetCheckpoint,
  topicPartitionKey,
  writeOffsetCheckpoint,
} from "../../../src/storage/offset-checkpoints.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";

const DIR = "/data";
const PATH = `${DIR}/${RECOVERY_POINT_CHECKPOINT_FILE}`;

/** A file system whose log directory survives crashes, so tests see only the checkpoint's own durability. */
async function freshFileSystem(): Promise<SimFileSystem> {
  const fs = new SimFileSystem({ seed: 7 });
  await fs.mkdir(DIR);
  await fs.syncDirectory("/");
  return fs;
}

async function writeRaw(fs: SimFileSystem, path: string, text: string): Promise<void> {
  const handle = await fs.open(path, "create");
  await handle.write(Buffer.from(text, "utf8"), 0);
  await handle.close();
}

async function readRaw(fs: SimFileSystem, path: string): Promise<string | null> {
  return (await fs.readFile(path))?.toString("utf8") ?? null;
}

/** Two fields: a word and a number. */
const parsePair: CheckpointLineParser<[string, number]> = (fields) => {
  if (fields.length !== 2) return null;
  const count = parseNonNegativeInteger(fields[1]);
  return count === null ? null : [fields[0], count];
};

async function rejectsAsCorrupt(promise: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CorruptCheckpointError);
    assert.equal(error.path, PATH);
    assert.match(error.reason, reason);
    assert.ok(error.message.includes(PATH));
    return true;
  });
}

describe("checkpoint file", () => {
  test("a missing file reads as null", async () => {
    const fs = await freshFileSystem();
    assert.equal(await readCheckpoint(fs, PATH, parsePair), null);
  });

  test("writes version, count and one line per entry, and reads them back in order", async () => {
    const fs = await freshFileSystem();
    await writeCheckpoint(fs, PATH, ["b 2", "a 1"]);
    assert.equal(await readRaw(fs, PATH), "0\n2\nb 2\na 1\n");
    assert.deepEqual(await readCheckpoint(fs, PATH, parsePair), [
      ["b", 2],
      ["a", 1],
    ]);
    assert.deepEqual(await fs.readdir(DIR), [RECOVERY_POINT_CHECKPOINT_FILE]);
  });

  test("no entries is a version and a zero count", async () => {
    const fs = await freshFileSystem();
    await writeCheckpoint(fs, PATH, []);
    assert.equal(await readRaw(fs, PATH), "0\n0\n");
    assert.deepEqual(await readCheckpoint(fs, PATH, parsePair), []);
  });

  test("an empty file, as Kafka creates before its first write, holds no entries", async () => {
    const fs = await freshFileSystem();
    await writeRaw(fs, PATH, "");
    assert.deepEqual(await readCheckpoint(fs, PATH, parsePair), []);
  });

  test("malformed files raise CorruptCheckpointError naming the path", async () => {
    const fs = await freshFileSystem();
    const cases: [string, RegExp][] = [
      ["1\n0\n", /unrecognised version "1"/],
      ["x\n0\n", /unrecognised version/],
      ["-0\n0\n", /unrecognised version/],
      ["0\n", /missing entry count/],
      ["0\nmany\n", /malformed entry count/],
      ["0\n-1\n", /malformed entry count/],
      ["0\n2\na 1\n", /expected 2 entries, found 1/],
      ["0\n1\na 1\nb 2\n", /expected 1 entries, found 2/],
      ["0\n1\na 1", /not ended by a newline/],
      ["0\n1\na one\n", /malformed line "a one"/],
      ["0\n1\na  1\n", /malformed line/],
      ["0\n1\n\n", /malformed line ""/],
      ["0\n1\na 01\n", /malformed line/],
    ];
    for (const [text, reason] of cases) {
      await writeRaw(fs, PATH, text);
      await rejectsAsCorrupt(readCheckpoint(fs, PATH, parsePair), reason);
      await fs.unlink(PATH);
    }
  });

  test("a written checkpoint survives a crash", async () => {
    const fs = await freshFileSystem();
    await writeCheckpoint(fs, PATH, ["a 1"]);
    fs.crash();
    assert.deepEqual(await readCheckpoint(fs, PATH, parsePair), [["a", 1]]);
  });

  test("a write that fails before its rename is durable leaves the previous checkpoint after a crash", async () => {
    const fs = await freshFileSystem();
    await writeCheckpoint(fs, PATH, ["a 1"]);
    fs.failNext("syncDirectory", "EIO");
    await assert.rejects(writeCheckpoint(fs, PATH, ["a 2"]), FileSystemError);
    fs.crash();
    assert.deepEqual(await readCheckpoint(fs, PATH, parsePair), [["a", 1]]);
  });

  test("a failed rename keeps the previous checkpoint readable", async () => {
    const fs = await freshFileSystem();
    await writeCheckpoint(fs, PATH, ["a 1"]);
    fs.failNext("rename", "ENOSPC");
    await assert.rejects(writeCheckpoint(fs, PATH, ["a 2"]), (error: unknown) => {
      return error instanceof FileSystemError && error.code === "ENOSPC";
    });
    assert.deepEqual(await readCheckpoint(fs, PATH, parsePair), [["a", 1]]);
  });

  test("lines holding line breaks, or empty lines, are programmer errors", async () => {
    const fs = await freshFileSystem();
    await assert.rejects(writeCheckpoint(fs, PATH, ["a\n1"]), assert.AssertionError);
    await assert.rejects(writeCheckpoint(fs, PATH, ["a\r1"]), assert.AssertionError);
    await assert.rejects(writeCheckpoint(fs, PATH, [""]), assert.AssertionError);
    assert.equal(await fs.readFile(PATH), null);
  });

  test("parseNonNegativeInteger takes plain decimal safe integers only", () => {
    assert.equal(parseNonNegativeInteger("0"), 0);
    assert.equal(parseNonNegativeInteger("9007199254740991"), Number.MAX_SAFE_INTEGER);
    for (const bad of ["", "-1", "+1", "01", "1.5", "1e3", " 1", "9007199254740992", "0x10"]) {
      assert.equal(parseNonNegativeInteger(bad), null, bad);
    }
  });
});

describe("offset checkpoints", () => {
  test("a missing file is an empty map", async () => {
    const fs = await freshFileSystem();
    assert.deepEqual(await readOffsetCheckpoint(fs, PATH), new Map());
  });

  test("entries are written sorted by topic then partition, and read back", async () => {
    const fs = await freshFileSystem();
    const offsets = new Map([
      [topicPartitionKey("orders", 10), 7],
      [topicPartitionKey("my-topic.v2", 0), 1500],
      [topicPartitionKey("orders", 2), 0],
      [topicPartitionKey("Orders", 0), Number.MAX_SAFE_INTEGER],
    ]);
    await writeOffsetCheckpoint(fs, PATH, offsets);
    assert.equal(
      await readRaw(fs, PATH),
      "0\n4\nOrders 0 9007199254740991\nmy-topic.v2 0 1500\norders 2 0\norders 10 7\n",
    );
    assert.deepEqual(await readOffsetCheckpoint(fs, PATH), offsets);
  });

  test("the same offsets give the same bytes whatever the map's order", async () => {
    const fs = await freshFileSystem();
    const entries: [string, number][] = [
      ["b-1", 5],
      ["a-0", 3],
      ["a-1", 4],
    ];
    await writeOffsetCheckpoint(fs, PATH, new Map(entries));
    const first = await readRaw(fs, PATH);
    await writeOffsetCheckpoint(fs, PATH, new Map(entries.reverse()));
    assert.equal(await readRaw(fs, PATH), first);
  });

  test("reads a file as Kafka writes it", async () => {
    const fs = await freshFileSystem();
    await writeRaw(fs, PATH, "0\n3\n__consumer_offsets 49 120\nevents 0 42\nevents 1 0\n");
    assert.deepEqual(
      await readOffsetCheckpoint(fs, PATH),
      new Map([
        ["__consumer_offsets-49", 120],
        ["events-0", 42],
        ["events-1", 0],
      ]),
    );
  });

  test("malformed entries and duplicates are corrupt", async () => {
    const fs = await freshFileSystem();
    const cases: [string, RegExp][] = [
      ["0\n1\nevents 0\n", /malformed line/],
      ["0\n1\nevents 0 1 2\n", /malformed line/],
      ["0\n1\nevents 0 -1\n", /malformed line/],
      ["0\n1\nevents -1 5\n", /malformed line/],
      ["0\n1\nevents 2147483648 5\n", /malformed line/],
      ["0\n1\nev/ents 0 5\n", /malformed line/],
      ["0\n1\n.. 0 5\n", /malformed line/],
      ["0\n2\nevents 0 5\nevents 0 6\n", /partition events-0 appears twice/],
    ];
    for (const [text, reason] of cases) {
      await writeRaw(fs, PATH, text);
      await rejectsAsCorrupt(readOffsetCheckpoint(fs, PATH), reason);
      await fs.unlink(PATH);
    }
  });

  test("invalid offsets and keys are programmer errors", async () => {
    const fs = await freshFileSystem();
    await assert.rejects(writeOffsetCheckpoint(fs, PATH, new Map([["events-0", -1]])), assert.AssertionError);
    await assert.rejects(
      writeOffsetCheckpoint(fs, PATH, new Map([["events-0", 1.5]])),
      assert.AssertionError,
    );
    await assert.rejects(writeOffsetCheckpoint(fs, PATH, new Map([["events", 1]])), assert.AssertionError);
    await assert.rejects(writeOffsetCheckpoint(fs, PATH, new Map([["a b-0", 1]])), assert.AssertionError);
    assert.throws(() => topicPartitionKey("has space", 0), assert.AssertionError);
    assert.throws(() => topicPartitionKey("events", -1), assert.AssertionError);
    assert.equal(await fs.readFile(PATH), null);
  });

  test("keys are the partition directory names and split at the last dash", () => {
    assert.equal(topicPartitionKey("a-b-c", 12), "a-b-c-12");
    assert.deepEqual(parseTopicPartitionKey("a-b-c-12"), { topic: "a-b-c", partition: 12 });
    assert.throws(() => parseTopicPartitionKey("nodash"), assert.AssertionError);
  });

  test("topic names follow Kafka's rule", () => {
    assert.ok(isLegalTopicName("a"));
    assert.ok(isLegalTopicName("Topic_1.x-y"));
    assert.ok(isLegalTopicName("t".repeat(249)));
    for (const bad of ["", ".", "..", "t".repeat(250), "a b", "a/b", "ä", "a\n"]) {
      assert.equal(isLegalTopicName(bad), false, JSON.stringify(bad));
    }
  });
});
