/**
 * The consumer protocol (KIP-848) in the group coordinator, driven with
 * manual time: joins, epochs, revoke-before-assign reconciliation, regex
 * subscriptions, leaves and timeouts, static members, Kafka's validation
 * errors, offsets of consumer groups, conversion from an empty classic
 * group, and replay of the records it writes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { GroupCoordinator } from "../../../../src/coordinator/group/group-coordinator.ts";
import type { TopicInfo, TopicsView } from "../../../../src/coordinator/group/types.ts";
import { ErrorCode } from "../../../../src/protocol/errors.ts";
import type { ConsumerGroupHeartbeatRequest } from "../../../../src/protocol/messages/consumer-group-heartbeat-request.ts";
import type { ConsumerGroupHeartbeatResponse } from "../../../../src/protocol/messages/consumer-group-heartbeat-response.ts";
import { GROUP, Harness } from "./harness.ts";

/** A stable, valid topic id (base64url of 16 bytes) per name. */
const topicIdOf = (name: string): string => createHash("md5").update(name).digest("base64url");

class FakeTopics implements TopicsView {
  private readonly topics = new Map<string, TopicInfo>();
  add(name: string, partitions: number): TopicInfo {
    const info = { name, topicId: topicIdOf(name), partitions };
    this.topics.set(name, info);
    return info;
  }
  byName(name: string) {
    return this.topics.get(name);
  }
  byId(topicId: string) {
    return [...this.topics.values()].find((t) => t.topicId === topicId);
  }
  names() {
    return this.topics.keys();
  }
}

type Owned = { topicId: string; partitions: number[] }[];

class Cg {
  readonly topics = new FakeTopics();
  readonly h: Harness;
  constructor(config = {}) {
    this.h = new Harness({ consumerHeartbeatIntervalMs: 1_000, ...config }, this.topics);
  }
  hb(body: Partial<ConsumerGroupHeartbeatRequest> & { memberId: string; memberEpoch: number }, version = 1) {
    const { requestId } = this.h.send({
      kind: "consumerGroupHeartbeat",
      apiVersion: version,
      clientId: "c",
      clientHost: "/127.0.0.1",
      body: { groupId: GROUP, ...body },
    });
    return this.h.response("consumerGroupHeartbeat", requestId);
  }
  join(memberId: string, extra: Partial<ConsumerGroupHeartbeatRequest> = {}) {
    return this.hb({
      memberId,
      memberEpoch: 0,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ["t"],
      topicPartitions: [],
      ...extra,
    });
  }
  describe() {
    const { requestId } = this.h.send({
      kind: "consumerGroupDescribe",
      apiVersion: 1,
      body: { groupIds: [GROUP], includeAuthorizedOperations: false },
    });
    const described = this.h.response("consumerGroupDescribe", requestId).groups[0];
    assert(described !== undefined);
    return described;
  }
}

const ok = (r: ConsumerGroupHeartbeatResponse) => {
  assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? "");
  return r;
};
const owned = (r: ConsumerGroupHeartbeatResponse): Owned =>
  (r.assignment?.topicPartitions ?? []).map((t) => ({ topicId: t.topicId, partitions: t.partitions }));
const count = (o: Owned) => o.reduce((n, t) => n + t.partitions.length, 0);

test("a first member gets epoch 1 and every partition", () => {
  const g = new Cg();
  g.topics.add("t", 4);
  const r = ok(g.join("a"));
  assert.equal(r.memberId, "a");
  assert.equal(r.memberEpoch, 1);
  assert.equal(r.heartbeatIntervalMs, 1_000);
  assert.deepEqual(owned(r), [{ topicId: topicIdOf("t"), partitions: [0, 1, 2, 3] }]);
  const d = g.describe();
  assert.equal(d.groupState, "Stable");
  assert.equal(d.groupEpoch, 1);
  assert.equal(d.assignmentEpoch, 1);
  assert.equal(d.assignorName, "uniform");
  assert.deepEqual(d.members[0]?.assignment.topicPartitions, [
    { topicId: topicIdOf("t"), topicName: "t", partitions: [0, 1, 2, 3] },
  ]);
});

test("a second member: the first revokes before the second is assigned, no partition owned twice", () => {
  const g = new Cg();
  g.topics.add("t", 4);
  ok(g.join("a"));
  const b0 = ok(g.join("b"));
  assert.equal(b0.memberEpoch, 2, "b moves to the new epoch at once");
  assert.deepEqual(owned(b0), [], "but gets nothing a still owns");
  assert.equal(g.describe().groupState, "Reconciling");

  const a1 = ok(g.hb({ memberId: "a", memberEpoch: 1 }));
  assert.equal(a1.memberEpoch, 1, "a stays at its epoch until it revoked");
  const kept = owned(a1);
  assert.equal(count(kept), 2);
  const stillOwning = ok(
    g.hb({
      memberId: "a",
      memberEpoch: 1,
      topicPartitions: [{ topicId: topicIdOf("t"), partitions: [0, 1, 2, 3] }],
    }),
  );
  assert.equal(stillOwning.memberEpoch, 1);
  const acked = ok(g.hb({ memberId: "a", memberEpoch: 1, topicPartitions: kept }));
  assert.equal(acked.memberEpoch, 2);

  const b1 = ok(g.hb({ memberId: "b", memberEpoch: 2 }));
  assert.equal(count(owned(b1)), 2);
  const all = [...(kept[0]?.partitions ?? []), ...(owned(b1)[0]?.partitions ?? [])].sort();
  assert.deepEqual(all, [0, 1, 2, 3]);
  assert.equal(g.describe().groupState, "Stable");
});

test("a retried heartbeat with the previous epoch is accepted while it owns no more than assigned", () => {
  const g = new Cg();
  g.topics.add("t", 2);
  ok(g.join("a"));
  ok(g.join("b"));
  const a1 = ok(g.hb({ memberId: "a", memberEpoch: 1 }));
  ok(g.hb({ memberId: "a", memberEpoch: 1, topicPartitions: owned(a1) }));
  ok(g.hb({ memberId: "a", memberEpoch: 1, topicPartitions: owned(a1) }));
  const fenced = g.hb({
    memberId: "a",
    memberEpoch: 1,
    topicPartitions: [{ topicId: topicIdOf("t"), partitions: [0, 1] }],
  });
  assert.equal(fenced.errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
  assert.equal(g.hb({ memberId: "a", memberEpoch: 9 }).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
});

test("leaving (-1) frees the member's partitions and bumps the epoch", () => {
  const g = new Cg();
  g.topics.add("t", 2);
  ok(g.join("a"));
  const b = ok(g.join("b"));
  const a1 = ok(g.hb({ memberId: "a", memberEpoch: 1 }));
  ok(g.hb({ memberId: "a", memberEpoch: 1, topicPartitions: owned(a1) }));
  ok(g.hb({ memberId: "b", memberEpoch: b.memberEpoch }));
  const left = ok(g.hb({ memberId: "a", memberEpoch: -1 }));
  assert.equal(left.memberEpoch, -1);
  assert.equal(g.describe().groupEpoch, 3);
  assert.equal(g.describe().groupState, "Assigning", "the target waits for the next heartbeat");
  const bAll = ok(g.hb({ memberId: "b", memberEpoch: 2 }));
  assert.equal(bAll.memberEpoch, 3);
  assert.equal(count(owned(bAll)), 2);
});

test("a member that stops heartbeating is removed after the session timeout; one that does not revoke, after its rebalance timeout", () => {
  const g = new Cg({ consumerSessionTimeoutMs: 45_000 });
  g.topics.add("t", 2);
  ok(g.join("a", { rebalanceTimeoutMs: 5_000 }));
  ok(g.join("b"));
  ok(g.hb({ memberId: "a", memberEpoch: 1 }));
  g.h.advance(4_000);
  ok(g.hb({ memberId: "b", memberEpoch: 2 }));
  g.h.advance(2_000);
  assert.deepEqual(
    g.describe().members.map((m) => m.memberId),
    ["b"],
    "a never revoked within 5 s",
  );
  g.h.advance(45_000);
  assert.equal(g.describe().members.length, 0, "b's session expired");
  assert.equal(g.describe().groupState, "Empty");
});

test("a regex subscription follows the topics that exist, including ones created later", () => {
  const g = new Cg();
  g.topics.add("orders-eu", 1);
  g.topics.add("orders-us", 1);
  g.topics.add("payments", 1);
  const r = ok(g.join("a", { subscribedTopicNames: null, subscribedTopicRegex: "orders-.*" }));
  assert.deepEqual(
    owned(r).map((t) => t.topicId),
    [topicIdOf("orders-eu"), topicIdOf("orders-us")],
  );
  g.topics.add("orders-asia", 2);
  const next = ok(g.hb({ memberId: "a", memberEpoch: 1 }));
  assert.equal(next.memberEpoch, 2);
  assert.equal(count(owned(next)), 4);
  assert.equal(g.describe().members[0]?.subscribedTopicRegex, "orders-.*");
});

test("validation: Kafka's errors for malformed heartbeats", () => {
  const g = new Cg();
  g.topics.add("t", 1);
  const code = (body: Parameters<Cg["hb"]>[0], v = 1) => g.hb(body, v).errorCode;
  assert.equal(
    code({
      memberId: "",
      memberEpoch: 0,
      rebalanceTimeoutMs: 1,
      subscribedTopicNames: ["t"],
      topicPartitions: [],
    }),
    ErrorCode.INVALID_REQUEST,
  );
  assert.equal(
    code({ memberId: "a", memberEpoch: 0, subscribedTopicNames: ["t"], topicPartitions: [] }),
    ErrorCode.INVALID_REQUEST,
  );
  assert.equal(
    code({ memberId: "a", memberEpoch: 0, rebalanceTimeoutMs: 1, subscribedTopicNames: ["t"] }),
    ErrorCode.INVALID_REQUEST,
  );
  assert.equal(
    code({ memberId: "a", memberEpoch: 0, rebalanceTimeoutMs: 1, topicPartitions: [] }),
    ErrorCode.INVALID_REQUEST,
  );
  assert.equal(code({ memberId: "a", memberEpoch: -2 }), ErrorCode.INVALID_REQUEST);
  assert.equal(code({ memberId: "a", memberEpoch: -3 }), ErrorCode.INVALID_REQUEST);
  assert.equal(code({ groupId: "", memberId: "a", memberEpoch: 1 }), ErrorCode.INVALID_REQUEST);
  assert.equal(
    code({
      memberId: "a",
      memberEpoch: 0,
      rebalanceTimeoutMs: 1,
      subscribedTopicNames: ["t"],
      topicPartitions: [],
      serverAssignor: "sticky",
    }),
    ErrorCode.UNSUPPORTED_ASSIGNOR,
  );
  assert.equal(
    code({
      memberId: "a",
      memberEpoch: 0,
      rebalanceTimeoutMs: 1,
      subscribedTopicRegex: "(",
      topicPartitions: [],
    }),
    ErrorCode.INVALID_REGULAR_EXPRESSION,
  );
  assert.equal(code({ memberId: "a", memberEpoch: 3 }), ErrorCode.GROUP_ID_NOT_FOUND, "no such group");
  ok(g.join("a"));
  assert.equal(code({ memberId: "zz", memberEpoch: 1 }), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(code({ memberId: "zz", memberEpoch: -1 }), ErrorCode.UNKNOWN_MEMBER_ID);
  const v0 = g.hb(
    { memberId: "", memberEpoch: 0, rebalanceTimeoutMs: 1, subscribedTopicNames: ["t"], topicPartitions: [] },
    0,
  );
  assert.equal(v0.errorCode, ErrorCode.NONE, "v0 lets the coordinator pick the member id");
  assert.ok((v0.memberId ?? "").length > 0);
});

test("group.consumer.max.size refuses one member too many", () => {
  const g = new Cg({ consumerMaxSize: 1 });
  g.topics.add("t", 1);
  ok(g.join("a"));
  assert.equal(g.join("b").errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
});

test("a static member leaving with -2 keeps its partitions and gets them back under a new member id", () => {
  const g = new Cg();
  g.topics.add("t", 2);
  ok(g.join("a", { instanceId: "i1" }));
  const b = ok(g.join("b", { instanceId: "i2" }));
  const a1 = ok(g.hb({ memberId: "a", memberEpoch: 1, instanceId: "i1" }));
  ok(g.hb({ memberId: "a", memberEpoch: 1, instanceId: "i1", topicPartitions: owned(a1) }));
  ok(g.hb({ memberId: "b", memberEpoch: b.memberEpoch, instanceId: "i2" }));
  const aOwned = owned(a1);
  assert.equal(ok(g.hb({ memberId: "a", memberEpoch: -2, instanceId: "i1" })).memberEpoch, -2);
  assert.equal(g.join("a2", { instanceId: "i2" }).errorCode, ErrorCode.UNRELEASED_INSTANCE_ID);
  const back = ok(g.join("a2", { instanceId: "i1" }));
  assert.deepEqual(owned(back), aOwned, "the same partitions, no rebalance");
  assert.equal(back.memberEpoch, 2);
  assert.equal(
    g.hb({ memberId: "a", memberEpoch: 2, instanceId: "i1" }).errorCode,
    ErrorCode.FENCED_INSTANCE_ID,
  );
});

test("offsets: members commit at their epoch; stale epochs, strangers and old versions are refused", () => {
  const g = new Cg();
  g.topics.add("t", 1);
  ok(g.join("a"));
  const commit = (memberId: string, epoch: number, version = 9) => {
    const { requestId } = g.h.send({
      kind: "offsetCommit",
      apiVersion: version,
      body: {
        groupId: GROUP,
        generationIdOrMemberEpoch: epoch,
        memberId,
        topics: [
          { name: "t", partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: "" }] },
        ],
      },
    });
    return g.h.response("offsetCommit", requestId).topics[0]?.partitions[0]?.errorCode;
  };
  assert.equal(commit("a", 1), ErrorCode.NONE);
  assert.equal(commit("a", 0), ErrorCode.STALE_MEMBER_EPOCH);
  assert.equal(commit("a", 2), ErrorCode.STALE_MEMBER_EPOCH);
  assert.equal(commit("x", 1), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(commit("", -1), ErrorCode.UNKNOWN_MEMBER_ID, "no admin commits while the group has members");
  assert.equal(commit("a", 1, 8), ErrorCode.UNSUPPORTED_VERSION);
  ok(g.hb({ memberId: "a", memberEpoch: -1 }));
  assert.equal(commit("", -1), ErrorCode.NONE, "an empty group takes admin commits");
});

test("an empty classic group converts; one with members refuses; an empty consumer group yields to a classic join", () => {
  const g = new Cg();
  g.topics.add("t", 1);
  const { requestId } = g.h.send({
    kind: "offsetCommit",
    apiVersion: 9,
    body: {
      groupId: GROUP,
      generationIdOrMemberEpoch: -1,
      memberId: "",
      topics: [
        { name: "t", partitions: [{ partitionIndex: 0, committedOffset: 7n, committedMetadata: "" }] },
      ],
    },
  });
  assert.equal(g.h.response("offsetCommit", requestId).topics[0]?.partitions[0]?.errorCode, ErrorCode.NONE);
  ok(g.join("a"));
  assert.equal(g.h.coordinator.groupState(GROUP), null, "the simple classic group is gone");
  ok(g.hb({ memberId: "a", memberEpoch: -1 }));
  const join = g.h.join({ topics: ["t"] });
  assert.equal(g.h.coordinator.consumerGroupState(GROUP), null);
  assert.ok(join !== undefined);
  const live = new Cg();
  live.topics.add("t", 1);
  live.h.joinNew({ topics: ["t"] });
  const refused = live.join("a");
  assert.equal(refused.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test("replaying the records rebuilds the group: epochs, members, assignments", () => {
  const g = new Cg();
  g.topics.add("t", 3);
  ok(g.join("a", { serverAssignor: "range" }));
  const b = ok(g.join("b"));
  const a1 = ok(g.hb({ memberId: "a", memberEpoch: 1 }));
  ok(g.hb({ memberId: "a", memberEpoch: 1, topicPartitions: owned(a1) }));
  ok(g.hb({ memberId: "b", memberEpoch: b.memberEpoch }));
  const before = g.describe();

  const restored = new GroupCoordinator({ ids: { nextId: () => "x" }, topics: g.topics });
  for (const out of g.h.outputs) for (const record of out.records) restored.replay(record);
  restored.loadComplete(g.h.nowMs);
  const out = restored.handle(
    {
      kind: "consumerGroupDescribe",
      requestId: 1,
      apiVersion: 1,
      body: { groupIds: [GROUP], includeAuthorizedOperations: false },
    },
    g.h.nowMs,
  );
  const after =
    out.responses[0]?.kind === "consumerGroupDescribe" ? out.responses[0].body.groups[0] : undefined;
  assert.deepEqual(after, before);
});
