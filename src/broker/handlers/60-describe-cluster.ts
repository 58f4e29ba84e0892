/**
 * DescribeCluster (key 60), v0–v2: this node as the only broker and the
 * controller. Endpoint type 1 (brokers) is the only one served; asking for
 * controllers (2) gets UNSUPPORTED_ENDPOINT_TYPE, as a broker does in Kafka.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { DescribeClusterRequest } from "../../protocol/messages/describe-cluster-request.ts";
import type { DescribeClusterResponse } from "../../protocol/messages/describe-cluster-response.ts";
import type { Handler } from "../handler.ts";
import { AUTHORIZED_OPERATIONS_OMITTED } from "./03-metadata.ts";

const BROKERS_ENDPOINT = 1;
/** ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, CREATE, DESCRIBE_TOKENS. */
const ALL_CLUSTER_OPERATIONS = [7, 8, 9, 10, 11, 12, 5, 15].reduce((bits, op) => bits | (1 << op), 0);

export const describeClusterHandler: Handler<DescribeClusterRequest> = {
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 2,
  async handle(context, request): Promise<DescribeClusterResponse> {
    const { broker, apiVersion } = context;
    const endpointType = request.endpointType ?? BROKERS_ENDPOINT;
    const operations = request.includeClusterAuthorizedOperations
      ? ALL_CLUSTER_OPERATIONS
      : AUTHORIZED_OPERATIONS_OMITTED;
    const base = {
      throttleTimeMs: 0,
      endpointType: apiVersion >= 1 ? endpointType : undefined,
      clusterId: broker.identity.clusterId,
      controllerId: broker.identity.nodeId,
      clusterAuthorizedOperations: operations,
    };
    if (endpointType !== BROKERS_ENDPOINT) {
      return {
        ...base,
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: "Only broker endpoints are served.",
        brokers: [],
      };
    }
    const endpoint = broker.advertisedEndpoint();
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      brokers: [
        {
          brokerId: broker.identity.nodeId,
          host: endpoint.host,
          port: endpoint.port,
          rack: null,
          isFenced: false,
        },
      ],
    };
  },
};
