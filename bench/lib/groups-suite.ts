/**
 * One broker's part of the consumer-group benchmark: start it once, create
 * the topic, then time each group protocol in a fresh group of its own,
 * reading the broker's CPU time around each. Kafka and Samsa run exactly the
 * same plan; whatever fails (the broker's start, the topic, one protocol) is
 * recorded with its reason and the rest goes on.
 */
import type { LaunchedBroker } from "./broker-launch.ts";
import { log } from "./broker-suite.ts";
import type { BrokerStarter } from "./brokers.ts";
import type { Clients } from "./clients.ts";
import { cpuSeconds } from "./proc-stats.ts";
import type { GroupProtocol, RebalanceClient, RebalanceOutcome } from "./rebalance-client.ts";

/** The classic consumer's heartbeat.interval.ms default: how late a member may learn of a rebalance. */
const CLASSIC_HEARTBEAT_MS = 3_000;
/** Kafka's group.consumer.heartbeat.interval.ms default, which the broker hands to KIP-848 members. */
const CONSUMER_HEARTBEAT_MS = 5_000;

export interface GroupVariant {
  id: string;
  protocol: GroupProtocol;
  /** "default", or the class name given as partition.assignment.strategy. */
  assignor: string;
  /** For the report: protocol and assignor as configured. */
  label: string;
  phaseSpanMs: number;
}

export const GROUP_VARIANTS: GroupVariant[] = [
  {
    id: "classic",
    protocol: "classic",
    assignor: "default",
    label: "classic, default assignors",
    phaseSpanMs: CLASSIC_HEARTBEAT_MS,
  },
  {
    id: "classic-cooperative",
    protocol: "classic",
    assignor: "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
    label: "classic, cooperative-sticky",
    phaseSpanMs: CLASSIC_HEARTBEAT_MS,
  },
  {
    id: "consumer",
    protocol: "consumer",
    assignor: "default",
    label: "consumer (KIP-848)",
    phaseSpanMs: CONSUMER_HEARTBEAT_MS,
  },
];

export const GROUP_TOPIC = "rebalance";

export interface GroupPlan {
  members: number;
  partitions: number;
  joins: number;
  stableTimeoutMs: number;
  quietMs: number;
  startTimeoutMs: number;
  variants: GroupVariant[];
}

export interface VariantResult {
  outcome: RebalanceOutcome;
  /** Broker CPU (user + system) over the whole client run; null if it could not be read. */
  brokerCpuSeconds: number | null;
}

export interface GroupSuiteResult {
  label: string;
  results: Map<string, VariantResult>;
}

export async function runGroupSuite(
  starter: BrokerStarter,
  clients: Clients,
  rebalance: RebalanceClient,
  plan: GroupPlan,
): Promise<GroupSuiteResult> {
  const results = new Map<string, VariantResult>();
  const failAll = (reason: string): void => {
    for (const variant of plan.variants)
      results.set(variant.id, { outcome: { ok: false, reason }, brokerCpuSeconds: null });
  };
  let broker: LaunchedBroker;
  try {
    broker = await starter.start();
  } catch (error) {
    failAll(`broker did not start: ${String(error)}`);
    return { label: starter.label, results };
  }
  log(`${starter.label}: pid ${broker.pid} on ${broker.bootstrap}`);
  try {
    await clients.createTopics(broker.bootstrap, { [GROUP_TOPIC]: plan.partitions });
  } catch (error) {
    failAll(`could not create the topic: ${String(error)}`);
    await broker.stop();
    return { label: starter.label, results };
  }
  try {
    for (const variant of plan.variants) {
      log(`${starter.label}: ${variant.id}`);
      const before = readCpu(broker.pid);
      const outcome = await rebalance.run({
        bootstrap: broker.bootstrap,
        topic: GROUP_TOPIC,
        partitions: plan.partitions,
        group: `rebalance-${variant.id}`,
        protocol: variant.protocol,
        assignor: variant.assignor,
        members: plan.members,
        joins: plan.joins,
        stableTimeoutMs: plan.stableTimeoutMs,
        quietMs: plan.quietMs,
        phaseSpanMs: variant.phaseSpanMs,
      });
      const after = readCpu(broker.pid);
      const brokerCpuSeconds = before === null || after === null ? null : after - before;
      results.set(variant.id, { outcome, brokerCpuSeconds });
      log(`${starter.label}: ${variant.id} ${summary(outcome)}`);
    }
  } finally {
    await broker.stop();
  }
  return { label: starter.label, results };
}

/** Null once the broker has gone (a crash is reported by the runs that follow it). */
function readCpu(pid: number): number | null {
  try {
    return cpuSeconds(pid);
  } catch {
    return null;
  }
}

function summary(outcome: RebalanceOutcome): string {
  if (!outcome.ok) return `failed: ${outcome.reason}`;
  const { initialMs, joinMs, leaveMs, assignor } = outcome.times;
  const list = (values: number[]): string => values.map((ms) => ms.toFixed(0)).join(", ");
  return `initial ${initialMs.toFixed(0)} ms, joins [${list(joinMs)}] ms, leaves [${list(leaveMs)}] ms, assignor ${assignor}`;
}
