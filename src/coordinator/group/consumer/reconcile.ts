/**
 * Reconciliation of one member towards its target assignment (KIP-848's
 * "current assignment builder"). A member never gets a partition another
 * member still owns, and it revokes before it is assigned:
 *
 *   STABLE                 member epoch behind the target → compute next
 *   UNREVOKED_PARTITIONS   waits until the heartbeat's owned partitions no longer hold any pending
 *                          revocation, then computes next (epoch unchanged until then)
 *   UNRELEASED_PARTITIONS  computes next on every heartbeat: freed partitions are handed over
 *
 * Computing next: kept = current ∩ target (target of unsubscribed topics is
 * empty); revoke = current − kept; pending = target − kept minus partitions
 * other members still hold. Anything to revoke (and still owned) → stay at the
 * epoch in UNREVOKED_PARTITIONS with only `kept`; else move to the target
 * epoch with kept + pending, UNRELEASED_PARTITIONS if some were held back,
 * STABLE otherwise.
 */
import {
  type Assignment,
  EMPTY_ASSIGNMENT,
  filter,
  has,
  intersect,
  isEmpty,
  minus,
  overlaps,
  union,
} from "./assignment.ts";
import { type ConsumerGroup, type ConsumerMember, MemberState } from "./consumer-group.ts";

export interface ReconcileInput {
  group: ConsumerGroup;
  member: ConsumerMember;
  /** Topic ids the member subscribes to now. */
  subscribedTopicIds: ReadonlySet<string>;
  /** Partitions the member reported owning in this heartbeat; null when it did not say. */
  owned: Assignment | null;
}

/** The member's next assignment state; fields not returned are unchanged. */
export interface Reconciled {
  state: ConsumerMember["state"];
  memberEpoch: number;
  assigned: Assignment;
  pendingRevocation: Assignment;
}

function stillOwns(owned: Assignment | null, revoking: Assignment): boolean {
  return owned === null || overlaps(owned, revoking);
}

export function reconcile(input: ReconcileInput): Reconciled {
  const { group, member, owned } = input;
  const current: Reconciled = {
    state: member.state,
    memberEpoch: member.memberEpoch,
    assigned: member.assigned,
    pendingRevocation: member.pendingRevocation,
  };
  switch (member.state) {
    case MemberState.STABLE:
      if (member.memberEpoch !== group.assignmentEpoch) return computeNext(input);
      return dropUnsubscribed(input, current);
    case MemberState.UNREVOKED_PARTITIONS:
      if (stillOwns(owned, member.pendingRevocation)) return dropUnsubscribed(input, current);
      return computeNext(input);
    case MemberState.UNRELEASED_PARTITIONS:
      return computeNext(input);
    default:
      return computeNext({ ...input, member: { ...member, memberEpoch: group.assignmentEpoch } });
  }
}

function computeNext({ group, member, subscribedTopicIds, owned }: ReconcileInput): Reconciled {
  const fullTarget = group.target.get(member.memberId) ?? EMPTY_ASSIGNMENT;
  const target = filter(fullTarget, (topicId) => subscribedTopicIds.has(topicId));
  const kept = intersect(member.assigned, target);
  const revoking = minus(member.assigned, kept);
  let hasUnreleased = false;
  const pending = filter(minus(target, kept), (topicId, partition) => {
    const heldByOther = group.ownerOf(topicId, partition, member.memberId) !== undefined;
    // A partition this member itself is still revoking is not someone else's to release.
    if (heldByOther && !has(member.pendingRevocation, topicId, partition)) {
      hasUnreleased = true;
      return false;
    }
    return true;
  });
  if (!isEmpty(revoking) && stillOwns(owned, revoking)) {
    return {
      state: MemberState.UNREVOKED_PARTITIONS,
      memberEpoch: member.memberEpoch,
      assigned: kept,
      pendingRevocation: revoking,
    };
  }
  return {
    state: hasUnreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
    memberEpoch: group.assignmentEpoch,
    assigned: union(kept, pending),
    pendingRevocation: EMPTY_ASSIGNMENT,
  };
}

/** Without a new target, still revokes partitions of topics the member no longer subscribes to. */
function dropUnsubscribed(
  { member, subscribedTopicIds, owned }: ReconcileInput,
  current: Reconciled,
): Reconciled {
  const unsubscribed = filter(member.assigned, (topicId) => !subscribedTopicIds.has(topicId));
  if (isEmpty(unsubscribed)) return current;
  const assigned = minus(member.assigned, unsubscribed);
  const pendingRevocation = union(member.pendingRevocation, unsubscribed);
  if (stillOwns(owned, pendingRevocation)) {
    return {
      state: MemberState.UNREVOKED_PARTITIONS,
      memberEpoch: member.memberEpoch,
      assigned,
      pendingRevocation,
    };
  }
  return { ...current, assigned };
}
