import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  assignRange,
  assignRangeTopic,
  compareRangeOrder,
} from "../../../../../src/coordinator/group/assignors/range.ts";
import type {
  AssignmentSpec,
  TargetAssignment,
} from "../../../../../src/coordinator/group/assignors/types.ts";
import {
  assertValid,
  makeSpec,
  serialize,
  shuffledSpec,
  specArbitrary,
  subscribedExisting,
  withCurrent,
} from "./assignor-oracles.ts";

const RUNS = 300;

/** Readable form: member id → topic index → partitions (topic index follows makeSpec order). */
function byIndex(spec: AssignmentSpec, result: TargetAssignment): Record<string, Record<number, number[]>> {
  const topicIds = [...spec.topics.keys()];
  const out: Record<string, Record<number, number[]>> = {};
  for (const member of spec.members) {
    const row: Record<number, number[]> = {};
    for (const [topic, partitions] of result.get(member.memberId) ?? [])
      row[topicIds.indexOf(topic)] = partitions;
    out[member.memberId] = row;
  }
  return out;
}

function rows(
  spec: AssignmentSpec,
  ...expected: Record<number, number[]>[]
): Record<string, Record<number, number[]>> {
  return Object.fromEntries(spec.members.map((m, i) => [m.memberId, expected[i]]));
}

/** Members of makeSpec sort by id in reverse creation order, so build specs whose creation order is range order. */
function ordered(spec: AssignmentSpec): AssignmentSpec {
  return { topics: spec.topics, members: spec.members.map((m, i) => ({ ...m, memberId: `m${i}` })) };
}

describe("range assignor, Kafka's documented cases", () => {
  test("two members, two topics of three partitions: ranges line up across topics", () => {
    const spec = ordered(
      makeSpec(
        [3, 3],
        [
          [0, 1],
          [0, 1],
        ],
      ),
    );
    assert.deepEqual(
      byIndex(spec, assignRange(spec)),
      rows(spec, { 0: [0, 1], 1: [0, 1] }, { 0: [2], 1: [2] }),
    );
  });

  test("different subscriptions: each topic is split among its own subscribers", () => {
    const spec = ordered(makeSpec([3, 3, 2], [[0, 1], [2], [1, 2]]));
    assert.deepEqual(
      byIndex(spec, assignRange(spec)),
      rows(spec, { 0: [0, 1, 2], 1: [0, 1] }, { 2: [0] }, { 1: [2], 2: [1] }),
    );
  });

  test("a member joins: each keeps its lowest partitions, the newcomer takes the freed ones", () => {
    const current = [
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      [
        [0, 2],
        [1, 2],
      ],
      [],
    ] as const;
    const spec = ordered(
      makeSpec(
        [3, 3],
        [
          [0, 1],
          [0, 1],
          [0, 1],
        ],
        current,
      ),
    );
    assert.deepEqual(
      byIndex(spec, assignRange(spec)),
      rows(spec, { 0: [0], 1: [0] }, { 0: [2], 1: [2] }, { 0: [1], 1: [1] }),
    );
  });

  test("a member leaves: the extra slot goes to the first member in order", () => {
    const current = [
      [
        [0, 0],
        [1, 0],
      ],
      [
        [0, 1],
        [1, 1],
      ],
    ] as const;
    const spec = ordered(
      makeSpec(
        [3, 3],
        [
          [0, 1],
          [0, 1],
        ],
        current,
      ),
    );
    assert.deepEqual(
      byIndex(spec, assignRange(spec)),
      rows(spec, { 0: [0, 2], 1: [0, 2] }, { 0: [1], 1: [1] }),
    );
  });

  test("more members than partitions: the last members get nothing", () => {
    const spec = ordered(makeSpec([2], [[0], [0], [0]]));
    assert.deepEqual(byIndex(spec, assignRange(spec)), rows(spec, { 0: [0] }, { 0: [1] }, {}));
  });

  test("static members come first, by instance id, then the rest by member id", () => {
    const spec = makeSpec([3], [[0], [0], [0]], [], [undefined, "instance-b", "instance-a"]);
    const order = [...spec.members].sort(compareRangeOrder).map((m) => m.instanceId ?? m.memberId);
    assert.deepEqual(order, ["instance-a", "instance-b", spec.members[0].memberId]);
    const result = assignRange(spec);
    assert.deepEqual(result.get(spec.members[2].memberId), new Map([[[...spec.topics.keys()][0], [0]]]));
    assert.deepEqual(result.get(spec.members[0].memberId), new Map([[[...spec.topics.keys()][0], [2]]]));
  });

  test("per-topic step keeps one extra partition while extra slots remain", () => {
    assert.deepEqual(assignRangeTopic(5, [[0, 1, 2], [3, 4], []]), [[0, 1], [3, 4], [2]]);
    assert.deepEqual(assignRangeTopic(4, [[0, 1, 2], [3], []]), [[0, 1], [3], [2]]);
  });
});

describe("range assignor, properties", () => {
  const specs = specArbitrary({ homogeneous: false, maxTopics: 4, maxPartitions: 10, maxMembers: 6 });

  test("every subscribed partition exactly once, only to subscribers, balanced per topic", () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const result = assignRange(spec);
        assertValid(spec, result);
        for (const topic of spec.topics.keys()) {
          const counts = spec.members
            .filter((m) => subscribedExisting(spec, m).has(topic))
            .map((m) => result.get(m.memberId)?.get(topic)?.length ?? 0);
          if (counts.length > 0) assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("first assignment co-partitions topics of equal size", () => {
    const shape = fc.record({
      partitions: fc.integer({ min: 0, max: 12 }),
      topicCount: fc.integer({ min: 2, max: 4 }),
      memberCount: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(shape, ({ partitions, topicCount, memberCount }) => {
        const all = Array.from({ length: topicCount }, (_, i) => i);
        const spec = makeSpec(
          all.map(() => partitions),
          Array.from({ length: memberCount }, () => all),
        );
        for (const topics of assignRange(spec).values()) {
          const sets = [...topics.values()].map((ps) => JSON.stringify(ps));
          assert.ok(sets.length === 0 || (sets.length === topicCount && new Set(sets).size === 1));
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("sticky: each member keeps its lowest current partitions up to the per-topic floor", () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const result = assignRange(spec);
        const firstClaim = new Set<string>();
        for (const member of [...spec.members].sort(compareRangeOrder)) {
          for (const topic of subscribedExisting(spec, member)) {
            const count = spec.topics.get(topic)?.partitionCount ?? 0;
            const subscribers = spec.members.filter((m) => subscribedExisting(spec, m).has(topic)).length;
            const claimed = [...new Set(member.currentAssignment.get(topic) ?? [])]
              .filter((p) => p < count && !firstClaim.has(`${topic}:${p}`))
              .sort((a, b) => a - b);
            for (const p of claimed) firstClaim.add(`${topic}:${p}`);
            const kept = new Set(result.get(member.memberId)?.get(topic) ?? []);
            for (const p of claimed.slice(0, Math.floor(count / subscribers))) assert.ok(kept.has(p));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("deterministic and idempotent", () => {
    fc.assert(
      fc.property(specs, fc.nat(), (spec, seed) => {
        const first = assignRange(spec);
        assert.equal(serialize(assignRange(shuffledSpec(spec, seed))), serialize(first));
        assert.equal(serialize(assignRange(withCurrent(spec, first))), serialize(first));
      }),
      { numRuns: RUNS },
    );
  });
});
