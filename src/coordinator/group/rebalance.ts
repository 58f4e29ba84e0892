/**
 * The rebalance core: entering PreparingRebalance, finishing the join phase
 * (new generation, protocol, leader, parked JoinGroup responses), removing
 * members, and the group's timers (initial delay, rebalance timeout, pending
 * sync timeout, session expiry). See NOTES.md for the state table.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../../protocol/errors.ts";
import type { JoinGroupResponse } from "../../protocol/messages/join-group-response.ts";
import type { ClassicGroup, ClassicMember } from "./classic-group.ts";
import { groupMetadataRecord } from "./records.ts";
import { SKIP_ASSIGNMENT_MIN_VERSION, type StepContext } from "./types.ts";

export function scheduleHeartbeat(ctx: StepContext, member: ClassicMember): void {
  member.heartbeatDeadlineMs = ctx.nowMs + member.sessionTimeoutMs;
}

export function joinError(memberId: string, errorCode: number): JoinGroupResponse {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: "",
    memberId,
    members: [],
  };
}

/** The JoinGroup response for `member` in the group's current generation. */
export function joinResponse(
  group: ClassicGroup,
  member: ClassicMember,
  apiVersion: number,
  skipAssignment = false,
): JoinGroupResponse {
  const isLeader = group.leaderId === member.memberId;
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? "",
    skipAssignment: skipAssignment && apiVersion >= SKIP_ASSIGNMENT_MIN_VERSION,
    memberId: member.memberId,
    members: isLeader
      ? [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          metadata: group.memberMetadata(m),
        }))
      : [],
  };
}

export function respondJoin(ctx: StepContext, member: ClassicMember, body: JoinGroupResponse): void {
  assert(member.awaitingJoin !== null, `member ${member.memberId} has no parked join`);
  ctx.fx.responses.push({ kind: "joinGroup", requestId: member.awaitingJoin.requestId, body });
  member.awaitingJoin = null;
}

function failParkedSyncs(ctx: StepContext, group: ClassicGroup, errorCode: number): void {
  for (const m of group.members.values()) {
    if (m.awaitingSync === null) continue;
    ctx.fx.responses.push({
      kind: "syncGroup",
      requestId: m.awaitingSync.requestId,
      body: { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) },
    });
    m.awaitingSync = null;
  }
}

/** Starts a rebalance: members must rejoin before the rebalance timeout. */
export function prepareRebalance(ctx: StepContext, group: ClassicGroup): void {
  assert(group.is("Empty", "Stable", "CompletingRebalance"), `prepareRebalance from ${group.state}`);
  if (group.is("CompletingRebalance")) failParkedSyncs(ctx, group, ErrorCode.REBALANCE_IN_PROGRESS);
  for (const m of group.members.values()) m.assignment = Buffer.alloc(0);
  group.pendingSyncMembers.clear();
  group.syncDeadlineMs = null;
  const wasEmpty = group.is("Empty");
  group.transitionTo("PreparingRebalance", ctx.nowMs);
  const delayMs = ctx.config.initialRebalanceDelayMs;
  if (wasEmpty && delayMs > 0) {
    const remainingMs = Math.max(group.maxRebalanceTimeoutMs() - delayMs, 0);
    group.initialDelay = { deltaMs: delayMs, remainingMs, newMemberAdded: false };
    group.joinDeadlineMs = ctx.nowMs + delayMs;
  } else {
    group.initialDelay = null;
    group.joinDeadlineMs = ctx.nowMs + group.maxRebalanceTimeoutMs();
  }
}

/** Completes the join phase early once every member has rejoined (never during the initial delay). */
export function maybeCompleteJoin(ctx: StepContext, group: ClassicGroup): void {
  if (!group.is("PreparingRebalance") || group.initialDelay !== null) return;
  if (group.allMembersJoined()) completeJoin(ctx, group);
}

/** Ends the join phase: laggards are removed, then a new generation starts (or the group empties). */
export function completeJoin(ctx: StepContext, group: ClassicGroup): void {
  assert(group.is("PreparingRebalance"), `completeJoin in ${group.state}`);
  group.joinDeadlineMs = null;
  group.initialDelay = null;
  for (const m of [...group.members.values()]) {
    if (m.awaitingJoin === null) group.removeMember(m.memberId);
  }
  group.generationId += 1;
  if (group.size === 0) {
    group.protocolName = null;
    group.leaderId = null;
    group.subscribedTopics = null;
    group.transitionTo("Empty", ctx.nowMs);
    ctx.fx.records.push(groupMetadataRecord(group.groupId, group.toMetadataValue()));
    return;
  }
  group.protocolName = group.selectProtocol();
  group.refreshSubscribedTopics();
  group.transitionTo("CompletingRebalance", ctx.nowMs);
  for (const m of group.members.values()) {
    group.pendingSyncMembers.add(m.memberId);
    scheduleHeartbeat(ctx, m);
    assert(m.awaitingJoin !== null);
    respondJoin(ctx, m, joinResponse(group, m, m.awaitingJoin.apiVersion));
  }
  group.syncDeadlineMs = ctx.nowMs + group.maxRebalanceTimeoutMs();
}

/** Removes a member and moves the group on: a rebalance, or the end of the current join phase. */
export function removeMemberAndRebalance(ctx: StepContext, group: ClassicGroup, memberId: string): void {
  const member = group.members.get(memberId);
  assert(member !== undefined, `removing unknown member ${memberId}`);
  if (member.awaitingJoin !== null)
    respondJoin(ctx, member, joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  if (member.awaitingSync !== null) {
    ctx.fx.responses.push({
      kind: "syncGroup",
      requestId: member.awaitingSync.requestId,
      body: {
        errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
        protocolType: null,
        protocolName: null,
        assignment: Buffer.alloc(0),
      },
    });
    member.awaitingSync = null;
  }
  group.removeMember(memberId);
  if (group.is("Stable", "CompletingRebalance")) prepareRebalance(ctx, group);
  maybeCompleteJoin(ctx, group);
}

/** Fires every timer of `group` that is due at `ctx.nowMs`. */
export function fireGroupTimers(ctx: StepContext, group: ClassicGroup): void {
  const now = ctx.nowMs;
  if (group.joinDeadlineMs !== null && group.joinDeadlineMs <= now) onJoinDeadline(ctx, group);
  if (group.syncDeadlineMs !== null && group.syncDeadlineMs <= now) onSyncDeadline(ctx, group);
  for (const [memberId, deadlineMs] of [...group.pendingMembers]) {
    if (deadlineMs > now) continue;
    group.pendingMembers.delete(memberId);
    maybeCompleteJoin(ctx, group);
  }
  for (const m of [...group.members.values()]) {
    if (m.heartbeatDeadlineMs > now || !group.members.has(m.memberId)) continue;
    // A member parked in JoinGroup or SyncGroup is alive by definition; the rebalance timeouts bound it.
    if (m.awaitingJoin !== null || m.awaitingSync !== null) scheduleHeartbeat(ctx, m);
    else removeMemberAndRebalance(ctx, group, m.memberId);
  }
}

function onJoinDeadline(ctx: StepContext, group: ClassicGroup): void {
  assert(group.is("PreparingRebalance"));
  const delay = group.initialDelay;
  if (delay?.newMemberAdded && delay.remainingMs > 0) {
    const extendMs = Math.min(delay.deltaMs, delay.remainingMs);
    group.initialDelay = {
      deltaMs: delay.deltaMs,
      remainingMs: delay.remainingMs - extendMs,
      newMemberAdded: false,
    };
    group.joinDeadlineMs = ctx.nowMs + extendMs;
    return;
  }
  completeJoin(ctx, group);
}

function onSyncDeadline(ctx: StepContext, group: ClassicGroup): void {
  group.syncDeadlineMs = null;
  if (!group.is("CompletingRebalance", "Stable") || group.pendingSyncMembers.size === 0) return;
  for (const memberId of [...group.pendingSyncMembers]) {
    if (group.members.has(memberId)) group.removeMember(memberId);
  }
  group.pendingSyncMembers.clear();
  prepareRebalance(ctx, group);
  maybeCompleteJoin(ctx, group);
}
