/**
 * Mistaken and hostile input to the classic group APIs against a real broker
 * process, sent as raw requests: every case gets the error code Apache Kafka
 * 4.4.0 answers to the same bytes (each was checked against a real Kafka 4.4.0
 * broker; the one deliberate exception, the transaction coordinator, says so),
 * or a clean close of that one connection, and the broker keeps serving
 * everyone else. Tests marked todo assert Kafka's answer where Samsa's differs.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { encodeMessage, requestCodec } from "../../src/protocol/codec.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { encodeRequestHeader, requestHeaderVersion } from "../../src/protocol/headers.ts";
import type { ApiVersionsResponse } from "../../src/protocol/messages/api-versions-response.ts";
import { encodeConsumerProtocolSubscription } from "../../src/protocol/messages/consumer-protocol-subscription.ts";
import type { DeleteGroupsResponse } from "../../src/protocol/messages/delete-groups-response.ts";
import type { DescribeGroupsResponse } from "../../src/protocol/messages/describe-groups-response.ts";
import type {
  Coordinator,
  FindCoordinatorResponse,
} from "../../src/protocol/messages/find-coordinator-response.ts";
import type { HeartbeatResponse } from "../../src/protocol/messages/heartbeat-response.ts";
import type {
  JoinGroupRequest,
  JoinGroupRequestProtocol,
} from "../../src/protocol/messages/join-group-request.ts";
import type { JoinGroupResponse } from "../../src/protocol/messages/join-group-response.ts";
import type { LeaveGroupResponse } from "../../src/protocol/messages/leave-group-response.ts";
import type { ListGroupsResponse } from "../../src/protocol/messages/list-groups-response.ts";
import type { MetadataResponse } from "../../src/protocol/messages/metadata-response.ts";
import type {
  OffsetCommitRequest,
  OffsetCommitRequestPartition,
} from "../../src/protocol/messages/offset-commit-request.ts";
import type { OffsetCommitResponse } from "../../src/protocol/messages/offset-commit-response.ts";
import type { OffsetDeleteResponse } from "../../src/protocol/messages/offset-delete-response.ts";
import type { OffsetFetchResponse } from "../../src/protocol/messages/offset-fetch-response.ts";
import type { SyncGroupRequest } from "../../src/protocol/messages/sync-group-request.ts";
import type { SyncGroupResponse } from "../../src/protocol/messages/sync-group-response.ts";
import { Writer } from "../../src/protocol/primitives.ts";
import { createTopicWith, RawClient } from "../support/raw-client.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

const TOPIC = "group-bad-input";
const OTHER_TOPIC = "group-bad-input-other";
const SESSION_TIMEOUT_MS = 10_000;
const MIN_SESSION_TIMEOUT_MS = 1_000;
const MAX_SESSION_TIMEOUT_MS = 30_000;
const MAX_REQUEST_BYTES = 1024 * 1024;
/** Kafka's default offset.metadata.max.bytes, which both brokers run with here. */
const OFFSET_METADATA_MAX_BYTES = 4096;
const JOIN_VERSION = 9;
const SYNC_VERSION = 5;
const HEARTBEAT_VERSION = 4;
const COMMIT_VERSION = 9;
const FETCH_VERSION = 7;
const PINO_ERROR_LEVEL = 50;
const OVERRIDES = {
  "group.initial.rebalance.delay.ms": "0",
  "group.min.session.timeout.ms": String(MIN_SESSION_TIMEOUT_MS),
  "group.max.session.timeout.ms": String(MAX_SESSION_TIMEOUT_MS),
  "group.max.size": "2",
  "socket.request.max.bytes": String(MAX_REQUEST_BYTES),
  "offsets.topic.num.partitions": "1",
  "transaction.state.log.num.partitions": "1",
};

let samsa: SamsaProcess;
const opened: RawClient[] = [];

before(async () => {
  samsa = await startSamsa({ overrides: OVERRIDES });
  const client = await open();
  await createTopicWith(client, TOPIC, 3);
  await createTopicWith(client, OTHER_TOPIC, 1);
});

afterEach(() => {
  for (const client of opened.splice(0)) client.close();
});

after(async () => {
  try {
    await assertStillServing();
    const errors = samsa.logs.filter((entry) => Number(entry.level) >= PINO_ERROR_LEVEL);
    assert.deepStrictEqual(errors, [], "nothing the broker logged as an error");
  } finally {
    await samsa.dispose();
  }
});

async function open(): Promise<RawClient> {
  const client = await RawClient.connect(samsa.host, samsa.port);
  opened.push(client);
  return client;
}

/** A fresh connection gets ApiVersions and Metadata answered. */
async function assertStillServing(): Promise<void> {
  const client = await RawClient.connect(samsa.host, samsa.port);
  try {
    const versions = await client.request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, {
      clientSoftwareName: "samsa-test",
      clientSoftwareVersion: "1",
    });
    assert.equal(versions.errorCode, ErrorCode.NONE);
    const metadata = await client.request<MetadataResponse>(ApiKey.Metadata, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    assert.equal(metadata.brokers[0].port, samsa.port);
  } finally {
    client.close();
  }
}

/** ConsumerProtocolSubscription v0 behind its int16 version, as the Java consumer writes it. */
function subscription(topics: string[], userData: Buffer | null = null): Buffer {
  const w = new Writer();
  w.int16(0);
  encodeConsumerProtocolSubscription(w, 0, { topics, userData });
  return w.toBuffer();
}

const RANGE: JoinGroupRequestProtocol[] = [{ name: "range", metadata: subscription([TOPIC]) }];
/** SyncGroup v5+ must name the group's protocol type and protocol. */
const CONSUMER_RANGE = { protocolType: "consumer", protocolName: "range" };

/** Who a request claims to be: a member of a generation, or SIMPLE (no group management). */
interface Identity {
  generationId: number;
  memberId: string;
}
const SIMPLE: Identity = { generationId: -1, memberId: "" };

function joinRequest(request: Partial<JoinGroupRequest> & { groupId: string }): JoinGroupRequest {
  return {
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    rebalanceTimeoutMs: SESSION_TIMEOUT_MS,
    memberId: "",
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: RANGE,
    reason: null,
    ...request,
  };
}

function joinGroup(
  client: RawClient,
  request: Partial<JoinGroupRequest> & { groupId: string },
): Promise<JoinGroupResponse> {
  return client.request<JoinGroupResponse>(ApiKey.JoinGroup, JOIN_VERSION, joinRequest(request));
}

function syncRequest(
  groupId: string,
  who: Identity,
  overrides: Partial<SyncGroupRequest> = {},
): SyncGroupRequest {
  return {
    groupId,
    generationId: who.generationId,
    memberId: who.memberId,
    groupInstanceId: null,
    ...CONSUMER_RANGE,
    assignments: [],
    ...overrides,
  };
}

function syncGroup(
  client: RawClient,
  groupId: string,
  who: Identity,
  overrides: Partial<SyncGroupRequest> = {},
): Promise<SyncGroupResponse> {
  return client.request<SyncGroupResponse>(
    ApiKey.SyncGroup,
    SYNC_VERSION,
    syncRequest(groupId, who, overrides),
  );
}

function heartbeat(client: RawClient, groupId: string, who: Identity): Promise<HeartbeatResponse> {
  return client.request<HeartbeatResponse>(ApiKey.Heartbeat, HEARTBEAT_VERSION, {
    groupId,
    generationId: who.generationId,
    memberId: who.memberId,
    groupInstanceId: null,
  });
}

/** The only member of a Stable group: joined (KIP-394: first for an id, then with it) and synced. */
async function stableMember(
  groupId: string,
  protocols: JoinGroupRequestProtocol[] = RANGE,
): Promise<Identity & { client: RawClient; joined: JoinGroupResponse }> {
  const client = await open();
  const first = await joinGroup(client, { groupId, protocols });
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const joined = await joinGroup(client, { groupId, protocols, memberId: first.memberId });
  assert.equal(joined.errorCode, ErrorCode.NONE);
  assert.equal(joined.leader, joined.memberId);
  const member = { memberId: joined.memberId, generationId: joined.generationId ?? -1 };
  const assignments = [{ memberId: member.memberId, assignment: Buffer.alloc(0) }];
  assert.equal((await syncGroup(client, groupId, member, { assignments })).errorCode, ErrorCode.NONE);
  return { client, joined, ...member };
}

function commitRequest(
  groupId: string,
  who: Identity,
  partitions: OffsetCommitRequestPartition[],
  topic = TOPIC,
): OffsetCommitRequest {
  return {
    groupId,
    generationIdOrMemberEpoch: who.generationId,
    memberId: who.memberId,
    groupInstanceId: null,
    topics: [{ name: topic, partitions }],
  };
}

function commit(
  client: RawClient,
  groupId: string,
  who: Identity,
  partitions: OffsetCommitRequestPartition[],
  options: { version?: number; topic?: string } = {},
): Promise<OffsetCommitResponse> {
  const request = commitRequest(groupId, who, partitions, options.topic);
  return client.request<OffsetCommitResponse>(
    ApiKey.OffsetCommit,
    options.version ?? COMMIT_VERSION,
    request,
  );
}

function offsetAt(partitionIndex: number, offset: number, metadata = ""): OffsetCommitRequestPartition {
  return {
    partitionIndex,
    committedOffset: BigInt(offset),
    committedLeaderEpoch: -1,
    committedMetadata: metadata,
  };
}

function partitionErrors(response: OffsetCommitResponse | OffsetDeleteResponse): number[] {
  return response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

/** Committed offsets of every partition of `topic` (-1: none). */
async function committedOffsets(client: RawClient, groupId: string, topic = TOPIC): Promise<bigint[]> {
  const response = await client.request<OffsetFetchResponse>(ApiKey.OffsetFetch, FETCH_VERSION, {
    groupId,
    topics: [{ name: topic, partitionIndexes: topic === TOPIC ? [0, 1, 2] : [0] }],
    requireStable: false,
  });
  assert.equal(response.errorCode, ErrorCode.NONE);
  return (response.topics?.[0]?.partitions ?? []).map((p) => p.committedOffset ?? -2n);
}

function offsetDelete(client: RawClient, groupId: string, topic: string): Promise<OffsetDeleteResponse> {
  return client.request<OffsetDeleteResponse>(ApiKey.OffsetDelete, 0, {
    groupId,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }],
  });
}

// ---- OffsetCommit ----

test("OffsetCommit: a stale generation gets ILLEGAL_GENERATION, an unknown member UNKNOWN_MEMBER_ID", async () => {
  const member = await stableMember("commit-checks");
  // The leader rejoins: a new generation, so the one it joined first is stale.
  const rejoined = await joinGroup(member.client, { groupId: "commit-checks", memberId: member.memberId });
  assert.deepStrictEqual(
    [rejoined.errorCode, rejoined.generationId],
    [ErrorCode.NONE, member.generationId + 1],
  );
  const current = { memberId: member.memberId, generationId: member.generationId + 1 };
  const assignments = [{ memberId: member.memberId, assignment: Buffer.alloc(0) }];
  assert.equal(
    (await syncGroup(member.client, "commit-checks", current, { assignments })).errorCode,
    ErrorCode.NONE,
  );
  const attempts: [Identity, number][] = [
    [member, ErrorCode.ILLEGAL_GENERATION],
    [{ ...current, memberId: "nobody" }, ErrorCode.UNKNOWN_MEMBER_ID],
    [SIMPLE, ErrorCode.UNKNOWN_MEMBER_ID], // no simple commits while the group has members
    [current, ErrorCode.NONE],
  ];
  for (const [i, [who, expected]] of attempts.entries()) {
    const response = await commit(member.client, "commit-checks", who, [offsetAt(0, i), offsetAt(1, i)]);
    assert.deepStrictEqual(partitionErrors(response), [expected, expected], `attempt ${i}`);
  }
  assert.deepStrictEqual(await committedOffsets(member.client, "commit-checks"), [3n, 3n, -1n]);
});

test("OffsetCommit with a generation to a group that does not exist: GROUP_ID_NOT_FOUND from v9, ILLEGAL_GENERATION before", async () => {
  const client = await open();
  for (const [version, expected] of [
    [9, ErrorCode.GROUP_ID_NOT_FOUND],
    [8, ErrorCode.ILLEGAL_GENERATION],
    [2, ErrorCode.ILLEGAL_GENERATION],
  ]) {
    const response = await commit(
      client,
      "no-such-group",
      { generationId: 1, memberId: "m" },
      [offsetAt(0, 1)],
      {
        version,
      },
    );
    assert.deepStrictEqual(partitionErrors(response), [expected], `v${version}`);
  }
  assert.deepStrictEqual(await committedOffsets(client, "no-such-group"), [-1n, -1n, -1n]);
});

test("commit metadata over offset.metadata.max.bytes fails that partition only; the others are committed", async () => {
  const client = await open();
  const response = await commit(client, "big-metadata", SIMPLE, [
    offsetAt(0, 10, "x".repeat(OFFSET_METADATA_MAX_BYTES + 1)),
    offsetAt(1, 11, "fits"),
    offsetAt(2, 12, "y".repeat(OFFSET_METADATA_MAX_BYTES)),
  ]);
  assert.deepStrictEqual(partitionErrors(response), [
    ErrorCode.OFFSET_METADATA_TOO_LARGE,
    ErrorCode.NONE,
    ErrorCode.NONE,
  ]);
  assert.deepStrictEqual(await committedOffsets(client, "big-metadata"), [-1n, 11n, 12n]);
});

// ---- JoinGroup ----

test("JoinGroup beyond group.max.size gets GROUP_MAX_SIZE_REACHED", async () => {
  const first = await stableMember("full-group");
  const second = await open();
  const id = await joinGroup(second, { groupId: "full-group" });
  assert.equal(id.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  // The second member's join is held by the rebalance, which completes once the first rejoins.
  const secondJoin = joinGroup(second, { groupId: "full-group", memberId: id.memberId });
  const firstJoin = await joinGroup(first.client, { groupId: "full-group", memberId: first.memberId });
  assert.equal(firstJoin.errorCode, ErrorCode.NONE);
  assert.equal((await secondJoin).errorCode, ErrorCode.NONE);
  assert.equal(firstJoin.members.length, 2, "the leader sees both members");
  const third = await joinGroup(await open(), { groupId: "full-group" });
  assert.deepStrictEqual([third.errorCode, third.memberId], [ErrorCode.GROUP_MAX_SIZE_REACHED, ""]);
});

test("JoinGroup: session timeout out of bounds, empty group id, unknown member, inconsistent protocols", async () => {
  const client = await open();
  await stableMember("protocols");
  const refusals: [Partial<JoinGroupRequest> & { groupId: string }, number][] = [
    [{ groupId: "bounds", sessionTimeoutMs: MIN_SESSION_TIMEOUT_MS - 1 }, ErrorCode.INVALID_SESSION_TIMEOUT],
    [{ groupId: "bounds", sessionTimeoutMs: MAX_SESSION_TIMEOUT_MS + 1 }, ErrorCode.INVALID_SESSION_TIMEOUT],
    [{ groupId: "" }, ErrorCode.INVALID_GROUP_ID],
    [{ groupId: "bounds", memberId: "bogus" }, ErrorCode.UNKNOWN_MEMBER_ID],
    [{ groupId: "no-type", protocolType: "" }, ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
    [{ groupId: "no-protocols", protocols: [] }, ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
    [{ groupId: "protocols", protocolType: "connect" }, ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
    [
      { groupId: "protocols", protocols: [{ name: "roundrobin", metadata: subscription([TOPIC]) }] },
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    ],
  ];
  for (const [request, expected] of refusals) {
    const response = await joinGroup(client, request);
    assert.deepStrictEqual(
      [response.errorCode, response.memberId],
      [expected, request.memberId ?? ""],
      JSON.stringify(request),
    );
  }
  const described = await client.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, 5, {
    groups: ["bounds"],
    includeAuthorizedOperations: false,
  });
  assert.equal(
    described.groups[0].groupState,
    "Dead",
    "a join refused for its session timeout makes no group",
  );
});

test("a join to a new group refused for its protocols leaves an Empty group behind", async () => {
  const client = await open();
  const refusals: [string, Partial<JoinGroupRequest>][] = [
    ["left-empty", { protocolType: "" }],
    ["left-empty-no-protocols", { protocols: [] }],
  ];
  for (const [groupId, request] of refusals) {
    const refused = await joinGroup(client, { groupId, ...request });
    assert.equal(refused.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, groupId);
  }
  const groupIds = refusals.map(([groupId]) => groupId);
  const described = await client.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, 5, {
    groups: groupIds,
    includeAuthorizedOperations: false,
  });
  assert.deepStrictEqual(
    described.groups.map((g) => [g.groupId, g.errorCode, g.groupState, g.protocolType]),
    groupIds.map((groupId) => [groupId, ErrorCode.NONE, "Empty", ""]),
  );
  const listed = await client.request<ListGroupsResponse>(ApiKey.ListGroups, 4, { statesFilter: [] });
  assert.deepStrictEqual(
    listed.groups.filter((g) => groupIds.includes(g.groupId)).map((g) => [g.groupId, g.groupState]),
    groupIds.map((groupId) => [groupId, "Empty"]),
  );
});

/** Not ConsumerProtocolSubscriptions: negative version and lengths; an array longer than the bytes left. */
const GARBAGE_METADATA = [
  Buffer.from("ffffffffffff", "hex"),
  Buffer.from("00000000000affff0000deadbeef", "hex"),
];

test("undecodable protocol metadata is opaque: the leader gets it back byte for byte", async () => {
  for (const [i, garbage] of GARBAGE_METADATA.entries()) {
    const member = await stableMember(`opaque-${i}`, [{ name: "range", metadata: garbage }]);
    assert.deepStrictEqual(
      member.joined.members.map((m) => m.metadata),
      [garbage],
    );
    assert.equal((await heartbeat(member.client, `opaque-${i}`, member)).errorCode, ErrorCode.NONE);
  }
});

test("512 KiB of protocol metadata is served; a request over socket.request.max.bytes closes that connection", async () => {
  const big = subscription([TOPIC], Buffer.alloc(512 * 1024, 0x5a));
  const member = await stableMember("big-join", [{ name: "range", metadata: big }]);
  assert.equal(member.joined.members.length, 1);
  assert.ok(member.joined.members[0].metadata.equals(big), "the leader gets the metadata unchanged");
  const client = await open();
  const tooBig = subscription([TOPIC], Buffer.alloc(MAX_REQUEST_BYTES + 1024, 0x5a));
  const refused = joinGroup(client, { groupId: "too-big", protocols: [{ name: "range", metadata: tooBig }] });
  await assert.rejects(refused, /connection closed/);
  await client.closed;
  await assertStillServing();
  assert.equal((await heartbeat(member.client, "big-join", member)).errorCode, ErrorCode.NONE);
});

// ---- SyncGroup, Heartbeat, LeaveGroup ----

test("SyncGroup and Heartbeat: wrong generation gets ILLEGAL_GENERATION, unknown member UNKNOWN_MEMBER_ID", async () => {
  const member = await stableMember("member-checks");
  const { client } = member;
  const cases: [Identity, number][] = [
    [member, ErrorCode.NONE],
    [{ ...member, generationId: member.generationId + 1 }, ErrorCode.ILLEGAL_GENERATION],
    [{ ...member, generationId: member.generationId - 1 }, ErrorCode.ILLEGAL_GENERATION],
    [{ ...member, memberId: "nobody" }, ErrorCode.UNKNOWN_MEMBER_ID],
    [{ ...member, memberId: "" }, ErrorCode.UNKNOWN_MEMBER_ID],
  ];
  for (const [who, expected] of cases) {
    assert.equal(
      (await heartbeat(client, "member-checks", who)).errorCode,
      expected,
      `heartbeat ${who.memberId}`,
    );
    assert.equal((await syncGroup(client, "member-checks", who)).errorCode, expected, `sync ${who.memberId}`);
  }
  const leave = await client.request<LeaveGroupResponse>(ApiKey.LeaveGroup, 5, {
    groupId: "member-checks",
    members: ["nobody", member.memberId].map((memberId) => ({
      memberId,
      groupInstanceId: null,
      reason: null,
    })),
  });
  assert.equal(leave.errorCode, ErrorCode.NONE);
  assert.deepStrictEqual(
    leave.members?.map((r) => r.errorCode),
    [ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE],
  );
});

test("SyncGroup v5 without the protocol type and name gets INCONSISTENT_GROUP_PROTOCOL", async () => {
  const member = await stableMember("sync-protocol");
  const unnamed = { protocolType: null, protocolName: null };
  const bare = await syncGroup(member.client, "sync-protocol", member, unnamed);
  assert.equal(bare.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const ghost = await syncGroup(member.client, "sync-protocol-ghost", member, unnamed);
  assert.equal(
    ghost.errorCode,
    ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    "checked before the group is looked up",
  );
});

test("SyncGroup v5 naming another protocol gets INCONSISTENT_GROUP_PROTOCOL", async () => {
  const member = await stableMember("sync-other-protocol");
  const other = await syncGroup(member.client, "sync-other-protocol", member, { protocolName: "roundrobin" });
  assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
});

test("Heartbeat, SyncGroup and LeaveGroup (v0-v2) for a group that does not exist get UNKNOWN_MEMBER_ID", async () => {
  const client = await open();
  const stranger = { generationId: 1, memberId: "m" };
  assert.equal((await heartbeat(client, "ghost", stranger)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal((await syncGroup(client, "ghost", stranger)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  const leave = await client.request<LeaveGroupResponse>(ApiKey.LeaveGroup, 2, {
    groupId: "ghost",
    memberId: "m",
  });
  assert.equal(leave.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test("LeaveGroup v3+ for a group that does not exist answers UNKNOWN_MEMBER_ID per member", async () => {
  const client = await open();
  const leave = await client.request<LeaveGroupResponse>(ApiKey.LeaveGroup, 5, {
    groupId: "ghost",
    members: [{ memberId: "m", groupInstanceId: null, reason: null }],
  });
  assert.equal(leave.errorCode, ErrorCode.NONE);
  assert.deepStrictEqual(
    leave.members?.map((r) => [r.memberId, r.errorCode]),
    [["m", ErrorCode.UNKNOWN_MEMBER_ID]],
  );
});

// ---- FindCoordinator, DescribeGroups, DeleteGroups, OffsetDelete ----

async function findCoordinator(client: RawClient, keyType: number): Promise<Coordinator> {
  const response = await client.request<FindCoordinatorResponse>(ApiKey.FindCoordinator, 6, {
    keyType,
    coordinatorKeys: ["k"],
  });
  assert.equal(response.coordinators?.length, 1);
  return response.coordinators[0];
}

test("FindCoordinator: share and unknown key types get INVALID_REQUEST", async () => {
  const client = await open();
  const group = await findCoordinator(client, 0);
  assert.deepStrictEqual([group.errorCode, group.nodeId, group.port], [ErrorCode.NONE, 1, samsa.port]);
  for (const keyType of [2, 7, -1]) {
    const refused = await findCoordinator(client, keyType);
    assert.deepStrictEqual(
      [refused.key, refused.errorCode, refused.nodeId],
      ["k", ErrorCode.INVALID_REQUEST, -1],
    );
  }
  const v3 = await client.request<FindCoordinatorResponse>(ApiKey.FindCoordinator, 3, {
    key: "k",
    keyType: 7,
  });
  assert.deepStrictEqual([v3.errorCode, v3.nodeId], [ErrorCode.INVALID_REQUEST, -1]);
});

test("FindCoordinator for a transaction key gets a clear error while Samsa has no transaction coordinator", async () => {
  // Deliberately not Kafka's answer: Kafka 4.4.0 names its transaction coordinator (after
  // COORDINATOR_NOT_AVAILABLE while it creates __transaction_state). Samsa has none yet and says so,
  // rather than answer COORDINATOR_NOT_AVAILABLE and have clients retry forever.
  const transaction = await findCoordinator(await open(), 1);
  assert.deepStrictEqual([transaction.errorCode, transaction.nodeId], [ErrorCode.INVALID_REQUEST, -1]);
  assert.match(transaction.errorMessage ?? "", /transaction/i);
});

test("DescribeGroups and DeleteGroups of unknown groups; DeleteGroups of a live group gets NON_EMPTY_GROUP", async () => {
  const client = await open();
  const describe = async (version: number) => {
    const response = await client.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, version, {
      groups: ["nowhere"],
      includeAuthorizedOperations: false,
    });
    return response.groups[0];
  };
  const v5 = await describe(5);
  assert.deepStrictEqual([v5.errorCode, v5.groupState, v5.members], [ErrorCode.NONE, "Dead", []]);
  const v6 = await describe(6);
  assert.deepStrictEqual([v6.errorCode, v6.groupState], [ErrorCode.GROUP_ID_NOT_FOUND, "Dead"]);
  await stableMember("live-group");
  assert.deepStrictEqual(partitionErrors(await commit(client, "empty-group", SIMPLE, [offsetAt(0, 1)])), [0]);
  const deleted = await client.request<DeleteGroupsResponse>(ApiKey.DeleteGroups, 2, {
    groupsNames: ["nowhere", "live-group", "empty-group"],
  });
  // Kafka answers in its own order, not the request's.
  assert.deepStrictEqual(
    new Map(deleted.results.map((r) => [r.groupId, r.errorCode])),
    new Map([
      ["nowhere", ErrorCode.GROUP_ID_NOT_FOUND],
      ["live-group", ErrorCode.NON_EMPTY_GROUP],
      ["empty-group", ErrorCode.NONE],
    ]),
  );
  assert.deepStrictEqual(await committedOffsets(client, "empty-group"), [-1n, -1n, -1n]);
});

test("OffsetDelete of a topic the group subscribes to gets GROUP_SUBSCRIBED_TO_TOPIC; of another, deletes", async () => {
  const member = await stableMember("subscribed");
  const { client } = member;
  assert.deepStrictEqual(partitionErrors(await commit(client, "subscribed", member, [offsetAt(0, 3)])), [0]);
  const other = await commit(client, "subscribed", member, [offsetAt(0, 4)], { topic: OTHER_TOPIC });
  assert.deepStrictEqual(partitionErrors(other), [ErrorCode.NONE]);
  const refused = await offsetDelete(client, "subscribed", TOPIC);
  assert.equal(refused.errorCode, ErrorCode.NONE);
  assert.deepStrictEqual(partitionErrors(refused), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC]);
  const deleted = await offsetDelete(client, "subscribed", OTHER_TOPIC);
  assert.deepStrictEqual([deleted.errorCode, partitionErrors(deleted)], [ErrorCode.NONE, [ErrorCode.NONE]]);
  assert.deepStrictEqual(await committedOffsets(client, "subscribed"), [3n, -1n, -1n]);
  assert.deepStrictEqual(await committedOffsets(client, "subscribed", OTHER_TOPIC), [-1n]);
  assert.equal((await offsetDelete(client, "no-such-group", TOPIC)).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test("OffsetDelete counts a consumer group whose subscription cannot be read as subscribed", async () => {
  for (const [i, garbage] of [Buffer.alloc(0), ...GARBAGE_METADATA].entries()) {
    const groupId = `unreadable-${i}`;
    const member = await stableMember(groupId, [{ name: "range", metadata: garbage }]);
    assert.deepStrictEqual(
      partitionErrors(await commit(member.client, groupId, member, [offsetAt(0, 3)])),
      [0],
    );
    const refused = await offsetDelete(member.client, groupId, TOPIC);
    assert.deepStrictEqual(partitionErrors(refused), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], `metadata ${i}`);
    assert.deepStrictEqual(await committedOffsets(member.client, groupId), [3n, -1n, -1n]);
  }
});

// ---- Undecodable bodies ----

/** A valid header for `apiKey` v`version` followed by `body`, whatever it holds. */
function requestFrame(apiKey: number, version: number, body: Buffer): Buffer {
  const w = new Writer();
  const header = { apiKey, apiVersion: version, correlationId: 7, clientId: "samsa-test" };
  encodeRequestHeader(w, requestHeaderVersion(apiKey, version), header);
  return Buffer.concat([w.toBuffer(), body]);
}

function encodedBody(apiKey: number, version: number, body: object): Buffer {
  const codec = requestCodec(apiKey);
  assert.ok(codec !== undefined);
  return encodeMessage(codec, version, body);
}

const assigned = { assignments: [{ memberId: "m", assignment: Buffer.alloc(40, 1) }] };
const VALID_BODIES: [string, number, number, object][] = [
  ["JoinGroup", ApiKey.JoinGroup, JOIN_VERSION, joinRequest({ groupId: "undecodable" })],
  [
    "SyncGroup",
    ApiKey.SyncGroup,
    SYNC_VERSION,
    syncRequest("undecodable", { generationId: 1, memberId: "m" }, assigned),
  ],
  [
    "OffsetCommit",
    ApiKey.OffsetCommit,
    COMMIT_VERSION,
    commitRequest("undecodable", SIMPLE, [offsetAt(0, 1, "m")]),
  ],
  ["OffsetCommit", ApiKey.OffsetCommit, 7, commitRequest("undecodable", SIMPLE, [offsetAt(0, 1, "m")])],
];

for (const [name, apiKey, version, request] of VALID_BODIES) {
  test(`${name} v${version} with a truncated or garbage body closes that connection only`, async () => {
    const groupId = `bodies-${apiKey}-${version}`;
    const member = await stableMember(groupId);
    const body = encodedBody(apiKey, version, request);
    for (const bytes of [body.subarray(0, body.length >> 1), Buffer.alloc(24, 0xfe), Buffer.alloc(0)]) {
      const client = await open();
      client.writeFrame(requestFrame(apiKey, version, bytes));
      await client.closed;
    }
    assert.equal(
      (await heartbeat(member.client, groupId, member)).errorCode,
      ErrorCode.NONE,
      "members carry on",
    );
    await assertStillServing();
  });
}
