// A TCP proxy in front of a Kafka broker that records every request frame and
// the response frame that answered it. Bytes are forwarded untouched as they
// arrive; frames are parsed from a copy, so recording can never alter traffic.
//
// Matching: a broker answers in request order on each connection, but a
// Produce with acks=0 gets no answer at all. So a response is matched by its
// correlation id to the oldest pending request with that id, and any older
// pending requests are closed as unanswered.

import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { FrameSplitter, readRequestHeaderPrefix, readResponseCorrelationId } from "../kafka/kafka-frames.ts";
import { apiName } from "./api-names.ts";

export interface Exchange {
  /** Order in which requests reached the proxy, over all connections. */
  sequence: number;
  connectionId: number;
  /** The proxy's label when the connection was accepted: which client opened it. */
  label: string;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Frame bytes without the 4-byte size prefix. */
  request: Buffer;
  /** Null when no response came: acks=0, or the connection closed first. */
  response: Buffer | null;
}

export interface RecordingProxy {
  host: string;
  port: number;
  /** Labels connections accepted from now on. */
  setLabel(label: string): void;
  exchanges(): readonly Exchange[];
  /** Problems seen while parsing (never fatal: the bytes were forwarded anyway). */
  problems(): readonly string[];
  close(): Promise<void>;
}

export interface RecordingProxyOptions {
  targetHost: string;
  targetPort: number;
  listenPort?: number;
}

const host = "127.0.0.1";

export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const problems: string[] = [];
  const sockets = new Set<net.Socket>();
  let label = "unlabelled";
  let nextConnectionId = 1;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: options.targetHost, port: options.targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    const connection = { connectionId: nextConnectionId++, label, exchanges, problems };
    record(client, upstream, connection);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: options.listenPort ?? 0 }, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  return {
    host,
    port: address.port,
    setLabel: (next) => {
      label = next;
    },
    exchanges: () => exchanges,
    problems: () => problems,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface ConnectionContext {
  connectionId: number;
  label: string;
  exchanges: Exchange[];
  problems: string[];
}

function record(client: net.Socket, upstream: net.Socket, context: ConnectionContext): void {
  const pending: Exchange[] = [];
  const requestFrames = new FrameSplitter();
  const responseFrames = new FrameSplitter();
  let parsing = true;
  const stopParsing = (error: unknown): void => {
    parsing = false;
    context.problems.push(`connection ${context.connectionId} (${context.label}): ${String(error)}`);
  };
  // pipe() gives back-pressure and half-close; the extra 'data' listeners only read.
  client.pipe(upstream);
  upstream.pipe(client);
  client.on("data", (chunk: Buffer) => {
    if (!parsing) return;
    try {
      for (const frame of requestFrames.push(chunk)) {
        const exchange: Exchange = {
          sequence: context.exchanges.length,
          connectionId: context.connectionId,
          label: context.label,
          ...readRequestHeaderPrefix(frame),
          request: frame,
          response: null,
        };
        context.exchanges.push(exchange);
        pending.push(exchange);
      }
    } catch (error) {
      stopParsing(error);
    }
  });
  upstream.on("data", (chunk: Buffer) => {
    if (!parsing) return;
    try {
      for (const frame of responseFrames.push(chunk)) {
        const correlationId = readResponseCorrelationId(frame);
        const index = pending.findIndex((exchange) => exchange.correlationId === correlationId);
        if (index < 0) {
          context.problems.push(
            `connection ${context.connectionId}: response ${correlationId} matches no request`,
          );
          continue;
        }
        const answered = pending.splice(0, index + 1).at(-1);
        if (answered !== undefined) answered.response = frame;
      }
    } catch (error) {
      stopParsing(error);
    }
  });
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => client.destroy());
}

/** Writes every exchange as numbered .bin files plus a manifest.json, for inspection. */
export function writeRecording(dir: string, exchanges: readonly Exchange[]): void {
  mkdirSync(dir, { recursive: true });
  const manifest = exchanges.map((exchange) => {
    const stem = [
      String(exchange.sequence).padStart(5, "0"),
      exchange.label,
      `${apiName(exchange.apiKey)}-v${exchange.apiVersion}`,
    ].join("-");
    writeFileSync(path.join(dir, `${stem}-request.bin`), exchange.request);
    if (exchange.response !== null) writeFileSync(path.join(dir, `${stem}-response.bin`), exchange.response);
    return {
      sequence: exchange.sequence,
      connectionId: exchange.connectionId,
      label: exchange.label,
      apiKey: exchange.apiKey,
      apiName: apiName(exchange.apiKey),
      apiVersion: exchange.apiVersion,
      correlationId: exchange.correlationId,
      request: `${stem}-request.bin`,
      response: exchange.response === null ? null : `${stem}-response.bin`,
    };
  });
  writeFileSync(path.join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}
