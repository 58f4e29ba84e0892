/**
 * `partition.metadata` in each partition directory: the id of the topic the
 * partition belongs to, so a directory left behind by a deleted topic is
 * never mistaken for a new topic of the same name.
 *
 * File format (UTF-8 text):
 *
 *   version: 0
 *   topic_id: <id>
 *
 * where <id> is Kafka's Uuid text: 16 bytes as 22 characters of unpadded
 * base64url, never the all-zero id. We end the last line with "\n"; Kafka
 * does not, and we read both.
 *
 * Reading follows Kafka's reader: each line is `<key>:` then whitespace
 * then the value; any version >= 0 is accepted (a newer broker may have
 * written the file before a downgrade), and lines after the second are
 * ignored. Anything else raises `CorruptPartitionMetadataError`.
 *
 * Writes replace the file durably (`.tmp`, fsync, rename, directory fsync).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileDurably } from "./durable-file.ts";
import type { FileSystem } from "./file-system.ts";

export const PARTITION_METADATA_FILE = "partition.metadata";
export const PARTITION_METADATA_VERSION = 0;
const UUID_BYTES = 16;
/** A bound on one line before matching it; a well-formed line is under 40 characters. */
const LINE_MAX_CHARS = 256;

/** The partition metadata file in `path` does not parse. */
export class CorruptPartitionMetadataError extends Error {
  override readonly name = "CorruptPartitionMetadataError";

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`corrupt partition metadata file ${path}: ${reason}`);
  }
}

/** A canonical, non-zero Kafka topic id: 22 base64url characters that decode to 16 bytes and back. */
export function isValidTopicId(topicId: string): boolean {
  if (!/^[A-Za-z0-9_-]{22}$/.test(topicId)) return false;
  const bytes = Buffer.from(topicId, "base64url");
  return bytes.length === UUID_BYTES && bytes.toString("base64url") === topicId && bytes.some((b) => b !== 0);
}

/** The topic id recorded in `partitionDir`, or null if it has no metadata file. */
export async function readPartitionMetadata(fs: FileSystem, partitionDir: string): Promise<string | null> {
  const path = join(partitionDir, PARTITION_METADATA_FILE);
  const content = await fs.readFile(path);
  if (content === null) return null;
  const corrupt = (reason: string) => new CorruptPartitionMetadataError(path, reason);

  const lines = content.toString("utf8").split("\n");
  const versionText = fieldValue(lines[0], "version");
  if (versionText === null) throw corrupt(`malformed version line ${JSON.stringify(lines[0])}`);
  if (!/^(0|[1-9][0-9]{0,8})$/.test(versionText)) throw corrupt(`unrecognised version ${versionText}`);

  const topicId = fieldValue(lines[1], "topic_id");
  if (topicId === null) throw corrupt(`malformed topic id line ${JSON.stringify(lines[1] ?? "")}`);
  if (!isValidTopicId(topicId)) throw corrupt(`invalid topic id ${JSON.stringify(topicId)}`);
  return topicId;
}

/** The value of a `<key>: <value>` line, or null if `line` is not one for `key`. */
function fieldValue(line: string | undefined, key: string): string | null {
  if (line === undefined || line.length > LINE_MAX_CHARS) return null;
  const prefix = `${key}:`;
  if (!line.startsWith(prefix)) return null;
  const match = /^\s+(\S+)$/.exec(line.slice(prefix.length));
  return match === null ? null : match[1];
}

/** Records `topicId` as the topic of the partition in `partitionDir`, durably. */
export async function writePartitionMetadata(
  fs: FileSystem,
  partitionDir: string,
  topicId: string,
): Promise<void> {
  assert.ok(isValidTopicId(topicId), `invalid topic id ${JSON.stringify(topicId)}`);
  const text = `version: ${PARTITION_METADATA_VERSION}\ntopic_id: ${topicId}\n`;
  await writeFileDurably(fs, join(partitionDir, PARTITION_METADATA_FILE), Buffer.from(text, "utf8"));
}
