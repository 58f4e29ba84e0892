/**
 * Shared vocabulary of the classic group coordinator: configuration, the
 * injected id source, the `__consumer_offsets` record shape and the output
 * every input produces. Nothing here performs I/O or reads a clock.
 */
import type { ConsumerGroupDescribeResponse } from "../../protocol/messages/consumer-group-describe-response.ts";
import type { ConsumerGroupHeartbeatResponse } from "../../protocol/messages/consumer-group-heartbeat-response.ts";
import type { DeleteGroupsResponse } from "../../protocol/messages/delete-groups-response.ts";
import type { DescribeGroupsResponse } from "../../protocol/messages/describe-groups-response.ts";
import type { HeartbeatResponse } from "../../protocol/messages/heartbeat-response.ts";
import type { JoinGroupResponse } from "../../protocol/messages/join-group-response.ts";
import type { LeaveGroupResponse } from "../../protocol/messages/leave-group-response.ts";
import type { ListGroupsResponse } from "../../protocol/messages/list-groups-response.ts";
import type { OffsetCommitResponse } from "../../protocol/messages/offset-commit-response.ts";
import type { OffsetDeleteResponse } from "../../protocol/messages/offset-delete-response.ts";
import type { OffsetFetchResponse } from "../../protocol/messages/offset-fetch-response.ts";
import type { SyncGroupResponse } from "../../protocol/messages/sync-group-response.ts";

export interface GroupCoordinatorConfig {
  /** Lower bound on a member's session timeout (`group.min.session.timeout.ms`). */
  minSessionTimeoutMs: number;
  /** Upper bound on a member's session timeout (`group.max.session.timeout.ms`). */
  maxSessionTimeoutMs: number;
  /** Wait before the first rebalance of an empty group completes (`group.initial.rebalance.delay.ms`). */
  initialRebalanceDelayMs: number;
  /** Most members one group may hold (`group.max.size`). */
  groupMaxSize: number;
  /** How long offsets of an empty group live (`offsets.retention.minutes`, in ms). */
  offsetsRetentionMs: number;
  /** How often expired offsets are looked for (`offsets.retention.check.interval.ms`). */
  offsetsRetentionCheckIntervalMs: number;
  /** Largest metadata string accepted with a commit (`offset.metadata.max.bytes`). */
  offsetMetadataMaxBytes: number;
  /** Whether ConsumerGroupHeartbeat is served (`group.coordinator.rebalance.protocols` holds `consumer`). */
  consumerProtocolEnabled: boolean;
  /** Session timeout of consumer-protocol members (`group.consumer.session.timeout.ms`). */
  consumerSessionTimeoutMs: number;
  /** Heartbeat interval told to consumer-protocol members (`group.consumer.heartbeat.interval.ms`). */
  consumerHeartbeatIntervalMs: number;
  /** Most members of one consumer-protocol group (`group.consumer.max.size`). */
  consumerMaxSize: number;
  /** Server-side assignors, the default first (`group.consumer.assignors`). */
  consumerAssignors: readonly string[];
}

/** Kafka's defaults for the settings above. */
export const DEFAULT_GROUP_COORDINATOR_CONFIG: Readonly<GroupCoordinatorConfig> = Object.freeze({
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 3_000,
  groupMaxSize: 2_147_483_647,
  offsetsRetentionMs: 7 * 24 * 60 * 60 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4_096,
  consumerProtocolEnabled: true,
  consumerSessionTimeoutMs: 45_000,
  consumerHeartbeatIntervalMs: 5_000,
  consumerMaxSize: 2_147_483_647,
  consumerAssignors: Object.freeze(["uniform", "range"]),
});

/** One topic as the coordinator sees it: the names members subscribe to, the ids assignments use. */
export interface TopicInfo {
  name: string;
  topicId: string;
  partitions: number;
}

/** Read-only view of the broker's topics, consulted synchronously while a step runs. */
export interface TopicsView {
  byName(name: string): TopicInfo | undefined;
  byId(topicId: string): TopicInfo | undefined;
  /** Names of the topics a subscription regex may match (internal topics excluded). */
  names(): Iterable<string>;
}

export const NO_TOPICS: TopicsView = Object.freeze({
  byName: () => undefined,
  byId: () => undefined,
  names: () => [],
});

/** Where member ids come from. The broker passes random UUIDs; tests pass a counter. */
export interface IdSource {
  /** A fresh unique token, used as the suffix of `<clientId>-<token>`. */
  nextId(): string;
}

/** One `__consumer_offsets` record: version-prefixed key and value; `value === null` is a tombstone. */
export interface CoordinatorRecord {
  key: Buffer;
  value: Buffer | null;
}

export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

/** Chosen by the caller, echoed back with the response it belongs to. */
export type RequestId = number;

export type GroupResponse =
  | { kind: "joinGroup"; requestId: RequestId; body: JoinGroupResponse }
  | { kind: "syncGroup"; requestId: RequestId; body: SyncGroupResponse }
  | { kind: "heartbeat"; requestId: RequestId; body: HeartbeatResponse }
  | { kind: "leaveGroup"; requestId: RequestId; body: LeaveGroupResponse }
  | { kind: "offsetCommit"; requestId: RequestId; body: OffsetCommitResponse }
  | { kind: "offsetFetch"; requestId: RequestId; body: OffsetFetchResponse }
  | { kind: "offsetDelete"; requestId: RequestId; body: OffsetDeleteResponse }
  | { kind: "describeGroups"; requestId: RequestId; body: DescribeGroupsResponse }
  | { kind: "listGroups"; requestId: RequestId; body: ListGroupsResponse }
  | { kind: "deleteGroups"; requestId: RequestId; body: DeleteGroupsResponse }
  | { kind: "consumerGroupHeartbeat"; requestId: RequestId; body: ConsumerGroupHeartbeatResponse }
  | { kind: "consumerGroupDescribe"; requestId: RequestId; body: ConsumerGroupDescribeResponse };

/**
 * What one input produced. The caller appends `records` to `__consumer_offsets`
 * durably and only then sends `responses`, in order; a response may answer a
 * request that arrived in an earlier input (a JoinGroup parked until the
 * rebalance completes). `wakeAtMs` is when `tick` must next be called, or null
 * when nothing is scheduled.
 */
export interface CoordinatorOutput {
  records: CoordinatorRecord[];
  responses: GroupResponse[];
  wakeAtMs: number | null;
}

/** Accumulates the effects of one input while the state machine runs. */
export interface Effects {
  records: CoordinatorRecord[];
  responses: GroupResponse[];
}

/** Everything a transition needs besides the group itself. */
export interface StepContext {
  config: Readonly<GroupCoordinatorConfig>;
  ids: IdSource;
  topics: TopicsView;
  nowMs: number;
  fx: Effects;
}

export const UNKNOWN_MEMBER_ID = "";
export const NO_GENERATION = -1;
/** JoinGroup version from which an unknown member first gets MEMBER_ID_REQUIRED (KIP-394). */
export const MEMBER_ID_REQUIRED_MIN_VERSION = 4;
/** JoinGroup version from which a rejoining leader may be told to skip assignment (KIP-814). */
export const SKIP_ASSIGNMENT_MIN_VERSION = 9;
