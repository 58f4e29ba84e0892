/**
 * One cleaning pass over one log (Kafka's `Cleaner.doClean`):
 *
 * 1. Build the offset map over the dirty section [first dirty offset, first
 *    uncleanable offset): for every keyed record, its key's latest offset.
 *    The map has a fixed size; when it fills, the pass covers only what was
 *    mapped, and the rest stays dirty for the next pass. The pass's end
 *    offset (the new clean checkpoint) is one past the map's last offset.
 * 2. Group the segments from the log start to the end offset so that each
 *    group fits one segment (`segment.bytes`, and offsets within int32 of the
 *    group's base), and rewrite each group as one segment named by its first
 *    segment's base offset, keeping what batch-filter.ts keeps.
 * 3. Swap each rewritten segment in (segment-swap.ts).
 *
 * Batches kept even when emptied, beyond what the filter keeps:
 * - the batch holding an active producer's last data offset, so producer
 *   state (last sequence, epoch) rebuilt from the log, by a restart without
 *   snapshots or by a new replica, stays right (Kafka's rule);
 * - the last batch of each group: Kafka keeps the last batch of a pass so
 *   the last offset survives; keeping it per group also lets crash recovery
 *   tell exactly which segments a swap file replaces.
 */
import assert from "node:assert/strict";
import { NO_PRODUCER_ID, PRODUCER_ID_OFFSET, readAttributes } from "../../protocol/records/batch-header.ts";
import { decodeRecordBatch } from "../../protocol/records/record-batch.ts";
import { FileSystemError } from "../file-system.ts";
import type { Log } from "../log.ts";
import { type AppendBatch, LogSegment } from "../log-segment.ts";
import type { ProducerStateManager } from "../producer-state.ts";
import { CLEANED_SUFFIX } from "../segment-files.ts";
import { locateBatch } from "../segment-scan.ts";
import { type FilterContext, filterBatch, isFilterable } from "./batch-filter.ts";
import { segmentsBetween } from "./cleanable-range.ts";
import type { CleanerConfig } from "./cleaner-config.ts";
import { OffsetMap } from "./offset-map.ts";
import { readSegmentBatches } from "./segment-batches.ts";
import { swapInCleanedSegment } from "./segment-swap.ts";

const INT32_MAX = 0x7fffffff;

/** Kafka's `LastRecord`: where an active producer's last data batch ends, and its epoch. */
export interface ProducerLastRecord {
  lastDataOffset: number | null;
  producerEpoch: number;
}

/** Kafka's `lastRecordsOfActiveProducers`: each producer's last data offset (null if none this epoch) and epoch. */
export function lastRecordsOfActiveProducers(
  producers: ProducerStateManager,
): Map<bigint, ProducerLastRecord> {
  const records = new Map<bigint, ProducerLastRecord>();
  for (const producer of producers.activeProducers()) {
    const last = producer.batches[producer.batches.length - 1];
    records.set(producer.producerId, {
      lastDataOffset: last?.lastOffset ?? null,
      producerEpoch: producer.producerEpoch,
    });
  }
  return records;
}

export interface CleanTask {
  log: Log;
  firstDirtyOffset: number;
  /** A segment's base offset (see cleanable-range.ts); nothing at or past it is touched. */
  firstUncleanableOffset: number;
  nowMs: number;
  /** Kafka's `lastRecordsOfActiveProducers`, from the log's producer state. */
  activeProducers: ReadonlyMap<bigint, ProducerLastRecord>;
}

export interface CleanerStats {
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  groupsCleaned: number;
  mapEntries: number;
  mapUtilization: number;
}

export interface CleanResult {
  /** The first offset not cleaned: the log's new first dirty offset. */
  endOffset: number;
  /** False when a group left the log mid-pass; the checkpoint must not move. */
  completed: boolean;
  stats: CleanerStats;
}

export interface CleanerHooks {
  /** Called often during a pass; throws to stop it (the log is being truncated or deleted). */
  checkAborted(): void;
  /** Awaited between chunks so other work gets the event loop. */
  yieldToLoop(): Promise<void>;
}

export class Cleaner {
  private offsetMap: OffsetMap | null = null;

  constructor(
    private readonly config: CleanerConfig,
    private readonly hooks: CleanerHooks,
  ) {}

  /** Allocated on first use and kept: the dedupe buffer is the cleaner's one big allocation. */
  private get map(): OffsetMap {
    this.offsetMap ??= new OffsetMap(this.config.dedupeBufferBytes);
    return this.offsetMap;
  }

  async clean(task: CleanTask): Promise<CleanResult> {
    const stats: CleanerStats = {
      bytesRead: 0,
      bytesWritten: 0,
      recordsRead: 0,
      recordsRetained: 0,
      groupsCleaned: 0,
      mapEntries: 0,
      mapUtilization: 0,
    };
    const { log, firstDirtyOffset, firstUncleanableOffset } = task;
    if (firstDirtyOffset >= firstUncleanableOffset) {
      return { endOffset: firstDirtyOffset, completed: true, stats };
    }
    await this.buildOffsetMap(log, firstDirtyOffset, firstUncleanableOffset);
    const endOffset = this.map.latestOffset + 1;
    assert.ok(endOffset > firstDirtyOffset, "a pass maps at least one offset");
    stats.mapEntries = this.map.size;
    stats.mapUtilization = this.map.utilization;
    const segments = segmentsBetween(log.allSegments(), 0, endOffset);
    const context: FilterContext = {
      map: this.map,
      nowMs: task.nowMs,
      deleteRetentionMs: log.config.deleteRetentionMs,
    };
    for (const group of groupSegmentsBySize(segments, log.config.segmentBytes, firstUncleanableOffset)) {
      const cleaned = await this.cleanGroup(log, group, context, task.activeProducers, stats);
      if (!(await swapInCleanedSegment(log, group, cleaned))) return { endOffset, completed: false, stats };
      stats.groupsCleaned++;
    }
    return { endOffset, completed: true, stats };
  }

  private pause = async (): Promise<void> => {
    this.hooks.checkAborted();
    await this.hooks.yieldToLoop();
    this.hooks.checkAborted();
  };

  /** Kafka's `buildOffsetMap`: maps keys from `start` until `end` or until the map is full. */
  private async buildOffsetMap(log: Log, start: number, end: number): Promise<void> {
    const map = this.map;
    map.clear();
    const maxEntries = Math.floor(map.slots * this.config.dedupeBufferLoadFactor);
    assert.ok(maxEntries >= 1, "the dedupe buffer is too small to hold even one key");
    const dirty = segmentsBetween(log.allSegments(), start, end);
    for (let i = 0; i < dirty.length; i++) {
      const segment = dirty[i];
      const from =
        segment.baseOffset >= start ? 0 : ((await segment.findBatch(start))?.position ?? segment.sizeBytes);
      if (await this.mapSegment(segment, from, start, maxEntries)) return;
      // Offsets with no keyed record (gaps, control batches) are covered too.
      map.updateLatestOffset((dirty[i + 1]?.baseOffset ?? end) - 1);
    }
  }

  /** Returns true when the map filled up inside this segment. */
  private async mapSegment(
    segment: LogSegment,
    from: number,
    start: number,
    maxEntries: number,
  ): Promise<boolean> {
    const map = this.map;
    const read = readSegmentBatches(segment, {
      fromPosition: from,
      bufferBytes: this.config.ioBufferBytes,
      pause: this.pause,
    });
    for await (const batches of read) {
      for (const { bytes } of batches) {
        // Transactional records are kept whatever the map says, so they must not hide older ones either.
        if (isFilterable(readAttributes(bytes))) {
          for (const record of decodeRecordBatch(bytes).records) {
            const offset = Number(record.offset);
            if (record.key === null || offset < start) continue;
            if (map.size >= maxEntries) return true;
            map.put(record.key, offset);
          }
        }
        const location = locateBatch(bytes, 0, 0);
        if (location.lastOffset >= start) map.updateLatestOffset(location.lastOffset);
      }
    }
    return false;
  }

  /** Kafka's `cleanSegments` up to the swap: writes and fsyncs `<base>.log.cleaned`. */
  private async cleanGroup(
    log: Log,
    group: readonly LogSegment[],
    context: FilterContext,
    lastOfProducer: ReadonlyMap<bigint, ProducerLastRecord>,
    stats: CleanerStats,
  ): Promise<LogSegment> {
    const { fs, dir } = log.context;
    const newest = group[group.length - 1];
    // Trailing empty segments hold no batch; the group's last batch is in the last non-empty one.
    const last = [...group].reverse().find((segment) => !segment.isEmpty()) ?? newest;
    // Keeping the newest segment's creation time keeps retention judging the data as Kafka's lastModified does.
    const cleaned = await LogSegment.create(
      fs,
      dir,
      group[0].baseOffset,
      log.config,
      newest.createdAtMs,
      CLEANED_SUFFIX,
    );
    try {
      for (const segment of group) {
        const read = readSegmentBatches(segment, {
          fromPosition: 0,
          bufferBytes: this.config.ioBufferBytes,
          pause: this.pause,
        });
        for await (const batches of read) {
          const out: Buffer[] = [];
          const located: AppendBatch[] = [];
          let outBytes = 0;
          for (const { bytes, position } of batches) {
            const endOfGroup = segment === last && position + bytes.length === segment.sizeBytes;
            const filtered = filterBatch(
              bytes,
              context,
              endOfGroup || isLastOfProducer(bytes, lastOfProducer),
            );
            stats.bytesRead += bytes.length;
            stats.recordsRead += filtered.recordsRead;
            stats.recordsRetained += filtered.recordsRetained;
            if (filtered.bytes === null) continue;
            located.push(locateBatch(filtered.bytes, 0, outBytes));
            out.push(filtered.bytes);
            outBytes += filtered.bytes.length;
          }
          if (out.length > 0) await cleaned.append(Buffer.concat(out, outBytes), located);
          stats.bytesWritten += outBytes;
        }
      }
      await cleaned.flushAll();
      return cleaned;
    } catch (error) {
      // Best effort, and the first error is the one worth reporting: a `.cleaned`
      // file left behind is removed when the log is next loaded.
      await cleaned.deleteFiles().catch((cleanupError: unknown) => {
        if (!(cleanupError instanceof FileSystemError)) throw cleanupError;
      });
      throw error;
    }
  }
}

function isLastOfProducer(batch: Buffer, lastOfProducer: ReadonlyMap<bigint, ProducerLastRecord>): boolean {
  const producerId = batch.readBigInt64BE(PRODUCER_ID_OFFSET);
  if (producerId === NO_PRODUCER_ID) return false;
  const last = lastOfProducer.get(producerId);
  return last !== undefined && last.lastDataOffset === locateBatch(batch, 0, 0).lastOffset;
}

/**
 * Kafka's `groupSegmentsBySize`: consecutive segments whose sizes add up to
 * at most `maxBytes`, and whose offsets stay within int32 of the group's
 * base (estimated from the next segment's base, or the first uncleanable
 * offset for the last). Empty segments always join.
 */
export function groupSegmentsBySize<S extends { baseOffset: number; sizeBytes: number }>(
  segments: readonly S[],
  maxBytes: number,
  firstUncleanableOffset: number,
): S[][] {
  const groups: S[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]];
    let bytes = segments[i].sizeBytes;
    i++;
    while (i < segments.length) {
      const next = segments[i];
      const lastOffsetEstimate = (segments[i + 1]?.baseOffset ?? firstUncleanableOffset) - 1;
      const fitsBytes = bytes + next.sizeBytes <= maxBytes;
      const fitsOffsets = next.sizeBytes === 0 || lastOffsetEstimate - group[0].baseOffset <= INT32_MAX;
      if (!fitsBytes || !fitsOffsets) break;
      group.push(next);
      bytes += next.sizeBytes;
      i++;
    }
    groups.push(group);
  }
  return groups;
}
