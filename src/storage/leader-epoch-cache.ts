/**
 * The leader epoch cache of one partition: for each leader epoch that wrote
 * to the log, the offset of its first batch. Followers ask for it
 * (OffsetForLeaderEpoch) to find where their log diverges from the leader's,
 * and consumers to detect truncation after a leader change.
 *
 * File format: `leader-epoch-checkpoint` in the partition directory, in the
 * checkpoint format of checkpoint-file.ts (version 0, entry count, one entry
 * per line), entries in epoch order:
 *
 *   <epoch> <startOffset>        epoch int32 >= 0, startOffset int64 >= 0
 *
 * e.g. epoch 0 wrote offsets 0..99, then epoch 3 took over at offset 100:
 *
 *   0
 *   2
 *   0 0
 *   3 100
 *
 * Semantics, as Kafka's LeaderEpochFileCache has them:
 * - Entries strictly increase in both epoch and start offset.
 * - `assign(epoch, startOffset)` is called for every appended batch with its
 *   partitionLeaderEpoch and base offset. It changes nothing when `epoch` is
 *   the latest epoch and `startOffset` is not below its start (the common
 *   case: one more batch of the current epoch). Otherwise it first removes,
 *   from the end, every entry whose epoch is >= `epoch` or whose start offset
 *   is >= `startOffset`, then appends the new entry. So an epoch never moves
 *   later once assigned, but an older epoch or an earlier offset (a log
 *   truncated and rewritten) wins over the entries it contradicts.
 * - `endOffsetFor(epoch, logEndOffset)` answers OffsetForLeaderEpoch:
 *   the requested epoch if it is the latest, with the log end offset;
 *   otherwise the largest known epoch <= the requested one, ending where the
 *   next larger known epoch starts; if no known epoch is <= the requested one
 *   (its entries were truncated away), the requested epoch itself, ending at
 *   the first known start offset; UNDEFINED_EPOCH/UNDEFINED_EPOCH_OFFSET if
 *   the epoch asked for is undefined, or is newer than every known epoch.
 * - `truncateFromEnd(offset)` drops entries starting at or after `offset`
 *   (the log was truncated to end there); `truncateFromStart(offset)` drops
 *   entries starting at or before `offset` and re-adds the last of them
 *   starting at `offset` (the log start moved up inside that epoch).
 *   Both treat UNDEFINED_EPOCH_OFFSET as "nothing to do", as Kafka does.
 *
 * Durability: changes live in memory until `flush()`, which rewrites the file
 * durably if it differs from what is on disk. Kafka fsyncs on every new epoch;
 * here the owning log flushes the cache before it advances the recovery point,
 * because recovery re-assigns the epochs of every batch it scans past the
 * recovery point, and so rebuilds any entry a crash lost. An entry that
 * survives a crash although its batches did not is removed by the
 * `truncateFromEnd(logEndOffset)` recovery ends with.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CheckpointLineParser,
  parseNonNegativeInteger,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint-file.ts";
import type { FileSystem } from "./file-system.ts";

export const LEADER_EPOCH_CHECKPOINT_FILE = "leader-epoch-checkpoint";
/** Kafka's answer for an epoch it knows nothing about. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;
const EPOCH_MAX = 0x7fffffff;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

const parseEpochLine: CheckpointLineParser<EpochEntry> = (fields) => {
  if (fields.length !== 2) return null;
  const epoch = parseNonNegativeInteger(fields[0]);
  const startOffset = parseNonNegativeInteger(fields[1]);
  if (epoch === null || epoch > EPOCH_MAX || startOffset === null) return null;
  return { epoch, startOffset };
};

function formatEntries(entries: readonly EpochEntry[]): string[] {
  return entries.map((e) => `${e.epoch} ${e.startOffset}`);
}

export class LeaderEpochCache {
  /** Ascending in both epoch and start offset. */
  private entries: EpochEntry[] = [];
  /** The entries the file holds, as formatted lines joined; what `flush()` compares against. */
  private persisted = "";
  private flushing = false;

  private constructor(
    private readonly fs: FileSystem,
    readonly path: string,
  ) {}

  /**
   * The cache of the partition in `partitionDir`, empty if it has no
   * checkpoint yet. Throws `CorruptCheckpointError` if the file is malformed;
   * the caller may then start empty and rebuild by scanning the log.
   */
  static async load(fs: FileSystem, partitionDir: string): Promise<LeaderEpochCache> {
    const cache = new LeaderEpochCache(fs, join(partitionDir, LEADER_EPOCH_CHECKPOINT_FILE));
    const stored = (await readCheckpoint(fs, cache.path, parseEpochLine)) ?? [];
    // Through assign, as Kafka loads it, so a file that breaks the ordering
    // comes back in order; the next flush then rewrites it.
    for (const entry of stored) cache.assign(entry.epoch, entry.startOffset);
    cache.persisted = formatEntries(stored).join("\n");
    return cache;
  }

  /** Records that `epoch` wrote a batch at `startOffset`; answers whether the entries changed. */
  assign(epoch: number, startOffset: number): boolean {
    assert.ok(Number.isInteger(epoch) && epoch >= 0 && epoch <= EPOCH_MAX, `invalid leader epoch ${epoch}`);
    assert.ok(Number.isSafeInteger(startOffset) && startOffset >= 0, `invalid start offset ${startOffset}`);
    const latest = this.latestEntry();
    if (latest !== null && epoch === latest.epoch && startOffset >= latest.startOffset) return false;

    let keep = this.entries.length;
    while (keep > 0) {
      const entry = this.entries[keep - 1];
      if (entry.epoch < epoch && entry.startOffset < startOffset) break;
      keep--;
    }
    this.entries.length = keep;
    this.entries.push({ epoch, startOffset });
    return true;
  }

  latestEntry(): EpochEntry | null {
    return this.entries.at(-1) ?? null;
  }

  /** The epoch of the newest entry, or null when the cache is empty. */
  latestEpoch(): number | null {
    return this.latestEntry()?.epoch ?? null;
  }

  earliestEntry(): EpochEntry | null {
    return this.entries[0] ?? null;
  }

  /** A copy of the entries, ascending. */
  epochEntries(): EpochEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** The end of `requestedEpoch` for OffsetForLeaderEpoch (see the header for the cases). */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    // The epoch comes off the network: any int32 must get an answer, never an assertion.
    assert.ok(Number.isInteger(requestedEpoch), `invalid requested epoch ${requestedEpoch}`);
    assert.ok(
      Number.isSafeInteger(logEndOffset) && logEndOffset >= 0,
      `invalid log end offset ${logEndOffset}`,
    );
    const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedAnswer;
    if (requestedEpoch === this.latestEpoch()) return { epoch: requestedEpoch, endOffset: logEndOffset };

    const higher = this.entries.findIndex((e) => e.epoch > requestedEpoch);
    if (higher < 0) return undefinedAnswer;
    const endOffset = this.entries[higher].startOffset;
    // Epochs after the first known one that are missing never wrote (or were
    // truncated): the nearest known epoch below answers for them.
    if (higher === 0) return { epoch: requestedEpoch, endOffset };
    return { epoch: this.entries[higher - 1].epoch, endOffset };
  }

  /** The epoch that wrote `offset`: the last entry starting at or before it, or null. */
  epochForOffset(offset: number): number | null {
    assert.ok(Number.isSafeInteger(offset) && offset >= 0, `invalid offset ${offset}`);
    let epoch: number | null = null;
    for (const entry of this.entries) {
      if (entry.startOffset > offset) break;
      epoch = entry.epoch;
    }
    return epoch;
  }

  /** Drops entries starting at or after `endOffset`; answers whether any were dropped. */
  truncateFromEnd(endOffset: number): boolean {
    if (endOffset === UNDEFINED_EPOCH_OFFSET) return false;
    assert.ok(Number.isSafeInteger(endOffset) && endOffset >= 0, `invalid end offset ${endOffset}`);
    let keep = this.entries.length;
    while (keep > 0 && this.entries[keep - 1].startOffset >= endOffset) keep--;
    if (keep === this.entries.length) return false;
    this.entries.length = keep;
    return true;
  }

  /**
   * Makes `startOffset` the start of the history: entries starting at or
   * before it go, and the last of them comes back starting at `startOffset`,
   * since its epoch still wrote the batches from there on. Answers whether
   * anything was dropped (an entry starting exactly at `startOffset` is
   * dropped and re-added unchanged, and counts).
   */
  truncateFromStart(startOffset: number): boolean {
    if (startOffset === UNDEFINED_EPOCH_OFFSET) return false;
    assert.ok(Number.isSafeInteger(startOffset) && startOffset >= 0, `invalid start offset ${startOffset}`);
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop].startOffset <= startOffset) drop++;
    if (drop === 0) return false;
    const boundary = this.entries[drop - 1];
    this.entries.splice(0, drop, { epoch: boundary.epoch, startOffset });
    return true;
  }

  /** Forgets every entry (in memory; `flush()` persists it). */
  clear(): void {
    this.entries = [];
  }

  /**
   * Writes the entries to the checkpoint file durably if they differ from
   * what it holds; answers whether it wrote. Flushes of one cache must not
   * overlap: the partition's owner calls them one at a time.
   */
  async flush(): Promise<boolean> {
    assert.ok(!this.flushing, `overlapping flushes of ${this.path}`);
    const lines = formatEntries(this.entries);
    const text = lines.join("\n");
    if (text === this.persisted) return false;
    this.flushing = true;
    try {
      await writeCheckpoint(this.fs, this.path, lines);
      // The lines written, not the entries now: they may have changed during the write.
      this.persisted = text;
    } finally {
      this.flushing = false;
    }
    return true;
  }
}
