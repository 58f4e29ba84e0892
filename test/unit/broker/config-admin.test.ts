import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { Broker } from "../../../src/broker/broker.ts";
import { ConfigSource, ConfigType, loadBrokerConfig } from "../../../src/broker/config/index.ts";
import {
  AlterConfigOp,
  applyIncrementalChanges,
  ConfigResourceType,
  parseNodeId,
} from "../../../src/broker/config-admin.ts";
import { type HandlerReply, isDeferred, type RequestContext } from "../../../src/broker/handler.ts";
import { describeConfigsHandler } from "../../../src/broker/handlers/32-describe-configs.ts";
import { alterConfigsHandler } from "../../../src/broker/handlers/33-alter-configs.ts";
import { incrementalAlterConfigsHandler } from "../../../src/broker/handlers/44-incremental-alter-configs.ts";
import { settingsFromConfig } from "../../../src/broker/settings.ts";
import { createTopic } from "../../../src/broker/topic-admin.ts";
import { ApiKey } from "../../../src/protocol/api-keys.ts";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import type { AlterConfigsResponse } from "../../../src/protocol/messages/alter-configs-response.ts";
import type { DescribeConfigsResource } from "../../../src/protocol/messages/describe-configs-request.ts";
import type {
  DescribeConfigsResourceResult,
  DescribeConfigsResponse,
  DescribeConfigsResult,
} from "../../../src/protocol/messages/describe-configs-response.ts";
import type { AlterableConfig as IncrementalConfig } from "../../../src/protocol/messages/incremental-alter-configs-request.ts";
import type { IncrementalAlterConfigsResponse } from "../../../src/protocol/messages/incremental-alter-configs-response.ts";

const { TOPIC, BROKER, BROKER_LOGGER, GROUP, CLIENT_METRICS } = ConfigResourceType;
const { SET, DELETE, APPEND, SUBTRACT } = AlterConfigOp;
const DAY_MS = "86400000";

async function startBroker(dataDir: string): Promise<Broker> {
  const { config } = loadBrokerConfig({
    overrides: [`log.dirs=${dataDir}`, "listeners=PLAINTEXT://127.0.0.1:0", "log.retention.ms=86400000"],
    env: {},
  });
  // Silent, and quiet even when a test raises the level through BROKER_LOGGER.
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return Broker.start({ settings: settingsFromConfig(config), logger: pino({ level: "silent" }, discard) });
}

/** A handler's reply as the response it must be (these handlers always answer at once). */
function answered<T>(reply: HandlerReply): T {
  assert.ok(reply !== null && !isDeferred(reply), "an immediate response");
  return reply as T;
}

function contextFor(broker: Broker, apiKey: number, apiVersion: number): RequestContext {
  return {
    broker,
    header: { apiKey, apiVersion, correlationId: 1, clientId: "unit" },
    apiVersion,
    clientAddress: "127.0.0.1:1",
    receivedAtMs: Date.now(),
  };
}

let dataDir = "";
let broker: Broker;
let topicCount = 0;

async function newTopic(partitions = 2, configs: Record<string, string> = {}): Promise<string> {
  const name = `configs-${++topicCount}`;
  const outcome = await createTopic(broker, { name, partitions, replicationFactor: 1, configs });
  assert.equal(outcome.errorCode, ErrorCode.NONE);
  return name;
}

async function describeConfigs(
  resources: DescribeConfigsResource[],
  options: { version?: number; includeSynonyms?: boolean; includeDocumentation?: boolean } = {},
): Promise<DescribeConfigsResult[]> {
  const version = options.version ?? 4;
  const reply = await describeConfigsHandler.handle(contextFor(broker, ApiKey.DescribeConfigs, version), {
    resources,
    includeSynonyms: options.includeSynonyms ?? true,
    includeDocumentation: options.includeDocumentation ?? false,
  });
  return answered<DescribeConfigsResponse>(reply).results;
}

async function topicEntry(topic: string, key: string): Promise<DescribeConfigsResourceResult> {
  const [result] = await describeConfigs([
    { resourceType: TOPIC, resourceName: topic, configurationKeys: [key] },
  ]);
  assert.equal(result.errorCode, ErrorCode.NONE, result.errorMessage ?? "");
  assert.equal(result.configs.length, 1);
  return result.configs[0];
}

type Outcome = { errorCode: number; errorMessage?: string | null; resourceName: string };

async function incremental(
  resources: { resourceType: number; resourceName: string; configs: IncrementalConfig[] }[],
  validateOnly = false,
): Promise<Outcome[]> {
  const context = contextFor(broker, ApiKey.IncrementalAlterConfigs, 1);
  const reply = await incrementalAlterConfigsHandler.handle(context, { resources, validateOnly });
  return answered<IncrementalAlterConfigsResponse>(reply).responses;
}

/** Each resource in a request of its own (one request may name a resource only once). */
async function eachAlone(
  resources: { resourceType: number; resourceName: string; configs: IncrementalConfig[] }[],
  validateOnly = false,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const resource of resources) outcomes.push(...(await incremental([resource], validateOnly)));
  return outcomes;
}

async function alterTopic(
  topic: string,
  configs: IncrementalConfig[],
  validateOnly = false,
): Promise<Outcome> {
  const [outcome] = await incremental([{ resourceType: TOPIC, resourceName: topic, configs }], validateOnly);
  return outcome;
}

async function legacy(
  resources: {
    resourceType: number;
    resourceName: string;
    configs: { name: string; value: string | null }[];
  }[],
  validateOnly = false,
): Promise<Outcome[]> {
  const context = contextFor(broker, ApiKey.AlterConfigs, 2);
  const reply = await alterConfigsHandler.handle(context, { resources, validateOnly });
  return answered<AlterConfigsResponse>(reply).responses;
}

function liveLog(topic: string, partition = 0) {
  const found = broker.replicas.get(topic, partition);
  assert.ok(found, `no partition ${topic}-${partition}`);
  return found.log;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "samsa-config-admin-"));
  broker = await startBroker(dataDir);
});

after(async () => {
  await broker.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test("the three APIs are served over Kafka 4's version ranges", () => {
  const advertised = broker.registry.apiVersions();
  const range = (key: number) => advertised.find((v) => v.apiKey === key);
  assert.deepStrictEqual(range(ApiKey.DescribeConfigs), { apiKey: 32, minVersion: 1, maxVersion: 4 });
  assert.deepStrictEqual(range(ApiKey.AlterConfigs), { apiKey: 33, minVersion: 0, maxVersion: 2 });
  assert.deepStrictEqual(range(ApiKey.IncrementalAlterConfigs), { apiKey: 44, minVersion: 0, maxVersion: 1 });
});

describe("DescribeConfigs", () => {
  test("a topic lists every topic key; a names filter keeps only those known", async () => {
    const topic = await newTopic();
    const [all] = await describeConfigs([
      { resourceType: TOPIC, resourceName: topic, configurationKeys: null },
    ]);
    assert.equal(all.errorCode, ErrorCode.NONE);
    assert.equal(all.errorMessage, null);
    assert.equal(all.resourceName, topic);
    assert.ok(all.configs.length > 20);
    const names = all.configs.map((c) => c.name);
    assert.deepStrictEqual(names, [...names].sort(), "sorted by name");
    const [empty] = await describeConfigs([
      { resourceType: TOPIC, resourceName: topic, configurationKeys: [] },
    ]);
    assert.equal(empty.configs.length, all.configs.length, "an empty filter is every key, as in Kafka");
    const [some] = await describeConfigs([
      { resourceType: TOPIC, resourceName: topic, configurationKeys: ["retention.ms", "no.such.key"] },
    ]);
    assert.deepStrictEqual(
      some.configs.map((c) => c.name),
      ["retention.ms"],
    );
  });

  test("a topic default shows the broker synonyms behind it, each with its source", async () => {
    const topic = await newTopic();
    const entry = await topicEntry(topic, "retention.ms");
    assert.deepStrictEqual(entry, {
      name: "retention.ms",
      value: DAY_MS,
      readOnly: false,
      configSource: ConfigSource.STATIC_BROKER_CONFIG,
      isSensitive: false,
      synonyms: [
        { name: "log.retention.ms", value: DAY_MS, source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: "log.retention.hours", value: "168", source: ConfigSource.DEFAULT_CONFIG },
      ],
      configType: ConfigType.LONG,
      documentation: null,
    });
    const cleanup = await topicEntry(topic, "cleanup.policy");
    assert.equal(cleanup.configSource, ConfigSource.DEFAULT_CONFIG);
    assert.equal(cleanup.configType, ConfigType.LIST);
  });

  test("includeSynonyms and includeDocumentation are honoured", async () => {
    const topic = await newTopic();
    const resource = { resourceType: TOPIC, resourceName: topic, configurationKeys: ["segment.bytes"] };
    const [bare] = await describeConfigs([resource], { includeSynonyms: false });
    assert.deepStrictEqual(bare.configs[0].synonyms, []);
    assert.equal(bare.configs[0].documentation, null);
    const [documented] = await describeConfigs([resource], { includeDocumentation: true });
    assert.ok((documented.configs[0].documentation ?? "").length > 10);
    assert.ok(documented.configs[0].synonyms.length > 0);
  });

  test("an unknown topic and a bad topic name fail only their own resource", async () => {
    const topic = await newTopic();
    const results = await describeConfigs([
      { resourceType: TOPIC, resourceName: "no-such-topic", configurationKeys: null },
      { resourceType: TOPIC, resourceName: "bad/name", configurationKeys: null },
      { resourceType: TOPIC, resourceName: topic, configurationKeys: ["retention.ms"] },
    ]);
    assert.deepStrictEqual(
      results.map((r) => [r.resourceName, r.errorCode, r.errorMessage ?? null, r.configs.length]),
      [
        ["no-such-topic", ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, 0],
        ["bad/name", ErrorCode.INVALID_TOPIC_EXCEPTION, results[1].errorMessage, 0],
        [topic, ErrorCode.NONE, null, 1],
      ],
    );
    assert.ok(results[1].errorMessage);
  });

  test("the broker resource is this node's id; the empty name is the (empty) cluster default", async () => {
    const results = await describeConfigs([
      { resourceType: BROKER, resourceName: "1", configurationKeys: ["log.retention.ms", "log.dirs"] },
      { resourceType: BROKER, resourceName: "", configurationKeys: null },
      { resourceType: BROKER, resourceName: "2", configurationKeys: null },
      { resourceType: BROKER, resourceName: "one", configurationKeys: null },
    ]);
    assert.deepStrictEqual(
      results.map((r) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.NONE, null],
        [ErrorCode.NONE, null],
        [ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected 1 or empty string, but received 2"],
        [ErrorCode.INVALID_REQUEST, "Broker id must be an integer, but it is: one"],
      ],
    );
    const [dirs, retention] = results[0].configs;
    assert.equal(dirs.name, "log.dirs");
    assert.equal(dirs.value, dataDir);
    assert.equal(dirs.readOnly, true);
    assert.equal(dirs.configSource, ConfigSource.STATIC_BROKER_CONFIG);
    assert.equal(retention.name, "log.retention.ms");
    assert.equal(retention.value, DAY_MS);
    assert.equal(retention.readOnly, false, "Kafka can change it at run time");
    assert.deepStrictEqual(results[1].configs, []);
  });

  test("BROKER_LOGGER lists the root logger; unknown loggers are left out", async () => {
    const results = await describeConfigs([
      { resourceType: BROKER_LOGGER, resourceName: "1", configurationKeys: null },
      { resourceType: BROKER_LOGGER, resourceName: "1", configurationKeys: ["kafka.server"] },
      { resourceType: BROKER_LOGGER, resourceName: "", configurationKeys: null },
      { resourceType: BROKER_LOGGER, resourceName: "7", configurationKeys: null },
    ]);
    assert.deepStrictEqual(results[0].configs, [
      {
        name: "root",
        value: "OFF",
        readOnly: false,
        configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
        isSensitive: false,
        synonyms: [],
        configType: ConfigType.UNKNOWN,
        documentation: null,
      },
    ]);
    assert.deepStrictEqual(results[1].configs, []);
    assert.deepStrictEqual(
      results.slice(2).map((r) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.INVALID_REQUEST, "Broker id must not be empty"],
        [ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected 1 but received 7"],
      ],
    );
  });

  test("GROUP, CLIENT_METRICS and unknown types fail per resource", async () => {
    const topic = await newTopic();
    const results = await describeConfigs([
      { resourceType: GROUP, resourceName: "g", configurationKeys: null },
      { resourceType: CLIENT_METRICS, resourceName: "m", configurationKeys: null },
      { resourceType: 99, resourceName: "x", configurationKeys: null },
      { resourceType: TOPIC, resourceName: topic, configurationKeys: ["retention.ms"] },
    ]);
    assert.deepStrictEqual(
      results.map((r) => [r.resourceType, r.errorCode, r.errorMessage]),
      [
        [GROUP, ErrorCode.INVALID_REQUEST, "Unsupported resource type: GROUP"],
        [CLIENT_METRICS, ErrorCode.INVALID_REQUEST, "Unsupported resource type: CLIENT_METRICS"],
        [99, ErrorCode.INVALID_REQUEST, "Unsupported resource type: UNKNOWN"],
        [TOPIC, ErrorCode.NONE, null],
      ],
    );
  });
});

describe("IncrementalAlterConfigs on a topic", () => {
  test("SET shows as TOPIC_CONFIG with the synonyms, and the live logs take it at once", async () => {
    const topic = await newTopic(2);
    const outcome = await alterTopic(topic, [
      { name: "retention.ms", configOperation: SET, value: "3600000" },
    ]);
    assert.deepStrictEqual(outcome, {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resourceType: TOPIC,
      resourceName: topic,
    });
    const entry = await topicEntry(topic, "retention.ms");
    assert.equal(entry.value, "3600000");
    assert.equal(entry.configSource, ConfigSource.TOPIC_CONFIG);
    assert.deepStrictEqual(entry.synonyms, [
      { name: "retention.ms", value: "3600000", source: ConfigSource.TOPIC_CONFIG },
      { name: "log.retention.ms", value: DAY_MS, source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: "log.retention.hours", value: "168", source: ConfigSource.DEFAULT_CONFIG },
    ]);
    assert.deepStrictEqual(broker.topics.get(topic)?.configs, { "retention.ms": "3600000" });
    assert.equal(liveLog(topic, 0).config.retentionMs, 3_600_000);
    assert.equal(liveLog(topic, 1).config.retentionMs, 3_600_000);
  });

  test("segment size, max message size, timestamp type and cleanup policy change live", async () => {
    const topic = await newTopic(1);
    const outcome = await alterTopic(topic, [
      { name: "segment.bytes", configOperation: SET, value: "1048576" },
      { name: "max.message.bytes", configOperation: SET, value: "2048" },
      { name: "message.timestamp.type", configOperation: SET, value: "LogAppendTime" },
      { name: "cleanup.policy", configOperation: SET, value: "compact" },
    ]);
    assert.equal(outcome.errorCode, ErrorCode.NONE, outcome.errorMessage ?? "");
    const config = liveLog(topic).config;
    assert.equal(config.segmentBytes, 1_048_576);
    assert.equal(config.maxMessageBytes, 2048);
    assert.equal(config.timestampType, "LogAppendTime");
    assert.deepStrictEqual(config.cleanupPolicy, { delete: false, compact: true });
  });

  test("DELETE reverts to the default", async () => {
    const topic = await newTopic(1, { "retention.ms": "60000", "segment.bytes": "1048576" });
    assert.equal(liveLog(topic).config.retentionMs, 60_000);
    const outcome = await alterTopic(topic, [{ name: "retention.ms", configOperation: DELETE, value: null }]);
    assert.equal(outcome.errorCode, ErrorCode.NONE);
    const entry = await topicEntry(topic, "retention.ms");
    assert.equal(entry.value, DAY_MS);
    assert.equal(entry.configSource, ConfigSource.STATIC_BROKER_CONFIG);
    assert.deepStrictEqual(broker.topics.get(topic)?.configs, { "segment.bytes": "1048576" });
    assert.equal(liveLog(topic).config.retentionMs, Number(DAY_MS));
    const again = await alterTopic(topic, [{ name: "retention.ms", configOperation: DELETE, value: null }]);
    assert.equal(again.errorCode, ErrorCode.NONE, "deleting what is not set is fine");
  });

  test("APPEND and SUBTRACT work on list keys, from the built-in default when unset", async () => {
    const topic = await newTopic(1);
    assert.equal(
      (await alterTopic(topic, [{ name: "cleanup.policy", configOperation: APPEND, value: "compact" }]))
        .errorCode,
      ErrorCode.NONE,
    );
    assert.equal((await topicEntry(topic, "cleanup.policy")).value, "delete,compact");
    assert.deepStrictEqual(liveLog(topic).config.cleanupPolicy, { delete: true, compact: true });
    await alterTopic(topic, [{ name: "cleanup.policy", configOperation: APPEND, value: "compact" }]);
    assert.equal((await topicEntry(topic, "cleanup.policy")).value, "delete,compact", "no duplicates");
    await alterTopic(topic, [{ name: "cleanup.policy", configOperation: SUBTRACT, value: "delete" }]);
    assert.equal((await topicEntry(topic, "cleanup.policy")).value, "compact");
    assert.deepStrictEqual(liveLog(topic).config.cleanupPolicy, { delete: false, compact: true });
    const notList = await alterTopic(topic, [{ name: "retention.ms", configOperation: APPEND, value: "1" }]);
    assert.deepStrictEqual(
      [notList.errorCode, notList.errorMessage],
      [ErrorCode.INVALID_CONFIG, "Can't APPEND to key retention.ms because its type is not LIST."],
    );
  });

  test("an invalid value fails the resource and changes nothing, not even its valid keys", async () => {
    const topic = await newTopic(1, { "retention.ms": "60000" });
    const before = broker.topics.get(topic);
    for (const bad of [
      { name: "retention.ms", value: "soon" },
      { name: "cleanup.policy", value: "shred" },
      { name: "no.such.config", value: "1" },
    ]) {
      const outcome = await alterTopic(topic, [
        { name: "segment.bytes", configOperation: SET, value: "1048576" },
        { ...bad, configOperation: SET },
      ]);
      assert.equal(outcome.errorCode, ErrorCode.INVALID_CONFIG, bad.name);
      assert.match(outcome.errorMessage ?? "", new RegExp(bad.name.replaceAll(".", "\\.")));
    }
    assert.equal(broker.topics.get(topic), before);
    assert.equal(liveLog(topic).config.retentionMs, 60_000);
    assert.equal((await topicEntry(topic, "segment.bytes")).configSource, ConfigSource.DEFAULT_CONFIG);
  });

  test("validateOnly checks everything and changes nothing", async () => {
    const topic = await newTopic(1);
    const ok = await alterTopic(topic, [{ name: "retention.ms", configOperation: SET, value: "1000" }], true);
    assert.equal(ok.errorCode, ErrorCode.NONE);
    const bad = await alterTopic(topic, [{ name: "retention.ms", configOperation: SET, value: "x" }], true);
    assert.equal(bad.errorCode, ErrorCode.INVALID_CONFIG);
    assert.deepStrictEqual(broker.topics.get(topic)?.configs, {});
    assert.equal(liveLog(topic).config.retentionMs, Number(DAY_MS));
  });

  test("per-resource errors: unknown topic, names, duplicates, nulls, unknown operations", async () => {
    const topic = await newTopic(1);
    const other = await newTopic(1);
    const set = (value: string | null): IncrementalConfig[] => [
      { name: "retention.ms", configOperation: SET, value },
    ];
    const results = await incremental([
      { resourceType: TOPIC, resourceName: "missing-topic", configs: set("1000") },
      { resourceType: TOPIC, resourceName: "", configs: set("1000") },
      { resourceType: TOPIC, resourceName: "bad name", configs: set("1000") },
      { resourceType: TOPIC, resourceName: topic, configs: set("1000") },
      { resourceType: TOPIC, resourceName: topic, configs: set("2000") },
      { resourceType: GROUP, resourceName: "g", configs: [] },
      { resourceType: 3, resourceName: "x", configs: [] },
    ]);
    results.push(
      ...(await eachAlone([
        { resourceType: TOPIC, resourceName: other, configs: [...set("1"), ...set("2")] },
        { resourceType: TOPIC, resourceName: other, configs: set(null) },
        {
          resourceType: TOPIC,
          resourceName: other,
          configs: [{ name: "retention.ms", configOperation: 7, value: "1" }],
        },
      ])),
    );
    assert.deepStrictEqual(
      results.map((r) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'missing-topic' does not exist."],
        [ErrorCode.INVALID_REQUEST, "Default topic resources are not allowed."],
        [ErrorCode.INVALID_TOPIC_EXCEPTION, results[2].errorMessage],
        [ErrorCode.INVALID_REQUEST, "Each resource must appear at most once."],
        [ErrorCode.INVALID_REQUEST, "Each resource must appear at most once."],
        [ErrorCode.INVALID_REQUEST, "Unsupported resource type: GROUP"],
        [ErrorCode.INVALID_REQUEST, "Unknown resource type 3"],
        [ErrorCode.INVALID_REQUEST, "Error due to duplicate config keys"],
        [ErrorCode.INVALID_REQUEST, "Null value not supported for : retention.ms"],
        [ErrorCode.INVALID_REQUEST, "Unknown operations type 7"],
      ],
    );
    assert.deepStrictEqual(broker.topics.get(topic)?.configs, {});
    assert.deepStrictEqual(broker.topics.get(other)?.configs, {});
  });
});

describe("IncrementalAlterConfigs on the broker and its logger", () => {
  test("broker keys cannot change at run time; DELETEs alone succeed", async () => {
    const results = await eachAlone([
      {
        resourceType: BROKER,
        resourceName: "1",
        configs: [{ name: "log.dirs", configOperation: SET, value: "/x" }],
      },
      {
        resourceType: BROKER,
        resourceName: "",
        configs: [{ name: "log.retention.ms", configOperation: SET, value: "1000" }],
      },
      {
        resourceType: BROKER,
        resourceName: "1",
        configs: [{ name: "log.retention.ms", configOperation: DELETE }],
      },
      { resourceType: BROKER, resourceName: "2", configs: [] },
      {
        resourceType: BROKER,
        resourceName: "1",
        configs: [{ name: "num.partitions", configOperation: APPEND, value: "2" }],
      },
    ]);
    assert.deepStrictEqual(
      results.map((r) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.INVALID_REQUEST, "Cannot update these configs dynamically: Set(log.dirs)"],
        [ErrorCode.INVALID_REQUEST, results[1].errorMessage],
        [ErrorCode.NONE, null],
        [ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected 1, but received 2"],
        [ErrorCode.INVALID_CONFIG, "Config value append is not allowed for config key: num.partitions"],
      ],
    );
    assert.match(
      results[1].errorMessage ?? "",
      /^Cannot update these configs dynamically: Set\(log\.retention\.ms\)/,
    );
  });

  test("the root logger's level can be set, checked first", async () => {
    const results = await incremental(
      [
        {
          resourceType: BROKER_LOGGER,
          resourceName: "1",
          configs: [{ name: "root", configOperation: SET, value: "DEBUG" }],
        },
      ],
      true,
    );
    assert.equal(results[0].errorCode, ErrorCode.NONE);
    assert.equal(broker.logger.level, "silent", "validateOnly");
    const bad = await eachAlone([
      {
        resourceType: BROKER_LOGGER,
        resourceName: "1",
        configs: [{ name: "root", configOperation: SET, value: "LOUD" }],
      },
      {
        resourceType: BROKER_LOGGER,
        resourceName: "1",
        configs: [{ name: "kafka", configOperation: SET, value: "INFO" }],
      },
      {
        resourceType: BROKER_LOGGER,
        resourceName: "1",
        configs: [{ name: "root", configOperation: DELETE }],
      },
      {
        resourceType: BROKER_LOGGER,
        resourceName: "1",
        configs: [{ name: "root", configOperation: APPEND, value: "x" }],
      },
      { resourceType: BROKER_LOGGER, resourceName: "5", configs: [] },
    ]);
    assert.deepStrictEqual(
      bad.map((r) => r.errorCode),
      [
        ErrorCode.INVALID_CONFIG,
        ErrorCode.INVALID_CONFIG,
        ErrorCode.INVALID_REQUEST,
        ErrorCode.INVALID_REQUEST,
        ErrorCode.INVALID_REQUEST,
      ],
    );
    assert.match(bad[0].errorMessage ?? "", /Valid log levels are DEBUG, ERROR, FATAL, INFO, TRACE, WARN$/);
    const previous = broker.logger.level;
    try {
      const [set] = await incremental([
        {
          resourceType: BROKER_LOGGER,
          resourceName: "1",
          configs: [{ name: "root", configOperation: SET, value: "DEBUG" }],
        },
      ]);
      assert.equal(set.errorCode, ErrorCode.NONE);
      assert.equal(broker.logger.level, "debug");
      const [described] = await describeConfigs([
        { resourceType: BROKER_LOGGER, resourceName: "1", configurationKeys: null },
      ]);
      assert.equal(described.configs[0].value, "DEBUG");
    } finally {
      broker.logger.level = previous;
    }
  });
});

describe("AlterConfigs (legacy)", () => {
  test("replaces the whole set of a topic's overrides", async () => {
    const topic = await newTopic(1, { "retention.ms": "60000", "segment.bytes": "1048576" });
    const [outcome] = await legacy([
      { resourceType: TOPIC, resourceName: topic, configs: [{ name: "max.message.bytes", value: "4096" }] },
    ]);
    assert.equal(outcome.errorCode, ErrorCode.NONE);
    assert.deepStrictEqual(broker.topics.get(topic)?.configs, { "max.message.bytes": "4096" });
    const config = liveLog(topic).config;
    assert.equal(config.maxMessageBytes, 4096);
    assert.equal(config.retentionMs, Number(DAY_MS), "a key left out goes back to its default");
  });

  test("per-resource errors and validateOnly", async () => {
    const topic = await newTopic(1, { "retention.ms": "60000" });
    const results = await legacy([
      { resourceType: TOPIC, resourceName: topic, configs: [{ name: "retention.ms", value: "-7" }] },
      { resourceType: TOPIC, resourceName: "absent", configs: [] },
      { resourceType: TOPIC, resourceName: "absent-2", configs: [{ name: "retention.ms", value: null }] },
      { resourceType: BROKER, resourceName: "1", configs: [{ name: "num.partitions", value: "3" }] },
      { resourceType: BROKER, resourceName: "", configs: [] },
      { resourceType: BROKER_LOGGER, resourceName: "1", configs: [] },
    ]);
    assert.deepStrictEqual(
      results.map((r) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.INVALID_CONFIG, results[0].errorMessage],
        [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'absent' does not exist."],
        [ErrorCode.INVALID_REQUEST, "Null value not supported for : retention.ms"],
        [ErrorCode.INVALID_REQUEST, "Cannot update these configs dynamically: Set(num.partitions)"],
        [ErrorCode.NONE, null],
        [ErrorCode.INVALID_REQUEST, "Unknown resource type 8"],
      ],
    );
    assert.match(results[0].errorMessage ?? "", /retention\.ms/);
    const [dry] = await legacy([{ resourceType: TOPIC, resourceName: topic, configs: [] }], true);
    assert.equal(dry.errorCode, ErrorCode.NONE);
    assert.deepStrictEqual(broker.topics.get(topic)?.configs, { "retention.ms": "60000" });
    assert.equal(liveLog(topic).config.retentionMs, 60_000);
  });
});

test("altered topic configs survive a restart", async () => {
  const dir = await mkdtemp(join(tmpdir(), "samsa-config-restart-"));
  const first = await startBroker(dir);
  try {
    const outcome = await createTopic(first, {
      name: "kept",
      partitions: 1,
      replicationFactor: 1,
      configs: {},
    });
    assert.equal(outcome.errorCode, ErrorCode.NONE);
    const context = contextFor(first, ApiKey.IncrementalAlterConfigs, 0);
    const reply = await incrementalAlterConfigsHandler.handle(context, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: "kept",
          configs: [{ name: "retention.ms", configOperation: SET, value: "123456" }],
        },
      ],
      validateOnly: false,
    });
    assert.equal(answered<IncrementalAlterConfigsResponse>(reply).responses[0].errorCode, ErrorCode.NONE);
  } finally {
    await first.stop();
  }
  const second = await startBroker(dir);
  try {
    assert.deepStrictEqual(second.topics.get("kept")?.configs, { "retention.ms": "123456" });
    assert.equal(second.replicas.get("kept", 0)?.log.config.retentionMs, 123_456);
  } finally {
    await second.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

describe("pure helpers", () => {
  const keyInfo = (name: string) => ({
    isList: name === "cleanup.policy",
    defaultValue: name === "cleanup.policy" ? "delete" : null,
  });

  test("incremental changes apply in order", () => {
    const result = applyIncrementalChanges(
      { a: "1", "cleanup.policy": "compact" },
      [
        { name: "a", configOperation: DELETE },
        { name: "b", configOperation: SET, value: "2" },
        { name: "cleanup.policy", configOperation: APPEND, value: "delete,compact,delete" },
      ],
      keyInfo,
    );
    assert.deepStrictEqual(result, { configs: { b: "2", "cleanup.policy": "compact,delete" } });
    const subtracted = applyIncrementalChanges(
      {},
      [{ name: "cleanup.policy", configOperation: SUBTRACT, value: "delete" }],
      keyInfo,
    );
    assert.deepStrictEqual(subtracted, { configs: { "cleanup.policy": "" } });
  });

  test("node ids parse as Java's Integer.parseInt does", () => {
    assert.deepStrictEqual(["1", "+1", "007", "-3", "", "1.0", " 1", "2147483648"].map(parseNodeId), [
      1,
      1,
      7,
      -3,
      null,
      null,
      null,
      null,
    ]);
  });
});
