/**
 * Who may commit or fetch offsets of a consumer-protocol group: a member at
 * its current epoch, or anyone without a member id while the group is empty
 * (admin tools, consumers outside group management).
 */
import { ErrorCode } from "../../../protocol/errors.ts";
import type { ConsumerGroup } from "./consumer-group.ts";

/** OffsetCommit version consumer-protocol members must use (it carries the member epoch). */
const CONSUMER_COMMIT_MIN_VERSION = 9;

export function consumerCommitError(
  group: ConsumerGroup,
  memberId: string,
  memberEpoch: number,
  apiVersion: number,
): number {
  if (memberEpoch < 0 && memberId.length === 0) {
    return group.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }
  const member = group.members.get(memberId);
  if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (apiVersion < CONSUMER_COMMIT_MIN_VERSION) return ErrorCode.UNSUPPORTED_VERSION;
  if (memberEpoch !== member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
  return ErrorCode.NONE;
}

export function consumerFetchError(
  group: ConsumerGroup,
  memberId: string | null,
  memberEpoch: number,
): number {
  if (memberEpoch < 0 && memberId === null) return ErrorCode.NONE;
  const member = memberId === null ? undefined : group.members.get(memberId);
  if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (memberEpoch !== member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
  return ErrorCode.NONE;
}
