/**
 * Value sets Kafka fixes for several keys at once (broker and topic forms):
 * compression codecs and their level ranges, timestamp types.
 */
import { between, type Validator } from "./validators.ts";

/** Kafka's BrokerCompressionType names, in Kafka's order. */
export const COMPRESSION_TYPES = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"] as const;
export type CompressionTypeName = (typeof COMPRESSION_TYPES)[number];

export const TIMESTAMP_TYPES = ["CreateTime", "LogAppendTime"] as const;

const GZIP_MIN_LEVEL = 1;
const GZIP_MAX_LEVEL = 9;
/** zlib's "default compression" marker. */
const GZIP_DEFAULT_LEVEL = -1;

/** 1..9, or -1 for zlib's default. */
export const GZIP_LEVEL: Validator = {
  allowed: `between ${GZIP_MIN_LEVEL} and ${GZIP_MAX_LEVEL}, or ${GZIP_DEFAULT_LEVEL}`,
  check: (value) => {
    const level = Number(value);
    const ok = level === GZIP_DEFAULT_LEVEL || (level >= GZIP_MIN_LEVEL && level <= GZIP_MAX_LEVEL);
    return ok ? null : `must be between ${GZIP_MIN_LEVEL} and ${GZIP_MAX_LEVEL}, or ${GZIP_DEFAULT_LEVEL}`;
  },
};

export const LZ4_LEVEL = between(1, 17);

/** zstd's negative "fast" levels down to -131072, up to 22. */
export const ZSTD_LEVEL = between(-131072, 22);
