import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { AssignmentSpec } from "../../../../../src/coordinator/group/assignors/types.ts";
import { assignUniform, isHomogeneous } from "../../../../../src/coordinator/group/assignors/uniform.ts";
import { homogeneousQuotas } from "../../../../../src/coordinator/group/assignors/uniform-homogeneous.ts";
import {
  assertValid,
  bruteForceOptimum,
  keptCount,
  loadsOf,
  makeSpec,
  serialize,
  shuffledSpec,
  specArbitrary,
  subscribedExisting,
  withCurrent,
} from "./assignor-oracles.ts";

const RUNS = 300;

/** Drops current partitions already held by an earlier member, as a real target assignment never overlaps. */
function consistentCurrent(spec: AssignmentSpec): AssignmentSpec {
  const seen = new Set<string>();
  return {
    topics: spec.topics,
    members: spec.members.map((m) => ({
      ...m,
      currentAssignment: new Map(
        [...m.currentAssignment].map(([t, ps]) => [
          t,
          ps.filter((p) => {
            const key = `${t}:${p}`;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          }),
        ]),
      ),
    })),
  };
}

function spread(spec: AssignmentSpec, memberIds: readonly string[]): number {
  const loads = loadsOf(assignUniform(spec));
  const values = memberIds.map((id) => loads.get(id) ?? 0);
  return Math.max(...values) - Math.min(...values);
}

describe("uniform assignor, homogeneous subscriptions", () => {
  const small = specArbitrary({ homogeneous: true, maxTopics: 2, maxPartitions: 3, maxMembers: 4 });
  const large = specArbitrary({ homogeneous: true, maxTopics: 5, maxPartitions: 12, maxMembers: 8 });

  test("assigns every subscribed partition exactly once, within one of each other", () => {
    fc.assert(
      fc.property(large, (spec) => {
        const result = assignUniform(spec);
        assertValid(spec, result);
        assert.ok(
          spread(
            spec,
            spec.members.map((m) => m.memberId),
          ) <= 1,
        );
      }),
      { numRuns: RUNS },
    );
  });

  test("matches brute force: optimal balance, and the fewest moves any balanced assignment needs", () => {
    fc.assert(
      fc.property(small, (raw) => {
        const spec = consistentCurrent(raw);
        const result = assignUniform(spec);
        const optimum = bruteForceOptimum(spec);
        const loads = [...loadsOf(result).values()];
        assert.equal(Math.max(...loads) - Math.min(...loads), optimum.spread);
        assert.equal(keptCount(spec, result), optimum.kept);
      }),
      { numRuns: RUNS },
    );
  });

  test("adding a member moves only the partitions it receives; removing one moves only its own", () => {
    fc.assert(
      fc.property(large, fc.boolean(), (raw, add) => {
        const settled = withCurrent(raw, assignUniform(raw));
        const subscribed = settled.members[0].subscribedTopicIds;
        const members = add
          ? [
              ...settled.members,
              { memberId: "member-new", subscribedTopicIds: subscribed, currentAssignment: new Map() },
            ]
          : settled.members.slice(1);
        if (members.length === 0) return;
        const next: AssignmentSpec = { topics: settled.topics, members };
        const result = assignUniform(next);
        const total = [...loadsOf(result).values()].reduce((a, b) => a + b, 0);
        const moved = total - keptCount(next, result);
        if (add) {
          assert.equal(moved, loadsOf(result).get("member-new"));
          assert.ok(moved <= Math.ceil(total / members.length));
        } else {
          assert.equal(
            moved,
            [...settled.members[0].currentAssignment.values()].reduce((n, ps) => n + ps.length, 0),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("quotas: extra slots go to members already above the floor", () => {
    assert.deepEqual(homogeneousQuotas([1, 2], 3), [1, 2]);
    assert.deepEqual(homogeneousQuotas([0, 0, 5], 7), [2, 2, 3]);
    assert.deepEqual(homogeneousQuotas([3, 3, 0, 3], 10), [3, 3, 2, 2]);
    assert.deepEqual(homogeneousQuotas([0, 0, 0], 2), [1, 1, 0]);
  });

  test("a first assignment deals partitions in (topic, partition) order by member id", () => {
    const spec = makeSpec(
      [3, 2],
      [
        [0, 1],
        [0, 1],
      ],
    );
    const [first, second] = spec.members.map((m) => m.memberId).sort();
    const [topicA, topicB] = [...spec.topics.keys()].sort();
    const result = assignUniform(spec);
    const total = (id: string) => [...(result.get(id)?.values() ?? [])].flat();
    assert.equal(total(first).length + total(second).length, 5);
    assert.deepEqual(result.get(first), new Map([[topicA, [0, 1, 2]]]));
    assert.deepEqual(result.get(second), new Map([[topicB, [0, 1]]]));
  });
});

describe("uniform assignor, heterogeneous subscriptions", () => {
  const specs = specArbitrary({ homogeneous: false, maxTopics: 4, maxPartitions: 10, maxMembers: 6 });

  test("assigns every subscribed partition exactly once, only to subscribers", () => {
    fc.assert(
      fc.property(specs, (spec) => assertValid(spec, assignUniform(spec))),
      { numRuns: RUNS },
    );
  });

  test("no single move narrows the gap between a partition's owner and another subscriber", () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const result = assignUniform(spec);
        const loads = loadsOf(result);
        for (const [owner, topics] of result) {
          for (const topic of topics.keys()) {
            for (const member of spec.members) {
              if (!subscribedExisting(spec, member).has(topic)) continue;
              assert.ok((loads.get(owner) ?? 0) - (loads.get(member.memberId) ?? 0) <= 1);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("groups of identical or disjoint subscriptions balance like brute force", () => {
    const grouped = fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 3 }),
        fc.array(fc.nat(1), { minLength: 2, maxLength: 4 }),
      )
      .map(([counts, groupOf]) =>
        makeSpec(
          counts,
          groupOf.map((g) => (g === 0 ? [0] : counts.map((_, i) => i).slice(1))),
        ),
      );
    fc.assert(
      fc.property(grouped, (spec) => {
        const firstTopic = [...spec.topics.keys()][0];
        for (const inFirst of [true, false]) {
          const members = spec.members.filter((m) => subscribedExisting(spec, m).has(firstTopic) === inFirst);
          if (members.length === 0) continue;
          const optimum = bruteForceOptimum({ topics: spec.topics, members });
          assert.equal(
            spread(
              spec,
              members.map((m) => m.memberId),
            ),
            optimum.spread,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("sticky: reassigning a settled group moves nothing", () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const first = assignUniform(spec);
        assert.equal(serialize(assignUniform(withCurrent(spec, first))), serialize(first));
      }),
      { numRuns: RUNS },
    );
  });

  test("keeps every current partition that a balanced result allows", () => {
    // a holds everything of t0 it may; b joins: only the surplus moves.
    const spec = makeSpec(
      [4, 2],
      [[0], [0, 1]],
      [
        [
          [0, 0],
          [0, 1],
          [0, 2],
          [0, 3],
        ],
        [],
      ],
    );
    const result = assignUniform(spec);
    assertValid(spec, result);
    assert.equal(keptCount(spec, result), 3);
  });
});

describe("uniform assignor, both shapes", () => {
  const specs = fc.oneof(
    specArbitrary({ homogeneous: true, maxTopics: 4, maxPartitions: 8, maxMembers: 6 }),
    specArbitrary({ homogeneous: false, maxTopics: 4, maxPartitions: 8, maxMembers: 6 }),
  );

  test("deterministic: member, topic and map order do not matter", () => {
    fc.assert(
      fc.property(specs, fc.nat(), (spec, seed) => {
        assert.equal(serialize(assignUniform(shuffledSpec(spec, seed))), serialize(assignUniform(spec)));
      }),
      { numRuns: RUNS },
    );
  });

  test("idempotent on its own output", () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const first = assignUniform(spec);
        assert.equal(serialize(assignUniform(withCurrent(spec, first))), serialize(first));
      }),
      { numRuns: RUNS },
    );
  });

  test("empty group, unknown topics and empty subscriptions", () => {
    assert.deepEqual(assignUniform({ members: [], topics: new Map() }), new Map());
    const spec = makeSpec([2], [[]]);
    assert.deepEqual(assignUniform(spec), new Map([[spec.members[0].memberId, new Map()]]));
    const unknown = { ...spec, members: [{ ...spec.members[0], subscribedTopicIds: ["missing"] }] };
    assert.deepEqual(assignUniform(unknown), new Map([[spec.members[0].memberId, new Map()]]));
    assert.equal(isHomogeneous([["a"], ["a"]]), true);
    assert.equal(isHomogeneous([["a"], ["a", "b"]]), false);
  });
});
