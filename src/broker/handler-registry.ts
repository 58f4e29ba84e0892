/**
 * The API keys and versions this broker serves, built from the handler
 * files. ApiVersions answers from here and nowhere else.
 */
import assert from "node:assert/strict";
import { ApiKey, apiInfo } from "../protocol/api-keys.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { ApiVersion, ApiVersionsResponse } from "../protocol/messages/api-versions-response.ts";
import type { Handler } from "./handler.ts";

export class HandlerRegistry {
  private readonly byKey = new Map<number, Handler>();

  constructor(handlers: readonly Handler[]) {
    for (const handler of handlers) {
      assert.ok(!this.byKey.has(handler.apiKey), `two handlers for API key ${handler.apiKey}`);
      const info = apiInfo(handler.apiKey);
      assert.ok(info !== undefined, `handler for unknown API key ${handler.apiKey}`);
      assert.ok(handler.minVersion <= handler.maxVersion, `empty version range for ${info.name}`);
      assert.ok(
        handler.maxVersion <= info.validVersions[1],
        `${info.name} v${handler.maxVersion} has no codec`,
      );
      this.byKey.set(handler.apiKey, handler);
    }
  }

  supports(apiKey: number, version: number): boolean {
    const handler = this.byKey.get(apiKey);
    return handler !== undefined && version >= handler.minVersion && version <= handler.maxVersion;
  }

  handlerFor(apiKey: number, version: number): Handler | undefined {
    return this.supports(apiKey, version) ? this.byKey.get(apiKey) : undefined;
  }

  /** The advertised ranges, in API-key order. */
  apiVersions(): ApiVersion[] {
    return [...this.byKey.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }

  /**
   * The v0 answer to an ApiVersions request of a version we don't serve:
   * UNSUPPORTED_VERSION, with only the ApiVersions range, as Kafka answers.
   */
  unsupportedApiVersionsResponse(): ApiVersionsResponse {
    const own = this.byKey.get(ApiKey.ApiVersions);
    assert.ok(own !== undefined, "ApiVersions must be registered");
    return {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: own.apiKey, minVersion: own.minVersion, maxVersion: own.maxVersion }],
    };
  }
}
