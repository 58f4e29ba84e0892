/**
 * CreatePartitions (key 37), v0–v3: raises a topic's partition count (never
 * lowers it: INVALID_PARTITIONS). Manual assignments must name only this
 * node. `validateOnly` checks and changes nothing. A topic named twice in one
 * request fails with INVALID_REQUEST.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type {
  CreatePartitionsRequest,
  CreatePartitionsTopic,
} from "../../protocol/messages/create-partitions-request.ts";
import type {
  CreatePartitionsResponse,
  CreatePartitionsTopicResult,
} from "../../protocol/messages/create-partitions-response.ts";
import type { Broker } from "../broker.ts";
import type { Handler } from "../handler.ts";

const MAX_PARTITIONS = 100_000;

function check(broker: Broker, topic: CreatePartitionsTopic): CreatePartitionsTopicResult | null {
  const fail = (errorCode: number, errorMessage: string): CreatePartitionsTopicResult => ({
    name: topic.name,
    errorCode,
    errorMessage,
  });
  const existing = broker.topics.get(topic.name);
  if (existing === undefined)
    return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${topic.name}' does not exist.`);
  if (topic.count <= existing.partitions) {
    return fail(
      ErrorCode.INVALID_PARTITIONS,
      `Topic currently has ${existing.partitions} partitions, which is higher than or equal to the requested ${topic.count}.`,
    );
  }
  if (topic.count > MAX_PARTITIONS)
    return fail(ErrorCode.INVALID_PARTITIONS, `At most ${MAX_PARTITIONS} partitions.`);
  const assignments = topic.assignments ?? null;
  if (assignments !== null) {
    if (assignments.length !== topic.count - existing.partitions) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, "There must be one assignment per new partition.");
    }
    const nodeId = broker.identity.nodeId;
    if (assignments.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== nodeId)) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `New partitions must be assigned to broker ${nodeId}, the only broker.`,
      );
    }
  }
  return null;
}

export const createPartitionsHandler: Handler<CreatePartitionsRequest> = {
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(context, request): Promise<CreatePartitionsResponse> {
    const { broker } = context;
    const counts = new Map<string, number>();
    for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
    const results: CreatePartitionsTopicResult[] = [];
    for (const topic of request.topics) {
      if ((counts.get(topic.name) ?? 0) > 1) {
        results.push({
          name: topic.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: "Duplicate topic in request.",
        });
        continue;
      }
      const problem = check(broker, topic);
      if (problem !== null) {
        results.push(problem);
        continue;
      }
      if (!request.validateOnly) {
        const updated = await broker.topics.update(topic.name, { partitions: topic.count });
        await broker.replicas.ensurePartitions(updated);
      }
      results.push({ name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null });
    }
    return { throttleTimeMs: 0, results };
  },
};
