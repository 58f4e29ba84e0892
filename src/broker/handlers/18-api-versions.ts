/**
 * ApiVersions (key 18), v0–v5. Answers from the handler registry only, so
 * what is advertised is exactly what is served. An ApiVersions request of a
 * version we don't serve never reaches this handler: the connection answers
 * it in v0 with UNSUPPORTED_VERSION (see connection.ts), as Kafka does.
 * Features: none advertised yet; clients then use their defaults.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { ApiVersionsRequest } from "../../protocol/messages/api-versions-request.ts";
import type { ApiVersionsResponse } from "../../protocol/messages/api-versions-response.ts";
import type { Handler } from "../handler.ts";

export const apiVersionsHandler: Handler<ApiVersionsRequest> = {
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 5,
  async handle(context): Promise<ApiVersionsResponse> {
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: context.broker.registry.apiVersions(),
      throttleTimeMs: 0,
    };
  },
};
