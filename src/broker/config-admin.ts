/**
 * What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share:
 * Kafka's resource types and operations, the per-resource checks Kafka's
 * brokers make before a change goes to the controller (ConfigAdminManager:
 * duplicate resources and keys, null values, the broker resource's name),
 * the controller's checks and effect for a topic (ConfigurationControlManager:
 * validate the whole resulting set of overrides, then that the topic exists,
 * then persist), and the runtime log level as the BROKER_LOGGER resource.
 *
 * A topic's new overrides are written to the topic store first, then handed
 * to its live logs, so retention, segment size, max.message.bytes, cleanup
 * policy and timestamp type change without a restart.
 *
 * Samsa has no dynamic broker configs yet: any change to a BROKER resource
 * is refused with Kafka's answer for a key that cannot change at run time.
 */
import { ErrorCode } from "../protocol/errors.ts";
import type { Broker } from "./broker.ts";
import { BROKER_KEYS } from "./config/index.ts";
import type { TopicRecord } from "./metadata/topic-store.ts";
import { topicNameError } from "./topic-names.ts";

/** Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = Object.freeze({
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const);

/** Kafka's AlterConfigOp.OpType ids (IncrementalAlterConfigs). */
export const AlterConfigOp = Object.freeze({ SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const);

const OP_NAMES = ["SET", "DELETE", "APPEND", "SUBTRACT"] as const;

export interface ResourceOutcome {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export const SUCCESS: ResourceOutcome = Object.freeze({ errorCode: ErrorCode.NONE, errorMessage: null });

export function failure(errorCode: number, errorMessage: string | null): ResourceOutcome {
  return { errorCode, errorMessage };
}

export interface ConfigResourceRef {
  readonly resourceType: number;
  readonly resourceName: string;
}

/** One change in an IncrementalAlterConfigs resource (AlterConfigs' entries are SETs). */
export interface ConfigChange {
  readonly name: string;
  readonly configOperation: number;
  readonly value?: string | null;
}

export function resourceTypeName(resourceType: number): string {
  const entry = Object.entries(ConfigResourceType).find(([, id]) => id === resourceType);
  return entry === undefined ? "UNKNOWN" : entry[0];
}

function resourceKey(resource: ConfigResourceRef): string {
  return `${resource.resourceType}/${resource.resourceName}`;
}

/**
 * Kafka answers every copy of a resource named twice in one alter request
 * with INVALID_REQUEST; this says which resources those are.
 */
export function duplicateResourceCheck(
  resources: readonly ConfigResourceRef[],
): (resource: ConfigResourceRef) => ResourceOutcome | null {
  const counts = new Map<string, number>();
  for (const resource of resources) {
    const key = resourceKey(resource);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return (resource) =>
    (counts.get(resourceKey(resource)) ?? 0) > 1
      ? failure(ErrorCode.INVALID_REQUEST, "Each resource must appear at most once.")
      : null;
}

/** Duplicate keys, then null values (allowed only for DELETE), as Kafka's broker checks them first. */
export function changeListError(changes: readonly ConfigChange[]): ResourceOutcome | null {
  if (new Set(changes.map((c) => c.name)).size !== changes.length)
    return failure(ErrorCode.INVALID_REQUEST, "Error due to duplicate config keys");
  const nulls = changes
    .filter((c) => c.configOperation !== AlterConfigOp.DELETE && (c.value ?? null) === null)
    .map((c) => c.name);
  if (nulls.length > 0)
    return failure(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(", ")}`);
  return null;
}

/** A node id as Java's Integer.parseInt reads it, or null. */
export function parseNodeId(name: string): number | null {
  if (!/^[+-]?\d{1,10}$/.test(name)) return null;
  const id = Number(name);
  return id >= -(2 ** 31) && id < 2 ** 31 ? id : null;
}

/** The broker resource of an alter request: empty (the cluster default) or this node's id. */
export function alterBrokerNameError(broker: Broker, name: string): ResourceOutcome | null {
  if (name === "") return null;
  const id = parseNodeId(name);
  if (id === null)
    return failure(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`);
  const nodeId = broker.identity.nodeId;
  if (id !== nodeId)
    return failure(
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${nodeId}, but received ${name}`,
    );
  return null;
}

/**
 * Kafka's refusal of broker keys that cannot change at run time. Samsa
 * changes none at run time yet, so every key set by the request is refused.
 */
export function refuseBrokerChange(keys: readonly string[]): ResourceOutcome | null {
  if (keys.length === 0) return null;
  const message = `Cannot update these configs dynamically: Set(${keys.join(", ")})`;
  const dynamicInKafka = keys.some((key) => {
    const def = BROKER_KEYS.get(key);
    return def !== undefined && def.updateMode !== "read-only";
  });
  return failure(
    ErrorCode.INVALID_REQUEST,
    dynamicInKafka
      ? `${message}. Samsa does not support dynamic broker configs yet: set them in server.properties and restart.`
      : message,
  );
}

/** The keys an incremental change would leave set on a broker resource that has no dynamic configs. */
export function incrementalBrokerChange(changes: readonly ConfigChange[]): ResourceOutcome | null {
  const props = new Set<string>();
  for (const change of changes) {
    const op = change.configOperation;
    if (op === AlterConfigOp.SET) props.add(change.name);
    else if (op === AlterConfigOp.DELETE) props.delete(change.name);
    else if (op === AlterConfigOp.APPEND || op === AlterConfigOp.SUBTRACT) {
      const def = BROKER_KEYS.get(change.name);
      if (def === undefined) return failure(ErrorCode.INVALID_CONFIG, `Unknown config name: ${change.name}`);
      if (def.type !== "list") {
        const verb = op === AlterConfigOp.APPEND ? "append" : "subtract";
        return failure(
          ErrorCode.INVALID_CONFIG,
          `Config value ${verb} is not allowed for config key: ${change.name}`,
        );
      }
      props.add(change.name);
    } else {
      return failure(ErrorCode.INVALID_REQUEST, `Unknown operations type ${op}`);
    }
  }
  return refuseBrokerChange([...props]);
}

function listParts(value: string | null): string[] {
  return value === null ? [] : value.split(",").filter((part) => part !== "");
}

/**
 * A topic's overrides after incremental changes, as Kafka's controller
 * computes them: APPEND and SUBTRACT work on list keys only, starting from
 * the override or else the topic key's built-in default (not the broker's).
 */
export function applyIncrementalChanges(
  current: Readonly<Record<string, string>>,
  changes: readonly ConfigChange[],
  keyInfo: (name: string) => { isList: boolean; defaultValue: string | null },
): { configs: Record<string, string> } | { problem: ResourceOutcome } {
  const next: Record<string, string> = { ...current };
  for (const change of changes) {
    const op = change.configOperation;
    if (op === AlterConfigOp.SET) {
      next[change.name] = change.value ?? "";
    } else if (op === AlterConfigOp.DELETE) {
      delete next[change.name];
    } else if (op === AlterConfigOp.APPEND || op === AlterConfigOp.SUBTRACT) {
      const info = keyInfo(change.name);
      if (!info.isList) {
        const message = `Can't ${OP_NAMES[op]} to key ${change.name} because its type is not LIST.`;
        return { problem: failure(ErrorCode.INVALID_CONFIG, message) };
      }
      const parts = listParts(next[change.name] ?? info.defaultValue);
      const operands = (change.value ?? "").split(",");
      const result =
        op === AlterConfigOp.APPEND
          ? [...parts, ...operands.filter((v, i) => !parts.includes(v) && operands.indexOf(v) === i)]
          : parts.filter((v) => !operands.includes(v));
      next[change.name] = result.join(",");
    } else {
      return { problem: failure(ErrorCode.INVALID_REQUEST, `Unknown operations type ${op}`) };
    }
  }
  return { configs: next };
}

function sameConfigs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/** Hands every open partition of `topic` the settings its current overrides give. */
export function applyTopicConfigs(broker: Broker, topic: TopicRecord): void {
  const config = broker.settings.topicLogConfig({ ...topic.configs });
  for (let index = 0; index < topic.partitions; index++)
    broker.replicas.get(topic.name, index)?.log.updateConfig(config);
}

/**
 * Replaces a topic's overrides: the checks of Kafka's controller in its
 * order (name, the whole resulting set, existence), then, unless
 * `validateOnly`, the durable write and the live logs.
 */
export async function replaceTopicConfigs(
  broker: Broker,
  name: string,
  overrides: Record<string, string>,
  validateOnly: boolean,
): Promise<ResourceOutcome> {
  if (name === "") return failure(ErrorCode.INVALID_REQUEST, "Default topic resources are not allowed.");
  const nameError = topicNameError(name);
  if (nameError !== null) return failure(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
  const firstBad = Object.values(broker.settings.validateTopicConfigs(overrides))[0];
  if (firstBad !== undefined) return failure(ErrorCode.INVALID_CONFIG, firstBad);
  const topic = broker.topics.get(name);
  if (topic === undefined)
    return failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
  if (validateOnly || sameConfigs(topic.configs, overrides)) return SUCCESS;
  await broker.topics.update(name, { configs: overrides });
  // Another request may have changed or deleted the topic meanwhile: the logs get the latest state.
  const latest = broker.topics.get(name);
  if (latest !== undefined) applyTopicConfigs(broker, latest);
  broker.logger.info({ topic: name, configs: overrides }, "topic configs altered");
  return SUCCESS;
}

/** Kafka's log levels (LogLevelConfig.VALID_LOG_LEVELS), and pino's name for each. */
const LOG_LEVELS: Readonly<Record<string, string>> = Object.freeze({
  TRACE: "trace",
  DEBUG: "debug",
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
  FATAL: "fatal",
});
const VALID_LOG_LEVELS = Object.keys(LOG_LEVELS).sort().join(", ");

/** Samsa has one logger, log4j's "root" in Kafka's terms. */
export const ROOT_LOGGER = "root";

/** The loggers and their levels, as DescribeConfigs reports a BROKER_LOGGER resource. */
export function loggerLevels(broker: Broker): Map<string, string> {
  const level = broker.logger.level;
  return new Map([[ROOT_LOGGER, level === "silent" ? "OFF" : level.toUpperCase()]]);
}

function loggerChangeError(change: ConfigChange): ResourceOutcome | null {
  const op = change.configOperation;
  if (op === AlterConfigOp.APPEND || op === AlterConfigOp.SUBTRACT) {
    return failure(
      ErrorCode.INVALID_REQUEST,
      `${OP_NAMES[op]} operation is not allowed for the BROKER_LOGGER resource`,
    );
  }
  if (op !== AlterConfigOp.SET && op !== AlterConfigOp.DELETE) {
    return failure(
      ErrorCode.INVALID_REQUEST,
      `Unknown operation type ${op} is not allowed for the BROKER_LOGGER resource`,
    );
  }
  if (change.name !== ROOT_LOGGER)
    return failure(ErrorCode.INVALID_CONFIG, `Logger ${change.name} does not exist!`);
  if (op === AlterConfigOp.DELETE)
    return failure(ErrorCode.INVALID_REQUEST, "Removing the log level of the root logger is not allowed");
  const level = change.value ?? "";
  if (LOG_LEVELS[level] === undefined) {
    return failure(
      ErrorCode.INVALID_CONFIG,
      `Cannot set the log level of ${change.name} to ${level} as it is not a supported log level. Valid log levels are ${VALID_LOG_LEVELS}`,
    );
  }
  return null;
}

/**
 * IncrementalAlterConfigs on BROKER_LOGGER (Kafka's RuntimeLoggerManager):
 * the resource must name this node; every change is checked before any is
 * made; levels change in memory only and do not survive a restart.
 */
export function alterLoggers(
  broker: Broker,
  resource: ConfigResourceRef,
  changes: readonly ConfigChange[],
  validateOnly: boolean,
): ResourceOutcome {
  const name = resource.resourceName;
  const id = parseNodeId(name);
  if (id === null)
    return failure(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`);
  const nodeId = broker.identity.nodeId;
  if (id !== nodeId)
    return failure(ErrorCode.INVALID_REQUEST, `Unexpected node id. Expected ${nodeId}, but received ${name}`);
  for (const change of changes) {
    const problem = loggerChangeError(change);
    if (problem !== null) return problem;
  }
  if (validateOnly) return SUCCESS;
  for (const change of changes) {
    broker.logger.level = LOG_LEVELS[change.value ?? ""];
    broker.logger.warn({ logger: change.name, level: change.value }, "log level updated");
  }
  return SUCCESS;
}
