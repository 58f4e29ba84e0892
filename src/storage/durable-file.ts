/**
 * Whole-file replacement that survives power loss, for small state files
 * (checkpoints, snapshots) that must always hold one complete version.
 *
 * The protocol is Kafka's (`CheckpointFile` + `Utils.atomicMoveWithFallback`):
 *
 *   1. write the new content to `<path>.tmp`
 *      Overwriting `path` in place could leave a mix of old and new bytes.
 *   2. fsync `<path>.tmp`
 *      Otherwise the rename below can reach the disk before the data does,
 *      and a crash leaves `path` naming an empty or partial file.
 *   3. rename `<path>.tmp` over `path`
 *      POSIX rename replaces the name atomically: readers see old or new.
 *   4. fsync the directory holding `path`
 *      The rename lives in the directory's blocks; until they are synced a
 *      crash can bring the old name back, and the caller would believe a
 *      state that is already lost was saved.
 *
 * After a crash at any point `path` holds the old content or the new,
 * whole. A leftover `<path>.tmp` may be incomplete, so it is never read;
 * the next write replaces it.
 */

import assert from "node:assert/strict";
import { dirname, posix } from "node:path";
import type { FileSystem } from "./file-system.ts";

export const TEMPORARY_SUFFIX = ".tmp";

export async function writeFileDurably(fs: FileSystem, path: string, data: Buffer): Promise<void> {
  assert(path.length > 0 && !path.endsWith("/"), `not a file path: ${path}`);
  const temporaryPath = path + TEMPORARY_SUFFIX;
  const handle = await fs.open(temporaryPath, "create");
  let failure: unknown = null;
  try {
    // "create" keeps an existing file: a longer leftover from a crashed write would otherwise trail the new bytes.
    await handle.truncate(0);
    await handle.write(data, 0);
    await handle.sync();
  } catch (error) {
    failure = error;
  }
  try {
    await handle.close();
  } catch (closeError) {
    // The first failure explains what went wrong; a close failing after it adds nothing.
    if (failure === null) throw closeError;
  }
  if (failure !== null) throw failure;
  await fs.rename(temporaryPath, path);
  await fs.syncDirectory(dirname(path));
}

/** The file's content, or null if it does not exist. Never falls back to `<path>.tmp`, which may be partial. */
export async function readFileIfExists(fs: FileSystem, path: string): Promise<Buffer | null> {
  return fs.readFile(path);
}

/**
 * Creates a directory and any missing parents so that all of them survive
 * a power loss: each new directory's entry is made durable in its parent.
 */
export async function mkdirDurably(fs: FileSystem, path: string): Promise<void> {
  const missing: string[] = [];
  let current = posix.normalize(path);
  while ((await fs.stat(current)) === null) {
    missing.push(current);
    const parent = posix.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (missing.length === 0) return;
  await fs.mkdir(path);
  for (const dir of missing.reverse()) await fs.syncDirectory(posix.dirname(dir));
}
