/**
 * Zstandard (codec 4) through zstd-napi.
 *
 * Frames that declare their content size (zstd-napi's and librdkafka's
 * one-shot encoders write it) are checked against the bound and inflated in
 * one call into a buffer of exactly that size; zstd itself refuses a frame
 * whose content differs from its declaration. Frames without it (the Java
 * client's streaming encoder) are inflated in steps, counting output as it
 * comes, with the window the decoder may allocate capped as well.
 */

import zstdBinding from "zstd-napi/binding.js";
import { DecodeError } from "../../primitives.ts";
import { assertOutputBound, corruptInput, outputTooLarge } from "./output-bound.ts";

/** Kafka's default compression.zstd.level, and zstd's. */
const DEFAULT_LEVEL = 3;
const STREAM_CHUNK_BYTES = 128 * 1024;
/**
 * Window limits (log2 bytes) for frames of unknown size: streaming encoders
 * use 2^21..2^23 at ordinary levels; zstd's own default ceiling is 2^27.
 */
const MIN_WINDOW_LOG = 23;
const MAX_WINDOW_LOG = 27;

let compressionContext: InstanceType<typeof zstdBinding.CCtx> | null = null;
let decompressionContext: InstanceType<typeof zstdBinding.DCtx> | null = null;

export function compress(input: Buffer): Buffer {
  compressionContext ??= new zstdBinding.CCtx();
  const output = Buffer.allocUnsafe(zstdBinding.compressBound(input.length));
  const sizeBytes = compressionContext.compress(output, input, DEFAULT_LEVEL);
  return output.subarray(0, sizeBytes);
}

export function decompress(input: Buffer, maxOutputBytes: number): Buffer {
  assertOutputBound(maxOutputBytes);
  if (input.length === 0) return Buffer.alloc(0);
  decompressionContext ??= new zstdBinding.DCtx();
  const context = decompressionContext;
  try {
    const declaredBytes = declaredContentBytes(input);
    if (declaredBytes !== null) return decompressKnownSize(context, input, declaredBytes, maxOutputBytes);
    return decompressStreaming(context, input, maxOutputBytes);
  } catch (error) {
    // A failed frame leaves the context mid-stream; the next call must start clean.
    context.reset(zstdBinding.ResetDirective.sessionOnly);
    throw corruptInput("zstd", error);
  }
}

/** The summed content sizes of all frames in `input`, or null if any frame does not declare one. */
function declaredContentBytes(input: Buffer): number | null {
  let totalBytes = 0;
  let rest = input;
  while (rest.length > 0) {
    const frameBytes = zstdBinding.getFrameContentSize(rest);
    if (frameBytes === null) return null;
    totalBytes += frameBytes;
    rest = rest.subarray(zstdBinding.findFrameCompressedSize(rest));
  }
  return totalBytes;
}

function decompressKnownSize(
  context: InstanceType<typeof zstdBinding.DCtx>,
  input: Buffer,
  declaredBytes: number,
  maxOutputBytes: number,
): Buffer {
  if (declaredBytes > maxOutputBytes) throw outputTooLarge("zstd", declaredBytes, maxOutputBytes);
  const output = Buffer.allocUnsafe(declaredBytes);
  const writtenBytes = context.decompress(output, input);
  if (writtenBytes !== declaredBytes) {
    throw new DecodeError(`zstd frames declared ${declaredBytes} bytes but held ${writtenBytes}`);
  }
  return output;
}

function decompressStreaming(
  context: InstanceType<typeof zstdBinding.DCtx>,
  input: Buffer,
  maxOutputBytes: number,
): Buffer {
  context.reset(zstdBinding.ResetDirective.sessionAndParameters);
  context.setParameter(zstdBinding.DParameter.windowLogMax, windowLogFor(maxOutputBytes));
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  let rest = input;
  for (;;) {
    // One byte more than the room left, so that passing the bound is seen.
    const chunkBytes = Math.min(
      Math.max(STREAM_CHUNK_BYTES, rest.length * 4),
      maxOutputBytes - totalBytes + 1,
    );
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const [hint, producedBytes, consumedBytes] = context.decompressStream(chunk, rest);
    totalBytes += producedBytes;
    if (totalBytes > maxOutputBytes)
      throw outputTooLarge("zstd", `more than ${maxOutputBytes}`, maxOutputBytes);
    if (producedBytes > 0) chunks.push(chunk.subarray(0, producedBytes));
    rest = rest.subarray(consumedBytes);
    if (hint === 0 && rest.length === 0) break;
    if (producedBytes === 0 && consumedBytes === 0) throw new DecodeError("zstd data is truncated");
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, totalBytes);
}

function windowLogFor(maxOutputBytes: number): number {
  const neededLog = Math.ceil(Math.log2(Math.max(1, maxOutputBytes)));
  return Math.min(MAX_WINDOW_LOG, Math.max(MIN_WINDOW_LOG, neededLog));
}
