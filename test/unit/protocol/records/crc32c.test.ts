import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { crc32c, crc32cReference } from "../../../../src/protocol/records/crc32c.ts";

test("crc32c matches the published check value and RFC 3720 vectors", () => {
  const vectors: [Buffer, number][] = [
    [Buffer.from("123456789"), 0xe3069283],
    [Buffer.alloc(0), 0],
    [Buffer.alloc(32, 0x00), 0x8a9136aa],
    [Buffer.alloc(32, 0xff), 0x62a8ab43],
    [Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
    [Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
  ];
  for (const [input, expected] of vectors) {
    assert.equal(crc32c(input), expected, `native, ${input.length} bytes`);
    assert.equal(crc32cReference(input), expected, `reference, ${input.length} bytes`);
  }
});

test("native crc32c agrees with the table oracle on random input, whole and chained", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), fc.nat(), (array, cutSeed) => {
      const input = Buffer.from(array);
      const expected = crc32cReference(input);
      assert.equal(crc32c(input), expected);
      const cut = input.length === 0 ? 0 : cutSeed % input.length;
      assert.equal(crc32c(input.subarray(cut), crc32c(input.subarray(0, cut))), expected);
      assert.equal(crc32cReference(input.subarray(cut), crc32cReference(input.subarray(0, cut))), expected);
    }),
    { numRuns: 300 },
  );
});

test("crc32c reads only the view it is given", () => {
  const backing = Buffer.from("xx123456789yy");
  assert.equal(crc32c(backing.subarray(2, 11)), 0xe3069283);
});
