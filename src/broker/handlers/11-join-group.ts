/**
 * JoinGroup (key 11), v0–v9: the classic protocol's join, with member ids
 * assigned by the coordinator (KIP-394: v4+ first get MEMBER_ID_REQUIRED),
 * static membership (group.instance.id), and the answer held until the
 * rebalance completes. The coordinator (coordinator/group) decides; see
 * group-runtime.ts for how its records become durable first.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { JoinGroupRequest } from "../../protocol/messages/join-group-request.ts";
import { fitResponse } from "../group-handler.ts";
import type { Handler } from "../handler.ts";

export const joinGroupHandler: Handler<JoinGroupRequest> = {
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(context, request) {
    const clientHost = `/${context.clientAddress.slice(0, context.clientAddress.lastIndexOf(":"))}`;
    return {
      later: context.broker.groups
        .submit({
          kind: "joinGroup",
          apiVersion: context.apiVersion,
          clientId: context.header.clientId ?? "",
          clientHost,
          body: request,
        })
        .then((body) => fitResponse(ApiKey.JoinGroup, context.apiVersion, body)),
    };
  },
};
