/**
 * What a partition of a topic runs with once broker defaults and the topic's
 * overrides are combined: the storage layer's `LogConfig`, and the settings
 * the broker itself enforces on produce and replication.
 */
import type { LogConfig } from "../../storage/log-config.ts";
import type { CompressionTypeName } from "./kafka-values.ts";

export interface TopicSettings {
  readonly logConfig: LogConfig;
  readonly minInsyncReplicas: number;
  readonly compressionType: CompressionTypeName;
  /** The level for the broker's own compression when compressionType is gzip, lz4 or zstd; else null. */
  readonly compressionLevel: number | null;
  /** With CreateTime, the furthest a batch's timestamp may lie in the past. */
  readonly messageTimestampBeforeMaxMs: number;
  /** With CreateTime, the furthest a batch's timestamp may lie in the future. */
  readonly messageTimestampAfterMaxMs: number;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly segmentJitterMs: number;
  readonly segmentIndexBytes: number;
  readonly preallocate: boolean;
}
