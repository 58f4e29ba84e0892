import assert from "node:assert/strict";
import { test } from "node:test";
import { javaStringHashCode, partitionFor } from "../../../src/broker/internal-topics.ts";

test("String.hashCode matches Java's for known values", () => {
  // Values computed by java.lang.String.hashCode().
  assert.equal(javaStringHashCode(""), 0);
  assert.equal(javaStringHashCode("hello"), 99162322);
  assert.equal(javaStringHashCode("my-group"), -1906497762);
  assert.equal(javaStringHashCode("polygenelubricants"), -2147483648);
  assert.equal(javaStringHashCode("äöü-€"), 218143305);
});

test("a group's partition is abs(hashCode) % partitions, with MIN_VALUE mapping to 0", () => {
  assert.equal(partitionFor("hello", 50), 99162322 % 50);
  assert.equal(partitionFor("polygenelubricants", 50), 0);
  for (const id of ["a", "console-consumer-123", "streams-app"]) {
    const p = partitionFor(id, 50);
    assert.ok(p >= 0 && p < 50);
  }
});
