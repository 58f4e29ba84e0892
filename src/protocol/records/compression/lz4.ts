/**
 * LZ4 (codec 3): the standard LZ4 frame format around raw LZ4 blocks.
 *
 * Frame layout (little-endian):
 *   magic     uint32 0x184D2204
 *   FLG       byte   bits 7-6 version (01), 5 block independence,
 *                    4 block checksums, 3 content size present,
 *                    2 content checksum, 1 reserved, 0 dictionary id present
 *   BD        byte   bits 6-4 block max size (4: 64 KiB, 5: 256 KiB, 6: 1 MiB, 7: 4 MiB)
 *   [content size uint64] if FLG bit 3
 *   HC        byte   (xxhash32(FLG..last descriptor byte, seed 0) >> 8) & 0xff
 *   blocks:   uint32 size (high bit set: stored uncompressed), data,
 *             [uint32 xxhash32 of data] if FLG bit 4
 *   end mark  uint32 0
 *   [uint32 xxhash32 of all content] if FLG bit 2
 *
 * We write exactly what Kafka's Java Lz4BlockOutputStream writes: FLG 0x60,
 * BD 0x40, 64 KiB blocks, no checksums, no content size, and a block stored
 * raw when compressing does not shrink it. lz4-napi's own frame encoder is
 * not used because it picks larger block sizes for larger inputs.
 *
 * We read what librdkafka, the Java client and kafkajs write (checksums and
 * content size optional, any block size) and refuse what Java's reader
 * refuses: dependent blocks, dictionary ids, reserved bits. Bytes after the
 * end mark are ignored, as Java's reader ignores them. Output is bounded
 * block by block, and a declared content size above the bound is refused
 * before anything is inflated.
 */

import { compressSync, uncompressSync } from "lz4-napi";
import { DecodeError } from "../../primitives.ts";
import { assertOutputBound, corruptInput, outputTooLarge } from "./output-bound.ts";
import { xxhash32 } from "./xxhash32.ts";

const FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUMS = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICTIONARY_ID = 0x01;
const BD_RESERVED = 0x8f;
const UNCOMPRESSED_BLOCK_FLAG = 0x80000000;
const BLOCK_SIZE_MASK = 0x7fffffff;
const WORD_BYTES = 4;
const MIN_FRAME_HEADER_BYTES = 7;
/** An LZ4 sequence's match length grows by at most 255 per input byte. */
const MAX_EXPANSION_RATIO = 255;
const EXPANSION_SLACK_BYTES = 64;
const MIN_SCRATCH_BYTES = 16 * 1024;

/** What Java's Lz4BlockOutputStream writes: version 01, independent blocks, 64 KiB. */
const KAFKA_FLG = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENCE;
const KAFKA_BD = 4 << 4;
export const LZ4_BLOCK_BYTES = 64 * 1024;

const KAFKA_FRAME_HEADER = (() => {
  const header = Buffer.alloc(MIN_FRAME_HEADER_BYTES);
  header.writeUInt32LE(FRAME_MAGIC, 0);
  header[4] = KAFKA_FLG;
  header[5] = KAFKA_BD;
  header[6] = descriptorChecksum(header.subarray(4, 6));
  return header;
})();

export function descriptorChecksum(descriptor: Uint8Array): number {
  return (xxhash32(descriptor, 0) >>> 8) & 0xff;
}

/** One raw LZ4 block (lz4-napi prefixes its output with the input length; that prefix is dropped). */
export function compressBlock(input: Buffer): Buffer {
  return compressSync(input).subarray(WORD_BYTES);
}

export function compress(input: Buffer): Buffer {
  const parts: Buffer[] = [KAFKA_FRAME_HEADER];
  for (let start = 0; start < input.length; start += LZ4_BLOCK_BYTES) {
    const chunk = input.subarray(start, start + LZ4_BLOCK_BYTES);
    const packed = compressBlock(chunk);
    const stored = packed.length >= chunk.length;
    const sizeWord = Buffer.allocUnsafe(WORD_BYTES);
    sizeWord.writeUInt32LE(stored ? (chunk.length | UNCOMPRESSED_BLOCK_FLAG) >>> 0 : packed.length, 0);
    parts.push(sizeWord, stored ? chunk : packed);
  }
  parts.push(Buffer.alloc(WORD_BYTES));
  return Buffer.concat(parts);
}

interface FrameDescriptor {
  blockChecksums: boolean;
  contentChecksum: boolean;
  contentSizeBytes: number | null;
  blockMaxBytes: number;
  /** Where the first block starts. */
  headerBytes: number;
}

function readFrameDescriptor(input: Buffer): FrameDescriptor {
  if (input.length < MIN_FRAME_HEADER_BYTES) throw new DecodeError("lz4 frame header is truncated");
  if (input.readUInt32LE(0) !== FRAME_MAGIC) {
    throw new DecodeError(`lz4 frame has magic 0x${input.readUInt32LE(0).toString(16)}, expected 0x184d2204`);
  }
  const flg = input[4];
  const bd = input[5];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01)
    throw new DecodeError(`lz4 frame version bits ${flg >> 6}`);
  if ((flg & (FLG_RESERVED | FLG_DICTIONARY_ID)) !== 0) {
    throw new DecodeError("lz4 frame sets reserved or dictionary-id flags");
  }
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0)
    throw new DecodeError("lz4 frames with dependent blocks are not supported");
  const blockSizeId = (bd >> 4) & 0x07;
  if ((bd & BD_RESERVED) !== 0 || blockSizeId < 4)
    throw new DecodeError(`lz4 frame has invalid BD byte 0x${bd.toString(16)}`);
  let position = 6;
  let contentSizeBytes: number | null = null;
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    if (input.length < position + 8 + 1) throw new DecodeError("lz4 frame header is truncated");
    const declared = input.readBigUInt64LE(position);
    contentSizeBytes =
      declared > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(declared);
    position += 8;
  }
  const expected = descriptorChecksum(input.subarray(4, position));
  if (input[position] !== expected) {
    throw new DecodeError(
      `lz4 frame header checksum 0x${input[position].toString(16)}, expected 0x${expected.toString(16)}`,
    );
  }
  return {
    blockChecksums: (flg & FLG_BLOCK_CHECKSUMS) !== 0,
    contentChecksum: (flg & FLG_CONTENT_CHECKSUM) !== 0,
    contentSizeBytes,
    blockMaxBytes: 1 << (2 * blockSizeId + 8),
    headerBytes: position + 1,
  };
}

export function decompress(input: Buffer, maxOutputBytes: number): Buffer {
  assertOutputBound(maxOutputBytes);
  const frame = readFrameDescriptor(input);
  if (frame.contentSizeBytes !== null && frame.contentSizeBytes > maxOutputBytes) {
    throw outputTooLarge("lz4", frame.contentSizeBytes, maxOutputBytes);
  }
  const blocks: Buffer[] = [];
  const inflater = new BlockInflater(frame.blockMaxBytes);
  let totalBytes = 0;
  let position = frame.headerBytes;
  for (;;) {
    const sizeWord = readWord(input, position, "block size");
    position += WORD_BYTES;
    if (sizeWord === 0) break;
    const sizeBytes = sizeWord & BLOCK_SIZE_MASK;
    if (sizeBytes > frame.blockMaxBytes) {
      throw new DecodeError(
        `lz4 block of ${sizeBytes} bytes exceeds the frame's ${frame.blockMaxBytes}-byte maximum`,
      );
    }
    if (sizeBytes > input.length - position)
      throw new DecodeError(`lz4 block at byte ${position} is truncated`);
    const data = input.subarray(position, position + sizeBytes);
    position += sizeBytes;
    if (frame.blockChecksums) {
      if (readWord(input, position, "block checksum") !== xxhash32(data)) {
        throw new DecodeError(`lz4 block checksum mismatch before byte ${position}`);
      }
      position += WORD_BYTES;
    }
    const roomBytes = maxOutputBytes - totalBytes;
    const block =
      sizeWord >= UNCOMPRESSED_BLOCK_FLAG ? data : inflater.inflate(data, roomBytes, maxOutputBytes);
    totalBytes += block.length;
    if (totalBytes > maxOutputBytes)
      throw outputTooLarge("lz4", `more than ${maxOutputBytes}`, maxOutputBytes);
    blocks.push(block);
  }
  const output = blocks.length === 1 ? blocks[0] : Buffer.concat(blocks, totalBytes);
  if (frame.contentChecksum && readWord(input, position, "content checksum") !== xxhash32(output)) {
    throw new DecodeError("lz4 content checksum mismatch");
  }
  if (frame.contentSizeBytes !== null && frame.contentSizeBytes !== totalBytes) {
    throw new DecodeError(
      `lz4 frame declared ${frame.contentSizeBytes} bytes of content but held ${totalBytes}`,
    );
  }
  return output;
}

function readWord(input: Buffer, position: number, what: string): number {
  if (input.length - position < WORD_BYTES)
    throw new DecodeError(`lz4 ${what} at byte ${position} is truncated`);
  return input.readUInt32LE(position);
}

/**
 * Inflates raw blocks with lz4-napi, whose only raw decoder reads a 4-byte
 * little-endian output capacity before the block. The capacity written is
 * the least of: the frame's block size, the room left under the bound, and
 * the most an LZ4 block can expand (255 output bytes per input byte). The
 * last keeps a frame of many tiny blocks under a 4 MiB block size from
 * costing 4 MiB of output buffer per block.
 */
class BlockInflater {
  private scratch: Buffer = Buffer.alloc(0);

  constructor(private readonly blockMaxBytes: number) {}

  inflate(data: Buffer, roomBytes: number, maxOutputBytes: number): Buffer {
    const expansionBytes = MAX_EXPANSION_RATIO * data.length + EXPANSION_SLACK_BYTES;
    const capacityBytes = Math.min(this.blockMaxBytes, roomBytes, expansionBytes);
    if (this.scratch.length < WORD_BYTES + data.length) {
      this.scratch = Buffer.allocUnsafe(WORD_BYTES + Math.max(data.length, MIN_SCRATCH_BYTES));
    }
    this.scratch.writeUInt32LE(capacityBytes, 0);
    data.copy(this.scratch, WORD_BYTES);
    try {
      return uncompressSync(this.scratch.subarray(0, WORD_BYTES + data.length));
    } catch (error) {
      // Out of room and corrupt look alike to the decoder; either way the block is refused.
      if (capacityBytes === roomBytes && roomBytes < Math.min(this.blockMaxBytes, expansionBytes)) {
        throw new DecodeError(
          `lz4 data is corrupt or decompresses to more bytes, over the limit of ${maxOutputBytes}`,
        );
      }
      throw corruptInput("lz4", error);
    }
  }
}
