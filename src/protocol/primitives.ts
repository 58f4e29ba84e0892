/**
 * Kafka wire primitives: a bounds-checked reader with a sticky error and a
 * chunked writer.
 *
 * The reader never throws and never allocates more than the input it was
 * given: every read past the end, every negative or oversized length, and
 * every count larger than the bytes left marks the reader as failed and
 * returns a zero value. Decoders check `failed` once at the end and raise a
 * typed `DecodeError`, so hostile frames cost at most one pass over their
 * own bytes.
 *
 * The writer appends into a growing scratch buffer, but large byte slices
 * (record batches) are kept by reference as separate chunks so that encoding
 * a Fetch response never copies the log's bytes.
 */
export { Reader } from "./reader.ts";
export {
  DecodeError,
  EMPTY,
  EncodeError,
  nonNull,
  type TaggedField,
  ZERO_UUID,
} from "./wire-basics.ts";
export { Writer } from "./writer.ts";
