/**
 * OffsetFetch (key 9), v1–v10. Committed offsets of one group (v0–v7) or several (v8+); -1 where nothing is committed.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 * v10 names topics by id: offset-topic-ids.ts turns them into names for the
 * coordinator and its answer back into ids, refusing unknown ids itself.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { OffsetFetchRequest } from "../../protocol/messages/offset-fetch-request.ts";
import type { OffsetFetchResponse } from "../../protocol/messages/offset-fetch-response.ts";
import { fitResponse, groupHandler } from "../group-handler.ts";
import type { Handler } from "../handler.ts";
import { fetchResponse, planFetch, TOPIC_ID_MIN_VERSION } from "../offset-topic-ids.ts";

const byName = groupHandler<OffsetFetchRequest>(ApiKey.OffsetFetch, "offsetFetch", 1, 10);

export const offsetFetchHandler: Handler<OffsetFetchRequest> = {
  apiKey: byName.apiKey,
  minVersion: byName.minVersion,
  maxVersion: byName.maxVersion,
  async handle(context, request) {
    const { apiVersion, broker } = context;
    if (apiVersion < TOPIC_ID_MIN_VERSION) return byName.handle(context, request);
    const plan = planFetch(request, broker.topics);
    const answered = broker.groups.submit({
      kind: "offsetFetch",
      apiVersion,
      body: plan.forCoordinator,
    }) as Promise<OffsetFetchResponse>;
    return {
      later: answered.then((body) =>
        fitResponse(ApiKey.OffsetFetch, apiVersion, fetchResponse(plan, body, broker.topics)),
      ),
    };
  },
};
