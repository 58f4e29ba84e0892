/**
 * Committed offsets of every group, and the rules for committing, fetching,
 * deleting and expiring them. Validation against group membership happens
 * in the caller; this module owns the offsets map and the records it emits.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../../protocol/errors.ts";
import type { OffsetCommitRequest } from "../../protocol/messages/offset-commit-request.ts";
import type { OffsetCommitResponseTopic } from "../../protocol/messages/offset-commit-response.ts";
import type { OffsetDeleteRequestTopic } from "../../protocol/messages/offset-delete-request.ts";
import type { OffsetDeleteResponseTopic } from "../../protocol/messages/offset-delete-response.ts";
import type { ClassicGroup } from "./classic-group.ts";
import { type CommittedOffset, offsetCommitRecord, offsetTombstone } from "./records.ts";
import type { StepContext } from "./types.ts";

/** topic → partition → committed offset. */
export type GroupOffsets = Map<string, Map<number, CommittedOffset>>;

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchedTopic {
  name: string;
  partitions: FetchedPartition[];
}

const NO_RETENTION_OVERRIDE = -1n;

export class OffsetStore {
  private readonly byGroup = new Map<string, GroupOffsets>();

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  has(groupId: string): boolean {
    return (this.byGroup.get(groupId)?.size ?? 0) > 0;
  }

  put(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.byGroup.get(groupId);
    if (topics === undefined) {
      topics = new Map();
      this.byGroup.set(groupId, topics);
    }
    let partitions = topics.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      topics.set(topic, partitions);
    }
    partitions.set(partition, value);
  }

  remove(groupId: string, topic: string, partition: number): boolean {
    const topics = this.byGroup.get(groupId);
    const partitions = topics?.get(topic);
    if (topics === undefined || partitions === undefined || !partitions.delete(partition)) return false;
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(groupId);
    return true;
  }

  /** Tombstones for every offset of the group, which is forgotten. */
  removeGroup(groupId: string, ctx: StepContext): void {
    const topics = this.byGroup.get(groupId);
    if (topics === undefined) return;
    for (const [topic, partitions] of topics) {
      for (const partition of partitions.keys())
        ctx.fx.records.push(offsetTombstone(groupId, topic, partition));
    }
    this.byGroup.delete(groupId);
  }

  /** Applies a validated commit: one record per accepted partition; `requestError` fails them all. */
  commit(ctx: StepContext, body: OffsetCommitRequest, requestError: number): OffsetCommitResponseTopic[] {
    const retention = body.retentionTimeMs ?? NO_RETENTION_OVERRIDE;
    const expireTimestampMs = retention === NO_RETENTION_OVERRIDE ? null : ctx.nowMs + Number(retention);
    return body.topics.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => {
        if (requestError !== ErrorCode.NONE)
          return { partitionIndex: p.partitionIndex, errorCode: requestError };
        const metadata = p.committedMetadata ?? "";
        if (Buffer.byteLength(metadata) > ctx.config.offsetMetadataMaxBytes) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
        }
        const name = t.name ?? "";
        const value: CommittedOffset = {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata,
          commitTimestampMs: ctx.nowMs,
          expireTimestampMs,
        };
        this.put(body.groupId, name, p.partitionIndex, value);
        ctx.fx.records.push(offsetCommitRecord(body.groupId, name, p.partitionIndex, value));
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
  }

  /** Offsets of the listed partitions, or of all when `topics` is null; -1 where none is committed. */
  fetch(
    groupId: string,
    topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null,
  ): FetchedTopic[] {
    const stored = this.byGroup.get(groupId);
    if (topics === null) {
      if (stored === undefined) return [];
      return [...stored].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([index, v]) => fetched(index, v)),
      }));
    }
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((index) => fetched(index, stored?.get(t.name)?.get(index))),
    }));
  }

  /** OffsetDelete after group-level checks: refused for topics the group still consumes. */
  delete(
    ctx: StepContext,
    group: { isSubscribedToTopic(topic: string): boolean } | undefined,
    groupId: string,
    topics: readonly OffsetDeleteRequestTopic[],
  ): OffsetDeleteResponseTopic[] {
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (group?.isSubscribedToTopic(t.name)) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        }
        if (this.remove(groupId, t.name, p.partitionIndex)) {
          ctx.fx.records.push(offsetTombstone(groupId, t.name, p.partitionIndex));
        }
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
  }

  /**
   * Expires offsets per Kafka's classic rules: an empty group's offsets age from
   * the moment it emptied; a simple group's (no protocol type) and the
   * unsubscribed topics of a stable consumer group age from their commit; an
   * explicit expire timestamp (OffsetCommit v2–v4) wins. Returns whether the
   * group has no offsets left.
   */
  expire(ctx: StepContext, group: ClassicGroup): boolean {
    return this.expireWith(ctx, group.groupId, expirationBase(group), group.stateTimestampMs, (topic) =>
      group.isSubscribedToTopic(topic),
    );
  }

  /** A consumer-protocol group's offsets age from their commit unless the group still subscribes to the topic. */
  expireByCommit(ctx: StepContext, groupId: string, isSubscribed: (topic: string) => boolean): boolean {
    return this.expireWith(ctx, groupId, "commit", 0, isSubscribed);
  }

  private expireWith(
    ctx: StepContext,
    groupId: string,
    base: "state" | "commit" | null,
    stateTimestampMs: number,
    isSubscribed: (topic: string) => boolean,
  ): boolean {
    const topics = this.byGroup.get(groupId);
    if (topics === undefined) return true;
    if (base === null) return false;
    for (const [topic, partitions] of [...topics]) {
      if (base === "commit" && isSubscribed(topic)) continue;
      for (const [partition, v] of [...partitions]) {
        const fromMs = base === "commit" ? v.commitTimestampMs : stateTimestampMs;
        const expired =
          v.expireTimestampMs !== null
            ? ctx.nowMs >= v.expireTimestampMs
            : ctx.nowMs - fromMs >= ctx.config.offsetsRetentionMs;
        if (!expired) continue;
        assert(this.remove(groupId, topic, partition));
        ctx.fx.records.push(offsetTombstone(groupId, topic, partition));
      }
    }
    return !this.has(groupId);
  }
}

function expirationBase(group: ClassicGroup): "state" | "commit" | null {
  if (group.protocolType === null) return "commit";
  if (group.is("Empty")) return "state";
  if (group.usesConsumerProtocol() && group.subscribedTopics !== null && group.is("Stable")) return "commit";
  return null;
}

function fetched(partitionIndex: number, v: CommittedOffset | undefined): FetchedPartition {
  return {
    partitionIndex,
    committedOffset: v?.offset ?? -1n,
    committedLeaderEpoch: v?.leaderEpoch ?? -1,
    metadata: v?.metadata ?? "",
    errorCode: ErrorCode.NONE,
  };
}
