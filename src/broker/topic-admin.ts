/**
 * Creating and deleting topics, shared by CreateTopics, DeleteTopics,
 * auto-creation in Metadata, and the CLI. Checks come first and change
 * nothing; then the topic is recorded durably and its partitions opened.
 */
import { ErrorCode } from "../protocol/errors.ts";
import type { Broker } from "./broker.ts";
import type { TopicRecord } from "./metadata/topic-store.ts";
import { collisionKey, topicNameError } from "./topic-names.ts";

export interface TopicPlan {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface TopicOutcome {
  errorCode: number;
  errorMessage: string | null;
  topic?: TopicRecord;
}

const MAX_PARTITIONS = 100_000;

export function checkTopicPlan(broker: Broker, plan: TopicPlan): TopicOutcome | null {
  const nameError = topicNameError(plan.name);
  if (nameError !== null) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: nameError };
  if (broker.topics.get(plan.name) !== undefined) {
    return {
      errorCode: ErrorCode.TOPIC_ALREADY_EXISTS,
      errorMessage: `Topic '${plan.name}' already exists.`,
    };
  }
  const collision = broker.topics.all().find((t) => collisionKey(t.name) === collisionKey(plan.name));
  if (collision !== undefined) {
    return {
      errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
      errorMessage: `Topic '${plan.name}' collides with existing topic '${collision.name}'.`,
    };
  }
  if (!Number.isInteger(plan.partitions) || plan.partitions < 1 || plan.partitions > MAX_PARTITIONS) {
    return {
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: `Number of partitions must be in [1, ${MAX_PARTITIONS}].`,
    };
  }
  if (plan.replicationFactor !== 1) {
    return {
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: `Replication factor: ${plan.replicationFactor} larger than available brokers: 1.`,
    };
  }
  const configErrors = broker.settings.validateTopicConfigs(plan.configs);
  const firstBad = Object.entries(configErrors)[0];
  if (firstBad !== undefined) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: firstBad[1] };
  return null;
}

export async function createTopic(broker: Broker, plan: TopicPlan): Promise<TopicOutcome> {
  const problem = checkTopicPlan(broker, plan);
  if (problem !== null) return problem;
  const topic = await broker.topics.create(plan.name, plan.partitions, plan.configs, Date.now());
  await broker.replicas.ensurePartitions(topic);
  broker.logger.info(
    { topic: topic.name, partitions: topic.partitions, topicId: topic.topicId },
    "topic created",
  );
  return { errorCode: ErrorCode.NONE, errorMessage: null, topic };
}

export async function deleteTopic(broker: Broker, name: string): Promise<TopicOutcome> {
  const topic = broker.topics.get(name);
  if (topic === undefined) {
    return {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: "This server does not host this topic.",
    };
  }
  if (!broker.settings.deleteTopicEnable) {
    return { errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: "Topic deletion is disabled." };
  }
  await broker.topics.delete(name);
  await broker.replicas.deletePartitions(topic);
  broker.logger.info({ topic: name }, "topic deleted");
  return { errorCode: ErrorCode.NONE, errorMessage: null, topic };
}
