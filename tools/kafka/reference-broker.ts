// Apache Kafka 4.4.0 as a reference broker: one KRaft node (broker and
// controller in one JVM) on a free loopback port with a fresh data directory.
// Interop tests, benchmarks and the golden-bytes capture all start it here, so
// they compare Samsa against the same configuration.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  log4j2Properties,
  type PropertyValue,
  randomClusterId,
  renderProperties,
  serverProperties,
} from "./broker-config.ts";
import { freePort } from "./free-port.ts";
import { kafkaClasspath } from "./kafka-libs.ts";
import { probeApiVersions, probeBrokerCount } from "./raw-request.ts";

export interface ReferenceBrokerOptions {
  /** The listener port; a free one when omitted. */
  port?: number;
  /** What Metadata tells clients to connect to, e.g. a proxy in front of the broker. */
  advertisedHost?: string;
  advertisedPort?: number;
  /** server.properties entries added to (or overriding) the defaults. */
  serverProperties?: Record<string, PropertyValue>;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  heapMb?: number;
}

export interface ReferenceBroker {
  host: string;
  port: number;
  pid: number;
  /** The broker's own log, kept until stop() removes the temp directory. */
  logFile: string;
  stop(): Promise<void>;
}

const host = "127.0.0.1";
const execFileAsync = promisify(execFile);

export async function startReferenceBroker(options: ReferenceBrokerOptions = {}): Promise<ReferenceBroker> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), "samsa-kafka-"));
  const port = options.port ?? (await freePort(host));
  const controllerPort = await freePort(host);
  const logFile = path.join(tempDir, "server.log");
  const propertiesFile = path.join(tempDir, "server.properties");
  const log4jFile = path.join(tempDir, "log4j2.properties");
  const properties = serverProperties({
    host,
    port,
    controllerPort,
    advertisedHost: options.advertisedHost ?? host,
    advertisedPort: options.advertisedPort ?? port,
    logDir: path.join(tempDir, "data"),
    extra: options.serverProperties ?? {},
  });
  writeFileSync(propertiesFile, renderProperties(properties));
  writeFileSync(log4jFile, log4j2Properties(logFile));
  const jvmArgs = [
    `-Xmx${options.heapMb ?? 1024}m`,
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4jFile}`,
    `-Dkafka.logs.dir=${tempDir}`,
    "-cp",
    kafkaClasspath(),
  ];
  try {
    await execFileAsync(
      "java",
      [...jvmArgs, "kafka.tools.StorageTool", "format", "-t", randomClusterId(), "-c", propertiesFile],
      { timeout: 60_000 },
    );
  } catch (error) {
    rmSync(tempDir, { recursive: true, force: true });
    throw new Error(`formatting Kafka storage failed: ${String(error)}`);
  }
  const consoleFile = path.join(tempDir, "console.out");
  const consoleFd = openSync(consoleFile, "a");
  const child = spawn("java", [...jvmArgs, "kafka.Kafka", propertiesFile], {
    stdio: ["ignore", consoleFd, consoleFd],
  });
  closeSync(consoleFd);
  let spawnError: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (error) => {
      spawnError = error;
      resolve();
    });
  });
  const stop = stopper(child, exited, tempDir, options.stopTimeoutMs ?? 30_000);
  const failure = (): string | null => {
    if (spawnError !== null) return `broker did not start: ${String(spawnError)}`;
    if (child.exitCode === null && child.signalCode === null) return null;
    return `broker exited during start (code ${child.exitCode}, signal ${child.signalCode})`;
  };
  try {
    await waitUntilReady(port, failure, options.startTimeoutMs ?? 90_000);
  } catch (error) {
    const tail = [readTail(consoleFile), readTail(logFile)].join("\n");
    await stop();
    throw new Error(`${String(error)}\n--- broker output (tail) ---\n${tail}`);
  }
  if (child.pid === undefined) throw new Error("broker process has no pid");
  return { host, port, pid: child.pid, logFile, stop };
}

/** Polls until the broker answers ApiVersions and lists itself in Metadata. */
async function waitUntilReady(port: number, failure: () => string | null, timeoutMs: number): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  let lastProblem = "not probed yet";
  while (Date.now() < deadlineMs) {
    const failed = failure();
    if (failed !== null) throw new Error(failed);
    try {
      const versions = await probeApiVersions({ host, port, timeoutMs: 2_000 });
      if (versions.errorCode !== 0) {
        lastProblem = `ApiVersions error code ${versions.errorCode}`;
      } else if ((await probeBrokerCount({ host, port, timeoutMs: 2_000 })) > 0) {
        return;
      } else {
        lastProblem = "Metadata lists no broker yet";
      }
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    // A short poll interval: refused connections fail fast and would spin otherwise.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`broker not ready within ${timeoutMs} ms: ${lastProblem}`);
}

function stopper(
  child: ChildProcess,
  exited: Promise<void>,
  tempDir: string,
  timeoutMs: number,
): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const waitExit = async (waitMs: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    });
    const result = await Promise.race([exited.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  };
  // Last resort if the owner crashes before calling stop(): never leave a JVM behind.
  const killOnExit = (): void => {
    if (running() && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    rmSync(tempDir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  const stopOnce = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    // Signal only the process we started, by its own pid.
    if (running() && child.pid !== undefined) {
      process.kill(child.pid, "SIGTERM");
      if (!(await waitExit(timeoutMs)) && running()) {
        process.kill(child.pid, "SIGKILL");
        await waitExit(10_000);
      }
    }
    rmSync(tempDir, { recursive: true, force: true });
  };
  return () => {
    stopping ??= stopOnce();
    return stopping;
  };
}

function readTail(file: string, maxBytes = 4_000): string {
  try {
    const text = readFileSync(file, "utf8");
    return text.slice(-maxBytes);
  } catch {
    return `(no ${path.basename(file)})`;
  }
}
