/**
 * DescribeTopicPartitions (key 75), v0: topics and their partitions, paged.
 * An empty topic list means every topic. Topics are answered in name order;
 * at most `responsePartitionLimit` partitions per response, continuing from
 * `cursor` and ending with `nextCursor` when more remain. Unknown names get
 * UNKNOWN_TOPIC_OR_PARTITION.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { DescribeTopicPartitionsRequest } from "../../protocol/messages/describe-topic-partitions-request.ts";
import type {
  Cursor,
  DescribeTopicPartitionsResponse,
  DescribeTopicPartitionsResponseTopic,
} from "../../protocol/messages/describe-topic-partitions-response.ts";
import { ZERO_UUID } from "../../protocol/primitives.ts";
import type { Handler } from "../handler.ts";
import { describeTopic } from "./03-metadata.ts";

const DEFAULT_LIMIT = 2000;

export const describeTopicPartitionsHandler: Handler<DescribeTopicPartitionsRequest> = {
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  async handle(context, request): Promise<DescribeTopicPartitionsResponse> {
    const { broker } = context;
    const limit = Math.max(1, Math.min(request.responsePartitionLimit ?? DEFAULT_LIMIT, DEFAULT_LIMIT));
    const names = (
      request.topics.length === 0 ? broker.topics.all().map((t) => t.name) : request.topics.map((t) => t.name)
    )
      .filter((name, i, all) => all.indexOf(name) === i)
      .sort();
    const cursor = request.cursor ?? null;
    const topics: DescribeTopicPartitionsResponseTopic[] = [];
    let remaining = limit;
    let nextCursor: Cursor | null = null;
    for (const name of names) {
      if (cursor !== null && name < cursor.topicName) continue;
      const topic = broker.topics.get(name);
      if (topic === undefined) {
        topics.push({
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name,
          topicId: ZERO_UUID,
          isInternal: false,
          partitions: [],
          topicAuthorizedOperations: -2147483648,
        });
        continue;
      }
      if (remaining === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const described = describeTopic(broker, topic, false);
      const first = cursor !== null && name === cursor.topicName ? cursor.partitionIndex : 0;
      const partitions = described.partitions.slice(first, first + remaining);
      remaining -= partitions.length;
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.topicId,
        isInternal: described.isInternal,
        topicAuthorizedOperations: described.topicAuthorizedOperations,
        partitions: partitions.map((p) => ({
          ...p,
          leaderEpoch: p.leaderEpoch ?? 0,
          eligibleLeaderReplicas: [],
          lastKnownElr: [],
          offlineReplicas: [],
        })),
      });
      if (first + partitions.length < topic.partitions) {
        nextCursor = { topicName: name, partitionIndex: first + partitions.length };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
};
