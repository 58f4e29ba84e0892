/** Typed calls to the Java harness's operations (see Harness.java, Clients.java, AdminOps.java). */
import type { HarnessError, HarnessEvent, JavaHarness, ProducerConfig } from "./java-harness.ts";
import {
  type ConsumedRecord,
  fromWire,
  type TestRecord,
  toWire,
  type WireConsumedRecord,
} from "./records.ts";

export type ProduceAck = { partition: number; offset: number; timestamp: number } | { error: HarnessError };

export async function produce(
  java: JavaHarness,
  topic: string,
  records: readonly TestRecord[],
  producer: ProducerConfig,
): Promise<ProduceAck[]> {
  const result = await java.request<{ acks: ProduceAck[] }>("produce", {
    producer,
    records: records.map((record) => toWire(topic, record)),
  });
  return result.acks;
}

/** Produces and fails on any record the client could not deliver. */
export async function produceOk(
  java: JavaHarness,
  topic: string,
  records: readonly TestRecord[],
  producer: ProducerConfig,
): Promise<{ partition: number; offset: number; timestamp: number }[]> {
  const acks = await produce(java, topic, records, producer);
  return acks.map((ack, i) => {
    if ("error" in ack)
      throw new Error(`record ${i} to ${topic} failed: ${ack.error.type}: ${ack.error.message}`);
    return ack;
  });
}

export interface ConsumeOptions {
  /** Partition → first offset; every partition of `partitions` from offset 0 when omitted. */
  from: ReadonlyMap<number, number> | number;
  /** Stop after this many records instead of at the end offsets seen at the start. */
  count?: number;
  timeoutMs?: number;
  props?: Record<string, string>;
}

/** Assigns the partitions, seeks, and reads until the end (or `count` records). */
export async function consume(
  java: JavaHarness,
  topic: string,
  options: ConsumeOptions,
): Promise<ConsumedRecord[]> {
  const from =
    typeof options.from === "number"
      ? new Map(Array.from({ length: options.from }, (_, p) => [p, 0] as const))
      : options.from;
  const result = await java.request<{ records: WireConsumedRecord[] }>("consume", {
    topic,
    partitions: [...from].map(([partition, offset]) => ({ partition, offset })),
    ...(options.count === undefined ? {} : { count: options.count }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.props === undefined ? {} : { props: options.props }),
  });
  return result.records.map(fromWire);
}

export interface NewTopic {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export type ItemResult<T> = ({ name: string } & T) | { name: string; error: HarnessError };

export async function createTopics(
  java: JavaHarness,
  topics: readonly NewTopic[],
): Promise<ItemResult<{ partitions: number; topicId: string }>[]> {
  const result = await java.request<{ results: ItemResult<{ partitions: number; topicId: string }>[] }>(
    "createTopics",
    { topics },
  );
  return result.results;
}

export async function createTopicOk(java: JavaHarness, topic: NewTopic): Promise<void> {
  const [result] = await createTopics(java, [topic]);
  if ("error" in result)
    throw new Error(`creating ${topic.name}: ${result.error.type}: ${result.error.message}`);
}

export interface TopicDescription {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

export async function describeTopics(
  java: JavaHarness,
  names: readonly string[],
): Promise<ItemResult<TopicDescription>[]> {
  return (await java.request<{ topics: ItemResult<TopicDescription>[] }>("describeTopics", { topics: names }))
    .topics;
}

export async function listTopics(java: JavaHarness): Promise<string[]> {
  return (await java.request<{ topics: string[] }>("listTopics")).topics;
}

export async function deleteTopics(
  java: JavaHarness,
  names: readonly string[],
): Promise<ItemResult<object>[]> {
  return (await java.request<{ results: ItemResult<object>[] }>("deleteTopics", { topics: names })).results;
}

export async function createPartitions(
  java: JavaHarness,
  topic: string,
  count: number,
): Promise<{ error?: HarnessError }> {
  return java.request<{ error?: HarnessError }>("createPartitions", { topic, count });
}

export type OffsetSpec = "earliest" | "latest" | "max-timestamp" | "earliest-local" | { timestamp: number };

export type ListedOffset =
  | { partition: number; offset: number; timestamp: number; leaderEpoch: number }
  | { partition: number; error: HarnessError };

export async function listOffsets(
  java: JavaHarness,
  topic: string,
  partitions: readonly number[],
  spec: OffsetSpec,
): Promise<ListedOffset[]> {
  return (await java.request<{ offsets: ListedOffset[] }>("listOffsets", { topic, partitions, spec }))
    .offsets;
}

/** The offsets alone, failing on any per-partition error. */
export async function offsetsOf(
  java: JavaHarness,
  topic: string,
  partitions: readonly number[],
  spec: OffsetSpec,
): Promise<{ offset: number; timestamp: number }[]> {
  return (await listOffsets(java, topic, partitions, spec)).map((entry) => {
    if ("error" in entry) throw new Error(`ListOffsets ${topic}-${entry.partition}: ${entry.error.type}`);
    return { offset: entry.offset, timestamp: entry.timestamp };
  });
}

export async function deleteRecords(
  java: JavaHarness,
  topic: string,
  beforeOffsets: ReadonlyMap<number, number>,
): Promise<({ partition: number; lowWatermark: number } | { partition: number; error: HarnessError })[]> {
  const result = await java.request<{
    results: ({ partition: number; lowWatermark: number } | { partition: number; error: HarnessError })[];
  }>("deleteRecords", {
    topic,
    partitions: [...beforeOffsets].map(([partition, beforeOffset]) => ({ partition, beforeOffset })),
  });
  return result.results;
}

export interface ClusterNode {
  id: number;
  host: string;
  port: number;
  rack: string | null;
}

export async function describeCluster(
  java: JavaHarness,
): Promise<{ clusterId: string; controller: ClusterNode | null; nodes: ClusterNode[] }> {
  return java.request("describeCluster");
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: string;
  isDefault: boolean;
  isReadOnly: boolean;
  isSensitive: boolean;
}

export type ConfigResource = { type: "topic" | "broker"; name: string };

export async function describeConfigs(
  java: JavaHarness,
  resources: readonly ConfigResource[],
): Promise<(ConfigResource & ({ entries: ConfigEntry[] } | { error: HarnessError }))[]> {
  return (
    await java.request<{
      configs: (ConfigResource & ({ entries: ConfigEntry[] } | { error: HarnessError }))[];
    }>("describeConfigs", { resources })
  ).configs;
}

export type ConfigOp =
  | { op: "set" | "append" | "subtract"; name: string; value: string }
  | { op: "delete"; name: string };

export async function alterConfigs(
  java: JavaHarness,
  changes: readonly (ConfigResource & { ops: ConfigOp[] })[],
): Promise<(ConfigResource & { error?: HarnessError })[]> {
  return (
    await java.request<{ results: (ConfigResource & { error?: HarnessError })[] }>("alterConfigs", {
      resources: changes,
    })
  ).results;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface GroupConsumeOptions {
  groupId: string;
  /** The topics subscribed to by name; ignored when `topicRegex` is given. */
  topics: readonly string[];
  /** Subscribe by regex instead: broker-side with the consumer protocol, client-side with classic. */
  topicRegex?: string;
  /** group.protocol: "classic" (default) or "consumer" (KIP-848). */
  protocol?: "classic" | "consumer";
  /**
   * Classic: partition.assignment.strategy ("range", "cooperative-sticky", "roundrobin", "sticky" or a
   * class name). Consumer: group.remote.assignor ("uniform" or "range").
   */
  strategy?: string;
  /** Stop once this many records arrived (and the assignment has `assignedPartitions` partitions). */
  count: number;
  assignedPartitions?: number;
  timeoutMs?: number;
  /** Keep polling this long after stopping, so extra records (duplicates) show. */
  settleMs?: number;
  clientId?: string;
  props?: Record<string, string>;
}

export interface GroupRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

export interface GroupConsumeResult {
  records: GroupRecord[];
  /** The assignment when polling stopped. */
  assignment: TopicPartition[];
  memberId: string;
  generation: number;
  timedOut: boolean;
}

/**
 * A classic-protocol group member: subscribes, polls until `count` records (or the timeout), commits
 * synchronously and leaves. `onAssignment` sees every change of its assignment as it happens.
 */
export async function groupConsume(
  java: JavaHarness,
  options: GroupConsumeOptions,
  onAssignment?: (assignment: TopicPartition[]) => void,
): Promise<GroupConsumeResult> {
  const onEvent =
    onAssignment === undefined
      ? undefined
      : (event: HarnessEvent): void => {
          if (event.event === "assignment") onAssignment(event.assignment as TopicPartition[]);
        };
  const result = await java.request<
    Omit<GroupConsumeResult, "records"> & {
      records: {
        topic: string;
        partition: number;
        offset: number;
        key: string | null;
        value: string | null;
      }[];
    }
  >("groupConsume", { ...options }, onEvent);
  return {
    ...result,
    records: result.records.map((record) => ({
      ...record,
      key: record.key === null ? null : Buffer.from(record.key, "base64"),
      value: record.value === null ? null : Buffer.from(record.value, "base64"),
    })),
  };
}

/** `<topic>-<partition>`, for comparing assignments as strings. */
export const tp = (p: TopicPartition): string => `${p.topic}-${p.partition}`;
