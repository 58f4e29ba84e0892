/**
 * Record-batch micro-benchmarks: the broker's validation hot path (header
 * checks and CRC32C over whole batches) and full encode/decode per codec, on
 * 1 MiB of 100-byte records. Prints a table; it does not write BENCHMARKS.md.
 *
 *   npx tsx bench/records-batch.ts
 */
import { checkBatch } from "../src/protocol/records/batch-header.ts";
import { forEachBatch } from "../src/protocol/records/batch-iterator.ts";
import { CompressionType, compressionName } from "../src/protocol/records/compression/index.ts";
import type { RecordInput } from "../src/protocol/records/record.ts";
import { decodeRecordBatch, encodeRecordBatch } from "../src/protocol/records/record-batch.ts";
import { type Measurement, measure } from "./lib/measure.ts";

const TOTAL_BYTES = 1024 * 1024;
const RECORD_VALUE_BYTES = 100;
const SMALL_BATCH_RECORDS = 100;

function records(count: number): RecordInput[] {
  return Array.from({ length: count }, (_, i) => {
    const value = Buffer.allocUnsafe(RECORD_VALUE_BYTES);
    // Text-like bytes, so the codecs have something to find but not everything.
    for (let j = 0; j < value.length; j++) value[j] = 0x61 + ((i * 7 + j * (j % 5)) % 26);
    return { key: Buffer.from(`key-${i % 1000}`), value, timestamp: 1_700_000_000_000n + BigInt(i) };
  });
}

function main(): void {
  const all = records(Math.floor(TOTAL_BYTES / RECORD_VALUE_BYTES));
  const results: Measurement[] = [];

  const oneBatch = encodeRecordBatch({ records: all });
  results.push(measure("checkBatch, one 1 MiB batch", oneBatch.length, () => checkBatch(oneBatch)));

  const smallBatches: Buffer[] = [];
  for (let i = 0; i < all.length; i += SMALL_BATCH_RECORDS) {
    smallBatches.push(
      encodeRecordBatch({ baseOffset: BigInt(i), records: all.slice(i, i + SMALL_BATCH_RECORDS) }),
    );
  }
  const field = Buffer.concat(smallBatches);
  results.push(
    measure(`forEachBatch + CRC, ${smallBatches.length} batches`, field.length, () =>
      forEachBatch(field, () => {}, { verifyCrc: true }),
    ),
  );

  for (const compression of Object.values(CompressionType)) {
    const name = compressionName(compression);
    const encoded = encodeRecordBatch({ compression, records: all });
    results.push(
      measure(`encode ${name} (${encoded.length} bytes out)`, oneBatch.length, () => {
        encodeRecordBatch({ compression, records: all });
      }),
    );
    results.push(measure(`decode ${name}`, oneBatch.length, () => decodeRecordBatch(encoded)));
  }

  for (const result of results) {
    console.log(
      `${result.name.padEnd(48)} ${result.megabytesPerSecond.toFixed(0).padStart(7)} MB/s  ${result.opsPerSecond.toFixed(1).padStart(9)} ops/s`,
    );
  }
}

main();
