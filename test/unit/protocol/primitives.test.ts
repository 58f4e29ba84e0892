import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Reader, Writer } from "../../../src/protocol/primitives.ts";

function written(write: (w: Writer) => void): Buffer {
  const w = new Writer(16);
  write(w);
  return w.toBuffer();
}

test("unsigned varints match Kafka's encoding at the boundaries", () => {
  const cases: [number, string][] = [
    [0, "00"],
    [1, "01"],
    [127, "7f"],
    [128, "8001"],
    [300, "ac02"],
    [16383, "ff7f"],
    [16384, "808001"],
    [0xffffffff, "ffffffff0f"],
  ];
  for (const [value, hex] of cases) {
    assert.equal(written((w) => w.uvarint(value)).toString("hex"), hex, `encode ${value}`);
    assert.equal(new Reader(Buffer.from(hex, "hex")).uvarint(), value, `decode ${hex}`);
  }
});

test("varints and varlongs round trip through zig-zag", () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => {
      assert.equal(new Reader(written((w) => w.varint(value))).varint(), value);
    }),
  );
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
      assert.equal(new Reader(written((w) => w.varlong(value))).varlong(), value);
    }),
  );
  assert.equal(written((w) => w.varint(-1)).toString("hex"), "01");
  assert.equal(written((w) => w.varlong(-(2n ** 63n))).toString("hex"), "ffffffffffffffffff01");
});

test("int64 reads every range exactly", () => {
  const values = [
    0n,
    -1n,
    2n ** 53n - 1n,
    2n ** 53n,
    -(2n ** 53n) - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    4294967296n,
  ];
  for (const value of values) assert.equal(new Reader(written((w) => w.int64(value))).int64(), value);
});

test("a varint longer than 32 bits fails the reader", () => {
  const r = new Reader(Buffer.from("ffffffff1f", "hex"));
  r.uvarint();
  assert.ok(r.failed);
  const tooLong = new Reader(Buffer.from("8080808080808001", "hex"));
  tooLong.uvarint();
  assert.ok(tooLong.failed);
});

test("reads past the end fail once, keep the first reason and return zero values", () => {
  const r = new Reader(Buffer.from([0, 1]));
  assert.equal(r.int32(), 0);
  assert.ok(r.failed);
  const reason = r.failureReason;
  assert.equal(r.int16(), 0);
  assert.equal(r.string(), "");
  assert.equal(r.failureReason, reason);
});

test("lengths and counts larger than the bytes left fail before anything is allocated", () => {
  const arrayLength = new Reader(Buffer.from("7fffffff00", "hex"));
  assert.equal(arrayLength.arrayLength(), -1);
  assert.ok(arrayLength.failed);
  const bytes = new Reader(Buffer.from("0000ffff", "hex"));
  assert.equal(bytes.nullableBytes(), null);
  assert.ok(bytes.failed);
  const negative = new Reader(Buffer.from("fffe", "hex"));
  negative.nullableString();
  assert.ok(negative.failed, "a length of -2 is invalid");
  const nonNullable = new Reader(Buffer.from("ffff", "hex"));
  nonNullable.string();
  assert.ok(nonNullable.failed, "-1 is null, and this string is not nullable");
});

test("strings, bytes and uuids round trip in classic and compact forms", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }),
      (text, raw) => {
        const bytes = Buffer.from(raw);
        const encoded = written((w) => {
          w.string(text);
          w.compactString(text);
          w.nullableString(null);
          w.compactNullableString(null);
          w.bytes(bytes);
          w.compactBytes(bytes);
          w.nullableBytes(null);
          w.compactNullableBytes(null);
        });
        const r = new Reader(encoded);
        assert.equal(r.string(), text);
        assert.equal(r.compactString(), text);
        assert.equal(r.nullableString(), null);
        assert.equal(r.compactNullableString(), null);
        assert.deepStrictEqual(r.bytes(), bytes);
        assert.deepStrictEqual(r.compactBytes(), bytes);
        assert.equal(r.nullableBytes(), null);
        assert.equal(r.compactNullableBytes(), null);
        assert.equal(r.remaining, 0);
        assert.ok(!r.failed);
      },
    ),
  );
  const uuid = "vDB7TLvUSOWcVlEJxa6Z4A";
  assert.equal(new Reader(written((w) => w.uuid(uuid))).uuid(), uuid);
});

test("byte fields are views of the input, not copies", () => {
  const input = Buffer.from("0000000301020304", "hex");
  const value = new Reader(input).bytes();
  assert.equal(value.buffer, input.buffer);
  assert.deepStrictEqual([...value], [1, 2, 3]);
});

test("the writer keeps large slices by reference and small writes in order", () => {
  const large = Buffer.alloc(4096, 7);
  const w = new Writer(16);
  w.int32(large.length);
  w.raw(large);
  w.int16(-1);
  const chunks = w.toChunks();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1], large, "the large slice is the caller's buffer itself");
  assert.equal(w.length, 4 + 4096 + 2);
  const whole = w.toBuffer();
  assert.equal(whole.readInt32BE(0), 4096);
  assert.equal(whole.readInt16BE(4100), -1);
});

test("the writer grows across many writes without corrupting earlier bytes", () => {
  const w = new Writer(16);
  for (let i = 0; i < 10_000; i++) w.int32(i);
  const out = w.toBuffer();
  for (let i = 0; i < 10_000; i++) assert.equal(out.readInt32BE(i * 4), i);
});
