/**
 * OffsetForLeaderEpoch (key 23), v2–v4: for each partition, the end offset
 * of the requested leader epoch (the start of the next epoch, or the log end
 * for the current one) from the leader-epoch cache — what consumers use to
 * detect log truncation after a leader change. Epoch fencing on
 * `currentLeaderEpoch` as for Fetch.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { OffsetForLeaderEpochRequest } from "../../protocol/messages/offset-for-leader-epoch-request.ts";
import type {
  EpochEndOffset,
  OffsetForLeaderEpochResponse,
} from "../../protocol/messages/offset-for-leader-epoch-response.ts";
import type { Handler } from "../handler.ts";

export const offsetForLeaderEpochHandler: Handler<OffsetForLeaderEpochRequest> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 2,
  maxVersion: 4,
  async handle(context, request): Promise<OffsetForLeaderEpochResponse> {
    const { broker } = context;
    const topics = request.topics.map((topic) => ({
      topic: topic.topic,
      partitions: topic.partitions.map((p): EpochEndOffset => {
        const partition = broker.replicas.get(topic.topic, p.partition);
        const fail = (errorCode: number): EpochEndOffset => ({
          errorCode,
          partition: p.partition,
          leaderEpoch: -1,
          endOffset: -1n,
        });
        if (partition === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const current = p.currentLeaderEpoch ?? -1;
        if (current >= 0 && current !== partition.leaderEpoch) {
          return fail(
            current < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
          );
        }
        const end = partition.log.leaderEpochs.endOffsetFor(p.leaderEpoch, partition.log.logEndOffset);
        return {
          errorCode: ErrorCode.NONE,
          partition: p.partition,
          leaderEpoch: end.epoch,
          endOffset: BigInt(end.endOffset),
        };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
