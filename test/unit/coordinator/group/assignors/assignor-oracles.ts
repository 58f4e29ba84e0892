/**
 * Generators, invariant checks and brute-force oracles shared by the assignor tests.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type {
  AssignmentMember,
  AssignmentSpec,
  AssignmentTopic,
  TargetAssignment,
} from "../../../../../src/coordinator/group/assignors/types.ts";

export interface SpecShape {
  readonly topicCounts: readonly number[];
  readonly memberCount: number;
}

function topicId(index: number): string {
  return `topic-${String.fromCharCode(97 + ((index * 7) % 26))}${index}`;
}

/** Builds a spec; `subscriptions[i]` and `current[i]` use topic indexes. */
export function makeSpec(
  topicCounts: readonly number[],
  subscriptions: readonly (readonly number[])[],
  current: readonly (readonly (readonly [number, number])[])[] = [],
  instanceIds: readonly (string | undefined)[] = [],
): AssignmentSpec {
  const topics = new Map<string, AssignmentTopic>(
    topicCounts.map((count, i) => [topicId(i), { partitionCount: count }]),
  );
  const members: AssignmentMember[] = subscriptions.map((subscribed, i) => {
    const currentAssignment = new Map<string, number[]>();
    for (const [topicIndex, partition] of current[i] ?? []) {
      const list = currentAssignment.get(topicId(topicIndex)) ?? [];
      list.push(partition);
      currentAssignment.set(topicId(topicIndex), list);
    }
    const instanceId = instanceIds[i];
    return {
      memberId: `member-${String.fromCharCode(122 - ((i * 5) % 26))}${i}`,
      ...(instanceId === undefined ? {} : { instanceId }),
      subscribedTopicIds: subscribed.map(topicId),
      currentAssignment,
    };
  });
  return { members, topics };
}

/** Random spec: homogeneous when asked, otherwise arbitrary subscriptions; current may be inconsistent. */
export function specArbitrary(options: {
  homogeneous: boolean;
  maxTopics: number;
  maxPartitions: number;
  maxMembers: number;
}): fc.Arbitrary<AssignmentSpec> {
  return fc
    .record({
      topicCounts: fc.array(fc.integer({ min: 0, max: options.maxPartitions }), {
        minLength: 1,
        maxLength: options.maxTopics,
      }),
      memberCount: fc.integer({ min: 1, max: options.maxMembers }),
    })
    .chain(({ topicCounts, memberCount }) => {
      const topicIndex = fc.integer({ min: 0, max: topicCounts.length - 1 });
      const subscription = fc.uniqueArray(topicIndex, { minLength: 1, maxLength: topicCounts.length });
      const subscriptions = options.homogeneous
        ? subscription.map((s) => Array.from({ length: memberCount }, () => s))
        : fc.array(subscription, { minLength: memberCount, maxLength: memberCount });
      const currentEntry = fc.tuple(topicIndex, fc.integer({ min: 0, max: options.maxPartitions }));
      const current = fc.array(fc.array(currentEntry, { maxLength: 6 }), {
        minLength: memberCount,
        maxLength: memberCount,
      });
      return fc.tuple(subscriptions, current).map(([subs, cur]) => makeSpec(topicCounts, subs, cur));
    });
}

/** Same spec with members, topics and current-assignment entries in another order. */
export function shuffledSpec(spec: AssignmentSpec, seed: number): AssignmentSpec {
  const rotate = <T>(items: readonly T[]): T[] => {
    const shift = items.length === 0 ? 0 : seed % items.length;
    return [...items.slice(shift), ...items.slice(0, shift)].reverse();
  };
  return {
    topics: new Map(rotate([...spec.topics])),
    members: rotate(spec.members).map((member) => ({
      ...member,
      subscribedTopicIds: rotate(member.subscribedTopicIds),
      currentAssignment: new Map(rotate([...member.currentAssignment]).map(([t, ps]) => [t, rotate(ps)])),
    })),
  };
}

/** Ordered, JSON-comparable form of a result: catches any order dependence. */
export function serialize(result: TargetAssignment): string {
  return JSON.stringify([...result].map(([member, topics]) => [member, [...topics]]));
}

export function subscribedExisting(spec: AssignmentSpec, member: AssignmentMember): Set<string> {
  return new Set(member.subscribedTopicIds.filter((t) => spec.topics.has(t)));
}

/** Every subscribed partition to exactly one subscriber; nothing else; sorted output. */
export function assertValid(spec: AssignmentSpec, result: TargetAssignment): void {
  assert.deepEqual([...result.keys()], spec.members.map((m) => m.memberId).sort());
  const owners = new Map<string, string>();
  for (const member of spec.members) {
    const subscribed = subscribedExisting(spec, member);
    const topics = result.get(member.memberId);
    assert.ok(topics !== undefined);
    assert.deepEqual([...topics.keys()], [...topics.keys()].sort());
    for (const [topic, partitions] of topics) {
      assert.ok(subscribed.has(topic), `${member.memberId} got unsubscribed ${topic}`);
      assert.ok(partitions.length > 0);
      assert.deepEqual(
        partitions,
        [...partitions].sort((a, b) => a - b),
      );
      for (const partition of partitions) {
        assert.ok(partition >= 0 && partition < (spec.topics.get(topic)?.partitionCount ?? 0));
        const key = `${topic}:${partition}`;
        assert.ok(!owners.has(key), `${key} assigned twice`);
        owners.set(key, member.memberId);
      }
    }
  }
  const wanted = new Set(spec.members.flatMap((m) => [...subscribedExisting(spec, m)]));
  let expected = 0;
  for (const topic of wanted) expected += spec.topics.get(topic)?.partitionCount ?? 0;
  assert.equal(owners.size, expected, "some subscribed partition is unassigned");
}

export function loadsOf(result: TargetAssignment): Map<string, number> {
  return new Map(
    [...result].map(([member, topics]) => [member, [...topics.values()].reduce((n, ps) => n + ps.length, 0)]),
  );
}

/** Partitions in the result that their new owner already held. */
export function keptCount(spec: AssignmentSpec, result: TargetAssignment): number {
  let kept = 0;
  for (const member of spec.members) {
    for (const [topic, partitions] of result.get(member.memberId) ?? new Map<string, number[]>()) {
      const before = new Set(member.currentAssignment.get(topic) ?? []);
      kept += partitions.filter((p) => before.has(p)).length;
    }
  }
  return kept;
}

/** Feeds a result back as the members' current assignment. */
export function withCurrent(spec: AssignmentSpec, result: TargetAssignment): AssignmentSpec {
  return {
    topics: spec.topics,
    members: spec.members.map((m) => ({ ...m, currentAssignment: new Map(result.get(m.memberId) ?? []) })),
  };
}

/**
 * Brute force over every assignment of each partition to one of its subscribers:
 * the smallest possible max-min load spread, and the most partitions kept by a
 * current holder among assignments with that spread.
 */
export function bruteForceOptimum(spec: AssignmentSpec): { spread: number; kept: number } {
  const members = spec.members;
  const slots: { holders: Set<number>; candidates: number[] }[] = [];
  for (const [topic, { partitionCount }] of spec.topics) {
    const candidates = members.flatMap((m, i) => (subscribedExisting(spec, m).has(topic) ? [i] : []));
    if (candidates.length === 0) continue;
    for (let p = 0; p < partitionCount; p++) {
      const holders = new Set(
        members.flatMap((m, i) => ((m.currentAssignment.get(topic) ?? []).includes(p) ? [i] : [])),
      );
      slots.push({ holders, candidates });
    }
  }
  const loads = members.map(() => 0);
  let best = { spread: Number.POSITIVE_INFINITY, kept: -1 };
  const visit = (slot: number, kept: number): void => {
    if (slot === slots.length) {
      const spread = Math.max(...loads) - Math.min(...loads);
      if (spread < best.spread || (spread === best.spread && kept > best.kept)) best = { spread, kept };
      return;
    }
    for (const candidate of slots[slot].candidates) {
      loads[candidate]++;
      visit(slot + 1, kept + (slots[slot].holders.has(candidate) ? 1 : 0));
      loads[candidate]--;
    }
  };
  visit(0, 0);
  return best;
}
