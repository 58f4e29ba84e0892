/**
 * Topic and broker configs against a real Samsa process: kafkajs's admin
 * (DescribeConfigs v2, AlterConfigs v1), and raw requests for
 * IncrementalAlterConfigs (which kafkajs lacks) and the version edges
 * (DescribeConfigs v1 and v4, AlterConfigs v0 and v2, IncrementalAlterConfigs
 * v0 and v1). A changed config must show in DescribeConfigs with its source
 * and synonyms, act on the live partitions, and survive a restart.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import kafkajs from "kafkajs";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { AlterConfigsResponse } from "../../src/protocol/messages/alter-configs-response.ts";
import type { DescribeConfigsResponse } from "../../src/protocol/messages/describe-configs-response.ts";
import type { IncrementalAlterConfigsResponse } from "../../src/protocol/messages/incremental-alter-configs-response.ts";
import { RawClient } from "../support/raw-client.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

const { Kafka, logLevel, ConfigResourceTypes, ConfigSource } = kafkajs;

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const DAY_MS = "86400000";

let samsa: SamsaProcess;
let kafka: InstanceType<typeof Kafka>;
let admin: ReturnType<InstanceType<typeof Kafka>["admin"]>;
let raw: RawClient;
let topicCount = 0;

before(async () => {
  samsa = await startSamsa({ overrides: { "log.retention.ms": DAY_MS } });
  kafka = new Kafka({ brokers: [samsa.bootstrap], clientId: "configs-it", logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  raw = await RawClient.connect(samsa.host, samsa.port);
});

after(async () => {
  raw.close();
  await admin.disconnect();
  await samsa.dispose();
});

async function newTopic(): Promise<string> {
  const topic = `configs-it-${++topicCount}`;
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), true);
  return topic;
}

async function describeTopicKey(topic: string, key: string) {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: true,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [key] }],
  });
  assert.equal(resources.length, 1);
  assert.equal(resources[0].errorCode, 0);
  assert.equal(resources[0].configEntries.length, 1);
  return resources[0].configEntries[0];
}

function incremental(
  client: RawClient,
  version: number,
  topic: string,
  configs: { name: string; configOperation: number; value?: string | null }[],
  validateOnly = false,
): Promise<IncrementalAlterConfigsResponse> {
  return client.request<IncrementalAlterConfigsResponse>(ApiKey.IncrementalAlterConfigs, version, {
    resources: [{ resourceType: TOPIC, resourceName: topic, configs }],
    validateOnly,
  });
}

function rawDescribe(
  client: RawClient,
  version: number,
  resources: { resourceType: number; resourceName: string; configurationKeys: string[] | null }[],
  includeDocumentation = false,
): Promise<DescribeConfigsResponse> {
  return client.request<DescribeConfigsResponse>(ApiKey.DescribeConfigs, version, {
    resources,
    includeSynonyms: true,
    includeDocumentation,
  });
}

test("kafkajs: an altered retention.ms shows as TOPIC_CONFIG, with its synonyms", async () => {
  const topic = await newTopic();
  const before = await describeTopicKey(topic, "retention.ms");
  assert.equal(before.configValue, DAY_MS);
  assert.equal(before.configSource, ConfigSource.STATIC_BROKER_CONFIG);
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: [{ name: "retention.ms", value: "3600000" }],
      },
    ],
  });
  const entry = await describeTopicKey(topic, "retention.ms");
  assert.equal(entry.configValue, "3600000");
  assert.equal(entry.configSource, ConfigSource.TOPIC_CONFIG);
  assert.equal(entry.configSource, 1);
  assert.equal(entry.readOnly, false);
  assert.deepStrictEqual(
    entry.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource]),
    [
      ["retention.ms", "3600000", ConfigSource.TOPIC_CONFIG],
      ["log.retention.ms", DAY_MS, ConfigSource.STATIC_BROKER_CONFIG],
      ["log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG],
    ],
  );
});

test("kafkajs: validateOnly changes nothing; an invalid value is rejected and changes nothing", async () => {
  const topic = await newTopic();
  await admin.alterConfigs({
    validateOnly: true,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: [{ name: "retention.ms", value: "1000" }],
      },
    ],
  });
  assert.equal((await describeTopicKey(topic, "retention.ms")).configValue, DAY_MS);
  await assert.rejects(
    admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: "segment.bytes", value: "1048576" },
            { name: "retention.ms", value: "next-week" },
          ],
        },
      ],
    }),
    (error: Error & { type?: string }) => error.type === "INVALID_CONFIG",
  );
  assert.equal(
    (await describeTopicKey(topic, "retention.ms")).configSource,
    ConfigSource.STATIC_BROKER_CONFIG,
  );
  assert.equal((await describeTopicKey(topic, "segment.bytes")).configSource, ConfigSource.DEFAULT_CONFIG);
});

test("kafkajs: the broker resource describes; changing it is refused", async () => {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      { type: ConfigResourceTypes.BROKER, name: "1", configNames: ["log.retention.ms", "node.id"] },
    ],
  });
  assert.deepStrictEqual(
    resources[0].configEntries.map((e) => [e.configName, e.configValue, e.readOnly, e.configSource]),
    [
      ["log.retention.ms", DAY_MS, false, ConfigSource.STATIC_BROKER_CONFIG],
      ["node.id", "1", true, ConfigSource.DEFAULT_CONFIG],
    ],
  );
  await assert.rejects(
    admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: "1",
          configEntries: [{ name: "num.partitions", value: "4" }],
        },
      ],
    }),
    (error: Error & { type?: string }) => error.type === "INVALID_REQUEST",
  );
  await assert.rejects(
    admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "configs-it-missing" }],
    }),
    (error: Error & { type?: string }) => error.type === "UNKNOWN_TOPIC_OR_PARTITION",
  );
});

test("IncrementalAlterConfigs v0 and v1: SET, APPEND, DELETE back to the default", async () => {
  const topic = await newTopic();
  const set = await incremental(raw, 0, topic, [
    { name: "retention.ms", configOperation: SET, value: "7200000" },
  ]);
  assert.deepStrictEqual(
    set.responses.map((r) => [r.errorCode, r.errorMessage, r.resourceType, r.resourceName]),
    [[ErrorCode.NONE, null, TOPIC, topic]],
  );
  const append = await incremental(raw, 1, topic, [
    { name: "cleanup.policy", configOperation: APPEND, value: "compact" },
  ]);
  assert.equal(append.responses[0].errorCode, ErrorCode.NONE);
  assert.equal((await describeTopicKey(topic, "retention.ms")).configValue, "7200000");
  assert.equal((await describeTopicKey(topic, "cleanup.policy")).configValue, "delete,compact");
  const deleted = await incremental(raw, 1, topic, [
    { name: "retention.ms", configOperation: DELETE, value: null },
    { name: "cleanup.policy", configOperation: DELETE, value: null },
  ]);
  assert.equal(deleted.responses[0].errorCode, ErrorCode.NONE);
  const retention = await describeTopicKey(topic, "retention.ms");
  assert.equal(retention.configValue, DAY_MS);
  assert.equal(retention.configSource, ConfigSource.STATIC_BROKER_CONFIG);
  const cleanup = await describeTopicKey(topic, "cleanup.policy");
  assert.deepStrictEqual(
    [cleanup.configValue, cleanup.configSource],
    ["delete", ConfigSource.DEFAULT_CONFIG],
  );
});

test("IncrementalAlterConfigs: an invalid value and validateOnly change nothing", async () => {
  const topic = await newTopic();
  const bad = await incremental(raw, 1, topic, [
    { name: "retention.ms", configOperation: SET, value: "3600000" },
    { name: "max.message.bytes", configOperation: SET, value: "-5" },
  ]);
  assert.equal(bad.responses[0].errorCode, ErrorCode.INVALID_CONFIG);
  assert.match(bad.responses[0].errorMessage ?? "", /max\.message\.bytes/);
  const dry = await incremental(
    raw,
    0,
    topic,
    [{ name: "retention.ms", configOperation: SET, value: "1" }],
    true,
  );
  assert.equal(dry.responses[0].errorCode, ErrorCode.NONE);
  assert.equal((await describeTopicKey(topic, "retention.ms")).configValue, DAY_MS);
  assert.equal(
    (await describeTopicKey(topic, "max.message.bytes")).configSource,
    ConfigSource.DEFAULT_CONFIG,
  );
  const unknown = await incremental(raw, 1, "configs-it-none", [
    { name: "retention.ms", configOperation: SET, value: "1" },
  ]);
  assert.deepStrictEqual(
    [unknown.responses[0].errorCode, unknown.responses[0].errorMessage],
    [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'configs-it-none' does not exist."],
  );
});

test("max.message.bytes takes effect on the live partition without a restart", async () => {
  const topic = await newTopic();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const value = "x".repeat(4000);
    await producer.send({ topic, acks: 1, messages: [{ value }] });
    const set = await incremental(raw, 1, topic, [
      { name: "max.message.bytes", configOperation: SET, value: "1024" },
    ]);
    assert.equal(set.responses[0].errorCode, ErrorCode.NONE);
    await assert.rejects(
      producer.send({ topic, acks: 1, messages: [{ value }] }),
      (error: Error & { type?: string }) => error.type === "MESSAGE_TOO_LARGE",
    );
    await incremental(raw, 1, topic, [{ name: "max.message.bytes", configOperation: DELETE }]);
    await producer.send({ topic, acks: 1, messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
});

test("DescribeConfigs v1 and v4, AlterConfigs v0 and v2: the version edges", async () => {
  const topic = await newTopic();
  for (const version of [0, 2]) {
    const altered = await raw.request<AlterConfigsResponse>(ApiKey.AlterConfigs, version, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: topic,
          configs: [{ name: "segment.ms", value: `${version + 1}000000` }],
        },
        { resourceType: BROKER, resourceName: "9", configs: [] },
      ],
      validateOnly: false,
    });
    assert.deepStrictEqual(
      altered.responses.map((r) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.NONE, null],
        [ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected 1, but received 9"],
      ],
    );
  }
  const resources = [{ resourceType: TOPIC, resourceName: topic, configurationKeys: ["segment.ms"] }];
  const v1 = await rawDescribe(raw, 1, resources);
  const v4 = await rawDescribe(raw, 4, resources, true);
  for (const response of [v1, v4]) {
    const [entry] = response.results[0].configs;
    assert.equal(entry.value, "3000000");
    assert.equal(entry.configSource, ConfigSource.TOPIC_CONFIG);
    assert.equal(entry.synonyms[0].name, "segment.ms");
  }
  assert.equal(v1.results[0].configs[0].documentation, "", "not in v1: the decoder's default");
  assert.equal(v4.results[0].configs[0].configType, 5, "LONG");
  assert.ok((v4.results[0].configs[0].documentation ?? "").length > 0);
});

test("altered configs survive a broker restart", async () => {
  const first = await startSamsa();
  let second: SamsaProcess | null = null;
  try {
    const client = await RawClient.connect(first.host, first.port);
    const bootstrap = new Kafka({ brokers: [first.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await bootstrap.connect();
    await bootstrap.createTopics({ topics: [{ topic: "configs-restart", numPartitions: 1 }] });
    await bootstrap.disconnect();
    const set = await incremental(client, 1, "configs-restart", [
      { name: "retention.ms", configOperation: SET, value: "5400000" },
    ]);
    assert.equal(set.responses[0].errorCode, ErrorCode.NONE);
    client.close();
    assert.equal(await first.stop(), 0);
    second = await startSamsa({ dataDir: first.dataDir });
    const again = await RawClient.connect(second.host, second.port);
    const described = await rawDescribe(again, 4, [
      { resourceType: TOPIC, resourceName: "configs-restart", configurationKeys: ["retention.ms"] },
    ]);
    again.close();
    const [entry] = described.results[0].configs;
    assert.deepStrictEqual([entry.value, entry.configSource], ["5400000", ConfigSource.TOPIC_CONFIG]);
  } finally {
    await second?.stop();
    await first.dispose();
  }
});
