/**
 * The data of one consumer-protocol (KIP-848) group: its epochs, members,
 * target assignment and the topic metadata that assignment was computed
 * from, and the state derived from them. Handling requests lives in
 * heartbeat.ts; reconciling one member in reconcile.ts.
 */
import { type Assignment, EMPTY_ASSIGNMENT, has } from "./assignment.ts";

/** Kafka's `MemberState` values, as persisted in CurrentMemberAssignment records. */
export const MemberState = {
  STABLE: 0,
  UNREVOKED_PARTITIONS: 1,
  UNRELEASED_PARTITIONS: 2,
  UNKNOWN: 127,
} as const;
export type MemberStateValue = (typeof MemberState)[keyof typeof MemberState];

/** Epoch a member sends to leave; and the one a static member sends to leave for now. */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export type ConsumerGroupState = "Empty" | "Assigning" | "Reconciling" | "Stable";

export interface ConsumerMember {
  readonly memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: readonly string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberStateValue;
  assigned: Assignment;
  pendingRevocation: Assignment;
  /** When the member is removed unless it heartbeats again. */
  sessionDeadlineMs: number;
  /** When the member is fenced unless it has revoked `pendingRevocation`; null when nothing is pending. */
  revocationDeadlineMs: number | null;
}

export function newMember(memberId: string, clientId: string, clientHost: string): ConsumerMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId,
    clientHost,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.STABLE,
    assigned: EMPTY_ASSIGNMENT,
    pendingRevocation: EMPTY_ASSIGNMENT,
    sessionDeadlineMs: 0,
    revocationDeadlineMs: null,
  };
}

/** A subscribed topic as the target assignment saw it. */
export interface SubscribedTopic {
  name: string;
  topicId: string;
  partitions: number;
}

export class ConsumerGroup {
  groupEpoch = 0;
  /** Epoch of the target assignment; behind `groupEpoch` while a new one is due. */
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  /** Member id → target assignment. */
  readonly target = new Map<string, Assignment>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Topic name → metadata of every subscribed topic that exists, from the last epoch bump. */
  subscribedTopics = new Map<string, SubscribedTopic>();
  /** The hash persisted with the group epoch; changes when `subscribedTopics` does. */
  metadataHash = 0n;

  constructor(readonly groupId: string) {}

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return "Empty";
    if (this.groupEpoch !== this.assignmentEpoch) return "Assigning";
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.state !== MemberState.STABLE) return "Reconciling";
    }
    return "Stable";
  }

  addMember(member: ConsumerMember): void {
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
  }

  removeMember(memberId: string): ConsumerMember | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    this.members.delete(memberId);
    this.target.delete(memberId);
    if (member.instanceId !== null && this.staticMembers.get(member.instanceId) === memberId) {
      this.staticMembers.delete(member.instanceId);
    }
    return member;
  }

  /** The member that owns (or still has to revoke) a partition, other than `except`. */
  ownerOf(topicId: string, partition: number, except: string): ConsumerMember | undefined {
    for (const m of this.members.values()) {
      if (m.memberId === except) continue;
      if (has(m.assigned, topicId, partition) || has(m.pendingRevocation, topicId, partition)) return m;
    }
    return undefined;
  }

  /** Names subscribed to by the members, explicitly or through a regex (resolved against `topicNames`). */
  subscribedNames(topicNames: Iterable<string>): Set<string> {
    const names = new Set<string>();
    const regexes = new Set<string>();
    for (const m of this.members.values()) {
      for (const n of m.subscribedTopicNames) names.add(n);
      if (m.subscribedTopicRegex !== null) regexes.add(m.subscribedTopicRegex);
    }
    if (regexes.size === 0) return names;
    const compiled = [...regexes].flatMap((r) => {
      const re = compileTopicRegex(r);
      return re === null ? [] : [re];
    });
    for (const name of topicNames) if (compiled.some((re) => re.test(name))) names.add(name);
    return names;
  }

  isSubscribedToTopic(name: string): boolean {
    return this.subscribedTopics.has(name);
  }

  /** The earliest session or revocation deadline, or null. */
  nextDeadlineMs(): number | null {
    let next = Infinity;
    for (const m of this.members.values()) {
      next = Math.min(next, m.sessionDeadlineMs, m.revocationDeadlineMs ?? Infinity);
    }
    return next === Infinity ? null : next;
  }
}

/**
 * A subscription regex as a full-match JavaScript RegExp, or null when it does
 * not compile. Kafka evaluates these with RE2/J; the common syntax (classes,
 * alternation, quantifiers, anchors) means the same in both.
 */
export function compileTopicRegex(source: string): RegExp | null {
  try {
    return new RegExp(`^(?:${source})$`, "u");
  } catch {
    return null;
  }
}
