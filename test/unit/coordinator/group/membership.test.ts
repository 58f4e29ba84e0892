import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRecord } from "../../../../src/coordinator/group/records.ts";
import { ErrorCode } from "../../../../src/protocol/errors.ts";
import { GROUP, Harness, REBALANCE_MS, SESSION_MS, subscription } from "./harness.ts";

/** Two members joined and synced into generation 1; the first is the leader. */
function twoMemberGroup(h: Harness) {
  const first = h.joinNew({ clientId: "a" });
  const b = h.joinNew({ clientId: "b" });
  const a = {
    memberId: first.memberId,
    requestId: h.join({ clientId: "a", memberId: first.memberId }).requestId,
  };
  const ja = h.response("joinGroup", a.requestId);
  const jb = h.response("joinGroup", b.requestId);
  const gen = ja.generationId ?? -1;
  const sb = h.sync(b.memberId, gen);
  const sa = h.sync(a.memberId, gen, [
    { memberId: a.memberId, assignment: Buffer.from("A") },
    { memberId: b.memberId, assignment: Buffer.from("B") },
  ]);
  return { a: a.memberId, b: b.memberId, ja, jb, gen, sa, sb };
}

describe("classic group membership", () => {
  it("one member: KIP-394 member id, join, sync, stable", () => {
    const h = new Harness();
    const first = h.join({ clientId: "client" });
    const r1 = h.response("joinGroup", first.requestId);
    assert.equal(r1.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal(r1.memberId, "client-id1");
    const second = h.join({ clientId: "client", memberId: r1.memberId });
    const r2 = h.response("joinGroup", second.requestId);
    assert.equal(r2.errorCode, ErrorCode.NONE);
    assert.equal(r2.generationId, 1);
    assert.equal(r2.leader, "client-id1");
    assert.equal(r2.protocolName, "range");
    assert.equal(r2.members.length, 1);
    assert.equal(h.state(), "CompletingRebalance");
    const s = h.sync(r1.memberId, 1, [{ memberId: r1.memberId, assignment: Buffer.from("x") }]);
    assert.equal(s.out.records.length, 1, "group metadata persisted with the assignment");
    assert.deepEqual(h.response("syncGroup", s.requestId).assignment, Buffer.from("x"));
    assert.equal(h.state(), "Stable");
  });

  it("JoinGroup before v4 gets a member id without the extra round trip", () => {
    const h = new Harness();
    const j = h.join({ version: 3 });
    const r = h.response("joinGroup", j.requestId);
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.memberId, "c-id1");
  });

  it("two members: the follower waits until the leader syncs", () => {
    const h = new Harness();
    const a = h.joinNew({ clientId: "a" });
    assert.equal(h.maybeResponse("joinGroup", a.requestId)?.generationId, 1);
    // A second member triggers a rebalance; the first must rejoin.
    const b = h.joinNew({ clientId: "b" });
    assert.equal(h.state(), "PreparingRebalance");
    assert.equal(h.maybeResponse("joinGroup", b.requestId), undefined);
    const hb = h.heartbeat(a.memberId, 1);
    assert.equal(h.response("heartbeat", hb.requestId).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = h.join({ clientId: "a", memberId: a.memberId });
    const ja = h.response("joinGroup", rejoin.requestId);
    const jb = h.response("joinGroup", b.requestId);
    assert.equal(ja.generationId, 2);
    assert.equal(ja.leader, a.memberId);
    assert.equal(ja.members.length, 2);
    assert.equal(jb.members.length, 0);
    const sb = h.sync(b.memberId, 2);
    assert.equal(h.maybeResponse("syncGroup", sb.requestId), undefined, "follower parked");
    const sa = h.sync(a.memberId, 2, [
      { memberId: a.memberId, assignment: Buffer.from("A") },
      { memberId: b.memberId, assignment: Buffer.from("B") },
    ]);
    assert.deepEqual(h.response("syncGroup", sb.requestId).assignment, Buffer.from("B"));
    assert.deepEqual(h.response("syncGroup", sa.requestId).assignment, Buffer.from("A"));
    assert.equal(h.state(), "Stable");
  });

  it("three members join one rebalance together", () => {
    const h = new Harness({ initialRebalanceDelayMs: 3_000 });
    const ids = ["a", "b", "c"].map((c) => h.joinNew({ clientId: c }));
    assert.equal(h.state(), "PreparingRebalance");
    for (const m of ids) assert.equal(h.maybeResponse("joinGroup", m.requestId), undefined);
    h.advance(3_000);
    // Members arrived during the delay, so it is extended once more (bounded by the rebalance timeout).
    h.advance(3_000);
    const responses = ids.map((m) => h.response("joinGroup", m.requestId));
    assert.ok(responses.every((r) => r.generationId === 1));
    assert.equal(responses.filter((r) => r.members.length === 3).length, 1, "only the leader sees members");
  });

  it("stale generation and unknown member errors", () => {
    const h = new Harness();
    const g = twoMemberGroup(h);
    assert.equal(
      h.response("heartbeat", h.heartbeat(g.a, g.gen - 1).requestId).errorCode,
      ErrorCode.ILLEGAL_GENERATION,
    );
    assert.equal(
      h.response("heartbeat", h.heartbeat("nobody", g.gen).requestId).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    assert.equal(
      h.response("syncGroup", h.sync(g.a, g.gen + 5).requestId).errorCode,
      ErrorCode.ILLEGAL_GENERATION,
    );
    assert.equal(h.response("heartbeat", h.heartbeat(g.b, g.gen).requestId).errorCode, ErrorCode.NONE);
    const unknownJoin = h.join({ memberId: "ghost" });
    assert.equal(h.response("joinGroup", unknownJoin.requestId).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("session expiry removes the silent member and rebalances the rest", () => {
    const h = new Harness();
    const g = twoMemberGroup(h);
    h.advance(SESSION_MS / 2);
    h.heartbeat(g.a, g.gen);
    h.advance(SESSION_MS / 2);
    assert.equal(h.state(), "PreparingRebalance", "b missed its session");
    const rejoin = h.join({ clientId: "a", memberId: g.a });
    const r = h.response("joinGroup", rejoin.requestId);
    assert.equal(r.generationId, g.gen + 1);
    assert.deepEqual(
      r.members.map((m) => m.memberId),
      [g.a],
    );
  });

  it("the rebalance timeout removes members that do not rejoin", () => {
    const h = new Harness();
    const g = twoMemberGroup(h);
    const rejoin = h.join({ clientId: "a", memberId: g.a, topics: ["t", "u"] });
    assert.equal(h.state(), "PreparingRebalance");
    for (let t = 0; t < REBALANCE_MS; t += SESSION_MS / 2) {
      h.advance(SESSION_MS / 2);
      // b keeps heartbeating but never rejoins.
      if (h.state() === "PreparingRebalance") h.heartbeat(g.b, g.gen);
    }
    const r = h.response("joinGroup", rejoin.requestId);
    assert.equal(r.generationId, g.gen + 1);
    assert.deepEqual(
      r.members.map((m) => m.memberId),
      [g.a],
    );
    assert.equal(h.state(), "CompletingRebalance");
  });

  it("group.max.size refuses the member beyond the limit", () => {
    const h = new Harness({ groupMaxSize: 2 });
    h.joinNew({ clientId: "a" });
    h.joinNew({ clientId: "b" });
    const third = h.join({ clientId: "c" });
    assert.equal(h.response("joinGroup", third.requestId).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  it("session timeout bounds and protocol mismatches are refused", () => {
    const h = new Harness({ minSessionTimeoutMs: 6_000 });
    const low = h.join({ sessionMs: 5_000 });
    assert.equal(h.response("joinGroup", low.requestId).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    h.joinNew({ clientId: "a" });
    const other = h.join({ clientId: "b", protocols: ["roundrobin"] });
    assert.equal(h.response("joinGroup", other.requestId).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it("a restarted static member replaces its old id without a rebalance", () => {
    const h = new Harness();
    const j = h.join({ clientId: "s", instanceId: "inst-1" });
    const r = h.response("joinGroup", j.requestId);
    assert.equal(r.errorCode, ErrorCode.NONE, "static members skip MEMBER_ID_REQUIRED");
    h.sync(r.memberId, 1, [{ memberId: r.memberId, assignment: Buffer.from("P") }]);
    assert.equal(h.state(), "Stable");
    const again = h.join({ clientId: "s", instanceId: "inst-1" });
    const r2 = h.response("joinGroup", again.requestId);
    assert.equal(r2.errorCode, ErrorCode.NONE);
    assert.notEqual(r2.memberId, r.memberId);
    assert.equal(r2.generationId, 1);
    assert.equal(r2.skipAssignment, true, "the leader keeps the existing assignment");
    assert.equal(h.state(), "Stable");
    assert.equal(h.outputs.at(-1)?.records.length, 1, "the replacement is persisted");
    const stale = h.heartbeat(r.memberId, 1, "inst-1");
    assert.equal(h.response("heartbeat", stale.requestId).errorCode, ErrorCode.FENCED_INSTANCE_ID);
    const sync = h.sync(r2.memberId, 1, [], "inst-1");
    assert.deepEqual(h.response("syncGroup", sync.requestId).assignment, Buffer.from("P"));
  });

  it("LeaveGroup v3 removes a batch and empties the group", () => {
    const h = new Harness();
    const g = twoMemberGroup(h);
    const leave = h.send({
      kind: "leaveGroup",
      apiVersion: 3,
      body: { groupId: "g1", members: [{ memberId: g.a }, { memberId: g.b }, { memberId: "nobody" }] },
    });
    const r = h.response("leaveGroup", leave.requestId);
    assert.deepEqual(
      r.members?.map((m) => m.errorCode),
      [0, 0, ErrorCode.UNKNOWN_MEMBER_ID],
    );
    assert.equal(h.state(), "Empty");
    assert.equal(h.coordinator.groupGeneration("g1"), g.gen + 1);
    assert.equal(leave.out.records.length, 1, "the empty generation is persisted");
  });

  it("a join refused for its protocols leaves the group it created Empty, and persisted", () => {
    const h = new Harness();
    const refusals = [
      { group: "no-type", protocolType: "", protocols: [{ name: "range", metadata: subscription("t") }] },
      { group: "no-protocols", protocolType: "consumer", protocols: [] },
    ];
    for (const { group, protocolType, protocols } of refusals) {
      const { requestId, out } = h.send({
        kind: "joinGroup",
        apiVersion: 9,
        clientId: "c",
        clientHost: "/127.0.0.1",
        body: { groupId: group, sessionTimeoutMs: SESSION_MS, memberId: "", protocolType, protocols },
      });
      assert.equal(h.response("joinGroup", requestId).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      assert.equal(h.coordinator.groupState(group), "Empty", group);
      const written = out.records.map((r) => decodeRecord(r));
      assert.deepEqual(
        written.map((d) => (d?.type === "groupMetadata" ? [d.group, d.value?.protocolType] : null)),
        [[group, ""]],
      );
      const value = written[0]?.type === "groupMetadata" ? written[0].value : null;
      assert.deepEqual(
        [value?.generation, value?.protocol, value?.leader, value?.members],
        [0, null, null, []],
      );
    }
    const described = h.send({
      kind: "describeGroups",
      apiVersion: 5,
      body: { groups: ["no-type"], includeAuthorizedOperations: false },
    });
    const group = h.response("describeGroups", described.requestId).groups[0];
    assert.deepEqual([group.groupState, group.protocolType], ["Empty", ""]);
    const listed = h.send({ kind: "listGroups", apiVersion: 4, body: { statesFilter: [] } });
    assert.deepEqual(
      h
        .response("listGroups", listed.requestId)
        .groups.map((g) => [g.groupId, g.protocolType, g.groupState])
        .sort(),
      [
        ["no-protocols", "", "Empty"],
        ["no-type", "", "Empty"],
      ],
    );
    // The record brings the group back after a restart.
    const fresh = new Harness();
    for (const out of h.outputs) for (const r of out.records) fresh.coordinator.replay(r);
    fresh.coordinator.loadComplete(fresh.nowMs);
    assert.equal(fresh.coordinator.groupState("no-type"), "Empty");
  });

  it("a join refused for its session timeout creates no group and leaves an existing one alone", () => {
    const h = new Harness({ minSessionTimeoutMs: 6_000 });
    const low = h.join({ sessionMs: 5_000 });
    assert.equal(h.response("joinGroup", low.requestId).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal(low.out.records.length, 0);
    assert.equal(h.state(), null);
    // A group nobody joined yet (its only would-be member's pending id has expired) stays.
    const first = h.join({});
    assert.equal(h.response("joinGroup", first.requestId).errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal(first.out.records.length, 1, "the new group is persisted");
    h.advance(SESSION_MS);
    const again = h.join({ sessionMs: 5_000 });
    assert.equal(h.response("joinGroup", again.requestId).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    const other = h.join({ protocols: [] });
    assert.equal(h.response("joinGroup", other.requestId).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(again.out.records.length + other.out.records.length, 0, "only a new group is written");
    assert.equal(h.state(), "Empty");
  });

  it("SyncGroup v5+ without the protocol type or name gets INCONSISTENT_GROUP_PROTOCOL, known group or not", () => {
    const h = new Harness();
    const g = twoMemberGroup(h);
    const sync = (
      groupId: string,
      apiVersion: number,
      names: { protocolType?: null; protocolName?: null },
    ) => {
      const { requestId } = h.send({
        kind: "syncGroup",
        apiVersion,
        body: {
          groupId,
          generationId: g.gen,
          memberId: g.a,
          protocolType: "consumer",
          protocolName: "range",
          assignments: [],
          ...names,
        },
      });
      return h.response("syncGroup", requestId).errorCode;
    };
    assert.equal(sync(GROUP, 5, { protocolType: null }), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(sync(GROUP, 5, { protocolName: null }), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(
      sync("ghost", 5, { protocolType: null, protocolName: null }),
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    assert.equal(sync("ghost", 5, {}), ErrorCode.UNKNOWN_MEMBER_ID);
    // Before v5 the fields do not exist.
    assert.equal(sync(GROUP, 4, { protocolType: null, protocolName: null }), ErrorCode.NONE);
    assert.equal(sync("ghost", 4, { protocolType: null, protocolName: null }), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("LeaveGroup for an unknown group: one UNKNOWN_MEMBER_ID entry per member from v3, top-level before", () => {
    const h = new Harness();
    const v3 = h.send({
      kind: "leaveGroup",
      apiVersion: 3,
      body: {
        groupId: "ghost",
        members: [
          { memberId: "m", groupInstanceId: null },
          { memberId: "", groupInstanceId: "i" },
        ],
      },
    });
    assert.deepEqual(h.response("leaveGroup", v3.requestId), {
      errorCode: ErrorCode.NONE,
      members: [
        { memberId: "m", groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
        { memberId: "", groupInstanceId: "i", errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    const v2 = h.send({ kind: "leaveGroup", apiVersion: 2, body: { groupId: "ghost", memberId: "m" } });
    assert.deepEqual(h.response("leaveGroup", v2.requestId), { errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
    assert.equal(h.coordinator.groupState("ghost"), null);
  });
});
