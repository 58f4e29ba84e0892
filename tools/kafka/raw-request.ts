// One hand-built request over a fresh TCP connection, and its response frame.
// Used to probe a broker before any real client is trusted to talk to it, and
// to send requests that no well-behaved client would send.

import net from "node:net";
import { buildRequest, encodeFrame, FrameSplitter, readResponseCorrelationId } from "./kafka-frames.ts";

export interface RawRequestOptions {
  host: string;
  port: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  body: Buffer;
  flexibleHeader?: boolean;
  timeoutMs: number;
}

/** Resolves with the response frame (without size prefix); rejects on close, error or timeout. */
export function sendRawRequest(options: RawRequestOptions): Promise<Buffer> {
  const request = buildRequest(options);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: options.host, port: options.port });
    const splitter = new FrameSplitter();
    let settled = false;
    const finish = (error: Error | null, frame?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error !== null) reject(error);
      else if (frame !== undefined) resolve(frame);
    };
    const timer = setTimeout(
      () => finish(new Error(`no response within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    socket.on("connect", () => socket.write(encodeFrame(request)));
    socket.on("data", (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = splitter.push(chunk);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const frame = frames[0];
      if (frame === undefined) return;
      const correlationId = readResponseCorrelationId(frame);
      if (correlationId !== options.correlationId) {
        finish(new Error(`expected correlation id ${options.correlationId}, got ${correlationId}`));
        return;
      }
      finish(null, frame);
    });
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error("connection closed before a response")));
  });
}

/** ApiVersions v0: empty body, answered in the oldest layout every broker still speaks. */
export async function probeApiVersions(options: {
  host: string;
  port: number;
  timeoutMs: number;
}): Promise<{ errorCode: number; apiCount: number }> {
  const frame = await sendRawRequest({
    ...options,
    apiKey: 18,
    apiVersion: 0,
    correlationId: 1,
    clientId: "samsa-probe",
    body: Buffer.alloc(0),
  });
  // Response v0: correlationId int32, errorCode int16, array count int32, ...
  return { errorCode: frame.readInt16BE(4), apiCount: frame.readInt32BE(6) };
}

/**
 * Metadata v1 for no topics: the broker list is empty until the broker has
 * registered with the controller and been unfenced, so a non-empty list means
 * clients can use it.
 */
export async function probeBrokerCount(options: {
  host: string;
  port: number;
  timeoutMs: number;
}): Promise<number> {
  const noTopics = Buffer.alloc(4); // int32 array length 0 (null would mean all topics)
  const frame = await sendRawRequest({
    ...options,
    apiKey: 3,
    apiVersion: 1,
    correlationId: 2,
    clientId: "samsa-probe",
    body: noTopics,
  });
  // Response v1: correlationId int32, brokers array count int32, ...
  return frame.readInt32BE(4);
}
