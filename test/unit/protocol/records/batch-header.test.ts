import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { DecodeError } from "../../../../src/protocol/primitives.ts";
import {
  BATCH_HEADER_BYTES,
  CRC_OFFSET,
  checkBatch,
  checkBatchShape,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  MAGIC_OFFSET,
  RECORDS_COUNT_OFFSET,
  readBaseOffset,
  readBatchHeader,
  readLastOffset,
  readRecordCount,
  setBaseOffset,
  setPartitionLeaderEpoch,
  verifyCrc,
  wholeBatchSize,
} from "../../../../src/protocol/records/batch-header.ts";
import {
  batchesIn,
  checkWholeBatches,
  forEachBatch,
} from "../../../../src/protocol/records/batch-iterator.ts";
import { crc32cReference } from "../../../../src/protocol/records/crc32c.ts";
import { encodeRecordBatch } from "../../../../src/protocol/records/record-batch.ts";

function sampleBatch(recordCount = 3, baseOffset = 0n): Buffer {
  return encodeRecordBatch({
    baseOffset,
    producerId: 42n,
    producerEpoch: 7,
    baseSequence: 100,
    records: Array.from({ length: recordCount }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(`value-${i}`),
      timestamp: 1_700_000_000_000n + BigInt(i),
    })),
  });
}

/** Re-stamps the CRC after a test tampers with a checksummed field. */
function restampCrc(batch: Buffer): void {
  batch.writeUInt32BE(crc32cReference(batch.subarray(21)), CRC_OFFSET);
}

test("the header reads back what was encoded and the CRC matches the table oracle", () => {
  const batch = sampleBatch(3, 5n);
  const header = readBatchHeader(batch);
  assert.equal(header.baseOffset, 5n);
  assert.equal(header.batchLength, batch.length - 12);
  assert.equal(header.partitionLeaderEpoch, -1);
  assert.equal(header.magic, 2);
  assert.equal(header.crc, crc32cReference(batch.subarray(21)));
  assert.equal(header.lastOffsetDelta, 2);
  assert.equal(header.baseTimestamp, 1_700_000_000_000n);
  assert.equal(header.maxTimestamp, 1_700_000_000_002n);
  assert.equal(header.producerId, 42n);
  assert.equal(header.producerEpoch, 7);
  assert.equal(header.baseSequence, 100);
  assert.equal(header.recordCount, 3);
  assert.equal(readLastOffset(batch), 7n);
  assert.equal(readRecordCount(batch), 3);
  assert.equal(verifyCrc(batch), true);
  assert.equal(checkBatch(batch), batch.length);
});

test("patching baseOffset and partitionLeaderEpoch keeps the CRC valid", () => {
  const batch = sampleBatch();
  const crcBefore = batch.readUInt32BE(CRC_OFFSET);
  setBaseOffset(batch, 0, 1234567890123n);
  setPartitionLeaderEpoch(batch, 0, 99);
  assert.equal(readBaseOffset(batch), 1234567890123n);
  assert.equal(readBatchHeader(batch).partitionLeaderEpoch, 99);
  assert.equal(batch.readUInt32BE(CRC_OFFSET), crcBefore);
  assert.equal(checkBatch(batch), batch.length);
});

test("headers are read at a position inside a larger buffer", () => {
  const batch = sampleBatch(2, 10n);
  const framed = Buffer.concat([Buffer.from("junk!"), batch, Buffer.from("tail")]);
  assert.equal(checkBatch(framed, 5), batch.length);
  assert.equal(readBatchHeader(framed, 5).baseOffset, 10n);
  setBaseOffset(framed, 5, 77n);
  assert.equal(readBaseOffset(framed, 5), 77n);
  assert.equal(verifyCrc(framed, 5), true);
});

test("a wrong magic byte is a DecodeError", () => {
  for (const magic of [0, 1, 3, -1]) {
    const batch = sampleBatch();
    batch.writeInt8(magic, MAGIC_OFFSET);
    assert.throws(() => checkBatch(batch), DecodeError);
    assert.throws(() => readBatchHeader(batch), DecodeError);
  }
});

test("a flipped bit anywhere in the checksummed range fails the CRC check", () => {
  const pristine = sampleBatch();
  fc.assert(
    fc.property(
      fc.integer({ min: 21, max: pristine.length - 1 }),
      fc.integer({ min: 0, max: 7 }),
      (at, bit) => {
        const batch = Buffer.from(pristine);
        batch[at] ^= 1 << bit;
        assert.equal(verifyCrc(batch), false);
        assert.throws(() => checkBatch(batch), DecodeError);
      },
    ),
    { numRuns: 200 },
  );
  const corruptCrc = Buffer.from(pristine);
  corruptCrc[CRC_OFFSET] ^= 0x80;
  assert.throws(() => checkBatch(corruptCrc), /CRC/);
});

test("lengths that are negative, too small or past the end are DecodeErrors", () => {
  for (const length of [-1, -2147483648, 0, 48]) {
    const batch = sampleBatch();
    batch.writeInt32BE(length, LENGTH_OFFSET);
    assert.throws(() => wholeBatchSize(batch, 0), DecodeError, `length ${length}`);
    assert.throws(() => checkBatch(batch), DecodeError, `length ${length}`);
  }
  const longer = sampleBatch();
  longer.writeInt32BE(longer.length - 12 + 1, LENGTH_OFFSET);
  assert.equal(wholeBatchSize(longer, 0), 0, "a length past the end is a partial batch to the iterator");
  assert.throws(() => checkBatch(longer), /past the end/);
  assert.throws(() => readBatchHeader(longer), DecodeError);
  assert.throws(() => checkBatch(sampleBatch().subarray(0, 30)), DecodeError);
});

test("negative record counts and lastOffsetDelta are DecodeErrors", () => {
  const negativeCount = sampleBatch();
  negativeCount.writeInt32BE(-1, RECORDS_COUNT_OFFSET);
  restampCrc(negativeCount);
  assert.throws(() => checkBatch(negativeCount), /negative record count/);
  const negativeDelta = sampleBatch();
  negativeDelta.writeInt32BE(-5, LAST_OFFSET_DELTA_OFFSET);
  restampCrc(negativeDelta);
  assert.throws(() => checkBatchShape(negativeDelta, 0), /negative lastOffsetDelta/);
});

test("the iterator walks concatenated batches and stops cleanly at a truncated trailing batch", () => {
  const batches = [sampleBatch(1, 0n), sampleBatch(4, 1n), sampleBatch(2, 5n)];
  const whole = Buffer.concat(batches);
  assert.equal(checkWholeBatches(whole), 3);
  assert.deepEqual(
    [...batchesIn(whole)].map((span) => span.sizeBytes),
    batches.map((batch) => batch.length),
  );
  const wholeBytes = batches[0].length + batches[1].length;
  assert.equal(checkWholeBatches(whole.subarray(0, wholeBytes)), 2);
  for (let cut = wholeBytes + 1; cut < whole.length; cut++) {
    const truncated = whole.subarray(0, cut);
    const offsets: bigint[] = [];
    const end = forEachBatch(truncated, (position) => offsets.push(readBaseOffset(truncated, position)), {
      verifyCrc: true,
    });
    assert.equal(end, wholeBytes, `cut at ${cut}`);
    assert.deepEqual(offsets, [0n, 1n]);
    assert.equal([...batchesIn(truncated)].length, 2);
    assert.throws(() => checkWholeBatches(truncated), /incomplete/);
  }
  assert.equal(
    forEachBatch(Buffer.alloc(0), () => assert.fail("no batches")),
    0,
  );
});

test("the iterator throws on corruption before the end rather than treating it as truncation", () => {
  const first = sampleBatch(1);
  const second = sampleBatch(1, 1n);
  second.writeInt32BE(10, LENGTH_OFFSET);
  assert.throws(() => forEachBatch(Buffer.concat([first, second]), () => {}), DecodeError);
  const badCrc = sampleBatch(1, 1n);
  badCrc[BATCH_HEADER_BYTES] ^= 1;
  const records = Buffer.concat([first, badCrc]);
  assert.equal(
    forEachBatch(records, () => {}),
    records.length,
    "shape-only walk does not read CRCs",
  );
  assert.throws(() => forEachBatch(records, () => {}, { verifyCrc: true }), /CRC/);
});
