/**
 * Operating errors of the storage layer, each carrying the Kafka error code
 * the broker answers with. Disk failures (ENOSPC, EIO, ...) become
 * KAFKA_STORAGE_ERROR, which clients treat as retriable.
 */
import { ErrorCode } from "../protocol/errors.ts";
import { FileSystemError } from "./file-system.ts";

export class StorageError extends Error {
  override readonly name = "StorageError";

  constructor(
    readonly errorCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Maps a file-system failure to KAFKA_STORAGE_ERROR; rethrows anything else (a programmer error). */
export function asStorageError(error: unknown, what: string): StorageError {
  if (error instanceof StorageError) return error;
  if (error instanceof FileSystemError) {
    return new StorageError(ErrorCode.KAFKA_STORAGE_ERROR, `${what}: ${error.code} on ${error.path}`, {
      cause: error,
    });
  }
  throw error;
}

export function offsetOutOfRange(message: string): StorageError {
  return new StorageError(ErrorCode.OFFSET_OUT_OF_RANGE, message);
}

export function corruptRecord(message: string, cause?: unknown): StorageError {
  return new StorageError(ErrorCode.CORRUPT_MESSAGE, message, { cause });
}
