/**
 * `__consumer_offsets` records, in the byte format Kafka's coordinator writes:
 *
 *   key   = int16 record type | key struct (version 0)
 *             type 0 or 1 → OffsetCommitKey { group, topic, partition }
 *             type 2      → GroupMetadataKey { group }
 *   value = int16 version | value struct of that version, or null (tombstone)
 *             OffsetCommitValue v3 (v1 when an explicit expire timestamp exists)
 *             GroupMetadataValue v3
 *
 * Encoding a key with its record type rather than a struct version is what
 * lets one compacted topic hold both kinds; readers dispatch on the type.
 */
import assert from "node:assert/strict";
import {
  decodeGroupMetadataKey,
  encodeGroupMetadataKey,
} from "../../protocol/messages/group-metadata-key.ts";
import {
  decodeGroupMetadataValue,
  encodeGroupMetadataValue,
  type GroupMetadataValue,
} from "../../protocol/messages/group-metadata-value.ts";
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from "../../protocol/messages/offset-commit-key.ts";
import {
  decodeOffsetCommitValue,
  encodeOffsetCommitValue,
  type OffsetCommitValue,
} from "../../protocol/messages/offset-commit-value.ts";
import { Reader, Writer } from "../../protocol/primitives.ts";
import type { CoordinatorRecord } from "./types.ts";

const OFFSET_COMMIT_KEY_TYPE = 1;
const LEGACY_OFFSET_COMMIT_KEY_TYPE = 0;
const GROUP_METADATA_KEY_TYPE = 2;
const GROUP_METADATA_VALUE_VERSION = 3;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1;
const MAX_OFFSET_COMMIT_VALUE_VERSION = 4;
const MAX_GROUP_METADATA_VALUE_VERSION = 4;

/** A committed offset as the coordinator keeps it. */
export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Absolute expiry asked for by OffsetCommit v2–v4, or null for the retention setting. */
  expireTimestampMs: number | null;
}

export type DecodedRecord =
  | { type: "offsetCommit"; group: string; topic: string; partition: number; value: CommittedOffset | null }
  | { type: "groupMetadata"; group: string; value: GroupMetadataValue | null };

function versioned(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int16(version);
  write(w);
  return w.toBuffer();
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OFFSET_COMMIT_KEY_TYPE, (w) => encodeOffsetCommitKey(w, 0, { group, topic, partition }));
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GROUP_METADATA_KEY_TYPE, (w) => encodeGroupMetadataKey(w, 0, { group }));
}

export function offsetCommitRecord(
  group: string,
  topic: string,
  partition: number,
  committed: CommittedOffset,
): CoordinatorRecord {
  const version =
    committed.expireTimestampMs === null
      ? OFFSET_COMMIT_VALUE_VERSION
      : OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY;
  const value: OffsetCommitValue = {
    offset: committed.offset,
    leaderEpoch: committed.leaderEpoch,
    metadata: committed.metadata,
    commitTimestamp: BigInt(committed.commitTimestampMs),
    expireTimestamp: BigInt(committed.expireTimestampMs ?? -1),
  };
  return {
    key: offsetCommitKey(group, topic, partition),
    value: versioned(version, (w) => encodeOffsetCommitValue(w, version, value)),
  };
}

export function offsetTombstone(group: string, topic: string, partition: number): CoordinatorRecord {
  return { key: offsetCommitKey(group, topic, partition), value: null };
}

export function groupMetadataRecord(group: string, value: GroupMetadataValue): CoordinatorRecord {
  const version = GROUP_METADATA_VALUE_VERSION;
  return {
    key: groupMetadataKey(group),
    value: versioned(version, (w) => encodeGroupMetadataValue(w, version, value)),
  };
}

export function groupTombstone(group: string): CoordinatorRecord {
  return { key: groupMetadataKey(group), value: null };
}

/** Reads a record back; returns null for record types this coordinator does not own (e.g. consumer-protocol groups). */
export function decodeRecord(record: CoordinatorRecord): DecodedRecord | null {
  const keyReader = new Reader(record.key);
  const keyType = keyReader.int16();
  if (keyType === OFFSET_COMMIT_KEY_TYPE || keyType === LEGACY_OFFSET_COMMIT_KEY_TYPE) {
    const key = decodeOffsetCommitKey(keyReader, 0);
    assert(!keyReader.failed, "corrupt offset commit key");
    const value = record.value === null ? null : decodeOffsetValue(record.value);
    return { type: "offsetCommit", group: key.group, topic: key.topic, partition: key.partition, value };
  }
  if (keyType === GROUP_METADATA_KEY_TYPE) {
    const key = decodeGroupMetadataKey(keyReader, 0);
    assert(!keyReader.failed, "corrupt group metadata key");
    if (record.value === null) return { type: "groupMetadata", group: key.group, value: null };
    const r = new Reader(record.value);
    const version = r.int16();
    assert(
      version >= 0 && version <= MAX_GROUP_METADATA_VALUE_VERSION,
      `group metadata value version ${version}`,
    );
    const value = decodeGroupMetadataValue(r, version);
    assert(!r.failed, "corrupt group metadata value");
    return { type: "groupMetadata", group: key.group, value };
  }
  return null;
}

function decodeOffsetValue(bytes: Buffer): CommittedOffset {
  const r = new Reader(bytes);
  const version = r.int16();
  assert(
    version >= 0 && version <= MAX_OFFSET_COMMIT_VALUE_VERSION,
    `offset commit value version ${version}`,
  );
  const v = decodeOffsetCommitValue(r, version);
  assert(!r.failed, "corrupt offset commit value");
  const expire = v.expireTimestamp ?? -1n;
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch ?? -1,
    metadata: v.metadata,
    commitTimestampMs: Number(v.commitTimestamp),
    expireTimestampMs: expire < 0n ? null : Number(expire),
  };
}
