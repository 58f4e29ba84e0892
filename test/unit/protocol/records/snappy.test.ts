import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import fc from "fast-check";
import { DecodeError } from "../../../../src/protocol/primitives.ts";
import {
  compress,
  compressRaw,
  decompress,
  XERIAL_BLOCK_BYTES,
  XERIAL_MAGIC,
} from "../../../../src/protocol/records/compression/snappy.ts";

// snappyjs is a pure-JavaScript snappy (kafkajs-snappy's engine): an implementation
// independent of the native one we use, to check our bytes against.
const require = createRequire(import.meta.url);
const snappyjs = require("snappyjs") as {
  compress(input: Buffer): Buffer;
  uncompress(input: Buffer): Buffer;
};
const kafkajsSnappy = (require("kafkajs-snappy") as () => { decompress(input: Buffer): Promise<Buffer> })();

function xerialHeader(): Buffer {
  const header = Buffer.alloc(16);
  XERIAL_MAGIC.copy(header);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  return header;
}

function xerialBlock(raw: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(raw.length);
  return Buffer.concat([length, raw]);
}

const sample = Buffer.from("snappy snappy snappy, a record batch's worth of bytes. ".repeat(2000));

test("we write xerial framing with 32 KiB input blocks", () => {
  const framed = compress(sample);
  assert.deepEqual(framed.subarray(0, 16), xerialHeader());
  let position = 16;
  let blocks = 0;
  let total = 0;
  while (position < framed.length) {
    const length = framed.readInt32BE(position);
    const block = snappyjs.uncompress(framed.subarray(position + 4, position + 4 + length));
    assert.ok(block.length <= XERIAL_BLOCK_BYTES);
    total += block.length;
    position += 4 + length;
    blocks++;
  }
  assert.equal(position, framed.length);
  assert.equal(total, sample.length);
  assert.equal(blocks, Math.ceil(sample.length / XERIAL_BLOCK_BYTES));
  assert.deepEqual(compress(Buffer.alloc(0)), Buffer.alloc(0), "snappy-java writes nothing for nothing");
});

test("kafkajs-snappy decodes what we write, and we decode what it and snappyjs write", async () => {
  assert.deepEqual(await kafkajsSnappy.decompress(compress(sample)), sample);
  assert.deepEqual(decompress(snappyjs.compress(sample), sample.length), sample);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100_000 }), (array) => {
      const input = Buffer.from(array);
      assert.deepEqual(decompress(snappyjs.compress(input), input.length), input);
      assert.deepEqual(decompress(compress(input), input.length), input);
    }),
    { numRuns: 40 },
  );
});

test("raw snappy and xerial framing both decode, including concatenated xerial streams", () => {
  const first = sample.subarray(0, 50_000);
  const second = sample.subarray(50_000);
  assert.deepEqual(decompress(compressRaw(sample), sample.length), sample);
  const handBuilt = Buffer.concat([
    xerialHeader(),
    xerialBlock(compressRaw(first)),
    xerialBlock(compressRaw(second)),
  ]);
  assert.deepEqual(decompress(handBuilt, sample.length), sample);
  const concatenated = Buffer.concat([compress(first), compress(second)]);
  assert.deepEqual(decompress(concatenated, sample.length), sample);
  assert.deepEqual(decompress(xerialHeader(), 0), Buffer.alloc(0), "a header with no blocks is empty");
});

test("malformed xerial streams are DecodeErrors", () => {
  const block = xerialBlock(compressRaw(Buffer.from("hello")));
  const cases: [string, Buffer][] = [
    ["truncated header", xerialHeader().subarray(0, 12)],
    ["truncated length", Buffer.concat([xerialHeader(), Buffer.from([0, 0])])],
    ["negative length", Buffer.concat([xerialHeader(), Buffer.from([0xff, 0xff, 0xff, 0xff])])],
    ["length past the end", Buffer.concat([xerialHeader(), block.subarray(0, block.length - 1)])],
    ["garbage block", Buffer.concat([xerialHeader(), xerialBlock(Buffer.from([5, 0xff, 0xff]))])],
  ];
  for (const [what, input] of cases) assert.throws(() => decompress(input, 1000), DecodeError, what);
});

test("declared lengths above the bound are refused before inflating", () => {
  // A raw block that claims 2^32-1 bytes in six.
  assert.throws(
    () => decompress(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), 1_000_000),
    /over the limit/,
  );
  // Many small xerial blocks whose sum passes the bound.
  const block = xerialBlock(compressRaw(Buffer.alloc(XERIAL_BLOCK_BYTES)));
  const many = Buffer.concat([xerialHeader(), ...Array.from({ length: 100 }, () => block)]);
  assert.equal(decompress(many, 100 * XERIAL_BLOCK_BYTES).length, 100 * XERIAL_BLOCK_BYTES);
  assert.throws(() => decompress(many, 100 * XERIAL_BLOCK_BYTES - 1), /over the limit/);
  // A varint that never ends.
  assert.throws(() => decompress(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 10), DecodeError);
});
