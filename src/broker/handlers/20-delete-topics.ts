/**
 * DeleteTopics (key 20), v1–v6: by name (v0–v5) or by name or id (v6+).
 * Unknown names give UNKNOWN_TOPIC_OR_PARTITION, unknown ids
 * UNKNOWN_TOPIC_ID; `delete.topic.enable=false` gives TOPIC_DELETION_DISABLED.
 * The partitions' directories are renamed away before removal, so a crash
 * midway never brings a deleted topic back.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { DeleteTopicsRequest } from "../../protocol/messages/delete-topics-request.ts";
import type {
  DeletableTopicResult,
  DeleteTopicsResponse,
} from "../../protocol/messages/delete-topics-response.ts";
import { ZERO_UUID } from "../../protocol/primitives.ts";
import type { Handler } from "../handler.ts";
import { deleteTopic } from "../topic-admin.ts";

export const deleteTopicsHandler: Handler<DeleteTopicsRequest> = {
  apiKey: ApiKey.DeleteTopics,
  minVersion: 1,
  maxVersion: 6,
  async handle(context, request): Promise<DeleteTopicsResponse> {
    const { broker, apiVersion } = context;
    const wanted =
      apiVersion >= 6
        ? (request.topics ?? []).map((t) => ({ name: t.name ?? null, topicId: t.topicId ?? ZERO_UUID }))
        : (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
    const responses: DeletableTopicResult[] = [];
    for (const entry of wanted) {
      const byId = entry.name === null ? broker.topics.getById(entry.topicId) : undefined;
      const name = entry.name ?? byId?.name ?? null;
      if (name === null) {
        responses.push({
          name: null,
          topicId: entry.topicId,
          errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage: null,
        });
        continue;
      }
      const topicId = broker.topics.get(name)?.topicId ?? entry.topicId;
      const outcome = await deleteTopic(broker, name);
      responses.push({ name, topicId, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage });
    }
    return { throttleTimeMs: 0, responses };
  },
};
