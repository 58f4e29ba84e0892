import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compressFrameSync, decompressFrameSync } from "lz4-napi";
import { DecodeError } from "../../../../src/protocol/primitives.ts";
import {
  compress,
  compressBlock,
  decompress,
  descriptorChecksum,
  LZ4_BLOCK_BYTES,
} from "../../../../src/protocol/records/compression/lz4.ts";
import { xxhash32 } from "../../../../src/protocol/records/compression/xxhash32.ts";

interface FrameOptions {
  blockChecksums?: boolean;
  contentChecksum?: boolean;
  contentSize?: boolean;
  blockSizeId?: number;
  /** Store every n-th block uncompressed (0: never). */
  storeEvery?: number;
  chunkBytes?: number;
}

/** An LZ4 frame built by hand, to exercise the flags our encoder never sets. */
function buildFrame(content: Buffer, options: FrameOptions = {}): Buffer {
  const blockSizeId = options.blockSizeId ?? 4;
  const chunkBytes = options.chunkBytes ?? 1 << (2 * blockSizeId + 8);
  const flg =
    0x60 |
    (options.blockChecksums ? 0x10 : 0) |
    (options.contentSize ? 0x08 : 0) |
    (options.contentChecksum ? 0x04 : 0);
  const descriptor = [Buffer.from([flg, blockSizeId << 4])];
  if (options.contentSize) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(content.length));
    descriptor.push(size);
  }
  const descriptorBytes = Buffer.concat(descriptor);
  const parts: Buffer[] = [
    Buffer.from([0x04, 0x22, 0x4d, 0x18]),
    descriptorBytes,
    Buffer.from([descriptorChecksum(descriptorBytes)]),
  ];
  let index = 0;
  for (let start = 0; start < content.length; start += chunkBytes, index++) {
    const chunk = content.subarray(start, start + chunkBytes);
    const stored =
      options.storeEvery !== undefined && options.storeEvery > 0 && index % options.storeEvery === 0;
    const data = stored ? chunk : compressBlock(chunk);
    parts.push(word((data.length | (stored ? 0x80000000 : 0)) >>> 0), data);
    if (options.blockChecksums) parts.push(word(xxhash32(data)));
  }
  parts.push(word(0));
  if (options.contentChecksum) parts.push(word(xxhash32(content)));
  return Buffer.concat(parts);
}

function word(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

const content = Buffer.from(
  Array.from({ length: 300_000 }, (_, i) => (i % 1000 < 600 ? 0x61 + (i % 7) : (i * 7919) & 0xff)),
);

test("xxhash32 matches published vectors", () => {
  assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05);
  assert.equal(xxhash32(Buffer.from("a")), 0x550d7456);
  assert.equal(xxhash32(Buffer.from("abc")), 0x32d153ff);
  assert.equal(xxhash32(Buffer.from("Nobody inspects the spammish repetition")), 0xe2293b2f);
  assert.equal(xxhash32(Buffer.alloc(0), 0x9e3779b1) !== xxhash32(Buffer.alloc(0)), true);
});

test("we write Kafka's frame: FLG 0x60, BD 0x40, HC 0x82, 64 KiB blocks, no checksums", () => {
  const frame = compress(content);
  assert.deepEqual(frame.subarray(0, 7), Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]));
  let position = 7;
  let blocks = 0;
  for (;;) {
    const sizeWord = frame.readUInt32LE(position);
    position += 4;
    if (sizeWord === 0) break;
    assert.ok((sizeWord & 0x7fffffff) <= LZ4_BLOCK_BYTES);
    position += sizeWord & 0x7fffffff;
    blocks++;
  }
  assert.equal(position, frame.length, "nothing after the end mark");
  assert.equal(blocks, Math.ceil(content.length / LZ4_BLOCK_BYTES));
  assert.deepEqual(
    compress(Buffer.alloc(0)),
    Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 0, 0, 0, 0]),
  );
});

test("incompressible blocks are stored raw with the high bit set, as Java does", () => {
  let state = 12345;
  const noise = Buffer.from(
    Array.from({ length: 1000 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state >>> 24;
    }),
  );
  const frame = compress(noise);
  assert.equal(frame.readUInt32LE(7), (0x80000000 | noise.length) >>> 0);
  assert.deepEqual(frame.subarray(11, 11 + noise.length), noise);
  assert.deepEqual(decompress(frame, noise.length), noise);
});

test("an independent frame decoder (lz4-napi's) reads our frames, and we read its, with and without checksums", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200_000 }),
      fc.boolean(),
      fc.boolean(),
      (array, blockChecksums, contentChecksum) => {
        const input = Buffer.from(array);
        assert.deepEqual(decompressFrameSync(compress(input)), input);
        const theirs = compressFrameSync(input, { blockChecksums, contentChecksum });
        assert.deepEqual(decompress(theirs, input.length), input);
      },
    ),
    { numRuns: 30 },
  );
});

test("hand-built frames with every optional field decode", () => {
  const variants: FrameOptions[] = [
    {},
    { blockChecksums: true },
    { contentChecksum: true },
    { contentSize: true },
    { blockChecksums: true, contentChecksum: true, contentSize: true },
    { storeEvery: 2 },
    { blockSizeId: 5 },
    { blockSizeId: 6, contentChecksum: true },
    { blockSizeId: 7, blockChecksums: true },
    { chunkBytes: 1000, storeEvery: 3, blockChecksums: true, contentChecksum: true },
  ];
  for (const options of variants) {
    const frame = buildFrame(content, options);
    assert.deepEqual(decompress(frame, content.length), content, JSON.stringify(options));
    assert.deepEqual(decompressFrameSync(frame), content, `lz4-napi agrees: ${JSON.stringify(options)}`);
  }
  assert.deepEqual(decompress(buildFrame(Buffer.alloc(0), { contentSize: true }), 0), Buffer.alloc(0));
  const trailing = Buffer.concat([buildFrame(content), Buffer.from("ignored, as Java ignores it")]);
  assert.deepEqual(decompress(trailing, content.length), content);
});

test("checksum, flag and structure errors are DecodeErrors", () => {
  const withChecksums = buildFrame(content, { blockChecksums: true, contentChecksum: true });
  const badBlockChecksum = Buffer.from(withChecksums);
  badBlockChecksum[11] ^= 1; // first byte of the first block's data
  assert.throws(() => decompress(badBlockChecksum, content.length), /block checksum/);
  const badContentChecksum = Buffer.from(withChecksums);
  badContentChecksum[badContentChecksum.length - 1] ^= 1;
  assert.throws(() => decompress(badContentChecksum, content.length), /content checksum/);
  const cases: [string, Buffer, RegExp][] = [
    ["bad magic", Buffer.concat([Buffer.from([0x05]), compress(content).subarray(1)]), /magic/],
    ["bad header checksum", patch(compress(content), 6, 0x00), /header checksum/],
    ["dependent blocks", patch(compress(content), 4, 0x40), /dependent/],
    ["dictionary id", patch(compress(content), 4, 0x61), /dictionary/],
    ["reserved BD bits", patch(compress(content), 5, 0x41), /BD/],
    ["block size id 3", patch(compress(content), 5, 0x30), /BD/],
    ["version 00", patch(compress(content), 4, 0x20), /version/],
    ["truncated header", compress(content).subarray(0, 6), /truncated/],
    ["missing end mark", compress(content).subarray(0, compress(content).length - 4), /truncated/],
    ["truncated block", compress(content).subarray(0, 100), /truncated/],
    [
      "block over max",
      Buffer.concat([compress(Buffer.alloc(0)).subarray(0, 7), word(LZ4_BLOCK_BYTES + 1)]),
      /exceeds/,
    ],
    [
      "wrong content size",
      patchContentSize(buildFrame(content, { contentSize: true }), content.length - 1),
      /./,
    ],
  ];
  for (const [what, frame, message] of cases) {
    assert.throws(
      () => decompress(frame, 10_000_000),
      (error: unknown) => {
        assert.ok(error instanceof DecodeError, `${what}: ${String(error)}`);
        assert.match(error.message, message, what);
        return true;
      },
    );
  }
});

function patch(frame: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(frame);
  copy[at] = value;
  if (at !== 6 && at < 6) copy[6] = descriptorChecksum(copy.subarray(4, 6));
  return copy;
}

function patchContentSize(frame: Buffer, size: number): Buffer {
  const copy = Buffer.from(frame);
  copy.writeBigUInt64LE(BigInt(size), 6);
  copy[14] = descriptorChecksum(copy.subarray(4, 14));
  return copy;
}

test("output is bounded block by block and by a declared content size", () => {
  const zeros = Buffer.alloc(16 * 1024 * 1024);
  const frame = compress(zeros);
  assert.ok(frame.length < 100_000);
  assert.throws(() => decompress(frame, 1024 * 1024), /over the limit/);
  assert.equal(decompress(frame, zeros.length).length, zeros.length);
  const declared = buildFrame(Buffer.alloc(1000), { contentSize: true });
  assert.throws(() => decompress(declared, 999), /over the limit/);
  const stored = buildFrame(Buffer.alloc(100_000), { storeEvery: 1 });
  assert.throws(() => decompress(stored, 99_999), /over the limit/);
});

test("many tiny blocks under a 4 MiB block size decode without a 4 MiB buffer each", {
  timeout: 5000,
}, () => {
  const tiny = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i & 0xff));
  const frame = buildFrame(tiny, { blockSizeId: 7, chunkBytes: 1 });
  assert.deepEqual(decompress(frame, tiny.length), tiny);
});
