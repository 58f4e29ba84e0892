/**
 * DescribeGroups, ListGroups and DeleteGroups: read-mostly views over the
 * group table. Member metadata and assignments are shown only in Stable,
 * where they belong to a completed generation.
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { DeleteGroupsRequest } from "../../protocol/messages/delete-groups-request.ts";
import type { DeletableGroupResult } from "../../protocol/messages/delete-groups-response.ts";
import type { DescribedGroup } from "../../protocol/messages/describe-groups-response.ts";
import type { ListGroupsRequest } from "../../protocol/messages/list-groups-request.ts";
import type { ListedGroup } from "../../protocol/messages/list-groups-response.ts";
import type { ClassicGroup } from "./classic-group.ts";
import type { OffsetStore } from "./offsets.ts";
import { groupTombstone } from "./records.ts";
import type { StepContext } from "./types.ts";

/** DescribeGroups version from which an unknown group is an error rather than a Dead group. */
const DESCRIBE_NOT_FOUND_MIN_VERSION = 6;
const CLASSIC_GROUP_TYPE = "classic";
const EMPTY = Buffer.alloc(0);

export function describeGroup(
  group: ClassicGroup | undefined,
  groupId: string,
  apiVersion: number,
  isConsumerGroup = false,
): DescribedGroup {
  if (group === undefined || group.is("Dead")) {
    const notFound = apiVersion >= DESCRIBE_NOT_FOUND_MIN_VERSION;
    const message = isConsumerGroup
      ? `Group ${groupId} is not a classic group.`
      : `Group ${groupId} not found.`;
    return {
      errorCode: notFound ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE,
      errorMessage: notFound ? message : null,
      groupId,
      groupState: "Dead",
      protocolType: "",
      protocolData: "",
      members: [],
    };
  }
  const stable = group.is("Stable");
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? "",
    protocolData: stable ? (group.protocolName ?? "") : "",
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? group.memberMetadata(m) : EMPTY,
      memberAssignment: stable ? m.assignment : EMPTY,
    })),
  };
}

export function listGroups(groups: Iterable<ClassicGroup>, body: ListGroupsRequest): ListedGroup[] {
  const states = new Set((body.statesFilter ?? []).map((s) => s.toLowerCase()));
  const types = new Set((body.typesFilter ?? []).map((t) => t.toLowerCase()));
  const out: ListedGroup[] = [];
  for (const g of groups) {
    if (g.is("Dead")) continue;
    if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
    if (types.size > 0 && !types.has(CLASSIC_GROUP_TYPE)) continue;
    out.push({
      groupId: g.groupId,
      protocolType: g.protocolType ?? "",
      groupState: g.state,
      groupType: CLASSIC_GROUP_TYPE,
    });
  }
  return out;
}

/** Deletes each empty group: tombstones for its offsets and its metadata; non-empty groups are refused. */
export function deleteGroups(
  ctx: StepContext,
  groups: Map<string, ClassicGroup>,
  offsets: OffsetStore,
  body: DeleteGroupsRequest,
): DeletableGroupResult[] {
  return body.groupsNames.map((groupId) => {
    const group = groups.get(groupId);
    if (group === undefined || group.is("Dead")) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
    if (!group.is("Empty")) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
    deleteGroup(ctx, groups, offsets, group);
    return { groupId, errorCode: ErrorCode.NONE };
  });
}

export function deleteGroup(
  ctx: StepContext,
  groups: Map<string, ClassicGroup>,
  offsets: OffsetStore,
  group: ClassicGroup,
): void {
  offsets.removeGroup(group.groupId, ctx);
  ctx.fx.records.push(groupTombstone(group.groupId));
  group.transitionTo("Dead", ctx.nowMs);
  groups.delete(group.groupId);
}
