import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiKey } from "../../../src/protocol/api-keys.ts";
import {
  decodeRequestHeader,
  encodeRequestHeader,
  peekRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from "../../../src/protocol/headers.ts";
import { Reader, Writer } from "../../../src/protocol/primitives.ts";

test("header versions follow the API version's flexibility", () => {
  assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
  assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
  assert.equal(responseHeaderVersion(ApiKey.Produce, 8), 0);
  assert.equal(responseHeaderVersion(ApiKey.Produce, 9), 1);
  assert.equal(requestHeaderVersion(ApiKey.Metadata, 9), 2);
});

test("ApiVersions responses always use header v0, even for flexible versions", () => {
  assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2);
  assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0);
});

test("the request header's client id stays a classic string in header v2", () => {
  const w = new Writer();
  encodeRequestHeader(w, 2, { apiKey: ApiKey.Metadata, apiVersion: 12, correlationId: 9, clientId: "app" });
  // apiKey, apiVersion, correlationId, int16 length 3, "app", zero tagged fields
  assert.equal(w.toBuffer().toString("hex"), "0003000c00000009000361707000");
  const header = decodeRequestHeader(new Reader(w.toBuffer()), 2);
  assert.equal(header.clientId, "app");
});

test("header v0 has no client id; a null client id round trips in v1", () => {
  const w = new Writer();
  encodeRequestHeader(w, 0, { apiKey: 7, apiVersion: 0, correlationId: 1, clientId: null });
  assert.equal(w.length, 8);
  const v1 = new Writer();
  encodeRequestHeader(v1, 1, { apiKey: 3, apiVersion: 1, correlationId: 1, clientId: null });
  assert.equal(decodeRequestHeader(new Reader(v1.toBuffer()), 1).clientId, null);
});

test("the header prefix is readable for any API and version, and absent from short frames", () => {
  assert.deepStrictEqual(peekRequestHeader(Buffer.from("0012007f0000002a", "hex")), {
    apiKey: 18,
    apiVersion: 127,
    correlationId: 42,
  });
  assert.equal(peekRequestHeader(Buffer.from("00120000", "hex")), null);
});
