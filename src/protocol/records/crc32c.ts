/**
 * CRC32C (Castagnoli), the checksum of magic-v2 record batches.
 *
 * The broker checks it on every produced batch, so it runs natively
 * (`@node-rs/crc32` uses SSE4.2 / ARMv8 CRC instructions where the CPU has
 * them). `crc32cReference` is a byte-at-a-time table version kept only as a
 * test oracle: it is slow, but small enough to check by eye against the
 * polynomial.
 */

import { crc32c as nativeCrc32c } from "@node-rs/crc32";

/**
 * CRC32C of `bytes`, as an unsigned 32-bit number. Pass a previous result as
 * `previousCrc` to continue a checksum over data split across buffers.
 */
export function crc32c(bytes: Uint8Array, previousCrc = 0): number {
  return nativeCrc32c(bytes, previousCrc) >>> 0;
}

/** The Castagnoli polynomial, bit-reflected. */
const CASTAGNOLI_REFLECTED = 0x82f63b78;

let referenceTable: Uint32Array | null = null;

function buildReferenceTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ CASTAGNOLI_REFLECTED : crc >>> 1;
    }
    table[byte] = crc >>> 0;
  }
  return table;
}

/** Slow, dependency-free CRC32C: the oracle the native one is tested against. */
export function crc32cReference(bytes: Uint8Array, previousCrc = 0): number {
  referenceTable ??= buildReferenceTable();
  let crc = ~previousCrc >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = referenceTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}
