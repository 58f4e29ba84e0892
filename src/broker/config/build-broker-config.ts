/**
 * From resolved key values to the typed `BrokerConfig`, applying the rules
 * that span several keys as Kafka 4 does: node.id and broker.id agree, the
 * log directory comes from log.dirs or else log.dir, the listener rules,
 * synonyms such as log.retention.{ms,minutes,hours} resolved by precedence
 * (and the result within the topic key's bounds), and the cleaner's
 * dedupe memory of at least 1 MiB per thread.
 */
import type { BrokerConfig, ProcessRole, ResolvedConfigValue } from "./broker-config.ts";
import { BROKER_KEYS } from "./broker-keys.ts";
import { KAFKA_ASSIGNOR_CLASSES } from "./broker-keys-coordinators.ts";
import { parseHttpEndpoint } from "./listeners.ts";
import type { ParsedValue } from "./parse-value.ts";
import { resolveListeners } from "./resolve-listeners.ts";
import { resolveTopicValues, topicSettingsFrom } from "./topic-config.ts";
import { TOPIC_KEY_LIST } from "./topic-keys.ts";
import {
  readBoolean,
  readInt,
  readList,
  readLong,
  readOptionalList,
  readOptionalString,
  readString,
  type ValueSource,
} from "./typed-values.ts";

type Values = Map<string, ResolvedConfigValue>;

const MIB = 1024n * 1024n;

function explicit(values: Values, name: string): boolean {
  return values.get(name)?.origin !== "default";
}

/** Kafka treats node.id and broker.id as one setting: either may be given, and both must agree. */
function reconcileNodeId(values: Values, problems: string[]): void {
  const node = values.get("node.id")!;
  const broker = values.get("broker.id")!;
  if (explicit(values, "broker.id") && explicit(values, "node.id")) {
    if (node.value !== broker.value)
      problems.push(`node.id (${node.text}) and broker.id (${broker.text}) must be equal; set only node.id`);
  } else if (explicit(values, "broker.id")) {
    if ((broker.value as number) < 0) problems.push(`broker.id (${broker.text}) must be at least 0`);
    values.set("node.id", { ...broker, name: "node.id" });
  } else {
    values.set("broker.id", { ...node, name: "broker.id", type: broker.type });
  }
}

/** The broker-derived topic defaults must themselves be valid topic values (Kafka builds every log from them). */
function checkTopicDefaults(
  values: Values,
  resolved: ReadonlyMap<string, ParsedValue>,
  problems: string[],
): void {
  for (const def of TOPIC_KEY_LIST) {
    if (def.synonyms.length === 0) continue;
    const value = resolved.get(def.name) ?? null;
    const reason = value === null ? null : (def.validator?.check(value) ?? null);
    const names = def.synonyms.map((s) => s.name).join(" / ");
    if (reason !== null) problems.push(`${names}: the resulting ${def.name} (${String(value)}) ${reason}`);
  }
  if (resolved.get("retention.ms") === 0n)
    problems.push(
      "log.retention.ms / log.retention.minutes / log.retention.hours: retention must be -1 (forever) or at least 1 ms",
    );
  const minLag = values.get("log.cleaner.min.compaction.lag.ms")!.value as bigint;
  const maxLag = values.get("log.cleaner.max.compaction.lag.ms")!.value as bigint;
  if (minLag > maxLag)
    problems.push(
      `log.cleaner.min.compaction.lag.ms (${minLag}) must not exceed log.cleaner.max.compaction.lag.ms (${maxLag})`,
    );
}

function checkQueuedBytes(source: ValueSource, problems: string[]): void {
  const queuedBytes = readLong(source, "queued.max.request.bytes");
  const requestBytes = readInt(source, "socket.request.max.bytes");
  if (queuedBytes > 0 && queuedBytes < requestBytes)
    problems.push(
      `queued.max.request.bytes (${queuedBytes}) must be at least socket.request.max.bytes (${requestBytes}), or -1`,
    );
}

/** Kafka's GroupCoordinatorConfig rules for the consumer protocol's timers and protocol list. */
function checkConsumerGroups(source: ValueSource, problems: string[]): void {
  for (const [key, min, max] of [
    [
      "group.consumer.session.timeout.ms",
      "group.consumer.min.session.timeout.ms",
      "group.consumer.max.session.timeout.ms",
    ],
    [
      "group.consumer.heartbeat.interval.ms",
      "group.consumer.min.heartbeat.interval.ms",
      "group.consumer.max.heartbeat.interval.ms",
    ],
  ] as const) {
    const [value, low, high] = [readInt(source, key), readInt(source, min), readInt(source, max)];
    if (value < low || value > high)
      problems.push(`${key} (${value}) must be between ${min} (${low}) and ${max} (${high})`);
  }
  const session = readInt(source, "group.consumer.session.timeout.ms");
  const interval = readInt(source, "group.consumer.heartbeat.interval.ms");
  if (interval >= session) {
    problems.push(
      `group.consumer.heartbeat.interval.ms (${interval}) must be less than group.consumer.session.timeout.ms (${session})`,
    );
  }
  if (!readList(source, "group.coordinator.rebalance.protocols").includes("classic")) {
    problems.push("group.coordinator.rebalance.protocols must include classic");
  }
}

function checkCleaner(source: ValueSource, problems: string[]): void {
  const threads = readInt(source, "log.cleaner.threads");
  const dedupeBytes = source.get("log.cleaner.dedupe.buffer.size") as bigint;
  if (threads > 0 && dedupeBytes / BigInt(threads) <= MIB)
    problems.push(
      `log.cleaner.dedupe.buffer.size (${dedupeBytes}) must be more than 1 MiB per cleaner thread (log.cleaner.threads=${threads})`,
    );
}

function layoutListeners(
  values: Values,
  source: ValueSource,
  roles: readonly ProcessRole[],
  problems: string[],
) {
  return resolveListeners(
    {
      roles,
      listeners: readList(source, "listeners"),
      advertisedListeners: readOptionalList(source, "advertised.listeners"),
      protocolMapText: readString(source, "listener.security.protocol.map"),
      protocolMapExplicit: explicit(values, "listener.security.protocol.map"),
      controllerListenerNames: readOptionalList(source, "controller.listener.names"),
      interBrokerListenerName: readOptionalString(source, "inter.broker.listener.name"),
    },
    problems,
  );
}

function coordinatorSettings(source: ValueSource): Pick<BrokerConfig, "offsets" | "groups" | "transactions"> {
  return {
    offsets: {
      topicNumPartitions: readInt(source, "offsets.topic.num.partitions"),
      topicReplicationFactor: readInt(source, "offsets.topic.replication.factor"),
      topicSegmentBytes: readInt(source, "offsets.topic.segment.bytes"),
      retentionMs: readInt(source, "offsets.retention.minutes") * 60_000,
      retentionCheckIntervalMs: readLong(source, "offsets.retention.check.interval.ms"),
    },
    groups: {
      maxSize: readInt(source, "group.max.size"),
      minSessionTimeoutMs: readInt(source, "group.min.session.timeout.ms"),
      maxSessionTimeoutMs: readInt(source, "group.max.session.timeout.ms"),
      initialRebalanceDelayMs: readInt(source, "group.initial.rebalance.delay.ms"),
      rebalanceProtocols: readList(source, "group.coordinator.rebalance.protocols"),
      offsetMetadataMaxBytes: readInt(source, "offset.metadata.max.bytes"),
      consumerSessionTimeoutMs: readInt(source, "group.consumer.session.timeout.ms"),
      consumerHeartbeatIntervalMs: readInt(source, "group.consumer.heartbeat.interval.ms"),
      consumerMaxSize: readInt(source, "group.consumer.max.size"),
      consumerAssignors: readList(source, "group.consumer.assignors").map((name) =>
        name === KAFKA_ASSIGNOR_CLASSES.uniform
          ? "uniform"
          : name === KAFKA_ASSIGNOR_CLASSES.range
            ? "range"
            : name,
      ),
    },
    transactions: {
      stateLogNumPartitions: readInt(source, "transaction.state.log.num.partitions"),
      stateLogReplicationFactor: readInt(source, "transaction.state.log.replication.factor"),
      stateLogMinIsr: readInt(source, "transaction.state.log.min.isr"),
      stateLogSegmentBytes: readInt(source, "transaction.state.log.segment.bytes"),
      transactionalIdExpirationMs: readInt(source, "transactional.id.expiration.ms"),
      maxTimeoutMs: readInt(source, "transaction.max.timeout.ms"),
      producerIdExpirationMs: readInt(source, "producer.id.expiration.ms"),
    },
  };
}

function serverSettings(source: ValueSource) {
  return {
    nodeId: readInt(source, "node.id"),
    logDirs: readOptionalList(source, "log.dirs") ?? readList(source, "log.dir"),
    numPartitions: readInt(source, "num.partitions"),
    defaultReplicationFactor: readInt(source, "default.replication.factor"),
    autoCreateTopicsEnable: readBoolean(source, "auto.create.topics.enable"),
    deleteTopicEnable: readBoolean(source, "delete.topic.enable"),
    messageMaxBytes: readInt(source, "message.max.bytes"),
    socketRequestMaxBytes: readInt(source, "socket.request.max.bytes"),
    queuedMaxRequests: readInt(source, "queued.max.requests"),
    queuedMaxRequestBytes: readLong(source, "queued.max.request.bytes"),
    maxConnections: readInt(source, "max.connections"),
    connectionsMaxIdleMs: readLong(source, "connections.max.idle.ms"),
    fetchMaxBytes: readInt(source, "fetch.max.bytes"),
    maxIncrementalFetchSessionCacheSlots: readInt(source, "max.incremental.fetch.session.cache.slots"),
    logRetentionCheckIntervalMs: readLong(source, "log.retention.check.interval.ms"),
    logFlushOffsetCheckpointIntervalMs: readInt(source, "log.flush.offset.checkpoint.interval.ms"),
    logFlushSchedulerIntervalMs: readLong(source, "log.flush.scheduler.interval.ms"),
    cleaner: {
      enable: readBoolean(source, "log.cleaner.enable"),
      threads: readInt(source, "log.cleaner.threads"),
      dedupeBufferBytes: readLong(source, "log.cleaner.dedupe.buffer.size"),
      backoffMs: readLong(source, "log.cleaner.backoff.ms"),
    },
    fsyncBeforeAcksAll: readBoolean(source, "samsa.fsync.before.acks.all"),
  };
}

export type BuildResult = { ok: true; config: BrokerConfig } | { ok: false; problems: string[] };

/** The typed configuration, or every cross-key problem found. */
export function buildBrokerConfig(resolvedValues: ReadonlyMap<string, ResolvedConfigValue>): BuildResult {
  const values: Values = new Map(resolvedValues);
  for (const name of BROKER_KEYS.keys())
    if (!values.has(name)) throw new Error(`broker key ${name} was not resolved`);
  const problems: string[] = [];
  reconcileNodeId(values, problems);
  const source: ValueSource = { get: (name) => values.get(name)?.value ?? null };
  const roles = readList(source, "process.roles") as readonly ProcessRole[];
  const layout = layoutListeners(values, source, roles, problems);
  const topicValues = resolveTopicValues(values, {});
  checkTopicDefaults(values, topicValues, problems);
  checkCleaner(source, problems);
  checkConsumerGroups(source, problems);
  checkQueuedBytes(source, problems);
  const consoleEndpoint = parseHttpEndpoint(readString(source, "samsa.console.listener"));
  if (problems.length > 0 || !consoleEndpoint.ok) return { ok: false, problems };
  const server = serverSettings(source);
  return {
    ok: true,
    config: {
      ...server,
      ...coordinatorSettings(source),
      processRoles: roles,
      listeners: layout.listeners,
      brokerListeners: layout.brokerListeners,
      controllerListeners: layout.controllerListeners,
      advertisedListeners: layout.advertisedListeners,
      listenerSecurityProtocols: layout.protocols,
      controllerListenerNames: layout.controllerListenerNames,
      consoleListener: consoleEndpoint.value,
      topicDefaults: topicSettingsFrom(topicValues, server.fsyncBeforeAcksAll),
      values,
    },
  };
}
