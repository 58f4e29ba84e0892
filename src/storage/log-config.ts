/**
 * The settings of one partition's log, with Kafka's defaults. The broker's
 * config layer maps Kafka's keys (`segment.bytes`, `retention.ms`, ...,
 * and their `log.*` broker-wide forms) onto these names.
 */

export type CleanupPolicy = { delete: boolean; compact: boolean };

export type TimestampTypeName = "CreateTime" | "LogAppendTime";

export interface LogConfig {
  /** segment.bytes: roll when the active segment would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll when the active segment's first batch is this old. */
  segmentMs: number;
  /** index.interval.bytes: log bytes between offset-index entries. */
  indexIntervalBytes: number;
  /** retention.ms: delete segments whose newest record is older; -1 keeps forever. */
  retentionMs: number;
  /** retention.bytes: delete the oldest segments while the log is larger; -1 for no limit. */
  retentionBytes: number;
  /** cleanup.policy: delete, compact, or both. */
  cleanupPolicy: CleanupPolicy;
  /** min.cleanable.dirty.ratio: compact once this share of the log is uncompacted. */
  minCleanableDirtyRatio: number;
  /** min.compaction.lag.ms: records younger than this are never compacted. */
  minCompactionLagMs: number;
  /** max.compaction.lag.ms: records older than this are compacted regardless of the ratio. */
  maxCompactionLagMs: number;
  /** delete.retention.ms: how long tombstones survive compaction. */
  deleteRetentionMs: number;
  /** file.delete.delay.ms: how long a deleted segment's files linger (for in-flight reads). */
  fileDeleteDelayMs: number;
  /** flush.messages: fsync after this many unflushed records. */
  flushIntervalMessages: number;
  /** flush.ms: fsync when data has been unflushed this long. */
  flushIntervalMs: number;
  /** message.timestamp.type. */
  timestampType: TimestampTypeName;
  /** max.message.bytes: the largest batch accepted. */
  maxMessageBytes: number;
  /**
   * Samsa's durability promise: appends made for an acks=all acknowledgement
   * are fsynced (in groups) before it is sent. Kafka leaves this to replication.
   */
  fsyncBeforeAcksAll: boolean;
}

const LONG_MAX_MS = Number.MAX_SAFE_INTEGER;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: Object.freeze({ delete: true, compact: false }),
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: LONG_MAX_MS,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  fileDeleteDelayMs: 60_000,
  flushIntervalMessages: LONG_MAX_MS,
  flushIntervalMs: LONG_MAX_MS,
  timestampType: "CreateTime",
  maxMessageBytes: 1048588,
  fsyncBeforeAcksAll: true,
});

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}
