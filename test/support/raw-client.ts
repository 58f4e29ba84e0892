/**
 * A minimal Kafka protocol client over one socket, built on Samsa's codec:
 * for tests that need exact requests (bad input, version edges, reading
 * back what another client produced) without a full client library.
 */
import { connect, type Socket } from "node:net";
import { ApiKey, apiInfo } from "../../src/protocol/api-keys.ts";
import { decodeResponseFrame, encodeRequestFrame } from "../../src/protocol/codec.ts";

export class RawClient {
  private buffer = Buffer.alloc(0);
  private nextCorrelationId = 1;
  private readonly waiting = new Map<
    number,
    { apiKey: number; version: number; resolve: (body: unknown) => void; reject: (e: Error) => void }
  >();
  private closedError: Error | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.closedError = new Error("connection closed");
        for (const waiter of this.waiting.values()) waiter.reject(this.closedError);
        this.waiting.clear();
        resolve();
      });
    });
    socket.on("error", () => undefined);
  }

  static connect(host: string, port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) return;
      const frame = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const waiter = this.waiting.get(correlationId);
      if (waiter === undefined) continue;
      this.waiting.delete(correlationId);
      try {
        waiter.resolve(decodeResponseFrame(waiter.apiKey, waiter.version, frame).body);
      } catch (error) {
        waiter.reject(error as Error);
      }
    }
  }

  /** Sends a request and resolves with the decoded response body. */
  request<T>(apiKey: number, version: number, body: object, responseVersion = version): Promise<T> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequestFrame(
      { apiKey, apiVersion: version, correlationId, clientId: "samsa-test" },
      body,
    ).toBuffer();
    const promise = new Promise<T>((resolve, reject) => {
      this.waiting.set(correlationId, {
        apiKey,
        version: responseVersion,
        resolve: resolve as (b: unknown) => void,
        reject,
      });
    });
    this.writeFrame(frame);
    return promise;
  }

  /** Sends a request expecting no response (acks=0). */
  send(apiKey: number, version: number, body: object): void {
    const correlationId = this.nextCorrelationId++;
    this.writeFrame(
      encodeRequestFrame(
        { apiKey, apiVersion: version, correlationId, clientId: "samsa-test" },
        body,
      ).toBuffer(),
    );
  }

  writeFrame(frame: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length, 0);
    this.socket.write(Buffer.concat([size, frame]));
  }

  /** Raw bytes, for malformed-input tests. */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  describe(apiKey: number): string {
    return apiInfo(apiKey)?.name ?? String(apiKey);
  }
}

/** Creates a topic with CreateTopics v7 over `client` and checks that it worked. */
export async function createTopicWith(client: RawClient, name: string, partitions: number): Promise<void> {
  const response = await client.request<{ topics: { errorCode: number; errorMessage?: string | null }[] }>(
    ApiKey.CreateTopics,
    7,
    {
      topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    },
  );
  const result = response.topics[0];
  if (result.errorCode !== 0)
    throw new Error(`creating ${name}: error ${result.errorCode} ${result.errorMessage ?? ""}`);
}

/** Connects, creates a topic, disconnects. */
export async function createTopic(
  broker: { host: string; port: number },
  name: string,
  partitions: number,
): Promise<void> {
  const client = await RawClient.connect(broker.host, broker.port);
  try {
    await createTopicWith(client, name, partitions);
  } finally {
    client.close();
  }
}
