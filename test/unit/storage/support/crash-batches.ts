/**
 * The batches of the process-crash tests, a pure function of who appended
 * them: (seed, cycle, appender, sequence). The child process that appends
 * and the parent that checks the log after killing it build the same bytes,
 * so the parent can tell every batch in the log apart, and compare each one
 * byte for byte with what was appended.
 */
import { createHash } from "node:crypto";
import { PARTITION_LEADER_EPOCH_OFFSET } from "../../../../src/protocol/records/batch-header.ts";
import { decodeRecordBatch } from "../../../../src/protocol/records/record-batch.ts";
import { SeededRandom } from "../../../../src/storage/sim-file-system-nodes.ts";
import { batchOf } from "./batches.ts";

export const CRASH_TOPIC = "crash";

/**
 * Small segments, so that cycles roll (and get killed mid-roll) now and then.
 * Rolls go by size only: the batches carry fixed timestamps from the past,
 * which `segment.ms` would take as a reason to roll on every append.
 */
export const CRASH_LOG_CONFIG = {
  segmentBytes: 16 * 1024,
  segmentMs: Number.MAX_SAFE_INTEGER,
  indexIntervalBytes: 1024,
  retentionMs: -1,
} as const;

export interface BatchId {
  cycle: number;
  /** Appender number in the child; the parent's own appends use -1. */
  appender: number;
  sequence: number;
}

const KEY = /^c(\d+)a(-?\d+)s(\d+)r\d+$/;
const BASE_TIMESTAMP_MS = 1_700_000_000_000;

/** The batch `id` appends, before the log patches its offset and leader epoch. */
export function crashBatch(seed: number, id: BatchId): Buffer {
  const random = new SeededRandom(
    (seed ^
      Math.imul(id.cycle + 1, 0x9e3779b1) ^
      Math.imul(id.appender + 7, 0x85ebca6b) ^
      Math.imul(id.sequence + 3, 0xc2b2ae35)) >>>
      0,
  );
  const records = 1 + random.nextInt(5);
  return batchOf(
    Array.from({ length: records }, (_, r) => ({
      key: `c${id.cycle}a${id.appender}s${id.sequence}r${r}`,
      value: String.fromCharCode(97 + random.nextInt(26)).repeat(random.nextInt(400)),
      timestampMs: BASE_TIMESTAMP_MS + id.sequence * 10 + r,
    })),
  );
}

/** Who appended a stored batch, from its first record's key; null if it is none of ours. */
export function batchIdOf(stored: Buffer): BatchId | null {
  const key = decodeRecordBatch(stored).records[0]?.key?.toString() ?? "";
  const match = KEY.exec(key);
  if (match === null) return null;
  return { cycle: Number(match[1]), appender: Number(match[2]), sequence: Number(match[3]) };
}

/** What the log stores for `id`: its bytes with the offset and leader epoch patched in. */
export function storedCrashBatch(seed: number, id: BatchId, baseOffset: number, leaderEpoch: number): Buffer {
  const bytes = crashBatch(seed, id);
  bytes.writeBigInt64BE(BigInt(baseOffset), 0);
  bytes.writeInt32BE(leaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
  return bytes;
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
