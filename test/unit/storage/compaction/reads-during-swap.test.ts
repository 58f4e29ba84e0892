/**
 * A consumer's read that is in flight on an old segment while the cleaner
 * swaps it out must still complete, as in Kafka, where replaced segments
 * are closed only after file.delete.delay.ms. The read is held at the file
 * until the next turn of the event loop, while the whole swap (simulated
 * file system, no yields) runs on microtasks: without protection the old
 * segment's file would be closed under it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FileHandle, FileSystem, OpenMode } from "../../../../src/storage/file-system.ts";
import { logConfig } from "../../../../src/storage/log-config.ts";
import { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";
import { openTestLog } from "../support/open-log.ts";
import { appendInSegments, cleanerOver, compactConfig, keyedBatch } from "./support.ts";

/** Holds reads of handles opened on `path` while `held`, until `release()`. */
class ReadGate {
  held = false;
  private waiters: (() => void)[] = [];

  wrap(fs: FileSystem, path: string): FileSystem {
    const gated = (handle: FileHandle): FileHandle => ({
      path: handle.path,
      read: async (into, offset, length, position) => {
        if (this.held) await new Promise<void>((resolve) => this.waiters.push(resolve));
        return handle.read(into, offset, length, position);
      },
      write: (data, position) => handle.write(data, position),
      sync: () => handle.sync(),
      truncate: (length) => handle.truncate(length),
      size: () => handle.size(),
      close: () => handle.close(),
    });
    return {
      open: async (openPath: string, mode: OpenMode) => {
        const handle = await fs.open(openPath, mode);
        return openPath === path ? gated(handle) : handle;
      },
      readFile: (p) => fs.readFile(p),
      rename: (from, to) => fs.rename(from, to),
      unlink: (p) => fs.unlink(p),
      mkdir: (p) => fs.mkdir(p),
      removeTree: (p) => fs.removeTree(p),
      readdir: (p) => fs.readdir(p),
      stat: (p) => fs.stat(p),
      syncDirectory: (p) => fs.syncDirectory(p),
    };
  }

  release(): void {
    this.held = false;
    for (const wake of this.waiters.splice(0)) wake();
  }
}

for (const [name, base] of [
  ["the segment sharing the new segment's base", 0],
  ["a later segment of the group", 4],
] as const) {
  test(`a read in flight on ${name} completes across the swap`, async () => {
    const sim = new SimFileSystem();
    const gate = new ReadGate();
    const segmentPath = `/data/topic-0/${String(base).padStart(20, "0")}.log`;
    // The log reads through the gate; the simulator underneath is what the test steers.
    const gated = gate.wrap(sim, segmentPath) as unknown as SimFileSystem;
    const test = await openTestLog(logConfig(compactConfig({ fileDeleteDelayMs: 60_000 })), gated);
    const batches = Array.from({ length: 12 }, (_, i) => keyedBatch([[`k${i % 3}`, `v${i}`]]));
    await appendInSegments(test.log, batches, 4);
    const cleaner = await cleanerOver({ ...test, fs: sim });
    let read: Promise<Buffer> | null = null;
    sim.faultHook = (operation, path) => {
      // The cleaner has read everything; a consumer now starts reading the old segment.
      if (read === null && operation === "rename" && path.endsWith(".log.cleaned")) {
        gate.held = true;
        read = test.log.read(base, { maxBytes: 1 << 20, minOneBatch: true });
        setImmediate(() => gate.release());
      }
      return null;
    };
    assert.ok((await cleaner.cleanOnce()) !== null);
    sim.faultHook = null;
    assert.ok(read !== null, "the read started during the pass");
    assert.ok((await (read as Promise<Buffer>)).length > 0, "and returned the old segment's batches");
  });
}
