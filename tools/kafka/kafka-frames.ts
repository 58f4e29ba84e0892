// Kafka framing on a byte stream: every request and response is a 4-byte
// big-endian size followed by that many bytes. These helpers are shared by the
// reference broker's readiness probe and by the capture tools.

import assert from "node:assert/strict";

/** Refuse frames larger than this: a corrupt size must not make us buffer gigabytes. */
export const maxFrameBytes = 64 * 1024 * 1024;

/**
 * Splits a byte stream into frames. Chunks may cut frames anywhere, so
 * unfinished bytes are kept until the rest arrives. Frames are returned
 * without their size prefix.
 */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 4) {
      const sizeBytes = this.pending.readInt32BE(0);
      if (sizeBytes < 0 || sizeBytes > maxFrameBytes) {
        throw new Error(`frame size ${sizeBytes} out of range`);
      }
      if (this.pending.length < 4 + sizeBytes) break;
      // Copy, so a frame does not pin the (possibly much larger) chunk it came in.
      frames.push(Buffer.from(this.pending.subarray(4, 4 + sizeBytes)));
      this.pending = this.pending.subarray(4 + sizeBytes);
    }
    return frames;
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }
}

/** Prefixes a frame body with its size. */
export function encodeFrame(body: Buffer): Buffer {
  assert.ok(body.length <= maxFrameBytes);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** The fixed start of every request header, whatever its version. */
export interface RequestHeaderPrefix {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

export function readRequestHeaderPrefix(frame: Buffer): RequestHeaderPrefix {
  if (frame.length < 8) throw new Error(`request frame of ${frame.length} bytes is too short`);
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}

/** Every response header, flexible or not, starts with the correlation id. */
export function readResponseCorrelationId(frame: Buffer): number {
  if (frame.length < 4) throw new Error(`response frame of ${frame.length} bytes is too short`);
  return frame.readInt32BE(0);
}

/**
 * Builds a request with a version 1 header (non-flexible): apiKey, apiVersion,
 * correlationId, nullable int16-length clientId. For a version 2 header pass
 * `flexibleHeader`, which appends an empty tagged-field section.
 */
export function buildRequest(options: {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  body: Buffer;
  flexibleHeader?: boolean;
}): Buffer {
  const clientId = options.clientId === null ? null : Buffer.from(options.clientId, "utf8");
  const header = Buffer.alloc(10);
  header.writeInt16BE(options.apiKey, 0);
  header.writeInt16BE(options.apiVersion, 2);
  header.writeInt32BE(options.correlationId, 4);
  header.writeInt16BE(clientId === null ? -1 : clientId.length, 8);
  const parts: Buffer[] = [header];
  if (clientId !== null) parts.push(clientId);
  if (options.flexibleHeader === true) parts.push(Buffer.from([0]));
  parts.push(options.body);
  return Buffer.concat(parts);
}

/** A compact (flexible-version) string: unsigned varint length+1, then the bytes. */
export function compactString(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  return Buffer.concat([unsignedVarint(bytes.length + 1), bytes]);
}

export function unsignedVarint(value: number): Buffer {
  assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffffffff);
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}
