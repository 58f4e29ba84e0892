/**
 * Restarts of a real broker process: data survives a clean stop (and needs
 * no recovery), and a SIGKILL in the middle of acks=all load loses no
 * acknowledged record.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { MetadataResponse } from "../../src/protocol/messages/metadata-response.ts";
import type { ProduceResponse } from "../../src/protocol/messages/produce-response.ts";
import { encodeRecordBatch } from "../../src/protocol/records/record-batch.ts";
import { createTopic, RawClient } from "../support/raw-client.ts";
import { fetchAll } from "../support/read-back.ts";
import { startSamsa } from "../support/samsa-process.ts";

const TOPIC = "restarts";

async function produceOne(client: RawClient, partition: number, value: string): Promise<number> {
  const records = encodeRecordBatch({
    records: [{ key: Buffer.from(value), value: Buffer.from(value), timestamp: BigInt(Date.now()) }],
  });
  const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }],
  });
  const answer = response.responses[0].partitionResponses[0];
  assert.equal(answer.errorCode, ErrorCode.NONE);
  return Number(answer.baseOffset);
}

test("a clean stop keeps every record, and the restart recovers nothing", async () => {
  const first = await startSamsa();
  await createTopic(first, TOPIC, 2);
  const client = await RawClient.connect(first.host, first.port);
  for (let i = 0; i < 50; i++) await produceOne(client, i % 2, `clean-${i}`);
  client.close();
  assert.equal(await first.stop(), 0, "clean exit");
  const second = await startSamsa({ dataDir: first.dataDir });
  try {
    const loaded = second.logs.find((l) => l.msg === "logs loaded");
    assert.deepStrictEqual([loaded?.cleanShutdown, loaded?.recoveredSegments], [true, 0]);
    const read = await fetchAll(second, TOPIC, [0, 1], 50);
    assert.equal(read.get(0)?.length, 25);
    assert.equal(read.get(1)?.length, 25);
    const meta = await RawClient.connect(second.host, second.port);
    const response = await meta.request<MetadataResponse>(ApiKey.Metadata, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    assert.equal(response.topics.find((t) => t.name === TOPIC)?.partitions.length, 2, "topics survive too");
    meta.close();
  } finally {
    await second.dispose();
  }
});

for (let round = 1; round <= 3; round++) {
  test(`SIGKILL under acks=all load loses no acknowledged record (round ${round})`, async () => {
    const first = await startSamsa();
    await createTopic(first, TOPIC, 1);
    const acknowledged = new Map<string, number>();
    const target = 200 * round;
    let reachedTarget: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      reachedTarget = resolve;
    });
    const writers = Array.from({ length: 4 }, async (_, w) => {
      const client = await RawClient.connect(first.host, first.port);
      for (let i = 0; ; i++) {
        const value = `w${w}-${i}`;
        try {
          acknowledged.set(value, await produceOne(client, 0, value));
          if (acknowledged.size >= target) reachedTarget();
        } catch {
          return; // the broker died mid-request: that record was never acknowledged
        }
      }
    });
    await reached;
    await first.kill();
    await Promise.all(writers);
    const second = await startSamsa({ dataDir: first.dataDir });
    try {
      const read = await fetchAll(second, TOPIC, [0], acknowledged.size);
      const stored = new Map((read.get(0) ?? []).map((r) => [r.value, r.offset]));
      for (const [value, offset] of acknowledged)
        assert.equal(stored.get(value), offset, `${value} acknowledged at ${offset}`);
    } finally {
      await second.dispose();
    }
  });
}
