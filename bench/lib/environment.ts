/**
 * The lines a benchmark section opens with, so that figures can be traced to
 * the code, machine and runtimes that produced them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";

const ROOT = path.join(import.meta.dirname, "../..");

export function describeCommit(): string {
  return execFileSync("git", ["describe", "--always", "--dirty", "--abbrev=7"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

export function describeMachine(): string {
  const cpus = os.cpus();
  const memoryGiB = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${memoryGiB} GiB RAM, Linux ${os.release()}`;
}

export function describeRuntimes(): string {
  // `java -version` writes to stderr.
  const javaVersion = spawnSync("java", ["-version"], { encoding: "utf8" }).stderr.split("\n")[0]?.trim();
  return `Node ${process.version}, ${javaVersion ?? "java"}`;
}

/** The 1-minute load average, as the sections quote it. */
export function loadAverage(): string {
  return os.loadavg()[0]?.toFixed(1) ?? "?";
}
