// Record batches written by real clients (the Java client, librdkafka, kafkajs),
// found inside captured Produce requests and Fetch responses. Batches are located
// by scanning each frame for a plausible header with a valid CRC, so this test
// does not depend on the message codec.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  BATCH_HEADER_BYTES,
  CRC_OFFSET,
  computeBatchCrc,
  LENGTH_OFFSET,
  LOG_OVERHEAD_BYTES,
  MAGIC_OFFSET,
  MIN_BATCH_LENGTH_BYTES,
} from "../../../../src/protocol/records/batch-header.ts";
import { codecFor, compressionName } from "../../../../src/protocol/records/compression/index.ts";
import {
  decodeRecordBatch,
  encodeRecordBatch,
  encodeRecords,
  type RecordBatch,
  recordBatchInputOf,
  recordsSection,
} from "../../../../src/protocol/records/record-batch.ts";

const goldenDir = fileURLToPath(new URL("../../../fixtures/golden/", import.meta.url));
const manifestPath = join(goldenDir, "manifest.json");

interface GoldenEntry {
  file: string;
  client: string;
  direction: "request" | "response";
  apiKey: number;
  codec: string | null;
  note: string;
}

const PRODUCE = 0;
const FETCH = 1;

/** Positions of every whole batch in `frame` whose magic is 2 and whose CRC holds. */
function findBatches(frame: Buffer): number[] {
  const found: number[] = [];
  for (let at = 0; at + BATCH_HEADER_BYTES <= frame.length; at++) {
    if (frame[at + MAGIC_OFFSET] !== 2) continue;
    const batchLength = frame.readInt32BE(at + LENGTH_OFFSET);
    const size = LOG_OVERHEAD_BYTES + batchLength;
    if (batchLength < MIN_BATCH_LENGTH_BYTES || at + size > frame.length) continue;
    if (computeBatchCrc(frame, at, size) !== frame.readUInt32BE(at + CRC_OFFSET)) continue;
    found.push(at);
    at += size - 1;
  }
  return found;
}

function assertSameRecords(actual: RecordBatch, expected: RecordBatch): void {
  assert.equal(actual.records.length, expected.records.length);
  actual.records.forEach((record, i) => {
    const other = expected.records[i];
    assert.equal(record.offset, other.offset);
    assert.equal(record.timestamp, other.timestamp);
    assert.deepEqual(record.key, other.key);
    assert.deepEqual(record.value, other.value);
    assert.deepEqual(record.headers, other.headers);
  });
}

function checkBatchAt(frame: Buffer, position: number, entry: GoldenEntry): RecordBatch {
  const batch = decodeRecordBatch(frame, { position });
  const original = frame.subarray(position, position + batch.sizeBytes);
  assert.equal(compressionName(batch.compression), entry.codec, "codec");
  const input = recordBatchInputOf(batch);
  if (batch.compression === 0) {
    assert.deepEqual(encodeRecordBatch(input), original, "uncompressed batch re-encodes byte for byte");
    return batch;
  }
  // Another implementation's compressed bytes may legitimately differ from ours,
  // so compare what is inside: the records section must re-encode exactly...
  const section = recordsSection(frame, position, batch.sizeBytes);
  assert.deepEqual(
    encodeRecords(input.records, batch.baseTimestamp),
    section,
    "records section re-encodes byte for byte",
  );
  // ...and survive our compressor and decompressor unchanged.
  const codec = codecFor(batch.compression);
  assert.deepEqual(codec.decompress(codec.compress(section), section.length), section);
  const reencoded = decodeRecordBatch(encodeRecordBatch(input));
  assert.equal(reencoded.compression, batch.compression);
  assertSameRecords(reencoded, batch);
  return batch;
}

const entries: GoldenEntry[] = existsSync(manifestPath)
  ? (JSON.parse(readFileSync(manifestPath, "utf8")) as GoldenEntry[]).filter(
      (entry) =>
        (entry.apiKey === PRODUCE && entry.direction === "request") ||
        (entry.apiKey === FETCH && entry.direction === "response"),
    )
  : [];

if (entries.length === 0) {
  test("golden record batches from real clients", {
    skip: `no Produce/Fetch captures: ${manifestPath} is absent or lists none`,
  }, () => {});
}

for (const entry of entries) {
  test(`golden batches in ${entry.file} decode and re-encode`, () => {
    const frame = readFileSync(join(goldenDir, entry.file));
    const positions = findBatches(frame);
    const batches = positions.map((position) => checkBatchAt(frame, position, entry));
    // The capture notes say what each frame carries, e.g. "2 record batch(es), 6 records, producerId -1".
    const counts = /(\d+) record batch\(es\), (\d+) records, producerId (-?\d+)/.exec(entry.note);
    assert.ok(counts !== null, `manifest note of ${entry.file} gives no counts: ${entry.note}`);
    assert.equal(batches.length, Number(counts[1]), "batch count");
    assert.equal(
      batches.reduce((sum, batch) => sum + batch.records.length, 0),
      Number(counts[2]),
      "record count",
    );
    for (const batch of batches) assert.equal(batch.producerId, BigInt(counts[3]), "producerId");
  });
}

test("golden captures cover every codec from at least two clients", { skip: entries.length === 0 }, () => {
  const clientsByCodec = new Map<string, Set<string>>();
  for (const entry of entries) {
    const clients = clientsByCodec.get(entry.codec ?? "none") ?? new Set<string>();
    clients.add(entry.client);
    clientsByCodec.set(entry.codec ?? "none", clients);
  }
  for (const codec of ["none", "gzip", "snappy", "lz4", "zstd"]) {
    assert.ok((clientsByCodec.get(codec)?.size ?? 0) >= 2, `${codec} captured from fewer than two clients`);
  }
});
