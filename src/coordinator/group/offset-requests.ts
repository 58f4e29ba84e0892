/**
 * OffsetCommit, OffsetFetch and OffsetDelete: the group-level checks that
 * decide whether a request may touch the offsets, and the response shapes
 * of each API version. The offsets themselves live in OffsetStore.
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { OffsetCommitRequest } from "../../protocol/messages/offset-commit-request.ts";
import type { OffsetCommitResponse } from "../../protocol/messages/offset-commit-response.ts";
import type { OffsetDeleteRequest } from "../../protocol/messages/offset-delete-request.ts";
import type { OffsetDeleteResponse } from "../../protocol/messages/offset-delete-response.ts";
import type { OffsetFetchRequest } from "../../protocol/messages/offset-fetch-request.ts";
import type {
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
} from "../../protocol/messages/offset-fetch-response.ts";
import type { ClassicGroup } from "./classic-group.ts";
import type { ConsumerGroup } from "./consumer/consumer-group.ts";
import { consumerCommitError, consumerFetchError } from "./consumer/offset-validation.ts";
import type { OffsetStore } from "./offsets.ts";
import { NO_GENERATION, type StepContext, UNKNOWN_MEMBER_ID } from "./types.ts";

/** OffsetCommit version from which a commit to an unknown group reports GROUP_ID_NOT_FOUND. */
const GROUP_ID_NOT_FOUND_COMMIT_MIN_VERSION = 9;
/** OffsetFetch version from which several groups are fetched in one request. */
const MULTI_GROUP_FETCH_MIN_VERSION = 8;

export interface ConsumerGroupLookup {
  get(groupId: string): ConsumerGroup | undefined;
}

export interface GroupTable {
  get(groupId: string): ClassicGroup | undefined;
  create(groupId: string, nowMs: number): ClassicGroup;
}

function commitError(group: ClassicGroup, body: OffsetCommitRequest): number {
  const generationId = body.generationIdOrMemberEpoch ?? NO_GENERATION;
  const instanceId = body.groupInstanceId ?? null;
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  // A simple commit (no group management) is accepted only while nobody consumes as a group.
  if (generationId < 0 && group.is("Empty")) return ErrorCode.NONE;
  if (generationId < 0 && body.memberId === UNKNOWN_MEMBER_ID && instanceId === null) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  if (instanceId !== null) {
    const owner = group.staticMembers.get(instanceId);
    if (owner === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (owner !== body.memberId) return ErrorCode.FENCED_INSTANCE_ID;
  }
  if (!group.members.has(body.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  if (group.is("CompletingRebalance")) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

export function handleOffsetCommit(
  ctx: StepContext,
  groups: GroupTable,
  consumers: ConsumerGroupLookup,
  offsets: OffsetStore,
  apiVersion: number,
  body: OffsetCommitRequest,
): OffsetCommitResponse {
  const generationId = body.generationIdOrMemberEpoch ?? NO_GENERATION;
  const consumer = consumers.get(body.groupId);
  if (consumer !== undefined) {
    const error = consumerCommitError(consumer, body.memberId ?? "", generationId, apiVersion);
    return { topics: offsets.commit(ctx, body, error) };
  }
  let group = groups.get(body.groupId);
  let error: number = ErrorCode.NONE;
  if (body.groupId.length === 0) error = ErrorCode.INVALID_GROUP_ID;
  else if (group === undefined && generationId < 0) group = groups.create(body.groupId, ctx.nowMs);
  else if (group === undefined) {
    error =
      apiVersion >= GROUP_ID_NOT_FOUND_COMMIT_MIN_VERSION
        ? ErrorCode.GROUP_ID_NOT_FOUND
        : ErrorCode.ILLEGAL_GENERATION;
  }
  if (group !== undefined && error === ErrorCode.NONE) error = commitError(group, body);
  const member = group?.members.get(body.memberId);
  if (member !== undefined && error === ErrorCode.NONE)
    member.heartbeatDeadlineMs = ctx.nowMs + member.sessionTimeoutMs;
  return { topics: offsets.commit(ctx, body, error) };
}

function fetchGroup(
  groups: GroupTable,
  consumers: ConsumerGroupLookup,
  offsets: OffsetStore,
  request: {
    groupId: string;
    memberId?: string | null;
    memberEpoch?: number;
    topics: readonly { name?: string; partitionIndexes?: number[] }[] | null | undefined;
  },
): OffsetFetchResponseGroup {
  const { groupId, topics } = request;
  const consumer = consumers.get(groupId);
  if (consumer !== undefined) {
    const errorCode = consumerFetchError(consumer, request.memberId ?? null, request.memberEpoch ?? -1);
    if (errorCode !== ErrorCode.NONE) return { groupId, topics: [], errorCode };
  }
  const group = groups.get(groupId);
  if (group?.is("Dead")) return { groupId, topics: [], errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
  const wanted =
    topics == null
      ? null
      : topics.map((t) => ({ name: t.name ?? "", partitionIndexes: t.partitionIndexes ?? [] }));
  return { groupId, topics: offsets.fetch(groupId, wanted), errorCode: ErrorCode.NONE };
}

export function handleOffsetFetch(
  groups: GroupTable,
  consumers: ConsumerGroupLookup,
  offsets: OffsetStore,
  apiVersion: number,
  body: OffsetFetchRequest,
): OffsetFetchResponse {
  if (apiVersion >= MULTI_GROUP_FETCH_MIN_VERSION) {
    return {
      groups: (body.groups ?? []).map((g) =>
        fetchGroup(groups, consumers, offsets, { ...g, groupId: g.groupId ?? "", topics: g.topics }),
      ),
    };
  }
  const one = fetchGroup(groups, consumers, offsets, { groupId: body.groupId ?? "", topics: body.topics });
  return { topics: one.topics, errorCode: one.errorCode };
}

export function handleOffsetDelete(
  ctx: StepContext,
  groups: GroupTable,
  consumers: ConsumerGroupLookup,
  offsets: OffsetStore,
  body: OffsetDeleteRequest,
): OffsetDeleteResponse {
  const consumer = consumers.get(body.groupId);
  if (consumer !== undefined) {
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: offsets.delete(
        ctx,
        consumer.members.size > 0 ? consumer : undefined,
        body.groupId,
        body.topics,
      ),
    };
  }
  const group = groups.get(body.groupId);
  const fail = (errorCode: number): OffsetDeleteResponse => ({ errorCode, throttleTimeMs: 0, topics: [] });
  if (group === undefined || group.is("Dead")) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
  // Without the consumer protocol the subscription is opaque, so a live group's offsets stay.
  if (!group.is("Empty") && !group.usesConsumerProtocol()) return fail(ErrorCode.NON_EMPTY_GROUP);
  return {
    errorCode: ErrorCode.NONE,
    throttleTimeMs: 0,
    topics: offsets.delete(ctx, group, body.groupId, body.topics),
  };
}
