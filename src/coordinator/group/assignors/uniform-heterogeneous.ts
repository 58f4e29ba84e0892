/**
 * Uniform assignment when members subscribe to different topic sets.
 *
 * Same shape as Kafka's heterogeneous builder:
 *  1. keep every current partition the member is still subscribed to;
 *  2. hand each unowned partition to the least loaded subscriber of its topic,
 *     topics ordered by partitions per subscriber (descending), then subscriber
 *     count (ascending), then topic id;
 *  3. per topic, move partitions from its most loaded owner to its least loaded
 *     subscriber while their totals differ by more than one, sweeping the topics
 *     until a full sweep moves nothing.
 * Kafka caps step 3 at 16 sweeps; here it runs to its fixed point, which always
 * comes (each move lowers the sum of squared member loads by at least two). At
 * that point no single partition move can narrow the gap between its owner and
 * any other subscriber of its topic. That is perfect balance when all subscribers
 * of a topic share the same subscription, and best effort otherwise.
 * Ties between members break on member id order.
 */
import assert from "node:assert/strict";
import { addPartition, claimCurrentPartitions, compareStrings, toTargetAssignment } from "./common.ts";
import type { AssignmentMember, AssignmentSpec, TargetAssignment } from "./types.ts";

interface BalanceState {
  readonly loads: number[];
  readonly owners: Map<string, Int32Array>;
  readonly subscribers: Map<string, number[]>;
}

function leastLoaded(state: BalanceState, candidates: readonly number[]): number {
  let best = candidates[0];
  for (const member of candidates) {
    if (
      state.loads[member] < state.loads[best] ||
      (state.loads[member] === state.loads[best] && member < best)
    ) {
      best = member;
    }
  }
  return best;
}

function compareTopics(state: BalanceState, left: string, right: string): number {
  const leftPartitions = state.owners.get(left)?.length ?? 0;
  const rightPartitions = state.owners.get(right)?.length ?? 0;
  const leftSubscribers = state.subscribers.get(left)?.length ?? 1;
  const rightSubscribers = state.subscribers.get(right)?.length ?? 1;
  // Partitions per subscriber descending, compared exactly by cross-multiplying.
  const perSubscriber = rightPartitions * leftSubscribers - leftPartitions * rightSubscribers;
  if (perSubscriber !== 0) return perSubscriber;
  if (leftSubscribers !== rightSubscribers) return leftSubscribers - rightSubscribers;
  return compareStrings(left, right);
}

/** Moves partitions of one topic until its owners and subscribers are within one; returns moves made. */
function balanceTopic(state: BalanceState, topicId: string, moveBudget: { left: number }): number {
  const owners = state.owners.get(topicId);
  const subscribers = state.subscribers.get(topicId);
  assert.ok(owners !== undefined && subscribers !== undefined);
  let moves = 0;
  for (;;) {
    const receiver = leastLoaded(state, subscribers);
    // The most loaded owner; on ties the highest member index, and its highest partition.
    let donorPartition = -1;
    for (let partition = owners.length - 1; partition >= 0; partition--) {
      const owner = owners[partition];
      const best = donorPartition === -1 ? -1 : owners[donorPartition];
      if (
        best === -1 ||
        state.loads[owner] > state.loads[best] ||
        (state.loads[owner] === state.loads[best] && owner > best)
      ) {
        donorPartition = partition;
      }
    }
    if (donorPartition === -1) return moves;
    const donor = owners[donorPartition];
    if (state.loads[donor] - state.loads[receiver] <= 1) return moves;
    assert.ok(moveBudget.left-- > 0, "balancing did not converge");
    owners[donorPartition] = receiver;
    state.loads[donor]--;
    state.loads[receiver]++;
    moves++;
  }
}

/**
 * @param orderedMembers members sorted by member id
 * @param subscriptions per member: existing subscribed topics, ascending
 */
export function assignUniformHeterogeneous(
  spec: AssignmentSpec,
  orderedMembers: readonly AssignmentMember[],
  subscriptions: readonly (readonly string[])[],
): TargetAssignment {
  const { kept, owners } = claimCurrentPartitions(orderedMembers, subscriptions, spec);
  const subscribers = new Map<string, number[]>();
  subscriptions.forEach((topics, memberIndex) => {
    for (const topicId of topics) {
      const list = subscribers.get(topicId);
      if (list === undefined) subscribers.set(topicId, [memberIndex]);
      else list.push(memberIndex);
    }
  });
  const loads = kept.map((assignment) => {
    let load = 0;
    for (const partitions of assignment.values()) load += partitions.length;
    return load;
  });
  const state: BalanceState = { loads, owners, subscribers };
  const topicOrder = [...subscribers.keys()].sort((a, b) => compareTopics(state, a, b));

  let partitionTotal = 0;
  for (const topicId of topicOrder) {
    const topicOwners = owners.get(topicId);
    const topicSubscribers = subscribers.get(topicId);
    assert.ok(topicOwners !== undefined && topicSubscribers !== undefined);
    partitionTotal += topicOwners.length;
    for (let partition = 0; partition < topicOwners.length; partition++) {
      if (topicOwners[partition] !== -1) continue;
      const receiver = leastLoaded(state, topicSubscribers);
      topicOwners[partition] = receiver;
      loads[receiver]++;
    }
  }

  const movable = topicOrder.filter((topicId) => (subscribers.get(topicId)?.length ?? 0) >= 2);
  const moveBudget = { left: partitionTotal * partitionTotal + 1 };
  let sweepsWithoutMoves = 0;
  while (movable.length > 0 && sweepsWithoutMoves === 0) {
    let moved = 0;
    for (const topicId of movable) moved += balanceTopic(state, topicId, moveBudget);
    if (moved === 0) sweepsWithoutMoves++;
  }

  const target = orderedMembers.map(() => new Map<string, number[]>());
  for (const topicId of [...owners.keys()].sort(compareStrings)) {
    const topicOwners = owners.get(topicId);
    assert.ok(topicOwners !== undefined);
    topicOwners.forEach((owner, partition) => {
      assert.ok(owner >= 0, "partition left unassigned");
      addPartition(target[owner], topicId, partition);
    });
  }
  return toTargetAssignment(orderedMembers, target);
}
