import assert from "node:assert/strict";
import { test } from "node:test";
import { PropertiesSyntaxError, parseProperties } from "../../../../src/broker/config/properties.ts";

function pairs(text: string): [string, string][] {
  return parseProperties(text).map((e) => [e.key, e.value]);
}

test("the three separators, and whitespace around them", () => {
  assert.deepStrictEqual(pairs("a=1\nb: 2\nc 3\nd\t=\t4\n  e   :   5\nf = = 6"), [
    ["a", "1"],
    ["b", "2"],
    ["c", "3"],
    ["d", "4"],
    ["e", "5"],
    ["f", "= 6"],
  ]);
});

test("comments with # and !, blank lines, and a key with no value", () => {
  const text = "# comment\n! also a comment\n\n   \n  # indented comment\nkey\nempty=\n";
  assert.deepStrictEqual(pairs(text), [
    ["key", ""],
    ["empty", ""],
  ]);
});

test("a value keeps its trailing whitespace and inner # characters", () => {
  assert.deepStrictEqual(pairs("a=x # not a comment  "), [["a", "x # not a comment  "]]);
});

test("backslash continues a line; the next line's leading whitespace is dropped", () => {
  const text = "listeners=PLAINTEXT://:9092,\\\n           CONTROLLER://:9093\nnext=1";
  assert.deepStrictEqual(pairs(text), [
    ["listeners", "PLAINTEXT://:9092,CONTROLLER://:9093"],
    ["next", "1"],
  ]);
});

test("an even number of trailing backslashes is an escaped backslash, not a continuation", () => {
  assert.deepStrictEqual(pairs("dir=C:\\\\data\\\\\nnext=1"), [
    ["dir", "C:\\data\\"],
    ["next", "1"],
  ]);
});

test("a continued line may start with # and is not a comment; a comment line never continues", () => {
  assert.deepStrictEqual(pairs("a=1\\\n#2\n# c \\\nb=3"), [
    ["a", "1#2"],
    ["b", "3"],
  ]);
});

test("a backslash at the very end of the text is dropped", () => {
  assert.deepStrictEqual(pairs("a=1\\"), [["a", "1"]]);
});

test("escapes: separators and spaces in keys, \\t \\n \\r \\f, \\uXXXX, and any other escaped character", () => {
  assert.deepStrictEqual(pairs("a\\:b\\=c\\ d=v\\:1\\=2"), [["a:b=c d", "v:1=2"]]);
  assert.deepStrictEqual(pairs("t=1\\t2\\n3\\r4\\f5"), [["t", "1\t2\n3\r4\f5"]]);
  assert.deepStrictEqual(pairs("u=caf\\u00e9 \\u0041"), [["u", "café A"]]);
  assert.deepStrictEqual(pairs("q=\\q\\\\"), [["q", "q\\"]]);
});

test("\\r\\n, \\r and \\n all end lines, and line numbers count natural lines", () => {
  const entries = parseProperties("a=1\r\nb=2\rc=3\\\n  3\nd=4");
  assert.deepStrictEqual(
    entries.map((e) => [e.key, e.value, e.line]),
    [
      ["a", "1", 1],
      ["b", "2", 2],
      ["c", "33", 3],
      ["d", "4", 5],
    ],
  );
});

test("a repeated key appears twice, in order", () => {
  assert.deepStrictEqual(pairs("a=1\na=2"), [
    ["a", "1"],
    ["a", "2"],
  ]);
});

test("a malformed \\u escape is a syntax error naming the line", () => {
  assert.throws(
    () => parseProperties("ok=1\nbad=\\u12G4"),
    (error: unknown) =>
      error instanceof PropertiesSyntaxError && error.line === 2 && /\\u/.test(error.message),
  );
});
