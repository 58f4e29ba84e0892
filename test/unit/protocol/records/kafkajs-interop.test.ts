// kafkajs carries its own magic-v2 encoder and decoder (used by its producer and
// consumer), written independently of ours: batches must cross in both directions.

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import fc from "fast-check";
import { CompressionType } from "../../../../src/protocol/records/compression/index.ts";
import { decodeRecordBatch, encodeRecordBatch } from "../../../../src/protocol/records/record-batch.ts";
import { nullableBytes } from "./arbitraries.ts";

const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsDecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: { [key: string]: Buffer | Buffer[] };
}
interface KafkajsDecodedBatch {
  firstOffset: string;
  producerId: string;
  lastOffsetDelta: number;
  inTransaction: boolean;
  records: KafkajsDecodedRecord[];
}
interface KafkajsRecordInput {
  offsetDelta: number;
  timestampDelta: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: { [key: string]: Buffer };
}
interface KafkajsBatchInput {
  compression: number;
  firstOffset: bigint;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  lastOffsetDelta: number;
  records: KafkajsEncoder[];
}

const kafkajs = require("kafkajs") as { CompressionCodecs: { [codec: number]: unknown } };
kafkajs.CompressionCodecs[CompressionType.snappy] = require("kafkajs-snappy");
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch(input: KafkajsBatchInput): Promise<KafkajsEncoder>;
};
const Record = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (
  input: KafkajsRecordInput,
) => KafkajsEncoder;
const decodeKafkajsBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder.js") as (
  decoder: unknown,
) => Promise<KafkajsDecodedBatch>;
const Decoder = require("kafkajs/src/protocol/decoder.js") as new (buffer: Buffer) => unknown;

// kafkajs supports none, gzip and (with kafkajs-snappy) snappy out of the box.
const KAFKAJS_CODECS = [CompressionType.none, CompressionType.gzip, CompressionType.snappy] as const;

interface Draft {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer }[];
  timestampDelta: bigint;
}

// kafkajs keeps headers in an object, so keys here are distinct, non-numeric (object key order)
// and prefixed (no prototype names), and values non-null.
const drafts = fc
  .array(
    fc.record({
      key: nullableBytes(20),
      value: nullableBytes(200),
      headers: fc.uniqueArray(
        fc.tuple(
          fc.stringMatching(/^[a-z]{1,8}$/).map((name) => `h-${name}`),
          fc.uint8Array({ maxLength: 10 }),
        ),
        { selector: ([key]) => key, maxLength: 3 },
      ),
      timestampDelta: fc.bigInt({ min: 0n, max: 100_000n }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((records): Draft[] =>
    records.map((record) => ({
      key: record.key,
      value: record.value,
      headers: record.headers.map(([key, value]) => ({ key, value: Buffer.from(value) })),
      timestampDelta: record.timestampDelta,
    })),
  );

const FIRST_TIMESTAMP = 1_700_000_000_000n;

test("batches kafkajs encodes decode here", async () => {
  await fc.assert(
    fc.asyncProperty(
      drafts,
      fc.constantFrom(...KAFKAJS_CODECS),
      fc.bigInt({ min: 0n, max: 2n ** 60n }),
      async (records, compression, baseOffset) => {
        const encoder = await RecordBatch({
          compression,
          firstOffset: baseOffset,
          firstTimestamp: FIRST_TIMESTAMP,
          maxTimestamp: FIRST_TIMESTAMP + 100_000n,
          lastOffsetDelta: records.length - 1,
          records: records.map((record, offsetDelta) =>
            Record({
              offsetDelta,
              timestampDelta: record.timestampDelta,
              key: record.key,
              value: record.value,
              headers: Object.fromEntries(record.headers.map((header) => [header.key, header.value])),
            }),
          ),
        });
        const batch = decodeRecordBatch(encoder.buffer);
        assert.equal(batch.compression, compression);
        assert.equal(batch.baseOffset, baseOffset);
        assert.equal(batch.records.length, records.length);
        records.forEach((record, i) => {
          const decoded = batch.records[i];
          assert.deepEqual(decoded.key, record.key);
          assert.deepEqual(decoded.value, record.value);
          assert.deepEqual(decoded.headers, record.headers);
          assert.equal(decoded.timestamp, FIRST_TIMESTAMP + record.timestampDelta);
          assert.equal(decoded.offset, baseOffset + BigInt(i));
        });
      },
    ),
    { numRuns: 60 },
  );
});

test("batches encoded here decode in kafkajs", async () => {
  await fc.assert(
    fc.asyncProperty(
      drafts,
      fc.constantFrom(...KAFKAJS_CODECS),
      fc.bigInt({ min: 0n, max: 2n ** 60n }),
      async (records, compression, baseOffset) => {
        const encoded = encodeRecordBatch({
          baseOffset,
          compression,
          records: records.map((record) => ({
            key: record.key,
            value: record.value,
            headers: record.headers,
            timestamp: FIRST_TIMESTAMP + record.timestampDelta,
          })),
        });
        const batch = await decodeKafkajsBatch(new Decoder(encoded));
        assert.equal(batch.firstOffset, String(baseOffset));
        assert.equal(batch.lastOffsetDelta, records.length - 1);
        assert.equal(batch.records.length, records.length);
        records.forEach((record, i) => {
          const decoded = batch.records[i];
          assert.deepEqual(decoded.key, record.key);
          assert.deepEqual(decoded.value, record.value);
          assert.deepEqual(
            { ...decoded.headers },
            Object.fromEntries(record.headers.map((h) => [h.key, h.value])),
          );
          assert.equal(decoded.timestamp, String(FIRST_TIMESTAMP + record.timestampDelta));
          assert.equal(decoded.offset, String(baseOffset + BigInt(i)));
        });
      },
    ),
    { numRuns: 60 },
  );
});
