/**
 * A real Samsa broker in its own process, on a free loopback port with a
 * fresh data directory: what the integration and interop tiers talk to.
 * Readiness is the broker's own "broker started" log line (which carries the
 * port it bound), never a sleep.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const ROOT = join(import.meta.dirname, "../..");
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

export interface SamsaProcess {
  readonly host: string;
  readonly port: number;
  readonly bootstrap: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Every log line so far (JSON objects from pino). */
  readonly logs: Record<string, unknown>[];
  /** SIGTERM, wait for exit; the data directory stays for a restart. */
  stop(): Promise<number | null>;
  /** SIGKILL, wait for exit. */
  kill(): Promise<void>;
  /** Stop (if running) and remove the data directory. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  overrides?: Record<string, string>;
  /** Reuse a port (for restarts, so clients reconnect to the same address). */
  port?: number;
  env?: Record<string, string>;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`broker ${child.pid} did not exit within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export async function startSamsa(options: StartOptions = {}): Promise<SamsaProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "samsa-it-"));
  const overrides: Record<string, string> = {
    listeners: `PLAINTEXT://127.0.0.1:${options.port ?? 0}`,
    "log.dirs": dataDir,
    ...options.overrides,
  };
  const args = ["--import", "tsx", join(ROOT, "tools/samsa-dev.ts"), "broker", "start"];
  for (const [key, value] of Object.entries(overrides)) args.push("--override", `${key}=${value}`);
  // SAMSA_* variables are broker configuration; the test run's own (seeds, run counts) must not leak in.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("SAMSA_")),
  );
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...inherited, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`broker did not start within ${START_TIMEOUT_MS} ms\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { msg: line };
      }
      logs.push(entry);
      if (entry.msg === "broker started" && typeof entry.port === "number") {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before starting\n${stderr}`));
    });
  });
  const pid = child.pid as number;
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill("SIGTERM");
    return waitForExit(child, STOP_TIMEOUT_MS);
  };
  return {
    host: "127.0.0.1",
    port,
    bootstrap: `127.0.0.1:${port}`,
    dataDir,
    pid,
    logs,
    stop,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await waitForExit(child, STOP_TIMEOUT_MS);
    },
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
