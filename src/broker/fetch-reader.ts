/**
 * Reading the partitions of one Fetch: Kafka's byte budgeting and
 * per-partition errors, shared by the first pass and every re-read after a
 * wait in the purgatory.
 *
 * Budget: partitions are read in request order; each gets at most its own
 * `partitionMaxBytes` and whatever is left of the request's `maxBytes`. The
 * first partition that returns data may exceed both by one whole batch (so a
 * batch larger than every limit still moves); after that, partitions past
 * the budget return no records but still report their offsets.
 */
import { ErrorCode } from "../protocol/errors.ts";
import type { PartitionData } from "../protocol/messages/fetch-response.ts";
import { StorageError } from "../storage/storage-error.ts";
import type { Partition, ReplicaManager } from "./replica-manager.ts";

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

export interface PartitionFetch {
  /** Null when the topic or partition is unknown. */
  partition: Partition | null;
  /** The error to answer when `partition` is null. */
  missingError: number;
  index: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

export interface FetchRead {
  data: PartitionData;
  bytes: number;
}

function offsetsOf(replicas: ReplicaManager, partition: Partition, isolationLevel: number) {
  const highWatermark = replicas.highWatermark(partition);
  const firstUnstable = partition.log.producers.firstUnstableOffset();
  const lastStable = firstUnstable === null ? highWatermark : Math.min(firstUnstable, highWatermark);
  return {
    highWatermark,
    lastStableOffset: lastStable,
    logStartOffset: partition.log.logStartOffset,
    readLimit: isolationLevel === READ_COMMITTED ? lastStable : highWatermark,
  };
}

function errorData(index: number, errorCode: number): PartitionData {
  return {
    partitionIndex: index,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}

export async function readPartitions(
  replicas: ReplicaManager,
  fetches: readonly PartitionFetch[],
  maxBytes: number,
  isolationLevel: number,
): Promise<FetchRead[]> {
  let remainingBytes = maxBytes;
  let anyData = false;
  const reads: FetchRead[] = [];
  for (const fetch of fetches) {
    const read = await readOne(
      replicas,
      fetch,
      Math.min(fetch.partitionMaxBytes, remainingBytes),
      !anyData,
      isolationLevel,
    );
    if (read.bytes > 0) anyData = true;
    remainingBytes = Math.max(0, remainingBytes - read.bytes);
    reads.push(read);
  }
  return reads;
}

async function readOne(
  replicas: ReplicaManager,
  fetch: PartitionFetch,
  budgetBytes: number,
  minOneBatch: boolean,
  isolationLevel: number,
): Promise<FetchRead> {
  const partition = fetch.partition;
  if (partition === null) return { data: errorData(fetch.index, fetch.missingError), bytes: 0 };
  if (fetch.currentLeaderEpoch >= 0 && fetch.currentLeaderEpoch !== partition.leaderEpoch) {
    const code =
      fetch.currentLeaderEpoch < partition.leaderEpoch
        ? ErrorCode.FENCED_LEADER_EPOCH
        : ErrorCode.UNKNOWN_LEADER_EPOCH;
    return { data: errorData(fetch.index, code), bytes: 0 };
  }
  const offsets = offsetsOf(replicas, partition, isolationLevel);
  const base: PartitionData = {
    partitionIndex: fetch.index,
    errorCode: ErrorCode.NONE,
    highWatermark: BigInt(offsets.highWatermark),
    lastStableOffset: BigInt(offsets.lastStableOffset),
    logStartOffset: BigInt(offsets.logStartOffset),
    abortedTransactions: isolationLevel === READ_COMMITTED ? [] : null,
    preferredReadReplica: -1,
    records: Buffer.alloc(0),
  };
  if (fetch.fetchOffset < partition.log.logStartOffset || fetch.fetchOffset > partition.log.logEndOffset) {
    return { data: { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null }, bytes: 0 };
  }
  if (budgetBytes <= 0 && !minOneBatch) return { data: base, bytes: 0 };
  try {
    const records = await partition.log.read(fetch.fetchOffset, {
      maxBytes: Math.max(budgetBytes, 0),
      minOneBatch,
      maxOffset: offsets.readLimit,
    });
    return { data: { ...base, records }, bytes: records.length };
  } catch (error) {
    if (error instanceof StorageError)
      return { data: { ...base, errorCode: error.errorCode, records: null }, bytes: 0 };
    throw error;
  }
}

/** Whether any partition has data past its fetch offset (the purgatory's cheap wake check). */
export function hasNewData(
  replicas: ReplicaManager,
  fetches: readonly PartitionFetch[],
  isolationLevel: number,
): boolean {
  return fetches.some((fetch) => {
    if (fetch.partition === null) return false;
    return offsetsOf(replicas, fetch.partition, isolationLevel).readLimit > fetch.fetchOffset;
  });
}
