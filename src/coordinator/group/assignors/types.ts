/**
 * Inputs and outputs of the server-side (KIP-848) partition assignors.
 *
 * Assignors are pure functions: the same spec always yields the same target
 * assignment, independent of the order of `members`, of map insertion order,
 * or of anything outside the spec.
 */

/** One group member as the assignor sees it. */
export interface AssignmentMember {
  readonly memberId: string;
  /** `group.instance.id` of a static member. */
  readonly instanceId?: string;
  /** Accepted for completeness; the uniform and range assignors are not rack aware. */
  readonly rackId?: string;
  readonly subscribedTopicIds: readonly string[];
  /** The member's current target assignment: topic id to partition indexes. */
  readonly currentAssignment: ReadonlyMap<string, readonly number[]>;
}

/** Metadata of one topic the group may subscribe to. */
export interface AssignmentTopic {
  readonly partitionCount: number;
  /** Racks of each partition's replicas, indexed by partition; unused by these assignors. */
  readonly partitionRacks?: readonly (readonly string[])[];
}

export interface AssignmentSpec {
  readonly members: readonly AssignmentMember[];
  /** Topic id to metadata. Subscribed ids missing here are ignored (topic deleted or not yet known). */
  readonly topics: ReadonlyMap<string, AssignmentTopic>;
}

/** Topic id to ascending partition indexes; topics with no partitions are omitted. */
export type MemberTargetAssignment = Map<string, number[]>;

/**
 * Member id to that member's target assignment. Every member of the spec has an
 * entry (possibly empty). Members, topics and partitions appear in ascending order.
 */
export type TargetAssignment = Map<string, MemberTargetAssignment>;

export interface PartitionAssignor {
  /** The name clients select with `group.remote.assignor`. */
  readonly name: string;
  readonly assign: (spec: AssignmentSpec) => TargetAssignment;
}
