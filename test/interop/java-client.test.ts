/**
 * Apache Kafka's Java client 4.4.0 against a real Samsa process: topic
 * administration, produce in every codec and acks level (idempotent and not),
 * reading everything back by assigned partition and offset byte for byte,
 * ListOffsets by time, DeleteRecords, DescribeCluster and topic configs.
 * One broker and one Java process serve the whole file.
 */
import assert from "node:assert/strict";
import { after, before, describe, type TestContext, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import type { SamsaProcess } from "../support/samsa-process.ts";
import { advertisedApis, startBroker, uniqueTopic } from "./support/broker.ts";
import { codecs, JavaHarness, type ProducerConfig } from "./support/java-harness.ts";
import {
  alterConfigs,
  type ConfigEntry,
  consume,
  createPartitions,
  createTopicOk,
  createTopics,
  deleteRecords,
  deleteTopics,
  describeCluster,
  describeConfigs,
  describeTopics,
  listTopics,
  offsetsOf,
  produceOk,
} from "./support/java-ops.ts";
import { assertSameRecords, sampleRecords, type TestRecord } from "./support/records.ts";

let samsa: SamsaProcess;
let java: JavaHarness;

before(async () => {
  samsa = await startBroker();
  java = await JavaHarness.start(samsa.bootstrap);
});

after(async () => {
  await java?.close();
  await samsa?.dispose();
});

function errorType(result: object): string | undefined {
  return "error" in result ? (result.error as { type: string }).type : undefined;
}

describe("topic administration", () => {
  test("create with configs, list, grow partitions, delete", async () => {
    const name = uniqueTopic("java-admin");
    const other = uniqueTopic("java-admin-default");
    const created = await createTopics(java, [
      {
        name,
        partitions: 3,
        replicationFactor: 1,
        configs: { "retention.ms": "3600000", "cleanup.policy": "delete" },
      },
      { name: other },
    ]);
    assert.equal(errorType(created[0]), undefined, JSON.stringify(created[0]));
    assert.equal(errorType(created[1]), undefined, JSON.stringify(created[1]));
    assert.ok("partitions" in created[0] && created[0].partitions === 3);
    assert.ok("topicId" in created[0] && created[0].topicId.length === 22, "a topic id in Kafka's text form");
    assert.ok("partitions" in created[1] && created[1].partitions === 1, "num.partitions defaults to 1");

    const again = await createTopics(java, [{ name, partitions: 3 }]);
    assert.equal(errorType(again[0]), "TopicExistsException");
    const invalid = await createTopics(java, [
      { name: uniqueTopic("java-bad-config"), configs: { "retention.ms": "soon" } },
    ]);
    assert.equal(errorType(invalid[0]), "InvalidConfigurationException");
    const badName = await createTopics(java, [{ name: "no/slashes" }]);
    assert.equal(errorType(badName[0]), "InvalidTopicException");

    const listed = await listTopics(java);
    assert.ok(listed.includes(name) && listed.includes(other), `listed: ${listed.join(", ")}`);

    assert.equal((await createPartitions(java, name, 5)).error, undefined);
    const partitions = await offsetsOf(java, name, [0, 1, 2, 3, 4], "latest");
    assert.deepEqual(
      partitions.map((p) => p.offset),
      [0, 0, 0, 0, 0],
    );
    assert.equal((await createPartitions(java, name, 4)).error?.type, "InvalidPartitionsException");

    const deleted = await deleteTopics(java, [name, other]);
    assert.deepEqual(deleted.map(errorType), [undefined, undefined]);
    const remaining = await listTopics(java);
    assert.ok(!remaining.includes(name) && !remaining.includes(other));
    const deletedAgain = await deleteTopics(java, [name]);
    assert.equal(errorType(deletedAgain[0]), "UnknownTopicOrPartitionException");
  });

  test("describeTopics: partitions, leader, replicas, isr and topic id", async () => {
    const name = uniqueTopic("java-describe");
    const [created] = await createTopics(java, [{ name, partitions: 2 }]);
    assert.ok("topicId" in created, JSON.stringify(created));
    assert.equal((await createPartitions(java, name, 3)).error, undefined);
    const { nodes } = await describeCluster(java);
    const nodeId = nodes[0].id;
    const [described, unknown] = await describeTopics(java, [name, uniqueTopic("java-no-such-topic")]);
    assert.ok(!("error" in described), `describeTopics failed: ${JSON.stringify(described)}`);
    assert.equal(described.topicId, created.topicId);
    assert.equal(described.internal, false);
    assert.deepEqual(
      described.partitions,
      [0, 1, 2].map((partition) => ({ partition, leader: nodeId, replicas: [nodeId], isr: [nodeId] })),
    );
    assert.equal(errorType(unknown), "UnknownTopicOrPartitionException");
  });

  test("describeCluster: one node, at the address clients bootstrapped from", async () => {
    const cluster = await describeCluster(java);
    assert.match(cluster.clusterId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(cluster.nodes.length, 1);
    assert.equal(cluster.nodes[0].host, samsa.host);
    assert.equal(cluster.nodes[0].port, samsa.port);
    assert.equal(cluster.controller?.id, cluster.nodes[0].id);
  });
});

/** Four producers, one after another; acks=0 last, as nothing orders its writes against a later producer's. */
const producers: { label: string; config: ProducerConfig }[] = [
  { label: "acks=all idempotent", config: { acks: "all", idempotence: true } },
  { label: "acks=all", config: { acks: "all", idempotence: false } },
  { label: "acks=1", config: { acks: "1", idempotence: false } },
  { label: "acks=0", config: { acks: "0", idempotence: false } },
];

describe("produce and read back byte for byte", () => {
  for (const codec of codecs) {
    test(`${codec}: keyed records with headers across partitions, every acks level`, async () => {
      const topic = uniqueTopic(`java-${codec}`);
      const partitions = 3;
      await createTopicOk(java, { name: topic, partitions });
      const sent: TestRecord[] = [];
      const nextOffset = [0, 0, 0];
      for (const { label, config } of producers) {
        const records = sampleRecords({ tag: `${codec}/${label}`, partitions, count: 36 });
        const acks = await produceOk(java, topic, records, { ...config, compression: codec, lingerMs: 20 });
        records.forEach((record, i) => {
          const expectedOffset = config.acks === "0" ? -1 : nextOffset[record.partition];
          nextOffset[record.partition] += 1;
          assert.equal(acks[i].partition, record.partition, `${label} record ${i}: partition`);
          assert.equal(acks[i].offset, expectedOffset, `${label} record ${i}: acknowledged offset`);
        });
        sent.push(...records);
      }
      // acks=0 records carry no acknowledgement: wait for the count, bounded.
      const read = await consume(java, topic, { from: partitions, count: sent.length, timeoutMs: 10_000 });
      assertSameRecords(read, sent, codec);
      assert.ok(
        read.every((r) => r.timestampType === "CreateTime" && r.leaderEpoch >= 0),
        "CreateTime and a leader epoch on every record",
      );
      const ends = await offsetsOf(java, topic, [0, 1, 2], "latest");
      assert.deepEqual(
        ends.map((e) => e.offset),
        nextOffset,
        "nothing beyond what was sent",
      );
    });
  }

  test("acks=0: every record sent before the producer closes arrives", async () => {
    // Many small requests in flight at once, then close(): Kafka handles every
    // request it received before the client's FIN, so nothing is lost.
    const topic = uniqueTopic("java-acks0-close");
    await createTopicOk(java, { name: topic, partitions: 1 });
    const records = sampleRecords({ tag: "acks0", partitions: 1, count: 200 });
    await produceOk(java, topic, records, { acks: "0", idempotence: false, lingerMs: 0, batchSize: 64 });
    const read = await consume(java, topic, { from: 1, count: records.length, timeoutMs: 10_000 });
    assertSameRecords(read, records, "acks=0 then close");
  });

  test("reading from an offset in the middle returns the rest of the partition", async () => {
    const topic = uniqueTopic("java-seek");
    await createTopicOk(java, { name: topic, partitions: 2 });
    const records = sampleRecords({ tag: "seek", partitions: 2, count: 40 });
    await produceOk(java, topic, records, { acks: "all", compression: "lz4", batchSize: 2048 });
    const read = await consume(java, topic, { from: new Map([[1, 13]]) });
    const expected = records.filter((r) => r.partition === 1).slice(13);
    assertSameRecords(read, expected, "from offset 13", new Map([[1, 13]]));
  });

  test("a LogAppendTime topic stamps records with the broker's time", async () => {
    const topic = uniqueTopic("java-log-append-time");
    await createTopicOk(java, {
      name: topic,
      partitions: 1,
      configs: { "message.timestamp.type": "LogAppendTime" },
    });
    const beforeMs = Date.now();
    const records = sampleRecords({ tag: "lat", partitions: 1, count: 5 }).map((r) => ({
      ...r,
      timestamp: 1_000,
    }));
    const acks = await produceOk(java, topic, records, { acks: "all", compression: "zstd" });
    const afterMs = Date.now();
    const read = await consume(java, topic, { from: 1 });
    assert.equal(read.length, 5);
    for (const [i, record] of read.entries()) {
      assert.equal(record.timestampType, "LogAppendTime");
      assert.ok(record.timestamp >= beforeMs && record.timestamp <= afterMs, `timestamp ${record.timestamp}`);
      assert.equal(acks[i].timestamp, record.timestamp, "the acknowledgement carries the append time");
    }
  });
});

describe("ListOffsets", () => {
  test("earliest, latest, max timestamp and by time", async () => {
    const topic = uniqueTopic("java-list-offsets");
    await createTopicOk(java, { name: topic, partitions: 2 });
    const baseMs = Date.now() - 60_000;
    const timestamps = [100, 300, 200, 250, 50];
    const records = sampleRecords({ tag: "ts", partitions: 1, count: 5 }).map((record, i) => ({
      ...record,
      timestamp: baseMs + timestamps[i],
    }));
    // Two requests, so the answer must come from more than one batch.
    await produceOk(java, topic, records.slice(0, 3), { acks: "all" });
    await produceOk(java, topic, records.slice(3), { acks: "all", compression: "gzip" });

    const offsets = async (spec: Parameters<typeof offsetsOf>[3]) => offsetsOf(java, topic, [0, 1], spec);
    assert.deepEqual(await offsets("earliest"), [
      { offset: 0, timestamp: -1 },
      { offset: 0, timestamp: -1 },
    ]);
    assert.deepEqual(
      (await offsets("latest")).map((o) => o.offset),
      [5, 0],
    );
    assert.deepEqual(await offsets("max-timestamp"), [
      { offset: 1, timestamp: baseMs + 300 },
      { offset: -1, timestamp: -1 },
    ]);
    const byTime = async (deltaMs: number) => (await offsets({ timestamp: baseMs + deltaMs }))[0];
    assert.deepEqual(await byTime(0), { offset: 0, timestamp: baseMs + 100 });
    assert.deepEqual(await byTime(100), { offset: 0, timestamp: baseMs + 100 });
    assert.deepEqual(await byTime(150), { offset: 1, timestamp: baseMs + 300 });
    assert.deepEqual(await byTime(300), { offset: 1, timestamp: baseMs + 300 });
    assert.deepEqual(await byTime(301), { offset: -1, timestamp: -1 });
    const [emptyPartition] = (await offsets({ timestamp: baseMs })).slice(1);
    assert.deepEqual(emptyPartition, { offset: -1, timestamp: -1 });
  });
});

describe("DeleteRecords", () => {
  test("moves the log start offset; reading below it is out of range", async () => {
    const topic = uniqueTopic("java-delete-records");
    await createTopicOk(java, { name: topic, partitions: 2 });
    const records = sampleRecords({ tag: "del", partitions: 2, count: 20 });
    await produceOk(java, topic, records, { acks: "all", compression: "snappy" });

    const results = await deleteRecords(
      java,
      topic,
      new Map([
        [0, 4],
        [1, 10],
      ]),
    );
    assert.deepEqual(results, [
      { partition: 0, lowWatermark: 4 },
      { partition: 1, lowWatermark: 10 },
    ]);
    assert.deepEqual(
      (await offsetsOf(java, topic, [0, 1], "earliest")).map((o) => o.offset),
      [4, 10],
    );
    const rest = await consume(java, topic, { from: new Map([[0, 4]]) });
    assertSameRecords(
      rest,
      records.filter((r) => r.partition === 0).slice(4),
      "after delete",
      new Map([[0, 4]]),
    );
    await assert.rejects(
      consume(java, topic, { from: new Map([[0, 0]]), timeoutMs: 15_000 }),
      /OffsetOutOfRange/,
    );

    const beyond = await deleteRecords(java, topic, new Map([[0, 100]]));
    assert.equal(errorType(beyond[0]), "OffsetOutOfRangeException");
  });
});

describe("configs", () => {
  /** Skips the test (with the reason) unless the broker advertises every API it needs. */
  async function requireApis(t: TestContext, needed: Record<string, number>): Promise<boolean> {
    const apis = await advertisedApis(samsa);
    const missing = Object.keys(needed).filter((name) => !apis.has(needed[name]));
    if (missing.length === 0) return true;
    t.skip(`the broker does not advertise ${missing.join(" and ")} yet`);
    return false;
  }

  async function topicConfigs(topic: string): Promise<Map<string, ConfigEntry>> {
    const [described] = await describeConfigs(java, [{ type: "topic", name: topic }]);
    assert.ok("entries" in described, JSON.stringify(described));
    return new Map(described.entries.map((e) => [e.name, e]));
  }

  test("DescribeConfigs: a topic's overrides and defaults, the broker's configs", async (t) => {
    if (!(await requireApis(t, { DescribeConfigs: ApiKey.DescribeConfigs }))) return;
    const topic = uniqueTopic("java-configs-describe");
    await createTopicOk(java, { name: topic, partitions: 1, configs: { "retention.ms": "3600000" } });
    const entries = await topicConfigs(topic);
    assert.equal(entries.get("retention.ms")?.value, "3600000");
    assert.equal(entries.get("retention.ms")?.source, "DYNAMIC_TOPIC_CONFIG");
    assert.equal(entries.get("retention.ms")?.isDefault, false);
    assert.equal(entries.get("cleanup.policy")?.value, "delete");
    assert.equal(entries.get("cleanup.policy")?.isDefault, true);

    const { nodes } = await describeCluster(java);
    const [broker] = await describeConfigs(java, [{ type: "broker", name: String(nodes[0].id) }]);
    assert.ok("entries" in broker, JSON.stringify(broker));
    const brokerEntries = new Map(broker.entries.map((e) => [e.name, e]));
    assert.ok(brokerEntries.has("num.partitions"), "broker configs include num.partitions");
    assert.ok(brokerEntries.has("log.retention.hours"), "broker configs include log.retention.hours");

    const [unknown] = await describeConfigs(java, [
      { type: "topic", name: uniqueTopic("java-no-such-topic") },
    ]);
    assert.equal(errorType(unknown), "UnknownTopicOrPartitionException");
  });

  test("IncrementalAlterConfigs: set and delete on a topic; an invalid value is refused", async (t) => {
    const needed = {
      DescribeConfigs: ApiKey.DescribeConfigs,
      IncrementalAlterConfigs: ApiKey.IncrementalAlterConfigs,
    };
    if (!(await requireApis(t, needed))) return;
    const topic = uniqueTopic("java-configs-alter");
    await createTopicOk(java, { name: topic, partitions: 1, configs: { "retention.ms": "3600000" } });
    const altered = await alterConfigs(java, [
      {
        type: "topic",
        name: topic,
        ops: [
          { op: "set", name: "retention.bytes", value: "1048576" },
          { op: "delete", name: "retention.ms" },
        ],
      },
    ]);
    assert.equal(altered[0].error, undefined, JSON.stringify(altered[0]));
    const changed = await topicConfigs(topic);
    assert.equal(changed.get("retention.bytes")?.value, "1048576");
    assert.equal(changed.get("retention.bytes")?.source, "DYNAMIC_TOPIC_CONFIG");
    // Back to the broker's default: log.retention.hours=168.
    assert.equal(changed.get("retention.ms")?.value, "604800000");
    assert.notEqual(changed.get("retention.ms")?.source, "DYNAMIC_TOPIC_CONFIG");

    const refused = await alterConfigs(java, [
      { type: "topic", name: topic, ops: [{ op: "set", name: "retention.ms", value: "not-a-number" }] },
    ]);
    assert.equal(refused[0].error?.type, "InvalidConfigurationException");
    assert.equal((await topicConfigs(topic)).get("retention.ms")?.value, "604800000", "nothing changed");
  });
});

test("producing to an unknown topic creates it (auto.create.topics.enable defaults to true)", async () => {
  const topic = uniqueTopic("java-auto-create");
  const records = sampleRecords({ tag: "auto", partitions: 1, count: 3 });
  const acks = await produceOk(java, topic, records, { acks: "all" });
  assert.deepEqual(
    acks.map((a) => a.offset),
    [0, 1, 2],
  );
  assert.ok((await listTopics(java)).includes(topic));
  assertSameRecords(await consume(java, topic, { from: 1 }), records, "auto-created");
});
