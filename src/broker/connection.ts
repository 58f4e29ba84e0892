/**
 * One client connection: Kafka framing (a 4-byte big-endian size, then the
 * request), requests handled one after another in arrival order, responses
 * written in that same order, as Kafka requires.
 *
 * Bounds on what the network can make us hold:
 * - a frame larger than `socket.request.max.bytes` (or with a negative size)
 *   closes the connection before any of it is buffered;
 * - at most `maxQueuedRequests` requests wait per connection, and at most
 *   `maxInFlightBytes` of request frames are held; beyond either, reading
 *   pauses (TCP back-pressure) until responses drain;
 * - a frame that cannot be decoded closes this connection only.
 */
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { ApiKey, apiInfo } from "../protocol/api-keys.ts";
import { decodeRequestFrame, encodeResponseFrame } from "../protocol/codec.ts";
import { peekRequestHeader } from "../protocol/headers.ts";
import { DecodeError, EncodeError, type Writer } from "../protocol/primitives.ts";
import type { Broker } from "./broker.ts";
import { CloseConnection, type HandlerReply, isDeferred, type RequestContext } from "./handler.ts";
import type { HandlerRegistry } from "./handler-registry.ts";

export interface ConnectionLimits {
  maxRequestBytes: number;
  maxQueuedRequests: number;
  maxInFlightBytes: number;
  idleTimeoutMs: number;
}

const SIZE_PREFIX_BYTES = 4;

interface PendingResponse {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  frameBytes: number;
  /** Resolves to the body to send, or null for none. */
  body: Promise<object | null>;
}

export class Connection {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly requests: { frame: Buffer; receivedAtMs: number }[] = [];
  private readonly responses: PendingResponse[] = [];
  private inFlightBytes = 0;
  private processing = false;
  private writing = false;
  /** The socket is gone (either side closed it). */
  private closed = false;
  /** The broker closed the connection on bad input: whatever the client sent after is dropped. */
  private abandoned = false;
  private paused = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly idleWaiters: (() => void)[] = [];
  readonly clientAddress: string;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
    private readonly registry: HandlerRegistry,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly onClose: (connection: Connection) => void,
  ) {
    this.clientAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.log.debug({ client: this.clientAddress, err: error }, "socket error"));
    // A client that hangs up after sending still had its requests received, as with Kafka:
    // those already framed are processed (an acks=0 producer relies on it); only answers are lost.
    socket.on("close", () => this.teardown());
    this.touch();
  }

  private touch(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    if (this.closed) return;
    this.idleTimer = setTimeout(() => {
      if (this.requests.length === 0 && this.responses.length === 0) this.close("idle");
      else this.touch();
    }, this.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.touch();
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    while (this.bufferedBytes >= SIZE_PREFIX_BYTES) {
      const head = this.peekBytes(SIZE_PREFIX_BYTES);
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.limits.maxRequestBytes) {
        this.close(`frame of ${size} bytes is outside [0, ${this.limits.maxRequestBytes}]`);
        return;
      }
      if (this.bufferedBytes < SIZE_PREFIX_BYTES + size) break;
      const frame = this.takeBytes(SIZE_PREFIX_BYTES + size).subarray(SIZE_PREFIX_BYTES);
      this.requests.push({ frame, receivedAtMs: Date.now() });
      this.inFlightBytes += frame.length;
    }
    this.applyBackPressure();
    void this.processRequests();
  }

  private peekBytes(count: number): Buffer {
    if (this.buffered[0].length >= count) return this.buffered[0];
    return Buffer.concat(this.buffered).subarray(0, count);
  }

  private takeBytes(count: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    return taken;
  }

  private applyBackPressure(): void {
    const overloaded =
      this.requests.length + this.responses.length >= this.limits.maxQueuedRequests ||
      this.inFlightBytes >= this.limits.maxInFlightBytes;
    if (overloaded && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!overloaded && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private async processRequests(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.abandoned && this.requests.length > 0) {
        const next = this.requests.shift() as { frame: Buffer; receivedAtMs: number };
        await this.processOne(next.frame, next.receivedAtMs);
      }
    } finally {
      this.processing = false;
      this.notifyIfIdle();
    }
  }

  private async processOne(frame: Buffer, receivedAtMs: number): Promise<void> {
    const prefix = peekRequestHeader(frame);
    if (prefix === null) {
      this.close(`request of ${frame.length} bytes has no header`);
      return;
    }
    const { apiKey, apiVersion, correlationId } = prefix;
    const pending = (body: Promise<object | null>, responseVersion = apiVersion): void => {
      this.responses.push({
        apiKey,
        apiVersion: responseVersion,
        correlationId,
        frameBytes: frame.length,
        body,
      });
      void this.writeResponses();
    };
    if (apiKey === ApiKey.ApiVersions && !this.registry.supports(apiKey, apiVersion)) {
      // Kafka's rule: answer in v0 with UNSUPPORTED_VERSION and our range, so the client can pick a version.
      pending(Promise.resolve(this.registry.unsupportedApiVersionsResponse()), 0);
      return;
    }
    const handler = this.registry.handlerFor(apiKey, apiVersion);
    if (handler === undefined) {
      const known = apiInfo(apiKey)?.name ?? "unknown";
      this.close(`no handler for API key ${apiKey} (${known}) version ${apiVersion}`);
      return;
    }
    let request: ReturnType<typeof decodeRequestFrame>;
    try {
      request = decodeRequestFrame(frame);
    } catch (error) {
      if (error instanceof DecodeError) {
        this.close(`undecodable ${apiInfo(apiKey)?.name} v${apiVersion}: ${error.message}`);
        return;
      }
      throw error;
    }
    this.log.debug(
      {
        client: this.clientAddress,
        api: apiInfo(apiKey)?.name,
        apiVersion,
        correlationId,
        bytes: frame.length,
      },
      "request",
    );
    const context: RequestContext = {
      broker: this.broker,
      header: request.header,
      apiVersion,
      clientAddress: this.clientAddress,
      receivedAtMs,
    };
    let reply: HandlerReply;
    try {
      reply = await handler.handle(context, request.body);
    } catch (error) {
      if (error instanceof CloseConnection) {
        this.close(error.message);
        return;
      }
      this.log.error({ err: error, api: apiInfo(apiKey)?.name, apiVersion }, "handler failed");
      this.close("handler failure");
      return;
    }
    pending(isDeferred(reply) ? reply.later : Promise.resolve(reply));
  }

  private async writeResponses(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (!this.abandoned && this.responses.length > 0) {
        const head = this.responses[0];
        let body: object | null;
        try {
          body = await head.body;
        } catch (error) {
          this.log.error({ err: error, apiKey: head.apiKey }, "deferred response failed");
          this.close("response failure");
          return;
        }
        this.responses.shift();
        this.inFlightBytes -= head.frameBytes;
        if (body !== null && !this.closed) this.send(head, body);
        this.applyBackPressure();
      }
    } finally {
      this.writing = false;
      this.notifyIfIdle();
    }
  }

  private send(head: PendingResponse, body: object): void {
    let frame: Writer;
    try {
      frame = encodeResponseFrame(head.apiKey, head.apiVersion, { correlationId: head.correlationId }, body);
    } catch (error) {
      if (error instanceof EncodeError) {
        this.log.error(
          { err: error, apiKey: head.apiKey, apiVersion: head.apiVersion },
          "response encoding failed",
        );
        this.close("response encoding failure");
        return;
      }
      throw error;
    }
    const size = Buffer.allocUnsafe(SIZE_PREFIX_BYTES);
    size.writeInt32BE(frame.length, 0);
    const chunks = [size, ...frame.toChunks()];
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }

  close(reason: string): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.requests.length = 0;
    this.log.info({ client: this.clientAddress, reason }, "closing connection");
    this.socket.destroy();
    this.teardown();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.notifyIfIdle();
    this.onClose(this);
  }

  /** Stops taking requests; resolves once every response already owed has been written. */
  async drain(): Promise<void> {
    this.socket.pause();
    if (!this.isIdle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.socket.end();
  }

  private isIdle(): boolean {
    return this.abandoned || (this.requests.length === 0 && this.responses.length === 0 && !this.processing);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
