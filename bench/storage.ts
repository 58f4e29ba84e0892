/**
 * Storage benchmark: append throughput (1 KiB and 64 KiB batches, fsync on
 * and off, 1/10/100 appenders), sequential read, recovery of a large unclean
 * log, and compaction, for one partition's `Log` on the real file system,
 * with the disk's own speed measured by `dd` before and after in the same
 * run. Writes the "storage" section of BENCHMARKS.md.
 *
 *   npm run bench:storage
 *   SAMSA_BENCH_RECOVERY_BYTES=256MiB SAMSA_BENCH_COMPACTION_BYTES=50MB npm run bench:storage
 *
 * Temp data goes under os.tmpdir() and is removed at the end.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { writeBenchmarkSection } from "./lib/benchmarks-md.ts";
import { type AppendCase, type AppendFigures, measureAppends } from "./lib/storage-append.ts";
import { measureCompaction } from "./lib/storage-compaction.ts";
import { DiskProbe, type DiskSample, freeBytes, summarizeDisk } from "./lib/storage-disk.ts";
import { measureRecovery, RECOVERY_BATCH_BYTES } from "./lib/storage-recovery.ts";
import { formatBytes, formatNumber, storageSection } from "./lib/storage-report.ts";

const GiB = 1024 * 1024 * 1024;
const root = join(import.meta.dirname, "..");
/** Room kept free beyond the recovery log: dd files, the compacted log and its copy, fsync-off appends. */
const HEADROOM_BYTES = 8 * GiB;
const MIN_RECOVERY_BYTES = 64 * 1024 * 1024;
const APPEND_TIMING = { rounds: 3, warmupMs: 300, measureMs: 1000 };
const DISK_SAMPLES_EACH_SIDE = 2;

const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
};

/** "1073741824", "1GiB", "200MB", "512mi": bytes. */
function byteSize(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?)?b?\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? "").toLowerCase()];
  if (match === null || unit === undefined) throw new Error(`${name}=${text} is not a byte size`);
  return Math.floor(Number(match[1]) * unit);
}

function appendCases(): AppendCase[] {
  const cases: AppendCase[] = [];
  for (const batchBytes of [1024, 64 * 1024])
    for (const fsync of [false, true])
      for (const appenders of [1, 10, 100]) cases.push({ batchBytes, fsync, appenders });
  return cases;
}

function environment(dir: string, loadBefore: number): string {
  const git = (args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "" ? " + uncommitted changes" : "";
  let fileSystem = "unknown file system";
  try {
    const mount = execFileSync("findmnt", ["-no", "FSTYPE,SOURCE", "-T", dir], { encoding: "utf8" });
    fileSystem = mount.trim().split(/\s+/).join(" on ");
  } catch {
    // findmnt is missing: the line says so.
  }
  const cpu = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`;
  const load = `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`;
  return `Commit ${git(["rev-parse", "--short", "HEAD"])}${dirty}, ${cpu}, ${formatBytes(totalmem())} RAM, ${fileSystem}, Node ${process.version}; ${load}.`;
}

async function diskSamples(probe: DiskProbe): Promise<DiskSample[]> {
  const samples: DiskSample[] = [];
  for (let i = 0; i < DISK_SAMPLES_EACH_SIDE; i++) samples.push(await probe.sample());
  return samples;
}

async function appendRuns(dir: string): Promise<AppendFigures[]> {
  // JIT warm-up of both paths; not reported.
  const warmupCells = [
    { batchBytes: 64 * 1024, fsync: false, appenders: 10 },
    { batchBytes: 1024, fsync: true, appenders: 10 },
  ];
  await measureAppends(dir, warmupCells, { ...APPEND_TIMING, rounds: 1 });
  const figures = await measureAppends(dir, appendCases(), APPEND_TIMING, (round) =>
    console.log(`append round ${round + 1} of ${APPEND_TIMING.rounds} done`),
  );
  for (const f of figures) {
    console.log(
      `append ${formatBytes(f.batchBytes)} fsync=${f.fsync} appenders=${f.appenders}: ${formatNumber(f.megabytesPerSecond)} MB/s, ${formatNumber(f.batchesPerSecond)} batches/s, ${formatNumber(f.fsyncsPer1000Appends)} fsyncs/1000, ${formatNumber(f.cpuMicrosPerAppend)} CPU µs/append`,
    );
  }
  return figures;
}

/** The recovery log's size: as asked, or smaller when the disk cannot hold it with room to spare. */
async function recoverySize(dir: string): Promise<{ bytes: number; note: string | null }> {
  const asked = byteSize("SAMSA_BENCH_RECOVERY_BYTES", GiB);
  const free = await freeBytes(dir);
  if (asked + HEADROOM_BYTES <= free) return { bytes: asked, note: null };
  const fits = Math.floor((free - HEADROOM_BYTES) / RECOVERY_BATCH_BYTES) * RECOVERY_BATCH_BYTES;
  if (fits < MIN_RECOVERY_BYTES) throw new Error(`only ${formatBytes(free)} free under ${dir}`);
  const note = `Only ${formatBytes(free)} was free under the temp dir: the recovery log was cut from ${formatBytes(asked)} to ${formatBytes(fits)}.`;
  return { bytes: fits, note };
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const dir = await mkdtemp(join(tmpdir(), "samsa-bench-storage-"));
  try {
    const recoveryBytes = await recoverySize(dir);
    const compactionBytes = byteSize("SAMSA_BENCH_COMPACTION_BYTES", 200e6);
    const probe = await DiskProbe.create(dir);
    const samples = await diskSamples(probe);
    console.log("disk before:", samples);
    const appends = await appendRuns(dir);
    console.log(`recovery and reads of ${formatBytes(recoveryBytes.bytes)}...`);
    const recovery = await measureRecovery(dir, recoveryBytes.bytes);
    console.log(recovery);
    console.log(`compaction of ${formatBytes(compactionBytes)}...`);
    const compaction = await measureCompaction(dir, compactionBytes);
    console.log(compaction);
    const after = await diskSamples(probe);
    console.log("disk after:", after);
    await probe.remove();
    const body = storageSection({
      environment: environment(dir, loadBefore),
      disk: summarizeDisk([...samples, ...after]),
      appends,
      appendTiming: APPEND_TIMING,
      recovery,
      recoveryNote: recoveryBytes.note,
      compaction,
      elapsedSeconds: (performance.now() - started) / 1000,
    });
    console.log(`\n${body}`);
    writeBenchmarkSection("storage", body);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
