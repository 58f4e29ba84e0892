/**
 * DescribeConfigs (key 32), v1–v4 (Kafka 4 dropped v0). Per resource, as
 * Kafka's ConfigHelper answers it:
 * - TOPIC: every topic key with its value, source (TOPIC_CONFIG for an
 *   override, else the broker synonym's or DEFAULT_CONFIG), synonyms with
 *   `includeSynonyms`, type and documentation (v3+, `includeDocumentation`).
 *   A bad name is INVALID_TOPIC_EXCEPTION, an unknown topic
 *   UNKNOWN_TOPIC_OR_PARTITION (no message, as Kafka).
 * - BROKER named by this node's id: every broker key, `readOnly` from
 *   Kafka's update mode, sensitive values null. The empty name is the
 *   cluster-wide dynamic default, which Samsa never has: an empty list.
 *   Another id or a non-integer is INVALID_REQUEST.
 * - BROKER_LOGGER named by this node's id: the root logger's level (source
 *   DYNAMIC_BROKER_LOGGER_CONFIG); the empty name or another id is INVALID_REQUEST.
 * `configurationKeys` null or empty means every key; unknown keys are left out.
 * Skipped: GROUP and CLIENT_METRICS resources (Samsa has no group or
 * client-metrics configs yet) and unknown types answer INVALID_REQUEST for
 * that resource only, where Kafka fails the whole request for an unknown type.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type {
  DescribeConfigsRequest,
  DescribeConfigsResource,
} from "../../protocol/messages/describe-configs-request.ts";
import type {
  DescribeConfigsResourceResult,
  DescribeConfigsResponse,
  DescribeConfigsResult,
} from "../../protocol/messages/describe-configs-response.ts";
import type { Broker } from "../broker.ts";
import {
  ConfigSource,
  ConfigType,
  type DescribedConfig,
  type DescribeOptions,
  describeBrokerConfig,
  describeTopicConfig,
} from "../config/index.ts";
import {
  ConfigResourceType,
  failure,
  loggerLevels,
  parseNodeId,
  type ResourceOutcome,
  resourceTypeName,
} from "../config-admin.ts";
import type { Handler } from "../handler.ts";
import { topicNameError } from "../topic-names.ts";

type Entries = DescribeConfigsResourceResult[];

function toWire(entry: DescribedConfig): DescribeConfigsResourceResult {
  return {
    name: entry.name,
    value: entry.value,
    readOnly: entry.readOnly,
    configSource: entry.source,
    isSensitive: entry.isSensitive,
    synonyms: entry.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
    configType: entry.configType,
    documentation: entry.documentation,
  };
}

function noConfig(): ResourceOutcome {
  return failure(
    ErrorCode.UNKNOWN_SERVER_ERROR,
    "This broker was started without a configuration to describe.",
  );
}

function describeTopic(broker: Broker, name: string, options: DescribeOptions): Entries | ResourceOutcome {
  const nameError = topicNameError(name);
  if (nameError !== null) return failure(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
  const topic = broker.topics.get(name);
  if (topic === undefined) return failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
  const config = broker.settings.config;
  if (config === undefined) return noConfig();
  return describeTopicConfig(config, topic.configs, options).map(toWire);
}

function describeBroker(broker: Broker, name: string, options: DescribeOptions): Entries | ResourceOutcome {
  // The cluster-wide default resource lists dynamic defaults only, and Samsa has none.
  if (name === "") return [];
  const id = parseNodeId(name);
  if (id === null)
    return failure(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  const nodeId = broker.identity.nodeId;
  if (id !== nodeId) {
    return failure(
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}`,
    );
  }
  const config = broker.settings.config;
  if (config === undefined) return noConfig();
  return describeBrokerConfig(config, options).map(toWire);
}

function describeLoggers(broker: Broker, name: string, names: readonly string[]): Entries | ResourceOutcome {
  if (name === "") return failure(ErrorCode.INVALID_REQUEST, "Broker id must not be empty");
  const id = parseNodeId(name);
  if (id === null)
    return failure(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  const nodeId = broker.identity.nodeId;
  if (id !== nodeId)
    return failure(
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${nodeId} but received ${name}`,
    );
  return [...loggerLevels(broker)]
    .filter(([logger]) => names.length === 0 || names.includes(logger))
    .map(([logger, level]) => ({
      name: logger,
      value: level,
      readOnly: false,
      configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
      isSensitive: false,
      synonyms: [],
      configType: ConfigType.UNKNOWN,
      documentation: null,
    }));
}

function describeResource(
  broker: Broker,
  resource: DescribeConfigsResource,
  options: DescribeOptions,
): Entries | ResourceOutcome {
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC:
      return describeTopic(broker, name, options);
    case ConfigResourceType.BROKER:
      return describeBroker(broker, name, options);
    case ConfigResourceType.BROKER_LOGGER:
      return describeLoggers(broker, name, options.names ?? []);
    default:
      return failure(
        ErrorCode.INVALID_REQUEST,
        `Unsupported resource type: ${resourceTypeName(resource.resourceType)}`,
      );
  }
}

export const describeConfigsHandler: Handler<DescribeConfigsRequest> = {
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 1,
  maxVersion: 4,
  async handle(context, request): Promise<DescribeConfigsResponse> {
    const { broker } = context;
    const results: DescribeConfigsResult[] = request.resources.map((resource) => {
      const options: DescribeOptions = {
        names: resource.configurationKeys ?? null,
        includeSynonyms: request.includeSynonyms ?? false,
        includeDocumentation: request.includeDocumentation ?? false,
      };
      const described = describeResource(broker, resource, options);
      const ok = Array.isArray(described);
      return {
        errorCode: ok ? ErrorCode.NONE : described.errorCode,
        errorMessage: ok ? null : described.errorMessage,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        configs: ok ? described : [],
      };
    });
    return { throttleTimeMs: 0, results };
  },
};
