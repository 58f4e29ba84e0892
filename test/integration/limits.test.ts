/**
 * The per-connection bounds, exceeded on purpose: more pipelined requests
 * than `queued.max.requests`, and more request bytes than
 * `queued.max.request.bytes`. Reading pauses (TCP back-pressure) and
 * resumes as answers go out; nothing is dropped, reordered or refused.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { MetadataResponse } from "../../src/protocol/messages/metadata-response.ts";
import type { ProduceResponse } from "../../src/protocol/messages/produce-response.ts";
import { encodeRecordBatch } from "../../src/protocol/records/record-batch.ts";
import { createTopicWith, RawClient } from "../support/raw-client.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

let samsa: SamsaProcess;

before(async () => {
  samsa = await startSamsa({
    overrides: {
      "queued.max.requests": "2",
      "queued.max.request.bytes": "4096",
      "socket.request.max.bytes": "4096",
    },
  });
});

after(async () => {
  await samsa.dispose();
});

test("more pipelined requests than queued.max.requests are all answered, in order", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      client
        .request<MetadataResponse>(ApiKey.Metadata, 12, {
          topics: [],
          allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false,
        })
        .then(() => order.push(i)),
    ),
  );
  assert.deepStrictEqual(
    order,
    Array.from({ length: 100 }, (_, i) => i),
  );
  client.close();
});

test("more request bytes in flight than queued.max.request.bytes: back-pressure, every produce lands", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  await createTopicWith(client, "limits", 1);
  const value = Buffer.alloc(3000, 7);
  const offsets = await Promise.all(
    Array.from({ length: 40 }, async () => {
      const records = encodeRecordBatch({ records: [{ key: null, value, timestamp: BigInt(Date.now()) }] });
      const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: "limits", partitionData: [{ index: 0, records }] }],
      });
      const answer = response.responses[0].partitionResponses[0];
      assert.equal(answer.errorCode, ErrorCode.NONE);
      return Number(answer.baseOffset);
    }),
  );
  assert.deepStrictEqual(
    offsets,
    Array.from({ length: 40 }, (_, i) => i),
    "in order, none lost",
  );
  client.close();
});
