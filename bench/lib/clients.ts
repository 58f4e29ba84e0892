/**
 * The client programs the broker benchmark drives, each in its own process so
 * that neither broker shares a runtime with its load: Kafka's
 * ProducerPerformance and ConsumerPerformance, kcat (librdkafka), and the
 * helpers in bench/java/BrokerBench.java. Every figure is read from what the
 * client itself reports, or timed around a process whose inputs were
 * prepared beforehand.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { kafkaClasspath } from "../../tools/kafka/kafka-libs.ts";
import { KAFKA_JVM_PERFORMANCE_OPTS } from "./brokers.ts";

const execFileAsync = promisify(execFile);
const HELPER_SOURCE = path.join(import.meta.dirname, "../java/BrokerBench.java");
/** kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh set this heap. */
const CLIENT_HEAP_OPTS = ["-Xmx512M"];
const CLIENT_TIMEOUT_MS = 10 * 60_000;

export const RECORD_BYTES = 100;

export interface Throughput {
  records: number;
  bytes: number;
  elapsedMs: number;
}

export interface Latency {
  measured: number;
  expected: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** Compiles the Java helper once (outside any timed region) and removes it on dispose(). */
export class Clients {
  private constructor(
    private readonly classesDir: string,
    private readonly kcatInputs: string,
  ) {}

  static prepare(): Clients {
    const dir = mkdtempSync(path.join(os.tmpdir(), "samsa-bench-clients-"));
    execFileSync("javac", ["-cp", kafkaClasspath(), "-d", dir, HELPER_SOURCE], { stdio: "inherit" });
    return new Clients(dir, dir);
  }

  dispose(): void {
    rmSync(this.classesDir, { recursive: true, force: true });
  }

  private async java(mainClass: string, args: string[]): Promise<string> {
    const classpath = `${this.classesDir}${path.delimiter}${kafkaClasspath()}`;
    const { stdout } = await execFileAsync(
      "java",
      [...CLIENT_HEAP_OPTS, ...KAFKA_JVM_PERFORMANCE_OPTS, "-cp", classpath, mainClass, ...args],
      { timeout: CLIENT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  }

  private async helper<T>(args: string[]): Promise<T> {
    const stdout = await this.java("BrokerBench", args);
    const line = stdout.split("\n").find((text) => text.startsWith("{"));
    if (line === undefined) throw new Error(`BrokerBench ${args[0]} printed no result:\n${stdout}`);
    return JSON.parse(line) as T;
  }

  async createTopics(bootstrap: string, topics: Record<string, number>): Promise<void> {
    const specs = Object.entries(topics).map(([name, partitions]) => `${name}:${partitions}`);
    await this.helper(["create-topics", bootstrap, ...specs]);
  }

  /**
   * Kafka's ProducerPerformance at full speed with 100-byte values and the
   * producer's defaults apart from acks; the figure is its steady-state line,
   * which leaves out the first `warmupRecords` (the client JVM warming up).
   */
  async producerPerformance(options: {
    bootstrap: string;
    topic: string;
    records: number;
    warmupRecords: number;
    acks: string;
  }): Promise<Throughput> {
    const stdout = await this.java("org.apache.kafka.tools.ProducerPerformance", [
      "--topic",
      options.topic,
      "--num-records",
      String(options.records),
      "--record-size",
      String(RECORD_BYTES),
      "--throughput",
      "-1",
      "--warmup-records",
      String(options.warmupRecords),
      "--command-property",
      `bootstrap.servers=${options.bootstrap}`,
      `acks=${options.acks}`,
    ]);
    // "900000 steady state records sent, 61234.5 records/sec (5.84 MB/sec), ..."
    const match = /^(\d+) steady state records sent, ([\d.]+) records\/sec/m.exec(stdout);
    if (match === null) throw new Error(`ProducerPerformance printed no steady-state summary:\n${stdout}`);
    const records = Number(match[1]);
    return { records, bytes: records * RECORD_BYTES, elapsedMs: (records / Number(match[2])) * 1000 };
  }

  /** Kafka's ConsumerPerformance, which needs consumer groups; its "fetch" rate leaves out joining. */
  async consumerPerformance(options: {
    bootstrap: string;
    topic: string;
    records: number;
  }): Promise<Throughput> {
    const stdout = await this.java("org.apache.kafka.tools.ConsumerPerformance", [
      "--bootstrap-server",
      options.bootstrap,
      "--topic",
      options.topic,
      "--num-records",
      String(options.records),
      "--group",
      `bench-${options.topic}`,
      "--hide-header",
    ]);
    // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
    // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    const line = stdout.split("\n").find((text) => /^\d{4}-/.test(text));
    const fields = line?.split(",").map((field) => field.trim());
    if (fields === undefined || fields.length < 10)
      throw new Error(`ConsumerPerformance printed:\n${stdout}`);
    const records = Number(fields[4]);
    return { records, bytes: records * RECORD_BYTES, elapsedMs: Number(fields[7]) };
  }

  /** Reads `records` records from the start of every partition, assigned rather than through a group. */
  consume(options: { bootstrap: string; topic: string; records: number }): Promise<Throughput> {
    return this.helper<Throughput>(["consume", options.bootstrap, options.topic, String(options.records)]);
  }

  latency(options: {
    bootstrap: string;
    topic: string;
    acks: string;
    recordsPerSecond: number;
    warmupSeconds: number;
    measureSeconds: number;
  }): Promise<Latency> {
    return this.helper<Latency>([
      "latency",
      options.bootstrap,
      options.topic,
      options.acks,
      String(options.recordsPerSecond),
      String(options.warmupSeconds),
      String(options.measureSeconds),
    ]);
  }

  /** A file of `records` lines, each 100 bytes before its newline, for `kcat -P -l`. */
  kcatInput(records: number): string {
    const file = path.join(this.kcatInputs, `kcat-${records}.txt`);
    const line = `${"k".repeat(RECORD_BYTES)}\n`;
    writeFileSync(file, line.repeat(records));
    return file;
  }

  /** kcat -P with librdkafka's defaults apart from acks; timed from spawn to exit (it flushes first). */
  kcatProduce(options: {
    bootstrap: string;
    topic: string;
    acks: string;
    inputFile: string;
    records: number;
  }) {
    const args = ["-P", "-b", options.bootstrap, "-t", options.topic, "-X", `acks=${options.acks}`];
    return timeProcess("kcat", [...args, "-l", options.inputFile], options.records, () => options.records);
  }

  /**
   * kcat -C from the beginning of every partition until their ends, printing
   * one byte per record (so the count is checked and printing costs nothing).
   */
  kcatConsume(options: { bootstrap: string; topic: string; records: number }): Promise<Throughput> {
    const args = [
      "-C",
      "-b",
      options.bootstrap,
      "-t",
      options.topic,
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "x",
    ];
    return timeProcess("kcat", args, options.records, (stdoutBytes) => stdoutBytes);
  }
}

function timeProcess(
  command: string,
  args: string[],
  expectedRecords: number,
  recordsFrom: (stdoutBytes: number) => number,
): Promise<Throughput> {
  return new Promise((resolve, reject) => {
    const startMs = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdoutBytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), CLIENT_TIMEOUT_MS);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      const elapsedMs = performance.now() - startMs;
      const records = recordsFrom(stdoutBytes);
      if (code !== 0 || records !== expectedRecords) {
        reject(new Error(`${command} ${args.join(" ")}: exit ${code}, ${records} records\n${stderr}`));
        return;
      }
      resolve({ records, bytes: records * RECORD_BYTES, elapsedMs });
    });
  });
}
