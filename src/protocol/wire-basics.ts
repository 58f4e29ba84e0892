/**
 * What the reader, the writer and every generated codec share: the two
 * codec errors, unknown tagged fields, and a few constants.
 */

/** A frame or field that could not be decoded. The only error decoders raise. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
}

/** A message that cannot be represented in the requested version. */
export class EncodeError extends Error {
  override readonly name = "EncodeError";
}

/** An unknown tagged field, kept verbatim so re-encoding preserves it. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

export const EMPTY: Buffer = Buffer.alloc(0);
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** The size of a Kafka Uuid on the wire. */
export const UUID_BYTES = 16;

/** Encoders call this where a field may be null in some versions but not in the one being written. */
export function nonNull<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new EncodeError(`field ${field} must not be null`);
  return value;
}
