/**
 * DescribeConfigs entries for a broker and for a topic, built the way Kafka
 * 4's ConfigHelper builds them:
 * - a broker key's synonyms are its broker synonyms (log.retention.ms,
 *   .minutes, .hours; log.roll.ms, .hours; ...) that have a value, grouped
 *   by source in Kafka's order (dynamic per-broker, dynamic cluster
 *   default, static, default) and within a source by precedence, then
 *   everything before the first entry for the described key itself dropped;
 * - a topic key's synonyms are the topic override (if any) followed by the
 *   synonyms of its highest-precedence broker key, built the same way;
 * - the entry's source is that of its first synonym, else DEFAULT_CONFIG.
 * Samsa's file, environment and --override values are all static broker
 * config to Kafka; built-in defaults are DEFAULT_CONFIG. Samsa has no
 * dynamic broker configs yet. Sensitive (PASSWORD) values are reported as
 * null. Entries are sorted by name.
 */
import type { BrokerConfig, ResolvedConfigValue } from "./broker-config.ts";
import { BROKER_KEYS } from "./broker-keys.ts";
import type { BrokerKeyDef, ConfigKeyDef } from "./config-def.ts";
import { ConfigSource, ConfigType } from "./describe-enums.ts";
import { formatValue, parseValue } from "./parse-value.ts";
import { resolveTopicValues, type TopicOverrides } from "./topic-config.ts";
import { TOPIC_KEY_LIST } from "./topic-keys.ts";

export interface DescribedSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: number;
}

export interface DescribedConfig {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  /** True when the value is the built-in default (source DEFAULT_CONFIG); DescribeConfigs v0's isDefault. */
  readonly isDefault: boolean;
  /** A ConfigSource number. */
  readonly source: number;
  readonly isSensitive: boolean;
  readonly synonyms: readonly DescribedSynonym[];
  /** A ConfigType number. */
  readonly configType: number;
  readonly documentation: string | null;
}

export interface DescribeOptions {
  /** Only these keys; all when absent or empty (Kafka's configurationKeys). */
  readonly names?: readonly string[] | null;
  readonly includeSynonyms?: boolean;
  readonly includeDocumentation?: boolean;
}

const BROKER_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ["log.roll.ms", "log.roll.hours"],
  ["log.roll.jitter.ms", "log.roll.jitter.hours"],
  ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"],
  ["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
];

/** Kafka's DynamicBrokerConfig.brokerConfigSynonyms. */
export function brokerSynonymNames(name: string): readonly string[] {
  if (name === "log.flush.scheduler.interval.ms") return [name];
  return BROKER_SYNONYM_GROUPS.find((group) => group.includes(name)) ?? [name];
}

function isSensitive(def: ConfigKeyDef): boolean {
  return def.type === "password";
}

function defaultText(def: ConfigKeyDef): string | null {
  if (def.default === null) return null;
  const parsed = parseValue(def.type, def.default);
  return parsed.ok ? formatValue(def.type, parsed.value) : def.default;
}

function configSynonyms(
  name: string,
  values: ReadonlyMap<string, ResolvedConfigValue>,
  sensitive: boolean,
): DescribedSynonym[] {
  const names = brokerSynonymNames(name);
  const found: DescribedSynonym[] = [];
  for (const resolved of names.map((n) => values.get(n)!)) {
    if (resolved.origin !== "default" && resolved.raw !== null)
      found.push({
        name: resolved.name,
        value: sensitive ? null : resolved.raw,
        source: ConfigSource.STATIC_BROKER_CONFIG,
      });
  }
  for (const def of names.map((n) => BROKER_KEYS.get(n)!)) {
    const text = defaultText(def);
    if (text !== null)
      found.push({ name: def.name, value: sensitive ? null : text, source: ConfigSource.DEFAULT_CONFIG });
  }
  const first = found.findIndex((synonym) => synonym.name === name);
  return first < 0 ? [] : found.slice(first);
}

function documentation(def: ConfigKeyDef, options: DescribeOptions): string | null {
  if (options.includeDocumentation === false) return null;
  const ignored = "ignored" in def ? (def as BrokerKeyDef).ignored : undefined;
  return ignored === undefined ? def.doc : `${def.doc} (Accepted by Samsa but not used: ${ignored})`;
}

/** One entry from its definition, value and synonyms (exported for tests). */
export function describeEntry(
  def: ConfigKeyDef,
  value: string | null,
  readOnly: boolean,
  synonyms: readonly DescribedSynonym[],
  options: DescribeOptions,
): DescribedConfig {
  const source = synonyms.length > 0 ? synonyms[0].source : ConfigSource.DEFAULT_CONFIG;
  return {
    name: def.name,
    value: isSensitive(def) ? null : value,
    readOnly,
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    source,
    isSensitive: isSensitive(def),
    synonyms: options.includeSynonyms === false ? [] : synonyms,
    configType: ConfigType[def.type.toUpperCase() as keyof typeof ConfigType],
    documentation: documentation(def, options),
  };
}

function byName(a: ConfigKeyDef, b: ConfigKeyDef): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function wanted(options: DescribeOptions): (name: string) => boolean {
  const names = options.names ?? [];
  return (name) => names.length === 0 || names.includes(name);
}

/** Entries for every broker key Samsa knows (the broker resource named by this node's id). */
export function describeBrokerConfig(broker: BrokerConfig, options: DescribeOptions = {}): DescribedConfig[] {
  return [...BROKER_KEYS.values()]
    .filter((def) => wanted(options)(def.name))
    .sort(byName)
    .map((def) => {
      const resolved = broker.values.get(def.name)!;
      const synonyms = configSynonyms(def.name, broker.values, isSensitive(def));
      return describeEntry(def, resolved.text, def.updateMode === "read-only", synonyms, options);
    });
}

/** Entries for every topic-level key of a topic with these overrides. */
export function describeTopicConfig(
  broker: BrokerConfig,
  topicOverrides: TopicOverrides,
  options: DescribeOptions = {},
): DescribedConfig[] {
  const resolved = resolveTopicValues(broker.values, topicOverrides);
  return TOPIC_KEY_LIST.filter((def) => wanted(options)(def.name))
    .sort(byName)
    .map((def) => {
      const value = formatValue(def.type, resolved.get(def.name) ?? null);
      const serverKey = def.synonyms[0]?.name;
      const fromBroker =
        serverKey === undefined ? [] : configSynonyms(serverKey, broker.values, isSensitive(def));
      const fromTopic: DescribedSynonym[] =
        topicOverrides[def.name] === undefined
          ? []
          : [{ name: def.name, value, source: ConfigSource.TOPIC_CONFIG }];
      return describeEntry(def, value, false, [...fromTopic, ...fromBroker], options);
    });
}
