/**
 * The disk under the storage benchmark, measured with `dd` in the same run:
 * sequential write with O_DIRECT (the device itself), sequential write
 * through the page cache ended by one fsync (the path Samsa's appends take),
 * sequential O_DIRECT read, and the latency of a small write made durable
 * (4 KiB with O_DSYNC: a write plus fdatasync each, the file growing as a
 * segment does). The data written is random, read from a source file made
 * once and kept in the page cache, since a virtual disk may write zeros
 * faster than data.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { open, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export const DD_BLOCK_BYTES = 1024 * 1024;
export const DD_BLOCKS = 512;
export const DD_SYNC_WRITE_BYTES = 4096;
export const DD_SYNC_WRITES = 1000;

export interface DiskSample {
  directWriteMBps: number;
  cachedWriteFsyncMBps: number;
  directReadMBps: number;
  syncWriteLatencyMs: number;
}

interface DdResult {
  bytes: number;
  seconds: number;
}

async function runDd(args: readonly string[]): Promise<string> {
  const env = { ...process.env, LC_ALL: "C" };
  return (await execFileAsync("dd", [...args], { encoding: "utf8", env })).stderr;
}

async function dd(args: readonly string[]): Promise<DdResult> {
  const stderr = await runDd(args);
  // e.g. "536870912 bytes (537 MB, 512 MiB) copied, 0.4381 s, 1.2 GB/s"
  const match = /(\d+) bytes .*copied, ([\d.e+-]+) s/.exec(stderr);
  assert.ok(match !== null, `unexpected dd output: ${stderr}`);
  const result = { bytes: Number(match[1]), seconds: Number(match[2]) };
  assert.ok(result.bytes > 0 && result.seconds > 0, `dd moved nothing: ${stderr}`);
  return result;
}

const megabytesPerSecond = (r: DdResult): number => r.bytes / r.seconds / 1e6;

/** Drops the page-cache pages of `path` (clean ones: fsync first), so the next read goes to the disk. */
export async function dropPageCache(path: string): Promise<void> {
  await runDd([`if=${path}`, "iflag=nocache", "count=0"]);
}

/** Bytes free for an unprivileged writer under `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

export class DiskProbe {
  private constructor(
    private readonly dir: string,
    private readonly source: string,
  ) {}

  /** Writes the random source file (fsynced, so measuring never waits on its writeback). */
  static async create(dir: string): Promise<DiskProbe> {
    const source = join(dir, "dd-source.bin");
    const handle = await open(source, "w");
    try {
      const block = Buffer.allocUnsafe(DD_BLOCK_BYTES);
      for (let i = 0; i < DD_BLOCKS; i++) {
        randomFillSync(block);
        await handle.write(block, 0, block.length);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    return new DiskProbe(dir, source);
  }

  async sample(): Promise<DiskSample> {
    const target = join(this.dir, "dd-target.bin");
    const bs = `bs=${DD_BLOCK_BYTES}`;
    const count = `count=${DD_BLOCKS}`;
    try {
      const direct = await dd([`if=${this.source}`, `of=${target}`, bs, count, "oflag=direct", "conv=fsync"]);
      await rm(target);
      const cached = await dd([`if=${this.source}`, `of=${target}`, bs, count, "conv=fsync"]);
      await dropPageCache(target);
      const read = await dd([`if=${target}`, "of=/dev/null", bs, "iflag=direct"]);
      await rm(target);
      const sync = await dd([
        `if=${this.source}`,
        `of=${target}`,
        `bs=${DD_SYNC_WRITE_BYTES}`,
        `count=${DD_SYNC_WRITES}`,
        "oflag=dsync",
      ]);
      return {
        directWriteMBps: megabytesPerSecond(direct),
        cachedWriteFsyncMBps: megabytesPerSecond(cached),
        directReadMBps: megabytesPerSecond(read),
        syncWriteLatencyMs: (sync.seconds * 1000) / DD_SYNC_WRITES,
      };
    } finally {
      await rm(target, { force: true });
    }
  }

  async remove(): Promise<void> {
    await rm(this.source, { force: true });
  }
}

/** The median of each figure over several samples, and its range. */
export interface DiskSummary {
  samples: number;
  median: DiskSample;
  min: DiskSample;
  max: DiskSample;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarizeDisk(samples: readonly DiskSample[]): DiskSummary {
  assert.ok(samples.length > 0, "no disk samples");
  const keys = Object.keys(samples[0]) as (keyof DiskSample)[];
  const pick = (reduce: (values: number[]) => number): DiskSample =>
    Object.fromEntries(keys.map((key) => [key, reduce(samples.map((s) => s[key]))])) as unknown as DiskSample;
  return {
    samples: samples.length,
    median: pick(median),
    min: pick((v) => Math.min(...v)),
    max: pick((v) => Math.max(...v)),
  };
}
