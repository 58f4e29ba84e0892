/**
 * One broker's part of the broker benchmark: start it a few times to time its
 * start, then on one fresh instance warm it up and run every workload in
 * turn, reading the broker's CPU time around each one and its peak RSS at
 * the end. Kafka and Samsa run exactly the same suite.
 */
import { sendRawRequest } from "../../tools/kafka/raw-request.ts";
import type { LaunchedBroker } from "./broker-launch.ts";
import type { BrokerStarter } from "./brokers.ts";
import { type Clients, type Latency, RECORD_BYTES, type Throughput } from "./clients.ts";
import { peakRssBytes, withCpu } from "./proc-stats.ts";

export interface BenchPlan {
  /** Records per producer run (ProducerPerformance and kcat). */
  records: number;
  /** Records of each ProducerPerformance run left out of its steady-state figure. */
  producerWarmupRecords: number;
  /** Records produced and consumed once on each fresh broker before anything is measured. */
  brokerWarmupRecords: number;
  latencyRecordsPerSecond: number;
  latencyWarmupSeconds: number;
  latencyMeasureSeconds: number;
  /** Fresh starts timed per broker (the measured instance is the last of them). */
  starts: number;
  startTimeoutMs: number;
  kcatInputFile: string;
}

export type Tool =
  | "ProducerPerformance"
  | "kcat -P"
  | "assigned consumer"
  | "kcat -C"
  | "ConsumerPerformance";

export interface Workload {
  id: string;
  tool: Tool;
  partitions: number;
  acks?: string;
  /** For consumers: the producer workload whose topic they read. */
  reads?: string;
}

export const PRODUCE_WORKLOADS: Workload[] = [
  { id: "pp-acks1-p1", tool: "ProducerPerformance", partitions: 1, acks: "1" },
  { id: "pp-acks1-p6", tool: "ProducerPerformance", partitions: 6, acks: "1" },
  { id: "pp-acksall-p1", tool: "ProducerPerformance", partitions: 1, acks: "all" },
  { id: "pp-acksall-p6", tool: "ProducerPerformance", partitions: 6, acks: "all" },
  { id: "kcat-acks1-p6", tool: "kcat -P", partitions: 6, acks: "1" },
  { id: "kcat-acksall-p6", tool: "kcat -P", partitions: 6, acks: "all" },
];

export const CONSUME_WORKLOADS: Workload[] = [
  { id: "consumer-p1", tool: "assigned consumer", partitions: 1, reads: "pp-acks1-p1" },
  { id: "consumer-p6", tool: "assigned consumer", partitions: 6, reads: "pp-acks1-p6" },
  { id: "kcat-consume-p6", tool: "kcat -C", partitions: 6, reads: "pp-acks1-p6" },
  { id: "cperf-p6", tool: "ConsumerPerformance", partitions: 6, reads: "pp-acks1-p6" },
];

export const LATENCY_ACKS = ["1", "all"];

export interface RunResult {
  megabytesPerSecond: number;
  /** Broker CPU seconds (user + system, all threads) per GiB of record values moved. */
  cpuSecondsPerGiB: number;
}

export interface SuiteResult {
  label: string;
  runs: Map<string, RunResult>;
  /** Workloads the broker cannot serve, with the reason. */
  unsupported: Map<string, string>;
  latency: Map<string, Latency>;
  connectMs: number[];
  readyMs: number[];
  peakRssBytes: number | null;
}

export interface SuiteScope {
  /** Only the acks=all workloads, no consumers and no start timing (the extra Samsa configuration). */
  acksAllOnly: boolean;
}

const GIB = 1024 ** 3;
// FindCoordinator, JoinGroup, Heartbeat, SyncGroup: what a classic group member needs.
const GROUP_API_KEYS = [10, 11, 12, 14];

export async function runSuite(
  starter: BrokerStarter,
  clients: Clients,
  plan: BenchPlan,
  scope: SuiteScope,
): Promise<SuiteResult> {
  const result: SuiteResult = {
    label: starter.label,
    runs: new Map(),
    unsupported: new Map(),
    latency: new Map(),
    connectMs: [],
    readyMs: [],
    peakRssBytes: null,
  };
  const timedStarts = scope.acksAllOnly ? 1 : plan.starts;
  for (let i = 1; i < timedStarts; i++) {
    const broker = await starter.start();
    result.connectMs.push(broker.connectMs);
    result.readyMs.push(broker.readyMs);
    await broker.stop();
  }
  const broker = await starter.start();
  result.connectMs.push(broker.connectMs);
  result.readyMs.push(broker.readyMs);
  log(`${starter.label}: pid ${broker.pid} on ${broker.bootstrap}, up in ${broker.connectMs.toFixed(0)} ms`);
  try {
    await runWorkloads(broker, clients, plan, scope, result);
    result.peakRssBytes = peakRssBytes(broker.pid);
  } finally {
    await broker.stop();
  }
  return result;
}

async function runWorkloads(
  broker: LaunchedBroker,
  clients: Clients,
  plan: BenchPlan,
  scope: SuiteScope,
  result: SuiteResult,
): Promise<void> {
  const produce = PRODUCE_WORKLOADS.filter((w) => !scope.acksAllOnly || w.acks === "all");
  const latencyAcks = LATENCY_ACKS.filter((acks) => !scope.acksAllOnly || acks === "all");
  const topics: Record<string, number> = { warmup: 6 };
  for (const workload of produce) topics[workload.id] = workload.partitions;
  for (const acks of latencyAcks) topics[latencyTopic(acks)] = 1;
  await clients.createTopics(broker.bootstrap, topics);
  // Warm the broker up (JIT, allocator, page cache) with both directions of traffic; not measured.
  const bootstrap = broker.bootstrap;
  const warmup = { bootstrap, topic: "warmup", records: plan.brokerWarmupRecords };
  await clients.producerPerformance({ ...warmup, acks: "1", warmupRecords: Math.floor(warmup.records / 10) });
  await clients.consume(warmup);
  for (const workload of produce) {
    const run = (): Promise<Throughput> => produceRun(clients, plan, bootstrap, workload);
    result.runs.set(workload.id, await measuredRun(broker.pid, plan.records, run));
    log(`${result.label}: ${workload.id} ${summary(result.runs.get(workload.id))}`);
  }
  if (!scope.acksAllOnly) {
    const groups = await supportsApiKeys(broker, GROUP_API_KEYS);
    for (const workload of CONSUME_WORKLOADS) {
      if (workload.tool === "ConsumerPerformance" && !groups) {
        result.unsupported.set(workload.id, "needs consumer groups");
        continue;
      }
      const run = (): Promise<Throughput> => consumeRun(clients, plan, bootstrap, workload);
      result.runs.set(workload.id, await measuredRun(broker.pid, plan.records, run));
      log(`${result.label}: ${workload.id} ${summary(result.runs.get(workload.id))}`);
    }
  }
  for (const acks of latencyAcks) {
    const latency = await clients.latency({
      bootstrap,
      topic: latencyTopic(acks),
      acks,
      recordsPerSecond: plan.latencyRecordsPerSecond,
      warmupSeconds: plan.latencyWarmupSeconds,
      measureSeconds: plan.latencyMeasureSeconds,
    });
    if (latency.measured !== latency.expected || latency.failures > 0) {
      throw new Error(`${result.label}: latency run acks=${acks} lost records: ${JSON.stringify(latency)}`);
    }
    result.latency.set(acks, latency);
    log(`${result.label}: e2e acks=${acks} p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms`);
  }
}

export function latencyTopic(acks: string): string {
  return `e2e-acks${acks}`;
}

/** Throughput as the client reports it; CPU over the whole client run, per GiB of all its records. */
async function measuredRun(pid: number, records: number, run: () => Promise<Throughput>): Promise<RunResult> {
  const { result, cpuSeconds } = await withCpu(pid, run);
  return {
    megabytesPerSecond: result.bytes / 1e6 / (result.elapsedMs / 1000),
    cpuSecondsPerGiB: cpuSeconds / ((records * RECORD_BYTES) / GIB),
  };
}

function produceRun(
  clients: Clients,
  plan: BenchPlan,
  bootstrap: string,
  workload: Workload,
): Promise<Throughput> {
  const acks = workload.acks ?? "1";
  if (workload.tool === "kcat -P") {
    return clients.kcatProduce({
      bootstrap,
      topic: workload.id,
      acks,
      inputFile: plan.kcatInputFile,
      records: plan.records,
    });
  }
  return clients.producerPerformance({
    bootstrap,
    topic: workload.id,
    records: plan.records,
    warmupRecords: plan.producerWarmupRecords,
    acks,
  });
}

function consumeRun(
  clients: Clients,
  plan: BenchPlan,
  bootstrap: string,
  workload: Workload,
): Promise<Throughput> {
  const options = { bootstrap, topic: workload.reads ?? "", records: plan.records };
  switch (workload.tool) {
    case "kcat -C":
      return clients.kcatConsume(options);
    case "ConsumerPerformance":
      return clients.consumerPerformance(options);
    default:
      return clients.consume(options);
  }
}

/** Whether ApiVersions (v0, which every broker answers) lists every one of these keys. */
async function supportsApiKeys(broker: LaunchedBroker, keys: number[]): Promise<boolean> {
  const frame = await sendRawRequest({
    host: broker.host,
    port: broker.port,
    timeoutMs: 5_000,
    apiKey: 18,
    apiVersion: 0,
    correlationId: 1,
    clientId: "samsa-bench",
    body: Buffer.alloc(0),
  });
  // correlationId int32, errorCode int16, count int32, then (apiKey, min, max) int16 triples.
  const count = frame.readInt32BE(6);
  const listed = new Set<number>();
  for (let i = 0; i < count; i++) listed.add(frame.readInt16BE(10 + i * 6));
  return keys.every((key) => listed.has(key));
}

function summary(run: RunResult | undefined): string {
  if (run === undefined) return "";
  return `${run.megabytesPerSecond.toFixed(1)} MB/s, ${run.cpuSecondsPerGiB.toFixed(2)} CPU s/GiB`;
}

export function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}
