/**
 * Produce (key 0), v3–v13. Like Kafka 4, v0–v2 are advertised (older
 * librdkafka needs to see them, KAFKA-18659) but refused: there is no codec
 * for them, so such a request closes the connection. Topics by name, or
 * by id from v13. Each partition's batch is validated (produce-validation),
 * then appended; a per-partition error never fails the others.
 *
 * Ordering and durability: every partition's append is started before the
 * first await, so appends keep request order; the handler returns once the
 * batches are written, and the response waits for what acks asks:
 * acks=1 answers after the write, acks=-1 after the group-committed fsync
 * (`samsa.fsync.before.acks.all`), acks=0 never answers — and, as in
 * Kafka, a failed acks=0 request closes the connection so the producer
 * notices.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { PartitionProduceData, ProduceRequest } from "../../protocol/messages/produce-request.ts";
import type {
  PartitionProduceResponse,
  ProduceResponse,
  TopicProduceResponse,
} from "../../protocol/messages/produce-response.ts";
import type { StagedAppend } from "../../storage/log.ts";
import { StorageError } from "../../storage/storage-error.ts";
import type { Broker } from "../broker.ts";
import { CloseConnection, type Handler } from "../handler.ts";
import { validateProducedRecords } from "../produce-validation.ts";
import { partitionKey } from "../replica-manager.ts";

type Outcome = PartitionProduceResponse | Promise<StagedAppend>;

function failed(
  index: number,
  errorCode: number,
  errorMessage: string | null,
  recordErrors = [],
): PartitionProduceResponse {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors,
    errorMessage,
  };
}

function startAppend(
  broker: Broker,
  topicName: string | undefined,
  data: PartitionProduceData,
  request: ProduceRequest,
  nowMs: number,
): Outcome {
  const topic = topicName === undefined ? undefined : broker.topics.get(topicName);
  const partition = topic === undefined ? undefined : broker.replicas.get(topic.name, data.index);
  if (topic === undefined || partition === undefined) {
    return failed(
      data.index,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      "This server does not host this topic-partition.",
    );
  }
  const records = data.records ?? null;
  if (records === null || records.length === 0)
    return failed(data.index, ErrorCode.CORRUPT_MESSAGE, "No records.");
  const config = partition.log.config;
  const window = { beforeMaxMs: Number.MAX_SAFE_INTEGER, afterMaxMs: Number.MAX_SAFE_INTEGER };
  const problem = validateProducedRecords(records, config, request.transactionalId ?? null, window, nowMs);
  if (problem !== null) {
    return {
      ...failed(data.index, problem.errorCode, problem.message),
      recordErrors: problem.recordErrors ?? [],
    };
  }
  return partition.log.stageAppend(records, {
    leaderEpoch: partition.leaderEpoch,
    durability: request.acks === -1 ? "acks-all" : "none",
  });
}

async function settle(
  broker: Broker,
  topic: string,
  index: number,
  outcome: Outcome,
): Promise<PartitionProduceResponse> {
  if (!(outcome instanceof Promise)) return outcome;
  try {
    const staged = await outcome;
    broker.logger.debug(
      {
        topic,
        partition: index,
        firstOffset: staged.result.firstOffset,
        lastOffset: staged.result.lastOffset,
      },
      "appended",
    );
    broker.replicas.purgatory.notify(partitionKey(topic, index));
    await staged.durable;
    const { result } = staged;
    return {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset: BigInt(result.firstOffset),
      logAppendTimeMs: BigInt(result.logAppendTimeMs),
      logStartOffset: BigInt(result.logStartOffset),
      recordErrors: [],
      errorMessage: null,
    };
  } catch (error) {
    if (error instanceof StorageError) return failed(index, error.errorCode, error.message);
    throw error;
  }
}

export const produceHandler: Handler<ProduceRequest> = {
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 13,
  async handle(context, request) {
    const { broker, apiVersion } = context;
    const byId = apiVersion >= 13;
    const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const nowMs = Date.now();
    const topics = request.topicData.map((data) => {
      const name = byId ? broker.topics.getById(data.topicId ?? "")?.name : data.name;
      const outcomes = data.partitionData.map((partition): Outcome => {
        if (!validAcks)
          return failed(
            partition.index,
            ErrorCode.INVALID_REQUIRED_ACKS,
            `acks=${request.acks} is not 0, 1 or -1.`,
          );
        if (byId && name === undefined)
          return failed(partition.index, ErrorCode.UNKNOWN_TOPIC_ID, "Unknown topic id.");
        return startAppend(broker, name, partition, request, nowMs);
      });
      return { data, name, outcomes };
    });
    const written = Promise.all(
      topics.map(
        async ({ data, name, outcomes }): Promise<TopicProduceResponse> => ({
          name: byId ? "" : (data.name ?? ""),
          topicId: byId ? (data.topicId ?? "") : undefined,
          partitionResponses: await Promise.all(
            outcomes.map((outcome, i) => settle(broker, name ?? "", data.partitionData[i].index, outcome)),
          ),
        }),
      ),
    );
    if (request.acks === 0) {
      const responses = await written;
      const failure = responses
        .flatMap((t) => t.partitionResponses)
        .find((p) => p.errorCode !== ErrorCode.NONE);
      if (failure !== undefined)
        throw new CloseConnection(`acks=0 produce failed with error ${failure.errorCode}`);
      return null;
    }
    // Wait only until every append is written (ordering); the response itself waits for durability.
    await Promise.all(
      topics.flatMap((t) => t.outcomes).map((o) => (o instanceof Promise ? o.catch(() => undefined) : o)),
    );
    const response = written.then((responses): ProduceResponse => ({ responses, throttleTimeMs: 0 }));
    return { later: response };
  },
};
