/**
 * OffsetCommit v10 and OffsetFetch v10 name topics by id; the group
 * coordinator keeps offsets by name (as Kafka's own `__consumer_offsets`
 * does). These functions translate at the broker's edge, the way Kafka
 * 4.4.0's KafkaApis does before and after calling its coordinator:
 *
 * - OffsetCommit: an id the broker does not know gets UNKNOWN_TOPIC_ID for
 *   each of its partitions, a known topic's missing partition
 *   UNKNOWN_TOPIC_OR_PARTITION; the rest goes to the coordinator, whose
 *   answer is merged in by topic id. When nothing is left the coordinator is
 *   not asked at all (so no group error can show).
 * - OffsetFetch: an unknown id gets UNKNOWN_TOPIC_ID (offset -1) per asked
 *   partition, listed after the coordinator's topics unless the group itself
 *   failed; fetching all topics answers with the id of each committed name
 *   and leaves out names that have no topic (any more).
 */
import { ErrorCode } from "../protocol/errors.ts";
import type {
  OffsetCommitRequest,
  OffsetCommitRequestTopic,
} from "../protocol/messages/offset-commit-request.ts";
import type {
  OffsetCommitResponse,
  OffsetCommitResponseTopic,
} from "../protocol/messages/offset-commit-response.ts";
import type {
  OffsetFetchRequest,
  OffsetFetchRequestGroup,
  OffsetFetchRequestTopics,
} from "../protocol/messages/offset-fetch-request.ts";
import type {
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
  OffsetFetchResponseTopics,
} from "../protocol/messages/offset-fetch-response.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";

/** The first version of OffsetCommit and of OffsetFetch that names topics by id. */
export const TOPIC_ID_MIN_VERSION = 10;

/** What the translation needs of the topic store. */
export interface TopicLookup {
  get(name: string): { readonly topicId: string } | undefined;
  getById(topicId: string): { readonly name: string; readonly partitions: number } | undefined;
}

export interface CommitPlan {
  /** The name-keyed request for the coordinator; null when no topic is left for it. */
  readonly forCoordinator: OffsetCommitRequest | null;
  /** Topics (one per id) with the partitions refused here. */
  readonly rejected: readonly OffsetCommitResponseTopic[];
  /** The id of every name sent to the coordinator. */
  readonly idByName: ReadonlyMap<string, string>;
}

export function planCommit(request: OffsetCommitRequest, topics: TopicLookup): CommitPlan {
  const rejected = new Map<string, OffsetCommitResponseTopic>();
  const reject = (topicId: string, name: string, partitionIndex: number, errorCode: number): void => {
    let topic = rejected.get(topicId);
    if (topic === undefined) {
      topic = { topicId, name, partitions: [] };
      rejected.set(topicId, topic);
    }
    topic.partitions.push({ partitionIndex, errorCode });
  };
  const idByName = new Map<string, string>();
  const accepted: OffsetCommitRequestTopic[] = [];
  for (const t of request.topics) {
    const topicId = t.topicId ?? ZERO_UUID;
    const known = topics.getById(topicId);
    if (known === undefined) {
      for (const p of t.partitions) reject(topicId, "", p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_ID);
      continue;
    }
    const partitions = t.partitions.filter((p) => {
      const exists = p.partitionIndex >= 0 && p.partitionIndex < known.partitions;
      if (!exists) reject(topicId, known.name, p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      return exists;
    });
    if (partitions.length === 0) continue;
    idByName.set(known.name, topicId);
    accepted.push({ ...t, name: known.name, topicId, partitions });
  }
  return {
    forCoordinator: accepted.length === 0 ? null : { ...request, topics: accepted },
    rejected: [...rejected.values()],
    idByName,
  };
}

/** The v10 answer: the refused topics first, the coordinator's merged in by id (as Kafka's response builder does). */
export function commitResponse(
  plan: CommitPlan,
  fromCoordinator: OffsetCommitResponse | null,
): OffsetCommitResponse {
  const answered = (fromCoordinator?.topics ?? []).map(
    (t): OffsetCommitResponseTopic => ({ ...t, topicId: plannedId(plan.idByName, t.name, t.topicId) }),
  );
  if (plan.rejected.length === 0) return { throttleTimeMs: 0, ...fromCoordinator, topics: answered };
  const topics = plan.rejected.map((t) => ({ ...t, partitions: [...t.partitions] }));
  const byId = new Map(topics.map((t) => [t.topicId, t]));
  for (const t of answered) {
    const existing = byId.get(t.topicId);
    if (existing === undefined) {
      topics.push(t);
      byId.set(t.topicId, t);
    } else existing.partitions.push(...t.partitions);
  }
  return { throttleTimeMs: fromCoordinator?.throttleTimeMs ?? 0, topics };
}

interface GroupPlan {
  readonly groupId: string;
  /** `topics: null`: every committed topic. */
  readonly allTopics: boolean;
  readonly rejected: readonly OffsetFetchResponseTopics[];
  readonly idByName: ReadonlyMap<string, string>;
}

export interface FetchPlan {
  /** The name-keyed request for the coordinator (every group, each possibly with no topic left). */
  readonly forCoordinator: OffsetFetchRequest;
  readonly groups: readonly GroupPlan[];
}

export function planFetch(request: OffsetFetchRequest, topics: TopicLookup): FetchPlan {
  const plans: GroupPlan[] = [];
  const groups = (request.groups ?? []).map((g): OffsetFetchRequestGroup => {
    const groupId = g.groupId ?? "";
    if (g.topics == null) {
      plans.push({ groupId, allTopics: true, rejected: [], idByName: new Map() });
      return { ...g, topics: null };
    }
    const rejected: OffsetFetchResponseTopics[] = [];
    const idByName = new Map<string, string>();
    const wanted: OffsetFetchRequestTopics[] = [];
    for (const t of g.topics) {
      const topicId = t.topicId ?? ZERO_UUID;
      const partitionIndexes = t.partitionIndexes ?? [];
      const known = topics.getById(topicId);
      if (known === undefined) {
        rejected.push({
          topicId,
          name: "",
          partitions: partitionIndexes.map((partitionIndex) => ({
            partitionIndex,
            committedOffset: -1n,
            committedLeaderEpoch: -1,
            metadata: "",
            errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
          })),
        });
        continue;
      }
      idByName.set(known.name, topicId);
      wanted.push({ ...t, name: known.name, topicId, partitionIndexes });
    }
    plans.push({ groupId, allTopics: false, rejected, idByName });
    return { ...g, topics: wanted };
  });
  return { forCoordinator: { ...request, groups }, groups: plans };
}

/** The v10 answer: ids for the coordinator's names, then the refused topics of each group that did not fail. */
export function fetchResponse(
  plan: FetchPlan,
  fromCoordinator: OffsetFetchResponse,
  topics: TopicLookup,
): OffsetFetchResponse {
  const used = new Set<GroupPlan>();
  const groups = (fromCoordinator.groups ?? []).map((g, i): OffsetFetchResponseGroup => {
    const groupId = g.groupId ?? "";
    const byIndex = plan.groups[i];
    const groupPlan =
      byIndex !== undefined && byIndex.groupId === groupId && !used.has(byIndex)
        ? byIndex
        : plan.groups.find((p) => p.groupId === groupId && !used.has(p));
    if (groupPlan !== undefined) used.add(groupPlan);
    const answered = g.topics ?? [];
    const idByName = groupPlan?.idByName ?? new Map<string, string>();
    const mapped = answered.map((t) => ({ ...t, topicId: plannedId(idByName, t.name, t.topicId) }));
    // A group that failed is answered as the coordinator answered it.
    if ((g.errorCode ?? ErrorCode.NONE) !== ErrorCode.NONE) return { ...g, topics: mapped };
    if (groupPlan?.allTopics === true) {
      const withIds: OffsetFetchResponseTopics[] = [];
      for (const t of answered) {
        const given = t.topicId ?? ZERO_UUID;
        const topicId = given !== ZERO_UUID ? given : (topics.get(t.name ?? "")?.topicId ?? ZERO_UUID);
        if (topicId !== ZERO_UUID) withIds.push({ ...t, topicId });
      }
      return { ...g, topics: withIds };
    }
    return { ...g, topics: [...mapped, ...(groupPlan?.rejected ?? [])] };
  });
  return { ...fromCoordinator, groups };
}

/** The id planned for a name the coordinator answered for, else the one it gave (zero if none). */
function plannedId(
  planned: ReadonlyMap<string, string>,
  name: string | undefined,
  given: string | undefined,
): string {
  return (name === undefined ? undefined : planned.get(name)) ?? given ?? ZERO_UUID;
}
