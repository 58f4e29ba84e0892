/**
 * An in-memory, deterministic `FileSystem` for crash and fault tests.
 *
 * Model (POSIX as applications may rely on it, no more):
 * - Every file has current bytes, which reads see, and durable bytes, which
 *   survive `crash()`. `FileHandle.sync()` makes the current bytes durable.
 * - Every directory has current entries and durable entries. Creating,
 *   renaming, unlinking, `mkdir` and `removeTree` change the current entries
 *   at once; `syncDirectory(dir)` makes `dir`'s entries durable. So a file
 *   that was created and synced, but whose directory was never synced, is
 *   gone after a crash: the risk a rename-then-fsync-the-directory protocol
 *   exists to close.
 * - Entries point at inodes, so a handle keeps working on its file after a
 *   rename or unlink, and a rename within one directory is atomic at the
 *   directory sync. A rename between directories becomes durable in two
 *   halves (the source directory's sync drops the old name, the target's
 *   adds the new one); syncing only one of them loses the file or, like a
 *   hard link, keeps it under both names. Directories are never kept under
 *   two names: the first one a depth-first walk in name order meets wins.
 * - `crash()` is power loss: files and directories revert to their durable
 *   state, open handles die (EBADF), and with `tornWrites` each file keeps a
 *   seeded prefix of its unsynced writes (see sim-file-system-nodes.ts).
 * - `capacityBytes` bounds the total size of the files currently linked
 *   (space is freed at unlink, not at last close). A write or extending
 *   truncate that would pass it fails with ENOSPC and writes nothing, so a
 *   test sees exactly one outcome; partial writes on a full disk are what
 *   torn writes at a crash already cover.
 * - Faults (`failNext`, `faultHook`) are checked before an operation does
 *   anything, so failed operations change nothing. They survive a crash.
 *
 * Paths are POSIX strings, resolved against "/". Every operation takes
 * effect when it is called, before its promise settles, so a test can crash
 * between any two calls and get the same result for the same sequence.
 */

import assert from "node:assert/strict";
import { posix } from "node:path";
import {
  type FileHandle,
  type FileStat,
  type FileSystem,
  FileSystemError,
  type OpenMode,
} from "./file-system.ts";
import { FaultInjector, type SimFaultHook, type SimOperation } from "./sim-file-system-faults.ts";
import { type HandleHost, SimFileHandle, type SimFileSystemStats } from "./sim-file-system-handle.ts";
import { SeededRandom, SimDirectory, SimFile, type SimNode } from "./sim-file-system-nodes.ts";

export type { SimFaultHook, SimOperation } from "./sim-file-system-faults.ts";
export type { SimFileSystemStats } from "./sim-file-system-handle.ts";

export interface SimFileSystemOptions {
  /** Seeds torn writes for crashes that do not pass their own seed. */
  seed?: number;
  capacityBytes?: number;
}

export interface SimCrashOptions {
  /** Keep a seeded prefix of each file's unsynced writes instead of dropping them all. */
  tornWrites?: boolean;
  /** Defaults to one derived from the file system's seed and the number of crashes so far. */
  seed?: number;
}

function fsError(code: string, path: string): FileSystemError {
  return new FileSystemError(code, path);
}

function normalize(path: string): string {
  assert(typeof path === "string" && path.length > 0, "path must be a non-empty string");
  return posix.resolve("/", path);
}

export class SimFileSystem implements FileSystem {
  /** Total bytes the linked files may hold; change it at any time, e.g. to free space mid-test. */
  capacityBytes: number;
  private readonly seed: number;
  private readonly root = new SimDirectory();
  private readonly faults = new FaultInjector();
  private readonly counters: SimFileSystemStats = {
    writeCalls: 0,
    bytesWritten: 0,
    syncCalls: 0,
    syncDirectoryCalls: 0,
    crashes: 0,
  };
  private generation = 0;
  private crashCount = 0;
  private openHandles = 0;
  private readonly host: HandleHost;

  constructor(options: SimFileSystemOptions = {}) {
    this.seed = options.seed ?? 1;
    this.capacityBytes = options.capacityBytes ?? Number.POSITIVE_INFINITY;
    assert(Number.isSafeInteger(this.seed), "seed must be an integer");
    assert(this.capacityBytes >= 0, "capacityBytes must not be negative");
    this.host = {
      faults: this.faults,
      stats: this.counters,
      currentGeneration: () => this.generation,
      ensureSpace: (path, additionalBytes) => this.ensureSpace(path, additionalBytes),
      released: () => {
        this.openHandles -= 1;
        assert(this.openHandles >= 0, "more handles closed than opened");
      },
    };
  }

  /** A snapshot of the counters. */
  get stats(): SimFileSystemStats {
    return { ...this.counters };
  }

  resetStats(): void {
    for (const key of Object.keys(this.counters) as (keyof SimFileSystemStats)[]) this.counters[key] = 0;
  }

  /** Handles opened since the last crash and not yet closed: a leak check for tests. */
  get openHandleCount(): number {
    return this.openHandles;
  }

  /** Current total size of every linked file. */
  get usedBytes(): number {
    const seen = new Set<SimFile>();
    let total = 0;
    const walk = (directory: SimDirectory): void => {
      for (const node of directory.entries.values()) {
        if (node.kind === "directory") walk(node);
        else if (!seen.has(node)) {
          seen.add(node);
          total += node.size;
        }
      }
    };
    walk(this.root);
    return total;
  }

  get faultHook(): SimFaultHook | null {
    return this.faults.hook;
  }

  set faultHook(hook: SimFaultHook | null) {
    this.faults.hook = hook;
  }

  /** The next `operation` on a matching path (any path if no pattern) fails with `code`, once. */
  failNext(operation: SimOperation, code: string, pathPattern?: string | RegExp): void {
    const pattern = typeof pathPattern === "string" ? normalize(pathPattern) : (pathPattern ?? null);
    this.faults.failNext(operation, code, pattern);
  }

  /** Drops queued one-shot faults and the fault hook. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Power loss: see the model at the top of this file. Synchronous, so it can fall between any two calls. */
  crash(options: SimCrashOptions = {}): void {
    // A count of its own, not the resettable statistic, so default seeds never repeat within one run.
    this.crashCount += 1;
    const seed = options.seed ?? (this.seed ^ Math.imul(this.crashCount, 0x9e3779b9)) >>> 0;
    const random = options.tornWrites === true ? new SeededRandom(seed) : null;
    this.generation += 1;
    this.openHandles = 0;
    this.counters.crashes += 1;
    this.recoverDirectory(this.root, new Set<SimNode>([this.root]), random);
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const normalized = normalize(path);
    this.faults.check("open", normalized);
    let node = this.lookup(normalized);
    if (node === undefined) {
      if (mode !== "create") throw fsError("ENOENT", normalized);
      const { parent, name } = this.parentOf(normalized);
      node = new SimFile();
      parent.entries.set(name, node);
    }
    if (node.kind === "directory") throw fsError("EISDIR", normalized);
    this.openHandles += 1;
    return new SimFileHandle(this.host, normalized, node, mode !== "read");
  }

  async readFile(path: string): Promise<Buffer | null> {
    const normalized = normalize(path);
    this.faults.check("open", normalized);
    const node = this.lookup(normalized);
    if (node === undefined) return null;
    if (node.kind === "directory") throw fsError("EISDIR", normalized);
    this.faults.check("read", normalized);
    return node.content();
  }

  async rename(from: string, to: string): Promise<void> {
    const source = normalize(from);
    const target = normalize(to);
    this.faults.check("rename", source, target);
    if (source === "/" || target === "/") throw fsError("EBUSY", source);
    const { parent: sourceParent, name: sourceName } = this.parentOf(source);
    const node = sourceParent.entries.get(sourceName);
    if (node === undefined) throw fsError("ENOENT", source);
    const { parent: targetParent, name: targetName } = this.parentOf(target);
    const existing = targetParent.entries.get(targetName);
    // Renaming a name onto itself, or onto another link to the same file, is a no-op in POSIX.
    if (existing === node) return;
    if (node.kind === "directory" && node.contains(targetParent)) throw fsError("EINVAL", source);
    if (existing !== undefined) this.checkReplaceable(node, existing, target);
    sourceParent.entries.delete(sourceName);
    targetParent.entries.set(targetName, node);
  }

  async unlink(path: string): Promise<void> {
    const normalized = normalize(path);
    this.faults.check("unlink", normalized);
    if (normalized === "/") throw fsError("EISDIR", normalized);
    const { parent, name } = this.parentOf(normalized);
    const node = parent.entries.get(name);
    if (node === undefined) throw fsError("ENOENT", normalized);
    // Linux answers EISDIR where POSIX allows EPERM.
    if (node.kind === "directory") throw fsError("EISDIR", normalized);
    parent.entries.delete(name);
  }

  async mkdir(path: string): Promise<void> {
    const normalized = normalize(path);
    this.faults.check("mkdir", normalized);
    if (normalized === "/") return;
    const names = normalized.slice(1).split("/");
    let directory = this.root;
    for (const [index, name] of names.entries()) {
      let child = directory.entries.get(name);
      if (child === undefined) {
        child = new SimDirectory();
        directory.entries.set(name, child);
      }
      if (child.kind !== "directory") {
        throw fsError(index === names.length - 1 ? "EEXIST" : "ENOTDIR", normalized);
      }
      directory = child;
    }
  }

  /**
   * Detaches the whole subtree from its parent in one step; after a crash it
   * is either back as it was durably or gone, depending on the parent's sync.
   */
  async removeTree(path: string): Promise<void> {
    const normalized = normalize(path);
    assert(normalized !== "/", "refusing to remove the root directory");
    this.faults.check("removeTree", normalized);
    if (this.lookup(normalized) === undefined) return;
    const { parent, name } = this.parentOf(normalized);
    parent.entries.delete(name);
  }

  async readdir(path: string): Promise<string[]> {
    const normalized = normalize(path);
    this.faults.check("readdir", normalized);
    return this.directoryAt(normalized).sortedNames();
  }

  async stat(path: string): Promise<FileStat | null> {
    const normalized = normalize(path);
    this.faults.check("stat", normalized);
    const node = this.lookup(normalized);
    if (node === undefined) return null;
    return node.kind === "directory"
      ? { size: 0, isDirectory: true }
      : { size: node.size, isDirectory: false };
  }

  async syncDirectory(path: string): Promise<void> {
    const normalized = normalize(path);
    this.faults.check("syncDirectory", normalized);
    this.directoryAt(normalized).sync();
    this.counters.syncDirectoryCalls += 1;
  }

  private ensureSpace(path: string, additionalBytes: number): void {
    if (additionalBytes <= 0 || this.capacityBytes === Number.POSITIVE_INFINITY) return;
    if (this.usedBytes + additionalBytes > this.capacityBytes) throw fsError("ENOSPC", path);
  }

  /** POSIX rename's rules for an existing target. */
  private checkReplaceable(node: SimNode, existing: SimNode, target: string): void {
    if (existing.kind === "directory" && node.kind === "file") throw fsError("EISDIR", target);
    if (existing.kind === "file" && node.kind === "directory") throw fsError("ENOTDIR", target);
    if (existing.kind === "directory" && existing.entries.size > 0) throw fsError("ENOTEMPTY", target);
  }

  /** The node at `path`, or undefined if some component is missing; ENOTDIR if one is a file. */
  private lookup(path: string): SimNode | undefined {
    if (path === "/") return this.root;
    let node: SimNode = this.root;
    for (const name of path.slice(1).split("/")) {
      if (node.kind !== "directory") throw fsError("ENOTDIR", path);
      const child: SimNode | undefined = node.entries.get(name);
      if (child === undefined) return undefined;
      node = child;
    }
    return node;
  }

  private parentOf(path: string): { parent: SimDirectory; name: string } {
    assert(path !== "/", "the root has no parent");
    const parent = this.lookup(posix.dirname(path));
    if (parent === undefined) throw fsError("ENOENT", path);
    if (parent.kind !== "directory") throw fsError("ENOTDIR", path);
    return { parent, name: posix.basename(path) };
  }

  private directoryAt(path: string): SimDirectory {
    const node = this.lookup(path);
    if (node === undefined) throw fsError("ENOENT", path);
    if (node.kind !== "directory") throw fsError("ENOTDIR", path);
    return node;
  }

  /**
   * Rebuilds the namespace from durable entries, depth first in name order so
   * torn-write draws happen in the same order for the same history.
   */
  private recoverDirectory(directory: SimDirectory, seen: Set<SimNode>, random: SeededRandom | null): void {
    const entries = new Map<string, SimNode>();
    for (const name of directory.sortedNames(directory.durableEntries)) {
      const node = directory.durableEntries.get(name)!;
      if (seen.has(node)) {
        // A second name for a directory (from half-synced cross-directory renames) could make a cycle.
        if (node.kind === "directory") continue;
      } else {
        seen.add(node);
        if (node.kind === "directory") this.recoverDirectory(node, seen, random);
        else node.recover(random);
      }
      entries.set(name, node);
    }
    directory.entries = entries;
    directory.durableEntries = new Map(entries);
  }
}
