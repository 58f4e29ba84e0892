/**
 * InitProducerId (key 22), v0–v5, for idempotent producers: a fresh
 * producer id (never reused, even across restarts; see producer-ids.ts)
 * with epoch 0. A producer that passes its current id and epoch (v3+, after
 * an epoch exhaustion or an unknown-producer reset) gets a new id too.
 * Transactional ids need the transaction coordinator, which this broker does
 * not run yet: those requests get UNSUPPORTED_VERSION, which clients report
 * as "transactions are not supported" rather than retrying forever.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { InitProducerIdRequest } from "../../protocol/messages/init-producer-id-request.ts";
import type { InitProducerIdResponse } from "../../protocol/messages/init-producer-id-response.ts";
import type { Handler } from "../handler.ts";

export const initProducerIdHandler: Handler<InitProducerIdRequest> = {
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(context, request): Promise<InitProducerIdResponse> {
    if (request.transactionalId !== null && request.transactionalId !== undefined) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        producerId: -1n,
        producerEpoch: -1,
      };
    }
    const producerId = await context.broker.producerIds.allocate();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
  },
};
