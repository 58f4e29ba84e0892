/**
 * DeleteRecords (key 21), v0–v2: moves each partition's log start offset
 * forward (offset -1 means the high watermark); segments wholly below it go.
 * Answers the new low watermark. An offset past the high watermark is
 * OFFSET_OUT_OF_RANGE, as in Kafka.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { DeleteRecordsRequest } from "../../protocol/messages/delete-records-request.ts";
import type {
  DeleteRecordsPartitionResult,
  DeleteRecordsResponse,
} from "../../protocol/messages/delete-records-response.ts";
import { StorageError } from "../../storage/storage-error.ts";
import type { Handler } from "../handler.ts";

const HIGH_WATERMARK = -1n;

export const deleteRecordsHandler: Handler<DeleteRecordsRequest> = {
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(context, request): Promise<DeleteRecordsResponse> {
    const { broker } = context;
    const topics = [];
    for (const topic of request.topics) {
      const partitions: DeleteRecordsPartitionResult[] = [];
      for (const p of topic.partitions) {
        const partition = broker.replicas.get(topic.name, p.partitionIndex);
        const fail = (errorCode: number): DeleteRecordsPartitionResult => ({
          partitionIndex: p.partitionIndex,
          lowWatermark: -1n,
          errorCode,
        });
        if (partition === undefined) {
          partitions.push(fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        const highWatermark = broker.replicas.highWatermark(partition);
        const target = p.offset === HIGH_WATERMARK ? highWatermark : Number(p.offset);
        if (target < 0 || target > highWatermark) {
          partitions.push(fail(ErrorCode.OFFSET_OUT_OF_RANGE));
          continue;
        }
        try {
          const lowWatermark = await broker.logManager.whileCleaningPaused(topic.name, p.partitionIndex, () =>
            partition.log.advanceLogStartOffset(target),
          );
          partitions.push({
            partitionIndex: p.partitionIndex,
            lowWatermark: BigInt(lowWatermark),
            errorCode: ErrorCode.NONE,
          });
        } catch (error) {
          if (!(error instanceof StorageError)) throw error;
          partitions.push(fail(error.errorCode));
        }
      }
      topics.push({ name: topic.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};
