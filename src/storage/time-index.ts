/**
 * The sparse time index of one segment: `<baseOffset>.timeindex`.
 *
 * File format (Kafka's): a sequence of 12-byte entries, big-endian,
 *
 *   pos size field
 *     0  8   timestamp      int64  largest timestamp seen so far in the segment
 *     8  4   relativeOffset int32  offset of the record holding it - base offset
 *
 * Timestamps in a log need not increase, so each entry records the largest
 * timestamp seen up to that point; both columns strictly increase. A lookup
 * gives a point from which to scan for the first record at or after a time
 * (ListOffsets by timestamp). Entries are added alongside offset-index entries,
 * only when the running maximum has grown. Derived data, like the offset
 * index: checked on load and rebuilt when in doubt.
 */
import assert from "node:assert/strict";

export const TIME_INDEX_ENTRY_BYTES = 12;

export interface TimestampOffset {
  timestampMs: number;
  offset: number;
}

export class TimeIndex {
  private timestamps: Float64Array;
  private offsets: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    initialCapacity = 64,
  ) {
    this.timestamps = new Float64Array(initialCapacity);
    this.offsets = new Int32Array(initialCapacity);
  }

  get entryCount(): number {
    return this.count;
  }

  lastEntry(): TimestampOffset | null {
    return this.count === 0 ? null : this.entryAt(this.count - 1);
  }

  entryAt(index: number): TimestampOffset {
    assert.ok(index >= 0 && index < this.count, "time index entry out of range");
    return { timestampMs: this.timestamps[index], offset: this.baseOffset + this.offsets[index] };
  }

  /** Adds an entry if `timestampMs` is larger than the last one; returns whether it did. */
  maybeAppend(timestampMs: number, offset: number): boolean {
    const relative = offset - this.baseOffset;
    assert.ok(relative >= 0 && relative <= 0x7fffffff, `offset ${offset} outside segment ${this.baseOffset}`);
    if (this.count > 0) {
      if (timestampMs <= this.timestamps[this.count - 1]) return false;
      if (relative <= this.offsets[this.count - 1]) return false;
    }
    if (this.count === this.timestamps.length) {
      const timestamps = new Float64Array(this.count * 2);
      timestamps.set(this.timestamps);
      this.timestamps = timestamps;
      const offsets = new Int32Array(this.count * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.timestamps[this.count] = timestampMs;
    this.offsets[this.count] = relative;
    this.count++;
    return true;
  }

  /** The last entry whose timestamp is ≤ `timestampMs`, or the segment start (timestamp -1). */
  lookup(timestampMs: number): TimestampOffset {
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.timestamps[middle] <= timestampMs) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? { timestampMs: -1, offset: this.baseOffset } : this.entryAt(found);
  }

  /** Drops entries for offsets ≥ `offset`. */
  truncateToOffset(offset: number): void {
    const relative = offset - this.baseOffset;
    while (this.count > 0 && this.offsets[this.count - 1] >= relative) this.count--;
  }

  clear(): void {
    this.count = 0;
  }

  encode(fromEntry = 0): Buffer {
    const out = Buffer.allocUnsafe((this.count - fromEntry) * TIME_INDEX_ENTRY_BYTES);
    for (let i = fromEntry; i < this.count; i++) {
      const at = (i - fromEntry) * TIME_INDEX_ENTRY_BYTES;
      out.writeBigInt64BE(BigInt(this.timestamps[i]), at);
      out.writeInt32BE(this.offsets[i], at + 8);
    }
    return out;
  }

  /** Parses file bytes, or null if they cannot be a valid time index for offsets below `nextOffset`. */
  static decode(baseOffset: number, bytes: Buffer, nextOffset: number): TimeIndex | null {
    if (bytes.length % TIME_INDEX_ENTRY_BYTES !== 0) return null;
    const index = new TimeIndex(baseOffset, Math.max(64, bytes.length / TIME_INDEX_ENTRY_BYTES));
    for (let at = 0; at < bytes.length; at += TIME_INDEX_ENTRY_BYTES) {
      const timestamp = bytes.readBigInt64BE(at);
      const relative = bytes.readInt32BE(at + 8);
      if (timestamp > BigInt(Number.MAX_SAFE_INTEGER) || timestamp < BigInt(Number.MIN_SAFE_INTEGER))
        return null;
      if (relative < 0 || baseOffset + relative >= nextOffset) return null;
      if (!index.maybeAppend(Number(timestamp), baseOffset + relative)) return null;
    }
    return index;
  }
}
