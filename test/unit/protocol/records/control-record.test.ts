import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { DecodeError } from "../../../../src/protocol/primitives.ts";
import { ATTRIBUTES_OFFSET, checkBatch } from "../../../../src/protocol/records/batch-header.ts";
import {
  ControlRecordType,
  decodeControlRecordKey,
  decodeEndTransactionMarker,
  decodeEndTransactionMarkerBatch,
  encodeControlRecordKey,
  encodeEndTransactionMarkerBatch,
  encodeEndTransactionMarkerValue,
} from "../../../../src/protocol/records/control-record.ts";
import { decodeRecordBatch, encodeRecordBatch } from "../../../../src/protocol/records/record-batch.ts";

test("transaction marker batches round trip", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n ** 62n }),
      fc.integer({ min: -1, max: 2 ** 31 - 1 }),
      fc.bigInt({ min: 0n, max: 2n ** 62n }),
      fc.integer({ min: 0, max: 32767 }),
      fc.boolean(),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      (baseOffset, partitionLeaderEpoch, producerId, producerEpoch, committed, coordinatorEpoch) => {
        const encoded = encodeEndTransactionMarkerBatch({
          baseOffset,
          partitionLeaderEpoch,
          producerId,
          producerEpoch,
          timestamp: 1_700_000_000_000n,
          marker: { committed, coordinatorEpoch },
        });
        assert.equal(checkBatch(encoded), encoded.length);
        assert.deepEqual(decodeEndTransactionMarkerBatch(encoded), {
          committed,
          coordinatorEpoch,
          baseOffset,
          partitionLeaderEpoch,
          producerId,
          producerEpoch,
          timestamp: 1_700_000_000_000n,
        });
      },
    ),
    { numRuns: 100 },
  );
});

test("a marker batch is laid out as Kafka's leader writes it", () => {
  const encoded = encodeEndTransactionMarkerBatch({
    baseOffset: 10n,
    producerId: 5n,
    producerEpoch: 2,
    timestamp: 99n,
    marker: { committed: true, coordinatorEpoch: 7 },
  });
  const batch = decodeRecordBatch(encoded);
  assert.equal(
    encoded.readInt16BE(ATTRIBUTES_OFFSET),
    0x30,
    "transactional and control bits, no compression",
  );
  assert.equal(batch.isControlBatch, true);
  assert.equal(batch.isTransactional, true);
  assert.equal(batch.baseSequence, -1);
  assert.equal(batch.partitionLeaderEpoch, -1);
  assert.equal(batch.records.length, 1);
  assert.deepEqual(batch.records[0].key, Buffer.from([0, 0, 0, 1]));
  assert.deepEqual(batch.records[0].value, Buffer.from([0, 0, 0, 0, 0, 7]));
  assert.deepEqual(batch.records[0].headers, []);
});

test("keys and values from newer versions are read as version 0, as Java reads them", () => {
  const key = Buffer.from([0, 3, 0, 0, 0xff]);
  assert.deepEqual(decodeControlRecordKey(key), { version: 3, type: ControlRecordType.abort });
  const record = decodeRecordBatch(
    encodeRecordBatch({
      isControlBatch: true,
      isTransactional: true,
      records: [{ key, value: Buffer.from([0, 1, 0, 0, 0, 9, 1, 2, 3]), timestamp: 0n }],
    }),
  ).records[0];
  assert.deepEqual(decodeEndTransactionMarker(record), { committed: false, coordinatorEpoch: 9 });
});

test("malformed control records are DecodeErrors", () => {
  assert.throws(() => decodeControlRecordKey(null), DecodeError);
  assert.throws(() => decodeControlRecordKey(Buffer.from([0, 0, 0])), DecodeError);
  assert.throws(() => decodeControlRecordKey(Buffer.from([0xff, 0xff, 0, 1])), /negative version/);
  const recordWith = (key: Buffer | null, value: Buffer | null) =>
    decodeRecordBatch(encodeRecordBatch({ isControlBatch: true, records: [{ key, value, timestamp: 0n }] }))
      .records[0];
  const commitKey = encodeControlRecordKey(ControlRecordType.commit);
  assert.throws(() => decodeEndTransactionMarker(recordWith(commitKey, null)), /too short/);
  assert.throws(() => decodeEndTransactionMarker(recordWith(commitKey, Buffer.from([0, 0, 0]))), /too short/);
  assert.throws(
    () => decodeEndTransactionMarker(recordWith(commitKey, Buffer.from([0x80, 0, 0, 0, 0, 0]))),
    /negative version/,
  );
  const leaderChange = encodeControlRecordKey(ControlRecordType.leaderChange);
  assert.throws(
    () => decodeEndTransactionMarker(recordWith(leaderChange, encodeEndTransactionMarkerValue(1))),
    /not a transaction marker/,
  );
  const plain = encodeRecordBatch({
    records: [{ key: commitKey, value: encodeEndTransactionMarkerValue(1), timestamp: 0n }],
  });
  assert.throws(() => decodeEndTransactionMarkerBatch(plain), /not a control batch/);
  const two = encodeRecordBatch({
    isControlBatch: true,
    records: [
      { key: commitKey, value: encodeEndTransactionMarkerValue(1), timestamp: 0n },
      { key: commitKey, value: encodeEndTransactionMarkerValue(1), timestamp: 0n },
    ],
  });
  assert.throws(() => decodeEndTransactionMarkerBatch(two), /holds 2 records/);
});
