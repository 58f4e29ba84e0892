/** The "storage" section of BENCHMARKS.md: tables from the storage benchmark's figures. */
import type { AppendFigures, AppendTiming } from "./storage-append.ts";
import type { CompactionFigures } from "./storage-compaction.ts";
import {
  DD_BLOCK_BYTES,
  DD_BLOCKS,
  DD_SYNC_WRITE_BYTES,
  DD_SYNC_WRITES,
  type DiskSummary,
} from "./storage-disk.ts";
import {
  READ_MAX_BYTES,
  RECOVERY_BATCH_BYTES,
  RECOVERY_ROUNDS,
  type RecoveryFigures,
  type Spread,
} from "./storage-recovery.ts";

export const RECOVERY_GOAL_MS = 2000;

export interface StorageResults {
  /** Commit, machine, file system: one line. */
  environment: string;
  disk: DiskSummary;
  appends: readonly AppendFigures[];
  appendTiming: AppendTiming;
  recovery: RecoveryFigures;
  /** Why the recovery log is smaller than asked, if it is. */
  recoveryNote: string | null;
  compaction: CompactionFigures;
  elapsedSeconds: number;
}

export function formatNumber(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

const ratio = (value: number, reference: number): string => (value / reference).toFixed(2);

function diskTable(disk: DiskSummary): string[] {
  const { median, min, max } = disk;
  const row = (label: string, key: keyof DiskSummary["median"], unit: string): string =>
    `| ${label} | ${formatNumber(median[key])} ${unit} | ${formatNumber(min[key])}–${formatNumber(max[key])} |`;
  const big = `${DD_BLOCKS} × ${formatBytes(DD_BLOCK_BYTES)}`;
  return [
    `| dd, ${disk.samples} runs (before and after the Samsa workloads) | median | min–max |`,
    "| --- | ---: | ---: |",
    row(`sequential write, \`oflag=direct conv=fsync\`, ${big}`, "directWriteMBps", "MB/s"),
    row(`sequential write through the page cache, \`conv=fsync\`, ${big}`, "cachedWriteFsyncMBps", "MB/s"),
    row(`sequential read, \`iflag=direct\`, ${big}`, "directReadMBps", "MB/s"),
    row(
      `${formatBytes(DD_SYNC_WRITE_BYTES)} write + fdatasync (\`oflag=dsync\`, ${DD_SYNC_WRITES} writes), each`,
      "syncWriteLatencyMs",
      "ms",
    ),
  ];
}

function appendTable(appends: readonly AppendFigures[], disk: DiskSummary): string[] {
  const { directWriteMBps, cachedWriteFsyncMBps } = disk.median;
  return [
    "| batch | fsync | appenders | MB/s | batches/s | fsyncs / 1000 appends | mean append ms | CPU µs / append | ÷ dd direct write | ÷ dd page cache + fsync |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...appends.map((a) =>
      [
        "",
        formatBytes(a.batchBytes),
        a.fsync ? "on (acks-all)" : "off",
        a.appenders,
        formatNumber(a.megabytesPerSecond),
        formatNumber(a.batchesPerSecond),
        a.fsync ? formatNumber(a.fsyncsPer1000Appends) : "–",
        formatNumber(a.meanAppendLatencyMs),
        formatNumber(a.cpuMicrosPerAppend),
        ratio(a.megabytesPerSecond, directWriteMBps),
        ratio(a.megabytesPerSecond, cachedWriteFsyncMBps),
        "",
      ]
        .join(" | ")
        .trim(),
    ),
  ];
}

function recoveryTable(recovery: RecoveryFigures): string[] {
  const megabytesPerSecond = (ms: number): string => formatNumber(recovery.logBytes / (ms / 1000) / 1e6);
  const seconds = (ms: number): string => (ms / 1000).toFixed(2);
  const row = (label: string, ms: Spread, goal: boolean): string => {
    const verdict = goal ? (ms.median <= RECOVERY_GOAL_MS ? "met" : "missed") : "–";
    const range = `${seconds(ms.min)}–${seconds(ms.max)}`;
    return `| ${label} | ${seconds(ms.median)} | ${range} | ${megabytesPerSecond(ms.median)} | ${verdict} |`;
  };
  const log = `${formatBytes(recovery.logBytes)} (${recovery.segments} segment(s), ${recovery.batches} batches)`;
  return [
    `| unclean reopen of ${log}, median of ${RECOVERY_ROUNDS} | s | min–max s | MB/s | goal ≤ ${RECOVERY_GOAL_MS / 1000} s |`,
    "| --- | ---: | ---: | ---: | ---: |",
    row("warm page cache (process crash), no producer snapshot", recovery.warmMs, true),
    row(
      "warm page cache, producer snapshot at the log end (segment scan only)",
      recovery.warmWithSnapshotMs,
      false,
    ),
    row("cold page cache (machine restart), no producer snapshot", recovery.coldMs, true),
  ];
}

function readTable(recovery: RecoveryFigures, disk: DiskSummary): string[] {
  const row = (label: string, read: Spread): string =>
    `| ${label} | ${formatNumber(read.median)} | ${formatNumber(read.min)}–${formatNumber(read.max)} | ${ratio(read.median, disk.median.directReadMBps)} |`;
  return [
    `| read of ${formatBytes(recovery.logBytes)} from offset 0, maxBytes ${formatBytes(READ_MAX_BYTES)}, median of ${RECOVERY_ROUNDS} | MB/s | min–max | ÷ dd direct read |`,
    "| --- | ---: | ---: | ---: |",
    row(`warm page cache (${formatNumber(recovery.warmReadsPerSecond)} reads/s)`, recovery.warmReadMBps),
    row("cold page cache", recovery.coldReadMBps),
  ];
}

function compactionTable(c: CompactionFigures): string[] {
  return [
    "| log | records | segments | s | MB/s | records/s | after | records kept |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${formatBytes(c.logBytes)} | ${c.records} | ${c.segments} | ${(c.cleanMs / 1000).toFixed(2)} | ${formatNumber(c.megabytesPerSecond)} | ${formatNumber(c.recordsPerSecond)} | ${formatBytes(c.bytesAfter)} | ${c.recordsRetained} |`,
  ];
}

export function storageSection(results: StorageResults): string {
  const { recovery } = results;
  const t = results.appendTiming;
  return [
    "## Storage (`npm run bench:storage`)",
    "",
    "One partition's `Log` on the real file system (`nodeFileSystem`, data under the OS temp dir), next to the disk's own speed",
    "measured with `dd` in the same run. Ratios divide Samsa's figure by the dd median. Figures from a shared, noisy VM disk.",
    "",
    results.environment,
    "",
    "### Disk",
    "",
    ...diskTable(results.disk),
    "",
    "### Append",
    "",
    "Each appender appends its own batch (100-byte records) in a loop, one append in flight, to a fresh log (default config).",
    'fsync on: `durability: "acks-all"`, resolved after a group-committed fsync. Off: resolved once in the page cache.',
    `Each case ran ${t.rounds} rounds (${t.warmupMs / 1000} s warm-up, ${t.measureMs / 1000} s measured), the rounds taken in turn across cases;`,
    "MB/s and batches/s are the median round. CPU µs / append is this process's user + system time (libuv's pool included).",
    "",
    ...appendTable(results.appends, results.disk),
    "",
    "### Sequential read",
    "",
    `The recovery log below, read back with \`Log.read\`, each read starting after the last whole batch of the one before.`,
    "",
    ...readTable(recovery, results.disk),
    "",
    "### Recovery",
    "",
    `${formatBytes(RECOVERY_BATCH_BYTES)} batches appended with \`durability: "none"\`, fsynced, handles dropped without a clean close;`,
    "then `loadLog` with `hadCleanShutdown: false, recoveryPoint: 0`: every batch CRC-checked, indexes rebuilt, producer state replayed.",
    "Size: `SAMSA_BENCH_RECOVERY_BYTES` (default 1 GiB).",
    ...(results.recoveryNote === null ? [] : ["", results.recoveryNote]),
    "",
    ...recoveryTable(recovery),
    "",
    "### Compaction",
    "",
    "10k keys written over and over (100-byte values, 100 records a batch, 100 MiB segments), then one `LogCleaner.cleanOnce()`",
    "with Kafka's default cleaner settings, after a warm-up pass on a small log. MB/s is log bytes before cleaning per second.",
    "Size: `SAMSA_BENCH_COMPACTION_BYTES` (default 200 MB).",
    "",
    ...compactionTable(results.compaction),
    "",
    `Whole run: ${results.elapsedSeconds.toFixed(0)} s.`,
  ].join("\n");
}
