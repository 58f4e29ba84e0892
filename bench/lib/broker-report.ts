/**
 * The "broker" section of BENCHMARKS.md: one row per metric with Kafka's
 * figure, Samsa's, the ratio Samsa/Kafka, and the goal it is read against.
 */
import {
  type BenchPlan,
  CONSUME_WORKLOADS,
  LATENCY_ACKS,
  PRODUCE_WORKLOADS,
  type SuiteResult,
  type Workload,
} from "./broker-suite.ts";

export interface ReportInput {
  kafka: SuiteResult;
  samsa: SuiteResult;
  /** Samsa with samsa.fsync.before.acks.all=false (acks=all workloads only). */
  samsaNoFsync: SuiteResult;
  plan: BenchPlan;
  commit: string;
  machine: string;
  software: string;
  loadAverages: string;
  durationMinutes: number;
}

type Direction = "higher" | "lower";

interface Goal {
  /** The bound on Samsa/Kafka, or on Samsa's own figure when absolute. */
  bound: number;
  direction: Direction;
  absolute?: boolean;
  unit?: string;
}

interface Row {
  metric: string;
  kafka: number | undefined;
  samsa: number | undefined;
  digits: number;
  goal?: Goal;
  /** Why there is no Samsa figure. */
  missing?: string;
}

const THROUGHPUT_GOAL: Goal = { bound: 1.25, direction: "higher" };
const CPU_GOAL: Goal = { bound: 0.5, direction: "lower" };
const P99_GOAL: Goal = { bound: 0.5, direction: "lower" };
const RSS_GOAL: Goal = { bound: 0.25, direction: "lower" };
const START_GOAL: Goal = { bound: 150, direction: "lower", absolute: true, unit: "ms" };
const NO_FSYNC = "Samsa with `samsa.fsync.before.acks.all=false`";

function describe(workload: Workload): string {
  const partitions = `${workload.partitions} partition${workload.partitions === 1 ? "" : "s"}`;
  return workload.acks === undefined
    ? `${workload.tool}, ${partitions}`
    : `${workload.tool}, acks=${workload.acks}, ${partitions}`;
}

function workloadRows(input: ReportInput, workloads: Workload[], verb: string): Row[] {
  const rows: Row[] = [];
  const pick = (suite: SuiteResult, id: string) => suite.runs.get(id);
  for (const [field, unit, digits, goal] of [
    ["megabytesPerSecond", "MB/s", 1, THROUGHPUT_GOAL],
    ["cpuSecondsPerGiB", "broker CPU s/GiB", 2, CPU_GOAL],
  ] as const) {
    for (const workload of workloads) {
      const kafka = pick(input.kafka, workload.id)?.[field];
      const label = `${verb} ${unit}: ${describe(workload)}`;
      const missing = input.samsa.unsupported.get(workload.id);
      rows.push({
        metric: label,
        kafka,
        samsa: pick(input.samsa, workload.id)?.[field],
        digits,
        goal,
        missing,
      });
      const noFsync = pick(input.samsaNoFsync, workload.id)?.[field];
      if (noFsync !== undefined)
        rows.push({ metric: `${label} (${NO_FSYNC})`, kafka, samsa: noFsync, digits, goal });
    }
  }
  return rows;
}

function latencyRows(input: ReportInput): Row[] {
  const rows: Row[] = [];
  const rate = input.plan.latencyRecordsPerSecond.toLocaleString("en-US");
  for (const [quantile, field, goal] of [
    ["p50", "p50Ms", undefined],
    ["p99", "p99Ms", P99_GOAL],
  ] as const) {
    for (const acks of LATENCY_ACKS) {
      const kafka = input.kafka.latency.get(acks)?.[field];
      const label = `end-to-end latency ${quantile} ms at ${rate} records/s, acks=${acks}`;
      rows.push({ metric: label, kafka, samsa: input.samsa.latency.get(acks)?.[field], digits: 2, goal });
      const noFsync = input.samsaNoFsync.latency.get(acks)?.[field];
      if (noFsync !== undefined)
        rows.push({ metric: `${label} (${NO_FSYNC})`, kafka, samsa: noFsync, digits: 2, goal });
    }
  }
  return rows;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function processRows(input: ReportInput): Row[] {
  const mib = (bytes: number | null): number | undefined => (bytes === null ? undefined : bytes / 1024 ** 2);
  const starts = input.plan.starts;
  return [
    {
      metric: "broker peak RSS MiB (VmHWM)",
      kafka: mib(input.kafka.peakRssBytes),
      samsa: mib(input.samsa.peakRssBytes),
      digits: 0,
      goal: RSS_GOAL,
    },
    {
      metric: `start to first accepted connection ms (median of ${starts})`,
      kafka: median(input.kafka.connectMs),
      samsa: median(input.samsa.connectMs),
      digits: 0,
      goal: START_GOAL,
    },
    {
      metric: `start to Metadata listing the broker ms (median of ${starts})`,
      kafka: median(input.kafka.readyMs),
      samsa: median(input.samsa.readyMs),
      digits: 0,
    },
  ];
}

function format(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

function renderRow(row: Row): string {
  const ratio = row.kafka !== undefined && row.samsa !== undefined ? row.samsa / row.kafka : undefined;
  let goal = "–";
  let met = "";
  if (row.goal !== undefined) {
    const sign = row.goal.direction === "higher" ? "≥" : "≤";
    goal = row.goal.absolute
      ? `${sign} ${row.goal.bound} ${row.goal.unit ?? ""}`.trim()
      : `${sign} ${row.goal.bound}×`;
    const subject = row.goal.absolute ? row.samsa : ratio;
    if (subject !== undefined) {
      met = (row.goal.direction === "higher" ? subject >= row.goal.bound : subject <= row.goal.bound)
        ? "yes"
        : "no";
    }
  }
  const samsa =
    row.samsa === undefined && row.missing !== undefined
      ? `n/a (${row.missing})`
      : format(row.samsa, row.digits);
  return `| ${row.metric} | ${format(row.kafka, row.digits)} | ${samsa} | ${format(ratio, 2)} | ${goal} | ${met} |`;
}

export function renderBrokerSection(input: ReportInput): string {
  const plan = input.plan;
  const rows = [
    ...workloadRows(input, PRODUCE_WORKLOADS, "produce"),
    ...workloadRows(input, CONSUME_WORKLOADS, "consume"),
    ...latencyRows(input),
    ...processRows(input),
  ];
  const records = plan.records.toLocaleString("en-US");
  const groupNote = input.samsa.unsupported.has("cperf-p6") ? "; Samsa serves no consumer groups yet" : "";
  return [
    "## Broker (`npm run bench`)",
    "",
    "Apache Kafka 4.4.0 (KRaft, one node, loopback) and Samsa, started one at a time on fresh data directories",
    "on the same machine, face identical workloads with 100-byte record values and no keys. Kafka runs with the",
    "JVM flags of its stock scripts (`-Xmx1G -Xms1G`, G1 and the rest of `kafka-run-class.sh`); Samsa runs from",
    "`dist/` with its defaults, which fsync before acknowledging acks=all; the rows marked",
    `"${NO_FSYNC}" come from a second Samsa instance that, like Kafka, leaves flushing to the OS.`,
    "",
    `- Producers: Kafka's \`ProducerPerformance\` (${records} records per run at full speed, producer defaults but acks,`,
    `  steady-state figure without the first ${plan.producerWarmupRecords.toLocaleString("en-US")}) and \`kcat -P\` (${records} records, librdkafka defaults, timed from`,
    "  start to exit). Every run writes a new topic.",
    "- Consumers read the acks=1 topics from the beginning: a Java `KafkaConsumer` with assigned partitions, configured",
    "  as `ConsumerPerformance` configures its own (`bench/java/BrokerBench.java`), `kcat -C`, and `ConsumerPerformance`",
    `  itself, which subscribes through a consumer group (its fetch rate, without joining)${groupNote}.`,
    `- End-to-end latency: one producer at a fixed ${plan.latencyRecordsPerSecond.toLocaleString("en-US")} records/s (linger.ms=0) stamps each value with`,
    "  `System.nanoTime()`, a consumer in the same JVM (assigned, long-polling with the default fetch wait)",
    `  records now − stamp; ${plan.latencyMeasureSeconds} s measured after ${plan.latencyWarmupSeconds} s of warm-up, one partition.`,
    "- Broker CPU is utime + stime from `/proc/<pid>/stat` (all threads) across a whole client run, per GiB of",
    "  record values moved; RSS is `VmHWM` after every workload; start time runs from `spawn()` to the first",
    "  accepted TCP connection (polled every 1 ms) and to the first Metadata response that lists the broker.",
    "  Kafka's storage is formatted before its clock starts.",
    "- Goals are on Samsa/Kafka (start time: on Samsa's own figure). A JVM client shares the 2 cores with the",
    "  broker, so throughput is partly a measure of how much CPU each broker leaves to its clients.",
    "",
    `Commit ${input.commit}; ${input.machine}; ${input.software}.`,
    `Load average (1 min) when each broker's suite began: ${input.loadAverages}. The whole run took ${input.durationMinutes.toFixed(1)} min.`,
    "",
    "| metric | Kafka | Samsa | Samsa/Kafka | goal | met |",
    "| --- | ---: | ---: | ---: | ---: | :---: |",
    ...rows.map(renderRow),
  ].join("\n");
}
