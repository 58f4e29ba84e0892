/**
 * Broker keys for the group and transaction coordinators and their internal
 * topics (`GroupCoordinatorConfig`, `TransactionLogConfig`,
 * `TransactionStateManagerConfig` in Kafka 4). A single node cannot hold
 * three replicas, so the internal topics' replication defaults are 1.
 */
import { brokerKey } from "./broker-keys-server.ts";
import type { BrokerKeyDef } from "./config-def.ts";
import { INT_MAX } from "./parse-value.ts";
import { atLeast } from "./validators.ts";

const ONE_NODE =
  "A single node can hold only one replica; with Kafka's default the internal topic could never be created.";
const NO_SHARE_GROUPS = "Share groups are not supported yet.";

export const COORDINATOR_KEYS: readonly BrokerKeyDef[] = [
  brokerKey({
    name: "offsets.topic.num.partitions",
    type: "int",
    default: "50",
    validator: atLeast(1),
    importance: "high",
    doc: "Partitions of __consumer_offsets; fixed once the topic exists.",
  }),
  brokerKey({
    name: "offsets.topic.replication.factor",
    type: "short",
    default: "1",
    kafkaDefault: "3",
    defaultNote: ONE_NODE,
    validator: atLeast(1),
    importance: "high",
    doc: "Replication factor of __consumer_offsets.",
  }),
  brokerKey({
    name: "offsets.topic.segment.bytes",
    type: "int",
    default: "104857600",
    validator: atLeast(1),
    importance: "high",
    doc: "Segment size of __consumer_offsets, kept small so it compacts and loads quickly.",
  }),
  brokerKey({
    name: "offsets.retention.minutes",
    type: "int",
    default: "10080",
    validator: atLeast(1),
    importance: "high",
    doc: "How long committed offsets of an empty group are kept.",
  }),
  brokerKey({
    name: "offsets.retention.check.interval.ms",
    type: "long",
    default: "600000",
    validator: atLeast(1),
    importance: "high",
    doc: "How often expired offsets are looked for.",
  }),
  brokerKey({
    name: "group.max.size",
    type: "int",
    default: String(INT_MAX),
    validator: atLeast(1),
    importance: "medium",
    doc: "The most members one consumer group may have.",
  }),
  brokerKey({
    name: "group.min.session.timeout.ms",
    type: "int",
    default: "6000",
    importance: "medium",
    doc: "The shortest session timeout a group member may ask for.",
  }),
  brokerKey({
    name: "group.max.session.timeout.ms",
    type: "int",
    default: "1800000",
    importance: "medium",
    doc: "The longest session timeout a group member may ask for.",
  }),
  brokerKey({
    name: "group.initial.rebalance.delay.ms",
    type: "int",
    default: "3000",
    importance: "medium",
    doc: "How long a new group waits for more members before its first rebalance.",
  }),
  brokerKey({
    name: "transaction.state.log.num.partitions",
    type: "int",
    default: "50",
    validator: atLeast(1),
    importance: "high",
    doc: "Partitions of __transaction_state; fixed once the topic exists.",
  }),
  brokerKey({
    name: "transaction.state.log.replication.factor",
    type: "short",
    default: "1",
    kafkaDefault: "3",
    defaultNote: ONE_NODE,
    validator: atLeast(1),
    importance: "high",
    doc: "Replication factor of __transaction_state.",
  }),
  brokerKey({
    name: "transaction.state.log.min.isr",
    type: "int",
    default: "1",
    kafkaDefault: "2",
    defaultNote: "A single replica can never make an ISR of two, and transactions would always fail.",
    validator: atLeast(1),
    importance: "high",
    doc: "min.insync.replicas of __transaction_state.",
  }),
  brokerKey({
    name: "transaction.state.log.segment.bytes",
    type: "int",
    default: "104857600",
    validator: atLeast(1),
    importance: "high",
    doc: "Segment size of __transaction_state, kept small so it compacts and loads quickly.",
  }),
  brokerKey({
    name: "transactional.id.expiration.ms",
    type: "int",
    default: "604800000",
    validator: atLeast(1),
    importance: "high",
    doc: "A transactional id unused for this long is forgotten.",
  }),
  brokerKey({
    name: "transaction.max.timeout.ms",
    type: "int",
    default: "900000",
    validator: atLeast(1),
    importance: "high",
    doc: "The longest transaction timeout a producer may ask for.",
  }),
  brokerKey({
    name: "producer.id.expiration.ms",
    type: "int",
    default: "86400000",
    validator: atLeast(1),
    importance: "low",
    updateMode: "cluster-wide",
    doc: "A producer id with no writes to a partition for this long is forgotten by that partition.",
  }),
  brokerKey({
    name: "share.coordinator.state.topic.replication.factor",
    type: "short",
    default: "3",
    validator: atLeast(1),
    importance: "high",
    ignored: NO_SHARE_GROUPS,
    doc: "Replication factor of the share-group state topic.",
  }),
  brokerKey({
    name: "share.coordinator.state.topic.min.isr",
    type: "short",
    default: "2",
    validator: atLeast(1),
    importance: "high",
    ignored: NO_SHARE_GROUPS,
    doc: "min.insync.replicas of the share-group state topic.",
  }),
];
