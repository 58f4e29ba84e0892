/**
 * The consumer group protocol (KIP-848) against a real broker process, in raw
 * requests: what is advertised, Kafka's error codes for mistaken and hostile
 * heartbeats (and a clean close for undecodable ones), the admin views of a
 * consumer group beside a classic one, Metadata by topic id, and a group whose
 * members, epochs, assignments and commits survive a SIGKILL of the broker.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { encodeMessage, requestCodec } from "../../src/protocol/codec.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { encodeRequestHeader, requestHeaderVersion } from "../../src/protocol/headers.ts";
import type { ApiVersionsResponse } from "../../src/protocol/messages/api-versions-response.ts";
import type { ConsumerGroupDescribeResponse } from "../../src/protocol/messages/consumer-group-describe-response.ts";
import type { ConsumerGroupHeartbeatRequest } from "../../src/protocol/messages/consumer-group-heartbeat-request.ts";
import type { ConsumerGroupHeartbeatResponse } from "../../src/protocol/messages/consumer-group-heartbeat-response.ts";
import type { DescribeGroupsResponse } from "../../src/protocol/messages/describe-groups-response.ts";
import type { ListGroupsResponse } from "../../src/protocol/messages/list-groups-response.ts";
import type { MetadataResponse } from "../../src/protocol/messages/metadata-response.ts";
import type { OffsetCommitResponse } from "../../src/protocol/messages/offset-commit-response.ts";
import type { OffsetFetchResponse } from "../../src/protocol/messages/offset-fetch-response.ts";
import { Writer } from "../../src/protocol/primitives.ts";
import { createTopicWith, RawClient } from "../support/raw-client.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

const OVERRIDES = {
  "offsets.topic.num.partitions": "1",
  "group.consumer.max.size": "2",
  "group.consumer.min.session.timeout.ms": "6000",
  "group.consumer.session.timeout.ms": "6000",
  "group.consumer.min.heartbeat.interval.ms": "500",
  "group.consumer.heartbeat.interval.ms": "500",
};
const TOPIC = "cp-raw";

let samsa: SamsaProcess;
let client: RawClient;

before(async () => {
  samsa = await startSamsa({ overrides: OVERRIDES });
  client = await RawClient.connect(samsa.host, samsa.port);
  await createTopicWith(client, TOPIC, 4);
});

after(async () => {
  client?.close();
  await samsa?.dispose();
});

type Heartbeat = Partial<ConsumerGroupHeartbeatRequest> & {
  groupId: string;
  memberId: string;
  memberEpoch: number;
};

function heartbeat(c: RawClient, body: Heartbeat, version = 1): Promise<ConsumerGroupHeartbeatResponse> {
  return c.request<ConsumerGroupHeartbeatResponse>(ApiKey.ConsumerGroupHeartbeat, version, body);
}

function joinBody(
  groupId: string,
  memberId: string,
  extra: Partial<ConsumerGroupHeartbeatRequest> = {},
): Heartbeat {
  return {
    groupId,
    memberId,
    memberEpoch: 0,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: [TOPIC],
    topicPartitions: [],
    ...extra,
  };
}

async function topicId(c: RawClient): Promise<string> {
  const md = await c.request<MetadataResponse>(ApiKey.Metadata, 12, { topics: [{ name: TOPIC }] });
  const id = md.topics[0]?.topicId;
  assert(id !== undefined);
  return id;
}

async function describe(c: RawClient, groupId: string) {
  const r = await c.request<ConsumerGroupDescribeResponse>(ApiKey.ConsumerGroupDescribe, 1, {
    groupIds: [groupId],
    includeAuthorizedOperations: false,
  });
  const g = r.groups[0];
  assert(g !== undefined);
  return g;
}

test("ConsumerGroupHeartbeat and ConsumerGroupDescribe are advertised at v0–1", async () => {
  const r = await client.request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, {
    clientSoftwareName: "it",
    clientSoftwareVersion: "1",
  });
  const range = (key: number) => r.apiKeys.find((k) => k.apiKey === key);
  assert.deepEqual([range(68)?.minVersion, range(68)?.maxVersion], [0, 1]);
  assert.deepEqual([range(69)?.minVersion, range(69)?.maxVersion], [0, 1]);
});

test("mistaken heartbeats get Kafka's error codes and the broker keeps serving", async () => {
  const cases: [string, Heartbeat, number, number?][] = [
    ["empty member id at v1", joinBody("bad", ""), ErrorCode.INVALID_REQUEST],
    ["empty group id", joinBody("", "m"), ErrorCode.INVALID_REQUEST],
    [
      "no rebalance timeout on join",
      joinBody("bad", "m", { rebalanceTimeoutMs: -1 }),
      ErrorCode.INVALID_REQUEST,
    ],
    ["owned partitions on join", joinBody("bad", "m", { topicPartitions: null }), ErrorCode.INVALID_REQUEST],
    [
      "no subscription on join",
      joinBody("bad", "m", { subscribedTopicNames: null, subscribedTopicRegex: null }),
      ErrorCode.INVALID_REQUEST,
    ],
    [
      "static leave without instance id",
      { groupId: "bad", memberId: "m", memberEpoch: -2 },
      ErrorCode.INVALID_REQUEST,
    ],
    ["epoch below -2", { groupId: "bad", memberId: "m", memberEpoch: -7 }, ErrorCode.INVALID_REQUEST],
    ["blank instance id", joinBody("bad", "m", { instanceId: "  " }), ErrorCode.INVALID_REQUEST],
    ["unknown assignor", joinBody("bad", "m", { serverAssignor: "sticky" }), ErrorCode.UNSUPPORTED_ASSIGNOR],
    [
      "invalid regex",
      joinBody("bad", "m", { subscribedTopicNames: null, subscribedTopicRegex: "([" }),
      ErrorCode.INVALID_REGULAR_EXPRESSION,
    ],
    [
      "heartbeat to an unknown group",
      { groupId: "nobody-here", memberId: "m", memberEpoch: 3 },
      ErrorCode.GROUP_ID_NOT_FOUND,
    ],
    [
      "leave of an unknown group",
      { groupId: "nobody-here", memberId: "m", memberEpoch: -1 },
      ErrorCode.GROUP_ID_NOT_FOUND,
    ],
  ];
  for (const [what, body, expected] of cases) {
    const r = await heartbeat(client, body);
    assert.equal(r.errorCode, expected, `${what}: ${r.errorMessage}`);
    assert.ok((r.errorMessage ?? "").length > 0, `${what} explains itself`);
  }

  const joined = await heartbeat(client, joinBody("errs", "m1"));
  assert.equal(joined.errorCode, ErrorCode.NONE);
  assert.equal(
    (await heartbeat(client, { groupId: "errs", memberId: "ghost", memberEpoch: 1 })).errorCode,
    ErrorCode.UNKNOWN_MEMBER_ID,
  );
  assert.equal(
    (await heartbeat(client, { groupId: "errs", memberId: "m1", memberEpoch: joined.memberEpoch + 5 }))
      .errorCode,
    ErrorCode.FENCED_MEMBER_EPOCH,
  );
  assert.equal((await heartbeat(client, joinBody("errs", "m2"))).errorCode, ErrorCode.NONE);
  const third = await heartbeat(client, joinBody("errs", "m3"));
  assert.equal(third.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED, "group.consumer.max.size=2");
  const v0 = await heartbeat(client, joinBody("errs-v0", ""), 0);
  assert.equal(v0.errorCode, ErrorCode.NONE, "v0 lets the coordinator choose the member id");
  assert.ok((v0.memberId ?? "").length > 0);
});

test("an undecodable heartbeat closes that connection only", async () => {
  const victim = await RawClient.connect(samsa.host, samsa.port);
  const codec = requestCodec(ApiKey.ConsumerGroupHeartbeat);
  assert(codec !== undefined);
  const header = new Writer(64);
  encodeRequestHeader(header, requestHeaderVersion(ApiKey.ConsumerGroupHeartbeat, 1), {
    apiKey: ApiKey.ConsumerGroupHeartbeat,
    apiVersion: 1,
    correlationId: 1,
    clientId: "bad",
  });
  const whole = encodeMessage(codec, 1, joinBody("trunc", "m"));
  const body = Buffer.concat([header.toBuffer(), whole.subarray(0, 7)]);
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  victim.writeRaw(frame);
  await victim.closed.catch(() => undefined);
  const still = await heartbeat(client, joinBody("after-trunc", "m"));
  assert.equal(still.errorCode, ErrorCode.NONE);
});

test("admin views: a consumer group beside a classic one", async () => {
  const joined = await heartbeat(client, joinBody("views", "v1"));
  assert.equal(joined.errorCode, ErrorCode.NONE);
  const d = await describe(client, "views");
  assert.equal(d.errorCode, ErrorCode.NONE);
  assert.equal(d.groupState, "Stable");
  assert.equal(d.members[0]?.memberId, "v1");
  assert.equal(d.members[0]?.assignment.topicPartitions[0]?.topicName, TOPIC);

  const missing = await describe(client, "never-was");
  assert.equal(missing.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);

  const classic = await client.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, 6, {
    groups: ["views"],
    includeAuthorizedOperations: false,
  });
  assert.equal(classic.groups[0]?.errorCode, ErrorCode.GROUP_ID_NOT_FOUND, "not a classic group");

  const listed = await client.request<ListGroupsResponse>(ApiKey.ListGroups, 5, {
    statesFilter: [],
    typesFilter: ["consumer"],
  });
  const mine = listed.groups.find((g) => g.groupId === "views");
  assert.deepEqual(
    { type: mine?.groupType, state: mine?.groupState, protocol: mine?.protocolType },
    { type: "consumer", state: "Stable", protocol: "consumer" },
  );
  const classicOnly = await client.request<ListGroupsResponse>(ApiKey.ListGroups, 5, {
    statesFilter: [],
    typesFilter: ["classic"],
  });
  assert.equal(
    classicOnly.groups.find((g) => g.groupId === "views"),
    undefined,
  );
});

test("Metadata by topic id (the name sent as an empty string) finds the topic", async () => {
  const id = await topicId(client);
  const md = await client.request<MetadataResponse>(ApiKey.Metadata, 12, {
    topics: [{ topicId: id, name: "" }],
  });
  assert.equal(md.topics[0]?.errorCode, ErrorCode.NONE);
  assert.equal(md.topics[0]?.name, TOPIC);
});

test("a consumer group survives a SIGKILL of the broker: members, epochs, assignments, commits", async () => {
  const broker = await startSamsa({ overrides: OVERRIDES });
  let c = await RawClient.connect(broker.host, broker.port);
  try {
    await createTopicWith(c, TOPIC, 4);
    const a = await heartbeat(c, joinBody("durable", "a"));
    const b = await heartbeat(c, joinBody("durable", "b"));
    const aRevoke = await heartbeat(c, { groupId: "durable", memberId: "a", memberEpoch: a.memberEpoch });
    const kept = aRevoke.assignment?.topicPartitions ?? [];
    const aAck = await heartbeat(c, {
      groupId: "durable",
      memberId: "a",
      memberEpoch: a.memberEpoch,
      topicPartitions: kept,
    });
    const bGet = await heartbeat(c, { groupId: "durable", memberId: "b", memberEpoch: b.memberEpoch });
    assert.equal(aAck.memberEpoch, 2);
    assert.equal(bGet.memberEpoch, 2);
    const id = await topicId(c);
    const commit = await c.request<OffsetCommitResponse>(ApiKey.OffsetCommit, 9, {
      groupId: "durable",
      generationIdOrMemberEpoch: 2,
      memberId: "a",
      topics: [
        {
          name: TOPIC,
          partitions: [
            { partitionIndex: kept[0]?.partitions[0] ?? 0, committedOffset: 42n, committedMetadata: "m" },
          ],
        },
      ],
    });
    assert.equal(commit.topics[0]?.partitions[0]?.errorCode, ErrorCode.NONE);
    const before = await describe(c, "durable");

    c.close();
    await broker.kill();
    const again = await startSamsa({ dataDir: broker.dataDir, port: broker.port, overrides: OVERRIDES });
    c = await RawClient.connect(again.host, again.port);
    const after = await describe(c, "durable");
    assert.deepEqual(after, before, "the group as it was");
    const hb = await heartbeat(c, { groupId: "durable", memberId: "a", memberEpoch: 2 });
    assert.equal(hb.errorCode, ErrorCode.NONE, "members carry on at their epoch");
    assert.equal(hb.memberEpoch, 2);
    const fetched = await c.request<OffsetFetchResponse>(ApiKey.OffsetFetch, 10, {
      groups: [
        {
          groupId: "durable",
          memberId: "a",
          memberEpoch: 2,
          topics: [{ topicId: id, partitionIndexes: [kept[0]?.partitions[0] ?? 0] }],
        },
      ],
      requireStable: true,
    });
    assert.equal(fetched.groups?.[0]?.topics?.[0]?.partitions?.[0]?.committedOffset, 42n);
    await again.dispose();
  } finally {
    c.close();
    await broker.dispose();
  }
});
