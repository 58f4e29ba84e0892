/**
 * Broker keys for the log cleaner, which compacts topics whose
 * cleanup.policy includes compact (Kafka 4's `CleanerConfig`). The last
 * four are the broker-wide defaults of topic-level compaction settings.
 */
import { brokerKey } from "./broker-keys-server.ts";
import type { BrokerKeyDef } from "./config-def.ts";
import { LONG_MAX } from "./parse-value.ts";
import { atLeast, between } from "./validators.ts";

const FOREVER = String(LONG_MAX);
const CLEANER_IO = "Samsa's compaction does not throttle or size its I/O buffers by configuration.";

export const CLEANER_KEYS: readonly BrokerKeyDef[] = [
  brokerKey({
    name: "log.cleaner.enable",
    type: "boolean",
    default: "true",
    importance: "medium",
    deprecated:
      "log.cleaner.enable is deprecated since Kafka 4.1 (KIP-1148) and will be removed; leave it true.",
    doc: "Whether the log cleaner runs; compacted topics are not compacted without it.",
  }),
  brokerKey({
    name: "log.cleaner.threads",
    type: "int",
    default: "1",
    validator: atLeast(0),
    importance: "medium",
    updateMode: "cluster-wide",
    doc: "How many logs may be compacted at once.",
  }),
  brokerKey({
    name: "log.cleaner.dedupe.buffer.size",
    type: "long",
    default: "134217728",
    importance: "medium",
    updateMode: "cluster-wide",
    doc: "Memory for the key index used while compacting, shared by all cleaner threads.",
  }),
  brokerKey({
    name: "log.cleaner.backoff.ms",
    type: "long",
    default: "15000",
    validator: atLeast(0),
    importance: "medium",
    updateMode: "cluster-wide",
    doc: "How long the cleaner sleeps when no log needs compacting.",
  }),
  brokerKey({
    name: "log.cleaner.io.buffer.size",
    type: "int",
    default: "524288",
    validator: atLeast(0),
    importance: "medium",
    updateMode: "cluster-wide",
    ignored: CLEANER_IO,
    doc: "I/O buffer memory for the log cleaner, shared by all cleaner threads.",
  }),
  brokerKey({
    name: "log.cleaner.io.buffer.load.factor",
    type: "double",
    default: "0.9",
    importance: "medium",
    updateMode: "cluster-wide",
    ignored: CLEANER_IO,
    doc: "How full the cleaner's key index may get.",
  }),
  brokerKey({
    name: "log.cleaner.io.max.bytes.per.second",
    type: "double",
    default: "1.7976931348623157E308",
    importance: "medium",
    updateMode: "cluster-wide",
    ignored: CLEANER_IO,
    doc: "Throttle on the cleaner's combined read and write rate.",
  }),
  brokerKey({
    name: "log.cleaner.min.cleanable.ratio",
    type: "double",
    default: "0.5",
    validator: between(0, 1),
    importance: "medium",
    updateMode: "cluster-wide",
    topicKey: "min.cleanable.dirty.ratio",
    doc: "Share of a log that must be uncompacted before it is compacted again.",
  }),
  brokerKey({
    name: "log.cleaner.min.compaction.lag.ms",
    type: "long",
    default: "0",
    validator: atLeast(0),
    importance: "medium",
    updateMode: "cluster-wide",
    topicKey: "min.compaction.lag.ms",
    doc: "Records younger than this are never compacted.",
  }),
  brokerKey({
    name: "log.cleaner.max.compaction.lag.ms",
    type: "long",
    default: FOREVER,
    validator: atLeast(1),
    importance: "medium",
    updateMode: "cluster-wide",
    topicKey: "max.compaction.lag.ms",
    doc: "Records older than this are compacted whatever the dirty ratio.",
  }),
  brokerKey({
    name: "log.cleaner.delete.retention.ms",
    type: "long",
    default: "86400000",
    validator: atLeast(0),
    importance: "medium",
    updateMode: "cluster-wide",
    topicKey: "delete.retention.ms",
    doc: "How long tombstones (null values) survive compaction.",
  }),
];
