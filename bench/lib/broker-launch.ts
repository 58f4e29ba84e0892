/**
 * Starts a broker process (Kafka's JVM or Samsa's Node process) and times its
 * start: from just before spawn() to the first TCP connection the broker
 * accepts, polled every millisecond, and on to the first Metadata response
 * that lists a broker (when clients can use it). Output goes to a file in the
 * broker's own temporary directory, which stop() removes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { probeApiVersions, probeBrokerCount } from "../../tools/kafka/raw-request.ts";

export interface LaunchOptions {
  command: string;
  args: string[];
  host: string;
  port: number;
  /** Removed by stop(); holds the broker's data and output. */
  tempDir: string;
  outputFile: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs: number;
}

export interface LaunchedBroker {
  pid: number;
  bootstrap: string;
  host: string;
  port: number;
  /** From spawn() to the first accepted TCP connection. */
  connectMs: number;
  /** From spawn() to the first Metadata response listing a broker. */
  readyMs: number;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 30_000;
const CONNECT_POLL_MS = 1;

function connectOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function pollUntil(
  attempt: () => Promise<boolean>,
  failure: () => string | null,
  deadlineMs: number,
  pollMs: number,
  what: string,
): Promise<void> {
  while (performance.now() < deadlineMs) {
    const failed = failure();
    if (failed !== null) throw new Error(failed);
    if (await attempt()) return;
    await pause(pollMs);
  }
  throw new Error(`no ${what} before the start deadline`);
}

async function isReady(host: string, port: number): Promise<boolean> {
  try {
    const versions = await probeApiVersions({ host, port, timeoutMs: 2_000 });
    return versions.errorCode === 0 && (await probeBrokerCount({ host, port, timeoutMs: 2_000 })) > 0;
  } catch {
    // Refused or cut off while starting: not ready yet, the caller polls again.
    return false;
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function launchBroker(options: LaunchOptions): Promise<LaunchedBroker> {
  const { host, port } = options;
  const outputFd = openSync(options.outputFile, "a");
  const startMs = performance.now();
  const child = spawn(options.command, options.args, {
    stdio: ["ignore", outputFd, outputFd],
    env: options.env ?? process.env,
  });
  closeSync(outputFd);
  let spawnError: Error | null = null;
  child.once("error", (error) => {
    spawnError = error;
  });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  // Never leave a broker behind if this process dies first; only the child we spawned, by pid.
  const killOnExit = (): void => {
    if (running() && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  };
  process.once("exit", killOnExit);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener("exit", killOnExit);
      if (running() && child.pid !== undefined) {
        child.kill("SIGTERM");
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          child.kill("SIGKILL");
          await waitForExit(child, 10_000);
        }
      }
      rmSync(options.tempDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const failure = (): string | null => {
    if (spawnError !== null) return `could not start ${options.command}: ${String(spawnError)}`;
    return running()
      ? null
      : `broker exited during start (code ${child.exitCode}, signal ${child.signalCode})`;
  };
  try {
    const deadlineMs = startMs + options.startTimeoutMs;
    await pollUntil(
      () => connectOnce(host, port),
      failure,
      deadlineMs,
      CONNECT_POLL_MS,
      "accepted connection",
    );
    const connectMs = performance.now() - startMs;
    await pollUntil(() => isReady(host, port), failure, deadlineMs, 5, "Metadata listing a broker");
    const readyMs = performance.now() - startMs;
    if (child.pid === undefined) throw new Error("broker process has no pid");
    return { pid: child.pid, bootstrap: `${host}:${port}`, host, port, connectMs, readyMs, stop };
  } catch (error) {
    const tail = readTail(options.outputFile);
    await stop();
    throw new Error(`${String(error)}\n--- ${options.command} output (tail) ---\n${tail}`);
  }
}

function readTail(file: string, maxBytes = 4_000): string {
  try {
    return readFileSync(file, "utf8").slice(-maxBytes);
  } catch {
    return "(no output)";
  }
}
