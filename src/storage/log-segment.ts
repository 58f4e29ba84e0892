/**
 * One segment of a partition's log: `<base>.log` holding record batches byte
 * for byte as produced (offsets and leader epoch patched), with its offset
 * and time indexes (see offset-index.ts and time-index.ts for their formats).
 *
 * The .log file is nothing but whole magic-v2 batches laid end to end; its
 * only metadata is its name. Everything else here — indexes, the largest
 * timestamp, the next offset — is derived from those bytes and can be
 * rebuilt from them (`recover`).
 */
import assert from "node:assert/strict";
import { DecodeError } from "../protocol/primitives.ts";
import { type FileHandle, type FileSystem, FileSystemError } from "./file-system.ts";
import { OffsetIndex } from "./offset-index.ts";
import {
  LOG_SUFFIX,
  OFFSET_INDEX_SUFFIX,
  offsetFileName,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
} from "./segment-files.ts";
import { type BatchLocation, readBatchLocation, readFully, scanValidBatches } from "./segment-scan.ts";
import {
  maxTimestampFrom,
  maxTimestampRecord,
  offsetByTimestamp,
  type SegmentTimeView,
  type TimestampMatch,
} from "./segment-time-search.ts";
import { TimeIndex } from "./time-index.ts";

export interface SegmentOptions {
  /** Bytes of log between offset-index entries (`index.interval.bytes`). */
  indexIntervalBytes: number;
}

/** What the log knows of a batch it is appending. */
export interface AppendBatch {
  /** Position of the batch within the appended bytes. */
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestampMs: number;
}

export type { TimestampMatch } from "./segment-time-search.ts";

export interface SegmentRead {
  records: Buffer;
  /** File position the bytes start at. */
  position: number;
  /** Base offset of the first batch returned. */
  firstBatchBaseOffset: number;
}

const NO_TIMESTAMP = -1;

export class LogSegment {
  private bytesSinceLastIndexEntry = 0;
  private persistedOffsetEntries = 0;
  private persistedTimeEntries = 0;
  private indexesDirty = true;
  private readsInFlight = 0;
  private drained: (() => void)[] = [];
  /** Largest timestamp in the segment and the offset of the batch holding it. */
  maxTimestampMs = NO_TIMESTAMP;
  offsetOfMaxTimestamp = -1;
  /** Max timestamp of the first batch: what `segment.ms` rolls by, as in Kafka. */
  firstBatchTimestampMs = NO_TIMESTAMP;

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: number,
    private readonly options: SegmentOptions,
    private log: FileHandle,
    private offsetIndex: OffsetIndex,
    private timeIndex: TimeIndex,
    public sizeBytes: number,
    public nextOffset: number,
    readonly createdAtMs: number,
    /** Appended to every file name: "" for a live segment, `.cleaned`/`.swap`/`.deleted` in transition. */
    private fileSuffix: string,
  ) {}

  /** A new, empty segment; `fileSuffix` gives its files a transitional name (compaction writes `.cleaned`). */
  static async create(
    fs: FileSystem,
    dir: string,
    baseOffset: number,
    options: SegmentOptions,
    nowMs: number,
    fileSuffix = "",
  ): Promise<LogSegment> {
    const log = await fs.open(`${dir}/${offsetFileName(baseOffset, LOG_SUFFIX)}${fileSuffix}`, "create");
    const size = await log.size();
    if (size !== 0) await log.truncate(0);
    return new LogSegment(
      fs,
      dir,
      baseOffset,
      options,
      log,
      new OffsetIndex(baseOffset),
      new TimeIndex(baseOffset),
      0,
      baseOffset,
      nowMs,
      fileSuffix,
    );
  }

  /**
   * Opens an existing segment:
   * - "trust-indexes": loads the indexes if they pass their checks, else rebuilds them;
   * - "rebuild-indexes": rebuilds them from the batch headers;
   * - "recover": checks every batch (CRC included), truncates at the first
   *   invalid byte and rebuilds the indexes; returns how many bytes went.
   */
  static async open(
    fs: FileSystem,
    dir: string,
    baseOffset: number,
    options: SegmentOptions,
    mode: "trust-indexes" | "rebuild-indexes" | "recover",
    nowMs: number,
  ): Promise<{ segment: LogSegment; truncatedBytes: number }> {
    const log = await fs.open(`${dir}/${offsetFileName(baseOffset, LOG_SUFFIX)}`, "write");
    const size = await log.size();
    const segment = new LogSegment(
      fs,
      dir,
      baseOffset,
      options,
      log,
      new OffsetIndex(baseOffset),
      new TimeIndex(baseOffset),
      size,
      baseOffset,
      nowMs,
      "",
    );
    if (mode === "recover") return { segment, truncatedBytes: await segment.recover() };
    if (!(mode === "trust-indexes" && (await segment.loadIndexes()))) await segment.rebuildIndexes();
    return { segment, truncatedBytes: 0 };
  }

  private path(kind: string): string {
    return `${this.dir}/${offsetFileName(this.baseOffset, kind)}${this.fileSuffix}`;
  }

  /** Loads both indexes and finds the segment's end from the last entry; false if anything is off. */
  private async loadIndexes(): Promise<boolean> {
    const offsetBytes = await this.fs.readFile(this.path(OFFSET_INDEX_SUFFIX));
    const timeBytes = await this.fs.readFile(this.path(TIME_INDEX_SUFFIX));
    if (offsetBytes === null || timeBytes === null) return false;
    const offsetIndex = OffsetIndex.decode(
      this.baseOffset,
      offsetBytes,
      this.sizeBytes,
      Number.MAX_SAFE_INTEGER,
    );
    if (offsetIndex === null) return false;
    const lastEntry = offsetIndex.lastEntry();
    let position = lastEntry?.position ?? 0;
    let nextOffset = this.baseOffset;
    let maxTimestampMs = NO_TIMESTAMP;
    let offsetOfMaxTimestamp = -1;
    try {
      for (;;) {
        const batch = await readBatchLocation(this.log, position, this.sizeBytes);
        // The last entry must name the batch it points at; earlier ones are checked as lookups use them.
        if (lastEntry !== null && position === lastEntry.position && batch?.lastOffset !== lastEntry.offset)
          return false;
        if (batch === null) break;
        if (position === 0) this.firstBatchTimestampMs = batch.maxTimestampMs;
        nextOffset = batch.lastOffset + 1;
        if (batch.maxTimestampMs > maxTimestampMs) {
          maxTimestampMs = batch.maxTimestampMs;
          offsetOfMaxTimestamp = batch.lastOffset;
        }
        position += batch.sizeBytes;
      }
    } catch (error) {
      if (error instanceof DecodeError) return false;
      throw error;
    }
    const timeIndex = TimeIndex.decode(this.baseOffset, timeBytes, nextOffset);
    if (timeIndex === null) return false;
    const lastTime = timeIndex.lastEntry();
    if (lastTime !== null && lastTime.timestampMs > maxTimestampMs) {
      maxTimestampMs = lastTime.timestampMs;
      offsetOfMaxTimestamp = lastTime.offset;
    }
    if (this.sizeBytes > 0 && this.firstBatchTimestampMs === NO_TIMESTAMP) {
      const first = await readBatchLocation(this.log, 0, this.sizeBytes);
      this.firstBatchTimestampMs = first?.maxTimestampMs ?? NO_TIMESTAMP;
    }
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.persistedOffsetEntries = offsetIndex.entryCount;
    this.persistedTimeEntries = timeIndex.entryCount;
    this.indexesDirty = false;
    this.nextOffset = nextOffset;
    this.maxTimestampMs = maxTimestampMs;
    this.offsetOfMaxTimestamp = offsetOfMaxTimestamp;
    return true;
  }

  private resetDerivedState(): void {
    this.offsetIndex = new OffsetIndex(this.baseOffset);
    this.timeIndex = new TimeIndex(this.baseOffset);
    this.persistedOffsetEntries = 0;
    this.persistedTimeEntries = 0;
    this.indexesDirty = true;
    this.bytesSinceLastIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    this.maxTimestampMs = NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = -1;
    this.firstBatchTimestampMs = NO_TIMESTAMP;
  }

  private trackBatch(
    batch: { baseOffset: number; lastOffset: number; maxTimestampMs: number },
    position: number,
    sizeBytes: number,
  ): void {
    if (position === 0) this.firstBatchTimestampMs = batch.maxTimestampMs;
    if (batch.maxTimestampMs > this.maxTimestampMs) {
      this.maxTimestampMs = batch.maxTimestampMs;
      this.offsetOfMaxTimestamp = batch.lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes) {
      this.offsetIndex.append(batch.lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestampMs, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
      this.indexesDirty = true;
    }
    this.bytesSinceLastIndexEntry += sizeBytes;
    this.nextOffset = batch.lastOffset + 1;
  }

  /**
   * Scans the whole log, checking every batch, rebuilding both indexes, and
   * truncating at the first invalid byte. Returns the bytes truncated.
   */
  async recover(): Promise<number> {
    this.resetDerivedState();
    const result = await scanValidBatches(this.log, 0, this.sizeBytes, (_batch, location) => {
      if (location.baseOffset < this.nextOffset) {
        throw new DecodeError(
          `batch at ${location.position} starts at offset ${location.baseOffset}, below ${this.nextOffset}`,
        );
      }
      this.trackBatch(location, location.position, location.sizeBytes);
    });
    const truncated = this.sizeBytes - result.validBytes;
    if (truncated > 0) {
      await this.log.truncate(result.validBytes);
      this.sizeBytes = result.validBytes;
    }
    await this.writeIndexes(true, true);
    return truncated;
  }

  /** Rebuilds the indexes from the log's headers without checking CRCs. */
  private async rebuildIndexes(): Promise<void> {
    this.resetDerivedState();
    let position = 0;
    for (;;) {
      const batch = await readBatchLocation(this.log, position, this.sizeBytes);
      if (batch === null) break;
      this.trackBatch(batch, position, batch.sizeBytes);
      position += batch.sizeBytes;
    }
    await this.writeIndexes(true, false);
  }

  /** Appends whole batches (offsets already assigned) at the end of the segment. */
  async append(records: Buffer, batches: readonly AppendBatch[]): Promise<void> {
    assert.ok(batches.length > 0, "append of no batches");
    assert.ok(batches[0].baseOffset >= this.nextOffset, "offsets must increase across appends");
    const start = this.sizeBytes;
    await this.log.write(records, start);
    this.sizeBytes = start + records.length;
    for (const batch of batches) this.trackBatch(batch, start + batch.position, batch.sizeBytes);
  }

  /** Undoes a failed append's partial write; false if even that fails (the segment is then unusable). */
  async rollbackTo(sizeBytes: number): Promise<boolean> {
    assert.ok(sizeBytes <= this.sizeBytes, "rollback only shrinks");
    try {
      await this.log.truncate(sizeBytes);
    } catch (error) {
      if (error instanceof FileSystemError) return false;
      throw error;
    }
    this.sizeBytes = sizeBytes;
    return true;
  }

  /** The first batch whose last offset is ≥ `offset`, scanning from the nearest index entry. */
  async findBatch(offset: number, limitPosition = this.sizeBytes): Promise<BatchLocation | null> {
    const entry = this.offsetIndex.lookup(offset);
    let position = entry.position;
    let first = true;
    for (;;) {
      let batch: BatchLocation | null;
      try {
        batch = await readBatchLocation(this.log, position, limitPosition);
      } catch (error) {
        if (!(error instanceof DecodeError) || !first || position === 0) throw error;
        batch = null;
      }
      // An index entry names the last offset of the batch it points at; anything
      // else means the index is wrong (it is only checked loosely on load): rebuild it.
      if (first && position > 0 && (batch === null || batch.lastOffset !== entry.offset)) {
        await this.rebuildIndexes();
        return this.findBatch(offset, limitPosition);
      }
      first = false;
      if (batch === null) return null;
      if (batch.lastOffset >= offset) return batch;
      position += batch.sizeBytes;
    }
  }

  /**
   * Kafka's read: from the batch holding `startOffset`, up to `maxBytes`
   * (the last batch may be cut short, which clients handle), never past
   * `maxPosition`; with `minOneBatch`, the whole first batch even if larger.
   */
  read(
    startOffset: number,
    maxBytes: number,
    maxPosition: number,
    minOneBatch: boolean,
  ): Promise<SegmentRead | null> {
    return this.reading(() => this.readUnguarded(startOffset, maxBytes, maxPosition, minOneBatch));
  }

  private async readUnguarded(
    startOffset: number,
    maxBytes: number,
    maxPosition: number,
    minOneBatch: boolean,
  ): Promise<SegmentRead | null> {
    const limit = Math.min(maxPosition, this.sizeBytes);
    const first = await this.findBatch(startOffset, limit);
    if (first === null) return null;
    const available = limit - first.position;
    const length = Math.min(available, minOneBatch ? Math.max(maxBytes, first.sizeBytes) : maxBytes);
    if (length <= 0) return null;
    const records = await readFully(this.log, first.position, length);
    return { records, position: first.position, firstBatchBaseOffset: first.baseOffset };
  }

  /** The first record at or after `timestampMs` with offset ≥ `startingOffset` (ListOffsets by time). */
  findOffsetByTimestamp(timestampMs: number, startingOffset: number): Promise<TimestampMatch | null> {
    return this.reading(() => offsetByTimestamp(this.timeView(), timestampMs, startingOffset));
  }

  /** The record holding the segment's largest timestamp (ListOffsets MAX_TIMESTAMP). */
  findMaxTimestampRecord(): Promise<TimestampMatch | null> {
    return this.reading(() => maxTimestampRecord(this.timeView()));
  }

  /** The record with the largest timestamp among offsets ≥ `startOffset` (see segment-time-search.ts). */
  maxTimestampFrom(startOffset: number): Promise<TimestampMatch | null> {
    return this.reading(() => maxTimestampFrom(this.timeView(), startOffset));
  }

  private timeView(): SegmentTimeView {
    return {
      handle: this.log,
      sizeBytes: this.sizeBytes,
      maxTimestampMs: this.maxTimestampMs,
      offsetOfMaxTimestamp: this.offsetOfMaxTimestamp,
      timeIndexOffset: (timestampMs) => this.timeIndex.lookup(timestampMs).offset,
      indexedPosition: (offset) => this.offsetIndex.lookup(offset).position,
      findBatch: (offset) => this.findBatch(offset),
    };
  }

  /** Counts a read in flight, so `closeHandle` can let it finish. */
  private async reading<T>(work: () => Promise<T>): Promise<T> {
    this.readsInFlight++;
    try {
      return await work();
    } finally {
      this.readsInFlight--;
      if (this.readsInFlight === 0) for (const wake of this.drained.splice(0)) wake();
    }
  }

  /** Removes every batch holding offsets ≥ `offset`; returns the bytes removed. */
  async truncateTo(offset: number): Promise<number> {
    const batch = await this.findBatch(offset);
    if (batch === null) return 0;
    const removed = this.sizeBytes - batch.position;
    await this.log.truncate(batch.position);
    this.sizeBytes = batch.position;
    await this.rebuildIndexes();
    return removed;
  }

  /** Makes the log bytes durable, and writes index entries added since the last flush. */
  /**
   * Makes the log bytes durable. Index entries are not written here: this
   * runs on every group commit, and a segment past the recovery point has
   * its indexes rebuilt on an unclean start anyway; they are written when
   * the segment stops being active (`flushAll`) and at close.
   */
  async flush(): Promise<void> {
    await this.log.sync();
  }

  /** Flushes the log and makes the indexes durable too: when the segment stops being active. */
  async flushAll(): Promise<void> {
    await this.log.sync();
    await this.writeIndexes(true, true);
  }

  /**
   * Writes index entries to their files: appending the new ones, or the
   * whole index after a rebuild. With `sync`, makes them durable too (a torn
   * index is caught by the checks on load and rebuilt, so syncing is only
   * worth it where a segment goes quiet: on roll and close).
   */
  private async writeIndexes(rewrite: boolean, sync: boolean): Promise<void> {
    if (!this.indexesDirty && !rewrite && !sync) return;
    const offsetFile = await this.fs.open(this.path(OFFSET_INDEX_SUFFIX), "create");
    const timeFile = await this.fs.open(this.path(TIME_INDEX_SUFFIX), "create");
    try {
      if (rewrite) {
        await offsetFile.truncate(0);
        await timeFile.truncate(0);
        this.persistedOffsetEntries = 0;
        this.persistedTimeEntries = 0;
      }
      const offsetBytes = this.offsetIndex.encode(this.persistedOffsetEntries);
      if (offsetBytes.length > 0) await offsetFile.write(offsetBytes, this.persistedOffsetEntries * 8);
      const timeBytes = this.timeIndex.encode(this.persistedTimeEntries);
      if (timeBytes.length > 0) await timeFile.write(timeBytes, this.persistedTimeEntries * 12);
      this.persistedOffsetEntries = this.offsetIndex.entryCount;
      this.persistedTimeEntries = this.timeIndex.entryCount;
      this.indexesDirty = false;
      if (sync) {
        await offsetFile.sync();
        await timeFile.sync();
      }
    } finally {
      await offsetFile.close();
      await timeFile.close();
    }
  }

  /** Flushes everything, indexes included, and releases the file handle. */
  async close(): Promise<void> {
    await this.flushAll();
    await this.log.close();
  }

  /**
   * Renames the segment's files to `<name><toSuffix>` (`.deleted`, `.cleaned`,
   * `.swap`, or "" for live names); later flushes follow the new names.
   * The first argument is the caller's view of where the files are now; the
   * segment's own record wins, so a retired segment whose compaction rename
   * failed is still moved from where its files really are.
   *
   * The loader knows a segment by its .log file, so when files move towards
   * a live name (`.swap`, "") the .log goes last, and otherwise first: a crash
   * between renames never pairs a .log with index files that are not its own.
   */
  async renameFiles(_expectedSuffix: string, toSuffix: string): Promise<void> {
    if (this.fileSuffix === toSuffix) return;
    const logLast = toSuffix === "" || toSuffix === SWAP_SUFFIX;
    const kinds = logLast
      ? [OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX]
      : [LOG_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX];
    for (const kind of kinds) {
      const from = this.path(kind);
      const to = `${this.dir}/${offsetFileName(this.baseOffset, kind)}${toSuffix}`;
      if ((await this.fs.stat(from)) !== null) await this.fs.rename(from, to);
    }
    this.fileSuffix = toSuffix;
  }

  /** Up to `length` bytes of the .log file from `position`, fewer at its end (the cleaner's sequential reads). */
  async readBytes(position: number, length: number): Promise<Buffer> {
    assert.ok(position >= 0 && position <= this.sizeBytes, "read position outside the segment");
    return readFully(this.log, position, Math.min(length, this.sizeBytes - position));
  }

  /** Closes the handle and removes the files, .log first: for a compacted segment that will not be used. */
  async deleteFiles(): Promise<void> {
    await this.log.close();
    for (const kind of [LOG_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      const path = this.path(kind);
      if ((await this.fs.stat(path)) !== null) await this.fs.unlink(path);
    }
  }

  /**
   * Releases the file handle once the reads already in flight have finished:
   * a consumer that found this segment just before compaction replaced it
   * still gets its batches (Kafka keeps replaced segments open a while).
   */
  async closeHandle(): Promise<void> {
    while (this.readsInFlight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    await this.log.close();
  }

  isEmpty(): boolean {
    return this.sizeBytes === 0;
  }

  /** Calls `visit` with every whole batch whose last offset is ≥ `fromOffset`, in order (CRC-checked unless told not to). */
  async forEachBatch(
    fromOffset: number,
    visit: (batch: Buffer) => void,
    options: { verifyCrc?: boolean } = {},
  ): Promise<void> {
    const first = await this.findBatch(fromOffset);
    if (first === null) return;
    const result = await scanValidBatches(
      this.log,
      first.position,
      this.sizeBytes,
      (batch) => visit(batch),
      options,
    );
    if (result.stoppedBecause !== null) {
      throw new DecodeError(`segment ${this.baseOffset} in ${this.dir}: ${result.stoppedBecause}`);
    }
  }

  /** When retention judges this segment's age: its largest timestamp, else when it was opened. */
  retentionTimestampMs(): number {
    return this.maxTimestampMs >= 0 ? this.maxTimestampMs : this.createdAtMs;
  }
}
