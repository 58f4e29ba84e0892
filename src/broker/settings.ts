/**
 * From Kafka-keyed configuration (config/) to what the broker core needs.
 * Everything the core reads goes through BrokerSettings, so tests can build
 * a broker without a properties file.
 */

import { cleanerConfig } from "../storage/compaction/cleaner-config.ts";
import type { BrokerSettings } from "./broker.ts";
import {
  type BrokerConfig,
  effectiveTopicConfig,
  loadBrokerConfig,
  validateTopicConfigs,
} from "./config/index.ts";

/** Samsa's cap on request bytes held per connection when `queued.max.request.bytes` is unset. */
const DEFAULT_IN_FLIGHT_BYTES_PER_CONNECTION = 100 * 1024 * 1024;

/** SAMSA_* variables that are not configuration keys (read elsewhere). */
const NON_CONFIG_ENV: readonly string[] = ["SAMSA_LOG_LEVEL"];

export function settingsFromConfig(config: BrokerConfig): BrokerSettings {
  const listener = config.brokerListeners[0] ?? config.listeners[0];
  const advertised = config.advertisedListeners.find((l) => l.name === listener.name) ?? null;
  return {
    config,
    nodeId: config.nodeId,
    listener: { host: listener.host === "" ? "0.0.0.0" : listener.host, port: listener.port },
    advertisedListener: advertised === null ? undefined : { host: advertised.host, port: advertised.port },
    logDirs: config.logDirs,
    numPartitions: config.numPartitions,
    autoCreateTopicsEnable: config.autoCreateTopicsEnable,
    deleteTopicEnable: config.deleteTopicEnable,
    messageMaxBytes: config.messageMaxBytes,
    socketRequestMaxBytes: config.socketRequestMaxBytes,
    queuedMaxRequests: config.queuedMaxRequests,
    maxConnections: config.maxConnections,
    connectionsMaxIdleMs: config.connectionsMaxIdleMs,
    maxInFlightBytesPerConnection:
      config.queuedMaxRequestBytes > 0
        ? config.queuedMaxRequestBytes
        : DEFAULT_IN_FLIGHT_BYTES_PER_CONNECTION,
    logRetentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    logFlushOffsetCheckpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs,
    fetchMaxBytes: config.fetchMaxBytes,
    fetchSessionCacheSlots: config.maxIncrementalFetchSessionCacheSlots,
    groups: {
      coordinator: {
        minSessionTimeoutMs: config.groups.minSessionTimeoutMs,
        maxSessionTimeoutMs: config.groups.maxSessionTimeoutMs,
        initialRebalanceDelayMs: config.groups.initialRebalanceDelayMs,
        groupMaxSize: config.groups.maxSize,
        consumerProtocolEnabled: config.groups.rebalanceProtocols.includes("consumer"),
        offsetMetadataMaxBytes: config.groups.offsetMetadataMaxBytes,
        consumerSessionTimeoutMs: config.groups.consumerSessionTimeoutMs,
        consumerHeartbeatIntervalMs: config.groups.consumerHeartbeatIntervalMs,
        consumerMaxSize: config.groups.consumerMaxSize,
        consumerAssignors: config.groups.consumerAssignors,
        offsetsRetentionMs: config.offsets.retentionMs,
        offsetsRetentionCheckIntervalMs: config.offsets.retentionCheckIntervalMs,
      },
      offsetsTopicPartitions: config.offsets.topicNumPartitions,
      offsetsTopicSegmentBytes: config.offsets.topicSegmentBytes,
    },
    cleaner: config.cleaner.enable
      ? cleanerConfig({
          dedupeBufferBytes: config.cleaner.dedupeBufferBytes,
          backoffMs: config.cleaner.backoffMs,
        })
      : null,
    validateTopicConfigs: (configs) => validateTopicConfigs(configs, config),
    topicLogConfig: (configs) => effectiveTopicConfig(config, configs).logConfig,
  };
}

export interface SettingsSources {
  propertiesText?: string;
  overrides: readonly string[];
  env: NodeJS.ProcessEnv;
}

export function brokerSettingsFromArgs(sources: SettingsSources): {
  settings: BrokerSettings;
  warnings: readonly string[];
} {
  const { config, warnings } = loadBrokerConfig({
    propertiesText: sources.propertiesText,
    overrides: [...sources.overrides],
    env: sources.env,
    nonConfigEnv: [...NON_CONFIG_ENV],
  });
  return { settings: settingsFromConfig(config), warnings };
}
