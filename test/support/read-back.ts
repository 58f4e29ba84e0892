/**
 * Reading a partition back from offset 0 with Samsa's own codec (Fetch v12
 * over a raw connection) and decoding every record: the reference the
 * interop tests compare other clients' writes against.
 */
import { ApiKey } from "../../src/protocol/api-keys.ts";
import type { FetchResponse } from "../../src/protocol/messages/fetch-response.ts";
import { batchesIn } from "../../src/protocol/records/batch-iterator.ts";
import { decodeRecordBatch, recordTimestamp } from "../../src/protocol/records/record-batch.ts";
import { RawClient } from "./raw-client.ts";

export interface ReadRecord {
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  timestamp: number;
}

export async function fetchPartition(
  client: RawClient,
  topic: string,
  partition: number,
  fromOffset: number,
  maxWaitMs = 0,
): Promise<{ records: ReadRecord[]; highWatermark: number; errorCode: number }> {
  const response = await client.request<FetchResponse>(ApiKey.Fetch, 12, {
    replicaId: -1,
    maxWaitMs,
    minBytes: maxWaitMs > 0 ? 1 : 0,
    maxBytes: 64 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition,
            fetchOffset: BigInt(fromOffset),
            partitionMaxBytes: 32 << 20,
            logStartOffset: -1n,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  });
  const data = response.responses[0].partitions[0];
  const records: ReadRecord[] = [];
  const bytes = data.records ?? Buffer.alloc(0);
  for (const span of batchesIn(bytes)) {
    const batch = decodeRecordBatch(bytes.subarray(span.position, span.position + span.sizeBytes));
    for (const record of batch.records) {
      if (Number(record.offset) < fromOffset) continue;
      records.push({
        offset: Number(record.offset),
        key: record.key?.toString("utf8") ?? null,
        value: record.value?.toString("utf8") ?? null,
        headers: record.headers.map((h) => [h.key, h.value?.toString("utf8") ?? null]),
        timestamp: Number(recordTimestamp(batch, record)),
      });
    }
  }
  return { records, highWatermark: Number(data.highWatermark), errorCode: data.errorCode };
}

const READ_BACK_DEADLINE_MS = 15_000;
const LONG_POLL_MS = 500;

/**
 * Every record of the partitions, from offset 0. Producers with acks=0 get
 * no answer, so the records may still be arriving: until `expected` records
 * are in, reading long-polls (the broker's own Fetch wait) up to a deadline.
 */
export async function fetchAll(
  broker: { host: string; port: number },
  topic: string,
  partitions: number[],
  expected: number,
): Promise<Map<number, ReadRecord[]>> {
  const client = await RawClient.connect(broker.host, broker.port);
  const deadlineMs = Date.now() + READ_BACK_DEADLINE_MS;
  try {
    const out = new Map<number, ReadRecord[]>(partitions.map((p) => [p, []]));
    const total = (): number => [...out.values()].reduce((sum, list) => sum + list.length, 0);
    for (;;) {
      for (const partition of partitions) {
        const records = out.get(partition) as ReadRecord[];
        for (;;) {
          const next = records.length === 0 ? 0 : records[records.length - 1].offset + 1;
          const waitMs = total() < expected && Date.now() < deadlineMs ? LONG_POLL_MS : 0;
          const page = await fetchPartition(client, topic, partition, next, waitMs);
          if (page.errorCode !== 0)
            throw new Error(`fetch ${topic}-${partition} failed with error ${page.errorCode}`);
          records.push(...page.records);
          if (
            page.records.length === 0 ||
            records.length === 0 ||
            records[records.length - 1].offset + 1 >= page.highWatermark
          )
            break;
        }
      }
      if (total() >= expected) return out;
      if (Date.now() >= deadlineMs) throw new Error(`read ${total()} records, expected at least ${expected}`);
    }
  } finally {
    client.close();
  }
}
