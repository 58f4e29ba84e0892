/**
 * JoinGroup for one classic group: validation, KIP-394 member ids, static
 * membership (KIP-345) and the state-dependent reaction to a known member.
 * A join that has to wait for the rest of the group is parked on the member
 * and answered from rebalance.ts when the join phase completes.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../../protocol/errors.ts";
import type { JoinGroupRequest } from "../../protocol/messages/join-group-request.ts";
import type { ClassicGroup, ClassicMember, MemberProtocol } from "./classic-group.ts";
import {
  joinError,
  joinResponse,
  maybeCompleteJoin,
  prepareRebalance,
  respondJoin,
  scheduleHeartbeat,
} from "./rebalance.ts";
import { groupMetadataRecord } from "./records.ts";
import {
  MEMBER_ID_REQUIRED_MIN_VERSION,
  type RequestId,
  type StepContext,
  UNKNOWN_MEMBER_ID,
} from "./types.ts";

export interface JoinInput {
  requestId: RequestId;
  apiVersion: number;
  clientId: string;
  clientHost: string;
  body: JoinGroupRequest;
}

function reply(ctx: StepContext, input: JoinInput, errorCode: number, memberId = input.body.memberId): void {
  ctx.fx.responses.push({
    kind: "joinGroup",
    requestId: input.requestId,
    body: joinError(memberId, errorCode),
  });
}

/** INVALID_SESSION_TIMEOUT outside the configured bounds; checked before the group is looked up. */
export function sessionTimeoutError(ctx: StepContext, body: JoinGroupRequest): number {
  const { minSessionTimeoutMs, maxSessionTimeoutMs } = ctx.config;
  const outside = body.sessionTimeoutMs < minSessionTimeoutMs || body.sessionTimeoutMs > maxSessionTimeoutMs;
  return outside ? ErrorCode.INVALID_SESSION_TIMEOUT : ErrorCode.NONE;
}

/** The protocol checks, which do not depend on who the member is. Returns an error code or NONE. */
export function validateJoin(group: ClassicGroup, body: JoinGroupRequest): number {
  const names = body.protocols.map((p) => p.name);
  if (!group.supportsProtocols(body.protocolType, names)) return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
  return ErrorCode.NONE;
}

/** JoinGroup to `group`, once the caller has checked the group id and `sessionTimeoutError`. */
export function handleJoin(ctx: StepContext, group: ClassicGroup, input: JoinInput): void {
  if (group.is("Dead")) {
    reply(ctx, input, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return;
  }
  const error = validateJoin(group, input.body);
  if (error !== ErrorCode.NONE) {
    reply(ctx, input, error);
    return;
  }
  if (input.body.memberId === UNKNOWN_MEMBER_ID) joinUnknownMember(ctx, group, input);
  else joinKnownMember(ctx, group, input);
}

function isFull(ctx: StepContext, group: ClassicGroup): boolean {
  return group.size + group.pendingMembers.size >= ctx.config.groupMaxSize;
}

function joinUnknownMember(ctx: StepContext, group: ClassicGroup, input: JoinInput): void {
  const instanceId = input.body.groupInstanceId ?? null;
  const newMemberId = `${input.clientId}-${ctx.ids.nextId()}`;
  if (instanceId !== null && group.staticMembers.has(instanceId)) {
    replaceStaticMember(ctx, group, input, newMemberId);
    return;
  }
  if (isFull(ctx, group)) {
    reply(ctx, input, ErrorCode.GROUP_MAX_SIZE_REACHED);
    return;
  }
  if (instanceId === null && input.apiVersion >= MEMBER_ID_REQUIRED_MIN_VERSION) {
    // KIP-394: the member must come back with this id before it counts toward the group.
    group.pendingMembers.set(newMemberId, ctx.nowMs + input.body.sessionTimeoutMs);
    reply(ctx, input, ErrorCode.MEMBER_ID_REQUIRED, newMemberId);
    return;
  }
  addMemberAndRebalance(ctx, group, input, newMemberId);
}

function protocolsOf(body: JoinGroupRequest): MemberProtocol[] {
  return body.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
}

function addMemberAndRebalance(
  ctx: StepContext,
  group: ClassicGroup,
  input: JoinInput,
  memberId: string,
): void {
  const body = input.body;
  const member: ClassicMember = {
    memberId,
    groupInstanceId: body.groupInstanceId ?? null,
    clientId: input.clientId,
    clientHost: input.clientHost,
    rebalanceTimeoutMs:
      body.rebalanceTimeoutMs !== undefined && body.rebalanceTimeoutMs >= 0
        ? body.rebalanceTimeoutMs
        : body.sessionTimeoutMs,
    sessionTimeoutMs: body.sessionTimeoutMs,
    protocolType: body.protocolType,
    protocols: protocolsOf(body),
    assignment: Buffer.alloc(0),
    awaitingJoin: { requestId: input.requestId, apiVersion: input.apiVersion },
    awaitingSync: null,
    heartbeatDeadlineMs: 0,
  };
  scheduleHeartbeat(ctx, member);
  group.addMember(member);
  if (group.initialDelay !== null) group.initialDelay.newMemberAdded = true;
  if (group.is("Empty", "Stable", "CompletingRebalance")) prepareRebalance(ctx, group);
  maybeCompleteJoin(ctx, group);
}

function joinKnownMember(ctx: StepContext, group: ClassicGroup, input: JoinInput): void {
  const { memberId } = input.body;
  const instanceId = input.body.groupInstanceId ?? null;
  if (group.pendingMembers.has(memberId)) {
    group.pendingMembers.delete(memberId);
    addMemberAndRebalance(ctx, group, input, memberId);
    return;
  }
  const fenced = checkMember(group, memberId, instanceId);
  if (fenced !== ErrorCode.NONE) {
    reply(ctx, input, fenced);
    return;
  }
  const member = group.members.get(memberId);
  assert(member !== undefined);
  const protocols = protocolsOf(input.body);
  const changed = !sameProtocols(member.protocols, protocols);
  if (group.is("PreparingRebalance")) {
    updateMember(ctx, member, input, protocols);
    maybeCompleteJoin(ctx, group);
    return;
  }
  // A duplicate join (e.g. a lost response), or a follower with nothing new: the current generation stands.
  const current = group.is("CompletingRebalance") || (group.is("Stable") && group.leaderId !== memberId);
  if (current && !changed) {
    const body = joinResponse(group, member, input.apiVersion);
    ctx.fx.responses.push({ kind: "joinGroup", requestId: input.requestId, body });
    return;
  }
  assert(group.is("Stable", "CompletingRebalance"), `join in ${group.state}`);
  updateMember(ctx, member, input, protocols);
  prepareRebalance(ctx, group);
  maybeCompleteJoin(ctx, group);
}

/** UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID when the caller is not the member it claims to be. */
export function checkMember(group: ClassicGroup, memberId: string, instanceId: string | null): number {
  if (instanceId !== null) {
    const owner = group.staticMembers.get(instanceId);
    if (owner === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (owner !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

function sameProtocols(a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}

function updateMember(
  ctx: StepContext,
  member: ClassicMember,
  input: JoinInput,
  protocols: MemberProtocol[],
): void {
  const body = input.body;
  member.protocols = protocols;
  member.sessionTimeoutMs = body.sessionTimeoutMs;
  if (body.rebalanceTimeoutMs !== undefined && body.rebalanceTimeoutMs >= 0)
    member.rebalanceTimeoutMs = body.rebalanceTimeoutMs;
  if (member.awaitingJoin !== null) {
    // The client gave up on its previous join; only the newest one is answered.
    respondJoin(ctx, member, joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
  member.awaitingJoin = { requestId: input.requestId, apiVersion: input.apiVersion };
}

/**
 * A static member rejoining without its member id (a restart): the new id
 * replaces the old one and the group keeps its assignment when nothing else
 * changed, so restarts of static members cause no rebalance.
 */
function replaceStaticMember(
  ctx: StepContext,
  group: ClassicGroup,
  input: JoinInput,
  newMemberId: string,
): void {
  const instanceId = input.body.groupInstanceId ?? null;
  assert(instanceId !== null);
  const oldId = group.staticMembers.get(instanceId);
  assert(oldId !== undefined);
  const old = group.members.get(oldId);
  assert(old !== undefined);
  if (old.awaitingJoin !== null) respondJoin(ctx, old, joinError(oldId, ErrorCode.FENCED_INSTANCE_ID));
  if (old.awaitingSync !== null) {
    ctx.fx.responses.push({
      kind: "syncGroup",
      requestId: old.awaitingSync.requestId,
      body: {
        errorCode: ErrorCode.FENCED_INSTANCE_ID,
        protocolType: null,
        protocolName: null,
        assignment: Buffer.alloc(0),
      },
    });
    old.awaitingSync = null;
  }
  const wasLeader = group.leaderId === oldId;
  const hadPendingSync = group.pendingSyncMembers.has(oldId);
  const oldProtocols = old.protocols;
  group.removeMember(oldId);
  const member: ClassicMember = {
    ...old,
    memberId: newMemberId,
    clientId: input.clientId,
    clientHost: input.clientHost,
  };
  member.sessionTimeoutMs = input.body.sessionTimeoutMs;
  if (input.body.rebalanceTimeoutMs !== undefined && input.body.rebalanceTimeoutMs >= 0)
    member.rebalanceTimeoutMs = input.body.rebalanceTimeoutMs;
  member.protocols = protocolsOf(input.body);
  group.addMember(member);
  if (wasLeader) group.leaderId = newMemberId;
  if (hadPendingSync) group.pendingSyncMembers.add(newMemberId);
  scheduleHeartbeat(ctx, member);
  const request = { requestId: input.requestId, apiVersion: input.apiVersion };
  if (group.is("Stable") && sameProtocols(oldProtocols, member.protocols)) {
    ctx.fx.records.push(groupMetadataRecord(group.groupId, group.toMetadataValue()));
    member.awaitingJoin = request;
    respondJoin(ctx, member, joinResponse(group, member, input.apiVersion, wasLeader));
    return;
  }
  member.awaitingJoin = request;
  if (group.is("Stable", "CompletingRebalance")) prepareRebalance(ctx, group);
  maybeCompleteJoin(ctx, group);
}
