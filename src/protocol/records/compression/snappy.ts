/**
 * Snappy (codec 2).
 *
 * Two layouts reach a broker: the Java client (and librdkafka) write
 * snappy-java's "xerial" framing, kafkajs and some others write one raw
 * snappy block. Both decode here, told apart the way snappy-java does it:
 * by the 8-byte magic.
 *
 * Xerial framing:
 *   0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00   magic
 *   int32 BE version (1), int32 BE minimum compatible version (1)
 *   then blocks: int32 BE compressed length, one raw snappy block
 * Concatenated xerial streams (a second header mid-stream) are accepted, as
 * snappy-java accepts them. We write xerial framing with blocks of at most
 * 32 KiB of input, snappy-java's default, which every client decodes.
 *
 * A raw snappy block starts with its uncompressed length as an unsigned
 * varint, so the output bound is enforced before anything is inflated.
 */

import * as snappy from "snappy";
import { DecodeError } from "../../primitives.ts";
import { assertOutputBound, corruptInput, outputTooLarge } from "./output-bound.ts";

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** Input bytes per xerial block (snappy-java's default block size). */
export const XERIAL_BLOCK_BYTES = 32 * 1024;
const BLOCK_LENGTH_BYTES = 4;

/** One raw snappy block, no framing. */
export function compressRaw(input: Buffer): Buffer {
  return snappy.compressSync(input);
}

/** Xerial framing, as the Java client writes it. Empty input gives empty output, as in snappy-java. */
export function compress(input: Buffer): Buffer {
  if (input.length === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [xerialHeader()];
  for (let start = 0; start < input.length; start += XERIAL_BLOCK_BYTES) {
    const block = snappy.compressSync(input.subarray(start, start + XERIAL_BLOCK_BYTES));
    const length = Buffer.allocUnsafe(BLOCK_LENGTH_BYTES);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

export function decompress(input: Buffer, maxOutputBytes: number): Buffer {
  assertOutputBound(maxOutputBytes);
  if (input.length === 0) return Buffer.alloc(0);
  if (!startsWithMagic(input, 0)) return decompressRawBlock(input, maxOutputBytes);
  return decompressXerial(input, maxOutputBytes);
}

function xerialHeader(): Buffer {
  const header = Buffer.allocUnsafe(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  return header;
}

function startsWithMagic(input: Buffer, position: number): boolean {
  if (input.length - position < XERIAL_MAGIC.length) return false;
  return input.compare(XERIAL_MAGIC, 0, XERIAL_MAGIC.length, position, position + XERIAL_MAGIC.length) === 0;
}

function decompressXerial(input: Buffer, maxOutputBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let totalBytes = 0;
  let position = 0;
  while (position < input.length) {
    if (startsWithMagic(input, position)) {
      if (input.length - position < XERIAL_HEADER_BYTES) {
        throw new DecodeError(`xerial snappy header at byte ${position} is truncated`);
      }
      position += XERIAL_HEADER_BYTES;
      continue;
    }
    if (input.length - position < BLOCK_LENGTH_BYTES) {
      throw new DecodeError(`xerial snappy block length at byte ${position} is truncated`);
    }
    const length = input.readInt32BE(position);
    position += BLOCK_LENGTH_BYTES;
    if (length < 0 || length > input.length - position) {
      throw new DecodeError(`xerial snappy block of ${length} bytes at byte ${position} overruns the input`);
    }
    const block = decompressRawBlock(
      input.subarray(position, position + length),
      maxOutputBytes - totalBytes,
    );
    totalBytes += block.length;
    blocks.push(block);
    position += length;
  }
  return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks, totalBytes);
}

/** One raw snappy block, refused before inflating if its declared length passes the bound. */
function decompressRawBlock(block: Buffer, maxOutputBytes: number): Buffer {
  const declaredBytes = readDeclaredLength(block);
  if (declaredBytes > maxOutputBytes) throw outputTooLarge("snappy", declaredBytes, maxOutputBytes);
  let output: string | Buffer;
  try {
    output = snappy.uncompressSync(block, { asBuffer: true });
  } catch (error) {
    throw corruptInput("snappy", error);
  }
  if (!Buffer.isBuffer(output) || output.length !== declaredBytes) {
    throw new DecodeError(`snappy block declared ${declaredBytes} bytes but did not decode to them`);
  }
  return output;
}

/** The uncompressed length that opens a raw snappy block: a little-endian base-128 varint of at most 32 bits. */
function readDeclaredLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i];
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (value > 0xffffffff) break;
      return value;
    }
  }
  throw new DecodeError("snappy block has no valid uncompressed length");
}
