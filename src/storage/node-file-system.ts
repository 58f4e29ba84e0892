/**
 * The real `FileSystem`, over `node:fs/promises`: the one the broker runs on.
 *
 * Every operating failure surfaces as a `FileSystemError` carrying Node's
 * errno code (`ENOSPC`, `EIO`, `ENOENT`, ...), so the storage layer handles
 * the real disk and the simulated one (sim-file-system.ts) with the same
 * code. Anything else Node throws (bad arguments, internal state errors) is
 * a programmer error and is rethrown untouched.
 */

import assert from "node:assert/strict";
import {
  constants,
  mkdir,
  type FileHandle as NodeFileHandle,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
} from "node:fs/promises";
import {
  type FileHandle,
  type FileStat,
  type FileSystem,
  FileSystemError,
  type OpenMode,
} from "./file-system.ts";

/**
 * "create" must neither truncate (O_TRUNC) nor force appends (O_APPEND, which
 * would ignore the write position), so none of Node's string flags fit.
 */
const OPEN_FLAGS: Record<OpenMode, number> = {
  read: constants.O_RDONLY,
  write: constants.O_RDWR,
  create: constants.O_RDWR | constants.O_CREAT,
};

/** Permissions for new files, before the umask, as `open(2)` callers usually pass. */
const CREATE_MODE = 0o666;

/**
 * Errno failures carry codes like `ENOENT`; Node's own argument and state
 * errors use `ERR_*` codes and are not the disk's fault. A closed
 * `FileHandle` reports `EBADF` without an errno number, so the code alone decides.
 */
function errnoCode(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : null;
}

function toFileSystemError(error: unknown, path: string): unknown {
  const code = errnoCode(error);
  if (code === null) return error;
  return new FileSystemError(code, path, (error as Error).message);
}

/** Runs `operation`, turning errno failures into `FileSystemError`s about `path`. */
async function mapErrors<T>(path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toFileSystemError(error, path);
  }
}

/** Runs `operation`, answering `null` when `path` does not exist. */
async function nullIfMissing<T>(path: string, operation: () => Promise<T>): Promise<T | null> {
  try {
    return await operation();
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return null;
    throw toFileSystemError(error, path);
  }
}

/** The buffers still to write after `writtenBytes` of `buffers` went out. */
function remainingAfter(buffers: readonly Buffer[], writtenBytes: number): Buffer[] {
  const remaining: Buffer[] = [];
  let skipBytes = writtenBytes;
  for (const buffer of buffers) {
    if (skipBytes >= buffer.length) {
      skipBytes -= buffer.length;
      continue;
    }
    remaining.push(skipBytes === 0 ? buffer : buffer.subarray(skipBytes));
    skipBytes = 0;
  }
  return remaining;
}

function totalBytes(buffers: readonly Buffer[]): number {
  let total = 0;
  for (const buffer of buffers) total += buffer.length;
  return total;
}

class NodeFileSystemHandle implements FileHandle {
  constructor(
    readonly path: string,
    private readonly handle: NodeFileHandle,
  ) {}

  write(data: Buffer | readonly Buffer[], position: number): Promise<void> {
    assert(Number.isSafeInteger(position) && position >= 0, "write position must be a non-negative integer");
    return mapErrors(this.path, () =>
      Buffer.isBuffer(data) ? this.writeOne(data, position) : this.writeMany(data, position),
    );
  }

  /** A write may be short (signals, quotas, pipes), so loop until every byte is out. */
  private async writeOne(data: Buffer, position: number): Promise<void> {
    let writtenBytes = 0;
    while (writtenBytes < data.length) {
      const { bytesWritten } = await this.handle.write(
        data,
        writtenBytes,
        data.length - writtenBytes,
        position + writtenBytes,
      );
      this.checkProgress(bytesWritten);
      writtenBytes += bytesWritten;
    }
  }

  /** One `writev` per round keeps a batch of buffers to one system call in the common case. */
  private async writeMany(buffers: readonly Buffer[], position: number): Promise<void> {
    let remaining = remainingAfter(buffers, 0);
    let offset = position;
    while (remaining.length > 0) {
      const { bytesWritten } = await this.handle.writev(remaining, offset);
      this.checkProgress(bytesWritten);
      offset += bytesWritten;
      remaining = remainingAfter(remaining, bytesWritten);
    }
    assert.equal(offset - position, totalBytes(buffers));
  }

  /** A regular file never accepts zero bytes without an error; looping on it would never end. */
  private checkProgress(bytesWritten: number): void {
    if (bytesWritten <= 0)
      throw new FileSystemError("EIO", this.path, `EIO: write made no progress: ${this.path}`);
  }

  read(into: Buffer, offset: number, length: number, position: number): Promise<number> {
    assert(offset >= 0 && length >= 0 && offset + length <= into.length, "read range must fit the buffer");
    assert(Number.isSafeInteger(position) && position >= 0, "read position must be a non-negative integer");
    return mapErrors(this.path, async () => {
      // Only the end of the file may cut a read short, so retry short reads before it.
      let readBytes = 0;
      while (readBytes < length) {
        const { bytesRead } = await this.handle.read(
          into,
          offset + readBytes,
          length - readBytes,
          position + readBytes,
        );
        if (bytesRead === 0) break;
        readBytes += bytesRead;
      }
      return readBytes;
    });
  }

  sync(): Promise<void> {
    return mapErrors(this.path, () => this.handle.sync());
  }

  truncate(length: number): Promise<void> {
    assert(Number.isSafeInteger(length) && length >= 0, "truncate length must be a non-negative integer");
    return mapErrors(this.path, () => this.handle.truncate(length));
  }

  size(): Promise<number> {
    return mapErrors(this.path, async () => (await this.handle.stat()).size);
  }

  close(): Promise<void> {
    return mapErrors(this.path, () => this.handle.close());
  }
}

export class NodeFileSystem implements FileSystem {
  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await mapErrors(path, () => open(path, OPEN_FLAGS[mode], CREATE_MODE));
    return new NodeFileSystemHandle(path, handle);
  }

  readFile(path: string): Promise<Buffer | null> {
    return nullIfMissing(path, () => readFile(path));
  }

  rename(from: string, to: string): Promise<void> {
    return mapErrors(from, () => rename(from, to));
  }

  unlink(path: string): Promise<void> {
    return mapErrors(path, () => unlink(path));
  }

  mkdir(path: string): Promise<void> {
    return mapErrors(path, async () => {
      await mkdir(path, { recursive: true });
    });
  }

  removeTree(path: string): Promise<void> {
    return mapErrors(path, () => rm(path, { recursive: true, force: true }));
  }

  readdir(path: string): Promise<string[]> {
    return mapErrors(path, async () => (await readdir(path)).sort());
  }

  stat(path: string): Promise<FileStat | null> {
    return nullIfMissing(path, async () => {
      const stats = await stat(path);
      return { size: stats.size, isDirectory: stats.isDirectory() };
    });
  }

  /**
   * A new, renamed or removed entry lives in the directory's own blocks, which
   * fsync of the file does not write; Linux flushes them when the directory
   * itself is opened (read-only is enough) and fsynced.
   */
  syncDirectory(path: string): Promise<void> {
    return mapErrors(path, async () => {
      const directory = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    });
  }
}

/** The one real file system; it holds no state, so everyone shares it. */
export const nodeFileSystem: FileSystem = new NodeFileSystem();
