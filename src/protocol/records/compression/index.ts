/**
 * The record-batch compression codecs, by the id stored in attribute bits
 * 0-2. Every codec has the same two functions: `compress(input)` and
 * `decompress(input, maxOutputBytes)`, the latter throwing `DecodeError`
 * for corrupt input or for output past the caller's bound.
 */

import { DecodeError } from "../../primitives.ts";
import * as gzip from "./gzip.ts";
import * as lz4 from "./lz4.ts";
import { assertOutputBound, outputTooLarge } from "./output-bound.ts";
import * as snappy from "./snappy.ts";
import * as zstd from "./zstd.ts";

export const CompressionType = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

export interface CompressionCodec {
  readonly name: string;
  compress(input: Buffer): Buffer;
  decompress(input: Buffer, maxOutputBytes: number): Buffer;
}

const none: CompressionCodec = {
  name: "none",
  compress: (input) => input,
  decompress(input, maxOutputBytes) {
    assertOutputBound(maxOutputBytes);
    if (input.length > maxOutputBytes) throw outputTooLarge("uncompressed", input.length, maxOutputBytes);
    return input;
  },
};

const codecs: readonly CompressionCodec[] = [
  none,
  { name: "gzip", compress: gzip.compress, decompress: gzip.decompress },
  { name: "snappy", compress: snappy.compress, decompress: snappy.decompress },
  { name: "lz4", compress: lz4.compress, decompress: lz4.decompress },
  { name: "zstd", compress: zstd.compress, decompress: zstd.decompress },
];

export function isCompressionType(id: number): id is CompressionType {
  return Number.isInteger(id) && id >= 0 && id < codecs.length;
}

/** The codec for an id read from the wire; ids 5-7 are unknown to Kafka too. */
export function codecFor(id: number): CompressionCodec {
  if (!isCompressionType(id)) throw new DecodeError(`unknown compression codec ${id}`);
  return codecs[id];
}

export function compressionName(id: number): string {
  return isCompressionType(id) ? codecs[id].name : `unknown(${id})`;
}

export function compress(type: CompressionType, input: Buffer): Buffer {
  return codecFor(type).compress(input);
}

export function decompress(type: number, input: Buffer, maxOutputBytes: number): Buffer {
  return codecFor(type).decompress(input, maxOutputBytes);
}
