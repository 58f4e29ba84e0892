/**
 * The data of one classic group and the rules that hold whatever the input:
 * legal state transitions, protocol selection, leader choice, the snapshot
 * written as a GroupMetadataValue and the load from one. Request handling
 * lives in join.ts, rebalance.ts and member-requests.ts.
 */
import assert from "node:assert/strict";
import { decodeConsumerProtocolSubscription } from "../../protocol/messages/consumer-protocol-subscription.ts";
import type { GroupMetadataValue } from "../../protocol/messages/group-metadata-value.ts";
import { Reader } from "../../protocol/primitives.ts";
import type { GroupState, RequestId } from "./types.ts";

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

export interface ClassicMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  assignment: Buffer;
  /** A JoinGroup parked until the join phase completes. */
  awaitingJoin: { requestId: RequestId; apiVersion: number } | null;
  /** A SyncGroup parked until the leader's assignment is persisted. */
  awaitingSync: { requestId: RequestId } | null;
  heartbeatDeadlineMs: number;
}

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"],
};

const CONSUMER_PROTOCOL_TYPE = "consumer";

export class ClassicGroup {
  state: GroupState = "Empty";
  stateTimestampMs: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  /** group.instance.id → member id of the static member currently holding it. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, with the deadline for rejoining. */
  readonly pendingMembers = new Map<string, number>();
  /** Members that have not sent SyncGroup for the current generation. */
  readonly pendingSyncMembers = new Set<string>();
  joinDeadlineMs: number | null = null;
  syncDeadlineMs: number | null = null;
  /** Set while the first rebalance of an empty group waits out `group.initial.rebalance.delay.ms`. */
  initialDelay: { deltaMs: number; remainingMs: number; newMemberAdded: boolean } | null = null;
  /** Topics the members subscribe to, when the consumer protocol's metadata could be read. */
  subscribedTopics: Set<string> | null = null;

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.stateTimestampMs = nowMs;
  }

  transitionTo(next: GroupState, nowMs: number): void {
    assert(VALID_PREVIOUS[next].includes(this.state), `group ${this.groupId}: ${this.state} → ${next}`);
    this.state = next;
    this.stateTimestampMs = nowMs;
  }

  is(...states: GroupState[]): boolean {
    return states.includes(this.state);
  }

  get size(): number {
    return this.members.size;
  }

  /** Whether the group holds at least one member that has not rejoined in this rebalance. */
  hasMembersAwaitingJoin(): boolean {
    for (const m of this.members.values()) if (m.awaitingJoin === null) return true;
    return false;
  }

  allMembersJoined(): boolean {
    return !this.hasMembersAwaitingJoin() && this.pendingMembers.size === 0;
  }

  maxRebalanceTimeoutMs(): number {
    let maxMs = 0;
    for (const m of this.members.values()) maxMs = Math.max(maxMs, m.rebalanceTimeoutMs);
    return maxMs;
  }

  addMember(member: ClassicMember): void {
    assert(!this.members.has(member.memberId), "member added twice");
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  removeMember(memberId: string): ClassicMember | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    if (this.leaderId === memberId) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    return member;
  }

  /** Protocols every member supports, the condition for a new member's protocols to be accepted. */
  candidateProtocols(): Set<string> {
    let candidates: Set<string> | null = null;
    for (const m of this.members.values()) {
      const names = new Set<string>(m.protocols.map((p) => p.name));
      const previous: Set<string> | null = candidates;
      candidates =
        previous === null ? names : new Set<string>([...previous].filter((n: string) => names.has(n)));
    }
    return candidates ?? new Set<string>();
  }

  supportsProtocols(protocolType: string, names: readonly string[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && names.length > 0;
    if (protocolType !== this.protocolType) return false;
    const candidates = this.candidateProtocols();
    return names.some((n) => candidates.has(n));
  }

  /** Each member votes for its most preferred candidate; the most votes wins, ties to the earliest vote. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    assert(candidates.size > 0, `group ${this.groupId} has no common protocol`);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      assert(choice !== undefined);
      votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = "";
    let bestVotes = 0;
    for (const [name, count] of votes) {
      if (count > bestVotes) [best, bestVotes] = [name, count];
    }
    return best;
  }

  memberMetadata(member: ClassicMember): Buffer {
    assert(this.protocolName !== null, "no protocol selected");
    const p = member.protocols.find((x) => x.name === this.protocolName);
    assert(p !== undefined, `member ${member.memberId} lacks protocol ${this.protocolName}`);
    return p.metadata;
  }

  /** Recomputes the subscribed topics from the consumer protocol's subscription metadata. */
  refreshSubscribedTopics(): void {
    this.subscribedTopics = null;
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) return;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const decoded = decodeSubscriptionTopics(this.memberMetadata(m));
      if (decoded === null) return;
      for (const t of decoded) topics.add(t);
    }
    this.subscribedTopics = topics;
  }

  usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /**
   * Whether the members consume `topic`. When their subscriptions are not known (no generation yet,
   * or metadata that cannot be decoded) a live `consumer` group counts as subscribed to every topic,
   * as in Kafka; any other group (and an Empty one) to none.
   */
  isSubscribedToTopic(topic: string): boolean {
    if (this.subscribedTopics !== null) return this.subscribedTopics.has(topic);
    return this.usesConsumerProtocol() && !this.is("Empty");
  }

  /** The snapshot Kafka persists after a generation's assignment is known. */
  toMetadataValue(): GroupMetadataValue {
    const stable = this.protocolName !== null;
    return {
      protocolType: this.protocolType ?? "",
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: BigInt(this.stateTimestampMs),
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: stable ? this.memberMetadata(m) : Buffer.alloc(0),
        assignment: m.assignment,
      })),
    };
  }

  /** What Kafka persists for a group a JoinGroup has just created: generation 0, no members. */
  emptyMetadataValue(): GroupMetadataValue {
    return {
      protocolType: this.protocolType ?? "",
      generation: 0,
      protocol: null,
      leader: null,
      currentStateTimestamp: BigInt(this.stateTimestampMs),
      members: [],
    };
  }

  /** Rebuilds the group from its last snapshot: Empty without members, Stable with them. */
  static fromMetadataValue(groupId: string, v: GroupMetadataValue, nowMs: number): ClassicGroup {
    const g = new ClassicGroup(groupId, nowMs);
    const ts = Number(v.currentStateTimestamp ?? -1n);
    g.generationId = v.generation;
    g.protocolType = v.protocolType.length > 0 ? v.protocolType : null;
    g.protocolName = v.protocol ?? null;
    for (const mv of v.members) {
      assert(g.protocolName !== null, `group ${groupId}: members without a protocol`);
      g.addMember({
        memberId: mv.memberId,
        groupInstanceId: mv.groupInstanceId ?? null,
        clientId: mv.clientId,
        clientHost: mv.clientHost,
        rebalanceTimeoutMs: mv.rebalanceTimeout ?? mv.sessionTimeout,
        sessionTimeoutMs: mv.sessionTimeout,
        protocolType: v.protocolType,
        protocols: [{ name: g.protocolName, metadata: mv.subscription }],
        assignment: mv.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        heartbeatDeadlineMs: nowMs + mv.sessionTimeout,
      });
    }
    g.leaderId = v.leader ?? null;
    g.state = g.members.size === 0 ? "Empty" : "Stable";
    g.stateTimestampMs = ts >= 0 ? ts : nowMs;
    g.refreshSubscribedTopics();
    return g;
  }

  /** The earliest instant at which this group has something to do, or null. */
  nextDeadlineMs(): number | null {
    let next = Math.min(this.joinDeadlineMs ?? Infinity, this.syncDeadlineMs ?? Infinity);
    for (const m of this.members.values()) next = Math.min(next, m.heartbeatDeadlineMs);
    for (const d of this.pendingMembers.values()) next = Math.min(next, d);
    return next === Infinity ? null : next;
  }
}

/** The topics of a ConsumerProtocolSubscription (int16 version + struct), or null when unreadable. */
export function decodeSubscriptionTopics(metadata: Buffer): string[] | null {
  if (metadata.length < 2) return null;
  const r = new Reader(metadata);
  const version = r.int16();
  if (version < 0) return null;
  const decoded = decodeConsumerProtocolSubscription(r, Math.min(version, 3));
  return r.failed ? null : decoded.topics;
}
