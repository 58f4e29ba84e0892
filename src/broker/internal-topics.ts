/**
 * Kafka's internal topics as this broker keeps them: `__consumer_offsets`
 * (group metadata and committed offsets) and `__transaction_state`, both
 * compacted, created on first use with Kafka's settings, and the mapping
 * from a group (or transactional) id to the partition that owns it —
 * Kafka's `abs(id.hashCode()) % partitions`, with Java's String.hashCode, so
 * tools that compute a group's coordinator partition agree with us.
 */
import type { Broker } from "./broker.ts";
import type { TopicRecord } from "./metadata/topic-store.ts";
import { createTopic } from "./topic-admin.ts";

export const CONSUMER_OFFSETS_TOPIC = "__consumer_offsets";
export const TRANSACTION_STATE_TOPIC = "__transaction_state";

/** Topics the broker owns; never matched by a subscription regex. */
export function isInternalTopic(name: string): boolean {
  return name === CONSUMER_OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}

/** Java's String.hashCode over UTF-16 code units, as a signed 32-bit integer. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 rather than overflowing. */
function kafkaAbs(value: number): number {
  return value === -2147483648 ? 0 : Math.abs(value);
}

/** The partition of an internal topic that owns `id` (a group id or a transactional id). */
export function partitionFor(id: string, partitions: number): number {
  return kafkaAbs(javaStringHashCode(id)) % partitions;
}

export interface InternalTopicSettings {
  partitions: number;
  segmentBytes: number;
}

/** The internal topic, created with Kafka's settings if it does not exist yet. */
export async function ensureInternalTopic(
  broker: Broker,
  name: string,
  settings: InternalTopicSettings,
): Promise<TopicRecord> {
  const existing = broker.topics.get(name);
  if (existing !== undefined) return existing;
  const outcome = await createTopic(broker, {
    name,
    partitions: settings.partitions,
    replicationFactor: 1,
    configs: {
      "cleanup.policy": "compact",
      "segment.bytes": String(settings.segmentBytes),
      "compression.type": "producer",
    },
  });
  const created = outcome.topic ?? broker.topics.get(name);
  if (created === undefined)
    throw new Error(`could not create ${name}: ${outcome.errorMessage ?? outcome.errorCode}`);
  return created;
}
