/**
 * Producer state snapshots: `<offset>.snapshot` in the partition directory
 * (20-digit zero-padded offset, Kafka's naming), holding the state of every
 * producer after the log's batches below `offset` were applied.
 *
 * File format (our own; all integers big-endian):
 *
 *   pos size field
 *     0  2   version        int16   1
 *     2  4   crc            uint32  CRC32C of bytes 6..end
 *     6  4   producerCount  int32
 *    10  ... producerCount producers, by ascending producer id
 *
 *   producer (34 bytes, then 24 per batch):
 *     0  8   producerId             int64
 *     8  2   producerEpoch          int16
 *    10  8   lastTimestamp          int64   ms, of its last batch or marker
 *    18  4   coordinatorEpoch       int32   -1 before its first marker
 *    22  8   currentTxnFirstOffset  int64   -1 when no transaction is open
 *    30  4   batchCount             int32   0..5
 *    34  ... batchCount batches of the current epoch, oldest first:
 *              0  4  lastSequence  int32
 *              4  8  lastOffset    int64
 *             12  4  offsetDelta   int32   lastOffset - the batch's first offset
 *             16  8  timestamp     int64   ms, the batch's max timestamp
 *
 * Kafka's own snapshot keeps only each producer's last batch, so after a
 * restart it can answer a retry of that batch alone; keeping all five keeps
 * every in-flight retry answerable across a restart. The last batch's
 * sequence and offset are the last element of the list, not separate fields,
 * so the file never holds two versions of one fact.
 *
 * Files are written durably (`.tmp`, fsync, rename, directory fsync). A file
 * that fails its checks (version, CRC, counts, offsets at or past its own
 * offset) is corrupt: loading deletes it and falls back to an older one,
 * since the log can always rebuild the state by replaying further back.
 */
import assert from "node:assert/strict";
import { crc32c } from "../protocol/records/crc32c.ts";
import { TEMPORARY_SUFFIX, writeFileDurably } from "./durable-file.ts";
import { type FileSystem, FileSystemError } from "./file-system.ts";
import {
  type BatchMetadata,
  type ProducerStateView,
  RETAINED_BATCHES_PER_PRODUCER,
} from "./producer-state-entry.ts";
import { offsetFileName, parseOffsetFileName, SNAPSHOT_SUFFIX } from "./segment-files.ts";

export const PRODUCER_SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 10;
const CRC_START = 6;
const PRODUCER_BYTES = 34;
const BATCH_BYTES = 24;

/** The snapshot file at `path` fails its checks. */
export class CorruptSnapshotError extends Error {
  override readonly name = "CorruptSnapshotError";

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`corrupt producer snapshot ${path}: ${reason}`);
  }
}

export interface ProducerSnapshot {
  offset: number;
  producers: ProducerStateView[];
}

export function snapshotPath(dir: string, offset: number): string {
  return `${dir}/${offsetFileName(offset, SNAPSHOT_SUFFIX)}`;
}

export function encodeProducerSnapshot(producers: readonly ProducerStateView[]): Buffer {
  let sizeBytes = HEADER_BYTES;
  for (const producer of producers) sizeBytes += PRODUCER_BYTES + producer.batches.length * BATCH_BYTES;
  const out = Buffer.alloc(sizeBytes);
  out.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0);
  out.writeInt32BE(producers.length, CRC_START);
  let position = HEADER_BYTES;
  let previousId: bigint | null = null;
  for (const producer of producers) {
    assert.ok(
      previousId === null || producer.producerId > previousId,
      "producers must be in ascending id order",
    );
    previousId = producer.producerId;
    out.writeBigInt64BE(producer.producerId, position);
    out.writeInt16BE(producer.producerEpoch, position + 8);
    out.writeBigInt64BE(timestampToInt64(producer.lastTimestampMs), position + 10);
    out.writeInt32BE(producer.coordinatorEpoch, position + 18);
    out.writeBigInt64BE(BigInt(producer.currentTxnFirstOffset ?? -1), position + 22);
    out.writeInt32BE(producer.batches.length, position + 30);
    position += PRODUCER_BYTES;
    for (const batch of producer.batches) {
      out.writeInt32BE(batch.lastSequence, position);
      out.writeBigInt64BE(BigInt(batch.lastOffset), position + 4);
      out.writeInt32BE(batch.offsetDelta, position + 12);
      out.writeBigInt64BE(timestampToInt64(batch.timestampMs), position + 16);
      position += BATCH_BYTES;
    }
  }
  assert.equal(position, sizeBytes);
  out.writeUInt32BE(crc32c(out.subarray(CRC_START)), 2);
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Timestamps come from producers as any int64 and are held as numbers, so
 * one near the int64 limits rounds past them; clamp it back rather than fail
 * the whole snapshot over a timestamp that was nonsense to begin with.
 */
function timestampToInt64(timestampMs: number): bigint {
  assert.ok(Number.isInteger(timestampMs), `timestamp ${timestampMs} is not an integer`);
  const value = BigInt(timestampMs);
  return value < INT64_MIN ? INT64_MIN : value > INT64_MAX ? INT64_MAX : value;
}

/** Decodes the snapshot taken at `offset`; `path` only names the file in errors. */
export function decodeProducerSnapshot(bytes: Buffer, offset: number, path: string): ProducerStateView[] {
  const corrupt = (reason: string) => new CorruptSnapshotError(path, reason);
  if (bytes.length < HEADER_BYTES) throw corrupt(`${bytes.length} bytes, shorter than the header`);
  const version = bytes.readInt16BE(0);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw corrupt(`unknown version ${version}`);
  const storedCrc = bytes.readUInt32BE(2);
  const computedCrc = crc32c(bytes.subarray(CRC_START));
  if (storedCrc !== computedCrc) throw corrupt(`stored CRC ${storedCrc}, computed ${computedCrc}`);
  const count = bytes.readInt32BE(CRC_START);
  // Check the count against the bytes left before trusting it with a loop.
  if (count < 0 || count * PRODUCER_BYTES > bytes.length - HEADER_BYTES)
    throw corrupt(`producer count ${count}`);

  const readOffset = (at: number, what: string): number => {
    const value = bytes.readBigInt64BE(at);
    if (value < 0n || value >= BigInt(offset)) throw corrupt(`${what} ${value} outside [0, ${offset})`);
    return Number(value);
  };
  const producers: ProducerStateView[] = [];
  let position = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (position + PRODUCER_BYTES > bytes.length) throw corrupt(`producer ${i} runs past the end`);
    const producerId = bytes.readBigInt64BE(position);
    if (i > 0 && producerId <= producers[i - 1].producerId)
      throw corrupt(`producer ${producerId} out of order`);
    const txnFirstOffset = bytes.readBigInt64BE(position + 22);
    const batchCount = bytes.readInt32BE(position + 30);
    if (batchCount < 0 || batchCount > RETAINED_BATCHES_PER_PRODUCER) {
      throw corrupt(`producer ${producerId} has ${batchCount} batches`);
    }
    const producer: ProducerStateView = {
      producerId,
      producerEpoch: bytes.readInt16BE(position + 8),
      lastTimestampMs: Number(bytes.readBigInt64BE(position + 10)),
      coordinatorEpoch: bytes.readInt32BE(position + 18),
      currentTxnFirstOffset: txnFirstOffset === -1n ? null : readOffset(position + 22, "transaction start"),
      batches: [],
    };
    position += PRODUCER_BYTES;
    if (position + batchCount * BATCH_BYTES > bytes.length)
      throw corrupt(`producer ${producerId} runs past the end`);
    const batches: BatchMetadata[] = [];
    for (let b = 0; b < batchCount; b++, position += BATCH_BYTES) {
      const lastOffset = readOffset(position + 4, "batch offset");
      const offsetDelta = bytes.readInt32BE(position + 12);
      if (offsetDelta < 0 || offsetDelta > lastOffset || lastOffset <= (batches.at(-1)?.lastOffset ?? -1)) {
        throw corrupt(`producer ${producerId} has a batch ending at ${lastOffset} with delta ${offsetDelta}`);
      }
      const timestampMs = Number(bytes.readBigInt64BE(position + 16));
      batches.push({ lastSequence: bytes.readInt32BE(position), lastOffset, offsetDelta, timestampMs });
    }
    producers.push({ ...producer, batches });
  }
  if (position !== bytes.length) throw corrupt(`${bytes.length - position} bytes after the last producer`);
  return producers;
}

/** Offsets of the snapshot files in `dir`, ascending. */
export async function listSnapshotOffsets(fs: FileSystem, dir: string): Promise<number[]> {
  const offsets: number[] = [];
  for (const name of await fs.readdir(dir)) {
    const offset = parseOffsetFileName(name, SNAPSHOT_SUFFIX);
    if (offset !== null) offsets.push(offset);
  }
  return offsets.sort((a, b) => a - b);
}

export async function writeSnapshot(
  fs: FileSystem,
  dir: string,
  offset: number,
  producers: readonly ProducerStateView[],
): Promise<void> {
  await writeFileDurably(fs, snapshotPath(dir, offset), encodeProducerSnapshot(producers));
}

/** The producers of the snapshot at `offset`, or null if there is no such file; throws CorruptSnapshotError. */
export async function readSnapshot(
  fs: FileSystem,
  dir: string,
  offset: number,
): Promise<ProducerStateView[] | null> {
  const path = snapshotPath(dir, offset);
  const bytes = await fs.readFile(path);
  return bytes === null ? null : decodeProducerSnapshot(bytes, offset, path);
}

/**
 * The newest snapshot at or below `maxOffset` that reads cleanly, or null.
 * Corrupt ones met on the way are deleted, as Kafka does, so they are not
 * read again at every load.
 */
export async function loadLatestSnapshot(
  fs: FileSystem,
  dir: string,
  maxOffset: number,
): Promise<ProducerSnapshot | null> {
  const offsets = (await listSnapshotOffsets(fs, dir)).filter((offset) => offset <= maxOffset);
  const corruptOffsets = new Set<number>();
  let found: ProducerSnapshot | null = null;
  for (const offset of offsets.reverse()) {
    try {
      const producers = await readSnapshot(fs, dir, offset);
      if (producers === null) continue;
      found = { offset, producers };
      break;
    } catch (error) {
      if (!(error instanceof CorruptSnapshotError)) throw error;
      corruptOffsets.add(offset);
    }
  }
  await deleteSnapshots(fs, dir, (offset) => corruptOffsets.has(offset));
  return found;
}

/**
 * Deletes the snapshots whose offset `shouldDelete` picks, durably: a
 * snapshot deleted because the log was truncated below it must not come back
 * after a crash, or once the log grows past its offset again it would be
 * loaded as the state of batches that are no longer there.
 */
export async function deleteSnapshots(
  fs: FileSystem,
  dir: string,
  shouldDelete: (offset: number) => boolean,
): Promise<number[]> {
  const deleted = (await listSnapshotOffsets(fs, dir)).filter(shouldDelete);
  for (const offset of deleted) await unlinkIfPresent(fs, snapshotPath(dir, offset));
  if (deleted.length > 0) await fs.syncDirectory(dir);
  return deleted;
}

/** Removes `<offset>.snapshot.tmp` files a crash left mid-write; they are never read. */
export async function deleteTemporarySnapshotFiles(fs: FileSystem, dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (parseOffsetFileName(name, SNAPSHOT_SUFFIX + TEMPORARY_SUFFIX) !== null) {
      await unlinkIfPresent(fs, `${dir}/${name}`);
    }
  }
}

async function unlinkIfPresent(fs: FileSystem, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (error) {
    // Already gone is what we wanted.
    if (!(error instanceof FileSystemError && error.code === "ENOENT")) throw error;
  }
}
