/**
 * The guard every decompressor shares: output is bounded by a size the
 * caller chooses, because compressed input comes from the network and a few
 * kilobytes of gzip or zstd can claim gigabytes.
 */

import assert from "node:assert/strict";
import { DecodeError } from "../../primitives.ts";

/** Asserts a caller-given bound is usable (a programmer error otherwise). */
export function assertOutputBound(maxOutputBytes: number): void {
  assert.ok(
    Number.isSafeInteger(maxOutputBytes) && maxOutputBytes >= 0,
    `maxOutputBytes must be a non-negative integer, got ${maxOutputBytes}`,
  );
}

export function outputTooLarge(
  codec: string,
  sizeBytes: number | string,
  maxOutputBytes: number,
): DecodeError {
  return new DecodeError(
    `${codec} data decompresses to ${sizeBytes} bytes, over the limit of ${maxOutputBytes}`,
  );
}

/** Wraps a codec library's complaint about its input as a DecodeError; anything else is rethrown. */
export function corruptInput(codec: string, error: unknown): DecodeError {
  if (error instanceof DecodeError) return error;
  if (error instanceof Error) return new DecodeError(`${codec} data is corrupt: ${error.message}`);
  throw error;
}
