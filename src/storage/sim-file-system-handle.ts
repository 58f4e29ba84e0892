/**
 * A file handle of the simulated file system (sim-file-system.ts). It holds
 * its inode, not its path, so it keeps working across renames and unlinks as
 * a POSIX descriptor does, and it dies (EBADF) at the next crash.
 */

import assert from "node:assert/strict";
import { type FileHandle, FileSystemError } from "./file-system.ts";
import type { FaultInjector, SimOperation } from "./sim-file-system-faults.ts";
import type { SimFile } from "./sim-file-system-nodes.ts";

/** Counts of operations that succeeded. */
export interface SimFileSystemStats {
  writeCalls: number;
  bytesWritten: number;
  syncCalls: number;
  syncDirectoryCalls: number;
  crashes: number;
}

function assertPosition(value: number, what: string): void {
  assert(Number.isSafeInteger(value) && value >= 0, `${what} must be a non-negative integer: ${value}`);
}

/** What a handle needs from its file system, without seeing the rest of it. */
export interface HandleHost {
  readonly faults: FaultInjector;
  readonly stats: SimFileSystemStats;
  currentGeneration(): number;
  ensureSpace(path: string, additionalBytes: number): void;
  released(): void;
}

export class SimFileHandle implements FileHandle {
  private closed = false;
  private readonly generation: number;

  constructor(
    private readonly host: HandleHost,
    readonly path: string,
    private readonly file: SimFile,
    private readonly writable: boolean,
  ) {
    this.generation = host.currentGeneration();
  }

  async write(data: Buffer | readonly Buffer[], position: number): Promise<void> {
    assertPosition(position, "write position");
    this.checkUsable("write", "EBADF");
    // A copy: the caller may reuse its buffers, and the file keeps these bytes until the next sync.
    const bytes = Buffer.isBuffer(data) ? Buffer.from(data) : Buffer.concat(data);
    if (bytes.length > 0) this.host.ensureSpace(this.path, position + bytes.length - this.file.size);
    this.file.write(bytes, position);
    this.host.stats.writeCalls += 1;
    this.host.stats.bytesWritten += bytes.length;
  }

  async read(into: Buffer, offset: number, length: number, position: number): Promise<number> {
    assert(offset >= 0 && length >= 0 && offset + length <= into.length, "read range must fit the buffer");
    assertPosition(position, "read position");
    this.checkUsable("read", null);
    return this.file.read(into, offset, length, position);
  }

  async sync(): Promise<void> {
    this.checkUsable("sync", null);
    this.file.sync();
    this.host.stats.syncCalls += 1;
  }

  async truncate(length: number): Promise<void> {
    assertPosition(length, "truncate length");
    // Linux ftruncate answers EINVAL, not EBADF, for a descriptor not open for writing.
    this.checkUsable("truncate", "EINVAL");
    this.host.ensureSpace(this.path, length - this.file.size);
    this.file.truncate(length);
  }

  async size(): Promise<number> {
    this.checkUsable("stat", null);
    return this.file.size;
  }

  /** Closing twice is harmless, as with Node's handles; closing after a crash is EBADF like any other use. */
  async close(): Promise<void> {
    if (this.closed && this.generation === this.host.currentGeneration()) return;
    this.checkUsable("close", null);
    this.closed = true;
    this.host.released();
  }

  /** `readOnlyCode` is the errno a read-only handle gets for this operation, null if it is allowed. */
  private checkUsable(operation: SimOperation, readOnlyCode: string | null): void {
    if (this.closed || this.generation !== this.host.currentGeneration())
      throw new FileSystemError("EBADF", this.path);
    if (readOnlyCode !== null && !this.writable) throw new FileSystemError(readOnlyCode, this.path);
    this.host.faults.check(operation, this.path);
  }
}
