/**
 * Kafka's text checkpoint file, shared by the offset checkpoints of a log
 * directory and the leader epoch checkpoint of a partition.
 *
 * File format (UTF-8 text, each line ended by "\n"):
 *
 *   line 1      version        "0", the only version Kafka has written
 *   line 2      entry count    decimal
 *   lines 3..   one entry per line, fields separated by a single space;
 *               their meaning belongs to the caller (see offset-checkpoints.ts
 *               and leader-epoch-cache.ts)
 *
 * e.g. a leader epoch checkpoint with two entries:
 *
 *   0
 *   2
 *   0 0
 *   3 1742
 *
 * Writes replace the whole file durably (`path.tmp`, fsync, rename, directory
 * fsync), so a reader sees the old file or the new one, never a torn mix.
 * Kafka writes single spaces and so do we; we read only that, so a line
 * with stray whitespace counts as malformed.
 *
 * A file that exists but is empty holds no entries: Kafka creates its
 * checkpoint files empty before the first write. Anything else that does not
 * parse raises `CorruptCheckpointError`; the caller decides whether to rebuild
 * what the file recorded or to take the log directory offline.
 */
import assert from "node:assert/strict";
import { writeFileDurably } from "./durable-file.ts";
import type { FileSystem } from "./file-system.ts";

export const CHECKPOINT_VERSION = 0;

/** The file at `path` does not hold a well-formed checkpoint. */
export class CorruptCheckpointError extends Error {
  override readonly name = "CorruptCheckpointError";

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`corrupt checkpoint file ${path}: ${reason}`);
  }
}

/**
 * Turns the space-separated fields of one entry line into an entry, or
 * answers null when they are not one (the file is then reported corrupt).
 */
export type CheckpointLineParser<T> = (fields: readonly string[]) => T | null;

/** Entries of the checkpoint at `path`, in file order, or null if there is no such file. */
export async function readCheckpoint<T>(
  fs: FileSystem,
  path: string,
  parseLine: CheckpointLineParser<T>,
): Promise<T[] | null> {
  const content = await fs.readFile(path);
  if (content === null) return null;
  if (content.length === 0) return [];
  return parseCheckpoint(path, content.toString("utf8"), parseLine);
}

function parseCheckpoint<T>(path: string, text: string, parseLine: CheckpointLineParser<T>): T[] {
  const corrupt = (reason: string) => new CorruptCheckpointError(path, reason);
  if (!text.endsWith("\n")) throw corrupt("last line is not ended by a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 2) throw corrupt("missing entry count");

  const version = parseNonNegativeInteger(lines[0]);
  if (version !== CHECKPOINT_VERSION) {
    throw corrupt(`unrecognised version ${JSON.stringify(lines[0])}, expected ${CHECKPOINT_VERSION}`);
  }
  const expectedCount = parseNonNegativeInteger(lines[1]);
  if (expectedCount === null) throw corrupt(`malformed entry count ${JSON.stringify(lines[1])}`);
  const entryLines = lines.slice(2);
  if (entryLines.length !== expectedCount) {
    throw corrupt(`expected ${expectedCount} entries, found ${entryLines.length}`);
  }

  const entries: T[] = [];
  for (const line of entryLines) {
    const entry = parseLine(line.split(" "));
    if (entry === null) throw corrupt(`malformed line ${JSON.stringify(line)}`);
    entries.push(entry);
  }
  return entries;
}

/**
 * Replaces the checkpoint at `path` with `lines` as its entries, durably.
 * Each line is an entry already formatted by the caller.
 */
export async function writeCheckpoint(fs: FileSystem, path: string, lines: readonly string[]): Promise<void> {
  for (const line of lines) {
    assert.ok(!line.includes("\n") && !line.includes("\r"), `checkpoint line holds a line break: ${line}`);
    assert.ok(line.length > 0, "checkpoint lines are never empty");
  }
  const text = [String(CHECKPOINT_VERSION), String(lines.length), ...lines].join("\n") + "\n";
  await writeFileDurably(fs, path, Buffer.from(text, "utf8"));
}

/**
 * A decimal field as a safe non-negative integer: digits only, no sign, no
 * leading zeros (Kafka never writes them), or null.
 */
export function parseNonNegativeInteger(field: string): number | null {
  if (!/^(0|[1-9][0-9]*)$/.test(field)) return null;
  const value = Number(field);
  return Number.isSafeInteger(value) ? value : null;
}
