/**
 * Binds the sans-I/O group coordinator (coordinator/group) to this broker:
 * replays `__consumer_offsets` at start, feeds it requests and timer ticks,
 * appends the records it emits — fsynced, to the partition that owns each
 * group — and only then releases the responses that depend on them, so a
 * commit acknowledged to a client survives any restart.
 *
 * The coordinator's steps are synchronous; appends to one partition keep
 * their order through the log's own queue, and a response is released only
 * after every record of its step (and of all earlier steps) is durable.
 */
import { randomUUID } from "node:crypto";
import { type CoordinatorInput, GroupCoordinator } from "../coordinator/group/group-coordinator.ts";
import type {
  CoordinatorOutput,
  CoordinatorRecord,
  GroupCoordinatorConfig,
  TopicInfo,
  TopicsView,
} from "../coordinator/group/types.ts";
import { batchesIn } from "../protocol/records/batch-iterator.ts";
import { decodeRecordBatch, encodeRecordBatch } from "../protocol/records/record-batch.ts";
import type { Broker } from "./broker.ts";
import {
  CONSUMER_OFFSETS_TOPIC,
  ensureInternalTopic,
  isInternalTopic,
  partitionFor,
} from "./internal-topics.ts";
import type { TopicRecord } from "./metadata/topic-store.ts";
import { partitionKey } from "./replica-manager.ts";

export interface GroupRuntimeSettings {
  coordinator: Partial<GroupCoordinatorConfig>;
  offsetsTopicPartitions: number;
  offsetsTopicSegmentBytes: number;
}

/** Kafka's defaults: 50 partitions of 100 MiB segments. */
export const DEFAULT_GROUP_RUNTIME_SETTINGS: GroupRuntimeSettings = {
  coordinator: {},
  offsetsTopicPartitions: 50,
  offsetsTopicSegmentBytes: 100 * 1024 * 1024,
};

type Body = object;
type Distributive<T> = T extends unknown ? Omit<T, "requestId"> : never;
export type GroupRequest = Distributive<CoordinatorInput>;

const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** The broker's topics as the coordinator reads them; internal topics are never matched by a regex. */
function brokerTopicsView(broker: Broker): TopicsView {
  const info = (t: TopicRecord | undefined): TopicInfo | undefined =>
    t === undefined ? undefined : { name: t.name, topicId: t.topicId, partitions: t.partitions };
  return {
    byName: (name) => info(broker.topics.get(name)),
    byId: (topicId) => info(broker.topics.getById(topicId)),
    names: () => broker.topics.all().flatMap((t) => (isInternalTopic(t.name) ? [] : [t.name])),
  };
}

/** The group id inside a `__consumer_offsets` key: an int16 record type, then a struct starting with it. */
export function groupOfKey(key: Buffer): string {
  const length = key.readInt16BE(2);
  return key.toString("utf8", 4, 4 + length);
}

export class GroupRuntime {
  private coordinator: GroupCoordinator;
  /** Set while the coordinator is rebuilt from the log after a failed append; requests wait for it. */
  private rebuilding: Promise<void> | null = null;
  private nextRequestId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (body: Body) => void; reject: (error: Error) => void }
  >();
  private timer: NodeJS.Timeout | null = null;
  private lastAppend: Promise<void> = Promise.resolve();
  private started = false;

  constructor(
    private readonly broker: Broker,
    private readonly settings: GroupRuntimeSettings,
  ) {
    this.coordinator = this.newCoordinator();
  }

  private newCoordinator(): GroupCoordinator {
    return new GroupCoordinator({
      ids: { nextId: () => randomUUID() },
      config: this.settings.coordinator,
      topics: brokerTopicsView(this.broker),
    });
  }

  /** Replays `__consumer_offsets` if it exists; groups become usable once this resolves. */
  async start(): Promise<void> {
    await this.replayAll();
    this.started = true;
    this.apply(this.coordinator.loadComplete(Date.now()));
  }

  private async replayAll(): Promise<void> {
    const topic = this.broker.topics.get(CONSUMER_OFFSETS_TOPIC);
    if (topic === undefined) return;
    for (let index = 0; index < topic.partitions; index++) await this.replayPartition(index);
  }

  /**
   * After a failed append the coordinator's memory is ahead of the log: throw it away and replay the
   * log, so what it knows is exactly what is durable (Kafka reverts to its last committed snapshot).
   * Requests still waiting were answered by the discarded state and fail (their connections close,
   * and clients retry against the rebuilt state).
   */
  private rebuild(): void {
    if (this.rebuilding !== null) return;
    this.rebuilding = (async () => {
      await this.lastAppend;
      for (const [requestId, w] of this.waiting) {
        w.reject(new Error("group state was rolled back after a failed write"));
        this.waiting.delete(requestId);
      }
      this.coordinator = this.newCoordinator();
      await this.replayAll();
      this.broker.logger.warn("group coordinator state rebuilt from __consumer_offsets after a failed write");
      this.apply(this.coordinator.loadComplete(Date.now()));
    })()
      .catch((error: unknown) => this.broker.logger.error({ err: error }, "rebuilding group state failed"))
      .finally(() => {
        this.rebuilding = null;
      });
  }

  private async replayPartition(index: number): Promise<void> {
    const log = this.broker.replicas.get(CONSUMER_OFFSETS_TOPIC, index)?.log;
    if (log === undefined) return;
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const bytes = await log.read(offset, { maxBytes: READ_CHUNK_BYTES, minOneBatch: true });
      if (bytes.length === 0) break;
      for (const span of batchesIn(bytes)) {
        const batch = decodeRecordBatch(bytes.subarray(span.position, span.position + span.sizeBytes));
        for (const record of batch.records) {
          if (Number(record.offset) >= offset && record.key !== null) {
            this.coordinator.replay({ key: record.key, value: record.value });
          }
        }
        offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
      }
    }
  }

  /** Where clients find this group's coordinator: creates `__consumer_offsets` on first use. */
  async ensureOffsetsTopic(): Promise<void> {
    const topic = await ensureInternalTopic(this.broker, CONSUMER_OFFSETS_TOPIC, {
      partitions: this.settings.offsetsTopicPartitions,
      segmentBytes: this.settings.offsetsTopicSegmentBytes,
    });
    // Another request may have created the topic a moment ago and still be opening its partitions.
    await this.broker.replicas.ensurePartitions(topic);
  }

  /** Runs one request through the coordinator; resolves with its response once durable. */
  async submit(request: GroupRequest): Promise<Body> {
    await this.ensureOffsetsTopic();
    while (this.rebuilding !== null) await this.rebuilding;
    const requestId = this.nextRequestId++;
    const answered = new Promise<Body>((resolve, reject) => this.waiting.set(requestId, { resolve, reject }));
    this.apply(this.coordinator.handle({ ...request, requestId } as CoordinatorInput, Date.now()));
    return answered;
  }

  /** Persists a step's records, then releases its responses, and re-arms the timer. */
  private apply(output: CoordinatorOutput): void {
    const persisted = this.persist(output.records);
    this.lastAppend = persisted.catch(() => undefined);
    void persisted.then(
      () => {
        for (const response of output.responses) {
          this.waiting.get(response.requestId)?.resolve(response.body);
          this.waiting.delete(response.requestId);
        }
      },
      (error: unknown) => {
        // Nothing the client was told may rest on state that is not durable: fail these requests
        // (their connections close) rather than answer them.
        this.broker.logger.error({ err: error }, "persisting group state failed");
        for (const response of output.responses) {
          this.waiting.get(response.requestId)?.reject(new Error("group state could not be persisted"));
          this.waiting.delete(response.requestId);
        }
        this.rebuild();
      },
    );
    this.schedule(output.wakeAtMs);
  }

  private persist(records: readonly CoordinatorRecord[]): Promise<void> {
    const previous = this.lastAppend;
    if (records.length === 0) return previous;
    const byPartition = new Map<number, CoordinatorRecord[]>();
    for (const record of records) {
      const index = partitionFor(groupOfKey(record.key), this.offsetsPartitions());
      byPartition.set(index, [...(byPartition.get(index) ?? []), record]);
    }
    const appends = [...byPartition].map(([index, list]) => this.appendTo(index, list));
    return Promise.all([previous, ...appends]).then(() => undefined);
  }

  /**
   * Groups map onto the partitions the offsets topic has, which is what `offsets.topic.num.partitions`
   * said when it was created — or what a client said when it created the topic itself.
   */
  private offsetsPartitions(): number {
    return this.broker.topics.get(CONSUMER_OFFSETS_TOPIC)?.partitions ?? this.settings.offsetsTopicPartitions;
  }

  private async appendTo(index: number, records: readonly CoordinatorRecord[]): Promise<void> {
    const partition = this.broker.replicas.get(CONSUMER_OFFSETS_TOPIC, index);
    if (partition === undefined) throw new Error(`${CONSUMER_OFFSETS_TOPIC}-${index} is not open`);
    const nowMs = BigInt(Date.now());
    const batch = encodeRecordBatch({
      records: records.map((r) => ({ key: r.key, value: r.value, timestamp: nowMs })),
    });
    await partition.log.append(batch, { leaderEpoch: partition.leaderEpoch, durability: "acks-all" });
    this.broker.replicas.purgatory.notify(partitionKey(CONSUMER_OFFSETS_TOPIC, index));
  }

  private schedule(wakeAtMs: number | null): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (wakeAtMs === null || !this.started) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.apply(this.coordinator.tick(Date.now()));
      },
      Math.max(0, wakeAtMs - Date.now()),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.started = false;
  }
}
