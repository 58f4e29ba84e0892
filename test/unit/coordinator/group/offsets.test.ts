import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GroupCoordinator } from "../../../../src/coordinator/group/group-coordinator.ts";
import { decodeRecord } from "../../../../src/coordinator/group/records.ts";
import { ErrorCode } from "../../../../src/protocol/errors.ts";
import { GROUP, Harness, REBALANCE_MS, SESSION_MS } from "./harness.ts";

function stableGroup(h: Harness, topics = ["t"]) {
  const m = h.joinNew({ clientId: "a", topics });
  const gen = h.response("joinGroup", m.requestId).generationId ?? -1;
  h.sync(m.memberId, gen, [{ memberId: m.memberId, assignment: Buffer.from("A") }]);
  assert.equal(h.state(), "Stable");
  return { memberId: m.memberId, gen };
}

/** The only member of a Stable `consumer` group whose subscription metadata is `metadata`, whatever it holds. */
function stableGroupWithMetadata(h: Harness, metadata: Buffer) {
  const join = (memberId: string) =>
    h.send({
      kind: "joinGroup",
      apiVersion: 9,
      clientId: "a",
      clientHost: "/127.0.0.1",
      body: {
        groupId: GROUP,
        sessionTimeoutMs: SESSION_MS,
        rebalanceTimeoutMs: REBALANCE_MS,
        memberId,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata }],
      },
    });
  const memberId = h.response("joinGroup", join("").requestId).memberId;
  const gen = h.response("joinGroup", join(memberId).requestId).generationId ?? -1;
  h.sync(memberId, gen, [{ memberId, assignment: Buffer.from("A") }]);
  assert.equal(h.state(), "Stable");
  return { memberId, gen };
}

function deleteOffsets(h: Harness, topic: string) {
  const { requestId } = h.send({
    kind: "offsetDelete",
    apiVersion: 0,
    body: { groupId: GROUP, topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] },
  });
  return h.response("offsetDelete", requestId);
}

describe("classic group offsets", () => {
  it("a member commits, then fetches listed and all partitions", () => {
    const h = new Harness();
    const { memberId, gen } = stableGroup(h);
    const c = h.commit(memberId, gen, "t", 0, 42n);
    assert.equal(h.response("offsetCommit", c.requestId).topics[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(c.out.records.length, 1);
    const listed = h.fetch([{ name: "t", partitionIndexes: [0, 1] }]);
    assert.deepEqual(
      listed.topics?.[0].partitions?.map((p) => [p.committedOffset, p.committedLeaderEpoch, p.metadata]),
      [
        [42n, 3, "m"],
        [-1n, -1, ""],
      ],
    );
    const all = h.fetch(null, 8);
    assert.equal(all.groups?.[0].topics?.[0].partitions?.[0].committedOffset, 42n);
  });

  it("group commits are checked for generation and membership", () => {
    const h = new Harness();
    const { memberId, gen } = stableGroup(h);
    const stale = h.commit(memberId, gen - 1, "t", 0, 1n);
    assert.equal(
      h.response("offsetCommit", stale.requestId).topics[0].partitions[0].errorCode,
      ErrorCode.ILLEGAL_GENERATION,
    );
    const stranger = h.commit("", -1, "t", 0, 1n);
    assert.equal(
      h.response("offsetCommit", stranger.requestId).topics[0].partitions[0].errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    assert.equal(stale.out.records.length + stranger.out.records.length, 0);
  });

  it("simple commits (generation -1) are accepted for an unknown or empty group", () => {
    const h = new Harness();
    const c = h.commit("", -1, "t", 2, 7n);
    assert.equal(h.response("offsetCommit", c.requestId).topics[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(h.state(), "Empty");
    assert.equal(
      h.fetch([{ name: "t", partitionIndexes: [2] }]).topics?.[0].partitions?.[0].committedOffset,
      7n,
    );
    const unknown = h.send({
      kind: "offsetCommit",
      apiVersion: 9,
      body: { groupId: "other", generationIdOrMemberEpoch: 3, memberId: "m", topics: [] },
    });
    assert.deepEqual(h.response("offsetCommit", unknown.requestId).topics, []);
  });

  it("OffsetDelete refuses subscribed topics and tombstones the rest", () => {
    const h = new Harness();
    const { memberId, gen } = stableGroup(h, ["t"]);
    h.commit(memberId, gen, "t", 0, 5n);
    h.commit(memberId, gen, "old", 0, 9n);
    assert.equal(
      deleteOffsets(h, "t").topics[0].partitions[0].errorCode,
      ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
    );
    const last = h.outputs.length;
    assert.equal(deleteOffsets(h, "old").topics[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(h.outputs[last].records[0].value, null);
    assert.equal(
      h.fetch([{ name: "old", partitionIndexes: [0] }]).topics?.[0].partitions?.[0].committedOffset,
      -1n,
    );
  });

  it("DeleteGroups refuses a live group and deletes an empty one", () => {
    const h = new Harness();
    const { memberId, gen } = stableGroup(h);
    h.commit(memberId, gen, "t", 0, 5n);
    const refuse = h.send({ kind: "deleteGroups", apiVersion: 2, body: { groupsNames: [GROUP, "missing"] } });
    assert.deepEqual(
      h.response("deleteGroups", refuse.requestId).results.map((r) => r.errorCode),
      [ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND],
    );
    h.send({ kind: "leaveGroup", apiVersion: 0, body: { groupId: GROUP, memberId } });
    assert.equal(h.state(), "Empty");
    const del = h.send({ kind: "deleteGroups", apiVersion: 2, body: { groupsNames: [GROUP] } });
    assert.equal(h.response("deleteGroups", del.requestId).results[0].errorCode, ErrorCode.NONE);
    assert.ok(del.out.records.every((r) => r.value === null));
    assert.equal(del.out.records.length, 2, "one offset tombstone and one group tombstone");
    assert.equal(h.state(), null);
  });

  it("replaying the emitted records into a fresh coordinator reproduces the state", () => {
    const h = new Harness();
    const { memberId, gen } = stableGroup(h);
    h.commit(memberId, gen, "t", 0, 42n);
    h.commit(memberId, gen, "t", 0, 43n);
    h.commit(memberId, gen, "u", 1, 8n);
    const fresh = new Harness();
    for (const out of h.outputs) for (const r of out.records) fresh.coordinator.replay(r);
    fresh.coordinator.loadComplete(fresh.nowMs);
    assert.equal(fresh.state(), "Stable");
    assert.equal(fresh.coordinator.groupGeneration(GROUP), gen);
    const got = fresh.fetch([
      { name: "t", partitionIndexes: [0] },
      { name: "u", partitionIndexes: [1] },
    ]);
    assert.deepEqual(
      got.topics?.map((t) => t.partitions?.[0].committedOffset),
      [43n, 8n],
    );
    // The restored member keeps working without a rebalance.
    const hb = fresh.heartbeat(memberId, gen);
    assert.equal(fresh.response("heartbeat", hb.requestId).errorCode, ErrorCode.NONE);
    const sync = fresh.sync(memberId, gen);
    assert.deepEqual(fresh.response("syncGroup", sync.requestId).assignment, Buffer.from("A"));
  });

  it("records use Kafka's key types and value versions", () => {
    const h = new Harness();
    const { memberId, gen } = stableGroup(h);
    const c = h.commit(memberId, gen, "t", 0, 1n);
    const offsetRecord = c.out.records[0];
    assert.equal(offsetRecord.key.readInt16BE(0), 1);
    assert.equal(offsetRecord.value?.readInt16BE(0), 3);
    const groupRecord = h.outputs.flatMap((o) => o.records).find((r) => r.key.readInt16BE(0) === 2);
    assert.equal(groupRecord?.value?.readInt16BE(0), 3);
    const decoded = decodeRecord(offsetRecord);
    assert.deepEqual(
      decoded?.type === "offsetCommit" ? [decoded.group, decoded.topic, decoded.partition] : null,
      [GROUP, "t", 0],
    );
  });

  it("offsets of an empty group expire after retention, with tombstones, and the group goes", () => {
    const retentionMs = 60_000;
    const h = new Harness({ offsetsRetentionMs: retentionMs, offsetsRetentionCheckIntervalMs: 10_000 });
    const { memberId, gen } = stableGroup(h);
    h.commit(memberId, gen, "t", 0, 5n);
    h.send({ kind: "leaveGroup", apiVersion: 0, body: { groupId: GROUP, memberId } });
    assert.equal(h.state(), "Empty");
    const early = h.advance(retentionMs - 10_000);
    assert.equal(early.records.length, 0);
    let tombstones = 0;
    for (let i = 0; i < 3; i++)
      tombstones += h.advance(10_000).records.filter((r) => r.value === null).length;
    assert.equal(tombstones, 2, "the offset and then the group");
    assert.equal(h.state(), null);
  });

  it("wakeAtMs always names the next due timer", () => {
    const h = new Harness();
    const j = h.join({});
    assert.ok(j.out.wakeAtMs !== null && j.out.wakeAtMs > h.nowMs);
    const c = new GroupCoordinator({ ids: { nextId: () => "x" } });
    assert.equal(c.tick(0).wakeAtMs, 600_000);
  });

  it("OffsetDelete counts a live consumer group whose subscription cannot be read as subscribed", () => {
    for (const metadata of [
      Buffer.alloc(0),
      Buffer.from("ffffffffffff", "hex"),
      Buffer.from("0000000000", "hex"),
    ]) {
      const h = new Harness();
      const { memberId, gen } = stableGroupWithMetadata(h, metadata);
      h.commit(memberId, gen, "t", 0, 5n);
      const refused = h.send({
        kind: "offsetDelete",
        apiVersion: 0,
        body: { groupId: GROUP, topics: [{ name: "t", partitions: [{ partitionIndex: 0 }] }] },
      });
      assert.equal(
        h.response("offsetDelete", refused.requestId).topics[0].partitions[0].errorCode,
        ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
      );
      assert.equal(refused.out.records.length, 0);
      assert.equal(
        h.fetch([{ name: "t", partitionIndexes: [0] }]).topics?.[0].partitions?.[0].committedOffset,
        5n,
      );
      // Once the group is Empty nobody consumes the topic any more.
      h.send({ kind: "leaveGroup", apiVersion: 0, body: { groupId: GROUP, memberId } });
      assert.equal(h.state(), "Empty");
      assert.equal(deleteOffsets(h, "t").topics[0].partitions[0].errorCode, ErrorCode.NONE);
    }
  });

  it("offset expiry is unchanged by an unreadable subscription: kept while Stable, aged once Empty", () => {
    const retentionMs = 60_000;
    const h = new Harness({ offsetsRetentionMs: retentionMs, offsetsRetentionCheckIntervalMs: 10_000 });
    const { memberId, gen } = stableGroupWithMetadata(h, Buffer.alloc(0));
    h.commit(memberId, gen, "t", 0, 5n);
    for (let elapsed = 0; elapsed < 3 * retentionMs; elapsed += SESSION_MS / 2) {
      h.advance(SESSION_MS / 2);
      h.heartbeat(memberId, gen);
    }
    assert.equal(h.state(), "Stable");
    assert.equal(
      h.fetch([{ name: "t", partitionIndexes: [0] }]).topics?.[0].partitions?.[0].committedOffset,
      5n,
    );
    h.send({ kind: "leaveGroup", apiVersion: 0, body: { groupId: GROUP, memberId } });
    for (let elapsed = 0; elapsed <= retentionMs; elapsed += 10_000) h.advance(10_000);
    assert.equal(h.state(), null, "the offset expired and the empty group went with it");
  });

  it("a simple group's offsets still expire from their commit time", () => {
    const retentionMs = 60_000;
    const h = new Harness({ offsetsRetentionMs: retentionMs, offsetsRetentionCheckIntervalMs: 10_000 });
    h.commit("", -1, "t", 0, 5n);
    h.advance(retentionMs - 10_000);
    assert.equal(
      h.fetch([{ name: "t", partitionIndexes: [0] }]).topics?.[0].partitions?.[0].committedOffset,
      5n,
    );
    h.advance(10_000);
    assert.equal(h.state(), null);
  });
});
