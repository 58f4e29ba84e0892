/**
 * Fetch (key 1), v4–v18, for consumers (replica fetches come with the
 * cluster). Topics by name, or by id from v13. Per partition: leader-epoch
 * fencing, OFFSET_OUT_OF_RANGE outside [log start, log end], reads up to the
 * high watermark (read_uncommitted) or the last stable offset
 * (read_committed), with Kafka's byte budgeting (see fetch-reader.ts).
 *
 * If fewer than `minBytes` are ready, the request waits in the purgatory —
 * woken by appends to its partitions — until `maxWaitMs` runs out.
 * Incremental fetch sessions (KIP-227, v7+) are in fetch-sessions.ts.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { FetchRequest } from "../../protocol/messages/fetch-request.ts";
import type { FetchableTopicResponse, FetchResponse } from "../../protocol/messages/fetch-response.ts";
import type { Broker } from "../broker.ts";
import { hasNewData, readPartitions } from "../fetch-reader.ts";
import { type FetchSessionOutcome, resolveFetchSession } from "../fetch-sessions.ts";
import type { Handler } from "../handler.ts";
import { partitionKey } from "../replica-manager.ts";

const MAX_WAIT_CAP_MS = 5 * 60 * 1000;

function responseOf(
  outcome: FetchSessionOutcome,
  reads: Awaited<ReturnType<typeof readPartitions>>,
  byId: boolean,
): FetchResponse {
  const topics: FetchableTopicResponse[] = [];
  outcome.fetches.forEach((fetch, i) => {
    const read = reads[i];
    if (!outcome.include(fetch, read.data)) return;
    let topic = topics.at(-1);
    if (topic === undefined || topic.topic !== fetch.topic || topic.topicId !== fetch.topicId) {
      topic = { topic: byId ? "" : fetch.topic, topicId: fetch.topicId, partitions: [] };
      topics.push(topic);
    }
    topic.partitions.push(read.data);
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: outcome.sessionId, responses: topics };
}

async function fetchWithWait(
  broker: Broker,
  request: FetchRequest,
  outcome: FetchSessionOutcome,
  byId: boolean,
) {
  const replicas = broker.replicas;
  const isolationLevel = request.isolationLevel ?? 0;
  // fetch.max.bytes caps what any one response may carry, whatever the client asks.
  const maxBytes = Math.min(request.maxBytes ?? 0x7fffffff, broker.settings.fetchMaxBytes);
  const fetches = outcome.fetches;
  const deadlineMs = Date.now() + Math.min(Math.max(request.maxWaitMs, 0), MAX_WAIT_CAP_MS);
  let reads = await readPartitions(replicas, fetches, maxBytes, isolationLevel);
  const keys = fetches.filter((f) => f.partition !== null).map((f) => partitionKey(f.topic, f.index));
  for (;;) {
    const bytes = reads.reduce((sum, read) => sum + read.bytes, 0);
    const anyError = reads.some((read) => read.data.errorCode !== ErrorCode.NONE);
    const remainingMs = deadlineMs - Date.now();
    if (bytes >= request.minBytes || anyError || remainingMs <= 0 || keys.length === 0) break;
    await replicas.purgatory.wait(keys, remainingMs, () => hasNewData(replicas, fetches, isolationLevel));
    reads = await readPartitions(replicas, fetches, maxBytes, isolationLevel);
    if (Date.now() >= deadlineMs) break;
  }
  outcome.recordSent(reads.map((read) => read.data));
  return responseOf(outcome, reads, byId);
}

export const fetchHandler: Handler<FetchRequest> = {
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 18,
  async handle(context, request) {
    const { broker, apiVersion } = context;
    const byId = apiVersion >= 13;
    const outcome = resolveFetchSession(broker, request, apiVersion);
    if (outcome.errorCode !== ErrorCode.NONE) {
      const failed: FetchResponse = {
        throttleTimeMs: 0,
        errorCode: outcome.errorCode,
        sessionId: 0,
        responses: [],
      };
      return failed;
    }
    return { later: fetchWithWait(broker, request, outcome, byId) };
  },
};
