/**
 * gzip (codec 1) through node:zlib. Any RFC 1952 stream decodes, including
 * several concatenated members; we write a single member at zlib's default
 * level, as Java's GZIPOutputStream does.
 */

import { gunzipSync, gzipSync } from "node:zlib";
import { assertOutputBound, corruptInput, outputTooLarge } from "./output-bound.ts";

export function compress(input: Buffer): Buffer {
  return gzipSync(input);
}

export function decompress(input: Buffer, maxOutputBytes: number): Buffer {
  assertOutputBound(maxOutputBytes);
  let output: Buffer;
  try {
    // zlib stops inflating as soon as the output would pass the limit, so a
    // bomb costs at most maxOutputBytes of memory. Its floor is 1 byte.
    output = gunzipSync(input, { maxOutputLength: Math.max(1, maxOutputBytes) });
  } catch (error) {
    if (isNodeError(error) && error.code === "ERR_BUFFER_TOO_LARGE") {
      throw outputTooLarge("gzip", `more than ${maxOutputBytes}`, maxOutputBytes);
    }
    throw corruptInput("gzip", error);
  }
  if (output.length > maxOutputBytes) throw outputTooLarge("gzip", output.length, maxOutputBytes);
  return output;
}

function isNodeError(error: unknown): error is Error & { code: unknown } {
  return error instanceof Error && "code" in error;
}
