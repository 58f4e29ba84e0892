/**
 * SyncGroup, Heartbeat and LeaveGroup for one classic group. Each validates
 * the caller (member id, static instance fencing, generation) before looking
 * at the group's state, in the order Kafka's coordinator does, so clients see
 * the same error for the same situation.
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { HeartbeatRequest } from "../../protocol/messages/heartbeat-request.ts";
import type { LeaveGroupRequest } from "../../protocol/messages/leave-group-request.ts";
import type { MemberResponse } from "../../protocol/messages/leave-group-response.ts";
import type { SyncGroupRequest } from "../../protocol/messages/sync-group-request.ts";
import type { SyncGroupResponse } from "../../protocol/messages/sync-group-response.ts";
import type { ClassicGroup } from "./classic-group.ts";
import { checkMember } from "./join.ts";
import { maybeCompleteJoin, removeMemberAndRebalance, scheduleHeartbeat } from "./rebalance.ts";
import { groupMetadataRecord } from "./records.ts";
import { type RequestId, type StepContext, UNKNOWN_MEMBER_ID } from "./types.ts";

const EMPTY = Buffer.alloc(0);

function syncReply(errorCode: number, group?: ClassicGroup, assignment: Buffer = EMPTY): SyncGroupResponse {
  return {
    errorCode,
    protocolType: group?.protocolType ?? null,
    protocolName: group?.protocolName ?? null,
    assignment,
  };
}

/** SyncGroup version from which the request must name the protocol type and the protocol. */
const SYNC_PROTOCOL_REQUIRED_MIN_VERSION = 5;

function validateSync(group: ClassicGroup | undefined, apiVersion: number, body: SyncGroupRequest): number {
  // Kafka refuses a v5+ sync without them before it looks the group up, so an unknown group gets this too.
  const unnamed = body.protocolType == null || body.protocolName == null;
  if (apiVersion >= SYNC_PROTOCOL_REQUIRED_MIN_VERSION && unnamed)
    return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
  if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const memberError = checkMember(group, body.memberId, body.groupInstanceId ?? null);
  if (memberError !== ErrorCode.NONE) return memberError;
  if (body.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  const typeMismatch = body.protocolType != null && body.protocolType !== group.protocolType;
  const nameMismatch = body.protocolName != null && body.protocolName !== group.protocolName;
  if (typeMismatch || nameMismatch) return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
  if (group.is("PreparingRebalance")) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

/** SyncGroup for `group`, or for a group id nobody holds (`undefined`). */
export function handleSync(
  ctx: StepContext,
  group: ClassicGroup | undefined,
  requestId: RequestId,
  apiVersion: number,
  body: SyncGroupRequest,
): void {
  const error = validateSync(group, apiVersion, body);
  if (error !== ErrorCode.NONE || group === undefined) {
    ctx.fx.responses.push({ kind: "syncGroup", requestId, body: syncReply(error) });
    return;
  }
  const member = group.members.get(body.memberId);
  if (member === undefined) throw new Error("unreachable: validated member");
  group.pendingSyncMembers.delete(member.memberId);
  if (group.pendingSyncMembers.size === 0) group.syncDeadlineMs = null;
  if (group.is("Stable")) {
    scheduleHeartbeat(ctx, member);
    ctx.fx.responses.push({
      kind: "syncGroup",
      requestId,
      body: syncReply(ErrorCode.NONE, group, member.assignment),
    });
    return;
  }
  // CompletingRebalance: park until the leader's assignment is in, then answer everyone at once.
  member.awaitingSync = { requestId };
  if (group.leaderId !== member.memberId) return;
  const assigned = new Map(body.assignments.map((a) => [a.memberId, a.assignment]));
  for (const m of group.members.values()) m.assignment = assigned.get(m.memberId) ?? EMPTY;
  ctx.fx.records.push(groupMetadataRecord(group.groupId, group.toMetadataValue()));
  group.transitionTo("Stable", ctx.nowMs);
  for (const m of group.members.values()) {
    if (m.awaitingSync === null) continue;
    scheduleHeartbeat(ctx, m);
    const reply = syncReply(ErrorCode.NONE, group, m.assignment);
    ctx.fx.responses.push({ kind: "syncGroup", requestId: m.awaitingSync.requestId, body: reply });
    m.awaitingSync = null;
  }
}

export function heartbeatError(group: ClassicGroup, body: HeartbeatRequest): number {
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const memberError = checkMember(group, body.memberId, body.groupInstanceId ?? null);
  if (memberError !== ErrorCode.NONE) return memberError;
  if (body.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  return group.is("PreparingRebalance") ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
}

export function handleHeartbeat(
  ctx: StepContext,
  group: ClassicGroup,
  requestId: RequestId,
  body: HeartbeatRequest,
): void {
  const errorCode = heartbeatError(group, body);
  const member = group.members.get(body.memberId);
  const alive = errorCode === ErrorCode.NONE || errorCode === ErrorCode.REBALANCE_IN_PROGRESS;
  if (alive && member !== undefined) scheduleHeartbeat(ctx, member);
  ctx.fx.responses.push({ kind: "heartbeat", requestId, body: { errorCode } });
}

/**
 * Removes each listed member (v3+ batches several); per-member errors never fail the others. For a
 * group id nobody holds (`undefined`) every member gets UNKNOWN_MEMBER_ID: one entry each from v3,
 * the top-level error before, as Kafka answers.
 */
export function handleLeave(
  ctx: StepContext,
  group: ClassicGroup | undefined,
  requestId: RequestId,
  apiVersion: number,
  body: LeaveGroupRequest,
): void {
  const identities =
    apiVersion >= 3
      ? (body.members ?? [])
      : [{ memberId: body.memberId ?? UNKNOWN_MEMBER_ID, groupInstanceId: null }];
  const results: MemberResponse[] = [];
  for (const id of identities) {
    const memberId = id.memberId ?? UNKNOWN_MEMBER_ID;
    const instanceId = id.groupInstanceId ?? null;
    results.push({
      memberId,
      groupInstanceId: instanceId,
      errorCode: leaveOne(ctx, group, memberId, instanceId),
    });
  }
  const single = apiVersion < 3 ? (results[0]?.errorCode ?? ErrorCode.NONE) : ErrorCode.NONE;
  const out = apiVersion >= 3 ? { errorCode: ErrorCode.NONE, members: results } : { errorCode: single };
  ctx.fx.responses.push({ kind: "leaveGroup", requestId, body: out });
}

function leaveOne(
  ctx: StepContext,
  group: ClassicGroup | undefined,
  memberId: string,
  instanceId: string | null,
): number {
  if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (instanceId !== null) {
    const owner = group.staticMembers.get(instanceId);
    if (owner === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberId !== UNKNOWN_MEMBER_ID && memberId !== owner) return ErrorCode.FENCED_INSTANCE_ID;
    removeMemberAndRebalance(ctx, group, owner);
    return ErrorCode.NONE;
  }
  if (group.pendingMembers.delete(memberId)) {
    maybeCompleteJoin(ctx, group);
    return ErrorCode.NONE;
  }
  if (!group.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
  removeMemberAndRebalance(ctx, group, memberId);
  return ErrorCode.NONE;
}
