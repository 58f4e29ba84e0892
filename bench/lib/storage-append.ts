/**
 * Append throughput of one partition's log: N appenders, each appending its
 * own pre-built batch again and again (offsets are re-assigned in place on
 * every append), each waiting for its append before the next, as a producer
 * with one request in flight does. With fsync on, appends ask for acks-all
 * durability and resolve after a group-committed fsync; off, they resolve
 * once written to the page cache. Counted between the end of the warm-up and
 * the end of the measurement window, on a fresh log with the default config.
 *
 * The machine is shared, so every case is measured in several rounds, the
 * rounds going through all cases in turn (a burst of someone else's work
 * hits different cases), and the median round is reported. CPU time (this
 * process, libuv's pool included) per append is summed over all rounds: it
 * moves far less with the neighbours' load than throughput does.
 */
import assert from "node:assert/strict";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { logConfig } from "../../src/storage/log-config.ts";
import { median } from "./storage-disk.ts";
import { abandonLog, batchOfSize, openLog } from "./storage-log.ts";

export interface AppendCase {
  batchBytes: number;
  fsync: boolean;
  appenders: number;
}

export interface AppendTiming {
  rounds: number;
  warmupMs: number;
  measureMs: number;
}

export interface AppendFigures extends AppendCase {
  /** Median round. */
  megabytesPerSecond: number;
  /** Median round. */
  batchesPerSecond: number;
  /** Group-commit fsyncs per 1000 appends over all rounds (0 with fsync off). */
  fsyncsPer1000Appends: number;
  /** Appenders / median batches per second: how long each append took on average. */
  meanAppendLatencyMs: number;
  /** User + system CPU of the whole process per append, over all rounds. */
  cpuMicrosPerAppend: number;
}

interface Counters {
  atMs: number;
  appends: number;
  bytes: number;
  syncs: number;
  cpuMicros: number;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** One round of one case: its counters over the measurement window. */
async function appendRound(root: string, cell: AppendCase, timing: AppendTiming): Promise<Counters> {
  const dir = join(root, `append-${cell.batchBytes}-${cell.fsync ? "fsync" : "nofsync"}-${cell.appenders}-0`);
  await mkdir(dir, { recursive: true });
  const { log } = await openLog(dir, logConfig());
  const batches = Array.from({ length: cell.appenders }, () => batchOfSize(cell.batchBytes));
  const durability = cell.fsync ? "acks-all" : "none";
  const totals = { appends: 0, bytes: 0 };
  let stopped = false;
  const appender = async (batch: Buffer): Promise<void> => {
    while (!stopped) {
      await log.append(batch, { leaderEpoch: 0, durability });
      totals.appends++;
      totals.bytes += batch.length;
    }
  };
  const snapshot = (): Counters => ({
    atMs: performance.now(),
    ...totals,
    syncs: log.syncCount,
    cpuMicros: cpuMicros(),
  });
  const running = batches.map(appender);
  try {
    await sleep(timing.warmupMs);
    const start = snapshot();
    await sleep(timing.measureMs);
    const end = snapshot();
    return {
      atMs: end.atMs - start.atMs,
      appends: end.appends - start.appends,
      bytes: end.bytes - start.bytes,
      syncs: end.syncs - start.syncs,
      cpuMicros: end.cpuMicros - start.cpuMicros,
    };
  } finally {
    stopped = true;
    await Promise.allSettled(running);
    // No clean close: its fsync of gigabytes written without one would only slow the run down.
    await abandonLog(log);
    await rm(dir, { recursive: true, force: true });
  }
}

function figuresOf(cell: AppendCase, rounds: readonly Counters[]): AppendFigures {
  const sum = (key: keyof Counters): number => rounds.reduce((total, r) => total + r[key], 0);
  const appends = sum("appends");
  assert.ok(appends > 0, `no append completed for ${JSON.stringify(cell)}`);
  const batchesPerSecond = median(rounds.map((r) => (r.appends * 1000) / r.atMs));
  return {
    ...cell,
    megabytesPerSecond: median(rounds.map((r) => (r.bytes * 1000) / r.atMs / 1e6)),
    batchesPerSecond,
    fsyncsPer1000Appends: (sum("syncs") * 1000) / appends,
    meanAppendLatencyMs: (cell.appenders * 1000) / batchesPerSecond,
    cpuMicrosPerAppend: sum("cpuMicros") / appends,
  };
}

/** Every case, `timing.rounds` times, round-robin; `onRound` hears of each finished round. */
export async function measureAppends(
  root: string,
  cells: readonly AppendCase[],
  timing: AppendTiming,
  onRound: (round: number) => void = () => {},
): Promise<AppendFigures[]> {
  const rounds: Counters[][] = cells.map(() => []);
  for (let round = 0; round < timing.rounds; round++) {
    for (let i = 0; i < cells.length; i++) rounds[i].push(await appendRound(root, cells[i], timing));
    onRound(round);
  }
  return cells.map((cell, i) => figuresOf(cell, rounds[i]));
}
