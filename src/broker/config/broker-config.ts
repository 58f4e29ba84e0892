/**
 * The broker's configuration once loaded: typed fields for what the broker
 * acts on (durations in ms, sizes in bytes, lists as arrays, listeners
 * parsed), and every key's resolved value with where it came from, which
 * DescribeConfigs reports.
 */
import type { ConfigOrigin } from "./config-origin.ts";
import type { HttpEndpoint, Listener, SecurityProtocol } from "./listeners.ts";
import type { ConfigTypeName, ParsedValue } from "./parse-value.ts";
import type { TopicSettings } from "./topic-settings.ts";

export interface ResolvedConfigValue {
  readonly name: string;
  readonly type: ConfigTypeName;
  readonly origin: ConfigOrigin;
  /** Where an explicit value was set (file line, variable name, flag); null for defaults. */
  readonly location: string | null;
  /** The text as given, or the default's text; null when unset. */
  readonly raw: string | null;
  readonly value: ParsedValue;
  /** Kafka's text for the parsed value (trimmed, lists comma-joined); null when unset. */
  readonly text: string | null;
}

export type ProcessRole = "broker" | "controller";

export interface CleanerSettings {
  readonly enable: boolean;
  readonly threads: number;
  readonly dedupeBufferBytes: number;
  readonly backoffMs: number;
}

export interface OffsetsSettings {
  readonly topicNumPartitions: number;
  readonly topicReplicationFactor: number;
  readonly topicSegmentBytes: number;
  /** offsets.retention.minutes, in ms. */
  readonly retentionMs: number;
  readonly retentionCheckIntervalMs: number;
}

export interface GroupSettings {
  readonly maxSize: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly initialRebalanceDelayMs: number;
  readonly rebalanceProtocols: readonly string[];
  readonly offsetMetadataMaxBytes: number;
  readonly consumerSessionTimeoutMs: number;
  readonly consumerHeartbeatIntervalMs: number;
  readonly consumerMaxSize: number;
  /** Short names (uniform, range), the default first. */
  readonly consumerAssignors: readonly string[];
}

export interface TransactionSettings {
  readonly stateLogNumPartitions: number;
  readonly stateLogReplicationFactor: number;
  readonly stateLogMinIsr: number;
  readonly stateLogSegmentBytes: number;
  readonly transactionalIdExpirationMs: number;
  readonly maxTimeoutMs: number;
  readonly producerIdExpirationMs: number;
}

export interface BrokerConfig {
  readonly nodeId: number;
  readonly processRoles: readonly ProcessRole[];
  /** Every listener the node binds, in the order given. */
  readonly listeners: readonly Listener[];
  /** The listeners clients use: all but the controller listeners. */
  readonly brokerListeners: readonly Listener[];
  readonly controllerListeners: readonly Listener[];
  /** What clients are told (advertised.listeners, else the broker listeners), controller listeners left out. */
  readonly advertisedListeners: readonly Listener[];
  /** Listener name -> security protocol, as Kafka resolves it (controller listeners mapped to PLAINTEXT by default). */
  readonly listenerSecurityProtocols: ReadonlyMap<string, SecurityProtocol>;
  readonly controllerListenerNames: readonly string[];
  /** log.dirs, or log.dir when log.dirs is unset. */
  readonly logDirs: readonly string[];
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly deleteTopicEnable: boolean;
  readonly messageMaxBytes: number;
  readonly socketRequestMaxBytes: number;
  readonly queuedMaxRequests: number;
  /** Bytes of queued requests before reading pauses; -1 (or any value <= 0) for no limit. */
  readonly queuedMaxRequestBytes: number;
  readonly maxConnections: number;
  /** Negative: idle connections are never closed. */
  readonly connectionsMaxIdleMs: number;
  readonly fetchMaxBytes: number;
  readonly maxIncrementalFetchSessionCacheSlots: number;
  readonly logRetentionCheckIntervalMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly cleaner: CleanerSettings;
  readonly offsets: OffsetsSettings;
  readonly groups: GroupSettings;
  readonly transactions: TransactionSettings;
  readonly fsyncBeforeAcksAll: boolean;
  /** Where the web console listens; null when turned off. */
  readonly consoleListener: HttpEndpoint | null;
  /** The settings of a topic with no overrides (broker defaults, synonyms resolved). */
  readonly topicDefaults: TopicSettings;
  /** Every broker key Samsa knows, resolved, by name. */
  readonly values: ReadonlyMap<string, ResolvedConfigValue>;
}
