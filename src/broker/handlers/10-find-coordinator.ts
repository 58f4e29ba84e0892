/**
 * FindCoordinator (key 10), v0–v6: for groups, this node (creating
 * `__consumer_offsets` on first use); batched keys from v4. Transaction
 * and share-group coordinators don't exist here yet: rather than
 * COORDINATOR_NOT_AVAILABLE, which clients retry forever, they get
 * INVALID_REQUEST with a message that says so.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { FindCoordinatorRequest } from "../../protocol/messages/find-coordinator-request.ts";
import type {
  Coordinator,
  FindCoordinatorResponse,
} from "../../protocol/messages/find-coordinator-response.ts";
import type { Broker } from "../broker.ts";
import type { Handler } from "../handler.ts";

const GROUP_KEY_TYPE = 0;

async function coordinatorFor(broker: Broker, key: string, keyType: number): Promise<Coordinator> {
  if (keyType !== GROUP_KEY_TYPE) {
    return {
      key,
      nodeId: -1,
      host: "",
      port: -1,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage:
        "Only group coordinators are available on this broker; transactions are not supported yet.",
    };
  }
  await broker.groups.ensureOffsetsTopic();
  const endpoint = broker.advertisedEndpoint();
  return {
    key,
    nodeId: broker.identity.nodeId,
    host: endpoint.host,
    port: endpoint.port,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
  };
}

export const findCoordinatorHandler: Handler<FindCoordinatorRequest> = {
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(context, request): Promise<FindCoordinatorResponse> {
    const { broker, apiVersion } = context;
    const keyType = request.keyType ?? GROUP_KEY_TYPE;
    if (apiVersion >= 4) {
      const coordinators: Coordinator[] = [];
      for (const key of request.coordinatorKeys ?? [])
        coordinators.push(await coordinatorFor(broker, key, keyType));
      return { throttleTimeMs: 0, coordinators };
    }
    const found = await coordinatorFor(broker, request.key ?? "", keyType);
    return {
      throttleTimeMs: 0,
      errorCode: found.errorCode,
      errorMessage: apiVersion >= 1 ? found.errorMessage : undefined,
      nodeId: found.nodeId,
      host: found.host,
      port: found.port,
    };
  },
};
