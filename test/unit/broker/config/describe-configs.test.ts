import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConfigKeyDef } from "../../../../src/broker/config/config-def.ts";
import {
  type DescribedConfig,
  describeBrokerConfig,
  describeEntry,
  describeTopicConfig,
} from "../../../../src/broker/config/describe-configs.ts";
import { ConfigSource, ConfigType } from "../../../../src/broker/config/describe-enums.ts";
import { loadBrokerConfig } from "../../../../src/broker/config/load-broker-config.ts";

const { STATIC_BROKER_CONFIG: STATIC, DEFAULT_CONFIG: DEFAULT, TOPIC_CONFIG: TOPIC } = ConfigSource;

function byName(entries: readonly DescribedConfig[], name: string): DescribedConfig {
  const found = entries.find((e) => e.name === name);
  assert.ok(found, `no entry for ${name}`);
  return found;
}

test("Kafka's numeric enums", () => {
  assert.deepStrictEqual(Object.values(ConfigSource), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(ConfigSource.STATIC_BROKER_CONFIG, 4);
  assert.equal(ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, 6);
  assert.deepStrictEqual(
    [ConfigType.BOOLEAN, ConfigType.STRING, ConfigType.INT, ConfigType.SHORT, ConfigType.LONG],
    [1, 2, 3, 4, 5],
  );
  assert.deepStrictEqual(
    [ConfigType.DOUBLE, ConfigType.LIST, ConfigType.CLASS, ConfigType.PASSWORD],
    [6, 7, 8, 9],
  );
});

test("a broker key at its default", () => {
  const { config } = loadBrokerConfig();
  const entry = byName(describeBrokerConfig(config), "num.partitions");
  assert.deepStrictEqual(entry, {
    name: "num.partitions",
    value: "1",
    readOnly: true,
    isDefault: true,
    source: DEFAULT,
    isSensitive: false,
    synonyms: [{ name: "num.partitions", value: "1", source: DEFAULT }],
    configType: ConfigType.INT,
    documentation: entry.documentation,
  });
  assert.ok(entry.documentation && entry.documentation.length > 10);
  const nodeId = byName(describeBrokerConfig(config), "node.id");
  assert.equal(nodeId.value, "1", "Samsa's own default is reported as the default");
  assert.equal(nodeId.source, DEFAULT);
  const brokerId = byName(describeBrokerConfig(config), "broker.id");
  assert.deepStrictEqual(
    [brokerId.value, brokerId.source, brokerId.synonyms],
    ["1", DEFAULT, []],
    "mirrors node.id",
  );
});

test("file, environment and --override values are all static broker config", () => {
  const { config } = loadBrokerConfig({
    propertiesText: "num.partitions=2",
    env: { SAMSA_DEFAULT_REPLICATION_FACTOR: "1" },
    overrides: ["queued.max.requests=10"],
  });
  const entries = describeBrokerConfig(config);
  for (const name of ["num.partitions", "default.replication.factor", "queued.max.requests"]) {
    const entry = byName(entries, name);
    assert.equal(entry.source, STATIC, name);
    assert.equal(entry.isDefault, false);
    assert.equal(entry.synonyms[0].source, STATIC);
    assert.equal(entry.synonyms[1].source, DEFAULT);
  }
});

test("broker retention synonyms: grouped by source, by precedence within a source, from the described key on", () => {
  const { config } = loadBrokerConfig({
    propertiesText: "log.retention.hours=24",
    env: { SAMSA_LOG_RETENTION_MINUTES: "30" },
  });
  const entries = describeBrokerConfig(config);
  assert.deepStrictEqual(byName(entries, "log.retention.hours").synonyms, [
    { name: "log.retention.hours", value: "24", source: STATIC },
    { name: "log.retention.hours", value: "168", source: DEFAULT },
  ]);
  assert.deepStrictEqual(byName(entries, "log.retention.minutes").synonyms, [
    { name: "log.retention.minutes", value: "30", source: STATIC },
    { name: "log.retention.hours", value: "24", source: STATIC },
    { name: "log.retention.hours", value: "168", source: DEFAULT },
  ]);
  const ms = byName(entries, "log.retention.ms");
  assert.deepStrictEqual([ms.value, ms.source, ms.synonyms], [null, DEFAULT, []]);
  assert.equal(ms.readOnly, false, "log.retention.ms is cluster-wide dynamic in Kafka");
  assert.equal(byName(entries, "log.retention.hours").readOnly, true);
  assert.equal(byName(entries, "listeners").readOnly, false);
});

test("a topic override comes first, then its broker synonyms", () => {
  const { config } = loadBrokerConfig({ propertiesText: "log.retention.ms=2000\nlog.retention.hours=24" });
  const entries = describeTopicConfig(config, { "retention.ms": "1000" });
  const retention = byName(entries, "retention.ms");
  assert.equal(retention.value, "1000");
  assert.equal(retention.source, TOPIC);
  assert.equal(retention.readOnly, false);
  assert.equal(retention.configType, ConfigType.LONG);
  assert.deepStrictEqual(retention.synonyms, [
    { name: "retention.ms", value: "1000", source: TOPIC },
    { name: "log.retention.ms", value: "2000", source: STATIC },
    { name: "log.retention.hours", value: "24", source: STATIC },
    { name: "log.retention.hours", value: "168", source: DEFAULT },
  ]);
  const inherited = byName(describeTopicConfig(config, {}), "retention.ms");
  assert.equal(inherited.value, "2000");
  assert.equal(inherited.source, STATIC);
});

test("topic keys without overrides take the broker's value and source", () => {
  const { config } = loadBrokerConfig({ propertiesText: "message.max.bytes=2000" });
  const entries = describeTopicConfig(config, {});
  assert.deepStrictEqual(byName(entries, "max.message.bytes"), {
    name: "max.message.bytes",
    value: "2000",
    readOnly: false,
    isDefault: false,
    source: STATIC,
    isSensitive: false,
    synonyms: [
      { name: "message.max.bytes", value: "2000", source: STATIC },
      { name: "message.max.bytes", value: "1048588", source: DEFAULT },
    ],
    configType: ConfigType.INT,
    documentation: byName(entries, "max.message.bytes").documentation,
  });
  const remote = byName(entries, "remote.storage.enable");
  assert.deepStrictEqual(
    [remote.value, remote.source, remote.synonyms, remote.configType],
    ["false", DEFAULT, [], 1],
  );
  const segmentMs = byName(entries, "segment.ms");
  assert.deepStrictEqual([segmentMs.value, segmentMs.source, segmentMs.synonyms], ["604800000", DEFAULT, []]);
});

test("values are written as Kafka writes them", () => {
  const { config } = loadBrokerConfig({ propertiesText: "log.cleanup.policy = compact , delete" });
  const entries = describeTopicConfig(config, { "min.cleanable.dirty.ratio": "1" });
  assert.equal(byName(entries, "flush.messages").value, "9223372036854775807");
  assert.equal(byName(entries, "min.cleanable.dirty.ratio").value, "1.0");
  assert.equal(byName(entries, "cleanup.policy").value, "compact,delete");
  assert.equal(
    byName(entries, "cleanup.policy").synonyms[0].value,
    "compact , delete",
    "synonyms carry the text given",
  );
  assert.equal(byName(entries, "cleanup.policy").configType, ConfigType.LIST);
});

test("names filter; synonyms and documentation may be left out; entries sorted by name", () => {
  const { config } = loadBrokerConfig();
  const entries = describeTopicConfig(
    config,
    {},
    {
      names: ["segment.bytes", "cleanup.policy"],
      includeSynonyms: false,
      includeDocumentation: false,
    },
  );
  assert.deepStrictEqual(
    entries.map((e) => [e.name, e.synonyms.length, e.documentation]),
    [
      ["cleanup.policy", 0, null],
      ["segment.bytes", 0, null],
    ],
  );
  assert.equal(entries[0].source, DEFAULT, "the source does not depend on whether synonyms are sent");
  const all = describeBrokerConfig(config).map((e) => e.name);
  assert.deepStrictEqual(all, [...all].sort());
});

test("ignored keys say so in their documentation", () => {
  const { config } = loadBrokerConfig();
  assert.match(byName(describeBrokerConfig(config), "num.io.threads").documentation ?? "", /not used/);
});

test("sensitive values are never disclosed", () => {
  const secret: ConfigKeyDef = {
    name: "x.password",
    type: "password",
    default: null,
    importance: "high",
    doc: "d",
  };
  const entry = describeEntry(
    secret,
    "hunter2",
    true,
    [{ name: "x.password", value: null, source: STATIC }],
    {},
  );
  assert.equal(entry.value, null);
  assert.equal(entry.isSensitive, true);
  assert.equal(entry.configType, ConfigType.PASSWORD);
});

test("as in Kafka, a topic's retention.ms lists synonyms only from log.retention.ms on", () => {
  const { config } = loadBrokerConfig({ propertiesText: "log.retention.hours=24" });
  const retention = byName(describeTopicConfig(config, {}), "retention.ms");
  assert.deepStrictEqual([retention.value, retention.source, retention.synonyms], ["86400000", DEFAULT, []]);
});
