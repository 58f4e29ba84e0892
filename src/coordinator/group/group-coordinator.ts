/**
 * The classic group coordinator for every group this broker coordinates: a
 * sans-I/O state machine. Inputs are decoded requests (with the caller's
 * request id and `nowMs`), timer ticks and replayed `__consumer_offsets`
 * records; each input returns the records to append, the responses to send
 * once those records are durable, and when to tick next. No clock, timer or
 * randomness is used here: time arrives as arguments, ids from `IdSource`.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../../protocol/errors.ts";
import type { ConsumerGroupDescribeRequest } from "../../protocol/messages/consumer-group-describe-request.ts";
import type { ConsumerGroupHeartbeatRequest } from "../../protocol/messages/consumer-group-heartbeat-request.ts";
import type { DeleteGroupsRequest } from "../../protocol/messages/delete-groups-request.ts";
import type { DeletableGroupResult } from "../../protocol/messages/delete-groups-response.ts";
import type { DescribeGroupsRequest } from "../../protocol/messages/describe-groups-request.ts";
import type { HeartbeatRequest } from "../../protocol/messages/heartbeat-request.ts";
import type { JoinGroupRequest } from "../../protocol/messages/join-group-request.ts";
import type { LeaveGroupRequest } from "../../protocol/messages/leave-group-request.ts";
import type { ListGroupsRequest } from "../../protocol/messages/list-groups-request.ts";
import type { OffsetCommitRequest } from "../../protocol/messages/offset-commit-request.ts";
import type { OffsetDeleteRequest } from "../../protocol/messages/offset-delete-request.ts";
import type { OffsetFetchRequest } from "../../protocol/messages/offset-fetch-request.ts";
import type { SyncGroupRequest } from "../../protocol/messages/sync-group-request.ts";
import { deleteGroup, deleteGroups, describeGroup, listGroups } from "./admin-requests.ts";
import { ClassicGroup } from "./classic-group.ts";
import { ConsumerGroups } from "./consumer/consumer-groups.ts";
import { handleJoin, sessionTimeoutError } from "./join.ts";
import { handleHeartbeat, handleLeave, handleSync } from "./member-requests.ts";
import { handleOffsetCommit, handleOffsetDelete, handleOffsetFetch } from "./offset-requests.ts";
import { OffsetStore } from "./offsets.ts";
import { fireGroupTimers, joinError } from "./rebalance.ts";
import { decodeRecord, groupMetadataRecord, groupTombstone } from "./records.ts";
import {
  type CoordinatorOutput,
  type CoordinatorRecord,
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  type Effects,
  type GroupCoordinatorConfig,
  type GroupState,
  type IdSource,
  NO_TOPICS,
  type RequestId,
  type StepContext,
  type TopicsView,
  UNKNOWN_MEMBER_ID,
} from "./types.ts";

interface Envelope {
  requestId: RequestId;
  apiVersion: number;
}

export type CoordinatorInput =
  | (Envelope & { kind: "joinGroup"; clientId: string; clientHost: string; body: JoinGroupRequest })
  | (Envelope & { kind: "syncGroup"; body: SyncGroupRequest })
  | (Envelope & { kind: "heartbeat"; body: HeartbeatRequest })
  | (Envelope & { kind: "leaveGroup"; body: LeaveGroupRequest })
  | (Envelope & { kind: "offsetCommit"; body: OffsetCommitRequest })
  | (Envelope & { kind: "offsetFetch"; body: OffsetFetchRequest })
  | (Envelope & { kind: "offsetDelete"; body: OffsetDeleteRequest })
  | (Envelope & { kind: "describeGroups"; body: DescribeGroupsRequest })
  | (Envelope & { kind: "listGroups"; body: ListGroupsRequest })
  | (Envelope & { kind: "deleteGroups"; body: DeleteGroupsRequest })
  | (Envelope & {
      kind: "consumerGroupHeartbeat";
      clientId: string;
      clientHost: string;
      body: ConsumerGroupHeartbeatRequest;
    })
  | (Envelope & { kind: "consumerGroupDescribe"; body: ConsumerGroupDescribeRequest });

export interface GroupCoordinatorOptions {
  ids: IdSource;
  config?: Partial<GroupCoordinatorConfig>;
  /** The broker's topics, for consumer-protocol subscriptions; none when omitted. */
  topics?: TopicsView;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly offsets = new OffsetStore();
  private readonly config: Readonly<GroupCoordinatorConfig>;
  private readonly ids: IdSource;
  private readonly topics: TopicsView;
  private readonly consumerGroups = new ConsumerGroups({
    status: (groupId) => {
      const group = this.groups.get(groupId);
      if (group === undefined) return "none";
      return group.is("Empty") && group.size === 0 ? "empty" : "live";
    },
    dropEmpty: (ctx, groupId) => {
      this.groups.delete(groupId);
      ctx.fx.records.push(groupTombstone(groupId));
    },
  });
  private nextExpiryCheckMs: number | null = null;
  private lastNowMs = 0;

  constructor(options: GroupCoordinatorOptions) {
    this.config = Object.freeze({ ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config });
    this.ids = options.ids;
    this.topics = options.topics ?? NO_TOPICS;
    assert(this.config.minSessionTimeoutMs <= this.config.maxSessionTimeoutMs, "session timeout bounds");
    assert(this.config.groupMaxSize >= 1, "group.max.size must be positive");
  }

  /** Handles one decoded request at `nowMs`. */
  handle(input: CoordinatorInput, nowMs: number): CoordinatorOutput {
    return this.step(nowMs, (ctx) => this.dispatch(ctx, input));
  }

  /** Fires every timer due at `nowMs`: session and rebalance timeouts, the initial delay, offset expiry. */
  tick(nowMs: number): CoordinatorOutput {
    return this.step(nowMs, (ctx) => {
      for (const group of [...this.groups.values()]) fireGroupTimers(ctx, group);
      this.consumerGroups.tick(ctx);
      if (this.nextExpiryCheckMs !== null && this.nextExpiryCheckMs <= nowMs) {
        this.expireOffsets(ctx);
        this.nextExpiryCheckMs = nowMs + this.config.offsetsRetentionCheckIntervalMs;
      }
    });
  }

  /** Applies one record read back from `__consumer_offsets` while loading; later records win. */
  replay(record: CoordinatorRecord): void {
    const decoded = decodeRecord(record);
    if (decoded === null) {
      this.consumerGroups.replay(record);
      return;
    }
    if (decoded.type === "offsetCommit") {
      if (decoded.value === null) this.offsets.remove(decoded.group, decoded.topic, decoded.partition);
      else {
        if (!this.groups.has(decoded.group) && this.consumerGroups.get(decoded.group) === undefined)
          this.groups.set(decoded.group, new ClassicGroup(decoded.group, 0));
        this.offsets.put(decoded.group, decoded.topic, decoded.partition, decoded.value);
      }
      return;
    }
    if (decoded.value === null) this.groups.delete(decoded.group);
    else this.groups.set(decoded.group, ClassicGroup.fromMetadataValue(decoded.group, decoded.value, 0));
  }

  /** Ends loading: members get a full session to heartbeat from `nowMs`, and the expiry check starts. */
  loadComplete(nowMs: number): CoordinatorOutput {
    return this.step(nowMs, (ctx) => {
      for (const group of this.groups.values()) {
        for (const m of group.members.values()) m.heartbeatDeadlineMs = ctx.nowMs + m.sessionTimeoutMs;
      }
      this.consumerGroups.loadComplete(ctx);
    });
  }

  groupState(groupId: string): GroupState | null {
    return this.groups.get(groupId)?.state ?? null;
  }

  /** State of a consumer-protocol group ("Empty", "Assigning", "Reconciling", "Stable"), or null. */
  consumerGroupState(groupId: string): string | null {
    return this.consumerGroups.get(groupId)?.state ?? null;
  }

  groupGeneration(groupId: string): number | null {
    return this.groups.get(groupId)?.generationId ?? null;
  }

  private step(nowMs: number, body: (ctx: StepContext) => void): CoordinatorOutput {
    assert(Number.isFinite(nowMs), "nowMs must be finite");
    // Time never runs backwards for the coordinator, whatever the caller's clock does.
    const now = Math.max(nowMs, this.lastNowMs);
    this.lastNowMs = now;
    if (this.nextExpiryCheckMs === null)
      this.nextExpiryCheckMs = now + this.config.offsetsRetentionCheckIntervalMs;
    const fx: Effects = { records: [], responses: [] };
    body({ config: this.config, ids: this.ids, topics: this.topics, nowMs: now, fx });
    return { records: fx.records, responses: fx.responses, wakeAtMs: this.wakeAtMs() };
  }

  private wakeAtMs(): number | null {
    let next = Math.min(this.nextExpiryCheckMs ?? Infinity, this.consumerGroups.nextDeadlineMs());
    for (const group of this.groups.values()) next = Math.min(next, group.nextDeadlineMs() ?? Infinity);
    return next === Infinity ? null : next;
  }

  private readonly table = {
    get: (groupId: string) => this.groups.get(groupId),
    create: (groupId: string, nowMs: number) => {
      assert(!this.groups.has(groupId), `group ${groupId} exists`);
      const group = new ClassicGroup(groupId, nowMs);
      this.groups.set(groupId, group);
      return group;
    },
  };

  private dispatch(ctx: StepContext, input: CoordinatorInput): void {
    const { requestId, apiVersion } = input;
    const push = ctx.fx.responses;
    switch (input.kind) {
      case "joinGroup":
        this.join(ctx, input);
        return;
      case "syncGroup":
        handleSync(ctx, this.groups.get(input.body.groupId), requestId, apiVersion, input.body);
        return;
      case "heartbeat": {
        const group = this.groups.get(input.body.groupId);
        if (group !== undefined) {
          handleHeartbeat(ctx, group, requestId, input.body);
          return;
        }
        return void push.push({
          kind: "heartbeat",
          requestId,
          body: { errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
        });
      }
      case "leaveGroup":
        handleLeave(ctx, this.groups.get(input.body.groupId), requestId, apiVersion, input.body);
        return;
      case "offsetCommit": {
        const body = handleOffsetCommit(
          ctx,
          this.table,
          this.consumerGroups,
          this.offsets,
          apiVersion,
          input.body,
        );
        return void push.push({ kind: "offsetCommit", requestId, body });
      }
      case "offsetFetch":
        return void push.push({
          kind: "offsetFetch",
          requestId,
          body: handleOffsetFetch(this.table, this.consumerGroups, this.offsets, apiVersion, input.body),
        });
      case "offsetDelete":
        return void push.push({
          kind: "offsetDelete",
          requestId,
          body: handleOffsetDelete(ctx, this.table, this.consumerGroups, this.offsets, input.body),
        });
      case "describeGroups": {
        const groups = input.body.groups.map((id) =>
          describeGroup(this.groups.get(id), id, apiVersion, this.consumerGroups.get(id) !== undefined),
        );
        return void push.push({ kind: "describeGroups", requestId, body: { groups } });
      }
      case "listGroups": {
        const groups = listGroups(this.groups.values(), input.body);
        const types = new Set((input.body.typesFilter ?? []).map((t) => t.toLowerCase()));
        if (types.size === 0 || types.has("consumer")) {
          const states = new Set((input.body.statesFilter ?? []).map((t) => t.toLowerCase()));
          groups.push(...this.consumerGroups.listed(states));
        }
        return void push.push({ kind: "listGroups", requestId, body: { errorCode: ErrorCode.NONE, groups } });
      }
      case "consumerGroupHeartbeat": {
        if (!this.config.consumerProtocolEnabled) {
          const body = {
            throttleTimeMs: 0,
            errorCode: ErrorCode.UNSUPPORTED_VERSION,
            errorMessage: "The consumer group protocol is not enabled on this broker.",
            memberEpoch: 0,
            heartbeatIntervalMs: 0,
          };
          return void push.push({ kind: "consumerGroupHeartbeat", requestId, body });
        }
        return void this.consumerGroups.heartbeat(ctx, input);
      }
      case "consumerGroupDescribe":
        return void push.push({
          kind: "consumerGroupDescribe",
          requestId,
          body: this.consumerGroups.describe(ctx, input.body),
        });
      case "deleteGroups": {
        const results = input.body.groupsNames.map((groupId) => this.deleteGroup(ctx, groupId));
        return void push.push({ kind: "deleteGroups", requestId, body: { throttleTimeMs: 0, results } });
      }
    }
  }

  private deleteGroup(ctx: StepContext, groupId: string): DeletableGroupResult {
    const consumer = this.consumerGroups.get(groupId);
    if (consumer === undefined) {
      const [result] = deleteGroups(ctx, this.groups, this.offsets, { groupsNames: [groupId] });
      assert(result !== undefined);
      return result;
    }
    if (consumer.members.size > 0) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
    this.offsets.removeGroup(groupId, ctx);
    this.consumerGroups.delete(ctx, consumer);
    return { groupId, errorCode: ErrorCode.NONE };
  }

  private join(ctx: StepContext, input: CoordinatorInput & { kind: "joinGroup" }): void {
    const { groupId, memberId } = input.body;
    const fail = (errorCode: number) => {
      ctx.fx.responses.push({
        kind: "joinGroup",
        requestId: input.requestId,
        body: joinError(memberId, errorCode),
      });
    };
    if (groupId.length === 0) {
      fail(ErrorCode.INVALID_GROUP_ID);
      return;
    }
    // Checked before any group is looked up or created, as Kafka does: such a join leaves nothing behind.
    const sessionError = sessionTimeoutError(ctx, input.body);
    if (sessionError !== ErrorCode.NONE) {
      fail(sessionError);
      return;
    }
    // An empty consumer-protocol group yields its id to a classic member; a live one does not.
    if (this.consumerGroups.get(groupId) !== undefined && !this.consumerGroups.dropEmpty(ctx, groupId)) {
      fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      return;
    }
    let group = this.groups.get(groupId);
    const created = group === undefined;
    if (group === undefined) {
      if (memberId !== UNKNOWN_MEMBER_ID) {
        fail(ErrorCode.UNKNOWN_MEMBER_ID);
        return;
      }
      group = this.table.create(groupId, ctx.nowMs);
    }
    const recordsBefore = ctx.fx.records.length;
    handleJoin(ctx, group, input);
    // As in Kafka, the group a join creates stays, even when that join is refused (say, for its
    // protocols: an Empty group without a protocol type), and is persisted as an empty group when
    // the join wrote nothing itself.
    if (created && ctx.fx.records.length === recordsBefore) {
      ctx.fx.records.push(groupMetadataRecord(groupId, group.emptyMetadataValue()));
    }
  }

  private expireOffsets(ctx: StepContext): void {
    for (const group of [...this.groups.values()]) {
      const noneLeft = this.offsets.expire(ctx, group);
      if (noneLeft && group.is("Empty")) deleteGroup(ctx, this.groups, this.offsets, group);
    }
    for (const group of [...this.consumerGroups.values()]) {
      const noneLeft = this.offsets.expireByCommit(ctx, group.groupId, (t) => group.isSubscribedToTopic(t));
      if (noneLeft && group.members.size === 0) this.consumerGroups.delete(ctx, group);
    }
  }
}
