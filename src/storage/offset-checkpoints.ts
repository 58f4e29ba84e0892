/**
 * The offset checkpoints at the top of each log directory: one offset per
 * partition held in that directory.
 *
 *   recovery-point-offset-checkpoint  offsets below which every partition is
 *                                     known flushed; recovery scans only past it
 *   log-start-offset-checkpoint       each partition's log start offset, which
 *                                     DeleteRecords and retention move up
 *   replication-offset-checkpoint     each partition's high watermark
 *
 * File format: the checkpoint format of checkpoint-file.ts (version 0, entry
 * count, one entry per line) with entries
 *
 *   <topic> <partition> <offset>
 *
 * e.g.
 *
 *   0
 *   2
 *   orders 0 1500
 *   orders 1 1327
 *
 * Entries are written sorted by topic, then partition, so the same offsets
 * always give the same bytes (Kafka writes them in hash order; order carries
 * no meaning to a reader).
 *
 * In memory, a partition is keyed by its directory name `<topic>-<partition>`
 * (segment-files.ts): a plain string works as a `Map` key, and the partition
 * number after the last dash is unambiguous because it is all digits.
 */
import assert from "node:assert/strict";
import {
  type CheckpointLineParser,
  CorruptCheckpointError,
  parseNonNegativeInteger,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint-file.ts";
import type { FileSystem } from "./file-system.ts";
import { parsePartitionDirName, partitionDirName } from "./segment-files.ts";

export const RECOVERY_POINT_CHECKPOINT_FILE = "recovery-point-offset-checkpoint";
export const LOG_START_OFFSET_CHECKPOINT_FILE = "log-start-offset-checkpoint";
export const REPLICATION_OFFSET_CHECKPOINT_FILE = "replication-offset-checkpoint";

/** Kafka's limit on topic name length. */
export const TOPIC_NAME_MAX_CHARS = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const PARTITION_MAX = 0x7fffffff;

/** `<topic>-<partition>`, as the partition's directory is named. */
export type TopicPartitionKey = string;

export function topicPartitionKey(topic: string, partition: number): TopicPartitionKey {
  assert.ok(isLegalTopicName(topic), `illegal topic name ${JSON.stringify(topic)}`);
  assert.ok(isLegalPartition(partition), `illegal partition ${partition}`);
  return partitionDirName(topic, partition);
}

export function parseTopicPartitionKey(key: TopicPartitionKey): { topic: string; partition: number } {
  const parsed = parsePartitionDirName(key);
  assert.ok(parsed !== null && isLegalTopicName(parsed.topic), `not a topic-partition key: ${key}`);
  return parsed;
}

/** Kafka's rule: 1 to 249 of [a-zA-Z0-9._-], and neither "." nor "..". */
export function isLegalTopicName(topic: string): boolean {
  return (
    topic.length <= TOPIC_NAME_MAX_CHARS && LEGAL_TOPIC_NAME.test(topic) && topic !== "." && topic !== ".."
  );
}

function isLegalPartition(partition: number): boolean {
  return Number.isInteger(partition) && partition >= 0 && partition <= PARTITION_MAX;
}

interface OffsetEntry {
  topic: string;
  partition: number;
  offset: number;
}

const parseOffsetLine: CheckpointLineParser<OffsetEntry> = (fields) => {
  if (fields.length !== 3) return null;
  const [topic, partitionField, offsetField] = fields;
  if (!isLegalTopicName(topic)) return null;
  // Unsigned on purpose: partitions and the offsets recorded here are never negative.
  const partition = parseNonNegativeInteger(partitionField);
  const offset = parseNonNegativeInteger(offsetField);
  if (partition === null || !isLegalPartition(partition) || offset === null) return null;
  return { topic, partition, offset };
};

/**
 * Offsets by partition from the checkpoint at `path`; empty if the file does
 * not exist (a fresh log directory). Throws `CorruptCheckpointError` if the
 * file is malformed or names a partition twice.
 */
export async function readOffsetCheckpoint(
  fs: FileSystem,
  path: string,
): Promise<Map<TopicPartitionKey, number>> {
  const entries = (await readCheckpoint(fs, path, parseOffsetLine)) ?? [];
  const offsets = new Map<TopicPartitionKey, number>();
  for (const { topic, partition, offset } of entries) {
    const key = partitionDirName(topic, partition);
    if (offsets.has(key)) throw new CorruptCheckpointError(path, `partition ${key} appears twice`);
    offsets.set(key, offset);
  }
  return offsets;
}

/** Replaces the checkpoint at `path` with `offsets`, durably, sorted by topic then partition. */
export async function writeOffsetCheckpoint(
  fs: FileSystem,
  path: string,
  offsets: ReadonlyMap<TopicPartitionKey, number>,
): Promise<void> {
  const entries: OffsetEntry[] = [];
  for (const [key, offset] of offsets) {
    assert.ok(Number.isSafeInteger(offset) && offset >= 0, `invalid offset ${offset} for ${key}`);
    entries.push({ ...parseTopicPartitionKey(key), offset });
  }
  // Plain code-unit order, not localeCompare: the bytes must not depend on the machine's locale.
  entries.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  await writeCheckpoint(
    fs,
    path,
    entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`),
  );
}
