/**
 * Metadata (key 3), v0–v13: brokers, cluster id, controller, and for each
 * topic its id and partitions (this node leads them all, epoch 0, ISR =
 * replicas = [this node]). A null topic list (or an empty one in v0) means
 * every topic. Unknown names are auto-created when both the request
 * (v4+; always before) and `auto.create.topics.enable` allow it, with
 * `num.partitions`. Topics asked for by id (v10+) that don't exist get
 * UNKNOWN_TOPIC_ID. Authorized operations: every operation (no ACLs yet).
 */

import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { MetadataRequest } from "../../protocol/messages/metadata-request.ts";
import type { MetadataResponse, MetadataResponseTopic } from "../../protocol/messages/metadata-response.ts";
import { ZERO_UUID } from "../../protocol/primitives.ts";
import type { Broker } from "../broker.ts";
import type { Handler } from "../handler.ts";
import { CONSUMER_OFFSETS_TOPIC } from "../internal-topics.ts";
import type { TopicRecord } from "../metadata/topic-store.ts";
import { createTopic } from "../topic-admin.ts";
import { isInternalTopic, topicNameError } from "../topic-names.ts";

/** Kafka's "not requested" marker for authorized operations. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
const ALL_TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);

export function describeTopic(
  broker: Broker,
  topic: TopicRecord,
  includeOperations: boolean,
): MetadataResponseTopic {
  const nodeId = broker.identity.nodeId;
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions: Array.from({ length: topic.partitions }, (_, partitionIndex) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex,
      leaderId: nodeId,
      leaderEpoch: broker.replicas.get(topic.name, partitionIndex)?.leaderEpoch ?? 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: includeOperations ? ALL_TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function missingTopic(errorCode: number, name: string | null, topicId = ZERO_UUID): MetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

async function topicByName(
  broker: Broker,
  name: string,
  autoCreate: boolean,
  includeOperations: boolean,
): Promise<MetadataResponseTopic> {
  const existing = broker.topics.get(name);
  if (existing !== undefined) return describeTopic(broker, existing, includeOperations);
  if (topicNameError(name) !== null) return missingTopic(ErrorCode.INVALID_TOPIC_EXCEPTION, name);
  if (!autoCreate) return missingTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name);
  // As in Kafka, auto-creating the offsets topic gives it the coordinator's shape (partitions, compaction).
  if (name === CONSUMER_OFFSETS_TOPIC) {
    await broker.groups.ensureOffsetsTopic();
    const created = broker.topics.get(name);
    if (created !== undefined) return describeTopic(broker, created, includeOperations);
  }
  const outcome = await createTopic(broker, {
    name,
    partitions: broker.settings.numPartitions,
    replicationFactor: 1,
    configs: {},
  });
  if (outcome.topic !== undefined) return describeTopic(broker, outcome.topic, includeOperations);
  // Another request created it meanwhile, or the name collides: report what is there now.
  const now = broker.topics.get(name);
  return now !== undefined
    ? describeTopic(broker, now, includeOperations)
    : missingTopic(outcome.errorCode, name);
}

export const metadataHandler: Handler<MetadataRequest> = {
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 13,
  async handle(context, request): Promise<MetadataResponse> {
    const { broker, apiVersion } = context;
    const includeOperations = request.includeTopicAuthorizedOperations === true;
    const wanted = request.topics;
    const allTopics = wanted === null || wanted === undefined || (apiVersion === 0 && wanted.length === 0);
    const autoCreate =
      (apiVersion < 4 || request.allowAutoTopicCreation !== false) && broker.settings.autoCreateTopicsEnable;
    const topics: MetadataResponseTopic[] = [];
    if (allTopics) {
      for (const topic of broker.topics.all()) topics.push(describeTopic(broker, topic, includeOperations));
    } else {
      for (const wantedTopic of wanted) {
        // A non-zero id wins over the name, as in Kafka: clients asking by id send the name as "".
        const byId = wantedTopic.topicId !== undefined && wantedTopic.topicId !== ZERO_UUID;
        if (!byId && wantedTopic.name !== null && wantedTopic.name !== undefined) {
          topics.push(await topicByName(broker, wantedTopic.name, autoCreate, includeOperations));
          continue;
        }
        const id = wantedTopic.topicId ?? ZERO_UUID;
        const topic = broker.topics.getById(id);
        topics.push(
          topic === undefined
            ? missingTopic(ErrorCode.UNKNOWN_TOPIC_ID, null, id)
            : describeTopic(broker, topic, includeOperations),
        );
      }
    }
    const endpoint = broker.advertisedEndpoint();
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.identity.nodeId, host: endpoint.host, port: endpoint.port, rack: null }],
      clusterId: broker.identity.clusterId,
      controllerId: broker.identity.nodeId,
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      errorCode: ErrorCode.NONE,
    };
  },
};
