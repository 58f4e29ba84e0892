/**
 * The Java side of the interop tier: test/interop/java, a Maven project over
 * Apache Kafka's Java client 4.4.0. Built once (`mvn -q -B package`, skipped
 * while the jar is newer than its sources) and then run as
 *  - a long-lived `serve` process per test file: one JSON request per line in,
 *    one JSON answer per line out, so a test pays for one JVM start, not one
 *    per operation;
 *  - a `load` process: a producer streaming records until its stdin closes,
 *    printing one line per acknowledgement (restart and crash tests).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fastJvmArgs } from "../../../tools/kafka/kafka-cli.ts";
import { deadline, waitFor } from "./wait.ts";

const PROJECT = path.join(import.meta.dirname, "../java");
const TARGET = path.join(PROJECT, "target");
const JAR = path.join(TARGET, "interop-harness.jar");
const LIB = path.join(TARGET, "lib");
const LOCK = path.join(PROJECT, ".build-lock");
const BUILD_TIMEOUT_MS = 600_000;
const START_TIMEOUT_MS = 60_000;

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = statSync(file);
    newest = Math.max(newest, stat.isDirectory() ? newestSourceMs(file) : stat.mtimeMs);
  }
  return newest;
}

function isBuilt(): boolean {
  if (!existsSync(JAR) || !existsSync(LIB)) return false;
  const sourcesMs = Math.max(
    statSync(path.join(PROJECT, "pom.xml")).mtimeMs,
    newestSourceMs(path.join(PROJECT, "src")),
  );
  return statSync(JAR).mtimeMs >= sourcesMs;
}

function lockHolderAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(LOCK, "pid"), "utf8"));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the harness unless it is current. Test files may run in parallel, so
 * one builds under a lock directory while the others wait for it.
 */
export async function buildJavaHarness(): Promise<void> {
  if (isBuilt()) return;
  const until = deadline(BUILD_TIMEOUT_MS);
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!lockHolderAlive()) rmSync(LOCK, { recursive: true, force: true });
      else
        await waitFor(() => !existsSync(LOCK), {
          until,
          what: "another build of the Java harness",
          pollMs: 250,
        });
      if (isBuilt()) return;
    }
  }
  try {
    writeFileSync(path.join(LOCK, "pid"), String(process.pid));
    if (isBuilt()) return;
    // Stale jars from an older dependency set must not stay on the classpath.
    rmSync(LIB, { recursive: true, force: true });
    const result = spawnSync("mvn", ["-q", "-B", "package"], {
      cwd: PROJECT,
      encoding: "utf8",
      timeout: BUILD_TIMEOUT_MS,
    });
    if (result.status !== 0) {
      throw new Error(
        `mvn package failed (${result.status ?? result.signal})\n${result.stdout}\n${result.stderr}`,
      );
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** One JSON line from the harness; anything else on stdout (none is expected) is kept for failure messages. */
function parseLine<T>(line: string): T | null {
  if (!line.startsWith("{")) return null;
  try {
    return JSON.parse(line) as T;
  } catch {
    return null;
  }
}

function javaArgs(mode: string, bootstrap: string, extra: string[]): string[] {
  return [
    ...fastJvmArgs,
    "-cp",
    `${JAR}${path.delimiter}${path.join(LIB, "*")}`,
    "dev.samsa.interop.Harness",
    mode,
    bootstrap,
    ...extra,
  ];
}

export interface HarnessError {
  type: string;
  message: string;
}

export class HarnessRequestError extends Error {
  constructor(
    readonly op: string,
    readonly error: HarnessError,
  ) {
    super(`${op} failed: ${error.type}: ${error.message}`);
  }
}

/** A line an operation prints before its answer: {"id", "event", ...}. */
export interface HarnessEvent {
  id: number;
  event: string;
  [field: string]: unknown;
}

interface Answer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: HarnessError;
}

/** A Java client process answering requests: see Harness.java for the operations. */
export class JavaHarness {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  private readonly eventListeners = new Map<number, (event: HarnessEvent) => void>();
  private stderr = "";
  private exited: Error | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  static async start(bootstrap: string): Promise<JavaHarness> {
    await buildJavaHarness();
    const child = spawn("java", javaArgs("serve", bootstrap, []), { stdio: ["pipe", "pipe", "pipe"] });
    const harness = new JavaHarness(child);
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      harness.stderr = (harness.stderr + text).slice(-20_000);
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`harness not ready in ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout }).on("line", (line) => {
        const message = parseLine<Answer & { ready?: boolean }>(line);
        if (message === null) {
          harness.stderr += `(stdout) ${line}\n`;
          return;
        }
        if (message.ready === true) {
          clearTimeout(timer);
          resolve();
          return;
        }
        if (typeof (message as { event?: unknown }).event === "string") {
          harness.eventListeners.get(message.id)?.(message as unknown as HarnessEvent);
          return;
        }
        const waiter = harness.waiting.get(message.id);
        harness.waiting.delete(message.id);
        waiter?.resolve(message);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        harness.exited = new Error(`harness exited (${code ?? signal})\n${harness.stderr}`);
        for (const waiter of harness.waiting.values()) waiter.reject(harness.exited);
        harness.waiting.clear();
        reject(harness.exited);
      });
    });
    ready.catch(() => undefined);
    await ready;
    return harness;
  }

  /**
   * Sends one request; resolves with its result, rejects with HarnessRequestError when it failed as a whole.
   * Events the operation reports before answering (groupConsume's assignments) go to `onEvent`.
   */
  async request<T>(
    op: string,
    body: Record<string, unknown> = {},
    onEvent?: (event: HarnessEvent) => void,
  ): Promise<T> {
    if (this.exited !== null) throw this.exited;
    const id = this.nextId++;
    if (onEvent !== undefined) this.eventListeners.set(id, onEvent);
    const answer = await new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, op, ...body })}\n`);
    }).finally(() => this.eventListeners.delete(id));
    if (!answer.ok) throw new HarnessRequestError(op, answer.error ?? { type: "unknown", message: "" });
    return answer.result as T;
  }

  /** The client's recent warnings and errors, for failure messages. */
  get log(): string {
    return this.stderr;
  }

  async close(): Promise<void> {
    if (this.exited !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 30_000);
    await gone;
    clearTimeout(timer);
  }
}

export interface LoadConfig {
  topic: string;
  partitions: number;
  keyPrefix: string;
  valueBytes?: number;
  window?: number;
  maxRecords?: number;
  producer: ProducerConfig;
}

export interface ProducerConfig {
  acks?: "0" | "1" | "all";
  compression?: Codec;
  idempotence?: boolean;
  lingerMs?: number;
  batchSize?: number;
  deliveryTimeoutMs?: number;
  props?: Record<string, string | number | boolean>;
}

export type Codec = "none" | "gzip" | "snappy" | "lz4" | "zstd";
export const codecs: readonly Codec[] = ["none", "gzip", "snappy", "lz4", "zstd"];

export interface LoadAck {
  seq: number;
  key: string;
  partition: number;
  offset: number;
}

export interface LoadSummary {
  sent: number;
  acked: number;
  failed: number;
  acks: LoadAck[];
  errors: { seq: number; key: string; error: HarnessError }[];
}

/** The value the load producer sends with a key: "key|" repeated to valueBytes bytes (see Load.java). */
export function loadValue(key: string, valueBytes: number): Buffer {
  return Buffer.from(`${key}|`.repeat(Math.ceil(valueBytes / (key.length + 1))).slice(0, valueBytes));
}

/** A producer under load, sending until finish() closes its stdin. */
export class LoadProducer {
  readonly acks: LoadAck[] = [];
  readonly errors: LoadSummary["errors"] = [];
  /** Produce requests the client logged as failed and retried (a dropped connection, a retriable error). */
  retriedRequests = 0;
  private stderr = "";
  private done: { sent: number; acked: number; failed: number } | null = null;
  private exitCode: number | null | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (/Got error produce response .* retrying/.test(line)) this.retriedRequests += 1;
      this.stderr = `${this.stderr}${line}\n`.slice(-20_000);
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const event = parseLine<{ event: string } & Record<string, unknown>>(line);
      if (event === null) {
        this.stderr += `(stdout) ${line}\n`;
        return;
      }
      if (event.event === "ack") this.acks.push(event as unknown as LoadAck);
      else if (event.event === "error") this.errors.push(event as unknown as LoadSummary["errors"][number]);
      else if (event.event === "done")
        this.done = event as unknown as { sent: number; acked: number; failed: number };
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => {
        this.exitCode = code;
        this.notify();
        resolve();
      });
    });
  }

  static async start(bootstrap: string, config: LoadConfig): Promise<LoadProducer> {
    await buildJavaHarness();
    const child = spawn("java", javaArgs("load", bootstrap, [JSON.stringify(config)]), {
      stdio: ["pipe", "pipe", "pipe"],
    });
    return new LoadProducer(child);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves once `count` records in total are acknowledged; rejects on exit or after timeoutMs. */
  waitForAcks(count: number, timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.acks.length >= count, `${count} acknowledgements`, timeoutMs);
  }

  private waitUntil(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (condition()) {
          finish();
          resolve();
        } else if (this.exitCode !== undefined) {
          finish();
          reject(new Error(`load producer exited (${this.exitCode}) before ${what}\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `no ${what} within ${timeoutMs} ms (acks ${this.acks.length}, errors ${this.errors.length})\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Stops sending, waits for every outstanding record to be answered and the process to exit. */
  async finish(timeoutMs = 180_000): Promise<LoadSummary> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    if (this.exitCode !== 0 || this.done === null) {
      throw new Error(
        `load producer exited with ${this.exitCode} (done: ${this.done !== null})\n${this.stderr}`,
      );
    }
    return { ...this.done, acks: this.acks, errors: this.errors };
  }

  /** Ends the process if a test failed before finish(). */
  kill(): void {
    if (this.exitCode === undefined) this.child.kill("SIGKILL");
  }

  get log(): string {
    return this.stderr;
  }
}
