// Finds magic v2 record batches inside a whole request or response frame
// without decoding the message around them, so the capture can tell which
// compression codec a Produce or Fetch carried.
//
// Batch layout (offsets from the batch start):
//   0 baseOffset int64          8 batchLength int32 (bytes after this field)
//  12 partitionLeaderEpoch int32 16 magic int8 (= 2)   17 crc uint32 (CRC-32C of 21..end)
//  21 attributes int16 (low 3 bits: codec)  23 lastOffsetDelta int32
//  27 baseTimestamp int64  35 maxTimestamp int64  43 producerId int64
//  51 producerEpoch int16  53 baseSequence int32  57 recordCount int32  61 records
//
// A candidate counts only if its CRC matches, which makes a false hit in the
// surrounding message bytes vanishingly unlikely. Fetch responses may end with
// a truncated batch; its CRC cannot be checked and it is skipped.

import { crc32c } from "@node-rs/crc32";

export const codecNames = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
export type CodecName = (typeof codecNames)[number];

export interface FoundBatch {
  offset: number;
  sizeBytes: number;
  codec: CodecName;
  recordCount: number;
  producerId: bigint;
  isTransactional: boolean;
  isControl: boolean;
}

const headerBytes = 61;

export function findRecordBatches(frame: Buffer): FoundBatch[] {
  const batches: FoundBatch[] = [];
  let offset = 0;
  while (offset + headerBytes <= frame.length) {
    const batch = batchAt(frame, offset);
    if (batch === null) {
      offset += 1;
      continue;
    }
    batches.push(batch);
    offset += batch.sizeBytes;
  }
  return batches;
}

function batchAt(frame: Buffer, offset: number): FoundBatch | null {
  if (frame[offset + 16] !== 2) return null;
  const batchLength = frame.readInt32BE(offset + 8);
  const sizeBytes = 12 + batchLength;
  if (batchLength < headerBytes - 12 || offset + sizeBytes > frame.length) return null;
  const crc = frame.readUInt32BE(offset + 17);
  if (crc32c(frame.subarray(offset + 21, offset + sizeBytes)) !== crc) return null;
  const attributes = frame.readInt16BE(offset + 21);
  const codec = codecNames[attributes & 0x07];
  if (codec === undefined) return null;
  return {
    offset,
    sizeBytes,
    codec,
    recordCount: frame.readInt32BE(offset + 57),
    producerId: frame.readBigInt64BE(offset + 43),
    isTransactional: (attributes & 0x10) !== 0,
    isControl: (attributes & 0x20) !== 0,
  };
}

/** One codec name when every batch agrees, "mixed" when they differ, null without batches. */
export function frameCodec(batches: FoundBatch[]): CodecName | "mixed" | null {
  const codecs = new Set(batches.map((batch) => batch.codec));
  if (codecs.size === 0) return null;
  if (codecs.size > 1) return "mixed";
  return [...codecs][0] ?? null;
}
