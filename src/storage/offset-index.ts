/**
 * The sparse offset index of one segment: `<baseOffset>.index`.
 *
 * File format (Kafka's): a sequence of 8-byte entries, big-endian,
 *
 *   pos size field
 *     0  4   relativeOffset int32  offset - segment base offset
 *     4  4   position       int32  byte position of a batch in the .log file
 *
 * An entry maps the last offset of a batch to that batch's position. Both
 * columns strictly increase. One entry is added per `index.interval.bytes`
 * of log appended, so a lookup lands at most that many bytes before the
 * batch sought, and the segment scans forward from there.
 *
 * The index is derived data: it is kept in memory, appended to its file as
 * the segment is flushed, checked on load, and rebuilt from the log whenever
 * it is missing or fails a check — never trusted blindly.
 */
import assert from "node:assert/strict";

export const OFFSET_INDEX_ENTRY_BYTES = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex {
  private entries: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    initialCapacity = 64,
  ) {
    this.entries = new Int32Array(initialCapacity * 2);
  }

  get entryCount(): number {
    return this.count;
  }

  get sizeBytes(): number {
    return this.count * OFFSET_INDEX_ENTRY_BYTES;
  }

  lastEntry(): OffsetPosition | null {
    if (this.count === 0) return null;
    return this.entryAt(this.count - 1);
  }

  entryAt(index: number): OffsetPosition {
    assert.ok(index >= 0 && index < this.count, "index entry out of range");
    return { offset: this.baseOffset + this.entries[index * 2], position: this.entries[index * 2 + 1] };
  }

  append(offset: number, position: number): void {
    const relative = offset - this.baseOffset;
    assert.ok(relative >= 0 && relative <= 0x7fffffff, `offset ${offset} outside segment ${this.baseOffset}`);
    const last = this.count - 1;
    if (last >= 0) {
      assert.ok(relative > this.entries[last * 2], "index offsets must increase");
      assert.ok(position > this.entries[last * 2 + 1], "index positions must increase");
    }
    if ((this.count + 1) * 2 > this.entries.length) {
      const grown = new Int32Array(this.entries.length * 2);
      grown.set(this.entries);
      this.entries = grown;
    }
    this.entries[this.count * 2] = relative;
    this.entries[this.count * 2 + 1] = position;
    this.count++;
  }

  /** The entry with the largest offset ≤ `offset`, or the segment start. */
  lookup(offset: number): OffsetPosition {
    const target = offset - this.baseOffset;
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle * 2] <= target) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? { offset: this.baseOffset, position: 0 } : this.entryAt(found);
  }

  /** Drops entries for offsets ≥ `offset`. */
  truncateToOffset(offset: number): void {
    const target = offset - this.baseOffset;
    while (this.count > 0 && this.entries[(this.count - 1) * 2] >= target) this.count--;
  }

  /** Drops entries pointing at positions ≥ `position`. */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.entries[(this.count - 1) * 2 + 1] >= position) this.count--;
  }

  clear(): void {
    this.count = 0;
  }

  /** File bytes of entries [fromEntry, count). */
  encode(fromEntry = 0): Buffer {
    const out = Buffer.allocUnsafe((this.count - fromEntry) * OFFSET_INDEX_ENTRY_BYTES);
    for (let i = fromEntry; i < this.count; i++) {
      const at = (i - fromEntry) * OFFSET_INDEX_ENTRY_BYTES;
      out.writeInt32BE(this.entries[i * 2], at);
      out.writeInt32BE(this.entries[i * 2 + 1], at + 4);
    }
    return out;
  }

  /**
   * Parses index file bytes, or returns null if they cannot be a valid index
   * for a log of `logSizeBytes` whose offsets end before `nextOffset`.
   */
  static decode(
    baseOffset: number,
    bytes: Buffer,
    logSizeBytes: number,
    nextOffset: number,
  ): OffsetIndex | null {
    if (bytes.length % OFFSET_INDEX_ENTRY_BYTES !== 0) return null;
    const index = new OffsetIndex(baseOffset, Math.max(64, bytes.length / OFFSET_INDEX_ENTRY_BYTES));
    let previousRelative = -1;
    let previousPosition = -1;
    for (let at = 0; at < bytes.length; at += OFFSET_INDEX_ENTRY_BYTES) {
      const relative = bytes.readInt32BE(at);
      const position = bytes.readInt32BE(at + 4);
      if (relative <= previousRelative || position <= previousPosition) return null;
      if (position >= logSizeBytes || baseOffset + relative >= nextOffset) return null;
      index.append(baseOffset + relative, position);
      previousRelative = relative;
      previousPosition = position;
    }
    return index;
  }
}
