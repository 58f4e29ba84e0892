/**
 * Changes to a consumer group's membership and the records that make them
 * durable: epoch bumps, a member's metadata and assignment, removal (leave,
 * session or revocation timeout), a static member's temporary leave, and
 * deleting the whole group.
 */
import type { StepContext } from "../types.ts";
import { EMPTY_ASSIGNMENT, equal } from "./assignment.ts";
import {
  type ConsumerGroup,
  type ConsumerMember,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  MemberState,
} from "./consumer-group.ts";
import type { Reconciled } from "./reconcile.ts";
import {
  currentAssignmentRecord,
  groupEpochRecord,
  groupEpochTombstone,
  memberMetadataRecord,
  targetMemberRecord,
  targetMetadataRecord,
} from "./records.ts";

export function bumpGroupEpoch(ctx: StepContext, group: ConsumerGroup): void {
  group.groupEpoch += 1;
  ctx.fx.records.push(groupEpochRecord(group.groupId, group.groupEpoch, group.metadataHash));
}

export function persistMember(ctx: StepContext, group: ConsumerGroup, member: ConsumerMember): void {
  ctx.fx.records.push(memberMetadataRecord(group.groupId, member, member.memberId));
}

/** Applies one reconciliation step; persists it and (re)arms the revocation deadline when it changed anything. */
export function updateMemberAssignment(
  ctx: StepContext,
  group: ConsumerGroup,
  member: ConsumerMember,
  next: Reconciled,
): void {
  const unchanged =
    next.state === member.state &&
    next.memberEpoch === member.memberEpoch &&
    equal(next.assigned, member.assigned) &&
    equal(next.pendingRevocation, member.pendingRevocation);
  if (unchanged) return;
  if (next.memberEpoch !== member.memberEpoch) member.previousMemberEpoch = member.memberEpoch;
  const startsRevoking =
    next.state === MemberState.UNREVOKED_PARTITIONS && member.state !== MemberState.UNREVOKED_PARTITIONS;
  member.state = next.state;
  member.memberEpoch = next.memberEpoch;
  member.assigned = next.assigned;
  member.pendingRevocation = next.pendingRevocation;
  if (next.state !== MemberState.UNREVOKED_PARTITIONS) member.revocationDeadlineMs = null;
  else if (startsRevoking) member.revocationDeadlineMs = ctx.nowMs + Math.max(0, member.rebalanceTimeoutMs);
  ctx.fx.records.push(currentAssignmentRecord(group.groupId, member, member.memberId));
}

/** Removes a member and its records; its partitions become free for the others. */
export function removeMember(
  ctx: StepContext,
  group: ConsumerGroup,
  member: ConsumerMember,
  options: { bumpEpoch: boolean },
): void {
  group.removeMember(member.memberId);
  const { groupId } = group;
  ctx.fx.records.push(
    currentAssignmentRecord(groupId, null, member.memberId),
    targetMemberRecord(groupId, member.memberId, null),
    memberMetadataRecord(groupId, null, member.memberId),
  );
  if (options.bumpEpoch) bumpGroupEpoch(ctx, group);
}

/** A static member leaving for now keeps its assignment until it returns or its session expires. */
export function leaveStatic(ctx: StepContext, group: ConsumerGroup, member: ConsumerMember): void {
  if (member.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) return;
  member.previousMemberEpoch = member.memberEpoch;
  member.memberEpoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
  member.pendingRevocation = EMPTY_ASSIGNMENT;
  member.revocationDeadlineMs = null;
  ctx.fx.records.push(currentAssignmentRecord(group.groupId, member, member.memberId));
}

/** Members whose session expired, or that did not revoke in time, are removed. */
export function fireConsumerTimers(ctx: StepContext, group: ConsumerGroup): void {
  for (const member of [...group.members.values()]) {
    const sessionExpired = member.sessionDeadlineMs <= ctx.nowMs;
    const revocationExpired =
      member.revocationDeadlineMs !== null && member.revocationDeadlineMs <= ctx.nowMs;
    if (sessionExpired || revocationExpired) removeMember(ctx, group, member, { bumpEpoch: true });
  }
}

/** Tombstones for everything the group wrote; its offsets are the caller's. */
export function deleteConsumerGroupRecords(ctx: StepContext, group: ConsumerGroup): void {
  for (const member of [...group.members.values()]) removeMember(ctx, group, member, { bumpEpoch: false });
  ctx.fx.records.push(
    targetMetadataRecord(group.groupId, null, ctx.nowMs),
    groupEpochTombstone(group.groupId),
  );
}
