import assert from "node:assert/strict";
import { test } from "node:test";
import {
  commitResponse,
  fetchResponse,
  planCommit,
  planFetch,
  type TopicLookup,
} from "../../../src/broker/offset-topic-ids.ts";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import type { OffsetCommitRequest } from "../../../src/protocol/messages/offset-commit-request.ts";
import type { OffsetFetchRequest } from "../../../src/protocol/messages/offset-fetch-request.ts";
import { ZERO_UUID } from "../../../src/protocol/primitives.ts";

const ORDERS_ID = "b3JkZXJzLXRvcGljLWlkAA";
const USERS_ID = "dXNlcnMtdG9waWMtaWQAAA";
const UNKNOWN_ID = "bm9ib2R5LWtub3dzLW1lAA";

function lookup(...topics: { name: string; topicId: string; partitions: number }[]): TopicLookup {
  return {
    get: (name) => topics.find((t) => t.name === name),
    getById: (topicId) => topics.find((t) => t.topicId === topicId),
  };
}

const TOPICS = lookup(
  { name: "orders", topicId: ORDERS_ID, partitions: 2 },
  { name: "users", topicId: USERS_ID, partitions: 1 },
);

function commit(topics: OffsetCommitRequest["topics"]): OffsetCommitRequest {
  return { groupId: "g", generationIdOrMemberEpoch: -1, memberId: "", groupInstanceId: null, topics };
}

const at = (partitionIndex: number, committedOffset = 5n) => ({
  partitionIndex,
  committedOffset,
  committedLeaderEpoch: -1,
  committedMetadata: "",
});

test("a commit's known ids become names for the coordinator, keeping the ids alongside", () => {
  const plan = planCommit(commit([{ topicId: ORDERS_ID, partitions: [at(0), at(1)] }]), TOPICS);
  assert.deepEqual(plan.rejected, []);
  assert.equal(plan.forCoordinator?.groupId, "g");
  assert.deepEqual(
    plan.forCoordinator?.topics.map((t) => [t.name, t.topicId, t.partitions.length]),
    [["orders", ORDERS_ID, 2]],
  );
});

test("an unknown id gets UNKNOWN_TOPIC_ID per partition and a missing partition UNKNOWN_TOPIC_OR_PARTITION", () => {
  const plan = planCommit(
    commit([
      { topicId: UNKNOWN_ID, partitions: [at(0), at(3)] },
      { topicId: ORDERS_ID, partitions: [at(0), at(2), at(-1)] },
      { topicId: ZERO_UUID, partitions: [at(0)] },
    ]),
    TOPICS,
  );
  assert.deepEqual(
    plan.forCoordinator?.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]),
    [["orders", [0]]],
  );
  assert.deepEqual(plan.rejected, [
    {
      topicId: UNKNOWN_ID,
      name: "",
      partitions: [
        { partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID },
        { partitionIndex: 3, errorCode: ErrorCode.UNKNOWN_TOPIC_ID },
      ],
    },
    {
      topicId: ORDERS_ID,
      name: "orders",
      partitions: [
        { partitionIndex: 2, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
        { partitionIndex: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
      ],
    },
    {
      topicId: ZERO_UUID,
      name: "",
      partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }],
    },
  ]);

  // The coordinator's answer is merged in by id, after the refused topics (Kafka's response builder).
  const merged = commitResponse(plan, {
    topics: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE }] }],
  });
  assert.deepEqual(
    merged.topics.map((t) => [t.topicId, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]),
    [
      [
        UNKNOWN_ID,
        [
          [0, ErrorCode.UNKNOWN_TOPIC_ID],
          [3, ErrorCode.UNKNOWN_TOPIC_ID],
        ],
      ],
      [
        ORDERS_ID,
        [
          [2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
          [-1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
          [0, ErrorCode.NONE],
        ],
      ],
      [ZERO_UUID, [[0, ErrorCode.UNKNOWN_TOPIC_ID]]],
    ],
  );
  assert.equal(merged.throttleTimeMs, 0);
});

test("a commit with nothing left is answered without the coordinator", () => {
  const plan = planCommit(commit([{ topicId: UNKNOWN_ID, partitions: [at(0)] }]), TOPICS);
  assert.equal(plan.forCoordinator, null);
  assert.deepEqual(commitResponse(plan, null), {
    throttleTimeMs: 0,
    topics: [{ topicId: UNKNOWN_ID, name: "", partitions: [{ partitionIndex: 0, errorCode: 100 }] }],
  });
  assert.equal(planCommit(commit([]), TOPICS).forCoordinator, null);
  assert.deepEqual(commitResponse(planCommit(commit([]), TOPICS), null), { throttleTimeMs: 0, topics: [] });
});

test("the coordinator's names get their ids back, group errors included", () => {
  const plan = planCommit(
    commit([
      { topicId: ORDERS_ID, partitions: [at(0)] },
      { topicId: USERS_ID, partitions: [at(0)] },
    ]),
    TOPICS,
  );
  const answer = commitResponse(plan, {
    topics: [
      { name: "orders", partitions: [{ partitionIndex: 0, errorCode: ErrorCode.ILLEGAL_GENERATION }] },
      { name: "users", partitions: [{ partitionIndex: 0, errorCode: ErrorCode.ILLEGAL_GENERATION }] },
    ],
  });
  assert.deepEqual(
    answer.topics.map((t) => t.topicId),
    [ORDERS_ID, USERS_ID],
  );
});

function fetchOf(groups: OffsetFetchRequest["groups"]): OffsetFetchRequest {
  return { groups, requireStable: false };
}

test("a fetch asks the coordinator by name and lists unknown ids after its topics", () => {
  const plan = planFetch(
    fetchOf([
      {
        groupId: "g",
        memberId: null,
        memberEpoch: -1,
        topics: [
          { topicId: UNKNOWN_ID, partitionIndexes: [0, 1] },
          { topicId: USERS_ID, partitionIndexes: [0] },
        ],
      },
      { groupId: "only-unknown", topics: [{ topicId: UNKNOWN_ID, partitionIndexes: [0] }] },
    ]),
    TOPICS,
  );
  assert.deepEqual(
    plan.forCoordinator.groups?.map((g) => [g.groupId, g.topics?.map((t) => [t.name, t.partitionIndexes])]),
    [
      ["g", [["users", [0]]]],
      ["only-unknown", []],
    ],
  );
  const partition = (committedOffset: bigint) => ({
    partitionIndex: 0,
    committedOffset,
    committedLeaderEpoch: -1,
    metadata: "",
    errorCode: 0,
  });
  const answer = fetchResponse(
    plan,
    {
      groups: [
        { groupId: "g", errorCode: 0, topics: [{ name: "users", partitions: [partition(7n)] }] },
        { groupId: "only-unknown", errorCode: 0, topics: [] },
      ],
    },
    TOPICS,
  );
  const unknown = (partitionIndex: number) => ({
    partitionIndex,
    committedOffset: -1n,
    committedLeaderEpoch: -1,
    metadata: "",
    errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
  });
  assert.deepEqual(answer.groups, [
    {
      groupId: "g",
      errorCode: 0,
      topics: [
        { name: "users", topicId: USERS_ID, partitions: [partition(7n)] },
        { topicId: UNKNOWN_ID, name: "", partitions: [unknown(0), unknown(1)] },
      ],
    },
    {
      groupId: "only-unknown",
      errorCode: 0,
      topics: [{ topicId: UNKNOWN_ID, name: "", partitions: [unknown(0)] }],
    },
  ]);
});

test("a group the coordinator failed is answered as it answered, without the refused topics", () => {
  const plan = planFetch(
    fetchOf([{ groupId: "g", topics: [{ topicId: UNKNOWN_ID, partitionIndexes: [0] }] }]),
    TOPICS,
  );
  const answer = fetchResponse(
    plan,
    { groups: [{ groupId: "g", errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] }] },
    TOPICS,
  );
  assert.deepEqual(answer.groups, [
    { groupId: "g", errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] },
  ]);
});

test("fetching all topics answers with ids and leaves out names without a topic", () => {
  const plan = planFetch(fetchOf([{ groupId: "g", topics: null }]), TOPICS);
  assert.equal(plan.forCoordinator.groups?.[0].topics, null);
  const answer = fetchResponse(
    plan,
    {
      groups: [
        {
          groupId: "g",
          errorCode: 0,
          topics: [
            { name: "orders", partitions: [] },
            { name: "deleted-since", partitions: [] },
            { name: "users", partitions: [] },
          ],
        },
      ],
    },
    TOPICS,
  );
  assert.deepEqual(
    answer.groups?.[0].topics?.map((t) => [t.name, t.topicId]),
    [
      ["orders", ORDERS_ID],
      ["users", USERS_ID],
    ],
  );
});
