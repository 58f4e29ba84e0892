/**
 * The bounds-checked reader with a sticky error: see primitives.ts for why
 * it never throws and never allocates beyond its input.
 */
import { EMPTY, UUID_BYTES, ZERO_UUID } from "./wire-basics.ts";

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
