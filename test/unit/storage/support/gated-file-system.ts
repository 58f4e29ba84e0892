/**
 * A `FileSystem` wrapper that can hold fsyncs at a gate, so a test can line
 * up appends behind a running fsync (group commit) and then decide how that
 * fsync ends. Everything else passes straight through to the wrapped one.
 */
import type { FileHandle, FileStat, FileSystem, OpenMode } from "../../../../src/storage/file-system.ts";

export class GatedFileSystem implements FileSystem {
  private holding = false;
  private waiters: (() => void)[] = [];

  constructor(readonly inner: FileSystem) {}

  /** From now on, every file fsync waits until `releaseSyncs()`. */
  holdSyncs(): void {
    this.holding = true;
  }

  /** How many fsyncs are waiting at the gate. */
  get heldSyncs(): number {
    return this.waiters.length;
  }

  /** Lets every waiting fsync run (they then reach the wrapped file system) and stops holding. */
  releaseSyncs(): void {
    this.holding = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const release of waiters) release();
  }

  /** Resolves at once unless fsyncs are held. */
  gate(): Promise<void> {
    if (!this.holding) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await this.inner.open(path, mode);
    return {
      path: handle.path,
      write: (data, position) => handle.write(data, position),
      read: (into, offset, length, position) => handle.read(into, offset, length, position),
      sync: async () => {
        await this.gate();
        await handle.sync();
      },
      truncate: (length) => handle.truncate(length),
      size: () => handle.size(),
      close: () => handle.close(),
    };
  }

  readFile(path: string): Promise<Buffer | null> {
    return this.inner.readFile(path);
  }

  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }

  unlink(path: string): Promise<void> {
    return this.inner.unlink(path);
  }

  mkdir(path: string): Promise<void> {
    return this.inner.mkdir(path);
  }

  removeTree(path: string): Promise<void> {
    return this.inner.removeTree(path);
  }

  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path);
  }

  stat(path: string): Promise<FileStat | null> {
    return this.inner.stat(path);
  }

  syncDirectory(path: string): Promise<void> {
    return this.inner.syncDirectory(path);
  }
}
