/**
 * `__consumer_offsets` records of consumer-protocol groups, in Kafka's
 * format: an int16 record type then a version-0 key struct; an int16 value
 * version (0) then the flexible value struct; null value = tombstone.
 *
 *   3  ConsumerGroupMetadata           { groupId }            → { epoch, metadataHash }
 *   5  ConsumerGroupMemberMetadata     { groupId, memberId }  → subscription, client, timeouts
 *   6  ConsumerGroupTargetAssignmentMetadata { groupId }      → { assignmentEpoch, timestamp }
 *   7  ConsumerGroupTargetAssignmentMember   { groupId, memberId } → target partitions
 *   8  ConsumerGroupCurrentMemberAssignment  { groupId, memberId } → epochs, state, partitions
 *
 * Types 4 (partition metadata, no longer written by Kafka 4) and 16 (resolved
 * regular expressions — resolved here on every heartbeat instead) are read
 * and ignored, so a log written by either coordinator replays.
 */
import assert from "node:assert/strict";
import {
  decodeConsumerGroupCurrentMemberAssignmentKey,
  encodeConsumerGroupCurrentMemberAssignmentKey,
} from "../../../protocol/messages/consumer-group-current-member-assignment-key.ts";
import {
  decodeConsumerGroupCurrentMemberAssignmentValue,
  encodeConsumerGroupCurrentMemberAssignmentValue,
} from "../../../protocol/messages/consumer-group-current-member-assignment-value.ts";
import {
  decodeConsumerGroupMemberMetadataKey,
  encodeConsumerGroupMemberMetadataKey,
} from "../../../protocol/messages/consumer-group-member-metadata-key.ts";
import {
  type ConsumerGroupMemberMetadataValue,
  decodeConsumerGroupMemberMetadataValue,
  encodeConsumerGroupMemberMetadataValue,
} from "../../../protocol/messages/consumer-group-member-metadata-value.ts";
import {
  decodeConsumerGroupMetadataKey,
  encodeConsumerGroupMetadataKey,
} from "../../../protocol/messages/consumer-group-metadata-key.ts";
import {
  decodeConsumerGroupMetadataValue,
  encodeConsumerGroupMetadataValue,
} from "../../../protocol/messages/consumer-group-metadata-value.ts";
import { decodeConsumerGroupPartitionMetadataKey } from "../../../protocol/messages/consumer-group-partition-metadata-key.ts";
import { decodeConsumerGroupRegularExpressionKey } from "../../../protocol/messages/consumer-group-regular-expression-key.ts";
import {
  decodeConsumerGroupTargetAssignmentMemberKey,
  encodeConsumerGroupTargetAssignmentMemberKey,
} from "../../../protocol/messages/consumer-group-target-assignment-member-key.ts";
import {
  decodeConsumerGroupTargetAssignmentMemberValue,
  encodeConsumerGroupTargetAssignmentMemberValue,
} from "../../../protocol/messages/consumer-group-target-assignment-member-value.ts";
import {
  decodeConsumerGroupTargetAssignmentMetadataKey,
  encodeConsumerGroupTargetAssignmentMetadataKey,
} from "../../../protocol/messages/consumer-group-target-assignment-metadata-key.ts";
import {
  decodeConsumerGroupTargetAssignmentMetadataValue,
  encodeConsumerGroupTargetAssignmentMetadataValue,
} from "../../../protocol/messages/consumer-group-target-assignment-metadata-value.ts";
import { Reader, Writer } from "../../../protocol/primitives.ts";
import type { CoordinatorRecord } from "../types.ts";
import { type Assignment, assignmentOf, toTopicPartitions } from "./assignment.ts";
import type { ConsumerMember, MemberStateValue } from "./consumer-group.ts";

const RecordType = {
  GROUP_METADATA: 3,
  PARTITION_METADATA: 4,
  MEMBER_METADATA: 5,
  TARGET_METADATA: 6,
  TARGET_MEMBER: 7,
  CURRENT_ASSIGNMENT: 8,
  REGULAR_EXPRESSION: 16,
} as const;

export interface CurrentAssignmentValue {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberStateValue;
  assigned: Assignment;
  pendingRevocation: Assignment;
}

export type ConsumerGroupRecord =
  | { type: "groupMetadata"; group: string; value: { epoch: number; metadataHash: bigint } | null }
  | {
      type: "memberMetadata";
      group: string;
      memberId: string;
      value: ConsumerGroupMemberMetadataValue | null;
    }
  | { type: "targetMetadata"; group: string; value: { assignmentEpoch: number } | null }
  | { type: "targetMember"; group: string; memberId: string; value: Assignment | null }
  | { type: "currentAssignment"; group: string; memberId: string; value: CurrentAssignmentValue | null }
  | { type: "ignored"; group: string };

function record(
  type: number,
  writeKey: (w: Writer) => void,
  writeValue: ((w: Writer) => void) | null,
): CoordinatorRecord {
  const key = new Writer(64);
  key.int16(type);
  writeKey(key);
  if (writeValue === null) return { key: key.toBuffer(), value: null };
  const value = new Writer(128);
  value.int16(0);
  writeValue(value);
  return { key: key.toBuffer(), value: value.toBuffer() };
}

export function groupEpochRecord(groupId: string, epoch: number, metadataHash: bigint): CoordinatorRecord {
  return record(
    RecordType.GROUP_METADATA,
    (w) => encodeConsumerGroupMetadataKey(w, 0, { groupId }),
    (w) => encodeConsumerGroupMetadataValue(w, 0, { epoch, metadataHash }),
  );
}

export function groupEpochTombstone(groupId: string): CoordinatorRecord {
  return record(RecordType.GROUP_METADATA, (w) => encodeConsumerGroupMetadataKey(w, 0, { groupId }), null);
}

export function memberMetadataRecord(
  groupId: string,
  m: ConsumerMember | null,
  memberId: string,
): CoordinatorRecord {
  return record(
    RecordType.MEMBER_METADATA,
    (w) => encodeConsumerGroupMemberMetadataKey(w, 0, { groupId, memberId }),
    m === null
      ? null
      : (w) =>
          encodeConsumerGroupMemberMetadataValue(w, 0, {
            instanceId: m.instanceId,
            rackId: m.rackId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            subscribedTopicNames: [...m.subscribedTopicNames],
            subscribedTopicRegex: m.subscribedTopicRegex,
            rebalanceTimeoutMs: m.rebalanceTimeoutMs,
            serverAssignor: m.serverAssignor,
          }),
  );
}

export function targetMetadataRecord(
  groupId: string,
  assignmentEpoch: number | null,
  nowMs: number,
): CoordinatorRecord {
  return record(
    RecordType.TARGET_METADATA,
    (w) => encodeConsumerGroupTargetAssignmentMetadataKey(w, 0, { groupId }),
    assignmentEpoch === null
      ? null
      : (w) =>
          encodeConsumerGroupTargetAssignmentMetadataValue(w, 0, {
            assignmentEpoch,
            assignmentTimestamp: BigInt(nowMs),
          }),
  );
}

export function targetMemberRecord(
  groupId: string,
  memberId: string,
  target: Assignment | null,
): CoordinatorRecord {
  return record(
    RecordType.TARGET_MEMBER,
    (w) => encodeConsumerGroupTargetAssignmentMemberKey(w, 0, { groupId, memberId }),
    target === null
      ? null
      : (w) =>
          encodeConsumerGroupTargetAssignmentMemberValue(w, 0, {
            topicPartitions: toTopicPartitions(target),
          }),
  );
}

export function currentAssignmentRecord(
  groupId: string,
  m: ConsumerMember | null,
  memberId: string,
): CoordinatorRecord {
  return record(
    RecordType.CURRENT_ASSIGNMENT,
    (w) => encodeConsumerGroupCurrentMemberAssignmentKey(w, 0, { groupId, memberId }),
    m === null
      ? null
      : (w) =>
          encodeConsumerGroupCurrentMemberAssignmentValue(w, 0, {
            memberEpoch: m.memberEpoch,
            previousMemberEpoch: m.previousMemberEpoch,
            state: m.state,
            assignedPartitions: toTopicPartitions(m.assigned),
            partitionsPendingRevocation: toTopicPartitions(m.pendingRevocation),
          }),
  );
}

function valueReader(bytes: Buffer): Reader {
  const r = new Reader(bytes);
  const version = r.int16();
  assert(version === 0, `consumer group record value version ${version}`);
  return r;
}

function checked<T>(r: Reader, value: T, what: string): T {
  assert(!r.failed, `corrupt ${what}`);
  return value;
}

/** Reads a consumer-group record back; null when the key is not one (classic records, other types). */
export function decodeConsumerGroupRecord(rec: CoordinatorRecord): ConsumerGroupRecord | null {
  const k = new Reader(rec.key);
  const type = k.int16();
  const v = rec.value === null ? null : valueReader(rec.value);
  switch (type) {
    case RecordType.GROUP_METADATA: {
      const key = checked(k, decodeConsumerGroupMetadataKey(k, 0), "group metadata key");
      const value = v === null ? null : checked(v, decodeConsumerGroupMetadataValue(v, 0), "group metadata");
      return {
        type: "groupMetadata",
        group: key.groupId,
        value: value === null ? null : { epoch: value.epoch, metadataHash: value.metadataHash ?? 0n },
      };
    }
    case RecordType.MEMBER_METADATA: {
      const key = checked(k, decodeConsumerGroupMemberMetadataKey(k, 0), "member metadata key");
      const value =
        v === null ? null : checked(v, decodeConsumerGroupMemberMetadataValue(v, 0), "member metadata");
      return { type: "memberMetadata", group: key.groupId, memberId: key.memberId, value };
    }
    case RecordType.TARGET_METADATA: {
      const key = checked(k, decodeConsumerGroupTargetAssignmentMetadataKey(k, 0), "target metadata key");
      const value =
        v === null
          ? null
          : checked(v, decodeConsumerGroupTargetAssignmentMetadataValue(v, 0), "target metadata");
      return {
        type: "targetMetadata",
        group: key.groupId,
        value: value === null ? null : { assignmentEpoch: value.assignmentEpoch },
      };
    }
    case RecordType.TARGET_MEMBER: {
      const key = checked(k, decodeConsumerGroupTargetAssignmentMemberKey(k, 0), "target member key");
      const value =
        v === null ? null : checked(v, decodeConsumerGroupTargetAssignmentMemberValue(v, 0), "target member");
      return {
        type: "targetMember",
        group: key.groupId,
        memberId: key.memberId,
        value: value === null ? null : assignmentOf(value.topicPartitions),
      };
    }
    case RecordType.CURRENT_ASSIGNMENT: {
      const key = checked(k, decodeConsumerGroupCurrentMemberAssignmentKey(k, 0), "current assignment key");
      const value =
        v === null
          ? null
          : checked(v, decodeConsumerGroupCurrentMemberAssignmentValue(v, 0), "current assignment");
      return {
        type: "currentAssignment",
        group: key.groupId,
        memberId: key.memberId,
        value:
          value === null
            ? null
            : {
                memberEpoch: value.memberEpoch,
                previousMemberEpoch: value.previousMemberEpoch,
                state: value.state as MemberStateValue,
                assigned: assignmentOf(value.assignedPartitions),
                pendingRevocation: assignmentOf(value.partitionsPendingRevocation),
              },
      };
    }
    case RecordType.PARTITION_METADATA:
      return {
        type: "ignored",
        group: checked(k, decodeConsumerGroupPartitionMetadataKey(k, 0), "partition metadata key").groupId,
      };
    case RecordType.REGULAR_EXPRESSION:
      return {
        type: "ignored",
        group: checked(k, decodeConsumerGroupRegularExpressionKey(k, 0), "regex key").groupId,
      };
    default:
      return null;
  }
}
