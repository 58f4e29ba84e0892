/**
 * Every topic-level key of Kafka 4 (`TopicConfig` / `LogConfig`), with its
 * type, default, validator, and the broker keys that supply its default in
 * Kafka's order of precedence (`ServerTopicConfigSynonyms`): the first
 * broker key that is set wins, hours and minutes converted to milliseconds.
 * Kafka rates every topic key MEDIUM.
 */
import type { BrokerSynonym, TopicKeyDef } from "./config-def.ts";
import { COMPRESSION_TYPES, GZIP_LEVEL, LZ4_LEVEL, TIMESTAMP_TYPES, ZSTD_LEVEL } from "./kafka-values.ts";
import type { ConfigTypeName } from "./parse-value.ts";
import { LONG_MAX } from "./parse-value.ts";
import { atLeast, between, listOf, oneOf, type Validator } from "./validators.ts";

const FOREVER = String(LONG_MAX);

const REPLICA_PAIR = /^[0-9]+:[0-9]+$/;

/** `*`, or partition:broker pairs (Kafka's ThrottledReplicaListValidator). */
const THROTTLED_REPLICAS: Validator = {
  allowed: "* or a list of partitionId:brokerId",
  check: (value) => {
    const items = (value as readonly string[]).map((item) => item.trim());
    if (items.join("") === "*") return null;
    return items.every((item) => item === "" || REPLICA_PAIR.test(item))
      ? null
      : "must be * or a list of partitionId:brokerId";
  },
};

export const REMOTE_STORAGE_UNSUPPORTED = "Samsa does not support tiered (remote) storage";

interface TopicKeyInput {
  name: string;
  type: ConfigTypeName;
  default: string;
  validator?: Validator;
  synonyms?: readonly (string | BrokerSynonym)[];
  doc: string;
}

function topicKey(input: TopicKeyInput): TopicKeyDef {
  const synonyms = (input.synonyms ?? []).map((s) => (typeof s === "string" ? { name: s } : s));
  return { ...input, importance: "medium", synonyms };
}

export const TOPIC_KEY_LIST: readonly TopicKeyDef[] = [
  topicKey({
    name: "cleanup.policy",
    type: "list",
    default: "delete",
    validator: listOf({ choices: ["compact", "delete"], allowEmpty: true }),
    synonyms: ["log.cleanup.policy"],
    doc: "delete old segments, compact to the latest value per key, both, or neither (empty: keep everything).",
  }),
  topicKey({
    name: "compression.type",
    type: "string",
    default: "producer",
    validator: oneOf(...COMPRESSION_TYPES),
    synonyms: ["compression.type"],
    doc: "How stored batches are compressed; producer keeps the producer's codec.",
  }),
  topicKey({
    name: "compression.gzip.level",
    type: "int",
    default: "-1",
    validator: GZIP_LEVEL,
    synonyms: ["compression.gzip.level"],
    doc: "gzip level when compression.type is gzip.",
  }),
  topicKey({
    name: "compression.lz4.level",
    type: "int",
    default: "9",
    validator: LZ4_LEVEL,
    synonyms: ["compression.lz4.level"],
    doc: "lz4 level when compression.type is lz4.",
  }),
  topicKey({
    name: "compression.zstd.level",
    type: "int",
    default: "3",
    validator: ZSTD_LEVEL,
    synonyms: ["compression.zstd.level"],
    doc: "zstd level when compression.type is zstd.",
  }),
  topicKey({
    name: "delete.retention.ms",
    type: "long",
    default: "86400000",
    validator: atLeast(0),
    synonyms: ["log.cleaner.delete.retention.ms"],
    doc: "How long tombstones survive compaction.",
  }),
  topicKey({
    name: "file.delete.delay.ms",
    type: "long",
    default: "60000",
    validator: atLeast(0),
    synonyms: ["log.segment.delete.delay.ms"],
    doc: "How long a deleted segment's files linger for reads in progress.",
  }),
  topicKey({
    name: "flush.messages",
    type: "long",
    default: FOREVER,
    validator: atLeast(1),
    synonyms: ["log.flush.interval.messages"],
    doc: "Records appended between forced fsyncs.",
  }),
  topicKey({
    name: "flush.ms",
    type: "long",
    default: FOREVER,
    validator: atLeast(0),
    synonyms: ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"],
    doc: "Longest time appended data stays unflushed.",
  }),
  topicKey({
    name: "follower.replication.throttled.replicas",
    type: "list",
    default: "",
    validator: THROTTLED_REPLICAS,
    doc: "Replicas whose follower-side replication is throttled.",
  }),
  topicKey({
    name: "index.interval.bytes",
    type: "int",
    default: "4096",
    validator: atLeast(0),
    synonyms: ["log.index.interval.bytes"],
    doc: "Log bytes between offset-index entries.",
  }),
  topicKey({
    name: "leader.replication.throttled.replicas",
    type: "list",
    default: "",
    validator: THROTTLED_REPLICAS,
    doc: "Replicas whose leader-side replication is throttled.",
  }),
  topicKey({
    name: "local.retention.bytes",
    type: "long",
    default: "-2",
    validator: atLeast(-2),
    synonyms: ["log.local.retention.bytes"],
    doc: "With tiered storage, the local share of retention.bytes; -2 means retention.bytes.",
  }),
  topicKey({
    name: "local.retention.ms",
    type: "long",
    default: "-2",
    validator: atLeast(-2),
    synonyms: ["log.local.retention.ms"],
    doc: "With tiered storage, the local share of retention.ms; -2 means retention.ms.",
  }),
  topicKey({
    name: "max.compaction.lag.ms",
    type: "long",
    default: FOREVER,
    validator: atLeast(1),
    synonyms: ["log.cleaner.max.compaction.lag.ms"],
    doc: "Records older than this are compacted whatever the dirty ratio.",
  }),
  topicKey({
    name: "max.message.bytes",
    type: "int",
    default: "1048588",
    validator: atLeast(0),
    synonyms: ["message.max.bytes"],
    doc: "The largest record batch accepted (after compression).",
  }),
  topicKey({
    name: "message.timestamp.after.max.ms",
    type: "long",
    default: "3600000",
    validator: atLeast(0),
    synonyms: ["log.message.timestamp.after.max.ms"],
    doc: "With CreateTime, how far in the future a batch's timestamp may lie.",
  }),
  topicKey({
    name: "message.timestamp.before.max.ms",
    type: "long",
    default: FOREVER,
    validator: atLeast(0),
    synonyms: ["log.message.timestamp.before.max.ms"],
    doc: "With CreateTime, how far in the past a batch's timestamp may lie.",
  }),
  topicKey({
    name: "message.timestamp.type",
    type: "string",
    default: "CreateTime",
    validator: oneOf(...TIMESTAMP_TYPES),
    synonyms: ["log.message.timestamp.type"],
    doc: "CreateTime keeps the producer's timestamps; LogAppendTime stamps batches on append.",
  }),
  topicKey({
    name: "min.cleanable.dirty.ratio",
    type: "double",
    default: "0.5",
    validator: between(0, 1),
    synonyms: ["log.cleaner.min.cleanable.ratio"],
    doc: "Share of the log that must be uncompacted before it is compacted again.",
  }),
  topicKey({
    name: "min.compaction.lag.ms",
    type: "long",
    default: "0",
    validator: atLeast(0),
    synonyms: ["log.cleaner.min.compaction.lag.ms"],
    doc: "Records younger than this are never compacted.",
  }),
  topicKey({
    name: "min.insync.replicas",
    type: "int",
    default: "1",
    validator: atLeast(1),
    synonyms: ["min.insync.replicas"],
    doc: "In-sync replicas needed for an acks=all produce to succeed.",
  }),
  topicKey({
    name: "preallocate",
    type: "boolean",
    default: "false",
    synonyms: ["log.preallocate"],
    doc: "Whether new segment files are allocated at full size (Samsa accepts it and grows files as written).",
  }),
  topicKey({
    name: "remote.log.copy.disable",
    type: "boolean",
    default: "false",
    doc: "With tiered storage, stop copying new segments to remote storage.",
  }),
  topicKey({
    name: "remote.log.delete.on.disable",
    type: "boolean",
    default: "false",
    doc: "With tiered storage, delete remote data when tiering is turned off.",
  }),
  topicKey({
    name: "remote.storage.enable",
    type: "boolean",
    default: "false",
    validator: { allowed: "false", check: (value) => (value === false ? null : REMOTE_STORAGE_UNSUPPORTED) },
    doc: "Whether the topic uses tiered storage (not supported by Samsa).",
  }),
  topicKey({
    name: "retention.bytes",
    type: "long",
    default: "-1",
    synonyms: ["log.retention.bytes"],
    doc: "Size a partition may reach before its oldest segments are deleted; -1 for no limit.",
  }),
  topicKey({
    name: "retention.ms",
    type: "long",
    default: "604800000",
    validator: atLeast(-1),
    synonyms: [
      "log.retention.ms",
      { name: "log.retention.minutes", unit: "minutes" },
      { name: "log.retention.hours", unit: "hours" },
    ],
    doc: "How long data is kept before it may be deleted; -1 keeps it forever.",
  }),
  topicKey({
    name: "segment.bytes",
    type: "int",
    default: "1073741824",
    validator: atLeast(1048576),
    synonyms: ["log.segment.bytes"],
    doc: "Size at which a segment is closed and a new one started.",
  }),
  topicKey({
    name: "segment.index.bytes",
    type: "int",
    default: "10485760",
    validator: atLeast(4),
    synonyms: ["log.index.size.max.bytes"],
    doc: "Largest size of a segment's offset index.",
  }),
  topicKey({
    name: "segment.jitter.ms",
    type: "long",
    default: "0",
    validator: atLeast(0),
    synonyms: ["log.roll.jitter.ms", { name: "log.roll.jitter.hours", unit: "hours" }],
    doc: "Largest random amount taken off each segment roll deadline.",
  }),
  topicKey({
    name: "segment.ms",
    type: "long",
    default: "604800000",
    validator: atLeast(1),
    synonyms: ["log.roll.ms", { name: "log.roll.hours", unit: "hours" }],
    doc: "Age at which a segment is rolled even if not full.",
  }),
  topicKey({
    name: "unclean.leader.election.enable",
    type: "boolean",
    default: "false",
    synonyms: ["unclean.leader.election.enable"],
    doc: "Whether a replica outside the ISR may become leader as a last resort.",
  }),
];

export const TOPIC_KEYS: ReadonlyMap<string, TopicKeyDef> = new Map(
  TOPIC_KEY_LIST.map((def) => [def.name, def]),
);

const REMOVED_TOPIC_KEYS: Readonly<Record<string, string>> = {
  "message.format.version": "removed in Kafka 4.0: every log uses message format v2",
  "message.timestamp.difference.max.ms":
    "removed in Kafka 4.0; use message.timestamp.before.max.ms and message.timestamp.after.max.ms",
  "message.downconversion.enable": "removed in Kafka 4.0: brokers no longer down-convert records",
};

/** Why a topic key is refused outright (removed from Kafka), or null. */
export function refusedTopicKey(name: string): string | null {
  const reason = REMOVED_TOPIC_KEYS[name];
  return reason === undefined ? null : `${name} was ${reason}`;
}
