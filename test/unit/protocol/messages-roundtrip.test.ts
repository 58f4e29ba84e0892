/**
 * Every generated message, at every valid version: random values encode,
 * decode to what the schema says they should, and re-encode to the same bytes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decodeMessage, encodeMessage } from "../../../src/protocol/codec.ts";
import { allMessageCodecs } from "../../../src/protocol/messages/index.ts";
import { contextFor, expectedDecode, structValue } from "./support/arbitrary-message.ts";

const SEED = 20261125;
const RUNS_PER_VERSION = Number(process.env.SAMSA_ROUNDTRIP_RUNS ?? 20);

for (const codec of allMessageCodecs) {
  const { name, validVersions } = codec.schema;
  test(`${name}: round trip at every version`, () => {
    for (let version = validVersions[0]; version <= validVersions[1]; version++) {
      const ctx = contextFor(codec.schema, version);
      fc.assert(
        fc.property(structValue(codec.schema.fields, ctx), (value) => {
          const bytes = encodeMessage(codec, version, value);
          const decoded = decodeMessage(codec, bytes, version);
          assert.deepStrictEqual(
            decoded,
            expectedDecode(codec.schema.fields, value, ctx),
            `${name} v${version}`,
          );
          assert.deepStrictEqual(
            encodeMessage(codec, version, decoded),
            bytes,
            `${name} v${version} re-encode`,
          );
        }),
        { seed: SEED + version, numRuns: RUNS_PER_VERSION },
      );
    }
  });
}
