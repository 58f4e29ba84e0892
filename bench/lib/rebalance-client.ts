/**
 * Runs bench/java/RebalanceBench.java (compiled once, outside any timed
 * region) in a JVM of its own per measurement, and turns its JSON lines into
 * figures, or into the reason it failed: an error line, a crash or a time-out
 * all end as a failed outcome, so that one protocol a broker cannot serve
 * never stops the rest of the benchmark.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { kafkaClasspath } from "../../tools/kafka/kafka-libs.ts";
import { KAFKA_JVM_PERFORMANCE_OPTS } from "./brokers.ts";

const SOURCE = path.join(import.meta.dirname, "../java/RebalanceBench.java");
/** As the other Java clients of the benchmark (kafka-*-perf-test.sh's heap). */
const HEAP_OPTS = ["-Xmx512M"];
/** JVM start, consumer construction and closing, on top of the stabilisations themselves. */
const PROCESS_SLACK_MS = 90_000;
const STDERR_TAIL_CHARS = 2_000;

export type GroupProtocol = "classic" | "consumer";

export interface RebalanceRequest {
  bootstrap: string;
  topic: string;
  partitions: number;
  group: string;
  protocol: GroupProtocol;
  /** "default", or a classic assignor's class name for partition.assignment.strategy. */
  assignor: string;
  members: number;
  joins: number;
  /** Longest wait for any one stabilisation. */
  stableTimeoutMs: number;
  /** How long assignments must stay unchanged to count as stable. */
  quietMs: number;
  /** Joins and leaves are spread over this span after stability (one heartbeat interval). */
  phaseSpanMs: number;
}

export interface RebalanceTimes {
  initialMs: number;
  joinMs: number[];
  leaveMs: number[];
  /** Partitions revoked across the group per join. */
  revokedPerJoin: number[];
  /** As the broker describes the group at the end, after the last leave; null when it could not. */
  assignor: string | null;
  brokerMembers: number | null;
  /** Why the broker could not describe the group, if it could not. */
  describeError: string | null;
}

export type RebalanceOutcome = { ok: true; times: RebalanceTimes } | { ok: false; reason: string };

export class RebalanceClient {
  private constructor(private readonly classesDir: string) {}

  static prepare(): RebalanceClient {
    const dir = mkdtempSync(path.join(os.tmpdir(), "samsa-bench-rebalance-"));
    execFileSync("javac", ["-cp", kafkaClasspath(), "-d", dir, SOURCE], { stdio: "inherit" });
    return new RebalanceClient(dir);
  }

  dispose(): void {
    rmSync(this.classesDir, { recursive: true, force: true });
  }

  async run(request: RebalanceRequest): Promise<RebalanceOutcome> {
    const stabilisations = 1 + 2 * request.joins;
    const timeoutMs =
      stabilisations * (request.stableTimeoutMs + request.quietMs + request.phaseSpanMs) + PROCESS_SLACK_MS;
    const { stdout, stderr, exit } = await this.java(request, timeoutMs);
    const events = parseEvents(stdout);
    const error = events.find((event) => event.event === "error");
    if (error !== undefined) return { ok: false, reason: text(error.message) ?? "unknown error" };
    if (exit !== "0") {
      const tail = stderr.slice(-STDERR_TAIL_CHARS).trim();
      return { ok: false, reason: `RebalanceBench ${exit}${tail === "" ? "" : `: ${tail}`}` };
    }
    try {
      return { ok: true, times: collect(events, request.joins) };
    } catch (problem) {
      return { ok: false, reason: `${String(problem)}; output:\n${stdout}` };
    }
  }

  private java(
    request: RebalanceRequest,
    timeoutMs: number,
  ): Promise<{ stdout: string; stderr: string; exit: string }> {
    const classpath = `${this.classesDir}${path.delimiter}${kafkaClasspath()}`;
    const args = [
      ...HEAP_OPTS,
      ...KAFKA_JVM_PERFORMANCE_OPTS,
      "-cp",
      classpath,
      "RebalanceBench",
      request.bootstrap,
      request.topic,
      String(request.partitions),
      request.group,
      request.protocol,
      request.assignor,
      String(request.members),
      String(request.joins),
      String(request.stableTimeoutMs),
      String(request.quietMs),
      String(request.phaseSpanMs),
    ];
    return new Promise((resolve) => {
      const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        // The client logs every failed heartbeat; only the end is worth keeping.
        stderr = (stderr + chunk.toString()).slice(-4 * STDERR_TAIL_CHARS);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.once("error", (error) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, exit: `could not start: ${String(error)}` });
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        const exit = timedOut
          ? `killed after ${Math.round(timeoutMs / 1000)} s`
          : signal !== null
            ? `killed by ${signal}`
            : String(code);
        resolve({ stdout, stderr, exit });
      });
    });
  }
}

type Event = Record<string, unknown>;

function parseEvents(stdout: string): Event[] {
  const events: Event[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === "object" && parsed !== null) events.push(parsed as Event);
  }
  return events;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function milliseconds(event: Event): number {
  const value = event.ms;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new Error(`no time in ${JSON.stringify(event)}`);
  return value;
}

function collect(events: Event[], joins: number): RebalanceTimes {
  const of = (name: string): Event[] => events.filter((event) => event.event === name);
  const initial = of("initial")[0];
  const joined = of("join");
  const left = of("leave");
  if (initial === undefined || joined.length !== joins || left.length !== joins)
    throw new Error(`expected 1 initial, ${joins} join and ${joins} leave lines`);
  const describe = of("describe")[0];
  const members = describe?.brokerMembers;
  return {
    initialMs: milliseconds(initial),
    joinMs: joined.map(milliseconds),
    leaveMs: left.map(milliseconds),
    revokedPerJoin: joined.map((event) => (typeof event.revoked === "number" ? event.revoked : Number.NaN)),
    assignor: text(describe?.assignor),
    brokerMembers: typeof members === "number" ? members : null,
    describeError: describe === undefined ? "no describe line" : text(describe.error),
  };
}
