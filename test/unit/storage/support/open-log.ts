import { ManualClock } from "../../../../src/storage/clock.ts";
import type { FileSystem } from "../../../../src/storage/file-system.ts";
import type { Log } from "../../../../src/storage/log.ts";
import { type LogConfig, logConfig } from "../../../../src/storage/log-config.ts";
import { type LoadReport, loadLog } from "../../../../src/storage/log-loader.ts";
import { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";

export const DIR = "/data/topic-0";

export interface TestLog {
  fs: SimFileSystem;
  clock: ManualClock;
  log: Log;
  config: LogConfig;
}

export async function openTestLog(
  overrides: Partial<LogConfig> = {},
  fs = new SimFileSystem(),
  clock = new ManualClock(1_000_000),
): Promise<TestLog> {
  const config = logConfig(overrides);
  // The log dir exists durably before any log is created in it (the log manager's job).
  await fs.mkdir("/data");
  await fs.syncDirectory("/");
  const report = await loadLog({
    fs,
    clock,
    dir: DIR,
    config,
    recoveryPoint: 0,
    logStartOffset: 0,
    hadCleanShutdown: false,
  });
  return { fs, clock, log: report.log, config };
}

export function reopen(
  test: TestLog,
  options: { hadCleanShutdown: boolean; recoveryPoint?: number; logStartOffset?: number; fs?: FileSystem },
): Promise<LoadReport> {
  return loadLog({
    fs: options.fs ?? test.fs,
    clock: test.clock,
    dir: DIR,
    config: test.config,
    recoveryPoint: options.recoveryPoint ?? 0,
    logStartOffset: options.logStartOffset ?? 0,
    hadCleanShutdown: options.hadCleanShutdown,
  });
}
