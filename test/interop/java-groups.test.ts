/**
 * Consumer groups over the classic protocol with the Java client 4.4.0
 * (`group.protocol=classic`): three cooperative-sticky members sharing a
 * topic, a member resuming after another's committed offsets, and the range
 * assignor's co-partitioned assignment over two topics. One broker and one
 * Java process (each member on its own thread) serve the whole file.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { SamsaProcess } from "../support/samsa-process.ts";
import { startBroker, uniqueTopic } from "./support/broker.ts";
import { JavaHarness } from "./support/java-harness.ts";
import {
  createTopicOk,
  type GroupConsumeResult,
  groupConsume,
  produceOk,
  type TopicPartition,
  tp,
} from "./support/java-ops.ts";
import { taggedRecords } from "./support/records.ts";
import { deadline, waitFor } from "./support/wait.ts";

let samsa: SamsaProcess;
let java: JavaHarness;

before(async () => {
  samsa = await startBroker({ overrides: { "group.initial.rebalance.delay.ms": "0" } });
  java = await JavaHarness.start(samsa.bootstrap);
});

after(async () => {
  await java?.close();
  await samsa?.dispose();
});

/** Starts members, waits until their assignments cover `partitions` partitions with the wanted sizes. */
async function startMembers(
  members: {
    clientId: string;
    expectedPartitions: number;
    start: (onAssignment: (a: TopicPartition[]) => void) => Promise<GroupConsumeResult>;
  }[],
  partitions: number,
): Promise<Promise<GroupConsumeResult>[]> {
  const latest = members.map((): TopicPartition[] => []);
  const running = members.map((member, i) =>
    member.start((assignment) => {
      latest[i] = assignment;
    }),
  );
  for (const run of running) run.catch(() => undefined);
  await waitFor(
    () =>
      new Set(latest.flat().map(tp)).size === partitions &&
      latest.every((assignment, i) => assignment.length === members[i].expectedPartitions),
    { until: deadline(30_000), what: `a stable assignment of ${partitions} partitions\n${java.log}` },
  );
  return running;
}

test("three cooperative-sticky members share six partitions, every record delivered once", async () => {
  const topic = uniqueTopic("group-coop");
  const groupId = uniqueTopic("group-coop");
  await createTopicOk(java, { name: topic, partitions: 6 });
  const members = ["m0", "m1", "m2"].map((clientId) => ({
    clientId,
    expectedPartitions: 2,
    start: (onAssignment: (a: TopicPartition[]) => void) =>
      groupConsume(
        java,
        {
          groupId,
          topics: [topic],
          strategy: "cooperative-sticky",
          count: 20,
          assignedPartitions: 2,
          settleMs: 1000,
          timeoutMs: 40_000,
          clientId,
        },
        onAssignment,
      ),
  }));
  const running = await startMembers(members, 6);
  const sent = taggedRecords("coop", 6, 10);
  await produceOk(java, topic, sent, { acks: "all" });
  const results = await Promise.all(running);

  for (const [i, result] of results.entries()) {
    assert.equal(result.timedOut, false, `member ${i} timed out with ${result.records.length} records`);
    assert.equal(result.assignment.length, 2, `member ${i} assignment ${JSON.stringify(result.assignment)}`);
    const mine = new Set(result.assignment.map(tp));
    for (const record of result.records) assert.ok(mine.has(tp(record)), `member ${i} got ${tp(record)}`);
  }
  const assigned = results.flatMap((r) => r.assignment.map(tp)).sort();
  assert.deepEqual(assigned, Array.from({ length: 6 }, (_, p) => `${topic}-${p}`).sort());
  const received = results.flatMap((r) => r.records);
  assert.equal(received.length, 60, "each record exactly once");
  assert.equal(new Set(received.map((r) => `${r.partition}@${r.offset}`)).size, 60);
  assert.deepEqual(
    received.map((r) => r.value?.toString()).sort(),
    sent.map((r) => r.value?.toString()).sort(),
  );
  for (const record of received)
    assert.equal(record.value?.toString(), `coop-${record.partition}-${record.offset}`);
});

test("a second member resumes after the offsets the first committed", async () => {
  const topic = uniqueTopic("group-resume");
  const groupId = uniqueTopic("group-resume");
  await createTopicOk(java, { name: topic, partitions: 3 });
  await produceOk(java, topic, taggedRecords("old", 3, 4), { acks: "all" });

  const first = await groupConsume(java, { groupId, topics: [topic], count: 12, settleMs: 500 });
  assert.equal(first.timedOut, false);
  assert.equal(first.records.length, 12);
  assert.deepEqual(
    first.assignment.map(tp),
    [0, 1, 2].map((p) => `${topic}-${p}`),
  );

  const fresh = taggedRecords("new", 3, 2);
  await produceOk(java, topic, fresh, { acks: "all" });
  const second = await groupConsume(java, { groupId, topics: [topic], count: 6, settleMs: 1000 });
  assert.equal(second.timedOut, false);
  assert.equal(second.records.length, 6, "only the records after the committed offsets");
  for (const record of second.records) {
    assert.ok(record.offset >= 4, `re-read ${tp(record)}@${record.offset}`);
    assert.equal(record.value?.toString(), `new-${record.partition}-${record.offset - 4}`);
  }
  assert.ok(second.generation > first.generation || second.memberId !== first.memberId);
});

test("range assignor: two members over two 3-partition topics get co-partitioned ranges", async () => {
  const topicA = uniqueTopic("group-range-a");
  const topicB = uniqueTopic("group-range-b");
  const groupId = uniqueTopic("group-range");
  await createTopicOk(java, { name: topicA, partitions: 3 });
  await createTopicOk(java, { name: topicB, partitions: 3 });
  // Member ids are `<client.id>-<suffix>` and the range assignor orders members by id, so "a" comes first.
  const [a, b] = await Promise.all(
    [
      { clientId: "a", assignedPartitions: 4 },
      { clientId: "b", assignedPartitions: 2 },
    ].map(({ clientId, assignedPartitions }) =>
      groupConsume(java, {
        groupId,
        topics: [topicA, topicB],
        strategy: "range",
        count: 0,
        assignedPartitions,
        timeoutMs: 30_000,
        clientId,
      }),
    ),
  );
  const results = [a, b];
  for (const result of results)
    assert.equal(result.timedOut, false, `${result.memberId}: ${JSON.stringify(result.assignment)}`);

  const [firstMember, secondMember] = [...results].sort((x, y) => (x.memberId < y.memberId ? -1 : 1));
  assert.deepEqual(
    firstMember.assignment.map(tp),
    [`${topicA}-0`, `${topicA}-1`, `${topicB}-0`, `${topicB}-1`].sort(),
  );
  assert.deepEqual(secondMember.assignment.map(tp), [`${topicA}-2`, `${topicB}-2`].sort());
});
