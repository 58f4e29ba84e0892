/**
 * Topic-level configuration: checking the overrides a client sends
 * (CreateTopics, AlterConfigs, IncrementalAlterConfigs answer INVALID_CONFIG
 * with these messages), and combining overrides with the broker's defaults
 * into the settings a topic's partitions run with. A key without an
 * override takes its value from the first broker synonym that is set (see
 * topic-keys.ts), else from Kafka's topic default.
 */
import assert from "node:assert/strict";
import type { CleanupPolicy } from "../../storage/log-config.ts";
import type { BrokerConfig, ResolvedConfigValue } from "./broker-config.ts";
import { BROKER_KEYS } from "./broker-keys.ts";
import type { BrokerSynonym, TopicKeyDef } from "./config-def.ts";
import type { CompressionTypeName } from "./kafka-values.ts";
import { type ParsedValue, parseValue } from "./parse-value.ts";
import { defaultValues } from "./resolve-value.ts";
import { didYouMean } from "./suggest.ts";
import { refusedTopicKey, TOPIC_KEY_LIST, TOPIC_KEYS } from "./topic-keys.ts";
import type { TopicSettings } from "./topic-settings.ts";
import {
  readBoolean,
  readDouble,
  readInt,
  readList,
  readLong,
  readString,
  type ValueSource,
} from "./typed-values.ts";

export type TopicOverrides = Readonly<Record<string, string>>;

const MS_PER_UNIT = { hours: 3_600_000n, minutes: 60_000n } as const;

function asTopicValue(def: TopicKeyDef, synonym: BrokerSynonym, value: ParsedValue): ParsedValue {
  if (synonym.unit !== undefined) return BigInt(value as number) * MS_PER_UNIT[synonym.unit];
  if (def.type === "long" && typeof value === "number") return BigInt(value);
  return value;
}

/**
 * The broker-wide default of a topic key: the first of its broker synonyms
 * that has a value, converted to the topic key's unit. Kafka reads a
 * negative broker retention as "forever" (-1). Null when the key has no
 * broker synonym.
 */
export function brokerDefaultForTopicKey(
  def: TopicKeyDef,
  values: ReadonlyMap<string, ResolvedConfigValue>,
): ParsedValue {
  for (const synonym of def.synonyms) {
    const resolved = values.get(synonym.name);
    assert.ok(resolved !== undefined, `topic synonym ${synonym.name} is not a broker key`);
    if (resolved.value === null) continue;
    const value = asTopicValue(def, synonym, resolved.value);
    if (def.name === "retention.ms" && typeof value === "bigint" && value < 0n) return -1n;
    return value;
  }
  return null;
}

function parseOverride(def: TopicKeyDef, text: string): ParsedValue {
  const parsed = parseValue(def.type, text);
  assert.ok(parsed.ok, `unvalidated topic override ${def.name}=${text}`);
  return parsed.value;
}

/** The value of every topic key for a topic with these (already validated) overrides. */
export function resolveTopicValues(
  values: ReadonlyMap<string, ResolvedConfigValue>,
  overrides: TopicOverrides,
): Map<string, ParsedValue> {
  const resolved = new Map<string, ParsedValue>();
  for (const def of TOPIC_KEY_LIST) {
    const override = overrides[def.name];
    if (override !== undefined) {
      resolved.set(def.name, parseOverride(def, override));
      continue;
    }
    const fromBroker = brokerDefaultForTopicKey(def, values);
    resolved.set(def.name, fromBroker ?? parseOverride(def, def.default ?? ""));
  }
  return resolved;
}

function cleanupPolicy(items: readonly string[]): CleanupPolicy {
  return { delete: items.includes("delete"), compact: items.includes("compact") };
}

function compressionLevel(source: ValueSource, type: CompressionTypeName): number | null {
  if (type === "gzip" || type === "lz4" || type === "zstd")
    return readInt(source, `compression.${type}.level`);
  return null;
}

/** Typed settings from resolved topic values. */
export function topicSettingsFrom(
  resolved: ReadonlyMap<string, ParsedValue>,
  fsyncBeforeAcksAll: boolean,
): TopicSettings {
  const source: ValueSource = { get: (name) => resolved.get(name) ?? null };
  const compressionType = readString(source, "compression.type") as CompressionTypeName;
  return {
    logConfig: {
      segmentBytes: readInt(source, "segment.bytes"),
      segmentMs: readLong(source, "segment.ms"),
      indexIntervalBytes: readInt(source, "index.interval.bytes"),
      retentionMs: readLong(source, "retention.ms"),
      retentionBytes: readLong(source, "retention.bytes"),
      cleanupPolicy: cleanupPolicy(readList(source, "cleanup.policy")),
      minCleanableDirtyRatio: readDouble(source, "min.cleanable.dirty.ratio"),
      minCompactionLagMs: readLong(source, "min.compaction.lag.ms"),
      maxCompactionLagMs: readLong(source, "max.compaction.lag.ms"),
      deleteRetentionMs: readLong(source, "delete.retention.ms"),
      fileDeleteDelayMs: readLong(source, "file.delete.delay.ms"),
      flushIntervalMessages: readLong(source, "flush.messages"),
      flushIntervalMs: readLong(source, "flush.ms"),
      timestampType: readString(
        source,
        "message.timestamp.type",
      ) as TopicSettings["logConfig"]["timestampType"],
      maxMessageBytes: readInt(source, "max.message.bytes"),
      fsyncBeforeAcksAll,
    },
    minInsyncReplicas: readInt(source, "min.insync.replicas"),
    compressionType,
    compressionLevel: compressionLevel(source, compressionType),
    messageTimestampBeforeMaxMs: readLong(source, "message.timestamp.before.max.ms"),
    messageTimestampAfterMaxMs: readLong(source, "message.timestamp.after.max.ms"),
    uncleanLeaderElectionEnable: readBoolean(source, "unclean.leader.election.enable"),
    segmentJitterMs: readLong(source, "segment.jitter.ms"),
    segmentIndexBytes: readInt(source, "segment.index.bytes"),
    preallocate: readBoolean(source, "preallocate"),
  };
}

/**
 * The settings a topic with these overrides runs with. The overrides must
 * have passed `validateTopicConfigs`; an invalid one is a programmer error.
 */
export function effectiveTopicConfig(broker: BrokerConfig, topicOverrides: TopicOverrides): TopicSettings {
  return topicSettingsFrom(resolveTopicValues(broker.values, topicOverrides), broker.fsyncBeforeAcksAll);
}

function unknownTopicKey(name: string): string {
  const broker = BROKER_KEYS.get(name);
  if (broker?.topicKey !== undefined)
    return `${name} is a broker setting; the topic-level key is ${broker.topicKey}.`;
  return `Unknown topic config name: ${name}.${didYouMean(name, TOPIC_KEYS.keys())}`;
}

function checkOne(name: string, text: string): string | null {
  const def = TOPIC_KEYS.get(name);
  if (def === undefined) return refusedTopicKey(name) ?? unknownTopicKey(name);
  const parsed = parseValue(def.type, text);
  const reason = parsed.ok ? (def.validator?.check(parsed.value) ?? null) : parsed.reason;
  return reason === null ? null : `Invalid value ${text} for configuration ${name}: ${reason}`;
}

/**
 * Checks topic overrides: an error message per bad key, none when all are
 * fine. Cross-key rules (min.compaction.lag.ms <= max.compaction.lag.ms) see
 * the broker's defaults when a broker is given, else the built-in defaults.
 */
export function validateTopicConfigs(entries: TopicOverrides, broker?: BrokerConfig): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [name, text] of Object.entries(entries)) {
    const error = checkOne(name, text);
    if (error !== null) errors[name] = error;
  }
  if (Object.keys(errors).length > 0) return errors;
  const lags = ["min.compaction.lag.ms", "max.compaction.lag.ms"] as const;
  if (lags.some((key) => entries[key] !== undefined)) {
    const resolved = resolveTopicValues(broker?.values ?? defaultBrokerValues(), entries);
    const [min, max] = lags.map((key) => resolved.get(key) as bigint);
    if (min > max) {
      const key = entries[lags[0]] !== undefined ? lags[0] : lags[1];
      errors[key] = `conflict topic config setting ${lags[0]} (${min}) > ${lags[1]} (${max})`;
    }
  }
  return errors;
}

let defaultValuesCache: ReadonlyMap<string, ResolvedConfigValue> | null = null;

/** Broker values at their defaults, for validating without a broker. */
function defaultBrokerValues(): ReadonlyMap<string, ResolvedConfigValue> {
  defaultValuesCache ??= defaultValues(BROKER_KEYS.values());
  return defaultValuesCache;
}
