import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { OFFSET_MAP_SLOT_BYTES, OffsetMap } from "../../../../src/storage/compaction/offset-map.ts";

test("a slot costs 24 bytes, as Kafka's map does", () => {
  assert.equal(OFFSET_MAP_SLOT_BYTES, 24);
  assert.equal(new OffsetMap(24 * 100 + 23).slots, 100);
  assert.throws(() => new OffsetMap(23), /holds no entry/);
});

test("get answers the latest offset put for a key, -1 for an unknown key", () => {
  const map = new OffsetMap(24 * 16);
  map.put(Buffer.from("a"), 3);
  map.put(Buffer.from("b"), 4);
  map.put(Buffer.from("a"), 7);
  assert.equal(map.get(Buffer.from("a")), 7);
  assert.equal(map.get(Buffer.from("b")), 4);
  assert.equal(map.get(Buffer.from("c")), -1);
  assert.equal(map.size, 2);
  assert.equal(map.latestOffset, 7);
  map.updateLatestOffset(20);
  map.updateLatestOffset(10);
  assert.equal(map.latestOffset, 20, "the covered range never moves back");
  map.clear();
  assert.deepStrictEqual([map.size, map.latestOffset, map.get(Buffer.from("a"))], [0, -1, -1]);
});

test("the empty key is a key like any other", () => {
  const map = new OffsetMap(24 * 4);
  map.put(Buffer.alloc(0), 9);
  assert.equal(map.get(Buffer.alloc(0)), 9);
});

test("agrees with a plain Map up to 90% full (oracle)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 200 }),
      (keys) => {
        const map = new OffsetMap(24 * 256);
        const oracle = new Map<string, number>();
        keys.forEach((key, offset) => {
          if (oracle.size >= 230 && !oracle.has(Buffer.from(key).toString("hex"))) return;
          map.put(Buffer.from(key), offset);
          oracle.set(Buffer.from(key).toString("hex"), offset);
        });
        assert.equal(map.size, oracle.size);
        for (const [hex, offset] of oracle) assert.equal(map.get(Buffer.from(hex, "hex")), offset);
      },
    ),
    { seed: 42, numRuns: 100 },
  );
});
