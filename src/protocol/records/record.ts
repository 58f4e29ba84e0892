/**
 * One record inside a magic-v2 batch.
 *
 * Byte format (zig-zag varints as in protobuf):
 *   length          varint  bytes after this field
 *   attributes      int8    unused by Kafka so far; kept as read
 *   timestampDelta  varlong record timestamp - batch baseTimestamp
 *   offsetDelta     varint  record offset - batch baseOffset
 *   keyLength       varint  -1 for a null key
 *   key             bytes
 *   valueLength     varint  -1 for a null value
 *   value           bytes
 *   headerCount     varint
 *   headers         headerCount times:
 *     keyLength varint, key (UTF-8, never null),
 *     valueLength varint (-1 for null), value
 *
 * Decoding never allocates for a count before checking it against the bytes
 * left, and every length is checked against the record's own length, so a
 * hostile record costs at most a pass over its bytes.
 */

import assert from "node:assert/strict";
import { DecodeError, type Reader, type Writer } from "../primitives.ts";

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  /** Absolute offset: the batch's baseOffset + offsetDelta. */
  offset: bigint;
  offsetDelta: number;
  /**
   * baseTimestamp + timestampDelta, in milliseconds, as stored. For a
   * LogAppendTime batch Kafka reports the batch's maxTimestamp instead (see
   * `recordTimestamp` in record-batch.ts).
   */
  timestamp: bigint;
  timestampDelta: bigint;
  attributes: number;
  /** Views into the batch (or its decompressed records), not copies. */
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** What a caller gives to encode one record. */
export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch (or any int64 the producer chose). */
  timestamp: bigint;
  /** Defaults to the record's index in the batch; must increase through the batch. */
  offsetDelta?: number;
}

/** length(1) + attributes(1) + timestampDelta(1) + offsetDelta(1) + key(1) + value(1) + headerCount(1). */
export const MIN_RECORD_BYTES = 7;
/** keyLength(1) + valueLength(1). */
const MIN_HEADER_BYTES = 2;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Decodes `count` records from `reader`, which must hold exactly them.
 * Throws DecodeError on any malformation, including bytes left over.
 */
export function decodeRecords(
  reader: Reader,
  count: number,
  baseOffset: bigint,
  baseTimestamp: bigint,
): DecodedRecord[] {
  if (count > reader.remaining / MIN_RECORD_BYTES) {
    throw new DecodeError(`batch claims ${count} records but holds only ${reader.remaining} bytes of them`);
  }
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count && !reader.failed; i++) {
    const length = reader.varint();
    if (length < MIN_RECORD_BYTES - 1) reader.fail(`record ${i} has invalid length ${length}`);
    const body = reader.sub(length);
    const record = decodeRecordBody(body, baseOffset, baseTimestamp);
    if (body.remaining !== 0) body.fail(`record ${i} has ${body.remaining} bytes past its last header`);
    reader.absorb(body);
    records.push(record);
  }
  if (!reader.failed && reader.remaining !== 0) {
    reader.fail(`${reader.remaining} bytes follow the batch's last record`);
  }
  if (reader.failed) throw new DecodeError(`invalid record: ${reader.failureReason}`);
  return records;
}

function decodeRecordBody(body: Reader, baseOffset: bigint, baseTimestamp: bigint): DecodedRecord {
  const attributes = body.int8();
  const timestampDelta = body.varlong();
  const offsetDelta = body.varint();
  const key = nullableVarintBytes(body, "key");
  const value = nullableVarintBytes(body, "value");
  const headerCount = body.varint();
  const headers: RecordHeader[] = [];
  if (headerCount < 0 || headerCount > body.remaining / MIN_HEADER_BYTES) {
    body.fail(`record has invalid header count ${headerCount}`);
  } else {
    for (let i = 0; i < headerCount && !body.failed; i++) {
      const keyLength = body.varint();
      if (keyLength < 0) body.fail(`header key has invalid length ${keyLength}`);
      const headerKey = body.raw(keyLength).toString("utf8");
      headers.push({ key: headerKey, value: nullableVarintBytes(body, "header value") });
    }
  }
  return {
    offset: baseOffset + BigInt(offsetDelta),
    offsetDelta,
    timestamp: baseTimestamp + timestampDelta,
    timestampDelta,
    attributes,
    key,
    value,
    headers,
  };
}

function nullableVarintBytes(reader: Reader, what: string): Buffer | null {
  const length = reader.varint();
  if (length === -1) return null;
  if (length < -1) {
    reader.fail(`${what} has invalid length ${length}`);
    return null;
  }
  return reader.raw(length);
}

/** Everything `writeRecord` needs, deltas already computed. */
export interface RecordFields {
  offsetDelta: number;
  timestampDelta: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
  attributes: number;
}

/** Appends one record. Header keys are encoded once and reused for size and bytes. */
export function writeRecord(writer: Writer, record: RecordFields): void {
  assert.ok(
    record.timestampDelta >= INT64_MIN && record.timestampDelta <= INT64_MAX,
    "timestamp delta outside int64",
  );
  assert.ok(
    Number.isInteger(record.offsetDelta) && record.offsetDelta >= 0,
    "offset delta must be a non-negative integer",
  );
  const headerKeys = record.headers.map((header) => Buffer.from(header.key, "utf8"));
  let bodyBytes =
    1 +
    varlongSize(record.timestampDelta) +
    varintSize(record.offsetDelta) +
    nullableBytesSize(record.key) +
    nullableBytesSize(record.value) +
    varintSize(record.headers.length);
  for (let i = 0; i < headerKeys.length; i++) {
    bodyBytes +=
      varintSize(headerKeys[i].length) + headerKeys[i].length + nullableBytesSize(record.headers[i].value);
  }
  writer.varint(bodyBytes);
  writer.int8(record.attributes);
  writer.varlong(record.timestampDelta);
  writer.varint(record.offsetDelta);
  writeNullableBytes(writer, record.key);
  writeNullableBytes(writer, record.value);
  writer.varint(record.headers.length);
  for (let i = 0; i < headerKeys.length; i++) {
    writer.varint(headerKeys[i].length);
    writer.raw(headerKeys[i]);
    writeNullableBytes(writer, record.headers[i].value);
  }
}

function writeNullableBytes(writer: Writer, bytes: Buffer | null): void {
  if (bytes === null) {
    writer.varint(-1);
    return;
  }
  writer.varint(bytes.length);
  writer.raw(bytes);
}

function nullableBytesSize(bytes: Buffer | null): number {
  return bytes === null ? 1 : varintSize(bytes.length) + bytes.length;
}

/** Bytes of a zig-zag varint (32-bit). */
export function varintSize(value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (raw >= 0x80) {
    raw = Math.floor(raw / 128);
    size++;
  }
  return size;
}

/** Bytes of a zig-zag varlong (64-bit). */
export function varlongSize(value: bigint): number {
  let raw = ((value << 1n) ^ (value >> 63n)) & 0xffffffffffffffffn;
  let size = 1;
  while (raw >= 0x80n) {
    raw >>= 7n;
    size++;
  }
  return size;
}
