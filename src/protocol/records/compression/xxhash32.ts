/**
 * XXH32, the checksum of the LZ4 frame format (header byte, optional block
 * and content checksums). Small inputs dominate (the 2-byte descriptor of
 * every frame), and checksummed frames are the exception in Kafka, so a
 * plain TypeScript version is enough.
 */

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;
const STRIPE_BYTES = 16;

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function round(accumulator: number, lane: number): number {
  return Math.imul(rotateLeft((accumulator + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

function readLane(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

/** XXH32 of `bytes` with `seed`, as an unsigned 32-bit number. */
export function xxhash32(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length;
  let at = 0;
  let hash: number;
  if (length >= STRIPE_BYTES) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const lastStripe = length - STRIPE_BYTES;
    while (at <= lastStripe) {
      v1 = round(v1, readLane(bytes, at));
      v2 = round(v2, readLane(bytes, at + 4));
      v3 = round(v3, readLane(bytes, at + 8));
      v4 = round(v4, readLane(bytes, at + 12));
      at += STRIPE_BYTES;
    }
    hash = (rotateLeft(v1, 1) + rotateLeft(v2, 7) + rotateLeft(v3, 12) + rotateLeft(v4, 18)) | 0;
  } else {
    hash = (seed + PRIME5) | 0;
  }
  hash = (hash + length) | 0;
  while (at + 4 <= length) {
    hash = Math.imul(rotateLeft((hash + Math.imul(readLane(bytes, at), PRIME3)) | 0, 17), PRIME4);
    at += 4;
  }
  while (at < length) {
    hash = Math.imul(rotateLeft((hash + Math.imul(bytes[at], PRIME5)) | 0, 11), PRIME1);
    at++;
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, PRIME2);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, PRIME3);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
