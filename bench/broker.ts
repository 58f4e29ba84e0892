/**
 * Broker benchmark: Apache Kafka 4.4.0 and Samsa, one after the other on the
 * same machine, under identical workloads driven by Kafka's own performance
 * tools, kcat and a Java helper (see bench/lib/broker-suite.ts for the list).
 * Writes the "broker" section of BENCHMARKS.md.
 *
 *   npm run bench                      # builds dist/ first, then runs everything
 *   npm run bench -- --records 500000  # smaller producer runs
 *
 * Options (each also read from the environment variable in brackets):
 *   --records N          records per producer run [BENCH_RECORDS] (default 1,000,000)
 *   --latency-seconds N  measured seconds of the latency runs [BENCH_LATENCY_SECONDS] (default 20)
 *   --latency-rate N     records/s of the latency runs [BENCH_LATENCY_RATE] (default 10,000)
 *   --starts N           timed starts per broker [BENCH_STARTS] (default 3)
 *   --no-write           print the section instead of writing BENCHMARKS.md [BENCH_NO_WRITE=1]
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeBenchmarkSection } from "./lib/benchmarks-md.ts";
import { renderBrokerSection } from "./lib/broker-report.ts";
import { type BenchPlan, log, runSuite, type SuiteResult } from "./lib/broker-suite.ts";
import { type BrokerStarter, kafkaStarter, samsaStarter } from "./lib/brokers.ts";
import { Clients } from "./lib/clients.ts";
import { describeMachine, describeRuntimes } from "./lib/environment.ts";

const ROOT = path.join(import.meta.dirname, "..");

function positiveInteger(name: string, flag: string | undefined, envName: string, fallback: number): number {
  const text = flag ?? process.env[envName];
  if (text === undefined || text === "") return fallback;
  const value = Number(text.replaceAll("_", ""));
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got '${text}'`);
  return value;
}

function readOptions(): { plan: Omit<BenchPlan, "kcatInputFile">; write: boolean } {
  const { values } = parseArgs({
    options: {
      records: { type: "string" },
      "latency-seconds": { type: "string" },
      "latency-rate": { type: "string" },
      starts: { type: "string" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const records = positiveInteger("--records", values.records, "BENCH_RECORDS", 1_000_000);
  const latencyMeasureSeconds = positiveInteger(
    "--latency-seconds",
    values["latency-seconds"],
    "BENCH_LATENCY_SECONDS",
    20,
  );
  return {
    plan: {
      records,
      producerWarmupRecords: Math.floor(records / 10),
      brokerWarmupRecords: Math.max(1, Math.floor(records / 4)),
      latencyRecordsPerSecond: positiveInteger(
        "--latency-rate",
        values["latency-rate"],
        "BENCH_LATENCY_RATE",
        10_000,
      ),
      latencyWarmupSeconds: Math.max(1, Math.ceil(latencyMeasureSeconds / 4)),
      latencyMeasureSeconds,
      starts: positiveInteger("--starts", values.starts, "BENCH_STARTS", 3),
      startTimeoutMs: 120_000,
    },
    write: !(values["no-write"] ?? false) && process.env.BENCH_NO_WRITE !== "1",
  };
}

function commandOutput(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function describeSoftware(): string {
  const kcat = /Version (\S+) .*librdkafka (\S+)/.exec(commandOutput("kcat", ["-V"]));
  const kcatVersion = kcat === null ? "kcat" : `kcat ${kcat[1]} (librdkafka ${kcat[2]})`;
  return `${describeRuntimes()}, ${kcatVersion}`;
}

async function suite(
  starter: BrokerStarter,
  clients: Clients,
  plan: BenchPlan,
  acksAllOnly: boolean,
  loads: string[],
): Promise<SuiteResult> {
  loads.push(`${starter.label} ${os.loadavg()[0]?.toFixed(1)}`);
  log(`${starter.label}: starting`);
  return runSuite(starter, clients, plan, { acksAllOnly });
}

async function main(): Promise<void> {
  const startedMs = performance.now();
  const { plan: options, write } = readOptions();
  if (!existsSync(path.join(ROOT, "dist/cli/main.js")))
    throw new Error("dist/ is missing: run `npm run build` first");
  const clients = Clients.prepare();
  try {
    const plan: BenchPlan = { ...options, kcatInputFile: clients.kcatInput(options.records) };
    log(`plan: ${JSON.stringify(plan)}`);
    const loads: string[] = [];
    const timeout = plan.startTimeoutMs;
    const kafka = await suite(kafkaStarter(timeout), clients, plan, false, loads);
    const samsa = await suite(samsaStarter("Samsa", {}, timeout), clients, plan, false, loads);
    const noFsyncOverrides = { "samsa.fsync.before.acks.all": "false" };
    const noFsyncStarter = samsaStarter("Samsa (fsync.before.acks.all=false)", noFsyncOverrides, timeout);
    const samsaNoFsync = await suite(noFsyncStarter, clients, plan, true, loads);
    const section = renderBrokerSection({
      kafka,
      samsa,
      samsaNoFsync,
      plan,
      commit: commandOutput("git", ["describe", "--always", "--dirty", "--abbrev=7"]).trim(),
      machine: describeMachine(),
      software: describeSoftware(),
      loadAverages: loads.join(", "),
      durationMinutes: (performance.now() - startedMs) / 60_000,
    });
    console.log(`\n${section}\n`);
    if (write) {
      writeBenchmarkSection("broker", section);
      log("wrote the broker section of BENCHMARKS.md");
    }
  } finally {
    clients.dispose();
  }
}

await main();
