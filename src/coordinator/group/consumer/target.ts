/**
 * What a consumer group's target assignment is computed from — the topics
 * its members subscribe to, as they exist now — and the computation itself
 * with the group's server-side assignor.
 */
import { findServerAssignor } from "../assignors/index.ts";
import type { AssignmentTopic } from "../assignors/types.ts";
import type { TopicsView } from "../types.ts";
import { type Assignment, EMPTY_ASSIGNMENT, equal } from "./assignment.ts";
import {
  type ConsumerGroup,
  type ConsumerMember,
  compileTopicRegex,
  type SubscribedTopic,
} from "./consumer-group.ts";

/** Every existing topic the group subscribes to, by name. */
export function subscribedTopicsOf(group: ConsumerGroup, topics: TopicsView): Map<string, SubscribedTopic> {
  const out = new Map<string, SubscribedTopic>();
  for (const name of [...group.subscribedNames(topics.names())].sort()) {
    const info = topics.byName(name);
    if (info !== undefined) out.set(name, { name, topicId: info.topicId, partitions: info.partitions });
  }
  return out;
}

export function sameTopics(
  a: ReadonlyMap<string, SubscribedTopic>,
  b: ReadonlyMap<string, SubscribedTopic>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const o = b.get(name);
    if (o === undefined || o.topicId !== t.topicId || o.partitions !== t.partitions) return false;
  }
  return true;
}

/** A 64-bit FNV-1a over the subscribed topics, persisted with the group epoch as its metadata hash. */
export function metadataHashOf(topics: ReadonlyMap<string, SubscribedTopic>): bigint {
  let hash = 0xcbf29ce484222325n;
  const text = [...topics.values()].map((t) => `${t.name}:${t.topicId}:${t.partitions}`).join(",");
  for (const byte of Buffer.from(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash);
}

/** Topic ids one member subscribes to, by name or regex, among the group's subscribed topics. */
export function memberTopicIds(
  member: ConsumerMember,
  subscribed: ReadonlyMap<string, SubscribedTopic>,
): Set<string> {
  const ids = new Set<string>();
  for (const name of member.subscribedTopicNames) {
    const t = subscribed.get(name);
    if (t !== undefined) ids.add(t.topicId);
  }
  const regex = member.subscribedTopicRegex === null ? null : compileTopicRegex(member.subscribedTopicRegex);
  if (regex !== null) for (const t of subscribed.values()) if (regex.test(t.name)) ids.add(t.topicId);
  return ids;
}

/** The assignor most members ask for; ties and no preference go to the first configured one. */
export function groupAssignor(group: ConsumerGroup, configured: readonly string[]): string {
  const votes = new Map<string, number>();
  for (const m of group.members.values()) {
    if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
  }
  let best = configured[0] ?? "uniform";
  let bestVotes = 0;
  for (const name of configured) {
    const n = votes.get(name) ?? 0;
    if (n > bestVotes) [best, bestVotes] = [name, n];
  }
  return best;
}

/** Computes a new target; returns the members whose target changed. */
export function computeTarget(group: ConsumerGroup, assignorName: string): string[] {
  const assignor = findServerAssignor(assignorName);
  if (assignor === undefined) throw new Error(`unknown assignor ${assignorName}`);
  const topics = new Map<string, AssignmentTopic>();
  for (const t of group.subscribedTopics.values()) topics.set(t.topicId, { partitionCount: t.partitions });
  const members = [...group.members.values()].map((m) => ({
    memberId: m.memberId,
    ...(m.instanceId === null ? {} : { instanceId: m.instanceId }),
    ...(m.rackId === null ? {} : { rackId: m.rackId }),
    subscribedTopicIds: [...memberTopicIds(m, group.subscribedTopics)],
    currentAssignment: group.target.get(m.memberId) ?? EMPTY_ASSIGNMENT,
  }));
  const result = assignor.assign({ members, topics });
  const changed: string[] = [];
  for (const m of group.members.values()) {
    const next: Assignment = result.get(m.memberId) ?? EMPTY_ASSIGNMENT;
    if (!equal(next, group.target.get(m.memberId) ?? EMPTY_ASSIGNMENT)) changed.push(m.memberId);
    group.target.set(m.memberId, next);
  }
  return changed;
}
