/**
 * ListOffsets (key 2), v1–v11: per partition, the offset for a timestamp or
 * one of Kafka's special timestamps:
 *   -1 LATEST            the high watermark (last stable offset for read_committed)
 *   -2 EARLIEST          the log start offset
 *   -3 MAX_TIMESTAMP     the record with the largest timestamp (KIP-734)
 *   -4 EARLIEST_LOCAL    the log start offset (no tiered storage)
 *   -5 LATEST_TIERED     -1: nothing is tiered
 *   -6 EARLIEST_PENDING_UPLOAD  -1: nothing is tiered
 * otherwise the first record at or after the timestamp, or offset -1 when none.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type {
  ListOffsetsPartition,
  ListOffsetsRequest,
} from "../../protocol/messages/list-offsets-request.ts";
import type {
  ListOffsetsPartitionResponse,
  ListOffsetsResponse,
} from "../../protocol/messages/list-offsets-response.ts";
import { StorageError } from "../../storage/storage-error.ts";
import type { Broker } from "../broker.ts";
import { READ_COMMITTED } from "../fetch-reader.ts";
import type { Handler } from "../handler.ts";

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;

function answer(
  index: number,
  errorCode: number,
  offset = -1,
  timestamp = -1,
  leaderEpoch = -1,
): ListOffsetsPartitionResponse {
  return {
    partitionIndex: index,
    errorCode,
    offset: BigInt(offset),
    timestamp: BigInt(timestamp),
    leaderEpoch,
  };
}

async function listOffset(
  broker: Broker,
  topic: string,
  request: ListOffsetsPartition,
  isolationLevel: number,
): Promise<ListOffsetsPartitionResponse> {
  const index = request.partitionIndex;
  const partition = broker.replicas.get(topic, index);
  if (partition === undefined) return answer(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const epoch = request.currentLeaderEpoch ?? -1;
  if (epoch >= 0 && epoch !== partition.leaderEpoch) {
    return answer(
      index,
      epoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
    );
  }
  const log = partition.log;
  const epochOf = (offset: number): number => log.leaderEpochs.epochForOffset(offset) ?? -1;
  try {
    switch (request.timestamp) {
      case LATEST: {
        const highWatermark = broker.replicas.highWatermark(partition);
        const unstable = log.producers.firstUnstableOffset();
        const offset =
          isolationLevel === READ_COMMITTED && unstable !== null
            ? Math.min(unstable, highWatermark)
            : highWatermark;
        return answer(index, ErrorCode.NONE, offset, -1, partition.leaderEpoch);
      }
      case EARLIEST:
      case EARLIEST_LOCAL:
        return answer(index, ErrorCode.NONE, log.logStartOffset, -1, epochOf(log.logStartOffset));
      case MAX_TIMESTAMP: {
        const match = await log.findMaxTimestampRecord();
        return match === null
          ? answer(index, ErrorCode.NONE)
          : answer(index, ErrorCode.NONE, match.offset, match.timestampMs, epochOf(match.offset));
      }
      default: {
        if (request.timestamp < 0n) return answer(index, ErrorCode.NONE);
        const match = await log.findOffsetByTimestamp(Number(request.timestamp));
        return match === null
          ? answer(index, ErrorCode.NONE)
          : answer(index, ErrorCode.NONE, match.offset, match.timestampMs, epochOf(match.offset));
      }
    }
  } catch (error) {
    if (error instanceof StorageError) return answer(index, error.errorCode);
    throw error;
  }
}

export const listOffsetsHandler: Handler<ListOffsetsRequest> = {
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 11,
  async handle(context, request): Promise<ListOffsetsResponse> {
    const { broker } = context;
    const isolationLevel = request.isolationLevel ?? 0;
    const topics = [];
    for (const topic of request.topics) {
      const partitions = [];
      for (const partition of topic.partitions) {
        const answered = await listOffset(broker, topic.name, partition, isolationLevel);
        // The leader epoch exists from v4; earlier versions must not carry it.
        if (context.apiVersion < 4) answered.leaderEpoch = undefined;
        partitions.push(answered);
      }
      topics.push({ name: topic.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};
