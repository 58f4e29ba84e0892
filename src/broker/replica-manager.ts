/**
 * The partitions this broker leads and their logs. On a single node every
 * partition's only replica is here, so it is the leader, the ISR is itself,
 * and the high watermark is the log end.
 */
import type { Log } from "../storage/log.ts";
import type { LogManager } from "../storage/log-manager.ts";
import type { TopicRecord } from "./metadata/topic-store.ts";
import type { FetchPurgatory } from "./purgatory.ts";

export const LEADER_EPOCH = 0;

export interface Partition {
  readonly topic: string;
  readonly index: number;
  readonly topicId: string;
  readonly log: Log;
  readonly leaderEpoch: number;
}

export function partitionKey(topic: string, index: number): string {
  return `${topic}-${index}`;
}

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();

  constructor(
    private readonly logs: LogManager,
    readonly purgatory: FetchPurgatory,
  ) {}

  get(topic: string, index: number): Partition | undefined {
    return this.partitions.get(partitionKey(topic, index));
  }

  all(): Partition[] {
    return [...this.partitions.values()];
  }

  /** Opens (creating where needed) the log of every partition of `topic`. */
  async ensurePartitions(topic: TopicRecord): Promise<void> {
    for (let index = 0; index < topic.partitions; index++) {
      const key = partitionKey(topic.name, index);
      if (this.partitions.has(key)) continue;
      const log = await this.logs.getOrCreateLog(topic.name, index, topic.topicId);
      this.partitions.set(key, {
        topic: topic.name,
        index,
        topicId: topic.topicId,
        log,
        leaderEpoch: LEADER_EPOCH,
      });
    }
  }

  async deletePartitions(topic: TopicRecord): Promise<void> {
    for (let index = 0; index < topic.partitions; index++) {
      this.partitions.delete(partitionKey(topic.name, index));
      await this.logs.deleteLog(topic.name, index);
      this.purgatory.notify(partitionKey(topic.name, index));
    }
  }

  highWatermark(partition: Partition): number {
    return partition.log.logEndOffset;
  }
}
