/**
 * The checks a ConsumerGroupHeartbeat must pass before it touches a group,
 * in Kafka's order, each with Kafka's error code and message.
 */
import { ErrorCode } from "../../../protocol/errors.ts";
import type { ConsumerGroupHeartbeatRequest } from "../../../protocol/messages/consumer-group-heartbeat-request.ts";
import { findServerAssignor } from "../assignors/index.ts";
import {
  compileTopicRegex,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
} from "./consumer-group.ts";

export interface RequestError {
  errorCode: number;
  errorMessage: string;
}

/** Version from which clients generate their own member ids (KIP-1082). */
export const CLIENT_MEMBER_ID_MIN_VERSION = 1;

const invalid = (errorMessage: string): RequestError => ({
  errorCode: ErrorCode.INVALID_REQUEST,
  errorMessage,
});

export function validateHeartbeat(
  body: ConsumerGroupHeartbeatRequest,
  apiVersion: number,
  assignors: readonly string[],
): RequestError | null {
  const { groupId, memberId, memberEpoch } = body;
  const needsMemberId =
    apiVersion >= CLIENT_MEMBER_ID_MIN_VERSION || memberEpoch > 0 || memberEpoch === LEAVE_GROUP_MEMBER_EPOCH;
  if (needsMemberId && memberId.trim().length === 0) return invalid("MemberId can't be empty.");
  if (groupId.trim().length === 0) return invalid("GroupId can't be empty.");
  if (body.instanceId != null && body.instanceId.trim().length === 0)
    return invalid("InstanceId can't be empty.");
  if (body.rackId != null && body.rackId.trim().length === 0) return invalid("RackId can't be empty.");
  if (memberEpoch === 0) {
    if ((body.rebalanceTimeoutMs ?? -1) === -1)
      return invalid("RebalanceTimeoutMs must be provided in first request.");
    if (body.topicPartitions == null || body.topicPartitions.length > 0) {
      return invalid("TopicPartitions must be empty when (re-)joining.");
    }
    if (body.subscribedTopicNames == null && body.subscribedTopicRegex == null) {
      return invalid("SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
    }
  } else if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (body.instanceId == null) return invalid("InstanceId can't be null.");
  } else if (memberEpoch < LEAVE_GROUP_MEMBER_EPOCH) {
    return invalid("MemberEpoch is invalid.");
  }
  const regex = body.subscribedTopicRegex;
  if (regex != null && regex.length > 0 && compileTopicRegex(regex) === null) {
    return {
      errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION,
      errorMessage: `SubscribedTopicRegex \`${regex}\` is not a valid regular expression.`,
    };
  }
  const assignor = body.serverAssignor;
  if (assignor != null && (!assignors.includes(assignor) || findServerAssignor(assignor) === undefined)) {
    return {
      errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR,
      errorMessage: `ServerAssignor ${assignor} is not supported. Supported assignors: ${assignors.join(", ")}.`,
    };
  }
  return null;
}
