/**
 * Uniform assignment when every member subscribes to the same topics.
 *
 * Balance first: with P partitions and M members each member gets
 * floor(P / M) partitions and P mod M of them get one more. Stickiness second:
 * the extra slots go to members that already hold more than the floor, so the
 * number of partitions kept, sum over members of min(current, quota), is the
 * largest any balanced assignment allows. Kafka's builder hands the extra slots
 * out in member iteration order instead, which can move a partition needlessly.
 * Unkept partitions are then dealt out in (topic id, partition) order to the
 * members still under quota, in member id order.
 */
import assert from "node:assert/strict";
import { addPartition, claimCurrentPartitions, partitionCountOf, toTargetAssignment } from "./common.ts";
import type { AssignmentMember, AssignmentSpec, TargetAssignment } from "./types.ts";

interface TopicPartitionRef {
  readonly topicId: string;
  readonly partition: number;
}

/** Quota per member: the floor, plus one for the members chosen to take an extra partition. */
export function homogeneousQuotas(currentCounts: readonly number[], partitionCount: number): number[] {
  const memberCount = currentCounts.length;
  assert.ok(memberCount > 0);
  const minimumQuota = Math.floor(partitionCount / memberCount);
  let extrasLeft = partitionCount % memberCount;
  const quotas = currentCounts.map(() => minimumQuota);
  for (let i = 0; i < memberCount && extrasLeft > 0; i++) {
    if (currentCounts[i] > minimumQuota) {
      quotas[i]++;
      extrasLeft--;
    }
  }
  for (let i = 0; i < memberCount && extrasLeft > 0; i++) {
    if (quotas[i] === minimumQuota) {
      quotas[i]++;
      extrasLeft--;
    }
  }
  return quotas;
}

/**
 * @param orderedMembers members sorted by member id, all subscribed to `topicIds`
 * @param topicIds the common subscription, existing topics only, ascending
 */
export function assignUniformHomogeneous(
  spec: AssignmentSpec,
  orderedMembers: readonly AssignmentMember[],
  topicIds: readonly string[],
): TargetAssignment {
  const subscriptions = orderedMembers.map(() => topicIds);
  const { kept, owners } = claimCurrentPartitions(orderedMembers, subscriptions, spec);
  let partitionCount = 0;
  for (const topicId of topicIds) partitionCount += partitionCountOf(spec, topicId);
  if (orderedMembers.length === 0) return new Map();

  const currentCounts = kept.map((assignment) => {
    let count = 0;
    for (const partitions of assignment.values()) count += partitions.length;
    return count;
  });
  const quotas = homogeneousQuotas(currentCounts, partitionCount);

  // Revoke beyond quota: keep the lowest (topic id, partition) pairs.
  const target = kept.map((assignment, memberIndex) => {
    const trimmed = new Map<string, number[]>();
    let room = quotas[memberIndex];
    for (const [topicId, partitions] of assignment) {
      const keep = partitions.slice(0, Math.max(0, room));
      room -= keep.length;
      if (keep.length > 0) trimmed.set(topicId, keep);
      for (const partition of partitions.slice(keep.length))
        owners.get(topicId)?.fill(-1, partition, partition + 1);
    }
    return trimmed;
  });

  const unassigned: TopicPartitionRef[] = [];
  for (const topicId of topicIds) {
    const topicOwners = owners.get(topicId);
    assert.ok(topicOwners !== undefined);
    for (let partition = 0; partition < topicOwners.length; partition++) {
      if (topicOwners[partition] === -1) unassigned.push({ topicId, partition });
    }
  }

  let next = 0;
  target.forEach((assignment, memberIndex) => {
    let room = quotas[memberIndex] - Math.min(currentCounts[memberIndex], quotas[memberIndex]);
    for (; room > 0; room--) {
      const ref = unassigned[next++];
      assert.ok(ref !== undefined, "ran out of partitions while filling quotas");
      addPartition(assignment, ref.topicId, ref.partition);
    }
  });
  assert.equal(next, unassigned.length, "partitions left unassigned");
  return toTargetAssignment(orderedMembers, target);
}
