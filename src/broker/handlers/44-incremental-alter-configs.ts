/**
 * IncrementalAlterConfigs (key 44), v0–v1: per key SET, DELETE (back to
 * the default), APPEND or SUBTRACT (list keys such as cleanup.policy; the
 * starting list is the override, else the topic key's built-in default, as
 * in Kafka). Checked per resource in Kafka's order: a resource named twice
 * (both copies INVALID_REQUEST), duplicate keys, null values (except for
 * DELETE), then by type:
 * - TOPIC: an unknown operation is INVALID_REQUEST; APPEND/SUBTRACT on a
 *   key that is not a list is INVALID_CONFIG; then as AlterConfigs: name,
 *   the whole resulting set validated (INVALID_CONFIG), the topic must
 *   exist (UNKNOWN_TOPIC_OR_PARTITION), a durable write, and the live logs
 *   take the change at once. One bad key fails its resource and changes nothing.
 * - BROKER (empty name or this node's id): Samsa has no dynamic broker
 *   configs yet, so a change that would leave any key set is refused as
 *   Kafka refuses keys that cannot change at run time: INVALID_REQUEST
 *   "Cannot update these configs dynamically: Set(...)". DELETEs alone
 *   succeed (there is nothing to delete).
 * - BROKER_LOGGER (this node's id): SET of the "root" logger's level
 *   (TRACE, DEBUG, INFO, WARN, ERROR, FATAL), in memory only, as Kafka.
 * `validateOnly` runs every check and changes nothing.
 * Skipped: GROUP and CLIENT_METRICS resources (INVALID_REQUEST); unknown
 * types are INVALID_REQUEST "Unknown resource type", as in Kafka.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type {
  AlterConfigsResource,
  IncrementalAlterConfigsRequest,
} from "../../protocol/messages/incremental-alter-configs-request.ts";
import type { IncrementalAlterConfigsResponse } from "../../protocol/messages/incremental-alter-configs-response.ts";
import type { Broker } from "../broker.ts";
import { TOPIC_KEYS } from "../config/index.ts";
import {
  alterBrokerNameError,
  alterLoggers,
  applyIncrementalChanges,
  ConfigResourceType,
  changeListError,
  duplicateResourceCheck,
  failure,
  incrementalBrokerChange,
  type ResourceOutcome,
  replaceTopicConfigs,
  resourceTypeName,
  SUCCESS,
} from "../config-admin.ts";
import type { Handler } from "../handler.ts";

function topicKeyInfo(name: string): { isList: boolean; defaultValue: string | null } {
  const def = TOPIC_KEYS.get(name);
  return { isList: def?.type === "list", defaultValue: def?.default ?? null };
}

async function alterResource(
  broker: Broker,
  resource: AlterConfigsResource,
  validateOnly: boolean,
): Promise<ResourceOutcome> {
  const changes = resource.configs;
  const listError = changeListError(changes);
  if (listError !== null) return listError;
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      // Read and replace with no await in between, so concurrent requests never lose a change.
      const current = broker.topics.get(name)?.configs ?? {};
      const next = applyIncrementalChanges(current, changes, topicKeyInfo);
      if ("problem" in next) return next.problem;
      return replaceTopicConfigs(broker, name, next.configs, validateOnly);
    }
    case ConfigResourceType.BROKER:
      return alterBrokerNameError(broker, name) ?? incrementalBrokerChange(changes) ?? SUCCESS;
    case ConfigResourceType.BROKER_LOGGER:
      return alterLoggers(broker, resource, changes, validateOnly);
    case ConfigResourceType.GROUP:
    case ConfigResourceType.CLIENT_METRICS:
      return failure(
        ErrorCode.INVALID_REQUEST,
        `Unsupported resource type: ${resourceTypeName(resource.resourceType)}`,
      );
    default:
      return failure(ErrorCode.INVALID_REQUEST, `Unknown resource type ${resource.resourceType}`);
  }
}

export const incrementalAlterConfigsHandler: Handler<IncrementalAlterConfigsRequest> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(context, request): Promise<IncrementalAlterConfigsResponse> {
    const { broker } = context;
    const duplicate = duplicateResourceCheck(request.resources);
    const responses: IncrementalAlterConfigsResponse["responses"] = [];
    for (const resource of request.resources) {
      const outcome = duplicate(resource) ?? (await alterResource(broker, resource, request.validateOnly));
      responses.push({
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
      });
    }
    return { throttleTimeMs: 0, responses };
  },
};
