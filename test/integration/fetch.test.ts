/**
 * Fetch behaviour against a real broker process: long polls woken by
 * appends, minBytes and maxBytes, out-of-range offsets, and incremental
 * fetch sessions (KIP-227).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { FetchRequest } from "../../src/protocol/messages/fetch-request.ts";
import type { FetchResponse } from "../../src/protocol/messages/fetch-response.ts";
import type { ProduceResponse } from "../../src/protocol/messages/produce-response.ts";
import { encodeRecordBatch } from "../../src/protocol/records/record-batch.ts";
import { createTopicWith, RawClient } from "../support/raw-client.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

let samsa: SamsaProcess;
let client: RawClient;
const TOPIC = "fetching";

before(async () => {
  samsa = await startSamsa();
  client = await RawClient.connect(samsa.host, samsa.port);
  await createTopicWith(client, TOPIC, 3);
});

after(async () => {
  client.close();
  await samsa.dispose();
});

async function produce(partition: number, count: number, valueBytes = 10): Promise<void> {
  const records = encodeRecordBatch({
    records: Array.from({ length: count }, (_, i) => ({
      key: null,
      value: Buffer.alloc(valueBytes, i),
      timestamp: BigInt(Date.now()),
    })),
  });
  const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }],
  });
  assert.equal(response.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
}

function fetchRequest(
  partitions: { partition: number; offset: number }[],
  extra: Partial<FetchRequest> = {},
): FetchRequest {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics:
      partitions.length === 0
        ? []
        : [
            {
              topic: TOPIC,
              partitions: partitions.map((p) => ({
                partition: p.partition,
                fetchOffset: BigInt(p.offset),
                partitionMaxBytes: 1 << 20,
                logStartOffset: -1n,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            },
          ],
    forgottenTopicsData: [],
    rackId: "",
    ...extra,
  };
}

const fetch = (request: FetchRequest): Promise<FetchResponse> =>
  client.request<FetchResponse>(ApiKey.Fetch, 12, request);

test("a long poll returns as soon as data arrives, not at maxWaitMs", async () => {
  const other = await RawClient.connect(samsa.host, samsa.port);
  const started = Date.now();
  const waiting = other.request<FetchResponse>(
    ApiKey.Fetch,
    12,
    fetchRequest([{ partition: 0, offset: 0 }], { maxWaitMs: 20_000, minBytes: 1 }),
  );
  await produce(0, 3);
  const response = await waiting;
  assert.ok(Date.now() - started < 15_000, "woken by the append");
  assert.ok((response.responses[0].partitions[0].records?.length ?? 0) > 0);
  other.close();
});

test("with no data a long poll ends at maxWaitMs with empty records", async () => {
  const response = await fetch(fetchRequest([{ partition: 2, offset: 0 }], { maxWaitMs: 200, minBytes: 1 }));
  assert.equal(response.responses[0].partitions[0].records?.length, 0);
  assert.equal(response.responses[0].partitions[0].highWatermark, 0n);
});

test("an offset past the log end is OFFSET_OUT_OF_RANGE", async () => {
  const response = await fetch(fetchRequest([{ partition: 0, offset: 1_000 }]));
  assert.equal(response.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
});

test("maxBytes limits the response but the first batch always comes whole", async () => {
  await produce(1, 5, 2000);
  const response = await fetch(fetchRequest([{ partition: 1, offset: 0 }], { maxBytes: 100 }));
  const records = response.responses[0].partitions[0].records ?? Buffer.alloc(0);
  assert.ok(records.length > 10_000, "the one batch, larger than maxBytes, comes whole");
});

test("incremental fetch sessions send only partitions with news", async () => {
  // Start caught up: partition 0 at its end (3 records from the long-poll test), partition 2 empty.
  const full = await fetch(
    fetchRequest(
      [
        { partition: 0, offset: 3 },
        { partition: 2, offset: 0 },
      ],
      { sessionId: 0, sessionEpoch: 0 },
    ),
  );
  assert.ok(full.sessionId !== undefined && full.sessionId > 0, "a session was created");
  assert.equal(full.responses[0].partitions.length, 2);
  const sessionId = full.sessionId as number;
  const quiet = await fetch(fetchRequest([], { sessionId, sessionEpoch: 1 }));
  assert.equal(quiet.errorCode, ErrorCode.NONE);
  assert.equal(quiet.responses.length, 0, "nothing changed: no partitions in the response");
  await produce(2, 2);
  const news = await fetch(fetchRequest([], { sessionId, sessionEpoch: 2 }));
  assert.deepStrictEqual(
    news.responses[0].partitions.map((p) => p.partitionIndex),
    [2],
  );
  const stale = await fetch(fetchRequest([], { sessionId, sessionEpoch: 2 }));
  assert.equal(stale.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  const unknown = await fetch(fetchRequest([], { sessionId: 987654, sessionEpoch: 1 }));
  assert.equal(unknown.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  const closed = await fetch(fetchRequest([{ partition: 0, offset: 0 }], { sessionId, sessionEpoch: -1 }));
  assert.equal(closed.sessionId, 0, "epoch -1 closes the session");
  const gone = await fetch(fetchRequest([], { sessionId, sessionEpoch: 3 }));
  assert.equal(gone.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
});
