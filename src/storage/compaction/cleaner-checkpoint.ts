/**
 * `cleaner-offset-checkpoint` at the top of each log directory: for every
 * compacted partition in it, the first offset not yet cleaned (the first
 * dirty offset). The format is the offset checkpoint's (offset-checkpoints.ts):
 *
 *   0
 *   1
 *   orders 0 1500
 *
 * A missing or unreadable file means "clean from the log start", which is
 * always safe: cleaning clean data again only costs time. So a corrupt file
 * is not a reason to take the directory offline; it is overwritten at the
 * next update.
 */

import { CorruptCheckpointError } from "../checkpoint-file.ts";
import type { FileSystem } from "../file-system.ts";
import {
  readOffsetCheckpoint,
  type TopicPartitionKey,
  writeOffsetCheckpoint,
} from "../offset-checkpoints.ts";

export const CLEANER_OFFSET_CHECKPOINT_FILE = "cleaner-offset-checkpoint";

export class CleanerCheckpoints {
  private constructor(
    private readonly fs: FileSystem,
    private readonly byLogDir: Map<string, Map<TopicPartitionKey, number>>,
  ) {}

  static async load(fs: FileSystem, logDirs: readonly string[]): Promise<CleanerCheckpoints> {
    const byLogDir = new Map<string, Map<TopicPartitionKey, number>>();
    for (const logDir of logDirs) {
      let offsets: Map<TopicPartitionKey, number>;
      try {
        offsets = await readOffsetCheckpoint(fs, pathIn(logDir));
      } catch (error) {
        if (!(error instanceof CorruptCheckpointError)) throw error;
        offsets = new Map();
      }
      byLogDir.set(logDir, offsets);
    }
    return new CleanerCheckpoints(fs, byLogDir);
  }

  get(logDir: string, key: TopicPartitionKey): number | undefined {
    return this.byLogDir.get(logDir)?.get(key);
  }

  /**
   * Sets (or, with null, removes) one partition's offset and rewrites the
   * directory's file durably, keeping only partitions `isLive` still knows
   * (as Kafka drops entries of deleted partitions on every write).
   */
  async update(
    logDir: string,
    key: TopicPartitionKey,
    offset: number | null,
    isLive: (key: TopicPartitionKey) => boolean,
  ): Promise<void> {
    const offsets = this.byLogDir.get(logDir) ?? new Map<TopicPartitionKey, number>();
    this.byLogDir.set(logDir, offsets);
    if (offset === null) offsets.delete(key);
    else offsets.set(key, offset);
    for (const existing of [...offsets.keys()]) if (!isLive(existing)) offsets.delete(existing);
    await writeOffsetCheckpoint(this.fs, pathIn(logDir), offsets);
  }
}

function pathIn(logDir: string): string {
  return `${logDir}/${CLEANER_OFFSET_CHECKPOINT_FILE}`;
}
