/**
 * Frames captured from real clients (the Java client 4.4.0, librdkafka via
 * kcat, kafkajs) and from Apache Kafka 4.4.0's answers: each decodes, and
 * re-encodes to exactly the captured bytes. See test/fixtures/golden/README.md.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ApiKey, isValidVersion } from "../../../src/protocol/api-keys.ts";
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  responseCodec,
} from "../../../src/protocol/codec.ts";
import { peekRequestHeader } from "../../../src/protocol/headers.ts";
import { DecodeError } from "../../../src/protocol/primitives.ts";

interface FixtureEntry {
  file: string;
  client: string;
  direction: "request" | "response";
  apiKey: number;
  apiName: string;
  apiVersion: number;
  codec: string | null;
}

const dir = join(import.meta.dirname, "../../fixtures/golden");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as FixtureEntry[];

/** Kafka answers an ApiVersions request of a version it doesn't know with a v0 response. */
function responseVersion(entry: FixtureEntry): number {
  const codec = responseCodec(entry.apiKey);
  if (
    entry.apiKey === ApiKey.ApiVersions &&
    codec !== undefined &&
    entry.apiVersion > codec.schema.validVersions[1]
  ) {
    return 0;
  }
  return entry.apiVersion;
}

test("the fixtures cover three clients and the required API versions", () => {
  const clients = new Set(manifest.map((e) => e.client));
  for (const client of ["java", "librdkafka", "kafkajs"])
    assert.ok(clients.has(client), `no fixtures from ${client}`);
  const has = (apiKey: number, version: number): boolean =>
    manifest.some((e) => e.apiKey === apiKey && e.apiVersion === version && e.direction === "request");
  assert.ok(has(ApiKey.Metadata, 6), "kafkajs Metadata v6");
  assert.ok(has(ApiKey.Produce, 7), "Produce v7");
  assert.ok(has(ApiKey.Fetch, 11), "Fetch v11");
  for (const codec of ["none", "gzip", "snappy", "lz4", "zstd"]) {
    assert.ok(
      manifest.some((e) => e.apiKey === ApiKey.Produce && e.codec === codec),
      `Produce with ${codec}`,
    );
  }
});

for (const entry of manifest) {
  test(`${entry.file} decodes and re-encodes byte for byte`, () => {
    const frame = readFileSync(join(dir, entry.file));
    if (entry.direction === "request" && !isValidVersion(entry.apiKey, entry.apiVersion)) {
      // A version the codec doesn't know: the header prefix is still readable, so a broker can answer.
      assert.deepStrictEqual(peekRequestHeader(frame)?.apiVersion, entry.apiVersion);
      assert.throws(() => decodeRequestFrame(frame), DecodeError);
    } else if (entry.direction === "request") {
      const { header, body } = decodeRequestFrame(frame);
      assert.equal(header.apiKey, entry.apiKey);
      assert.equal(header.apiVersion, entry.apiVersion);
      assert.deepStrictEqual(encodeRequestFrame(header, body).toBuffer(), frame);
    } else {
      const version = responseVersion(entry);
      const { header, body } = decodeResponseFrame(entry.apiKey, version, frame);
      assert.deepStrictEqual(encodeResponseFrame(entry.apiKey, version, header, body).toBuffer(), frame);
    }
  });
}
