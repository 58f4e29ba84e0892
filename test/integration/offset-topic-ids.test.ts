/**
 * OffsetCommit v10 and OffsetFetch v10 name topics by id (Kafka 4.1+), while
 * committed offsets are kept by name: against a real broker process, what is
 * committed by id reads back by id and by name, fetching all topics answers
 * with ids, and unknown ids get UNKNOWN_TOPIC_ID as Kafka 4.4.0 answers them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { DeleteTopicsResponse } from "../../src/protocol/messages/delete-topics-response.ts";
import type { MetadataResponse } from "../../src/protocol/messages/metadata-response.ts";
import type { OffsetCommitRequestTopic } from "../../src/protocol/messages/offset-commit-request.ts";
import type { OffsetCommitResponse } from "../../src/protocol/messages/offset-commit-response.ts";
import type { OffsetFetchRequestGroup } from "../../src/protocol/messages/offset-fetch-request.ts";
import type {
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
} from "../../src/protocol/messages/offset-fetch-response.ts";
import { ZERO_UUID } from "../../src/protocol/primitives.ts";
import { createTopicWith, RawClient } from "../support/raw-client.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

let samsa: SamsaProcess;
let client: RawClient;
/** A valid id no topic has. */
const UNKNOWN_ID = "AAAAAAAAAAAAAAAAAAAAAQ";
const ids = new Map<string, string>();

before(async () => {
  samsa = await startSamsa();
  client = await RawClient.connect(samsa.host, samsa.port);
  for (const [name, partitions] of [
    ["ids-a", 2],
    ["ids-b", 1],
    ["ids-gone", 1],
  ] as const)
    await createTopicWith(client, name, partitions);
  const metadata = await client.request<MetadataResponse>(ApiKey.Metadata, 12, {
    topics: [{ name: "ids-a" }, { name: "ids-b" }, { name: "ids-gone" }],
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  });
  for (const t of metadata.topics) {
    assert.equal(t.errorCode, ErrorCode.NONE);
    assert.notEqual(t.topicId, ZERO_UUID);
    ids.set(t.name ?? "", t.topicId ?? ZERO_UUID);
  }
});

after(async () => {
  client.close();
  await samsa.dispose();
});

function idOf(name: string): string {
  const id = ids.get(name);
  assert.ok(id !== undefined, name);
  return id;
}

function commitV10(
  groupId: string,
  topics: { topicId: string; partitions: [number, bigint][] }[],
  generation = -1,
): Promise<OffsetCommitResponse> {
  return client.request<OffsetCommitResponse>(ApiKey.OffsetCommit, 10, {
    groupId,
    generationIdOrMemberEpoch: generation,
    memberId: "",
    groupInstanceId: null,
    topics: topics.map(
      (t): OffsetCommitRequestTopic => ({
        topicId: t.topicId,
        partitions: t.partitions.map(([partitionIndex, committedOffset]) => ({
          partitionIndex,
          committedOffset,
          committedLeaderEpoch: 3,
          committedMetadata: `m${committedOffset}`,
        })),
      }),
    ),
  });
}

/** topicId (v10) or name (v9) → [partition, error] per answered partition. */
function commitErrors(
  response: OffsetCommitResponse,
  key: "topicId" | "name",
): [string, [number, number][]][] {
  return response.topics.map((t) => [
    t[key] ?? "",
    t.partitions.map((p): [number, number] => [p.partitionIndex, p.errorCode]),
  ]);
}

async function fetchGroup(
  version: number,
  group: OffsetFetchRequestGroup,
): Promise<OffsetFetchResponseGroup> {
  const response = await client.request<OffsetFetchResponse>(ApiKey.OffsetFetch, version, {
    groups: [{ memberId: null, memberEpoch: -1, ...group }],
    requireStable: false,
  });
  assert.equal(response.groups?.length, 1);
  const answered = response.groups?.[0];
  assert.ok(answered !== undefined);
  return answered;
}

/** topicId (v10) or name (v9) → [partition, offset, leader epoch, metadata, error], sorted. */
function offsets(group: OffsetFetchResponseGroup, key: "topicId" | "name") {
  return (group.topics ?? [])
    .map((t) => ({
      topic: t[key] ?? "",
      partitions: (t.partitions ?? []).map((p) => [
        p.partitionIndex,
        p.committedOffset,
        p.committedLeaderEpoch,
        p.metadata,
        p.errorCode,
      ]),
    }))
    .sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : 0));
}

function sortedByTopic<T extends { topic: string }>(items: T[]): T[] {
  return items.sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : 0));
}

test("offsets committed by id at v10 read back by id at v10 and by name at v9", async () => {
  const a = idOf("ids-a");
  const b = idOf("ids-b");
  const committed = await commitV10("by-id", [
    {
      topicId: a,
      partitions: [
        [0, 11n],
        [1, 12n],
      ],
    },
    { topicId: b, partitions: [[0, 13n]] },
  ]);
  assert.deepEqual(commitErrors(committed, "topicId"), [
    [
      a,
      [
        [0, ErrorCode.NONE],
        [1, ErrorCode.NONE],
      ],
    ],
    [b, [[0, ErrorCode.NONE]]],
  ]);

  const byId = await fetchGroup(10, {
    groupId: "by-id",
    topics: [
      { topicId: a, partitionIndexes: [0, 1] },
      { topicId: b, partitionIndexes: [0] },
    ],
  });
  assert.equal(byId.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    offsets(byId, "topicId"),
    sortedByTopic([
      {
        topic: a,
        partitions: [
          [0, 11n, 3, "m11", 0],
          [1, 12n, 3, "m12", 0],
        ],
      },
      { topic: b, partitions: [[0, 13n, 3, "m13", 0]] },
    ]),
  );

  const byName = await fetchGroup(9, {
    groupId: "by-id",
    topics: [
      { name: "ids-a", partitionIndexes: [0, 1] },
      { name: "ids-b", partitionIndexes: [0] },
    ],
  });
  assert.deepEqual(offsets(byName, "name"), [
    {
      topic: "ids-a",
      partitions: [
        [0, 11n, 3, "m11", 0],
        [1, 12n, 3, "m12", 0],
      ],
    },
    { topic: "ids-b", partitions: [[0, 13n, 3, "m13", 0]] },
  ]);
});

test("what v9 commits by name reads back by id at v10", async () => {
  const committed = await client.request<OffsetCommitResponse>(ApiKey.OffsetCommit, 9, {
    groupId: "by-name",
    generationIdOrMemberEpoch: -1,
    memberId: "",
    groupInstanceId: null,
    topics: [
      {
        name: "ids-b",
        partitions: [
          { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: "" },
        ],
      },
    ],
  });
  assert.deepEqual(commitErrors(committed, "name"), [["ids-b", [[0, ErrorCode.NONE]]]]);
  const byId = await fetchGroup(10, {
    groupId: "by-name",
    topics: [{ topicId: idOf("ids-b"), partitionIndexes: [0] }],
  });
  assert.deepEqual(offsets(byId, "topicId"), [{ topic: idOf("ids-b"), partitions: [[0, 42n, -1, "", 0]] }]);
});

test("fetching all topics at v10 answers with ids and leaves out topics that are gone", async () => {
  const a = idOf("ids-a");
  const gone = idOf("ids-gone");
  const committed = await commitV10("all-topics", [
    { topicId: a, partitions: [[1, 5n]] },
    { topicId: gone, partitions: [[0, 6n]] },
  ]);
  assert.deepEqual(commitErrors(committed, "topicId"), [
    [a, [[1, ErrorCode.NONE]]],
    [gone, [[0, ErrorCode.NONE]]],
  ]);
  const all = await fetchGroup(10, { groupId: "all-topics", topics: null });
  assert.equal(all.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    offsets(all, "topicId"),
    sortedByTopic([
      { topic: a, partitions: [[1, 5n, 3, "m5", 0]] },
      { topic: gone, partitions: [[0, 6n, 3, "m6", 0]] },
    ]),
  );

  const deleted = await client.request<DeleteTopicsResponse>(ApiKey.DeleteTopics, 6, {
    topics: [{ name: "ids-gone", topicId: ZERO_UUID }],
    timeoutMs: 5000,
  });
  assert.equal(deleted.responses[0].errorCode, ErrorCode.NONE);
  // Kafka answers v10 with the ids of the committed names and leaves out a name no topic has.
  const afterDelete = await fetchGroup(10, { groupId: "all-topics", topics: null });
  assert.deepEqual(offsets(afterDelete, "topicId"), [{ topic: a, partitions: [[1, 5n, 3, "m5", 0]] }]);
  // Asking for the gone topic's id is asking for an unknown id.
  const byGoneId = await fetchGroup(10, {
    groupId: "all-topics",
    topics: [{ topicId: gone, partitionIndexes: [0] }],
  });
  assert.deepEqual(offsets(byGoneId, "topicId"), [
    { topic: gone, partitions: [[0, -1n, -1, "", ErrorCode.UNKNOWN_TOPIC_ID]] },
  ]);
});

test("an unknown topic id gets UNKNOWN_TOPIC_ID for each partition, in commit and fetch", async () => {
  const committed = await commitV10("unknown-ids", [
    {
      topicId: UNKNOWN_ID,
      partitions: [
        [0, 1n],
        [4, 2n],
      ],
    },
  ]);
  assert.deepEqual(commitErrors(committed, "topicId"), [
    [
      UNKNOWN_ID,
      [
        [0, ErrorCode.UNKNOWN_TOPIC_ID],
        [4, ErrorCode.UNKNOWN_TOPIC_ID],
      ],
    ],
  ]);
  const fetched = await fetchGroup(10, {
    groupId: "unknown-ids",
    topics: [{ topicId: UNKNOWN_ID, partitionIndexes: [0, 4] }],
  });
  assert.equal(fetched.errorCode, ErrorCode.NONE);
  assert.deepEqual(offsets(fetched, "topicId"), [
    {
      topic: UNKNOWN_ID,
      partitions: [
        [0, -1n, -1, "", ErrorCode.UNKNOWN_TOPIC_ID],
        [4, -1n, -1, "", ErrorCode.UNKNOWN_TOPIC_ID],
      ],
    },
  ]);
  // Nothing reached the coordinator, so nothing was committed: fetching all finds no topic.
  const all = await fetchGroup(10, { groupId: "unknown-ids", topics: null });
  assert.deepEqual(all.topics, []);
});

test("only unknown ids: Kafka answers without the coordinator, so no group error shows", async () => {
  // Generation 5 of a group that does not exist would be GROUP_ID_NOT_FOUND from the coordinator.
  const onlyUnknown = await commitV10("no-such-group", [{ topicId: UNKNOWN_ID, partitions: [[0, 1n]] }], 5);
  assert.deepEqual(commitErrors(onlyUnknown, "topicId"), [[UNKNOWN_ID, [[0, ErrorCode.UNKNOWN_TOPIC_ID]]]]);
  const withKnown = await commitV10(
    "no-such-group",
    [
      { topicId: UNKNOWN_ID, partitions: [[0, 1n]] },
      { topicId: idOf("ids-b"), partitions: [[0, 1n]] },
    ],
    5,
  );
  assert.deepEqual(commitErrors(withKnown, "topicId"), [
    [UNKNOWN_ID, [[0, ErrorCode.UNKNOWN_TOPIC_ID]]],
    [idOf("ids-b"), [[0, ErrorCode.GROUP_ID_NOT_FOUND]]],
  ]);
});

test("a mixed commit stores the known ids' offsets and refuses the rest", async () => {
  const a = idOf("ids-a");
  const b = idOf("ids-b");
  const committed = await commitV10("mixed", [
    { topicId: UNKNOWN_ID, partitions: [[0, 1n]] },
    {
      topicId: a,
      partitions: [
        [0, 21n],
        [7, 22n],
      ],
    },
    { topicId: b, partitions: [[0, 23n]] },
  ]);
  // As Kafka's response builder: refused partitions first, then the coordinator's, merged by id.
  assert.deepEqual(commitErrors(committed, "topicId"), [
    [UNKNOWN_ID, [[0, ErrorCode.UNKNOWN_TOPIC_ID]]],
    [
      a,
      [
        [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        [0, ErrorCode.NONE],
      ],
    ],
    [b, [[0, ErrorCode.NONE]]],
  ]);
  const fetched = await fetchGroup(10, {
    groupId: "mixed",
    topics: [
      { topicId: UNKNOWN_ID, partitionIndexes: [0] },
      { topicId: a, partitionIndexes: [0] },
      { topicId: b, partitionIndexes: [0] },
    ],
  });
  // The coordinator's topics come first, the unknown ids after them.
  assert.deepEqual(
    (fetched.topics ?? []).map((t) => t.topicId),
    [a, b, UNKNOWN_ID],
  );
  assert.deepEqual(
    offsets(fetched, "topicId"),
    sortedByTopic([
      { topic: UNKNOWN_ID, partitions: [[0, -1n, -1, "", ErrorCode.UNKNOWN_TOPIC_ID]] },
      { topic: a, partitions: [[0, 21n, 3, "m21", 0]] },
      { topic: b, partitions: [[0, 23n, 3, "m23", 0]] },
    ]),
  );
  const all = await fetchGroup(9, { groupId: "mixed", topics: null });
  assert.deepEqual(
    offsets(all, "name").map((t) => t.topic),
    ["ids-a", "ids-b"],
  );
});
