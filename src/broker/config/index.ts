/**
 * The broker's configuration layer: Kafka's broker and topic keys, loading
 * (properties file, SAMSA_* environment, --override flags), topic config
 * validation and resolution, DescribeConfigs entries. See NOTES.md.
 */
export type {
  BrokerConfig,
  CleanerSettings,
  GroupSettings,
  OffsetsSettings,
  ProcessRole,
  ResolvedConfigValue,
  TransactionSettings,
} from "./broker-config.ts";
export { BROKER_KEY_LIST, BROKER_KEYS } from "./broker-keys.ts";
export type {
  BrokerKeyDef,
  BrokerSynonym,
  ConfigKeyDef,
  Importance,
  TopicKeyDef,
  UpdateMode,
} from "./config-def.ts";
export type { ConfigOrigin } from "./config-origin.ts";
export {
  type DescribedConfig,
  type DescribedSynonym,
  type DescribeOptions,
  describeBrokerConfig,
  describeTopicConfig,
} from "./describe-configs.ts";
export { ConfigSource, ConfigType } from "./describe-enums.ts";
export { envNameToKey, keyToEnvName } from "./env.ts";
export type { CompressionTypeName } from "./kafka-values.ts";
export { formatListener, type HttpEndpoint, type Listener, type SecurityProtocol } from "./listeners.ts";
export {
  BrokerConfigError,
  type LoadBrokerConfigOptions,
  type LoadedBrokerConfig,
  loadBrokerConfig,
} from "./load-broker-config.ts";
export { type PropertiesEntry, PropertiesSyntaxError, parseProperties } from "./properties.ts";
export { effectiveTopicConfig, type TopicOverrides, validateTopicConfigs } from "./topic-config.ts";
export { TOPIC_KEY_LIST, TOPIC_KEYS } from "./topic-keys.ts";
export type { TopicSettings } from "./topic-settings.ts";
