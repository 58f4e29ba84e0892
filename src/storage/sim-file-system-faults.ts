/**
 * Fault injection for the simulated file system: tests make chosen
 * operations fail with an errno code, once (`failNext`) or by rule
 * (`faultHook`). The check runs before an operation touches anything, so a
 * failed operation changes nothing — the clean case; a torn write is
 * modelled by `crash({ tornWrites: true })` instead.
 */

import assert from "node:assert/strict";
import { FileSystemError } from "./file-system.ts";

/**
 * What a fault can be attached to. `readFile` checks `open` then `read`;
 * a handle's `size()` checks `stat`. For `rename` the path is the source
 * and the hook also gets the destination.
 */
export type SimOperation =
  | "open"
  | "read"
  | "write"
  | "sync"
  | "truncate"
  | "close"
  | "stat"
  | "rename"
  | "unlink"
  | "mkdir"
  | "removeTree"
  | "readdir"
  | "syncDirectory";

/** Returns an errno code (`"EIO"`, `"ENOSPC"`, ...) to fail the operation, or null to let it run. */
export type SimFaultHook = (operation: SimOperation, path: string, targetPath?: string) => string | null;

interface PendingFault {
  readonly operation: SimOperation;
  readonly code: string;
  /** A string matches one exact (normalized) path; a RegExp is tested against it. */
  readonly pathPattern: string | RegExp | null;
}

function matches(pattern: string | RegExp | null, paths: readonly string[]): boolean {
  if (pattern === null) return true;
  if (typeof pattern === "string") return paths.includes(pattern);
  return paths.some((path) => {
    // A global or sticky RegExp keeps state between tests; reset it so matching stays pure.
    pattern.lastIndex = 0;
    return pattern.test(path);
  });
}

export class FaultInjector {
  hook: SimFaultHook | null = null;
  private pending: PendingFault[] = [];

  get pendingCount(): number {
    return this.pending.length;
  }

  failNext(operation: SimOperation, code: string, pathPattern: string | RegExp | null): void {
    assert(/^E[A-Z0-9]+$/.test(code), `fault code must look like an errno code: ${code}`);
    this.pending.push({ operation, code, pathPattern });
  }

  clear(): void {
    this.pending = [];
    this.hook = null;
  }

  /** Throws the injected failure for this operation, if any; one-shot faults are used up in the order queued. */
  check(operation: SimOperation, path: string, targetPath?: string): void {
    const paths = targetPath === undefined ? [path] : [path, targetPath];
    const index = this.pending.findIndex((f) => f.operation === operation && matches(f.pathPattern, paths));
    if (index >= 0) {
      const [fault] = this.pending.splice(index, 1);
      throw injected(fault.code, operation, path);
    }
    const code = this.hook === null ? null : this.hook(operation, path, targetPath);
    if (code === null) return;
    assert(/^E[A-Z0-9]+$/.test(code), `fault hook must return an errno code or null: ${code}`);
    throw injected(code, operation, path);
  }
}

function injected(code: string, operation: SimOperation, path: string): FileSystemError {
  return new FileSystemError(code, path, `${code}: ${operation} ${path} (injected)`);
}
