/**
 * OffsetCommit (key 8), v2–v10. Commits offsets for a group: generation and member checks for members, simple commits (generation -1) for an empty or unknown group.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 * v10 names topics by id: offset-topic-ids.ts turns them into names for the
 * coordinator and its answer back into ids, refusing unknown ids itself.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { OffsetCommitRequest } from "../../protocol/messages/offset-commit-request.ts";
import type { OffsetCommitResponse } from "../../protocol/messages/offset-commit-response.ts";
import { fitResponse, groupHandler } from "../group-handler.ts";
import type { Handler } from "../handler.ts";
import { commitResponse, planCommit, TOPIC_ID_MIN_VERSION } from "../offset-topic-ids.ts";

const byName = groupHandler<OffsetCommitRequest>(ApiKey.OffsetCommit, "offsetCommit", 2, 10);

export const offsetCommitHandler: Handler<OffsetCommitRequest> = {
  apiKey: byName.apiKey,
  minVersion: byName.minVersion,
  maxVersion: byName.maxVersion,
  async handle(context, request) {
    const { apiVersion, broker } = context;
    if (apiVersion < TOPIC_ID_MIN_VERSION) return byName.handle(context, request);
    const plan = planCommit(request, broker.topics);
    // Like Kafka, a request with nothing left for the coordinator is answered without it.
    const answered =
      plan.forCoordinator === null
        ? Promise.resolve(null)
        : (broker.groups.submit({
            kind: "offsetCommit",
            apiVersion,
            body: plan.forCoordinator,
          }) as Promise<OffsetCommitResponse>);
    return {
      later: answered.then((body) =>
        fitResponse(ApiKey.OffsetCommit, apiVersion, commitResponse(plan, body)),
      ),
    };
  },
};
