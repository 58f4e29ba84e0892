/**
 * Settings of the log cleaner as a whole (per-topic settings such as
 * `min.cleanable.dirty.ratio` live in LogConfig), with Kafka's defaults. The
 * broker's config layer maps the `log.cleaner.*` keys onto these names.
 */
import assert from "node:assert/strict";
import { OFFSET_MAP_SLOT_BYTES } from "./offset-map.ts";

export interface CleanerConfig {
  /** log.cleaner.dedupe.buffer.size: memory for the key → offset map (24 bytes a key). */
  dedupeBufferBytes: number;
  /** log.cleaner.io.buffer.load.factor: how full the map may get before a pass stops reading. */
  dedupeBufferLoadFactor: number;
  /** log.cleaner.io.buffer.size: bytes read from a segment at a time (grown for a larger batch). */
  ioBufferBytes: number;
  /** log.cleaner.backoff.ms: the wait before looking again when no log needs cleaning. */
  backoffMs: number;
}

export const DEFAULT_CLEANER_CONFIG: Readonly<CleanerConfig> = Object.freeze({
  dedupeBufferBytes: 128 * 1024 * 1024,
  dedupeBufferLoadFactor: 0.9,
  ioBufferBytes: 512 * 1024,
  backoffMs: 15_000,
});

export function cleanerConfig(overrides: Partial<CleanerConfig> = {}): CleanerConfig {
  const config = { ...DEFAULT_CLEANER_CONFIG, ...overrides };
  assert.ok(
    config.dedupeBufferLoadFactor > 0 && config.dedupeBufferLoadFactor < 1,
    `dedupe buffer load factor ${config.dedupeBufferLoadFactor} must lie strictly between 0 and 1`,
  );
  assert.ok(config.ioBufferBytes > 0 && config.backoffMs >= 0, "cleaner buffer and backoff must be positive");
  const keys = Math.floor(
    Math.floor(config.dedupeBufferBytes / OFFSET_MAP_SLOT_BYTES) * config.dedupeBufferLoadFactor,
  );
  // Kafka's check too: a map that cannot hold one key would never let a pass make progress.
  assert.ok(keys >= 1, `a dedupe buffer of ${config.dedupeBufferBytes} bytes holds no key`);
  return config;
}
