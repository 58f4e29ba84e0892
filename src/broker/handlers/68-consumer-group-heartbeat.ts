/**
 * ConsumerGroupHeartbeat (key 68), v0–v1: the consumer group protocol
 * (KIP-848) — joins, heartbeats, subscription changes and leaves, with the
 * assignment computed by the coordinator's server-side assignors and handed
 * out one reconciliation step at a time. The coordinator (coordinator/group)
 * decides; see group-runtime.ts for how its records become durable first.
 * Not advertised when `group.coordinator.rebalance.protocols` lacks `consumer`.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { ConsumerGroupHeartbeatRequest } from "../../protocol/messages/consumer-group-heartbeat-request.ts";
import { fitResponse } from "../group-handler.ts";
import type { Handler } from "../handler.ts";

export const consumerGroupHeartbeatHandler: Handler<ConsumerGroupHeartbeatRequest> = {
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(context, request) {
    const clientHost = `/${context.clientAddress.slice(0, context.clientAddress.lastIndexOf(":"))}`;
    return {
      later: context.broker.groups
        .submit({
          kind: "consumerGroupHeartbeat",
          apiVersion: context.apiVersion,
          clientId: context.header.clientId ?? "",
          clientHost,
          body: request,
        })
        .then((body) => fitResponse(ApiKey.ConsumerGroupHeartbeat, context.apiVersion, body)),
    };
  },
};
