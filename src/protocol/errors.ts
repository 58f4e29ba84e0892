/**
 * Kafka error codes as of Apache Kafka 4.4.0.
 *
 * Responses report failure only as a 16-bit number, so the broker and every
 * client must read each number the same way: the broker to answer with the
 * code a client already knows how to handle, the client to decide between
 * retrying, refreshing metadata and giving up. The retriable flag follows
 * Kafka's own client, which treats an error as transient when its exception is
 * retriable; keeping the same split here means our behaviour matches what
 * existing clients expect. Codes are part of the wire protocol and are never
 * renumbered or reused, so entries are only ever added.
 */

/** Each entry is [code, retriable, message]; the key is Kafka's name for the error. */
const TABLE = {
  UNKNOWN_SERVER_ERROR: [-1, false, "The broker hit an unexpected failure while handling the request."],
  NONE: [0, false, "No error."],
  OFFSET_OUT_OF_RANGE: [
    1,
    false,
    "The requested offset lies outside the range the broker holds for this partition.",
  ],
  CORRUPT_MESSAGE: [
    2,
    true,
    "A record failed its CRC check, is oversized, lacks a key on a compacted topic, or is otherwise corrupt.",
  ],
  UNKNOWN_TOPIC_OR_PARTITION: [3, true, "This broker does not host the requested topic-partition."],
  INVALID_FETCH_SIZE: [4, false, "The fetch size in the request is invalid."],
  LEADER_NOT_AVAILABLE: [
    5,
    true,
    "The partition has no leader right now, typically because an election is underway.",
  ],
  NOT_LEADER_OR_FOLLOWER: [6, true, "This broker is not the leader, or not a replica, for the partition."],
  REQUEST_TIMED_OUT: [7, true, "The request did not complete before its timeout."],
  BROKER_NOT_AVAILABLE: [8, false, "The broker is unavailable."],
  REPLICA_NOT_AVAILABLE: [9, true, "A replica for the requested partition is unavailable."],
  MESSAGE_TOO_LARGE: [10, false, "A record exceeds the largest message size the broker accepts."],
  STALE_CONTROLLER_EPOCH: [11, false, "The request came from a controller that has since been replaced."],
  OFFSET_METADATA_TOO_LARGE: [12, false, "The metadata attached to the offset commit is too large."],
  NETWORK_EXCEPTION: [13, true, "The connection closed before a response arrived."],
  COORDINATOR_LOAD_IN_PROGRESS: [
    14,
    true,
    "The coordinator is still loading its state and cannot serve requests yet.",
  ],
  COORDINATOR_NOT_AVAILABLE: [15, true, "The coordinator is unavailable."],
  NOT_COORDINATOR: [16, true, "This broker is not the coordinator for the requested key."],
  INVALID_TOPIC_EXCEPTION: [
    17,
    false,
    "The topic name is invalid or the operation is not allowed on this topic.",
  ],
  RECORD_LIST_TOO_LARGE: [
    18,
    false,
    "A record batch is larger than the log segment size configured on the broker.",
  ],
  NOT_ENOUGH_REPLICAS: [
    19,
    true,
    "The write was rejected because fewer in-sync replicas exist than required.",
  ],
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: [
    20,
    true,
    "The write reached the log, but fewer in-sync replicas acknowledged it than required.",
  ],
  INVALID_REQUIRED_ACKS: [21, false, "The produce request asked for an unsupported acks value."],
  ILLEGAL_GENERATION: [22, false, "The group generation id in the request is not the current one."],
  INCONSISTENT_GROUP_PROTOCOL: [
    23,
    false,
    "The member's protocol type or protocols do not match those of the rest of the group.",
  ],
  INVALID_GROUP_ID: [24, false, "This group id is not valid."],
  UNKNOWN_MEMBER_ID: [25, false, "The coordinator does not know this member id."],
  INVALID_SESSION_TIMEOUT: [26, false, "The session timeout is outside the range the broker allows."],
  REBALANCE_IN_PROGRESS: [27, false, "The group is rebalancing; the member has to rejoin."],
  INVALID_COMMIT_OFFSET_SIZE: [28, false, "The size of the offset commit data is invalid."],
  TOPIC_AUTHORIZATION_FAILED: [29, false, "Not authorized to access the topic."],
  GROUP_AUTHORIZATION_FAILED: [30, false, "Not authorized to access the group."],
  CLUSTER_AUTHORIZATION_FAILED: [31, false, "Not authorized to perform this cluster operation."],
  INVALID_TIMESTAMP: [32, false, "A record timestamp is outside the acceptable range."],
  UNSUPPORTED_SASL_MECHANISM: [33, false, "The requested SASL mechanism is not enabled on the broker."],
  ILLEGAL_SASL_STATE: [34, false, "The request is not allowed at this point of the SASL exchange."],
  UNSUPPORTED_VERSION: [35, false, "The broker does not support this version of the API."],
  TOPIC_ALREADY_EXISTS: [36, false, "A topic with this name already exists."],
  INVALID_PARTITIONS: [37, false, "The partition count is invalid."],
  INVALID_REPLICATION_FACTOR: [
    38,
    false,
    "The replication factor is below 1 or exceeds the number of available brokers.",
  ],
  INVALID_REPLICA_ASSIGNMENT: [39, false, "The replica assignment is invalid."],
  INVALID_CONFIG: [40, false, "The configuration is invalid."],
  NOT_CONTROLLER: [41, true, "This node is not the active controller."],
  INVALID_REQUEST: [42, false, "The request is malformed or was sent to an incompatible broker."],
  UNSUPPORTED_FOR_MESSAGE_FORMAT: [
    43,
    false,
    "The broker's message format version does not support this request.",
  ],
  POLICY_VIOLATION: [44, false, "The request violates a policy configured on the broker."],
  OUT_OF_ORDER_SEQUENCE_NUMBER: [45, false, "The broker received a producer sequence number out of order."],
  DUPLICATE_SEQUENCE_NUMBER: [
    46,
    false,
    "The broker received a producer sequence number it has already seen.",
  ],
  INVALID_PRODUCER_EPOCH: [47, false, "The producer epoch is older than the one the broker knows."],
  INVALID_TXN_STATE: [
    48,
    false,
    "The transactional operation is not valid in the transaction's current state.",
  ],
  INVALID_PRODUCER_ID_MAPPING: [
    49,
    false,
    "The producer id is not the one currently assigned to this transactional id.",
  ],
  INVALID_TRANSACTION_TIMEOUT: [50, false, "The transaction timeout exceeds the maximum the broker allows."],
  CONCURRENT_TRANSACTIONS: [51, true, "Another operation on the same transaction is still in progress."],
  TRANSACTION_COORDINATOR_FENCED: [
    52,
    false,
    "The transaction coordinator sending markers is no longer the current one for this producer.",
  ],
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: [53, false, "Not authorized to use the transactional id."],
  SECURITY_DISABLED: [54, false, "Security features are not enabled on the broker."],
  OPERATION_NOT_ATTEMPTED: [
    55,
    false,
    "The broker skipped this operation, usually because another part of the batch failed.",
  ],
  KAFKA_STORAGE_ERROR: [56, true, "The broker hit a disk error while accessing the log."],
  LOG_DIR_NOT_FOUND: [57, false, "The requested log directory is not configured on the broker."],
  SASL_AUTHENTICATION_FAILED: [58, false, "Authentication over SASL failed."],
  UNKNOWN_PRODUCER_ID: [
    59,
    false,
    "The broker has no state for this producer id, for example after retention removed its records.",
  ],
  REASSIGNMENT_IN_PROGRESS: [60, false, "A partition reassignment is already underway."],
  DELEGATION_TOKEN_AUTH_DISABLED: [61, false, "Delegation tokens are not enabled."],
  DELEGATION_TOKEN_NOT_FOUND: [62, false, "The delegation token does not exist on the broker."],
  DELEGATION_TOKEN_OWNER_MISMATCH: [
    63,
    false,
    "The principal is not the owner or a renewer of the delegation token.",
  ],
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: [
    64,
    false,
    "Delegation token requests are refused on plaintext, one-way TLS and token-authenticated connections.",
  ],
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: [
    65,
    false,
    "Not authorized to perform the delegation token operation.",
  ],
  DELEGATION_TOKEN_EXPIRED: [66, false, "The delegation token has expired."],
  INVALID_PRINCIPAL_TYPE: [67, false, "The principal type is not supported."],
  NON_EMPTY_GROUP: [68, false, "The group still has members."],
  GROUP_ID_NOT_FOUND: [69, false, "No group with this id exists."],
  FETCH_SESSION_ID_NOT_FOUND: [70, true, "The fetch session id is unknown to the broker."],
  INVALID_FETCH_SESSION_EPOCH: [71, true, "The fetch session epoch is not the expected one."],
  LISTENER_NOT_FOUND: [
    72,
    true,
    "The partition leader has no listener matching the one this metadata request arrived on.",
  ],
  TOPIC_DELETION_DISABLED: [73, false, "Topic deletion is disabled on the cluster."],
  FENCED_LEADER_EPOCH: [74, true, "The leader epoch in the request is older than the broker's."],
  UNKNOWN_LEADER_EPOCH: [75, true, "The leader epoch in the request is newer than the broker's."],
  UNSUPPORTED_COMPRESSION_TYPE: [
    76,
    false,
    "The client cannot handle the compression type used by this partition.",
  ],
  STALE_BROKER_EPOCH: [77, false, "The broker epoch in the request is out of date."],
  OFFSET_NOT_AVAILABLE: [
    78,
    true,
    "The new leader's high watermark has not caught up yet, so offsets cannot be served.",
  ],
  MEMBER_ID_REQUIRED: [79, false, "The member must rejoin using the member id the coordinator assigned."],
  PREFERRED_LEADER_NOT_AVAILABLE: [80, true, "The preferred leader is unavailable."],
  GROUP_MAX_SIZE_REACHED: [81, false, "The group has reached its maximum number of members."],
  FENCED_INSTANCE_ID: [
    82,
    false,
    "Another member registered with the same group.instance.id has taken over this static membership.",
  ],
  ELIGIBLE_LEADERS_NOT_AVAILABLE: [83, true, "No eligible leader is available for the partition."],
  ELECTION_NOT_NEEDED: [84, true, "The partition does not need a leader election."],
  NO_REASSIGNMENT_IN_PROGRESS: [85, false, "There is no partition reassignment underway."],
  GROUP_SUBSCRIBED_TO_TOPIC: [
    86,
    false,
    "Offsets cannot be deleted for a topic the group is still subscribed to.",
  ],
  INVALID_RECORD: [87, false, "The broker rejected a record that failed validation."],
  UNSTABLE_OFFSET_COMMIT: [88, true, "Pending transactional offsets have to be resolved first."],
  THROTTLING_QUOTA_EXCEEDED: [89, true, "The request exceeded a throttling quota."],
  PRODUCER_FENCED: [90, false, "A newer producer with the same transactional id has fenced this one."],
  RESOURCE_NOT_FOUND: [91, false, "The request referred to a resource that does not exist."],
  DUPLICATE_RESOURCE: [92, false, "The request referred to the same resource more than once."],
  UNACCEPTABLE_CREDENTIAL: [93, false, "The credential does not meet the acceptance criteria."],
  INCONSISTENT_VOTER_SET: [
    94,
    false,
    "The sender or receiver of this voter request is not an expected voter.",
  ],
  INVALID_UPDATE_VERSION: [95, false, "The update version is invalid."],
  FEATURE_UPDATE_FAILED: [
    96,
    false,
    "The finalized features could not be updated because of an unexpected server error.",
  ],
  PRINCIPAL_DESERIALIZATION_FAILURE: [
    97,
    false,
    "The principal of a forwarded request could not be deserialized.",
  ],
  SNAPSHOT_NOT_FOUND: [98, false, "The requested snapshot does not exist."],
  POSITION_OUT_OF_RANGE: [99, false, "The requested position is negative or past the end of the snapshot."],
  UNKNOWN_TOPIC_ID: [100, true, "This broker does not host a topic with this id."],
  DUPLICATE_BROKER_REGISTRATION: [101, false, "Another broker has already registered this broker id."],
  BROKER_ID_NOT_REGISTERED: [102, false, "The broker id has not been registered."],
  INCONSISTENT_TOPIC_ID: [103, true, "The topic id in the request differs from the one in the log."],
  INCONSISTENT_CLUSTER_ID: [104, false, "The cluster id in the request differs from the server's."],
  TRANSACTIONAL_ID_NOT_FOUND: [105, false, "No transactional id with this name exists."],
  FETCH_SESSION_TOPIC_ID_ERROR: [106, true, "The fetch session used topic ids inconsistently."],
  INELIGIBLE_REPLICA: [107, false, "The proposed ISR includes a replica that is not eligible."],
  NEW_LEADER_ELECTED: [
    108,
    false,
    "The partition state was updated, but a new leader has since been elected.",
  ],
  OFFSET_MOVED_TO_TIERED_STORAGE: [109, false, "The requested offset is now held only in tiered storage."],
  FENCED_MEMBER_EPOCH: [
    110,
    false,
    "The group coordinator fenced the member epoch; the member must give up its partitions and rejoin.",
  ],
  UNRELEASED_INSTANCE_ID: [111, false, "Another member still holds this instance id and must leave first."],
  UNSUPPORTED_ASSIGNOR: [
    112,
    false,
    "The group does not support the requested assignor or its version range.",
  ],
  STALE_MEMBER_EPOCH: [
    113,
    false,
    "The member epoch is stale; retry once a heartbeat returns the current one.",
  ],
  MISMATCHED_ENDPOINT_TYPE: [114, false, "The request reached an endpoint of the wrong type."],
  UNSUPPORTED_ENDPOINT_TYPE: [115, false, "The endpoint type is not supported."],
  UNKNOWN_CONTROLLER_ID: [116, false, "The controller id is unknown."],
  UNKNOWN_SUBSCRIPTION_ID: [117, false, "The telemetry subscription id is unknown or outdated."],
  TELEMETRY_TOO_LARGE: [118, false, "The telemetry payload exceeds the size the broker accepts."],
  INVALID_REGISTRATION: [119, false, "The controller considers the broker registration invalid."],
  TRANSACTION_ABORTABLE: [
    120,
    false,
    "The transaction hit an error; aborting it lets the transactional id be used again.",
  ],
  INVALID_RECORD_STATE: [121, false, "The record's delivery state does not allow this acknowledgement."],
  SHARE_SESSION_NOT_FOUND: [122, true, "The share session is unknown to the broker."],
  INVALID_SHARE_SESSION_EPOCH: [123, true, "The share session epoch is not the expected one."],
  FENCED_STATE_EPOCH: [
    124,
    false,
    "The coordinator rejected the request because its state epoch did not match.",
  ],
  INVALID_VOTER_KEY: [125, false, "The voter key does not match the receiving replica."],
  DUPLICATE_VOTER: [126, false, "The voter already belongs to the voter set."],
  VOTER_NOT_FOUND: [127, false, "The voter does not belong to the voter set."],
  INVALID_REGULAR_EXPRESSION: [128, false, "The regular expression is invalid."],
  REBOOTSTRAP_REQUIRED: [
    129,
    false,
    "The client's metadata is stale; it must bootstrap again to get fresh metadata.",
  ],
  STREAMS_INVALID_TOPOLOGY: [130, false, "The streams topology is invalid."],
  STREAMS_INVALID_TOPOLOGY_EPOCH: [131, false, "The streams topology epoch is invalid."],
  STREAMS_TOPOLOGY_FENCED: [132, false, "The streams topology epoch is out of date."],
  SHARE_SESSION_LIMIT_REACHED: [133, true, "The broker has reached its limit of share sessions."],
  GROUP_DELETION_FAILED: [
    134,
    false,
    "The group could not be deleted; the per-group result carries the details.",
  ],
  STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED: [
    135,
    false,
    "The broker could not apply the topology description update.",
  ],
  CONTROLLER_ID_NOT_REGISTERED: [136, false, "The controller id has not been registered."],
} as const satisfies Record<string, readonly [code: number, retriable: boolean, message: string]>;

export type ErrorCodeName = keyof typeof TABLE;

/** Error codes by name, e.g. `ErrorCode.NOT_LEADER_OR_FOLLOWER === 6`. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(Object.entries(TABLE).map(([name, [code]]) => [name, code])),
) as { readonly [N in ErrorCodeName]: (typeof TABLE)[N][0] };

export interface KafkaErrorInfo {
  code: number;
  name: ErrorCodeName;
  retriable: boolean;
  message: string;
}

const BY_CODE = new Map<number, Readonly<KafkaErrorInfo>>();
for (const [name, [code, retriable, message]] of Object.entries(TABLE)) {
  BY_CODE.set(code, Object.freeze({ code, name: name as ErrorCodeName, retriable, message }));
}

/**
 * What a code means. A code this table does not know (say, from a newer
 * broker) reads as UNKNOWN_SERVER_ERROR, as Kafka's clients treat it, but keeps
 * its own number so logs still show what arrived.
 */
export function errorInfo(code: number): Readonly<KafkaErrorInfo> {
  return (
    BY_CODE.get(code) ?? {
      code,
      name: "UNKNOWN_SERVER_ERROR",
      retriable: false,
      message: `Unrecognized error code ${code}.`,
    }
  );
}

export function isRetriable(code: number): boolean {
  return errorInfo(code).retriable;
}

/** An error code carried by a response, raised as an exception. */
export class KafkaError extends Error {
  readonly code: number;
  override readonly name: ErrorCodeName;
  readonly retriable: boolean;

  /** `message` is the response's own error message when it has one; otherwise the table's is used. */
  constructor(code: number, message?: string | null, options?: ErrorOptions) {
    const info = errorInfo(code);
    super(message || info.message, options);
    this.code = code;
    this.name = info.name;
    this.retriable = info.retriable;
  }
}
