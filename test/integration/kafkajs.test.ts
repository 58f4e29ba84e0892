/**
 * kafkajs (old, non-flexible protocol versions: Produce v7, Fetch v11,
 * Metadata v6) against a real Samsa process: admin operations, producing in
 * its codecs and acks levels, and reading back by partition and offset.
 * kafkajs's consumer needs consumer groups, so records are read back with
 * Samsa's own codec over a raw connection (and by kcat in kcat.test.ts).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import kafkajs from "kafkajs";
import SnappyCodec from "kafkajs-snappy";
import { fetchAll } from "../support/read-back.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;

let samsa: SamsaProcess;
let kafka: InstanceType<typeof Kafka>;

before(async () => {
  samsa = await startSamsa({ overrides: { "num.partitions": "2" } });
  kafka = new Kafka({ brokers: [samsa.bootstrap], clientId: "kafkajs-it", logLevel: logLevel.NOTHING });
});

after(async () => {
  await samsa.dispose();
});

test("admin: create, describe, add partitions, delete", async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic: "kjs-admin", numPartitions: 3 }] }), true);
    assert.equal(
      await admin.createTopics({ topics: [{ topic: "kjs-admin", numPartitions: 3 }] }),
      false,
      "already exists",
    );
    const metadata = await admin.fetchTopicMetadata({ topics: ["kjs-admin"] });
    assert.equal(metadata.topics[0].partitions.length, 3);
    await admin.createPartitions({ topicPartitions: [{ topic: "kjs-admin", count: 5 }] });
    const after = await admin.fetchTopicMetadata({ topics: ["kjs-admin"] });
    assert.equal(after.topics[0].partitions.length, 5);
    assert.ok((await admin.listTopics()).includes("kjs-admin"));
    await admin.deleteTopics({ topics: ["kjs-admin"] });
    assert.ok(!(await admin.listTopics()).includes("kjs-admin"));
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    assert.equal(cluster.brokers[0].port, samsa.port);
  } finally {
    await admin.disconnect();
  }
});

for (const [name, compression] of [
  ["none", CompressionTypes.None],
  ["gzip", CompressionTypes.GZIP],
  ["snappy", CompressionTypes.Snappy],
] as const) {
  for (const acks of [1, -1, 0]) {
    test(`producer: ${name}, acks=${acks}, keyed records with headers across partitions`, async () => {
      const topic = `kjs-${name}-${acks === -1 ? "all" : acks}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka.producer({ idempotent: acks === -1, maxInFlightRequests: acks === -1 ? 1 : 5 });
      await producer.connect();
      const messages = Array.from({ length: 20 }, (_, i) => ({
        key: `key-${i}`,
        value: `value-${i}-${"x".repeat(i * 3)}`,
        partition: i % 2,
        headers: { index: String(i), kind: name },
      }));
      await producer.send({ topic, acks, compression, messages });
      await producer.disconnect();
      const byPartition = await fetchAll(samsa, topic, [0, 1], 20);
      for (const partition of [0, 1]) {
        const expected = messages.filter((m) => m.partition === partition);
        const got = byPartition.get(partition) ?? [];
        assert.deepStrictEqual(
          got.map((r) => [r.key, r.value, r.headers]),
          expected.map((m) => [
            m.key,
            m.value,
            [
              ["index", m.headers.index],
              ["kind", name],
            ],
          ]),
        );
        assert.deepStrictEqual(
          got.map((r) => r.offset),
          expected.map((_, i) => i),
        );
      }
    });
  }
}

test("offsets: earliest, latest and by timestamp", async () => {
  const topic = "kjs-offsets";
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  const base = Date.now() - 100_000;
  await producer.send({
    topic,
    messages: Array.from({ length: 10 }, (_, i) => ({
      key: `k${i}`,
      value: `v${i}`,
      timestamp: String(base + i * 1000),
    })),
  });
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.deepStrictEqual(
    offsets.map((o) => [o.low, o.high]),
    [["0", "10"]],
  );
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, base + 4500);
  assert.deepStrictEqual(
    byTime.map((o) => o.offset),
    ["5"],
  );
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "3" }] });
  const afterDelete = await admin.fetchTopicOffsets(topic);
  assert.deepStrictEqual(
    afterDelete.map((o) => [o.low, o.high]),
    [["3", "10"]],
  );
  await admin.disconnect();
});
