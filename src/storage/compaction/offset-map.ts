/**
 * The cleaner's key → latest offset map (Kafka's `SkimpyOffsetMap`): a fixed
 * block of memory, allocated once, so compaction's footprint is the
 * configured `log.cleaner.dedupe.buffer.size` however large keys are.
 *
 * Layout: an open-addressing hash table of `slots` entries, each
 *
 *   16 bytes  MD5 digest of the key      (in `digests`)
 *    8 bytes  offset, -1 when unused      (in `offsets`, a Float64Array:
 *                                          offsets are safe integers)
 *
 * so a slot costs 24 bytes, as in Kafka. Keys are never stored, only their
 * digests: two keys with the same MD5 would be taken for one, a risk Kafka
 * accepts at 2^-128 per pair. Probing is linear from a slot chosen by the
 * digest's first four bytes.
 *
 * `latestOffset` is the last offset the map covers (records past it were not
 * seen, so the cleaner must keep them); it advances as segments are read,
 * also past offsets that hold no keyed record.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

const DIGEST_BYTES = 16;
const OFFSET_BYTES = 8;
export const OFFSET_MAP_SLOT_BYTES = DIGEST_BYTES + OFFSET_BYTES;
const UNUSED = -1;

export class OffsetMap {
  readonly slots: number;
  private readonly digests: Buffer;
  private readonly offsets: Float64Array;
  private entries = 0;
  private latest = -1;
  /** Lookups and inserts, for the cleaner's statistics. */
  lookups = 0;
  probes = 0;

  constructor(memoryBytes: number) {
    this.slots = Math.floor(memoryBytes / OFFSET_MAP_SLOT_BYTES);
    assert.ok(this.slots >= 1, `an offset map of ${memoryBytes} bytes holds no entry`);
    this.digests = Buffer.alloc(this.slots * DIGEST_BYTES);
    this.offsets = new Float64Array(this.slots).fill(UNUSED);
  }

  get size(): number {
    return this.entries;
  }

  get latestOffset(): number {
    return this.latest;
  }

  /** Share of slots in use. */
  get utilization(): number {
    return this.entries / this.slots;
  }

  clear(): void {
    this.offsets.fill(UNUSED);
    this.entries = 0;
    this.latest = -1;
    this.lookups = 0;
    this.probes = 0;
  }

  /** Records `offset` as the latest for `key`; offsets must be put in increasing order. */
  put(key: Buffer, offset: number): void {
    assert.ok(Number.isSafeInteger(offset) && offset >= 0, `invalid offset ${offset}`);
    const digest = digestOf(key);
    const slot = this.findSlot(digest);
    if (this.offsets[slot] === UNUSED) {
      assert.ok(this.entries < this.slots, "offset map is full");
      digest.copy(this.digests, slot * DIGEST_BYTES);
      this.entries++;
    }
    this.offsets[slot] = offset;
    this.latest = Math.max(this.latest, offset);
  }

  /** The latest offset recorded for `key`, or -1 if it has none. */
  get(key: Buffer): number {
    return this.offsets[this.findSlot(digestOf(key))];
  }

  /** Moves the covered range forward (never back) past offsets that held no key. */
  updateLatestOffset(offset: number): void {
    this.latest = Math.max(this.latest, offset);
  }

  /** The slot holding `digest`, or the unused slot where it would go. */
  private findSlot(digest: Buffer): number {
    this.lookups++;
    let slot = digest.readUInt32BE(0) % this.slots;
    for (let attempt = 0; attempt < this.slots; attempt++) {
      this.probes++;
      if (this.offsets[slot] === UNUSED) return slot;
      if (
        this.digests.compare(digest, 0, DIGEST_BYTES, slot * DIGEST_BYTES, (slot + 1) * DIGEST_BYTES) === 0
      ) {
        return slot;
      }
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
    // Only a completely full map gets here; callers stop at the load factor long before.
    assert.fail("offset map has no free slot");
  }
}

function digestOf(key: Buffer): Buffer {
  return createHash("md5").update(key).digest();
}
