/**
 * CreateTopics (key 19), v2–v7. Per topic: name rules and collisions,
 * partition count (-1 = `num.partitions`), replication factor (-1 = the
 * default; anything but 1 is refused on a single node), manual assignments
 * (only this node), and config overrides validated against Kafka's topic
 * configs. `validateOnly` runs every check and changes nothing. A name that
 * appears twice in one request fails both entries, as in Kafka.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { CreatableTopic, CreateTopicsRequest } from "../../protocol/messages/create-topics-request.ts";
import type {
  CreatableTopicResult,
  CreateTopicsResponse,
} from "../../protocol/messages/create-topics-response.ts";
import { ZERO_UUID } from "../../protocol/primitives.ts";
import type { Broker } from "../broker.ts";
import type { Handler } from "../handler.ts";
import { checkTopicPlan, createTopic, type TopicOutcome, type TopicPlan } from "../topic-admin.ts";

function planOf(broker: Broker, topic: CreatableTopic): TopicPlan | TopicOutcome {
  const configs: Record<string, string> = {};
  for (const config of topic.configs) {
    if (config.value === null || config.value === undefined) {
      return {
        errorCode: ErrorCode.INVALID_CONFIG,
        errorMessage: `Null value not supported for topic configs: ${config.name}`,
      };
    }
    configs[config.name] = config.value;
  }
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: "Both numPartitions or replicationFactor and replicasAssignments were set.",
      };
    }
    const nodeId = broker.identity.nodeId;
    const bad = topic.assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== nodeId);
    if (bad !== undefined) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: `Partition ${bad.partitionIndex} must be assigned to broker ${nodeId}, the only broker.`,
      };
    }
    return { name: topic.name, partitions: topic.assignments.length, replicationFactor: 1, configs };
  }
  return {
    name: topic.name,
    partitions: topic.numPartitions === -1 ? broker.settings.numPartitions : topic.numPartitions,
    replicationFactor: topic.replicationFactor === -1 ? 1 : topic.replicationFactor,
    configs,
  };
}

function result(name: string, outcome: TopicOutcome, plan: TopicPlan | null): CreatableTopicResult {
  const ok = outcome.errorCode === ErrorCode.NONE;
  return {
    name,
    topicId: outcome.topic?.topicId ?? ZERO_UUID,
    errorCode: outcome.errorCode,
    errorMessage: outcome.errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: ok && plan !== null ? plan.partitions : -1,
    replicationFactor: ok && plan !== null ? plan.replicationFactor : -1,
    configs:
      ok && plan !== null
        ? Object.entries(plan.configs).map(([key, value]) => ({
            name: key,
            value,
            readOnly: false,
            configSource: 1,
            isSensitive: false,
          }))
        : null,
  };
}

export const createTopicsHandler: Handler<CreateTopicsRequest> = {
  apiKey: ApiKey.CreateTopics,
  minVersion: 2,
  maxVersion: 7,
  async handle(context, request): Promise<CreateTopicsResponse> {
    const { broker } = context;
    const counts = new Map<string, number>();
    for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
    const topics: CreatableTopicResult[] = [];
    for (const topic of request.topics) {
      if ((counts.get(topic.name) ?? 0) > 1) {
        topics.push(
          result(
            topic.name,
            { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "Duplicate topic name." },
            null,
          ),
        );
        continue;
      }
      const plan = planOf(broker, topic);
      if ("errorCode" in plan) {
        topics.push(result(topic.name, plan, null));
        continue;
      }
      const outcome =
        request.validateOnly === true
          ? (checkTopicPlan(broker, plan) ?? { errorCode: ErrorCode.NONE, errorMessage: null })
          : await createTopic(broker, plan);
      topics.push(result(topic.name, outcome, plan));
    }
    return { throttleTimeMs: 0, topics };
  },
};
