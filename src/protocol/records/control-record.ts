/**
 * Control records: the transaction markers a partition leader appends when a
 * transaction commits or aborts (and, in KRaft logs, leader-change and
 * snapshot records). A control batch has attribute bits 4 (transactional)
 * and 5 (control) set and holds one record:
 *
 *   key    int16 version (0), int16 type (0 abort, 1 commit, 2+ KRaft types)
 *   value  for end-transaction markers: int16 version (0), int32 coordinatorEpoch
 *
 * Like Java's reader, newer key and value versions are read as version 0
 * and extra trailing bytes ignored; negative versions are corruption.
 */

import { DecodeError } from "../primitives.ts";
import { NO_PARTITION_LEADER_EPOCH, NO_SEQUENCE } from "./batch-header.ts";
import type { DecodedRecord } from "./record.ts";
import { type DecodeRecordBatchOptions, decodeRecordBatch, encodeRecordBatch } from "./record-batch.ts";

export const ControlRecordType = {
  abort: 0,
  commit: 1,
  leaderChange: 2,
  snapshotHeader: 3,
  snapshotFooter: 4,
  kraftVersion: 5,
  kraftVoters: 6,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

const CONTROL_KEY_VERSION = 0;
const END_TXN_MARKER_VERSION = 0;
const CONTROL_KEY_BYTES = 4;
const END_TXN_MARKER_VALUE_BYTES = 6;

export interface ControlRecordKey {
  version: number;
  /** A ControlRecordType value, or an id this code does not know. */
  type: number;
}

export interface EndTransactionMarker {
  committed: boolean;
  coordinatorEpoch: number;
}

export function encodeControlRecordKey(type: ControlRecordType): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_KEY_BYTES);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function decodeControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < CONTROL_KEY_BYTES) {
    throw new DecodeError(
      `control record key of ${key?.length ?? "null"} bytes; expected at least ${CONTROL_KEY_BYTES}`,
    );
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new DecodeError(`control record key has negative version ${version}`);
  return { version, type: key.readInt16BE(2) };
}

export function encodeEndTransactionMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(END_TXN_MARKER_VALUE_BYTES);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** The marker a control record carries; throws if it is not a commit or abort marker. */
export function decodeEndTransactionMarker(record: DecodedRecord): EndTransactionMarker {
  const { type } = decodeControlRecordKey(record.key);
  if (type !== ControlRecordType.abort && type !== ControlRecordType.commit) {
    throw new DecodeError(`control record type ${type} is not a transaction marker`);
  }
  const value = record.value;
  if (value === null || value.length < END_TXN_MARKER_VALUE_BYTES) {
    throw new DecodeError(`transaction marker value of ${value?.length ?? "null"} bytes is too short`);
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new DecodeError(`transaction marker has negative version ${version}`);
  return { committed: type === ControlRecordType.commit, coordinatorEpoch: value.readInt32BE(2) };
}

export interface EndTransactionMarkerBatchInput {
  baseOffset: bigint;
  partitionLeaderEpoch?: number;
  producerId: bigint;
  producerEpoch: number;
  /** Milliseconds; the time the marker is written. */
  timestamp: bigint;
  marker: EndTransactionMarker;
}

/** A control batch holding one commit or abort marker, laid out as Kafka's leader writes it. */
export function encodeEndTransactionMarkerBatch(input: EndTransactionMarkerBatchInput): Buffer {
  const type = input.marker.committed ? ControlRecordType.commit : ControlRecordType.abort;
  return encodeRecordBatch({
    baseOffset: input.baseOffset,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: NO_SEQUENCE,
    isTransactional: true,
    isControlBatch: true,
    records: [
      {
        key: encodeControlRecordKey(type),
        value: encodeEndTransactionMarkerValue(input.marker.coordinatorEpoch),
        timestamp: input.timestamp,
      },
    ],
  });
}

export interface DecodedEndTransactionMarkerBatch extends EndTransactionMarker {
  baseOffset: bigint;
  partitionLeaderEpoch: number;
  producerId: bigint;
  producerEpoch: number;
  timestamp: bigint;
}

/** Decodes a control batch that must hold exactly one transaction marker. */
export function decodeEndTransactionMarkerBatch(
  buffer: Buffer,
  options: DecodeRecordBatchOptions = {},
): DecodedEndTransactionMarkerBatch {
  const batch = decodeRecordBatch(buffer, options);
  if (!batch.isControlBatch) throw new DecodeError("batch is not a control batch");
  if (batch.records.length !== 1) {
    throw new DecodeError(`transaction marker batch holds ${batch.records.length} records, expected 1`);
  }
  const record = batch.records[0];
  return {
    ...decodeEndTransactionMarker(record),
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    timestamp: record.timestamp,
  };
}
