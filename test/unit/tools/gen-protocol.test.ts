import assert from "node:assert/strict";
import { test } from "node:test";
import { kebabCase, parseSpec, parseVersions } from "../../../tools/gen-protocol/spec.ts";
import { stripJsonComments } from "../../../tools/gen-protocol/strip-comments.ts";

test("comments are stripped outside strings only", () => {
  const text = '// licence\n{ "about": "see http://x // not a comment", /* block\n */ "a": 1 } // end';
  const parsed = JSON.parse(stripJsonComments(text)) as { about: string; a: number };
  assert.equal(parsed.about, "see http://x // not a comment");
  assert.equal(parsed.a, 1);
  assert.equal(stripJsonComments('"a\\"//b"'), '"a\\"//b"', "escaped quotes do not end a string");
  assert.equal(stripJsonComments("1 /* x\ny */ 2").split("\n").length, 2, "line breaks are kept");
});

test("version specs parse as Kafka writes them", () => {
  assert.deepStrictEqual(parseVersions("0+"), { min: 0, max: 0x7fff });
  assert.deepStrictEqual(parseVersions("3-13"), { min: 3, max: 13 });
  assert.deepStrictEqual(parseVersions("5"), { min: 5, max: 5 });
  assert.ok(parseVersions("none").min > parseVersions("none").max);
});

test("names become kebab-case file names", () => {
  assert.equal(kebabCase("ProduceRequest"), "produce-request");
  assert.equal(kebabCase("KRaftVersionRecord"), "k-raft-version-record");
  assert.equal(kebabCase("DescribeTopicPartitionsResponse"), "describe-topic-partitions-response");
});

test("a spec with inline and common structs, tags and defaults is modelled", () => {
  const message = parseSpec(`{
    "apiKey": 99, "type": "request", "name": "ExampleRequest", "validVersions": "0-3", "flexibleVersions": "2+",
    "fields": [
      { "name": "Items", "type": "[]Item", "versions": "0+", "fields": [
        { "name": "Id", "type": "int32", "versions": "0+", "default": "0x7fffffff" }
      ]},
      { "name": "Leader", "type": "Leader", "versions": "2+", "taggedVersions": "2+", "tag": 0 }
    ],
    "commonStructs": [{ "name": "Leader", "versions": "0+", "fields": [
      { "name": "Epoch", "type": "int64", "versions": "0+", "default": "-1" }
    ]}]
  }`);
  assert.deepStrictEqual(
    message.structs.map((s) => s.name),
    ["Item", "Leader"],
  );
  assert.equal(message.structs[0].fields[0].defaultValue, 0x7fffffff);
  assert.equal(message.structs[1].fields[0].defaultValue, -1n);
  assert.equal(message.root.fields[1].tag, 0);
  assert.throws(() =>
    parseSpec(
      '{ "name": "X", "type": "data", "validVersions": "0", "fields": [{ "name": "A", "type": "Missing", "versions": "0+" }] }',
    ),
  );
});
