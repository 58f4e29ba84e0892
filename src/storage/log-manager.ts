/**
 * Every partition log under the broker's log directories (`log.dirs`).
 *
 * Layout of one log directory:
 *   <topic>-<partition>/               one directory per partition (see log-loader.ts)
 *   recovery-point-offset-checkpoint   per partition, the offset below which all is fsynced
 *   log-start-offset-checkpoint        per partition, the first offset still readable
 *   .kafka_cleanshutdown               present only between a clean close and the next start
 *
 * On start the marker decides whether logs are trusted or recovered past
 * their recovery points; it is removed (durably) once everything is loaded,
 * so a crash from then on is seen as unclean. Deleted partitions are renamed
 * to `<topic>-<partition>.<id>-delete` first, so a crash mid-delete never
 * resurrects them.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "./clock.ts";
import type { CleanerConfig } from "./compaction/cleaner-config.ts";
import { LogCleaner } from "./compaction/log-cleaner.ts";
import { mkdirDurably } from "./durable-file.ts";
import type { FileSystem } from "./file-system.ts";
import type { Log } from "./log.ts";
import type { LogConfig } from "./log-config.ts";
import { loadLog } from "./log-loader.ts";
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  readOffsetCheckpoint,
  topicPartitionKey,
  writeOffsetCheckpoint,
} from "./offset-checkpoints.ts";
import { writePartitionMetadata } from "./partition-metadata.ts";
import { applyRetention } from "./retention.ts";
import { parsePartitionDirName, partitionDirName } from "./segment-files.ts";

export const CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
const DELETE_DIR_SUFFIX = "-delete";

export interface LogManagerOptions {
  fs: FileSystem;
  clock: Clock;
  logDirs: readonly string[];
  /** The config a partition's log gets when it is loaded or created. */
  configFor: (topic: string) => LogConfig;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number;
  /** log.flush.offset.checkpoint.interval.ms */
  checkpointIntervalMs: number;
  /** The log cleaner's settings (compaction); null runs no cleaner. */
  cleaner?: CleanerConfig | null;
}

export interface ManagedLog {
  topic: string;
  partition: number;
  logDir: string;
  log: Log;
}

export interface StartupReport {
  logs: number;
  recoveredSegments: number;
  truncatedBytes: number;
  cleanShutdown: boolean;
}

export class LogManager {
  private readonly logs = new Map<string, ManagedLog>();
  /** Logs being opened, so that two callers never load one directory at once. */
  private readonly opening = new Map<string, Promise<Log>>();
  private cancelTimers: (() => void)[] = [];
  private closed = false;
  private cleaner: LogCleaner | null = null;

  private constructor(private readonly options: LogManagerOptions) {}

  static async open(options: LogManagerOptions): Promise<{ manager: LogManager; report: StartupReport }> {
    const manager = new LogManager(options);
    const report: StartupReport = { logs: 0, recoveredSegments: 0, truncatedBytes: 0, cleanShutdown: true };
    for (const logDir of options.logDirs) await manager.loadLogDir(logDir, report);
    if (options.cleaner !== null && options.cleaner !== undefined) {
      manager.cleaner = await LogCleaner.open({
        fs: options.fs,
        clock: options.clock,
        logDirs: options.logDirs,
        config: options.cleaner,
        logs: () => manager.allLogs(),
      });
    }
    return { manager, report };
  }

  private async loadLogDir(logDir: string, report: StartupReport): Promise<void> {
    const { fs, clock } = this.options;
    await mkdirDurably(fs, logDir);
    const marker = `${logDir}/${CLEAN_SHUTDOWN_FILE}`;
    const hadCleanShutdown = (await fs.stat(marker)) !== null;
    if (!hadCleanShutdown) report.cleanShutdown = false;
    const recoveryPoints = await readOffsetCheckpoint(fs, `${logDir}/${RECOVERY_POINT_CHECKPOINT_FILE}`);
    const startOffsets = await readOffsetCheckpoint(fs, `${logDir}/${LOG_START_OFFSET_CHECKPOINT_FILE}`);
    for (const name of await fs.readdir(logDir)) {
      const path = `${logDir}/${name}`;
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        await fs.removeTree(path);
        continue;
      }
      const parsed = parsePartitionDirName(name);
      if (parsed === null || !(await fs.stat(path))?.isDirectory) continue;
      const key = topicPartitionKey(parsed.topic, parsed.partition);
      const loaded = await loadLog({
        fs,
        clock,
        dir: path,
        config: this.options.configFor(parsed.topic),
        recoveryPoint: recoveryPoints.get(key) ?? 0,
        logStartOffset: startOffsets.get(key) ?? 0,
        hadCleanShutdown,
      });
      this.logs.set(key, { ...parsed, logDir, log: loaded.log });
      report.logs++;
      report.recoveredSegments += loaded.recoveredSegments;
      report.truncatedBytes += loaded.truncatedBytes;
    }
    await this.writeCheckpoints(logDir);
    if (hadCleanShutdown) {
      await fs.unlink(marker);
      await fs.syncDirectory(logDir);
    }
  }

  getLog(topic: string, partition: number): Log | undefined {
    return this.logs.get(topicPartitionKey(topic, partition))?.log;
  }

  allLogs(): ManagedLog[] {
    return [...this.logs.values()];
  }

  /**
   * The partition's log, created (in the log dir holding the fewest partitions) if missing; concurrent
   * callers share one opening, since two loads of one directory would trip over each other's files.
   */
  getOrCreateLog(topic: string, partition: number, topicId?: string): Promise<Log> {
    const key = topicPartitionKey(topic, partition);
    const existing = this.logs.get(key);
    if (existing !== undefined) return Promise.resolve(existing.log);
    let opening = this.opening.get(key);
    if (opening === undefined) {
      opening = this.openLog(topic, partition, topicId).finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return opening;
  }

  private async openLog(topic: string, partition: number, topicId?: string): Promise<Log> {
    const key = topicPartitionKey(topic, partition);
    const { fs, clock } = this.options;
    const logDir = this.leastLoadedLogDir();
    const dir = `${logDir}/${partitionDirName(topic, partition)}`;
    const loaded = await loadLog({
      fs,
      clock,
      dir,
      config: this.options.configFor(topic),
      recoveryPoint: 0,
      logStartOffset: 0,
      hadCleanShutdown: false,
    });
    if (topicId !== undefined) await writePartitionMetadata(fs, dir, topicId);
    const raced = this.logs.get(key);
    if (raced !== undefined) return raced.log;
    this.logs.set(key, { topic, partition, logDir, log: loaded.log });
    return loaded.log;
  }

  private leastLoadedLogDir(): string {
    const counts = new Map(this.options.logDirs.map((dir) => [dir, 0]));
    for (const managed of this.logs.values())
      counts.set(managed.logDir, (counts.get(managed.logDir) ?? 0) + 1);
    return [...counts].sort((a, b) => a[1] - b[1])[0][0];
  }

  /**
   * Runs `work` with compaction of the partition paused (and any pass in
   * progress aborted first): for anything that removes or rewrites segments
   * under the cleaner — retention, DeleteRecords, truncation, deletion.
   */
  whileCleaningPaused<T>(topic: string, partition: number, work: () => Promise<T>): Promise<T> {
    if (this.cleaner === null) return work();
    return this.cleaner.whileCleaningPaused(topic, partition, work);
  }

  /** Closes the partition's log and removes its directory (renamed first, so a crash cannot revive it). */
  async deleteLog(topic: string, partition: number): Promise<boolean> {
    const key = topicPartitionKey(topic, partition);
    const managed = this.logs.get(key);
    if (managed === undefined) return false;
    this.logs.delete(key);
    const { fs } = this.options;
    await this.whileCleaningPaused(topic, partition, () => managed.log.close());
    await this.cleaner?.removeCheckpoint(managed.logDir, topic, partition);
    const dir = `${managed.logDir}/${partitionDirName(topic, partition)}`;
    const doomed = `${dir}.${randomUUID().replaceAll("-", "")}${DELETE_DIR_SUFFIX}`;
    await fs.rename(dir, doomed);
    await fs.syncDirectory(managed.logDir);
    await fs.removeTree(doomed);
    await this.writeCheckpoints(managed.logDir);
    return true;
  }

  /** Starts periodic retention and checkpointing on the clock. */
  startBackgroundTasks(): void {
    const { clock, retentionCheckIntervalMs, checkpointIntervalMs } = this.options;
    const every = (intervalMs: number, task: () => Promise<unknown>): void => {
      const tick = (): void => {
        if (this.closed) return;
        // Errors surface through the logs themselves (offline logs fail their callers).
        void task()
          .catch(() => undefined)
          .finally(() => {
            if (!this.closed) this.cancelTimers.push(clock.schedule(intervalMs, tick));
          });
      };
      this.cancelTimers.push(clock.schedule(intervalMs, tick));
    };
    every(retentionCheckIntervalMs, () => this.runRetention());
    every(checkpointIntervalMs, () => this.writeAllCheckpoints());
    this.cleaner?.start();
  }

  async runRetention(): Promise<number> {
    let deleted = 0;
    const nowMs = this.options.clock.nowMs();
    for (const managed of this.logs.values()) {
      if (managed.log.isOffline) continue;
      const report = await this.whileCleaningPaused(managed.topic, managed.partition, () =>
        applyRetention(managed.log, nowMs),
      );
      deleted += report.deletedByTime + report.deletedBySize + report.deletedByStartOffset;
    }
    return deleted;
  }

  async writeAllCheckpoints(): Promise<void> {
    for (const logDir of this.options.logDirs) await this.writeCheckpoints(logDir);
  }

  private async writeCheckpoints(logDir: string): Promise<void> {
    const recoveryPoints = new Map<string, number>();
    const startOffsets = new Map<string, number>();
    for (const [key, managed] of this.logs) {
      if (managed.logDir !== logDir) continue;
      recoveryPoints.set(key, managed.log.recoveryPoint);
      startOffsets.set(key, managed.log.logStartOffset);
    }
    const { fs } = this.options;
    await writeOffsetCheckpoint(fs, `${logDir}/${RECOVERY_POINT_CHECKPOINT_FILE}`, recoveryPoints);
    await writeOffsetCheckpoint(fs, `${logDir}/${LOG_START_OFFSET_CHECKPOINT_FILE}`, startOffsets);
  }

  /** Flushes and closes every log, writes checkpoints, then the clean-shutdown marker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers = [];
    await this.cleaner?.stop();
    const { fs } = this.options;
    const failedDirs = new Set<string>();
    for (const managed of this.logs.values()) {
      if (managed.log.isOffline) failedDirs.add(managed.logDir);
      else await managed.log.close();
    }
    for (const logDir of this.options.logDirs) {
      await this.writeCheckpoints(logDir);
      // A log that went offline was not flushed: its directory must be recovered next time.
      if (failedDirs.has(logDir)) continue;
      const marker = await fs.open(`${logDir}/${CLEAN_SHUTDOWN_FILE}`, "create");
      await marker.sync();
      await marker.close();
      await fs.syncDirectory(logDir);
    }
  }
}
