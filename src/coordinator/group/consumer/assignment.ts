/**
 * Partition sets of the consumer (KIP-848) protocol: topic id → ascending
 * partition indexes, with the set algebra reconciliation needs. Values are
 * treated as immutable: every operation returns a new map, and topics with no
 * partitions are never kept, so two equal sets compare equal entry by entry.
 */

/** Topic id → ascending, distinct partition indexes; never holds an empty list. */
export type Assignment = ReadonlyMap<string, readonly number[]>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();

function normalized(entries: Iterable<[string, Iterable<number>]>): Assignment {
  const out = new Map<string, number[]>();
  for (const [topicId, partitions] of entries) {
    const sorted = [...new Set(partitions)].sort((a, b) => a - b);
    if (sorted.length > 0) out.set(topicId, sorted);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function assignmentOf(
  entries: Iterable<{ topicId: string; partitions: readonly number[] }>,
): Assignment {
  const merged = new Map<string, number[]>();
  for (const { topicId, partitions } of entries)
    merged.set(topicId, [...(merged.get(topicId) ?? []), ...partitions]);
  return normalized(merged);
}

export function toTopicPartitions(a: Assignment): { topicId: string; partitions: number[] }[] {
  return [...a].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] }));
}

export function has(a: Assignment, topicId: string, partition: number): boolean {
  return a.get(topicId)?.includes(partition) ?? false;
}

/** Partitions in `a` that `keep(topicId, partition)` accepts. */
export function filter(a: Assignment, keep: (topicId: string, partition: number) => boolean): Assignment {
  return normalized([...a].map(([topicId, ps]) => [topicId, ps.filter((p) => keep(topicId, p))]));
}

export function intersect(a: Assignment, b: Assignment): Assignment {
  return filter(a, (t, p) => has(b, t, p));
}

export function minus(a: Assignment, b: Assignment): Assignment {
  return filter(a, (t, p) => !has(b, t, p));
}

export function union(a: Assignment, b: Assignment): Assignment {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return normalized([...keys].map((t) => [t, [...(a.get(t) ?? []), ...(b.get(t) ?? [])]]));
}

export function isEmpty(a: Assignment): boolean {
  return a.size === 0;
}

export function equal(a: Assignment, b: Assignment): boolean {
  if (a.size !== b.size) return false;
  for (const [topicId, ps] of a) {
    const other = b.get(topicId);
    if (other === undefined || other.length !== ps.length) return false;
    for (let i = 0; i < ps.length; i++) if (ps[i] !== other[i]) return false;
  }
  return true;
}

export function overlaps(a: Assignment, b: Assignment): boolean {
  return !isEmpty(intersect(a, b));
}

export function partitionCount(a: Assignment): number {
  let n = 0;
  for (const ps of a.values()) n += ps.length;
  return n;
}
