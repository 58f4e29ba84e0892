/**
 * The chunked writer: small writes go into a growing scratch buffer, large
 * byte slices are kept by reference (see primitives.ts).
 */
import { EncodeError, UUID_BYTES } from "./wire-basics.ts";

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
