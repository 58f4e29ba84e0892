/**
 * What Samsa advertises against what Apache Kafka 4.4.0 advertises (its own
 * ApiVersions answer, captured in the golden fixtures): for every API Samsa
 * serves, at least Kafka's range.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { HandlerRegistry } from "../../../src/broker/handler-registry.ts";
import { allHandlers } from "../../../src/broker/handlers/index.ts";
import { apiInfo } from "../../../src/protocol/api-keys.ts";
import { decodeResponseFrame } from "../../../src/protocol/codec.ts";
import type { ApiVersionsResponse } from "../../../src/protocol/messages/api-versions-response.ts";

const fixture = join(import.meta.dirname, "../../fixtures/golden/java/ApiVersions-v5-response.bin");
const kafka = decodeResponseFrame(18, 5, readFileSync(fixture)).body as ApiVersionsResponse;
const kafkaRanges = new Map(kafka.apiKeys.map((k) => [k.apiKey, k]));
const registry = new HandlerRegistry(allHandlers);

test("every served API covers at least the versions Kafka 4.4.0 advertises", () => {
  for (const served of registry.apiVersions()) {
    const reference = kafkaRanges.get(served.apiKey);
    assert.ok(reference !== undefined, `Kafka 4.4.0 does not advertise ${apiInfo(served.apiKey)?.name}`);
    const name = apiInfo(served.apiKey)?.name;
    assert.ok(
      served.minVersion <= reference.minVersion,
      `${name}: min ${served.minVersion} > Kafka's ${reference.minVersion}`,
    );
    assert.ok(
      served.maxVersion >= reference.maxVersion,
      `${name}: max ${served.maxVersion} < Kafka's ${reference.maxVersion}`,
    );
  }
});

test("the APIs a single-node broker must serve are all registered", () => {
  const required = [
    "Produce",
    "Fetch",
    "ListOffsets",
    "Metadata",
    "ApiVersions",
    "CreateTopics",
    "DeleteTopics",
    "DeleteRecords",
    "InitProducerId",
    "OffsetForLeaderEpoch",
    "DescribeConfigs",
    "AlterConfigs",
    "DescribeLogDirs",
    "CreatePartitions",
    "IncrementalAlterConfigs",
    "DescribeCluster",
    "DescribeTopicPartitions",
  ];
  const served = new Set(registry.apiVersions().map((v) => apiInfo(v.apiKey)?.name));
  for (const name of required) assert.ok(served.has(name), `${name} is not served`);
});
