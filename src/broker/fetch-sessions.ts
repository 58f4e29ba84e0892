/**
 * Incremental fetch sessions (KIP-227). A consumer fetching many partitions
 * sends the full list once; the broker remembers it under a session id, and
 * later requests carry only what changed (new fetch offsets, partitions
 * added or forgotten). Responses then carry only partitions with news:
 * records, an error, or a moved high watermark / last stable offset / log
 * start offset.
 *
 *   sessionId  epoch  meaning
 *   any        -1     full fetch, no session (a given session is closed)
 *   0          0      full fetch, open a new session if the cache has room
 *   id         0      close session id, then as above
 *   id         n>0    incremental fetch in session id; n must be its epoch
 *
 * Sessions live in a cache bounded by `max.incremental.fetch.session.cache.slots`,
 * evicting the least recently used.
 */
import { ErrorCode } from "../protocol/errors.ts";
import type { FetchRequest } from "../protocol/messages/fetch-request.ts";
import type { PartitionData } from "../protocol/messages/fetch-response.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import type { Broker } from "./broker.ts";
import type { PartitionFetch } from "./fetch-reader.ts";

const FINAL_EPOCH = -1;
const INITIAL_EPOCH = 0;

export interface SessionFetch extends PartitionFetch {
  topic: string;
  topicId: string;
}

interface CachedPartition {
  fetch: SessionFetch;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
}

interface Session {
  id: number;
  epoch: number;
  partitions: Map<string, CachedPartition>;
  byId: boolean;
}

export interface FetchSessionOutcome {
  errorCode: number;
  sessionId: number;
  fetches: SessionFetch[];
  /** Whether this partition goes into the response. */
  include(fetch: SessionFetch, data: PartitionData): boolean;
  /** Remembers what was sent, for the next incremental response. */
  recordSent(data: readonly PartitionData[]): void;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, Session>();
  private nextId = 1;

  constructor(private readonly slots: number) {}

  get(id: number): Session | undefined {
    const session = this.sessions.get(id);
    if (session !== undefined) {
      this.sessions.delete(id);
      this.sessions.set(id, session);
    }
    return session;
  }

  remove(id: number): void {
    this.sessions.delete(id);
  }

  create(byId: boolean): Session | null {
    if (this.slots <= 0) return null;
    while (this.sessions.size >= this.slots) {
      const oldest = this.sessions.keys().next().value as number;
      this.sessions.delete(oldest);
    }
    const id = this.nextId;
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    const session: Session = { id, epoch: 1, partitions: new Map(), byId };
    this.sessions.set(id, session);
    return session;
  }
}

function key(topicOrId: string, index: number): string {
  return `${topicOrId}:${index}`;
}

function resolveFetches(broker: Broker, request: FetchRequest, byId: boolean): SessionFetch[] {
  const fetches: SessionFetch[] = [];
  for (const topic of request.topics) {
    const record = byId
      ? broker.topics.getById(topic.topicId ?? ZERO_UUID)
      : broker.topics.get(topic.topic ?? "");
    for (const p of topic.partitions) {
      const partition = record === undefined ? undefined : broker.replicas.get(record.name, p.partition);
      fetches.push({
        topic: record?.name ?? topic.topic ?? "",
        topicId: record?.topicId ?? topic.topicId ?? ZERO_UUID,
        partition: partition ?? null,
        missingError:
          byId && record === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        index: p.partition,
        fetchOffset: Number(p.fetchOffset),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
      });
    }
  }
  return fetches;
}

function fullOutcome(fetches: SessionFetch[], session: Session | null): FetchSessionOutcome {
  if (session !== null) {
    for (const fetch of fetches) {
      session.partitions.set(key(session.byId ? fetch.topicId : fetch.topic, fetch.index), {
        fetch,
        highWatermark: -2n,
        lastStableOffset: -2n,
        logStartOffset: -2n,
      });
    }
  }
  return {
    errorCode: ErrorCode.NONE,
    sessionId: session?.id ?? 0,
    fetches,
    include: () => true,
    recordSent: (data) => remember(session, fetches, data),
  };
}

function remember(
  session: Session | null,
  fetches: readonly SessionFetch[],
  data: readonly PartitionData[],
): void {
  if (session === null) return;
  fetches.forEach((fetch, i) => {
    const cached = session.partitions.get(key(session.byId ? fetch.topicId : fetch.topic, fetch.index));
    if (cached === undefined) return;
    cached.highWatermark = data[i].highWatermark;
    cached.lastStableOffset = data[i].lastStableOffset ?? -1n;
    cached.logStartOffset = data[i].logStartOffset ?? -1n;
  });
}

function incrementalOutcome(broker: Broker, request: FetchRequest, session: Session): FetchSessionOutcome {
  for (const fetch of resolveFetches(broker, request, session.byId)) {
    const k = key(session.byId ? fetch.topicId : fetch.topic, fetch.index);
    const cached = session.partitions.get(k);
    if (cached === undefined) {
      session.partitions.set(k, { fetch, highWatermark: -2n, lastStableOffset: -2n, logStartOffset: -2n });
    } else {
      cached.fetch = fetch;
    }
  }
  for (const forgotten of request.forgottenTopicsData ?? []) {
    const topicKey = session.byId ? (forgotten.topicId ?? ZERO_UUID) : (forgotten.topic ?? "");
    for (const index of forgotten.partitions ?? []) session.partitions.delete(key(topicKey, index));
  }
  session.epoch = session.epoch >= 0x7fffffff ? 1 : session.epoch + 1;
  const cachedList = [...session.partitions.values()];
  const fetches = cachedList.map((c) => c.fetch);
  return {
    errorCode: ErrorCode.NONE,
    sessionId: session.id,
    fetches,
    include(fetch, data) {
      const cached = session.partitions.get(key(session.byId ? fetch.topicId : fetch.topic, fetch.index));
      if (cached === undefined) return true;
      return (
        data.errorCode !== ErrorCode.NONE ||
        (data.records?.length ?? 0) > 0 ||
        data.highWatermark !== cached.highWatermark ||
        (data.lastStableOffset ?? -1n) !== cached.lastStableOffset ||
        (data.logStartOffset ?? -1n) !== cached.logStartOffset
      );
    },
    recordSent: (data) => remember(session, fetches, data),
  };
}

function failure(errorCode: number): FetchSessionOutcome {
  return { errorCode, sessionId: 0, fetches: [], include: () => false, recordSent: () => undefined };
}

export function resolveFetchSession(
  broker: Broker,
  request: FetchRequest,
  apiVersion: number,
): FetchSessionOutcome {
  const byId = apiVersion >= 13;
  const sessionId = request.sessionId ?? 0;
  const epoch = request.sessionEpoch ?? FINAL_EPOCH;
  const cache = broker.fetchSessions;
  if (apiVersion < 7 || epoch === FINAL_EPOCH) {
    if (sessionId !== 0) cache.remove(sessionId);
    return fullOutcome(resolveFetches(broker, request, byId), null);
  }
  if (epoch === INITIAL_EPOCH) {
    if (sessionId !== 0) cache.remove(sessionId);
    return fullOutcome(resolveFetches(broker, request, byId), cache.create(byId));
  }
  const session = sessionId === 0 ? undefined : cache.get(sessionId);
  if (session === undefined) return failure(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  if (session.epoch !== epoch) return failure(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  if (session.byId !== byId) return failure(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
  return incrementalOutcome(broker, request, session);
}
