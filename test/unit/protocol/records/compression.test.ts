import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import zstdBinding from "zstd-napi/binding.js";
import { DecodeError } from "../../../../src/protocol/primitives.ts";
import {
  CompressionType,
  codecFor,
  compress,
  compressionName,
  decompress,
} from "../../../../src/protocol/records/compression/index.ts";
import * as zstd from "../../../../src/protocol/records/compression/zstd.ts";

const CODECS = [
  CompressionType.none,
  CompressionType.gzip,
  CompressionType.snappy,
  CompressionType.lz4,
  CompressionType.zstd,
] as const;
const COMPRESSING = CODECS.slice(1);
const MiB = 1024 * 1024;

/** A zstd frame without a content size, as streaming encoders (the Java client's) write it. */
function zstdStreamingFrame(input: Buffer): Buffer {
  const context = new zstdBinding.CCtx();
  const parts: Buffer[] = [];
  let rest = input;
  while (rest.length > 0) {
    const out = Buffer.alloc(128 * 1024);
    const [, produced, consumed] = context.compressStream2(out, rest, zstdBinding.EndDirective.continue);
    parts.push(out.subarray(0, produced));
    rest = rest.subarray(consumed);
  }
  for (;;) {
    const out = Buffer.alloc(128 * 1024);
    const [remaining, produced] = context.compressStream2(out, Buffer.alloc(0), zstdBinding.EndDirective.end);
    parts.push(out.subarray(0, produced));
    if (remaining === 0) break;
  }
  return Buffer.concat(parts);
}

test("every codec round trips random and repetitive data", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...CODECS),
      fc.oneof(
        fc.uint8Array({ maxLength: 4096 }),
        fc
          .tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 20_000 }))
          .map(
            ([unit, times]) =>
              new Uint8Array(Buffer.concat(Array.from({ length: times }, () => Buffer.from(unit)))),
          ),
      ),
      (codec, array) => {
        const input = Buffer.from(array);
        const packed = compress(codec, input);
        assert.deepEqual(decompress(codec, packed, input.length), input);
      },
    ),
    { numRuns: 200 },
  );
});

test("inputs spanning many codec blocks round trip", () => {
  const input = Buffer.alloc(1_000_003);
  for (let i = 0; i < input.length; i++) input[i] = (i * 2654435761) >>> 27;
  for (const codec of CODECS) {
    assert.deepEqual(decompress(codec, compress(codec, input), input.length), input, compressionName(codec));
  }
});

test("zstd frames without a content size decode through the streaming path, bounded", () => {
  const input = Buffer.alloc(3 * MiB);
  for (let i = 0; i < input.length; i++) input[i] = i % 251 < 200 ? 0 : i & 0xff;
  const frame = zstdStreamingFrame(input);
  assert.equal(zstdBinding.getFrameContentSize(frame), null);
  assert.deepEqual(zstd.decompress(frame, input.length), input);
  assert.throws(() => zstd.decompress(frame, input.length - 1), /over the limit/);
  // Two frames back to back, one streaming and one with a declared size.
  const both = Buffer.concat([frame, zstd.compress(Buffer.from("tail"))]);
  assert.deepEqual(zstd.decompress(both, input.length + 4), Buffer.concat([input, Buffer.from("tail")]));
  // The context recovers after a failure.
  assert.throws(() => zstd.decompress(frame.subarray(0, frame.length - 3), input.length), DecodeError);
  assert.deepEqual(zstd.decompress(frame, input.length), input);
});

test("decompression bombs are refused at the bound without inflating them", () => {
  const bomb = Buffer.alloc(64 * MiB);
  const limitBytes = MiB;
  for (const codec of COMPRESSING) {
    const packed = compress(codec, bomb);
    assert.ok(packed.length < 4 * MiB, `${compressionName(codec)} bomb should be small`);
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => decompress(codec, packed, limitBytes), /over the limit/, compressionName(codec));
    const grownBytes = process.memoryUsage().arrayBuffers - before;
    assert.ok(
      grownBytes < 16 * MiB,
      `${compressionName(codec)} allocated ${grownBytes} bytes for a refused bomb`,
    );
  }
  const streamingBomb = zstdStreamingFrame(bomb);
  assert.throws(() => zstd.decompress(streamingBomb, limitBytes), /over the limit/);
  assert.throws(() => decompress(CompressionType.none, Buffer.alloc(10), 9), /over the limit/);
});

test("a bound of exactly the output size is enough, one byte less is not", () => {
  const input = Buffer.from("x".repeat(5000));
  for (const codec of CODECS) {
    const packed = compress(codec, input);
    assert.equal(decompress(codec, packed, input.length).length, input.length);
    assert.throws(() => decompress(codec, packed, input.length - 1), DecodeError, compressionName(codec));
  }
});

test("corrupt or truncated compressed data is a DecodeError, never another error", () => {
  const input = Buffer.from("the quick brown fox jumps over the lazy dog ".repeat(200));
  for (const codec of COMPRESSING) {
    const packed = compress(codec, input);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: packed.length - 1 }).map((cut) => packed.subarray(0, cut)),
          fc
            .array(fc.tuple(fc.integer({ min: 0, max: packed.length - 1 }), fc.nat(255)), {
              minLength: 1,
              maxLength: 3,
            })
            .map((edits) => {
              const copy = Buffer.from(packed);
              for (const [at, value] of edits) copy[at] = value;
              return copy;
            }),
        ),
        (damaged) => {
          try {
            decompress(codec, damaged, 64 * 1024);
          } catch (error) {
            assert.ok(error instanceof DecodeError, `${compressionName(codec)}: ${String(error)}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  }
});

test("codec ids outside 0-4 are DecodeErrors", () => {
  for (const id of [5, 6, 7, -1, 1.5]) {
    assert.throws(() => codecFor(id), DecodeError);
    assert.throws(() => decompress(id, Buffer.alloc(1), 10), DecodeError);
  }
  assert.equal(compressionName(6), "unknown(6)");
});
