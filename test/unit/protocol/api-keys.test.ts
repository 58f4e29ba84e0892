import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ApiKey,
  allApis,
  apiInfo,
  isFlexibleVersion,
  isValidVersion,
} from "../../../src/protocol/api-keys.ts";

test("the API-key table agrees with the generated specs", () => {
  const named = Object.entries(ApiKey).sort((a, b) => a[1] - b[1]);
  assert.deepStrictEqual(
    named.map(([name, key]) => [key, name]),
    allApis.map((api) => [api.apiKey, api.name]),
  );
});

test("version ranges come from the specs", () => {
  assert.ok(isValidVersion(ApiKey.Produce, 3));
  assert.ok(!isValidVersion(ApiKey.Produce, 2), "Kafka 4 removed Produce v0-v2");
  assert.ok(isFlexibleVersion(ApiKey.Fetch, 12));
  assert.ok(!isFlexibleVersion(ApiKey.Fetch, 11));
  assert.equal(apiInfo(999), undefined);
  assert.ok(!isValidVersion(ApiKey.LeaderAndIsr, 0), "removed APIs have no valid versions");
});
