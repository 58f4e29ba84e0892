/**
 * Names of a partition's files, Kafka's way: a segment is named by its base
 * offset as 20 zero-padded digits (`00000000000000000042.log`), so a plain
 * directory listing sorts segments in offset order. Suffixes mark files in
 * transition: `.deleted` awaiting removal, `.cleaned` and `.swap` during
 * compaction, `.tmp` for a file being written before its rename.
 */
import assert from "node:assert/strict";

export const LOG_SUFFIX = ".log";
export const OFFSET_INDEX_SUFFIX = ".index";
export const TIME_INDEX_SUFFIX = ".timeindex";
export const SNAPSHOT_SUFFIX = ".snapshot";
export const DELETED_SUFFIX = ".deleted";
export const CLEANED_SUFFIX = ".cleaned";
export const SWAP_SUFFIX = ".swap";
export const TEMP_SUFFIX = ".tmp";

const OFFSET_DIGITS = 20;

export function offsetFileName(offset: number, suffix: string): string {
  assert.ok(Number.isSafeInteger(offset) && offset >= 0, `invalid file offset ${offset}`);
  return `${String(offset).padStart(OFFSET_DIGITS, "0")}${suffix}`;
}

/** The offset a file name starts with, if it is `<20 digits><suffix>`. */
export function parseOffsetFileName(name: string, suffix: string): number | null {
  if (!name.endsWith(suffix) || name.length !== OFFSET_DIGITS + suffix.length) return null;
  const digits = name.slice(0, OFFSET_DIGITS);
  if (!/^\d+$/.test(digits)) return null;
  const offset = Number(digits);
  return Number.isSafeInteger(offset) ? offset : null;
}

/** A partition's directory name: `<topic>-<partition>`. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Splits `<topic>-<partition>`; topics may themselves contain dashes. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf("-");
  if (dash <= 0) return null;
  const partition = Number(name.slice(dash + 1));
  if (!Number.isInteger(partition) || partition < 0 || name.slice(dash + 1) !== String(partition))
    return null;
  return { topic: name.slice(0, dash), partition };
}
