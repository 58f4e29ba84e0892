import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FileSystemError } from "../../../src/storage/file-system.ts";
import {
  CorruptPartitionMetadataError,
  isValidTopicId,
  PARTITION_METADATA_FILE,
  readPartitionMetadata,
  writePartitionMetadata,
} from "../../../src/storage/partition-metadata.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";

const PARTITION_DIR = "/data/events-0";
const PATH = `${PARTITION_DIR}/${PARTITION_METADATA_FILE}`;
const TOPIC_ID = Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex").toString("base64url");
const OTHER_TOPIC_ID = Buffer.from("00000000000000000000000000000001", "hex").toString("base64url");

/** A file system whose partition directory already survives crashes. */
async function freshFileSystem(): Promise<SimFileSystem> {
  const fs = new SimFileSystem({ seed: 3 });
  await fs.mkdir(PARTITION_DIR);
  await fs.syncDirectory("/data");
  await fs.syncDirectory("/");
  return fs;
}

async function writeRaw(fs: SimFileSystem, text: string): Promise<void> {
  const handle = await fs.open(PATH, "create");
  await handle.truncate(0);
  await handle.write(Buffer.from(text, "utf8"), 0);
  await handle.close();
}

describe("partition metadata", () => {
  test("a partition without the file has no recorded topic id", async () => {
    const fs = await freshFileSystem();
    assert.equal(await readPartitionMetadata(fs, PARTITION_DIR), null);
  });

  test("writes version 0 and the topic id, and reads the id back", async () => {
    const fs = await freshFileSystem();
    await writePartitionMetadata(fs, PARTITION_DIR, TOPIC_ID);
    assert.equal((await fs.readFile(PATH))?.toString("utf8"), `version: 0\ntopic_id: ${TOPIC_ID}\n`);
    assert.equal(await readPartitionMetadata(fs, PARTITION_DIR), TOPIC_ID);
  });

  test("reads the file as Kafka writes it, without a final newline", async () => {
    const fs = await freshFileSystem();
    await writeRaw(fs, `version: 0\ntopic_id: ${TOPIC_ID}`);
    assert.equal(await readPartitionMetadata(fs, PARTITION_DIR), TOPIC_ID);
  });

  test("accepts a newer version and lines after the topic id, as Kafka does for downgrades", async () => {
    const fs = await freshFileSystem();
    await writeRaw(fs, `version: 3\ntopic_id:  ${TOPIC_ID}\ndirectory_id: whatever\n`);
    assert.equal(await readPartitionMetadata(fs, PARTITION_DIR), TOPIC_ID);
  });

  test("a rewrite replaces the id", async () => {
    const fs = await freshFileSystem();
    await writePartitionMetadata(fs, PARTITION_DIR, TOPIC_ID);
    await writePartitionMetadata(fs, PARTITION_DIR, OTHER_TOPIC_ID);
    assert.equal(await readPartitionMetadata(fs, PARTITION_DIR), OTHER_TOPIC_ID);
  });

  test("malformed files raise CorruptPartitionMetadataError naming the path", async () => {
    const fs = await freshFileSystem();
    const zero = "AAAAAAAAAAAAAAAAAAAAAA";
    const cases: [string, RegExp][] = [
      ["", /malformed version line/],
      ["version: 0\n", /malformed topic id line/],
      [`topic_id: ${TOPIC_ID}\nversion: 0\n`, /malformed version line/],
      [`version:0\ntopic_id: ${TOPIC_ID}\n`, /malformed version line/],
      [`version: -1\ntopic_id: ${TOPIC_ID}\n`, /unrecognised version -1/],
      [`version: zero\ntopic_id: ${TOPIC_ID}\n`, /unrecognised version/],
      [`version: 0\ntopicid: ${TOPIC_ID}\n`, /malformed topic id line/],
      [`version: 0\ntopic_id: ${TOPIC_ID} \n`, /malformed topic id line/],
      [`version: 0\ntopic_id: ${zero}\n`, /invalid topic id/],
      [`version: 0\ntopic_id: ${TOPIC_ID.slice(1)}\n`, /invalid topic id/],
      [`version: 0\ntopic_id: ${TOPIC_ID}==\n`, /invalid topic id/],
      [`version: 0\ntopic_id: ${"x".repeat(300)}\n`, /malformed topic id line/],
    ];
    for (const [text, reason] of cases) {
      await writeRaw(fs, text);
      await assert.rejects(readPartitionMetadata(fs, PARTITION_DIR), (error: unknown) => {
        assert.ok(error instanceof CorruptPartitionMetadataError, JSON.stringify(text));
        assert.equal(error.path, PATH);
        assert.match(error.reason, reason);
        return true;
      });
    }
  });

  test("topic ids are canonical, non-zero, 16-byte base64url", () => {
    assert.ok(isValidTopicId(TOPIC_ID));
    assert.ok(isValidTopicId(OTHER_TOPIC_ID));
    assert.equal(isValidTopicId("AAAAAAAAAAAAAAAAAAAAAA"), false);
    assert.equal(isValidTopicId(TOPIC_ID.slice(0, 21)), false);
    assert.equal(isValidTopicId(`${TOPIC_ID.slice(0, 21)}+`), false);
    // The last character carries 2 bits of the id and 4 spare bits that must be zero.
    assert.equal(isValidTopicId(`${TOPIC_ID.slice(0, 21)}B`), false);
  });

  test("writing an invalid topic id is a programmer error", async () => {
    const fs = await freshFileSystem();
    await assert.rejects(writePartitionMetadata(fs, PARTITION_DIR, "not-an-id"), assert.AssertionError);
    assert.equal(await fs.readFile(PATH), null);
  });

  test("a completed write survives a crash; one whose rename never became durable leaves no file", async () => {
    const fs = await freshFileSystem();
    await writePartitionMetadata(fs, PARTITION_DIR, TOPIC_ID);
    fs.crash({ tornWrites: true });
    assert.equal(await readPartitionMetadata(fs, PARTITION_DIR), TOPIC_ID);

    const other = await freshFileSystem();
    other.failNext("syncDirectory", "EIO");
    await assert.rejects(writePartitionMetadata(other, PARTITION_DIR, TOPIC_ID), FileSystemError);
    other.crash({ tornWrites: true });
    assert.equal(await readPartitionMetadata(other, PARTITION_DIR), null);
  });
});
