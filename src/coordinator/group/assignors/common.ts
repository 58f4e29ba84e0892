/**
 * Helpers shared by the assignors: deterministic ordering, sanitising current
 * assignments, and building the sorted output.
 */
import assert from "node:assert/strict";
import type { AssignmentMember, AssignmentSpec, MemberTargetAssignment, TargetAssignment } from "./types.ts";

/** Code-unit string order: locale independent, so every host sorts alike. */
export function compareStrings(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

/** Members in ascending member id order; duplicate ids are a programmer error. */
export function sortMembersById(members: readonly AssignmentMember[]): AssignmentMember[] {
  const sorted = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
  for (let i = 1; i < sorted.length; i++) {
    assert.notEqual(sorted[i - 1].memberId, sorted[i].memberId, "duplicate member id");
  }
  return sorted;
}

/** The member's subscribed topics that exist in the metadata, unique and ascending. */
export function existingSubscriptions(member: AssignmentMember, spec: AssignmentSpec): string[] {
  const unique = new Set<string>();
  for (const topicId of member.subscribedTopicIds) {
    if (spec.topics.has(topicId)) unique.add(topicId);
  }
  return [...unique].sort(compareStrings);
}

export function partitionCountOf(spec: AssignmentSpec, topicId: string): number {
  const topic = spec.topics.get(topicId);
  assert.ok(topic !== undefined, `unknown topic ${topicId}`);
  assert.ok(Number.isSafeInteger(topic.partitionCount) && topic.partitionCount >= 0, "bad partition count");
  return topic.partitionCount;
}

/**
 * Walks each member's current assignment (members in the given order, topics and
 * partitions ascending) and returns, per member, the partitions it may keep:
 * the topic is subscribed and exists, the partition is in range, and no earlier
 * member already claimed it. A consistent current assignment passes unchanged.
 */
export function claimCurrentPartitions(
  orderedMembers: readonly AssignmentMember[],
  subscriptions: readonly (readonly string[])[],
  spec: AssignmentSpec,
): { kept: Map<string, number[]>[]; owners: Map<string, Int32Array> } {
  const owners = new Map<string, Int32Array>();
  for (const topics of subscriptions) {
    for (const topicId of topics) {
      if (!owners.has(topicId)) owners.set(topicId, new Int32Array(partitionCountOf(spec, topicId)).fill(-1));
    }
  }
  const kept = orderedMembers.map((member, memberIndex) => {
    const mine = new Map<string, number[]>();
    const subscribed = new Set(subscriptions[memberIndex]);
    const topicIds = [...member.currentAssignment.keys()]
      .filter((t) => subscribed.has(t))
      .sort(compareStrings);
    for (const topicId of topicIds) {
      const topicOwners = owners.get(topicId);
      assert.ok(topicOwners !== undefined);
      const partitions = [...(member.currentAssignment.get(topicId) ?? [])].sort((a, b) => a - b);
      const claimed: number[] = [];
      for (const partition of partitions) {
        if (!Number.isInteger(partition) || partition < 0 || partition >= topicOwners.length) continue;
        if (topicOwners[partition] !== -1) continue;
        topicOwners[partition] = memberIndex;
        claimed.push(partition);
      }
      if (claimed.length > 0) mine.set(topicId, claimed);
    }
    return mine;
  });
  return { kept, owners };
}

/** Builds the sorted output from per-member topic → partition lists. */
export function toTargetAssignment(
  orderedMembers: readonly AssignmentMember[],
  perMember: readonly Map<string, number[]>[],
): TargetAssignment {
  assert.equal(orderedMembers.length, perMember.length);
  const result: TargetAssignment = new Map();
  const byId = [...orderedMembers.keys()].sort((a, b) =>
    compareStrings(orderedMembers[a].memberId, orderedMembers[b].memberId),
  );
  for (const memberIndex of byId) {
    const source = perMember[memberIndex];
    const target: MemberTargetAssignment = new Map();
    for (const topicId of [...source.keys()].sort(compareStrings)) {
      const partitions = [...(source.get(topicId) ?? [])].sort((a, b) => a - b);
      if (partitions.length > 0) target.set(topicId, partitions);
    }
    result.set(orderedMembers[memberIndex].memberId, target);
  }
  return result;
}

/** Appends a partition to a member's topic list. */
export function addPartition(assignment: Map<string, number[]>, topicId: string, partition: number): void {
  const list = assignment.get(topicId);
  if (list === undefined) assignment.set(topicId, [partition]);
  else list.push(partition);
}

/** Total number of partitions in a topic → partitions map. */
export function countPartitions(assignment: ReadonlyMap<string, readonly number[]>): number {
  let total = 0;
  for (const partitions of assignment.values()) total += partitions.length;
  return total;
}
