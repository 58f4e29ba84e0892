import assert from "node:assert/strict";
import { test } from "node:test";
import { BROKER_KEY_LIST, BROKER_KEYS } from "../../../../src/broker/config/broker-keys.ts";
import { envNameToKey, keyToEnvName } from "../../../../src/broker/config/env.ts";
import { loadBrokerConfig } from "../../../../src/broker/config/load-broker-config.ts";
import {
  formatDouble,
  formatValue,
  longToNumber,
  parseValue,
} from "../../../../src/broker/config/parse-value.ts";
import { resolveValue } from "../../../../src/broker/config/resolve-value.ts";
import { closestKey, editDistance } from "../../../../src/broker/config/suggest.ts";
import { effectiveTopicConfig } from "../../../../src/broker/config/topic-config.ts";
import { TOPIC_KEY_LIST, TOPIC_KEYS } from "../../../../src/broker/config/topic-keys.ts";
import { DEFAULT_LOG_CONFIG } from "../../../../src/storage/log-config.ts";

function value(type: Parameters<typeof parseValue>[0], text: string): unknown {
  const parsed = parseValue(type, text);
  return parsed.ok ? parsed.value : `error: ${parsed.reason}`;
}

test("integers: optional sign, trimmed, no fractions, within range", () => {
  assert.equal(value("int", " -42 "), -42);
  assert.equal(value("int", "+7"), 7);
  assert.match(String(value("int", "1.0")), /^error/);
  assert.match(String(value("int", "1e3")), /^error/);
  assert.match(String(value("int", "2147483648")), /^error/);
  assert.equal(value("short", "32767"), 32767);
  assert.match(String(value("short", "32768")), /^error/);
  assert.equal(value("long", "9223372036854775807"), 9223372036854775807n);
  assert.match(String(value("long", "9223372036854775808")), /^error/);
});

test("doubles accept Java's forms and refuse NaN", () => {
  assert.equal(value("double", "0.5"), 0.5);
  assert.equal(value("double", ".5"), 0.5);
  assert.equal(value("double", "1e-3"), 0.001);
  assert.equal(value("double", "2d"), 2);
  assert.equal(value("double", "1.7976931348623157E308"), Number.MAX_VALUE);
  assert.match(String(value("double", "NaN")), /^error/);
  assert.match(String(value("double", "half")), /^error/);
});

test("booleans in any case; lists split on commas with surrounding spaces", () => {
  assert.equal(value("boolean", " TRUE "), true);
  assert.match(String(value("boolean", "1")), /^error/);
  assert.deepStrictEqual(value("list", " a , b,c "), ["a", "b", "c"]);
  assert.deepStrictEqual(value("list", "   "), []);
  assert.deepStrictEqual(value("list", "a,,b"), ["a", "", "b"]);
});

test("formatting follows Java's toString", () => {
  assert.equal(formatDouble(0.5), "0.5");
  assert.equal(formatDouble(1), "1.0");
  assert.equal(formatDouble(1e-4), "1.0E-4");
  assert.equal(formatDouble(Number.MAX_VALUE), "1.7976931348623157E308");
  assert.equal(formatValue("int", 3), "3");
  assert.equal(formatValue("list", ["a", "b"]), "a,b");
  assert.equal(formatValue("long", null), null);
});

test("longs saturate at the largest safe integer", () => {
  assert.equal(longToNumber(9223372036854775807n), Number.MAX_SAFE_INTEGER);
  assert.equal(longToNumber(-5n), -5);
});

test("suggestions: nearest key within a third of the name's length", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(
    closestKey("log.retention.hour", ["log.retention.hours", "log.retention.ms"]),
    "log.retention.hours",
  );
  assert.equal(
    closestKey("log_retention_ms", ["log.retention.ms", "log.retention.bytes"]),
    "log.retention.ms",
  );
  assert.equal(closestKey("xyz", ["log.retention.ms"]), null);
});

test("SAMSA_ + upper-case key, '.' as '_', '_' as '__', '-' as '___' (the Kafka/Confluent image convention)", () => {
  assert.equal(keyToEnvName("log.retention.ms"), "SAMSA_LOG_RETENTION_MS");
  assert.equal(envNameToKey("SAMSA_LOG_RETENTION_MS"), "log.retention.ms");
  assert.equal(keyToEnvName("a.key_with.underscore"), "SAMSA_A_KEY__WITH_UNDERSCORE");
  assert.equal(envNameToKey("SAMSA_A_KEY__WITH_UNDERSCORE"), "a.key_with.underscore");
  assert.equal(keyToEnvName("a.key-with.dash"), "SAMSA_A_KEY___WITH_DASH");
  assert.equal(envNameToKey("SAMSA_A_KEY___WITH_DASH"), "a.key-with.dash");
  assert.equal(envNameToKey("SAMSA_SAMSA_CONSOLE_LISTENER"), "samsa.console.listener");
});

test("only SAMSA_ variables with something after the prefix name a key", () => {
  assert.equal(envNameToKey("SAMSA_"), null);
  assert.equal(envNameToKey("KAFKA_LOG_DIRS"), null);
  assert.equal(envNameToKey("samsa_log_dirs"), null);
});

test("every broker key survives the round trip through its variable name", () => {
  for (const def of BROKER_KEY_LIST) assert.equal(envNameToKey(keyToEnvName(def.name)), def.name);
});

test("no key is defined twice", () => {
  assert.equal(BROKER_KEYS.size, BROKER_KEY_LIST.length);
  assert.equal(TOPIC_KEYS.size, TOPIC_KEY_LIST.length);
});

test("every default parses and passes its own validator", () => {
  for (const def of [...BROKER_KEY_LIST, ...TOPIC_KEY_LIST]) {
    const resolution = resolveValue(def, def.default, "default", null);
    assert.ok(resolution.ok, `${def.name}: ${resolution.ok ? "" : resolution.reason}`);
  }
});

test("every topic key's broker synonyms are broker keys that name it back, and vice versa", () => {
  for (const topic of TOPIC_KEY_LIST) {
    for (const synonym of topic.synonyms) {
      const broker = BROKER_KEYS.get(synonym.name);
      assert.ok(broker !== undefined, `${topic.name}: ${synonym.name} is not a broker key`);
      assert.equal(broker.topicKey, topic.name, `${synonym.name} should name ${topic.name}`);
    }
  }
  for (const broker of BROKER_KEY_LIST) {
    if (broker.topicKey === undefined) continue;
    const topic = TOPIC_KEYS.get(broker.topicKey);
    assert.ok(
      topic?.synonyms.some((s) => s.name === broker.name),
      `${broker.name} -> ${broker.topicKey}`,
    );
  }
});

test("Kafka's synonym order for the keys with several broker forms", () => {
  const order = (name: string) => TOPIC_KEYS.get(name)?.synonyms.map((s) => s.name);
  assert.deepStrictEqual(order("retention.ms"), [
    "log.retention.ms",
    "log.retention.minutes",
    "log.retention.hours",
  ]);
  assert.deepStrictEqual(order("segment.ms"), ["log.roll.ms", "log.roll.hours"]);
  assert.deepStrictEqual(order("segment.jitter.ms"), ["log.roll.jitter.ms", "log.roll.jitter.hours"]);
  assert.deepStrictEqual(order("flush.ms"), ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"]);
  assert.deepStrictEqual(order("max.message.bytes"), ["message.max.bytes"]);
});

test("a Samsa default that differs from Kafka's says why", () => {
  for (const def of BROKER_KEY_LIST) {
    if (def.kafkaDefault !== undefined) assert.ok(def.defaultNote, `${def.name} needs a defaultNote`);
  }
});

test("the broker's topic defaults equal the storage layer's own defaults", () => {
  const { config } = loadBrokerConfig();
  assert.deepStrictEqual(effectiveTopicConfig(config, {}).logConfig, DEFAULT_LOG_CONFIG);
});
