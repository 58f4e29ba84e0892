/**
 * Every consumer-protocol (KIP-848) group of the coordinator: routing of
 * heartbeats and describes, timers, replay and load. Group ids are shared
 * with classic groups; `ClassicGroups` lets an empty classic group be
 * converted when a consumer-protocol member arrives.
 */
import { ErrorCode } from "../../../protocol/errors.ts";
import type { ConsumerGroupDescribeRequest } from "../../../protocol/messages/consumer-group-describe-request.ts";
import type { ConsumerGroupDescribeResponse } from "../../../protocol/messages/consumer-group-describe-response.ts";
import type { ListedGroup } from "../../../protocol/messages/list-groups-response.ts";
import type { CoordinatorRecord, StepContext } from "../types.ts";
import { ConsumerGroup, MemberState } from "./consumer-group.ts";
import { describeConsumerGroup, describeMissing } from "./describe.ts";
import { type HeartbeatInput, handleConsumerHeartbeat } from "./heartbeat.ts";
import { bumpGroupEpoch, deleteConsumerGroupRecords, fireConsumerTimers } from "./membership.ts";
import { decodeConsumerGroupRecord } from "./records.ts";
import { replayConsumerRecord } from "./replay.ts";
import { metadataHashOf, subscribedTopicsOf } from "./target.ts";

export interface ClassicGroups {
  /** Whether a classic group holds the id, and whether it has members. */
  status(groupId: string): "none" | "empty" | "live";
  /** Deletes an empty classic group's metadata, keeping its offsets. */
  dropEmpty(ctx: StepContext, groupId: string): void;
}

const CONSUMER_GROUP_TYPE = "consumer";
const CONSUMER_PROTOCOL_TYPE = "consumer";

export class ConsumerGroups {
  private readonly groups = new Map<string, ConsumerGroup>();

  constructor(private readonly classic: ClassicGroups) {}

  get(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  values(): IterableIterator<ConsumerGroup> {
    return this.groups.values();
  }

  heartbeat(ctx: StepContext, input: HeartbeatInput): void {
    handleConsumerHeartbeat(
      ctx,
      {
        get: (groupId) => this.groups.get(groupId),
        isOtherType: (groupId) => this.classic.status(groupId) !== "none",
        create: (stepCtx, groupId) => {
          const status = this.classic.status(groupId);
          if (status === "live") {
            return {
              errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
              errorMessage: `Cannot upgrade classic group ${groupId} to consumer group because online upgrade is not supported; it can be converted once its classic members have left.`,
            };
          }
          if (status === "empty") this.classic.dropEmpty(stepCtx, groupId);
          const group = new ConsumerGroup(groupId);
          this.groups.set(groupId, group);
          return group;
        },
      },
      input,
    );
  }

  describe(ctx: StepContext, body: ConsumerGroupDescribeRequest): ConsumerGroupDescribeResponse {
    return {
      throttleTimeMs: 0,
      groups: body.groupIds.map((groupId) => {
        const group = this.groups.get(groupId);
        if (group === undefined) return describeMissing(groupId, this.classic.status(groupId) !== "none");
        return describeConsumerGroup(group, ctx.topics, ctx.config.consumerAssignors);
      }),
    };
  }

  listed(statesFilter: ReadonlySet<string>): ListedGroup[] {
    return [...this.groups.values()]
      .filter((g) => statesFilter.size === 0 || statesFilter.has(g.state.toLowerCase()))
      .map((g) => ({
        groupId: g.groupId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        groupState: g.state,
        groupType: CONSUMER_GROUP_TYPE,
      }));
  }

  /** Deletes the group's records and forgets it; the caller checked that it is empty and removes its offsets. */
  delete(ctx: StepContext, group: ConsumerGroup): void {
    deleteConsumerGroupRecords(ctx, group);
    this.groups.delete(group.groupId);
  }

  /** Deletes an empty group so a classic member can take its id. */
  dropEmpty(ctx: StepContext, groupId: string): boolean {
    const group = this.groups.get(groupId);
    if (group === undefined || group.members.size > 0) return false;
    this.delete(ctx, group);
    return true;
  }

  tick(ctx: StepContext): void {
    for (const group of this.groups.values()) fireConsumerTimers(ctx, group);
  }

  /** Applies a replayed record when it belongs to a consumer group; false when it does not. */
  replay(record: CoordinatorRecord): boolean {
    const decoded = decodeConsumerGroupRecord(record);
    if (decoded === null) return false;
    replayConsumerRecord(this.groups, decoded);
    return true;
  }

  /** Restored members get a full session; topics are re-read, and a changed topic set starts a new epoch. */
  loadComplete(ctx: StepContext): void {
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) {
        m.sessionDeadlineMs = ctx.nowMs + ctx.config.consumerSessionTimeoutMs;
        if (m.state === MemberState.UNREVOKED_PARTITIONS)
          m.revocationDeadlineMs = ctx.nowMs + m.rebalanceTimeoutMs;
      }
      group.subscribedTopics = subscribedTopicsOf(group, ctx.topics);
      const hash = metadataHashOf(group.subscribedTopics);
      if (hash !== group.metadataHash && group.members.size > 0) {
        group.metadataHash = hash;
        bumpGroupEpoch(ctx, group);
      }
    }
  }

  nextDeadlineMs(): number {
    let next = Infinity;
    for (const group of this.groups.values()) next = Math.min(next, group.nextDeadlineMs() ?? Infinity);
    return next;
  }
}
