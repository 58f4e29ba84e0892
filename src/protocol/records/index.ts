/**
 * Magic-v2 record batches: header access and validation for the broker's hot
 * path, full decode and encode, control records and compression codecs.
 */

export * from "./batch-header.ts";
export * from "./batch-iterator.ts";
export {
  type CompressionCodec,
  CompressionType,
  codecFor,
  compressionName,
  isCompressionType,
} from "./compression/index.ts";
export * from "./control-record.ts";
export { crc32c } from "./crc32c.ts";
export type { DecodedRecord, RecordHeader, RecordInput } from "./record.ts";
export * from "./record-batch.ts";
