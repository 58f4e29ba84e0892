/**
 * Rebuilds consumer groups from their `__consumer_offsets` records, applied
 * in log order (later records win, tombstones remove).
 */
import { EMPTY_ASSIGNMENT } from "./assignment.ts";
import { ConsumerGroup, type ConsumerMember, MemberState, newMember } from "./consumer-group.ts";
import type { ConsumerGroupRecord } from "./records.ts";

function memberOf(group: ConsumerGroup, memberId: string): ConsumerMember {
  let member = group.members.get(memberId);
  if (member === undefined) {
    member = newMember(memberId, "", "");
    group.members.set(memberId, member);
  }
  return member;
}

export function replayConsumerRecord(groups: Map<string, ConsumerGroup>, rec: ConsumerGroupRecord): void {
  if (rec.type === "ignored") return;
  let group = groups.get(rec.group);
  if (group === undefined) {
    if (rec.value === null) return;
    group = new ConsumerGroup(rec.group);
    groups.set(rec.group, group);
  }
  switch (rec.type) {
    case "groupMetadata":
      if (rec.value === null) groups.delete(rec.group);
      else {
        group.groupEpoch = rec.value.epoch;
        group.metadataHash = rec.value.metadataHash;
      }
      return;
    case "targetMetadata":
      group.assignmentEpoch = rec.value?.assignmentEpoch ?? 0;
      return;
    case "targetMember":
      if (rec.value === null) group.target.delete(rec.memberId);
      else group.target.set(rec.memberId, rec.value);
      return;
    case "memberMetadata": {
      if (rec.value === null) {
        group.removeMember(rec.memberId);
        return;
      }
      const m = memberOf(group, rec.memberId);
      const v = rec.value;
      m.instanceId = v.instanceId ?? null;
      m.rackId = v.rackId ?? null;
      m.clientId = v.clientId;
      m.clientHost = v.clientHost;
      m.subscribedTopicNames = [...v.subscribedTopicNames].sort();
      m.subscribedTopicRegex = v.subscribedTopicRegex ?? null;
      m.rebalanceTimeoutMs = v.rebalanceTimeoutMs ?? -1;
      m.serverAssignor = v.serverAssignor ?? null;
      if (m.instanceId !== null) group.staticMembers.set(m.instanceId, m.memberId);
      return;
    }
    case "currentAssignment": {
      if (rec.value === null) {
        const m = group.members.get(rec.memberId);
        if (m !== undefined)
          Object.assign(m, { assigned: EMPTY_ASSIGNMENT, pendingRevocation: EMPTY_ASSIGNMENT });
        return;
      }
      const m = memberOf(group, rec.memberId);
      const known = Object.values(MemberState) as number[];
      m.memberEpoch = rec.value.memberEpoch;
      m.previousMemberEpoch = rec.value.previousMemberEpoch;
      m.state = known.includes(rec.value.state) ? rec.value.state : MemberState.UNKNOWN;
      m.assigned = rec.value.assigned;
      m.pendingRevocation = rec.value.pendingRevocation;
      return;
    }
  }
}
