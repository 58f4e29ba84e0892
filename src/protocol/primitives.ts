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

const UUID_BYTES = 16;
const MAX_UVARINT_BYTES = 5;
const MAX_UVARLONG_BYTES = 10;
const VARINT_SCALE = [1, 2 ** 7, 2 ** 14, 2 ** 21, 2 ** 28];

export class Reader {
  private position: number;
  private readonly end: number;
  private failure: string | null = null;

  constructor(
    readonly buffer: Buffer,
    start = 0,
    end: number = buffer.length,
  ) {
    this.position = start;
    this.end = end;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  get failureReason(): string | null {
    return this.failure;
  }

  /** Marks the reader failed; the first reason wins. Reads then return zero values. */
  fail(reason: string): void {
    if (this.failure === null) this.failure = `${reason} at byte ${this.position}`;
    this.position = this.end;
  }

  private take(size: number): number {
    if (size > this.end - this.position) {
      this.fail(`needed ${size} bytes, ${this.end - this.position} left`);
      return -1;
    }
    const at = this.position;
    this.position += size;
    return at;
  }

  int8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.buffer.readInt8(at);
  }

  uint8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.buffer[at];
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.buffer.readInt16BE(at);
  }

  uint16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.buffer.readUInt16BE(at);
  }

  int32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.buffer.readInt32BE(at);
  }

  uint32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.buffer.readUInt32BE(at);
  }

  int64(): bigint {
    const at = this.take(8);
    if (at < 0) return 0n;
    // Offsets and timestamps fit in 53 bits; converting a safe number is several times cheaper.
    const high = this.buffer.readInt32BE(at);
    const value = high * 4294967296 + this.buffer.readUInt32BE(at + 4);
    return Number.isSafeInteger(value) ? BigInt(value) : this.buffer.readBigInt64BE(at);
  }

  float64(): number {
    const at = this.take(8);
    return at < 0 ? 0 : this.buffer.readDoubleBE(at);
  }

  /** Kafka's Uuid as its canonical text: 22 characters of unpadded base64url. */
  uuid(): string {
    const at = this.take(UUID_BYTES);
    if (at < 0) return ZERO_UUID;
    return this.buffer.toString("base64url", at, at + UUID_BYTES);
  }

  /** Unsigned LEB128 up to 32 bits, as used by compact lengths and tags. */
  uvarint(): number {
    const buffer = this.buffer;
    let position = this.position;
    // Almost every length and tag fits in one byte.
    if (position < this.end && buffer[position] < 0x80) {
      this.position = position + 1;
      return buffer[position];
    }
    let value = 0;
    for (let i = 0; i < MAX_UVARINT_BYTES; i++) {
      if (position >= this.end) {
        this.fail("truncated varint");
        return 0;
      }
      const byte = buffer[position++];
      value += (byte & 0x7f) * VARINT_SCALE[i];
      if (byte < 0x80) {
        if (value > 0xffffffff) break;
        this.position = position;
        return value;
      }
    }
    this.fail("unsigned varint longer than 32 bits");
    return 0;
  }

  /** Zig-zag varint up to 32 bits, as used inside records. */
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** Zig-zag varlong up to 64 bits. */
  varlong(): bigint {
    let raw = 0n;
    for (let i = 0; i < MAX_UVARLONG_BYTES; i++) {
      const at = this.take(1);
      if (at < 0) return 0n;
      const byte = this.buffer[at];
      raw |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) {
        if (raw > 0xffffffffffffffffn) break;
        return (raw >> 1n) ^ -(raw & 1n);
      }
    }
    this.fail("varlong longer than 64 bits");
    return 0n;
  }

  /** A length that may be -1 (null); anything longer than what is left fails. */
  private checkedLength(length: number, nullable: boolean, what: string): number {
    if (length === -1 && nullable) return -1;
    if (length < 0) {
      this.fail(`${what} has invalid length ${length}`);
      return -1;
    }
    if (length > this.remaining) {
      this.fail(`${what} of ${length} exceeds the ${this.remaining} bytes left`);
      return -1;
    }
    return length;
  }

  private utf8(length: number): string {
    if (length <= 0) return "";
    const at = this.take(length);
    return at < 0 ? "" : this.buffer.toString("utf8", at, at + length);
  }

  private slice(length: number): Buffer {
    if (length <= 0) return EMPTY;
    const at = this.take(length);
    return at < 0 ? EMPTY : this.buffer.subarray(at, at + length);
  }

  string(): string {
    return this.utf8(this.checkedLength(this.int16(), false, "string"));
  }

  nullableString(): string | null {
    const length = this.checkedLength(this.int16(), true, "string");
    return length < 0 ? null : this.utf8(length);
  }

  compactString(): string {
    return this.utf8(this.checkedLength(this.uvarint() - 1, false, "compact string"));
  }

  compactNullableString(): string | null {
    const length = this.checkedLength(this.uvarint() - 1, true, "compact string");
    return length < 0 ? null : this.utf8(length);
  }

  bytes(): Buffer {
    return this.slice(this.checkedLength(this.int32(), false, "bytes"));
  }

  nullableBytes(): Buffer | null {
    const length = this.checkedLength(this.int32(), true, "bytes");
    return length < 0 ? null : this.slice(length);
  }

  compactBytes(): Buffer {
    return this.slice(this.checkedLength(this.uvarint() - 1, false, "compact bytes"));
  }

  compactNullableBytes(): Buffer | null {
    const length = this.checkedLength(this.uvarint() - 1, true, "compact bytes");
    return length < 0 ? null : this.slice(length);
  }

  /** Exactly `length` bytes as a view into the input (no copy). */
  raw(length: number): Buffer {
    return this.slice(this.checkedLength(length, false, "raw bytes"));
  }

  /**
   * An array or map count: -1 is null. A count above the bytes left can only
   * be a lie (every element takes at least one byte), so it fails here,
   * before a decoder could allocate for it.
   */
  arrayLength(): number {
    return this.checkedLength(this.int32(), true, "array");
  }

  compactArrayLength(): number {
    return this.checkedLength(this.uvarint() - 1, true, "compact array");
  }

  /** A count with no null form (tagged-field counts, record counts). */
  count(): number {
    return this.checkedLength(this.uvarint(), false, "count");
  }

  /** A reader over the next `length` bytes; this reader moves past them. */
  sub(length: number): Reader {
    const size = this.checkedLength(length, false, "sub-structure");
    if (size < 0) return new Reader(EMPTY);
    const at = this.take(size);
    return new Reader(this.buffer, at, at + size);
  }

  /** Propagates a nested reader's failure to this one. */
  absorb(inner: Reader): void {
    if (inner.failure !== null && this.failure === null) this.fail(`inside: ${inner.failure}`);
  }
}

export const EMPTY: Buffer = Buffer.alloc(0);
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** Slices at least this long are appended by reference, not copied. */
const ZERO_COPY_MIN_BYTES = 1024;
const INITIAL_CAPACITY_BYTES = 256;

export class Writer {
  private scratch: Buffer;
  private position = 0;
  private chunkStart = 0;
  private readonly chunks: Buffer[] = [];
  private chunkedBytes = 0;

  constructor(initialCapacityBytes = INITIAL_CAPACITY_BYTES) {
    this.scratch = Buffer.allocUnsafe(Math.max(16, initialCapacityBytes));
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.chunkedBytes + (this.position - this.chunkStart);
  }

  private reserve(size: number): number {
    if (this.position + size > this.scratch.length) {
      const pending = this.position - this.chunkStart;
      const capacity = Math.max(this.scratch.length * 2, pending + size, INITIAL_CAPACITY_BYTES);
      const next = Buffer.allocUnsafe(capacity);
      this.scratch.copy(next, 0, this.chunkStart, this.position);
      this.scratch = next;
      this.chunkStart = 0;
      this.position = pending;
    }
    const at = this.position;
    this.position += size;
    return at;
  }

  private sealChunk(): void {
    if (this.position > this.chunkStart) {
      this.chunks.push(this.scratch.subarray(this.chunkStart, this.position));
      this.chunkedBytes += this.position - this.chunkStart;
      this.chunkStart = this.position;
    }
  }

  int8(value: number): void {
    const at = this.reserve(1);
    this.scratch.writeInt8(value, at);
  }

  uint8(value: number): void {
    const at = this.reserve(1);
    this.scratch[at] = value;
  }

  bool(value: boolean): void {
    const at = this.reserve(1);
    this.scratch[at] = value ? 1 : 0;
  }

  int16(value: number): void {
    const at = this.reserve(2);
    this.scratch.writeInt16BE(value, at);
  }

  uint16(value: number): void {
    const at = this.reserve(2);
    this.scratch.writeUInt16BE(value, at);
  }

  int32(value: number): void {
    const at = this.reserve(4);
    this.scratch.writeInt32BE(value, at);
  }

  uint32(value: number): void {
    const at = this.reserve(4);
    this.scratch.writeUInt32BE(value, at);
  }

  int64(value: bigint): void {
    const at = this.reserve(8);
    this.scratch.writeBigInt64BE(value, at);
  }

  float64(value: number): void {
    const at = this.reserve(8);
    this.scratch.writeDoubleBE(value, at);
  }

  uuid(value: string): void {
    const bytes = Buffer.from(value, "base64url");
    if (bytes.length !== UUID_BYTES) throw new EncodeError(`invalid uuid ${JSON.stringify(value)}`);
    const at = this.reserve(UUID_BYTES);
    bytes.copy(this.scratch, at);
  }

  uvarint(value: number): void {
    if (!(value >= 0 && value <= 0xffffffff && Number.isInteger(value))) {
      throw new EncodeError(`unsigned varint out of range: ${value}`);
    }
    let rest = value;
    while (rest >= 0x80) {
      const at = this.reserve(1);
      this.scratch[at] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    const at = this.reserve(1);
    this.scratch[at] = rest;
  }

  varint(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  varlong(value: bigint): void {
    let raw = (value << 1n) ^ (value >> 63n);
    raw &= 0xffffffffffffffffn;
    while (raw >= 0x80n) {
      const at = this.reserve(1);
      this.scratch[at] = Number(raw & 0x7fn) | 0x80;
      raw >>= 7n;
    }
    const at = this.reserve(1);
    this.scratch[at] = Number(raw);
  }

  private utf8(value: string, byteLength: number): void {
    const at = this.reserve(byteLength);
    this.scratch.write(value, at, byteLength, "utf8");
  }

  string(value: string): void {
    const byteLength = Buffer.byteLength(value, "utf8");
    if (byteLength > 0x7fff) throw new EncodeError(`string of ${byteLength} bytes is too long`);
    this.int16(byteLength);
    this.utf8(value, byteLength);
  }

  nullableString(value: string | null): void {
    if (value === null) this.int16(-1);
    else this.string(value);
  }

  compactString(value: string): void {
    const byteLength = Buffer.byteLength(value, "utf8");
    if (byteLength > 0x7fff) throw new EncodeError(`string of ${byteLength} bytes is too long`);
    this.uvarint(byteLength + 1);
    this.utf8(value, byteLength);
  }

  compactNullableString(value: string | null): void {
    if (value === null) this.uvarint(0);
    else this.compactString(value);
  }

  bytes(value: Buffer): void {
    this.int32(value.length);
    this.raw(value);
  }

  nullableBytes(value: Buffer | null): void {
    if (value === null) this.int32(-1);
    else this.bytes(value);
  }

  compactBytes(value: Buffer): void {
    this.uvarint(value.length + 1);
    this.raw(value);
  }

  compactNullableBytes(value: Buffer | null): void {
    if (value === null) this.uvarint(0);
    else this.compactBytes(value);
  }

  arrayLength(length: number): void {
    this.int32(length);
  }

  compactArrayLength(length: number): void {
    this.uvarint(length + 1);
  }

  /** Appends bytes verbatim; large slices by reference (the caller must not mutate them). */
  raw(value: Buffer): void {
    if (value.length >= ZERO_COPY_MIN_BYTES) {
      this.sealChunk();
      this.chunks.push(value);
      this.chunkedBytes += value.length;
      return;
    }
    if (value.length > 0) {
      const at = this.reserve(value.length);
      value.copy(this.scratch, at);
    }
  }

  /** Appends everything another writer holds. */
  append(other: Writer): void {
    for (const chunk of other.toChunks()) this.raw(chunk);
  }

  /** The written bytes as a list of buffers, in order (for writev). */
  toChunks(): Buffer[] {
    this.sealChunk();
    return this.chunks.slice();
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1) return chunks[0];
    return Buffer.concat(chunks, this.chunkedBytes);
  }
}

/** Encoders call this where a field may be null in some versions but not in the one being written. */
export function nonNull<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new EncodeError(`field ${field} must not be null`);
  return value;
}
