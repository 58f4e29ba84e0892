/**
 * ConsumerGroupHeartbeat (KIP-848): joins, heartbeats, subscription changes
 * and leaves of consumer-protocol members. One heartbeat may bump the group
 * epoch (new member, changed subscription, changed topic metadata), compute
 * a new target assignment, and reconcile the sending member one step towards
 * its target; the answer carries the member's epoch and, when it changed or
 * the member (re)joined, its assignment.
 */
import { ErrorCode } from "../../../protocol/errors.ts";
import type { ConsumerGroupHeartbeatRequest } from "../../../protocol/messages/consumer-group-heartbeat-request.ts";
import type { ConsumerGroupHeartbeatResponse } from "../../../protocol/messages/consumer-group-heartbeat-response.ts";
import type { RequestId, StepContext } from "../types.ts";
import {
  type Assignment,
  assignmentOf,
  EMPTY_ASSIGNMENT,
  equal,
  minus,
  toTopicPartitions,
} from "./assignment.ts";
import {
  type ConsumerGroup,
  type ConsumerMember,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  newMember,
} from "./consumer-group.ts";
import { type RequestError, validateHeartbeat } from "./heartbeat-validation.ts";
import {
  bumpGroupEpoch,
  leaveStatic,
  persistMember,
  removeMember,
  updateMemberAssignment,
} from "./membership.ts";
import { reconcile } from "./reconcile.ts";
import { targetMemberRecord, targetMetadataRecord } from "./records.ts";
import {
  computeTarget,
  groupAssignor,
  memberTopicIds,
  metadataHashOf,
  sameTopics,
  subscribedTopicsOf,
} from "./target.ts";

/** Where heartbeats find, create and convert groups. */
export interface ConsumerGroupTable {
  get(groupId: string): ConsumerGroup | undefined;
  /**
   * Creates the consumer group, converting an empty classic group of that id
   * (keeping its offsets); returns an error when a classic group with members
   * holds the id.
   */
  create(ctx: StepContext, groupId: string): ConsumerGroup | RequestError;
  /** Whether a group of another protocol holds the id. */
  isOtherType(groupId: string): boolean;
}

export interface HeartbeatInput {
  requestId: RequestId;
  apiVersion: number;
  clientId: string;
  clientHost: string;
  body: ConsumerGroupHeartbeatRequest;
}

class HeartbeatError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

function errorResponse(errorCode: number, errorMessage: string | null): ConsumerGroupHeartbeatResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    memberId: null,
    memberEpoch: 0,
    heartbeatIntervalMs: 0,
    assignment: null,
  };
}

export function handleConsumerHeartbeat(
  ctx: StepContext,
  table: ConsumerGroupTable,
  input: HeartbeatInput,
): void {
  const respond = (body: ConsumerGroupHeartbeatResponse) =>
    ctx.fx.responses.push({ kind: "consumerGroupHeartbeat", requestId: input.requestId, body });
  const invalid = validateHeartbeat(input.body, input.apiVersion, ctx.config.consumerAssignors);
  if (invalid !== null) return void respond(errorResponse(invalid.errorCode, invalid.errorMessage));
  try {
    respond(heartbeat(ctx, table, input));
  } catch (error) {
    if (!(error instanceof HeartbeatError)) throw error;
    respond(errorResponse(error.errorCode, error.message));
  }
}

function heartbeat(
  ctx: StepContext,
  table: ConsumerGroupTable,
  input: HeartbeatInput,
): ConsumerGroupHeartbeatResponse {
  const { body } = input;
  const interval = ctx.config.consumerHeartbeatIntervalMs;
  if (body.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || body.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    return leave(ctx, table.get(body.groupId), body, interval);
  }
  let group = table.get(body.groupId);
  if (group === undefined) {
    if (body.memberEpoch !== 0) {
      const message = table.isOtherType(body.groupId)
        ? `Group ${body.groupId} is not a consumer group.`
        : `Consumer group ${body.groupId} not found.`;
      throw new HeartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, message);
    }
    const created = table.create(ctx, body.groupId);
    if (!("groupEpoch" in created)) throw new HeartbeatError(created.errorCode, created.errorMessage);
    group = created;
  }
  const owned = body.topicPartitions == null ? null : assignmentOf(body.topicPartitions);
  const { member, isNew, replacedStatic } = findOrCreateMember(ctx, group, input, owned);
  const before = { ...member };
  applySubscription(member, body, input);
  member.sessionDeadlineMs = ctx.nowMs + ctx.config.consumerSessionTimeoutMs;
  if (isNew) group.addMember(member);

  // Only what decides the assignment's input starts a new epoch; the assignor and rack are read at the next one.
  const subscriptionChanged =
    (isNew && !replacedStatic) ||
    before.subscribedTopicRegex !== member.subscribedTopicRegex ||
    before.subscribedTopicNames.join("\u0000") !== member.subscribedTopicNames.join("\u0000");
  const metadataChanged = refreshSubscribedTopics(ctx, group);
  const memberChanged =
    isNew ||
    subscriptionChanged ||
    before.serverAssignor !== member.serverAssignor ||
    before.rackId !== member.rackId ||
    before.rebalanceTimeoutMs !== member.rebalanceTimeoutMs ||
    before.instanceId !== member.instanceId ||
    before.clientId !== member.clientId ||
    before.clientHost !== member.clientHost;
  if (memberChanged) persistMember(ctx, group, member);
  if (subscriptionChanged || metadataChanged) bumpGroupEpoch(ctx, group);
  if (group.groupEpoch > group.assignmentEpoch) refreshTarget(ctx, group);

  const assignedBefore = member.assigned;
  const next = reconcile({
    group,
    member,
    subscribedTopicIds: memberTopicIds(member, group.subscribedTopics),
    owned,
  });
  updateMemberAssignment(ctx, group, member, next);
  // A full heartbeat (sent after errors and on joining) always gets the whole assignment back.
  const fullRequest =
    (body.rebalanceTimeoutMs ?? -1) !== -1 &&
    (body.subscribedTopicNames != null || body.subscribedTopicRegex != null) &&
    body.topicPartitions != null;
  const sendAssignment = body.memberEpoch === 0 || fullRequest || !equal(assignedBefore, member.assigned);
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    memberId: member.memberId,
    memberEpoch: member.memberEpoch,
    heartbeatIntervalMs: interval,
    assignment: sendAssignment ? { topicPartitions: toTopicPartitions(member.assigned) } : null,
  };
}

function findOrCreateMember(
  ctx: StepContext,
  group: ConsumerGroup,
  input: HeartbeatInput,
  owned: Assignment | null,
): { member: ConsumerMember; isNew: boolean; replacedStatic: boolean } {
  const { body } = input;
  const existing = group.members.get(body.memberId);
  if (body.memberEpoch === 0) {
    const instanceId = body.instanceId ?? null;
    const holderId = instanceId === null ? undefined : group.staticMembers.get(instanceId);
    if (holderId !== undefined && holderId !== body.memberId) {
      return { member: replaceStatic(ctx, group, holderId, input), isNew: true, replacedStatic: true };
    }
    if (existing !== undefined) return { member: existing, isNew: false, replacedStatic: false };
    if (group.members.size >= ctx.config.consumerMaxSize) {
      throw new HeartbeatError(
        ErrorCode.GROUP_MAX_SIZE_REACHED,
        `The consumer group has reached its maximum capacity of ${ctx.config.consumerMaxSize} members.`,
      );
    }
    const memberId = body.memberId.length > 0 ? body.memberId : ctx.ids.nextId();
    return {
      member: newMember(memberId, input.clientId, input.clientHost),
      isNew: true,
      replacedStatic: false,
    };
  }
  const instanceId = body.instanceId ?? null;
  if (instanceId !== null) {
    const holderId = group.staticMembers.get(instanceId);
    if (holderId === undefined)
      throw new HeartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
    if (holderId !== body.memberId) {
      throw new HeartbeatError(
        ErrorCode.FENCED_INSTANCE_ID,
        `Static member ${body.memberId} with instance id ${instanceId} was fenced by member ${holderId}.`,
      );
    }
  }
  if (existing === undefined) {
    throw new HeartbeatError(
      ErrorCode.UNKNOWN_MEMBER_ID,
      `Member ${body.memberId} is not a member of group ${group.groupId}.`,
    );
  }
  checkEpoch(existing, body.memberEpoch, owned);
  return { member: existing, isNew: false, replacedStatic: false };
}

/** A heartbeat may carry the epoch before the last bump when that answer was lost, as long as it owns no more. */
function checkEpoch(member: ConsumerMember, received: number, owned: Assignment | null): void {
  if (received === member.memberEpoch) return;
  const retriedPrevious =
    received < member.memberEpoch &&
    received === member.previousMemberEpoch &&
    owned !== null &&
    minus(owned, member.assigned).size === 0;
  if (retriedPrevious) return;
  throw new HeartbeatError(
    ErrorCode.FENCED_MEMBER_EPOCH,
    `The consumer group member has a ${received > member.memberEpoch ? "greater" : "smaller"} member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
  );
}

/** A static member rejoining under a new member id takes over the assignment its old id left for it. */
function replaceStatic(
  ctx: StepContext,
  group: ConsumerGroup,
  holderId: string,
  input: HeartbeatInput,
): ConsumerMember {
  const old = group.members.get(holderId);
  if (old === undefined || old.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    throw new HeartbeatError(
      ErrorCode.UNRELEASED_INSTANCE_ID,
      `Static member ${holderId} with instance id ${input.body.instanceId} is not released yet.`,
    );
  }
  const target = group.target.get(holderId) ?? EMPTY_ASSIGNMENT;
  removeMember(ctx, group, old, { bumpEpoch: false });
  const member = newMember(input.body.memberId || ctx.ids.nextId(), input.clientId, input.clientHost);
  Object.assign(member, {
    subscribedTopicNames: old.subscribedTopicNames,
    subscribedTopicRegex: old.subscribedTopicRegex,
    serverAssignor: old.serverAssignor,
    rackId: old.rackId,
    rebalanceTimeoutMs: old.rebalanceTimeoutMs,
    instanceId: old.instanceId,
    // Epoch 0 against an unchanged target: the next reconciliation hands the old partitions straight back.
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: old.state,
    assigned: old.assigned,
    pendingRevocation: old.pendingRevocation,
  });
  group.target.set(member.memberId, target);
  ctx.fx.records.push(targetMemberRecord(group.groupId, member.memberId, target));
  return member;
}

function applySubscription(
  member: ConsumerMember,
  body: ConsumerGroupHeartbeatRequest,
  input: HeartbeatInput,
): void {
  if (body.instanceId != null) member.instanceId = body.instanceId;
  if (body.rackId != null) member.rackId = body.rackId;
  if ((body.rebalanceTimeoutMs ?? -1) !== -1) member.rebalanceTimeoutMs = body.rebalanceTimeoutMs ?? -1;
  if (body.subscribedTopicNames != null)
    member.subscribedTopicNames = [...new Set(body.subscribedTopicNames)].sort();
  if (body.subscribedTopicRegex != null) {
    member.subscribedTopicRegex = body.subscribedTopicRegex.length === 0 ? null : body.subscribedTopicRegex;
  }
  if (body.serverAssignor != null) member.serverAssignor = body.serverAssignor;
  member.clientId = input.clientId;
  member.clientHost = input.clientHost;
}

/** Re-reads the subscribed topics; true when they differ from those of the current epoch. */
function refreshSubscribedTopics(ctx: StepContext, group: ConsumerGroup): boolean {
  const now = subscribedTopicsOf(group, ctx.topics);
  if (sameTopics(now, group.subscribedTopics)) return false;
  group.subscribedTopics = now;
  group.metadataHash = metadataHashOf(now);
  return true;
}

function refreshTarget(ctx: StepContext, group: ConsumerGroup): void {
  const changed = computeTarget(group, groupAssignor(group, ctx.config.consumerAssignors));
  for (const memberId of changed) {
    ctx.fx.records.push(
      targetMemberRecord(group.groupId, memberId, group.target.get(memberId) ?? EMPTY_ASSIGNMENT),
    );
  }
  group.assignmentEpoch = group.groupEpoch;
  ctx.fx.records.push(targetMetadataRecord(group.groupId, group.assignmentEpoch, ctx.nowMs));
}

function leave(
  ctx: StepContext,
  group: ConsumerGroup | undefined,
  body: ConsumerGroupHeartbeatRequest,
  interval: number,
): ConsumerGroupHeartbeatResponse {
  const member = group?.members.get(body.memberId);
  if (group === undefined) {
    throw new HeartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${body.groupId} not found.`);
  }
  if (body.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    const holderId = group.staticMembers.get(body.instanceId ?? "");
    if (holderId === undefined)
      throw new HeartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${body.instanceId} is unknown.`);
    if (holderId !== body.memberId) {
      throw new HeartbeatError(
        ErrorCode.FENCED_INSTANCE_ID,
        `Static member ${body.memberId} was fenced by member ${holderId}.`,
      );
    }
  }
  if (member === undefined) {
    throw new HeartbeatError(
      ErrorCode.UNKNOWN_MEMBER_ID,
      `Member ${body.memberId} is not a member of group ${body.groupId}.`,
    );
  }
  if (body.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) leaveStatic(ctx, group, member);
  else removeMember(ctx, group, member, { bumpEpoch: true });
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    memberId: body.memberId,
    memberEpoch: body.memberEpoch,
    heartbeatIntervalMs: interval,
    assignment: null,
  };
}
