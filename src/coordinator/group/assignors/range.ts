/**
 * The `range` server-side assignor: Kafka's range assignment made sticky.
 *
 * Each topic is split on its own among its subscribers, taken in Kafka's range
 * order (static members by instance id first, then the rest by member id). With
 * P partitions and S subscribers every subscriber gets floor(P / S) partitions
 * and P mod S of them one more; with no current assignment the first members in
 * order get the extras and each member a contiguous range, so co-partitioned
 * topics with the same subscribers line up partition for partition.
 *
 * Stickiness follows Kafka's server-side range assignor: walking the subscribers
 * in order, each keeps its lowest current partitions up to the floor, plus its
 * next one while extra slots remain if it held more than the floor. The freed
 * and unowned partitions are then dealt out in ascending ranges, in the same
 * member order, first topping up to the floor plus any extra slot still free.
 */
import assert from "node:assert/strict";
import {
  addPartition,
  claimCurrentPartitions,
  compareStrings,
  existingSubscriptions,
  sortMembersById,
  toTargetAssignment,
} from "./common.ts";
import type { AssignmentMember, AssignmentSpec, PartitionAssignor, TargetAssignment } from "./types.ts";

export const RANGE_ASSIGNOR_NAME = "range";

/** Kafka's range order: members with an instance id first (by instance id), then by member id. */
export function compareRangeOrder(left: AssignmentMember, right: AssignmentMember): number {
  const leftStatic = left.instanceId !== undefined;
  const rightStatic = right.instanceId !== undefined;
  if (leftStatic !== rightStatic) return leftStatic ? -1 : 1;
  if (leftStatic && rightStatic && left.instanceId !== right.instanceId) {
    return compareStrings(left.instanceId ?? "", right.instanceId ?? "");
  }
  return compareStrings(left.memberId, right.memberId);
}

/** Assigns one topic; `current[i]` is subscriber i's claimed partitions of it, ascending. */
export function assignRangeTopic(
  partitionCount: number,
  current: readonly (readonly number[])[],
): number[][] {
  const subscriberCount = current.length;
  assert.ok(subscriberCount > 0);
  const minimumQuota = Math.floor(partitionCount / subscriberCount);
  let extrasLeft = partitionCount % subscriberCount;
  const owned = new Uint8Array(partitionCount);
  const result: number[][] = [];
  const unfilled: { subscriber: number; remaining: number }[] = [];
  current.forEach((partitions, subscriber) => {
    const keep = partitions.slice(0, Math.min(partitions.length, minimumQuota));
    const remaining = minimumQuota - partitions.length;
    if (remaining < 0 && extrasLeft > 0) {
      extrasLeft--;
      keep.push(partitions[minimumQuota]);
    } else {
      unfilled.push({ subscriber, remaining });
    }
    for (const partition of keep) owned[partition] = 1;
    result.push(keep);
  });

  let next = 0;
  for (const { subscriber, remaining } of unfilled) {
    let need = remaining;
    if (extrasLeft > 0) {
      need++;
      extrasLeft--;
    }
    for (; need > 0; need--) {
      while (next < partitionCount && owned[next] === 1) next++;
      assert.ok(next < partitionCount, "range ran out of partitions");
      owned[next] = 1;
      result[subscriber].push(next);
    }
  }
  assert.ok(
    owned.every((flag) => flag === 1),
    "range left partitions unassigned",
  );
  return result;
}

export function assignRange(spec: AssignmentSpec): TargetAssignment {
  const members = [...spec.members].sort(compareRangeOrder);
  sortMembersById(spec.members); // asserts member ids are unique
  const subscriptions = members.map((member) => existingSubscriptions(member, spec));
  const { kept } = claimCurrentPartitions(members, subscriptions, spec);
  const subscribers = new Map<string, number[]>();
  subscriptions.forEach((topics, memberIndex) => {
    for (const topicId of topics) {
      const list = subscribers.get(topicId);
      if (list === undefined) subscribers.set(topicId, [memberIndex]);
      else list.push(memberIndex);
    }
  });
  const target = members.map(() => new Map<string, number[]>());
  for (const topicId of [...subscribers.keys()].sort(compareStrings)) {
    const topicSubscribers = subscribers.get(topicId) ?? [];
    const partitionCount = spec.topics.get(topicId)?.partitionCount ?? 0;
    const current = topicSubscribers.map((memberIndex) => kept[memberIndex].get(topicId) ?? []);
    const perSubscriber = assignRangeTopic(partitionCount, current);
    perSubscriber.forEach((partitions, i) => {
      for (const partition of partitions) addPartition(target[topicSubscribers[i]], topicId, partition);
    });
  }
  return toTargetAssignment(members, target);
}

export const rangeAssignor: PartitionAssignor = { name: RANGE_ASSIGNOR_NAME, assign: assignRange };
