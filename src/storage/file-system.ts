/**
 * The storage layer's only door to files. The broker uses the real one
 * (node-file-system.ts); tests use a simulated one that can lose unsynced
 * data at a crash, tear writes, and fail with ENOSPC or EIO on demand, so
 * durability claims are checked rather than assumed.
 *
 * Semantics every implementation keeps, as POSIX does:
 * - a write is visible to reads at once, but survives a crash only after
 *   `sync()` of its file;
 * - creating, renaming or removing a directory entry survives a crash only
 *   after `syncDirectory()` of the directory holding it;
 * - failures are `FileSystemError`s carrying the errno code.
 */

export type OpenMode =
  /** Read only; the file must exist. */
  | "read"
  /** Read and write; the file must exist. */
  | "write"
  /** Read and write; created empty if missing, kept as it is if present. */
  | "create";

export interface FileHandle {
  readonly path: string;
  /** Writes every byte of `data` starting at `position`. */
  write(data: Buffer | readonly Buffer[], position: number): Promise<void>;
  /** Reads up to `length` bytes at `position` into `into[offset..]`; returns the count read (short at end of file). */
  read(into: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Makes every write so far durable (fsync). */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface FileStat {
  size: number;
  isDirectory: boolean;
}

export interface FileSystem {
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  /** The whole file, or null if it does not exist. */
  readFile(path: string): Promise<Buffer | null>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Creates a directory and any missing parents; no error if it exists. */
  mkdir(path: string): Promise<void>;
  /** Removes a directory and everything under it; no error if it is missing. */
  removeTree(path: string): Promise<void>;
  /** Entry names (not paths), sorted. */
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<FileStat | null>;
  /** Makes creations, renames and removals inside `path` durable. */
  syncDirectory(path: string): Promise<void>;
}

/** An operating error from the file system, with the errno code (`ENOSPC`, `EIO`, `ENOENT`, ...). */
export class FileSystemError extends Error {
  override readonly name = "FileSystemError";

  constructor(
    readonly code: string,
    readonly path: string,
    message?: string,
  ) {
    super(message ?? `${code}: ${path}`);
  }
}
