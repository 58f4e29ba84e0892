/**
 * Hostile and broken input against a real broker process: every case gets
 * Kafka's error code or a clean close of that one connection, the broker
 * keeps serving everyone else, and data already written stays intact.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { ApiVersionsResponse } from "../../src/protocol/messages/api-versions-response.ts";
import type { MetadataResponse } from "../../src/protocol/messages/metadata-response.ts";
import type { ProduceResponse } from "../../src/protocol/messages/produce-response.ts";
import { encodeRecordBatch } from "../../src/protocol/records/record-batch.ts";
import { RawClient } from "../support/raw-client.ts";
import { fetchAll } from "../support/read-back.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

const MAX_REQUEST_BYTES = 1024 * 1024;
let samsa: SamsaProcess;

before(async () => {
  samsa = await startSamsa({
    overrides: {
      "socket.request.max.bytes": String(MAX_REQUEST_BYTES),
      "max.connections": "300",
      "connections.max.idle.ms": "2000",
      "message.max.bytes": "2000",
    },
  });
  const client = await RawClient.connect(samsa.host, samsa.port);
  // Metadata with auto-creation makes the topic.
  await client.request<MetadataResponse>(ApiKey.Metadata, 12, {
    topics: [{ name: "bad-input-data", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }],
    allowAutoTopicCreation: true,
    includeTopicAuthorizedOperations: false,
  });
  assert.equal((await produce(client, "bad-input-data", 0, ["kept-0", "kept-1"])).errorCode, ErrorCode.NONE);
  client.close();
});

after(async () => {
  await assertStillServing();
  const data = await fetchAll(samsa, "bad-input-data", [0], 2);
  assert.deepStrictEqual(
    data.get(0)?.map((r) => r.value),
    ["kept-0", "kept-1"],
    "data written before the abuse is intact",
  );
  await samsa.dispose();
});

function batch(values: string[]): Buffer {
  return encodeRecordBatch({
    records: values.map((v) => ({
      key: Buffer.from(v),
      value: Buffer.from(v),
      timestamp: BigInt(Date.now()),
    })),
  });
}

async function produce(
  client: RawClient,
  topic: string,
  partition: number,
  values: string[],
  records = batch(values),
) {
  const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return response.responses[0].partitionResponses[0];
}

async function assertStillServing(): Promise<void> {
  const client = await RawClient.connect(samsa.host, samsa.port);
  const response = await client.request<MetadataResponse>(ApiKey.Metadata, 12, {
    topics: null,
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  });
  assert.equal(response.brokers[0].port, samsa.port);
  client.close();
}

function rawSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: samsa.host, port: samsa.port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

function closedByBroker(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.on("error", () => undefined);
    socket.once("close", () => resolve());
  });
}

test("random bytes close that connection only", async () => {
  const socket = await rawSocket();
  socket.write(Buffer.from("0000000cdeadbeefdeadbeefdeadbeef", "hex"));
  await closedByBroker(socket);
  await assertStillServing();
});

for (const [name, size] of [
  ["negative", -5],
  ["absurd", 0x7fffffff],
  ["just over socket.request.max.bytes", MAX_REQUEST_BYTES + 1],
] as const) {
  test(`a ${name} frame length closes the connection before buffering`, async () => {
    const socket = await rawSocket();
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(size, 0);
    socket.write(prefix);
    await closedByBroker(socket);
    await assertStillServing();
  });
}

test("a truncated frame followed by a hang-up leaves the broker serving", async () => {
  const socket = await rawSocket();
  socket.write(Buffer.from("000000640012", "hex"));
  socket.destroy();
  await assertStillServing();
});

test("an unknown API key closes the connection", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  client.writeFrame(Buffer.from("7fff0000000000070000", "hex"));
  await client.closed;
});

test("ApiVersions of an unknown version is answered in v0 with UNSUPPORTED_VERSION", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  const response = await client
    .request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, {
      clientSoftwareName: "t",
      clientSoftwareVersion: "1",
    })
    .catch(() => null);
  assert.ok(response !== null && response.errorCode === ErrorCode.NONE, "v3 is served");
  // Hand-built v127 request: header v1 (the client doesn't know v127 is flexible), empty body.
  const v127 = await new Promise<Buffer>((resolve) => {
    const socket = connect({ host: samsa.host, port: samsa.port }, () =>
      socket.write(Buffer.from("0000000a0012007f0000002a0000", "hex")),
    );
    socket.once("data", (chunk: Buffer) => {
      resolve(chunk);
      socket.destroy();
    });
  });
  assert.equal(v127.readInt32BE(4), 42, "correlation id echoed");
  assert.equal(v127.readInt16BE(8), ErrorCode.UNSUPPORTED_VERSION);
  assert.equal(v127.readInt32BE(10), 1, "one API range: ApiVersions itself");
  assert.deepStrictEqual([v127.readInt16BE(14), v127.readInt16BE(16), v127.readInt16BE(18)], [18, 0, 5]);
  client.close();
});

test("an unsupported version of another API closes the connection", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  client.writeFrame(Buffer.from("0003006300000001ffff00", "hex"));
  await client.closed;
});

test("unknown topics and partitions get UNKNOWN_TOPIC_OR_PARTITION", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  const unknownTopic = await produce(client, "no-such-topic", 0, ["x"]);
  assert.equal(unknownTopic.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const unknownPartition = await produce(client, "bad-input-data", 99, ["x"]);
  assert.equal(unknownPartition.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  client.close();
});

test("an oversized batch gets MESSAGE_TOO_LARGE; a corrupt one CORRUPT_MESSAGE", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  const big = await produce(client, "bad-input-data", 0, ["x".repeat(5000)]);
  assert.equal(big.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  const corrupt = batch(["y"]);
  corrupt[corrupt.length - 1] ^= 0x55;
  const bad = await produce(client, "bad-input-data", 0, [], corrupt);
  assert.equal(bad.errorCode, ErrorCode.CORRUPT_MESSAGE);
  const two = Buffer.concat([batch(["a"]), batch(["b"])]);
  const twoBatches = await produce(client, "bad-input-data", 0, [], two);
  assert.equal(
    twoBatches.errorCode,
    ErrorCode.INVALID_RECORD,
    "Produce v3+ takes exactly one batch per partition",
  );
  client.close();
});

test("hundreds of half-open connections do not stop the broker serving", async () => {
  const sockets: Socket[] = [];
  for (let i = 0; i < 200; i++) {
    const socket = await rawSocket();
    socket.write(Buffer.from("00000040", "hex")); // a frame that never arrives
    sockets.push(socket);
  }
  await assertStillServing();
  for (const socket of sockets) socket.destroy();
});

test("connections beyond max.connections are closed at once", async () => {
  const sockets: Socket[] = [];
  for (let i = 0; i < 299; i++) sockets.push(await rawSocket());
  const extra = await rawSocket();
  await closedByBroker(extra);
  for (const socket of sockets) socket.destroy();
  await assertStillServing();
});

test("idle connections are closed after connections.max.idle.ms", async () => {
  const socket = await rawSocket();
  await closedByBroker(socket);
});

test("pipelined requests are answered in order", async () => {
  const client = await RawClient.connect(samsa.host, samsa.port);
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
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
    Array.from({ length: 200 }, (_, i) => i),
    "responses arrive in request order",
  );
  client.close();
});
