/**
 * ConsumerGroupDescribe: epochs, assignor, and each member's subscription,
 * current and target assignment (topic ids with their names).
 */
import { ErrorCode } from "../../../protocol/errors.ts";
import type { DescribedGroup } from "../../../protocol/messages/consumer-group-describe-response.ts";
import type { TopicsView } from "../types.ts";
import { type Assignment, EMPTY_ASSIGNMENT } from "./assignment.ts";
import type { ConsumerGroup } from "./consumer-group.ts";
import { groupAssignor } from "./target.ts";

/** Kafka's marker for "authorized operations not asked for". */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
/** ConsumerGroupDescribe v1's member type of a consumer-protocol member. */
const CONSUMER_MEMBER_TYPE = 1;

function named(a: Assignment, topics: TopicsView) {
  return {
    topicPartitions: [...a].map(([topicId, partitions]) => ({
      topicId,
      topicName: topics.byId(topicId)?.name ?? "",
      partitions: [...partitions],
    })),
  };
}

export function describeConsumerGroup(
  group: ConsumerGroup,
  topics: TopicsView,
  assignors: readonly string[],
): DescribedGroup {
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId: group.groupId,
    groupState: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: groupAssignor(group, assignors),
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: named(m.assigned, topics),
      targetAssignment: named(group.target.get(m.memberId) ?? EMPTY_ASSIGNMENT, topics),
      memberType: CONSUMER_MEMBER_TYPE,
    })),
  };
}

export function describeMissing(groupId: string, isClassic: boolean): DescribedGroup {
  return {
    errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
    errorMessage: isClassic ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`,
    groupId,
    groupState: "Dead",
    groupEpoch: -1,
    assignmentEpoch: -1,
    assignorName: "",
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    members: [],
  };
}
