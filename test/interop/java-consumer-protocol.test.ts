/**
 * Consumer groups over the consumer protocol (KIP-848, `group.protocol=consumer`)
 * with the Java client 4.4.0: the broker computes the assignment with its
 * `uniform` and `range` assignors and hands it out by ConsumerGroupHeartbeat.
 * Members share a topic with every record delivered once, a member resumes
 * after another's commits, range co-partitions two topics, a regex
 * subscription picks up a topic created later, and members joining and
 * leaving one by one never share a partition. The heartbeat interval is
 * shortened so reconciliations take seconds rather than tens of seconds.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { SamsaProcess } from "../support/samsa-process.ts";
import { startBroker, uniqueTopic } from "./support/broker.ts";
import { JavaHarness } from "./support/java-harness.ts";
import {
  createTopicOk,
  type GroupConsumeOptions,
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
  samsa = await startBroker({
    overrides: {
      "group.consumer.min.heartbeat.interval.ms": "500",
      "group.consumer.heartbeat.interval.ms": "500",
    },
  });
  java = await JavaHarness.start(samsa.bootstrap);
});

after(async () => {
  await java?.close();
  await samsa?.dispose();
});

function member(
  options: Omit<GroupConsumeOptions, "protocol">,
  onAssignment?: (a: TopicPartition[]) => void,
): Promise<GroupConsumeResult> {
  return groupConsume(java, { protocol: "consumer", ...options }, onAssignment);
}

test("three members share six partitions (uniform), every record delivered once", async () => {
  const topic = uniqueTopic("cp-share");
  const groupId = uniqueTopic("cp-share");
  await createTopicOk(java, { name: topic, partitions: 6 });
  const latest: TopicPartition[][] = [[], [], []];
  const running = ["m0", "m1", "m2"].map((clientId, i) =>
    member(
      {
        groupId,
        topics: [topic],
        count: 20,
        assignedPartitions: 2,
        settleMs: 1000,
        timeoutMs: 60_000,
        clientId,
      },
      (a) => {
        latest[i] = a;
      },
    ),
  );
  for (const run of running) run.catch(() => undefined);
  await waitFor(() => new Set(latest.flat().map(tp)).size === 6 && latest.every((a) => a.length === 2), {
    until: deadline(45_000),
    what: `a stable assignment of 6 partitions\n${java.log}`,
  });
  const sent = taggedRecords("cp", 6, 10);
  await produceOk(java, topic, sent, { acks: "all" });
  const results = await Promise.all(running);

  for (const [i, result] of results.entries()) {
    assert.equal(result.timedOut, false, `member ${i} timed out with ${result.records.length} records`);
    const mine = new Set(result.assignment.map(tp));
    for (const record of result.records) assert.ok(mine.has(tp(record)), `member ${i} got ${tp(record)}`);
  }
  assert.deepEqual(
    results.flatMap((r) => r.assignment.map(tp)).sort(),
    Array.from({ length: 6 }, (_, p) => `${topic}-${p}`).sort(),
  );
  const received = results.flatMap((r) => r.records);
  assert.equal(received.length, 60, "each record exactly once");
  assert.equal(new Set(received.map((r) => `${r.partition}@${r.offset}`)).size, 60);
  for (const record of received)
    assert.equal(record.value?.toString(), `cp-${record.partition}-${record.offset}`);
});

test("a second member resumes after the offsets the first committed", async () => {
  const topic = uniqueTopic("cp-resume");
  const groupId = uniqueTopic("cp-resume");
  await createTopicOk(java, { name: topic, partitions: 3 });
  await produceOk(java, topic, taggedRecords("old", 3, 4), { acks: "all" });

  const first = await member({ groupId, topics: [topic], count: 12, settleMs: 500 });
  assert.equal(first.timedOut, false);
  assert.equal(first.records.length, 12);
  assert.deepEqual(
    first.assignment.map(tp),
    [0, 1, 2].map((p) => `${topic}-${p}`),
  );

  await produceOk(java, topic, taggedRecords("new", 3, 2), { acks: "all" });
  const second = await member({ groupId, topics: [topic], count: 6, settleMs: 1000 });
  assert.equal(second.timedOut, false);
  assert.equal(second.records.length, 6, "only the records after the committed offsets");
  for (const record of second.records) {
    assert.ok(record.offset >= 4, `re-read ${tp(record)}@${record.offset}`);
    assert.equal(record.value?.toString(), `new-${record.partition}-${record.offset - 4}`);
  }
});

test("range assignor: two members over two 3-partition topics get co-partitioned ranges", async () => {
  const topicA = uniqueTopic("cp-range-a");
  const topicB = uniqueTopic("cp-range-b");
  const groupId = uniqueTopic("cp-range");
  await createTopicOk(java, { name: topicA, partitions: 3 });
  await createTopicOk(java, { name: topicB, partitions: 3 });
  // Neither member can know its share (range orders members by their client-made ids), so both poll
  // until the timeout and report the assignment they held then.
  const results = await Promise.all(
    ["r0", "r1"].map((clientId) =>
      member({
        groupId,
        topics: [topicA, topicB],
        strategy: "range",
        count: 1_000_000,
        timeoutMs: 10_000,
        clientId,
      }),
    ),
  );
  const assignments = results.map((r) => r.assignment.map(tp).sort());
  for (const [i, a] of assignments.entries()) {
    const inA = a.filter((s) => s.startsWith(`${topicA}-`)).map((s) => s.slice(topicA.length + 1));
    const inB = a.filter((s) => s.startsWith(`${topicB}-`)).map((s) => s.slice(topicB.length + 1));
    assert.deepEqual(inA, inB, `member ${i} holds the same partition indexes of both topics: ${a}`);
  }
  assert.deepEqual(assignments.map((a) => a.length).sort(), [2, 4]);
  assert.deepEqual(
    assignments.flat().sort(),
    [0, 1, 2].flatMap((p) => [`${topicA}-${p}`, `${topicB}-${p}`]).sort(),
  );
});

test("a regex subscription (evaluated by the broker) picks up a topic created later", async () => {
  const prefix = uniqueTopic("cp-rx");
  await createTopicOk(java, { name: `${prefix}-a`, partitions: 2 });
  await createTopicOk(java, { name: `${prefix}-b`, partitions: 1 });
  await createTopicOk(java, { name: uniqueTopic("cp-other"), partitions: 1 });
  let latest: TopicPartition[] = [];
  const running = member(
    {
      groupId: uniqueTopic("cp-rx"),
      topics: [],
      topicRegex: `${prefix}-.*`,
      count: 3,
      assignedPartitions: 5,
      timeoutMs: 45_000,
    },
    (a) => {
      latest = a;
    },
  );
  running.catch(() => undefined);
  await waitFor(() => latest.length === 3, {
    until: deadline(30_000),
    what: `3 partitions of a and b\n${java.log}`,
  });
  assert.deepEqual(latest.map(tp).sort(), [`${prefix}-a-0`, `${prefix}-a-1`, `${prefix}-b-0`]);
  await createTopicOk(java, { name: `${prefix}-c`, partitions: 2 });
  await waitFor(() => latest.length === 5, {
    until: deadline(30_000),
    what: `the new topic assigned\n${java.log}`,
  });
  await produceOk(
    java,
    `${prefix}-c`,
    [0, 1, 0].map((partition, i) => ({ partition, key: null, value: Buffer.from(`c${i}`), headers: [] })),
    { acks: "all" },
  );
  const result = await running;
  assert.equal(result.timedOut, false);
  assert.deepEqual(result.records.map((r) => r.value?.toString()).sort(), ["c0", "c1", "c2"]);
});

test("members join and leave one by one; no partition is ever owned by two members", async () => {
  const topic = uniqueTopic("cp-churn");
  const groupId = uniqueTopic("cp-churn");
  await createTopicOk(java, { name: topic, partitions: 6 });
  const owned = new Map<string, Set<string>>();
  const overlaps: string[] = [];
  const track = (clientId: string) => (a: TopicPartition[]) => {
    owned.set(clientId, new Set(a.map(tp)));
    const seen = new Map<string, string>();
    for (const [who, set] of owned) {
      for (const p of set) {
        const other = seen.get(p);
        if (other !== undefined) overlaps.push(`${p} owned by ${other} and ${who}`);
        seen.set(p, who);
      }
    }
  };
  const sizes = () => [...owned.values()].map((s) => s.size).sort();
  const covered = () => new Set([...owned.values()].flatMap((s) => [...s])).size === 6;
  const settled = async (expected: number[], what: string) =>
    waitFor(() => covered() && JSON.stringify(sizes().filter((n) => n > 0)) === JSON.stringify(expected), {
      until: deadline(30_000),
      what: `${what}: ${JSON.stringify([...owned].map(([k, v]) => [k, [...v]]))}\n${java.log}`,
    });
  let batch = 0;
  const sent: string[] = [];
  const produceBatch = async () => {
    const records = taggedRecords(`b${batch++}`, 6, 3);
    sent.push(...records.map((r) => r.value?.toString() ?? ""));
    await produceOk(java, topic, records, { acks: "all" });
  };
  const start = (clientId: string, timeoutMs: number) => {
    owned.set(clientId, new Set());
    const run = member({ groupId, topics: [topic], count: 1_000_000, timeoutMs, clientId }, track(clientId));
    run.catch(() => undefined);
    return run;
  };

  const m0 = start("m0", 60_000);
  await settled([6], "m0 alone");
  await produceBatch();
  const m1 = start("m1", 40_000);
  await settled([3, 3], "m0 and m1");
  await produceBatch();
  const m2 = start("m2", 12_000);
  await settled([2, 2, 2], "three members");
  await produceBatch();
  const r2 = await m2;
  owned.set("m2", new Set());
  await settled([3, 3], "after m2 left");
  await produceBatch();
  const r1 = await m1;
  owned.set("m1", new Set());
  await settled([6], "after m1 left");
  await produceBatch();
  const r0 = await m0;

  assert.deepEqual(overlaps, []);
  const received = [r0, r1, r2].flatMap((r) => r.records.map((rec) => rec.value?.toString() ?? ""));
  assert.deepEqual([...new Set(received)].sort(), [...sent].sort(), "every record arrived");
  assert.equal(
    received.length,
    sent.length,
    "and exactly once: revoked partitions were committed before moving",
  );
});
