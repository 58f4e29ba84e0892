/**
 * Consumer-group benchmark: how long a group of 10 members on 60 partitions
 * takes to become stable again after an 11th member joins, on Apache Kafka
 * 4.4.0 and on Samsa, one after the other in the same run, with the classic
 * protocol (JoinGroup/SyncGroup) and the consumer protocol (KIP-848). A
 * protocol a broker cannot serve is reported as failed, with the reason.
 * Writes the "groups" section of BENCHMARKS.md.
 *
 *   npm run bench:groups                 # builds dist/ first
 *   npm run bench:groups -- --joins 1    # a quick run
 *
 * Options (each also read from the environment variable in brackets):
 *   --joins N            timed joins (and leaves) per protocol and broker [BENCH_GROUP_JOINS] (default 5)
 *   --variants a,b       only these of classic, classic-cooperative, consumer [BENCH_GROUP_VARIANTS]
 *   --no-write           print the section instead of writing BENCHMARKS.md [BENCH_NO_WRITE=1]
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeBenchmarkSection } from "./lib/benchmarks-md.ts";
import { log } from "./lib/broker-suite.ts";
import { kafkaStarter, samsaStarter } from "./lib/brokers.ts";
import { Clients } from "./lib/clients.ts";
import { describeCommit, describeMachine, describeRuntimes, loadAverage } from "./lib/environment.ts";
import { renderGroupsSection } from "./lib/groups-report.ts";
import { GROUP_VARIANTS, type GroupPlan, runGroupSuite } from "./lib/groups-suite.ts";
import { RebalanceClient } from "./lib/rebalance-client.ts";

const ROOT = path.join(import.meta.dirname, "..");
/**
 * Given to both brokers. Kafka's reference configuration already sets the delay to 0
 * (Samsa's default is Kafka's 3 s); without it every fresh group would wait it out.
 */
const BROKER_GROUP_SETTINGS = { "group.initial.rebalance.delay.ms": "0" };

function readOptions(): { plan: GroupPlan; write: boolean } {
  const { values } = parseArgs({
    options: {
      joins: { type: "string" },
      variants: { type: "string" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const joinsText = values.joins ?? process.env.BENCH_GROUP_JOINS ?? "5";
  const joins = Number(joinsText);
  if (!Number.isInteger(joins) || joins <= 0)
    throw new Error(`--joins must be a positive integer, got '${joinsText}'`);
  const wanted = (values.variants ?? process.env.BENCH_GROUP_VARIANTS ?? "")
    .split(",")
    .filter((id) => id !== "");
  const unknown = wanted.filter((id) => !GROUP_VARIANTS.some((variant) => variant.id === id));
  if (unknown.length > 0)
    throw new Error(
      `unknown variant(s) ${unknown.join(", ")}; known: ${GROUP_VARIANTS.map((v) => v.id).join(", ")}`,
    );
  return {
    plan: {
      members: 10,
      partitions: 60,
      joins,
      stableTimeoutMs: 60_000,
      quietMs: 2_000,
      startTimeoutMs: 120_000,
      variants: wanted.length === 0 ? GROUP_VARIANTS : GROUP_VARIANTS.filter((v) => wanted.includes(v.id)),
    },
    write: !(values["no-write"] ?? false) && process.env.BENCH_NO_WRITE !== "1",
  };
}

async function main(): Promise<void> {
  const startedMs = performance.now();
  const { plan, write } = readOptions();
  if (!existsSync(path.join(ROOT, "dist/samsa.js")))
    throw new Error("dist/ is missing: run `npm run build` first");
  const clients = Clients.prepare();
  const rebalance = RebalanceClient.prepare();
  try {
    log(`plan: ${JSON.stringify({ ...plan, variants: plan.variants.map((v) => v.id) })}`);
    const loads: string[] = [];
    const kafkaBroker = kafkaStarter(plan.startTimeoutMs, BROKER_GROUP_SETTINGS);
    loads.push(`Kafka ${loadAverage()}`);
    const kafka = await runGroupSuite(kafkaBroker, clients, rebalance, plan);
    const samsaBroker = samsaStarter("Samsa", BROKER_GROUP_SETTINGS, plan.startTimeoutMs);
    loads.push(`Samsa ${loadAverage()}`);
    const samsa = await runGroupSuite(samsaBroker, clients, rebalance, plan);
    loads.push(`end ${loadAverage()}`);
    const section = renderGroupsSection({
      kafka,
      samsa,
      plan,
      brokerSettings: BROKER_GROUP_SETTINGS,
      commit: describeCommit(),
      machine: describeMachine(),
      software: describeRuntimes(),
      loadAverages: loads.join(", "),
      durationMinutes: (performance.now() - startedMs) / 60_000,
    });
    console.log(`\n${section}\n`);
    if (write) {
      writeBenchmarkSection("groups", section);
      log("wrote the groups section of BENCHMARKS.md");
    }
  } finally {
    rebalance.dispose();
    clients.dispose();
  }
}

await main();
