/**
 * The inodes of the simulated file system (sim-file-system.ts): files with
 * two versions of their bytes, and directories with two versions of their
 * entries. The current version is what reads see; the durable version is
 * what a power loss leaves behind.
 *
 * A file keeps the writes and truncations made since its last sync, in
 * order. `sync()` replays them onto the durable bytes; a crash either drops
 * them or, with torn writes, keeps a prefix of them that may end part-way
 * through one write. A directory's durable entries are a copy of its
 * current entries taken at the last `syncDirectory()`.
 */

import assert from "node:assert/strict";

/** Bytes that grow in place, so appending to a segment is not quadratic. */
class ByteStore {
  private bytes: Buffer;
  private lengthBytes: number;

  constructor(initial: Buffer = Buffer.alloc(0)) {
    this.bytes = Buffer.from(initial);
    this.lengthBytes = initial.length;
  }

  get length(): number {
    return this.lengthBytes;
  }

  write(data: Buffer, position: number): void {
    const endBytes = position + data.length;
    this.reserve(endBytes);
    // Bytes between the old end and `position` become a hole of zeros, as on disk.
    if (position > this.lengthBytes) this.bytes.fill(0, this.lengthBytes, position);
    data.copy(this.bytes, position);
    this.lengthBytes = Math.max(this.lengthBytes, endBytes);
  }

  truncate(length: number): void {
    this.reserve(length);
    if (length > this.lengthBytes) this.bytes.fill(0, this.lengthBytes, length);
    this.lengthBytes = length;
  }

  read(into: Buffer, offset: number, length: number, position: number): number {
    if (position >= this.lengthBytes) return 0;
    const endBytes = Math.min(this.lengthBytes, position + length);
    return this.bytes.copy(into, offset, position, endBytes);
  }

  /** A copy, so callers never alias the store. */
  snapshot(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.lengthBytes));
  }

  private reserve(capacityBytes: number): void {
    if (capacityBytes <= this.bytes.length) return;
    const grown = Buffer.alloc(Math.max(capacityBytes, this.bytes.length * 2, 64));
    this.bytes.copy(grown, 0, 0, this.lengthBytes);
    this.bytes = grown;
  }
}

type PendingChange =
  | { readonly kind: "write"; readonly position: number; readonly data: Buffer }
  | { readonly kind: "truncate"; readonly length: number };

function applyChange(store: ByteStore, change: PendingChange): void {
  if (change.kind === "write") store.write(change.data, change.position);
  else store.truncate(change.length);
}

/** A seeded PRNG (mulberry32): tiny, fast, and the same sequence for the same seed everywhere. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    assert(Number.isSafeInteger(seed), "seed must be an integer");
    this.state = seed >>> 0;
  }

  /** A uniform integer in [0, bound). */
  nextInt(bound: number): number {
    assert(Number.isSafeInteger(bound) && bound > 0 && bound <= 2 ** 32, "bound must be in 1..2^32");
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = (t ^ (t >>> 14)) >>> 0;
    return Math.floor((value / 2 ** 32) * bound);
  }
}

export class SimFile {
  readonly kind = "file";
  private current = new ByteStore();
  private durable = new ByteStore();
  private pending: PendingChange[] = [];

  get size(): number {
    return this.current.length;
  }

  get hasUnsyncedChanges(): boolean {
    return this.pending.length > 0;
  }

  /** `data` must not be changed by the caller afterwards: it is kept until the next sync. */
  write(data: Buffer, position: number): void {
    if (data.length === 0) return;
    this.current.write(data, position);
    this.pending.push({ kind: "write", position, data });
  }

  truncate(length: number): void {
    this.current.truncate(length);
    this.pending.push({ kind: "truncate", length });
  }

  read(into: Buffer, offset: number, length: number, position: number): number {
    return this.current.read(into, offset, length, position);
  }

  content(): Buffer {
    return this.current.snapshot();
  }

  sync(): void {
    for (const change of this.pending) applyChange(this.durable, change);
    this.pending = [];
  }

  /**
   * Power loss. Without `random` the unsynced changes vanish. With it, the
   * disk is taken to have written them in order and stopped somewhere: a
   * quarter of the time before the first, a quarter after the last (disks
   * often do write everything), otherwise at a uniform byte among them.
   * Whatever was kept is on the platter now, so it becomes the durable state.
   */
  recover(random: SeededRandom | null): void {
    if (random !== null && this.pending.length > 0) {
      this.keepPrefix(this.pickKeptSteps(random));
    }
    this.pending = [];
    this.current = new ByteStore(this.durable.snapshot());
  }

  /** A step is one written byte or one truncation, the units a torn write can stop between. */
  private pickKeptSteps(random: SeededRandom): number {
    let totalSteps = 0;
    for (const change of this.pending) totalSteps += change.kind === "write" ? change.data.length : 1;
    const mode = random.nextInt(4);
    if (mode === 0) return 0;
    if (mode === 1) return totalSteps;
    return random.nextInt(totalSteps + 1);
  }

  private keepPrefix(keptSteps: number): void {
    let remainingSteps = keptSteps;
    for (const change of this.pending) {
      if (remainingSteps === 0) return;
      if (change.kind === "truncate") {
        applyChange(this.durable, change);
        remainingSteps -= 1;
        continue;
      }
      const keptBytes = Math.min(remainingSteps, change.data.length);
      this.durable.write(change.data.subarray(0, keptBytes), change.position);
      remainingSteps -= keptBytes;
    }
    assert.equal(remainingSteps, 0, "kept more steps than were pending");
  }
}

export class SimDirectory {
  readonly kind = "directory";
  entries = new Map<string, SimNode>();
  durableEntries = new Map<string, SimNode>();

  sync(): void {
    this.durableEntries = new Map(this.entries);
  }

  /** Entry names in a fixed order, so a walk (and the random draws made during it) is reproducible. */
  sortedNames(entries: Map<string, SimNode> = this.entries): string[] {
    return [...entries.keys()].sort();
  }

  /** True if `node` is this directory or lies anywhere below it. */
  contains(node: SimNode): boolean {
    if (node === this) return true;
    for (const child of this.entries.values()) {
      if (child.kind === "directory" && child.contains(node)) return true;
    }
    return false;
  }
}

export type SimNode = SimFile | SimDirectory;
