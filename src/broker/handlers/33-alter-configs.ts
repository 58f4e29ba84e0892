/**
 * AlterConfigs (key 33), v0–v2: the legacy form, which replaces the whole
 * set of a resource's overrides with the entries given (a key left out goes
 * back to its default). Checked per resource in Kafka's order: a resource
 * named twice (both copies INVALID_REQUEST), duplicate keys, null values,
 * then by type:
 * - TOPIC: the empty name is INVALID_REQUEST, a bad name
 *   INVALID_TOPIC_EXCEPTION, the resulting overrides are validated
 *   (INVALID_CONFIG with the first problem), then the topic must exist
 *   (UNKNOWN_TOPIC_OR_PARTITION); the change is written durably and the
 *   live logs take it at once.
 * - BROKER (empty name or this node's id): Samsa has no dynamic broker
 *   configs yet, so any key is refused as Kafka refuses a key that cannot
 *   change at run time: INVALID_REQUEST "Cannot update these configs
 *   dynamically: Set(...)". An empty list succeeds (nothing to change).
 * `validateOnly` runs every check and changes nothing.
 * Skipped: GROUP and CLIENT_METRICS resources (INVALID_REQUEST); like Kafka,
 * BROKER_LOGGER and unknown types are INVALID_REQUEST "Unknown resource type".
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type {
  AlterConfigsRequest,
  AlterConfigsResource,
} from "../../protocol/messages/alter-configs-request.ts";
import type { AlterConfigsResponse } from "../../protocol/messages/alter-configs-response.ts";
import type { Broker } from "../broker.ts";
import {
  AlterConfigOp,
  alterBrokerNameError,
  type ConfigChange,
  ConfigResourceType,
  changeListError,
  duplicateResourceCheck,
  failure,
  type ResourceOutcome,
  refuseBrokerChange,
  replaceTopicConfigs,
  resourceTypeName,
  SUCCESS,
} from "../config-admin.ts";
import type { Handler } from "../handler.ts";

async function alterResource(
  broker: Broker,
  resource: AlterConfigsResource,
  validateOnly: boolean,
): Promise<ResourceOutcome> {
  const changes: ConfigChange[] = resource.configs.map((c) => ({
    name: c.name,
    configOperation: AlterConfigOp.SET,
    value: c.value ?? null,
  }));
  const listError = changeListError(changes);
  if (listError !== null) return listError;
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const overrides = Object.fromEntries(changes.map((c) => [c.name, c.value ?? ""]));
      return replaceTopicConfigs(broker, name, overrides, validateOnly);
    }
    case ConfigResourceType.BROKER:
      return alterBrokerNameError(broker, name) ?? refuseBrokerChange(changes.map((c) => c.name)) ?? SUCCESS;
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

export const alterConfigsHandler: Handler<AlterConfigsRequest> = {
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(context, request): Promise<AlterConfigsResponse> {
    const { broker } = context;
    const duplicate = duplicateResourceCheck(request.resources);
    const responses: AlterConfigsResponse["responses"] = [];
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
