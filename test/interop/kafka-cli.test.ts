/**
 * Apache Kafka 4.4.0's own command-line tools, run from the Maven jars,
 * against a real Samsa process: kafka-topics, kafka-configs, the console
 * producer and consumer, kafka-get-offsets, kafka-delete-records and
 * kafka-producer-perf-test. The Java harness sets up what a tool cannot
 * (records with chosen timestamps) and checks what a tool only prints.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, type TestContext, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { type KafkaTool, runKafkaTool, runKafkaToolOk } from "../../tools/kafka/kafka-cli.ts";
import type { SamsaProcess } from "../support/samsa-process.ts";
import { advertisedApis, startBroker, uniqueTopic } from "./support/broker.ts";
import { JavaHarness } from "./support/java-harness.ts";
import { consume, createTopicOk, listTopics, offsetsOf, produceOk } from "./support/java-ops.ts";
import { murmur2Partition } from "./support/murmur2.ts";
import { sampleRecords } from "./support/records.ts";

let samsa: SamsaProcess;
let java: JavaHarness;
let tempDir: string;

before(async () => {
  samsa = await startBroker();
  java = await JavaHarness.start(samsa.bootstrap);
  tempDir = mkdtempSync(path.join(os.tmpdir(), "samsa-interop-cli-"));
});

after(async () => {
  await java?.close();
  await samsa?.dispose();
  if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
});

/** Runs a tool against the broker; a non-zero exit fails the test with the tool's output. */
async function tool(name: KafkaTool, args: readonly string[], input?: string): Promise<string> {
  const { stdout } = await runKafkaToolOk(name, ["--bootstrap-server", samsa.bootstrap, ...args], { input });
  return stdout;
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim().length > 0);
}

describe("kafka-topics", () => {
  test("--create with configs, --list, --alter --partitions, --delete", async () => {
    const topic = uniqueTopic("cli-topics");
    const created = await tool("kafka-topics", [
      ...["--create", "--topic", topic, "--partitions", "3", "--replication-factor", "1"],
      ...["--config", "retention.ms=86400000", "--config", "max.message.bytes=2000000"],
    ]);
    assert.match(created, new RegExp(`Created topic ${topic}\\.`));
    assert.ok(lines(await tool("kafka-topics", ["--list"])).includes(topic));

    const again = await runKafkaTool("kafka-topics", [
      ...["--bootstrap-server", samsa.bootstrap, "--create", "--topic", topic, "--partitions", "1"],
    ]);
    assert.notEqual(again.code, 0);
    assert.match(again.stdout + again.stderr, /already exists/);

    await tool("kafka-topics", ["--alter", "--topic", topic, "--partitions", "5"]);
    const ends = await offsetsOf(java, topic, [0, 1, 2, 3, 4], "latest");
    assert.equal(ends.length, 5, "five partitions after --alter");

    await tool("kafka-topics", ["--delete", "--topic", topic]);
    assert.ok(!lines(await tool("kafka-topics", ["--list"])).includes(topic));
    assert.ok(!(await listTopics(java)).includes(topic));
  });

  test("--describe: partitions, leader, replicas, isr and configs", async () => {
    const topic = uniqueTopic("cli-describe");
    await tool("kafka-topics", [
      ...["--create", "--topic", topic, "--partitions", "2", "--config", "retention.ms=86400000"],
    ]);
    const output = lines(await tool("kafka-topics", ["--describe", "--topic", topic]));
    const [summary, ...partitions] = output;
    assert.match(summary, new RegExp(`^Topic: ${topic}\\tTopicId: [A-Za-z0-9_-]{22}\\tPartitionCount: 2\\t`));
    assert.match(summary, /\tReplicationFactor: 1\t/);
    assert.match(summary, /Configs: .*retention\.ms=86400000/);
    assert.equal(partitions.length, 2, output.join("\n"));
    partitions.forEach((line, p) => {
      assert.match(line, new RegExp(`Topic: ${topic}\\tPartition: ${p}\\tLeader: 1\\tReplicas: 1\\tIsr: 1`));
    });
  });
});

describe("kafka-configs", () => {
  /** Skips the test (with the reason) unless the broker advertises every API it needs. */
  async function requireApis(t: TestContext, needed: Record<string, number>): Promise<boolean> {
    const apis = await advertisedApis(samsa);
    const missing = Object.keys(needed).filter((name) => !apis.has(needed[name]));
    if (missing.length === 0) return true;
    t.skip(`the broker does not advertise ${missing.join(" and ")} yet`);
    return false;
  }

  const topicEntity = (topic: string): string[] => ["--entity-type", "topics", "--entity-name", topic];
  const describeTopic = async (topic: string): Promise<string[]> =>
    lines(await tool("kafka-configs", ["--describe", ...topicEntity(topic)]));
  /** `name=value` of each dynamic config line, sorted. */
  const dynamicConfigs = async (topic: string): Promise<string[]> =>
    (await describeTopic(topic))
      .slice(1)
      .map((line) => line.trim().split(" ")[0])
      .sort();

  test("--describe a topic's dynamic configs and --describe --all of the broker", async (t) => {
    if (!(await requireApis(t, { DescribeConfigs: ApiKey.DescribeConfigs }))) return;
    const topic = uniqueTopic("cli-configs-describe");
    await createTopicOk(java, { name: topic, partitions: 1, configs: { "retention.ms": "86400000" } });
    const described = await describeTopic(topic);
    assert.deepEqual(described, [
      `Dynamic configs for topic ${topic} are:`,
      "  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}",
    ]);
    const broker = lines(
      await tool("kafka-configs", ["--describe", "--all", "--entity-type", "brokers", "--entity-name", "1"]),
    );
    assert.equal(broker[0], "All configs for broker 1 are:");
    assert.ok(
      broker.some((line) => line.trim().startsWith("num.partitions=")),
      "the broker's configs include num.partitions",
    );
  });

  test("--alter --add-config and --delete-config on a topic", async (t) => {
    const needed = {
      DescribeConfigs: ApiKey.DescribeConfigs,
      IncrementalAlterConfigs: ApiKey.IncrementalAlterConfigs,
    };
    if (!(await requireApis(t, needed))) return;
    const topic = uniqueTopic("cli-configs-alter");
    await createTopicOk(java, { name: topic, partitions: 1, configs: { "retention.ms": "86400000" } });
    const entity = topicEntity(topic);
    const altered = await tool("kafka-configs", [
      ...["--alter", ...entity, "--add-config", "retention.ms=3600000,segment.bytes=1048576"],
    ]);
    assert.match(altered, new RegExp(`Completed updating config for topic ${topic}\\.`));
    assert.deepEqual(await dynamicConfigs(topic), ["retention.ms=3600000", "segment.bytes=1048576"]);

    await tool("kafka-configs", ["--alter", ...entity, "--delete-config", "retention.ms"]);
    assert.deepEqual(await dynamicConfigs(topic), ["segment.bytes=1048576"]);

    const refused = await runKafkaTool("kafka-configs", [
      ...["--bootstrap-server", samsa.bootstrap, "--alter", ...entity, "--add-config", "retention.ms=never"],
    ]);
    assert.notEqual(refused.code, 0, "an invalid value is refused");
    assert.deepEqual(
      await dynamicConfigs(topic),
      ["segment.bytes=1048576"],
      "a refused change changes nothing",
    );
  });
});

describe("console producer and console consumer", () => {
  test("keys and headers in, read back by --partition and --offset", async () => {
    const topic = uniqueTopic("cli-console");
    const partitions = 3;
    await createTopicOk(java, { name: topic, partitions });
    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `key-${i}`,
      value: `value ${i} ünïcødé ✓`,
      headers: `trace:t-${i},codec:lz4`,
    }));
    await tool(
      "kafka-console-producer",
      [
        ...["--topic", topic, "--compression-codec", "lz4", "--request-required-acks", "all"],
        ...["--reader-property", "parse.key=true", "--reader-property", "parse.headers=true"],
      ],
      sent.map((r) => `${r.headers}\t${r.key}\t${r.value}\n`).join(""),
    );
    // The Java client's default partitioner: murmur2 of the key.
    const expected = Array.from({ length: partitions }, (_, p) =>
      sent.filter((r) => murmur2Partition(Buffer.from(r.key), partitions) === p),
    );
    const ends = await offsetsOf(java, topic, [0, 1, 2], "latest");
    assert.deepEqual(
      ends.map((e) => e.offset),
      expected.map((list) => list.length),
    );

    const format = ["print.key", "print.headers", "print.offset", "print.partition"].flatMap((property) => [
      "--formatter-property",
      `${property}=true`,
    ]);
    for (let p = 0; p < partitions; p++) {
      if (expected[p].length === 0) continue;
      const output = await tool("kafka-console-consumer", [
        ...["--topic", topic, "--partition", String(p), "--offset", "0"],
        ...["--max-messages", String(expected[p].length), ...format],
      ]);
      assert.deepEqual(
        lines(output),
        expected[p].map(
          (r, offset) => `Partition:${p}\tOffset:${offset}\t${r.headers}\t${r.key}\t${r.value}`,
        ),
      );
    }
    const busiest = expected.reduce((best, list, p) => (list.length > expected[best].length ? p : best), 0);
    const fromTwo = await tool("kafka-console-consumer", [
      ...[
        "--topic",
        topic,
        "--partition",
        String(busiest),
        "--offset",
        "2",
        "--max-messages",
        "1",
        ...format,
      ],
    ]);
    const third = expected[busiest][2];
    assert.deepEqual(lines(fromTwo), [
      `Partition:${busiest}\tOffset:2\t${third.headers}\t${third.key}\t${third.value}`,
    ]);
  });
});

describe("kafka-get-offsets", () => {
  test("earliest, latest, max timestamp and by time", async () => {
    const topic = uniqueTopic("cli-offsets");
    await createTopicOk(java, { name: topic, partitions: 2 });
    const baseMs = Date.now() - 60_000;
    const stamps = [
      [100, 300, 200, 250, 50],
      [10, 20, 30],
    ];
    for (const [partition, list] of stamps.entries()) {
      const records = sampleRecords({ tag: `offsets-${partition}`, partitions: 1, count: list.length }).map(
        (r, i) => ({
          ...r,
          partition,
          timestamp: baseMs + list[i],
        }),
      );
      await produceOk(java, topic, records, { acks: "all" });
    }
    const offsets = async (time: string): Promise<string[]> =>
      lines(await tool("kafka-get-offsets", ["--topic", topic, "--time", time])).sort();
    assert.deepEqual(await offsets("-1"), [`${topic}:0:5`, `${topic}:1:3`]);
    assert.deepEqual(await offsets("latest"), [`${topic}:0:5`, `${topic}:1:3`]);
    assert.deepEqual(await offsets("-2"), [`${topic}:0:0`, `${topic}:1:0`]);
    assert.deepEqual(await offsets("-3"), [`${topic}:0:1`, `${topic}:1:2`]);
    assert.deepEqual(await offsets(String(baseMs + 150)), [`${topic}:0:1`]);
    assert.deepEqual(await offsets(String(baseMs + 15)), [`${topic}:0:0`, `${topic}:1:1`]);
    const one = lines(await tool("kafka-get-offsets", ["--topic-partitions", `${topic}:1`, "--time", "-1"]));
    assert.deepEqual(one, [`${topic}:1:3`]);
  });
});

describe("kafka-delete-records", () => {
  test("an offsets JSON file moves each partition's log start", async () => {
    const topic = uniqueTopic("cli-delete-records");
    await createTopicOk(java, { name: topic, partitions: 2 });
    const records = sampleRecords({ tag: "cli-delete", partitions: 2, count: 12 });
    await produceOk(java, topic, records, { acks: "all" });
    const file = path.join(tempDir, `${topic}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        partitions: [
          { topic, partition: 0, offset: 2 },
          { topic, partition: 1, offset: -1 },
        ],
        version: 1,
      }),
    );
    const output = await tool("kafka-delete-records", ["--offset-json-file", file]);
    assert.match(output, new RegExp(`partition: ${topic}-0\\tlow_watermark: 2`));
    // Offset -1 means "up to the high watermark".
    assert.match(output, new RegExp(`partition: ${topic}-1\\tlow_watermark: 6`));
    assert.deepEqual(
      (await offsetsOf(java, topic, [0, 1], "earliest")).map((o) => o.offset),
      [2, 6],
    );
    const rest = await consume(java, topic, { from: new Map([[0, 2]]) });
    assert.deepEqual(
      rest.map((r) => r.offset),
      [2, 3, 4, 5],
    );
  });
});

describe("kafka-producer-perf-test", () => {
  test("a small run completes without errors and every record lands", async () => {
    const topic = uniqueTopic("cli-perf");
    await createTopicOk(java, { name: topic, partitions: 3 });
    const result = await runKafkaTool(
      "kafka-producer-perf-test",
      [
        ...["--bootstrap-server", samsa.bootstrap, "--topic", topic],
        ...["--num-records", "20000", "--record-size", "100", "--throughput", "-1"],
        ...["--command-property", "acks=all", "linger.ms=5", "compression.type=lz4"],
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /20000 records sent, [\d.]+ records\/sec/);
    assert.doesNotMatch(result.stderr, /ERROR|Exception/);
    const ends = await offsetsOf(java, topic, [0, 1, 2], "latest");
    assert.equal(
      ends.reduce((sum, e) => sum + e.offset, 0),
      20_000,
    );
  });
});
