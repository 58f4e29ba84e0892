/**
 * The shared shape of the group APIs' handlers: each hands its decoded
 * request to the group runtime and answers when the coordinator does
 * (a JoinGroup may wait for a whole rebalance; the connection meanwhile
 * takes its next requests).
 */

import { responseCodec } from "../protocol/codec.ts";
import { fitToVersion } from "../protocol/fit-to-version.ts";
import type { GroupRequest } from "./group-runtime.ts";
import type { Handler } from "./handler.ts";

/** The coordinator answers without regard to version; fit the answer to the one asked for. */
export function fitResponse(apiKey: number, version: number, body: object): object {
  const codec = responseCodec(apiKey);
  return codec === undefined ? body : fitToVersion(codec.schema.fields, version, body);
}

type SimpleKind = Exclude<GroupRequest["kind"], "joinGroup">;

export function groupHandler<Request>(
  apiKey: number,
  kind: SimpleKind,
  minVersion: number,
  maxVersion: number,
): Handler<Request> {
  return {
    apiKey,
    minVersion,
    maxVersion,
    async handle(context, request) {
      const submitted = { kind, apiVersion: context.apiVersion, body: request } as GroupRequest;
      return {
        later: context.broker.groups
          .submit(submitted)
          .then((body) => fitResponse(apiKey, context.apiVersion, body)),
      };
    },
  };
}
