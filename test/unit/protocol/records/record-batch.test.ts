import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { DecodeError, Reader, Writer } from "../../../../src/protocol/primitives.ts";
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  checkBatch,
  RECORDS_COUNT_OFFSET,
  TimestampType,
} from "../../../../src/protocol/records/batch-header.ts";
import { CompressionType } from "../../../../src/protocol/records/compression/index.ts";
import { crc32cReference } from "../../../../src/protocol/records/crc32c.ts";
import { decodeRecords, type RecordInput, writeRecord } from "../../../../src/protocol/records/record.ts";
import {
  decodeRecordBatch,
  encodeRecordBatch,
  recordBatchInputOf,
  recordsSection,
  recordTimestamp,
} from "../../../../src/protocol/records/record-batch.ts";
import { compressionType, recordList } from "./arbitraries.ts";

function assertRecordsMatch(actual: ReturnType<typeof decodeRecordBatch>, expected: RecordInput[]): void {
  assert.equal(actual.records.length, expected.length);
  expected.forEach((input, i) => {
    const record = actual.records[i];
    assert.deepEqual(record.key, input.key);
    assert.deepEqual(record.value, input.value);
    assert.deepEqual(record.headers, input.headers ?? []);
    assert.equal(record.timestamp, input.timestamp);
    assert.equal(record.offsetDelta, input.offsetDelta ?? i);
    assert.equal(record.offset, actual.baseOffset + BigInt(record.offsetDelta));
  });
}

test("batches round trip through every codec, and re-encode to the same bytes", () => {
  fc.assert(
    fc.property(
      recordList(12),
      compressionType,
      fc.bigInt({ min: 0n, max: 2n ** 62n }),
      fc.boolean(),
      ({ records }, compression, baseOffset, transactional) => {
        const encoded = encodeRecordBatch({
          baseOffset,
          compression,
          producerId: transactional ? 9n : -1n,
          producerEpoch: transactional ? 3 : -1,
          baseSequence: transactional ? 17 : -1,
          isTransactional: transactional,
          records,
        });
        assert.equal(checkBatch(encoded), encoded.length);
        const batch = decodeRecordBatch(encoded);
        assert.equal(batch.compression, compression);
        assert.equal(batch.baseOffset, baseOffset);
        assert.equal(batch.isTransactional, transactional);
        assert.equal(batch.sizeBytes, encoded.length);
        assert.equal(batch.lastOffsetDelta, records.at(-1)?.offsetDelta ?? 0);
        let expectedMax = -1n;
        for (const record of records) if (record.timestamp > expectedMax) expectedMax = record.timestamp;
        assert.equal(batch.maxTimestamp, expectedMax);
        assertRecordsMatch(batch, records);
        assert.deepEqual(encodeRecordBatch(recordBatchInputOf(batch)), encoded);
      },
    ),
    { numRuns: 150 },
  );
});

test("large values cross codec block boundaries intact", () => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  for (const compression of [0, 1, 2, 3, 4] as const) {
    const records = [
      { key: null, value: big, timestamp: 1n },
      { key: Buffer.from("k"), value: Buffer.alloc(70_000, 0x61), timestamp: 2n },
    ];
    const batch = decodeRecordBatch(encodeRecordBatch({ compression, records }));
    assertRecordsMatch(batch, records);
  }
});

test("an explicit baseTimestamp gives negative and huge deltas that survive", () => {
  const records = [
    { key: null, value: null, timestamp: -(2n ** 62n) },
    { key: null, value: null, timestamp: 2n ** 62n },
  ];
  const batch = decodeRecordBatch(encodeRecordBatch({ baseTimestamp: 0n, records }));
  assert.equal(batch.baseTimestamp, 0n);
  assert.equal(batch.records[0].timestampDelta, -(2n ** 62n));
  assertRecordsMatch(batch, records);
});

test("an empty batch has Kafka's no-timestamp header, compressed or not", () => {
  for (const compression of [0, 1, 2, 3, 4] as const) {
    const batch = decodeRecordBatch(encodeRecordBatch({ compression, records: [], lastOffsetDelta: 4 }));
    assert.equal(batch.records.length, 0);
    assert.equal(batch.baseTimestamp, -1n);
    assert.equal(batch.maxTimestamp, -1n);
    assert.equal(batch.lastOffsetDelta, 4);
  }
});

test("LogAppendTime batches report maxTimestamp for every record", () => {
  const encoded = encodeRecordBatch({
    timestampType: TimestampType.logAppendTime,
    maxTimestamp: 5000n,
    records: [
      { key: null, value: Buffer.from("a"), timestamp: 1000n },
      { key: null, value: Buffer.from("b"), timestamp: 1001n },
    ],
  });
  const batch = decodeRecordBatch(encoded);
  assert.equal(batch.timestampType, TimestampType.logAppendTime);
  assert.equal(encoded.readInt16BE(ATTRIBUTES_OFFSET) & 0x08, 0x08);
  assert.deepEqual(
    batch.records.map((record) => record.timestamp),
    [1000n, 1001n],
  );
  assert.deepEqual(
    batch.records.map((record) => recordTimestamp(batch, record)),
    [5000n, 5000n],
  );
});

test("the delete-horizon flag stores the horizon as baseTimestamp", () => {
  const encoded = encodeRecordBatch({
    deleteHorizonMs: 9_000n,
    records: [{ key: Buffer.from("k"), value: null, timestamp: 8_000n }],
  });
  const batch = decodeRecordBatch(encoded);
  assert.equal(batch.hasDeleteHorizon, true);
  assert.equal(batch.baseTimestamp, 9_000n);
  assert.equal(batch.records[0].timestampDelta, -1_000n);
  assert.equal(batch.records[0].timestamp, 8_000n);
  assert.deepEqual(encodeRecordBatch(recordBatchInputOf(batch)), encoded);
});

test("keys, values and header values are views into the batch, not copies", () => {
  const encoded = encodeRecordBatch({
    records: [
      {
        key: Buffer.from("key"),
        value: Buffer.from("value"),
        headers: [{ key: "h", value: Buffer.from("v") }],
        timestamp: 0n,
      },
    ],
  });
  const record = decodeRecordBatch(encoded).records[0];
  assert.equal(record.key?.buffer, encoded.buffer);
  assert.equal(record.value?.buffer, encoded.buffer);
  assert.equal(record.headers[0].value?.buffer, encoded.buffer);
});

test("decoding bounds the inflated size of compressed records", () => {
  const records = [{ key: null, value: Buffer.alloc(1_000_000), timestamp: 0n }];
  for (const compression of [1, 2, 3, 4] as const) {
    const encoded = encodeRecordBatch({ compression, records });
    assert.ok(encoded.length < 100_000, `codec ${compression} should shrink zeros`);
    assert.throws(() => decodeRecordBatch(encoded, { maxUncompressedBytes: 500_000 }), DecodeError);
    assert.equal(decodeRecordBatch(encoded, { maxUncompressedBytes: 1_100_000 }).records.length, 1);
  }
});

test("an unknown compression codec is a DecodeError", () => {
  const encoded = encodeRecordBatch({ records: [{ key: null, value: Buffer.from("x"), timestamp: 0n }] });
  encoded.writeInt16BE(5, ATTRIBUTES_OFFSET);
  encoded.writeUInt32BE(crc32cReference(encoded.subarray(21)), CRC_OFFSET);
  assert.throws(() => decodeRecordBatch(encoded), /unknown compression codec 5/);
  const empty = encodeRecordBatch({ records: [] });
  empty.writeInt16BE(7, ATTRIBUTES_OFFSET);
  empty.writeUInt32BE(crc32cReference(empty.subarray(21)), CRC_OFFSET);
  assert.throws(() => decodeRecordBatch(empty), /unknown compression codec 7/);
});

test("the inflation bound does not apply to uncompressed records", () => {
  const encoded = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(10_000), timestamp: 0n }] });
  assert.equal(decodeRecordBatch(encoded, { maxUncompressedBytes: 100 }).records.length, 1);
});

test("the uncompressed records section is exposed for re-encoding", () => {
  const records = [{ key: Buffer.from("a"), value: Buffer.from("b"), timestamp: 10n }];
  const plain = encodeRecordBatch({ records });
  const gzipped = encodeRecordBatch({ compression: CompressionType.gzip, records });
  assert.deepEqual(recordsSection(gzipped, 0, gzipped.length), recordsSection(plain, 0, plain.length));
});

function recordBytes(fields: Parameters<typeof writeRecord>[1]): Buffer {
  const writer = new Writer();
  writeRecord(writer, fields);
  return writer.toBuffer();
}

const plainRecord = {
  offsetDelta: 0,
  timestampDelta: 0n,
  key: null,
  value: Buffer.from("v"),
  headers: [],
  attributes: 0,
};

test("malformed records are DecodeErrors, never crashes or huge allocations", () => {
  const good = recordBytes(plainRecord);
  assert.equal(decodeRecords(new Reader(good), 1, 0n, 0n).length, 1);
  // A record count that the bytes cannot hold.
  assert.throws(() => decodeRecords(new Reader(good), 1_000_000, 0n, 0n), /claims 1000000 records/);
  // Fewer records than the bytes hold.
  assert.throws(
    () => decodeRecords(new Reader(Buffer.concat([good, good])), 1, 0n, 0n),
    /follow the batch's last record/,
  );
  // A record length one byte longer than its body.
  const longer = Buffer.from(good);
  longer[0] += 2;
  assert.throws(() => decodeRecords(new Reader(longer), 1, 0n, 0n), DecodeError);
  // A record length one byte shorter than its body.
  const shorter = Buffer.concat([Buffer.from(good), Buffer.from([0])]);
  shorter[0] += 2;
  assert.throws(() => decodeRecords(new Reader(shorter), 1, 0n, 0n), /past its last header/);
  // A key length of -2, and a header count that lies.
  const badKey = recordBytes({ ...plainRecord, key: Buffer.from("k") });
  badKey[4] = 3; // zig-zag -2
  assert.throws(() => decodeRecords(new Reader(badKey), 1, 0n, 0n), /key has invalid length/);
  const badHeaders = Buffer.from(good);
  badHeaders[badHeaders.length - 1] = 100; // zig-zag 50 headers in 0 bytes
  assert.throws(() => decodeRecords(new Reader(badHeaders), 1, 0n, 0n), /invalid header count/);
});

test("random corruption of a batch's records never escapes as anything but DecodeError", () => {
  const pristine = encodeRecordBatch({
    records: [
      {
        key: Buffer.from("key"),
        value: Buffer.from("value"),
        headers: [{ key: "h", value: null }],
        timestamp: 1n,
      },
      { key: null, value: Buffer.alloc(40, 1), timestamp: 2n },
    ],
  });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: RECORDS_COUNT_OFFSET, max: pristine.length - 1 }), fc.nat(255)), {
        minLength: 1,
        maxLength: 4,
      }),
      (edits) => {
        const batch = Buffer.from(pristine);
        for (const [at, value] of edits) batch[at] = value;
        try {
          decodeRecordBatch(batch, { verifyCrc: false });
        } catch (error) {
          assert.ok(error instanceof DecodeError, String(error));
        }
      },
    ),
    { numRuns: 500 },
  );
});
