/**
 * Records the interop tests send and read back, and the byte-for-byte
 * comparison between the two. On the wire to the Java harness, keys, values
 * and header values are base64 and null stays null.
 */
import assert from "node:assert/strict";

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface TestRecord {
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  timestamp?: number;
}

export interface ConsumedRecord extends TestRecord {
  offset: number;
  timestamp: number;
  timestampType: string;
  leaderEpoch: number;
}

interface WireHeader {
  key: string;
  value: string | null;
}

export interface WireRecord {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
  headers: WireHeader[];
  timestamp?: number;
}

export interface WireConsumedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  leaderEpoch: number;
  key: string | null;
  value: string | null;
  headers: WireHeader[];
}

const b64 = (bytes: Buffer | null): string | null => (bytes === null ? null : bytes.toString("base64"));
const unb64 = (text: string | null): Buffer | null => (text === null ? null : Buffer.from(text, "base64"));

export function toWire(topic: string, record: TestRecord): WireRecord {
  return {
    topic,
    partition: record.partition,
    key: b64(record.key),
    value: b64(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: b64(h.value) })),
    ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
  };
}

export function fromWire(record: WireConsumedRecord): ConsumedRecord {
  return {
    ...record,
    key: unb64(record.key),
    value: unb64(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: unb64(h.value) })),
  };
}

/**
 * Deterministic records spread over partitions with everything a record can
 * carry: null and empty keys and values, every byte value, multi-byte UTF-8,
 * repeated, empty and null header values, and now and then a large value.
 */
export function sampleRecords(options: { tag: string; partitions: number; count: number }): TestRecord[] {
  const records: TestRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const key =
      i % 7 === 3
        ? null
        : Buffer.concat([Buffer.from(`${options.tag}-k${i}-`), Buffer.from([0, 0xff, i & 0xff])]);
    let value: Buffer | null;
    if (i % 11 === 5) value = null;
    else if (i % 13 === 6) value = Buffer.alloc(0);
    else {
      const binary = Buffer.alloc((i * 37) % 300);
      for (let j = 0; j < binary.length; j++) binary[j] = (i * 31 + j * 7) & 0xff;
      const large = i % 17 === 8 ? Buffer.from(`${options.tag} repeat `.repeat(2_000)) : Buffer.alloc(0);
      value = Buffer.concat([Buffer.from(`héllo ✓ ${options.tag} #${i} `), binary, large]);
    }
    const headers: RecordHeader[] = [];
    if (i % 5 !== 0) {
      headers.push({ key: "trace", value: Buffer.from(`t-${options.tag}-${i}`) });
      headers.push({ key: "bin", value: Buffer.from([0, 1, 0xfe, 0xff, i & 0xff]) });
      if (i % 3 === 0) headers.push({ key: "nullable", value: null });
      if (i % 4 === 0) headers.push({ key: "trace", value: Buffer.from("again") });
      if (i % 6 === 1) headers.push({ key: "ünïcode-ключ", value: Buffer.alloc(0) });
    }
    records.push({ partition: i % options.partitions, key, value, headers });
  }
  return records;
}

function describeBytes(bytes: Buffer | null): string {
  if (bytes === null) return "null";
  const hex = bytes.subarray(0, 32).toString("hex");
  return `${bytes.length} bytes ${hex}${bytes.length > 32 ? "…" : ""}`;
}

function sameBytes(actual: Buffer | null, expected: Buffer | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  return actual.equals(expected);
}

/**
 * Every expected record, per partition in the order it was sent, equals the
 * record read back at consecutive offsets from `firstOffsets` (default 0):
 * key, value and headers byte for byte, and the timestamp when one was set.
 */
export function assertSameRecords(
  actual: readonly ConsumedRecord[],
  expected: readonly TestRecord[],
  label: string,
  firstOffsets: ReadonlyMap<number, number> = new Map(),
): void {
  const byPartition = new Map<number, TestRecord[]>();
  for (const record of expected) {
    const list = byPartition.get(record.partition) ?? [];
    list.push(record);
    byPartition.set(record.partition, list);
  }
  const read = new Map<number, ConsumedRecord[]>();
  for (const record of actual) {
    const list = read.get(record.partition) ?? [];
    list.push(record);
    read.set(record.partition, list);
  }
  assert.deepEqual(
    [...read.keys()].sort(),
    [...byPartition.keys()].sort(),
    `${label}: partitions read back differ from those written`,
  );
  for (const [partition, sent] of byPartition) {
    const got = (read.get(partition) ?? []).sort((a, b) => a.offset - b.offset);
    assert.equal(
      got.length,
      sent.length,
      `${label}: partition ${partition} holds ${got.length} of ${sent.length}`,
    );
    const first = firstOffsets.get(partition) ?? 0;
    sent.forEach((want, i) => {
      const have = got[i];
      const where = `${label}: partition ${partition} record ${i} (offset ${have.offset})`;
      assert.equal(have.offset, first + i, `${where}: offsets are not consecutive`);
      assert.ok(
        sameBytes(have.key, want.key),
        `${where}: key ${describeBytes(have.key)}, expected ${describeBytes(want.key)}`,
      );
      assert.ok(
        sameBytes(have.value, want.value),
        `${where}: value ${describeBytes(have.value)}, expected ${describeBytes(want.value)}`,
      );
      assert.equal(have.headers.length, want.headers.length, `${where}: header count`);
      want.headers.forEach((header, h) => {
        assert.equal(have.headers[h].key, header.key, `${where}: header ${h} key`);
        assert.ok(
          sameBytes(have.headers[h].value, header.value),
          `${where}: header ${header.key} ${describeBytes(have.headers[h].value)}, expected ${describeBytes(header.value)}`,
        );
      });
      if (want.timestamp !== undefined) assert.equal(have.timestamp, want.timestamp, `${where}: timestamp`);
    });
  }
}

/** `perPartition` records to each partition, valued `<tag>-<partition>-<i>`, interleaved across partitions. */
export function taggedRecords(tag: string, partitions: number, perPartition: number): TestRecord[] {
  return Array.from({ length: partitions * perPartition }, (_, n) => {
    const partition = n % partitions;
    const i = Math.floor(n / partitions);
    return { partition, key: null, value: Buffer.from(`${tag}-${partition}-${i}`), headers: [] };
  });
}
