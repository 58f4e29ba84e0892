/**
 * The "groups" section of BENCHMARKS.md: per group protocol, how long Kafka
 * and Samsa take to settle a group after a member joins (and after the
 * initial subscribe and a leave), with the ratio Samsa/Kafka; a protocol a
 * broker failed shows why instead of a figure.
 */
import type { GroupPlan, GroupSuiteResult, GroupVariant, VariantResult } from "./groups-suite.ts";
import type { RebalanceTimes } from "./rebalance-client.ts";

export interface GroupsReportInput {
  kafka: GroupSuiteResult;
  samsa: GroupSuiteResult;
  plan: GroupPlan;
  /** The settings both brokers were given. */
  brokerSettings: Record<string, string>;
  commit: string;
  machine: string;
  software: string;
  loadAverages: string;
  durationMinutes: number;
}

const REASON_CHARS = 160;

interface Metric {
  name: string;
  digits: number;
  pick(times: RebalanceTimes, brokerCpuSeconds: number | null): number | undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function metrics(plan: GroupPlan): Metric[] {
  const joiner = `member ${plan.members + 1}`;
  const of = `of ${plan.joins}`;
  return [
    { name: `${joiner} joins → stable, ms (median ${of})`, digits: 0, pick: (t) => median(t.joinMs) },
    { name: `${joiner} joins → stable, ms (max ${of})`, digits: 0, pick: (t) => Math.max(...t.joinMs) },
    { name: `${plan.members} members subscribe → stable, ms`, digits: 0, pick: (t) => t.initialMs },
    { name: `${joiner} leaves → stable, ms (median ${of})`, digits: 0, pick: (t) => median(t.leaveMs) },
    { name: "broker CPU s, whole client run", digits: 2, pick: (_, cpu) => cpu ?? undefined },
  ];
}

/** "5–6", or "6" when the partitions divide evenly. */
function share(partitions: number, members: number): string {
  const low = Math.floor(partitions / members);
  const high = Math.ceil(partitions / members);
  return low === high ? String(low) : `${low}–${high}`;
}

/** The reason's gist on one table-safe line: no Java package names, no cause chain. */
export function shortReason(reason: string): string {
  let text = reason
    .replace(/\b(?:[a-z][a-z0-9_]*\.)+([A-Z]\w*)/g, "$1")
    .replace(/^IllegalStateException: /, "")
    .replace(/ \(caused by [\s\S]*$/, "")
    .split("\n")[0]
    .trim();
  if (text.length > REASON_CHARS) {
    const sentence = text.indexOf(". ", 40);
    text =
      sentence > 0 && sentence < REASON_CHARS
        ? text.slice(0, sentence + 1)
        : `${text.slice(0, REASON_CHARS)}…`;
  }
  return text.replaceAll("|", "\\|");
}

function figure(result: VariantResult | undefined, metric: Metric): number | undefined {
  if (result === undefined || !result.outcome.ok) return undefined;
  return metric.pick(result.outcome.times, result.brokerCpuSeconds);
}

function cell(
  result: VariantResult | undefined,
  value: number | undefined,
  first: boolean,
  digits: number,
): string {
  if (result === undefined) return "not run";
  if (!result.outcome.ok) return first ? `failed: ${shortReason(result.outcome.reason)}` : "failed";
  return value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

function variantRows(input: GroupsReportInput, variant: GroupVariant): string[] {
  const kafka = input.kafka.results.get(variant.id);
  const samsa = input.samsa.results.get(variant.id);
  return metrics(input.plan).map((metric, index) => {
    const k = figure(kafka, metric);
    const s = figure(samsa, metric);
    const ratio = k !== undefined && s !== undefined && k > 0 ? (s / k).toFixed(2) : "–";
    const first = index === 0;
    const protocol = first ? variant.label : "";
    return `| ${protocol} | ${metric.name} | ${cell(kafka, k, first, metric.digits)} | ${cell(samsa, s, first, metric.digits)} | ${ratio} |`;
  });
}

/** What each broker said it ran, and how much moved per join: checks that both did the same work. */
function assignmentNote(input: GroupsReportInput, variant: GroupVariant): string {
  const part = (suite: GroupSuiteResult): string => {
    const result = suite.results.get(variant.id);
    if (result === undefined || !result.outcome.ok) return `${suite.label} –`;
    const times = result.outcome.times;
    const assignor =
      times.assignor === null || times.assignor === ""
        ? `assignor unknown (${times.describeError ?? "not described"})`
        : `\`${times.assignor}\``;
    const members = times.brokerMembers === null ? "" : `, ${times.brokerMembers} members`;
    return `${suite.label} ${assignor}${members}, ${median(times.revokedPerJoin)} partitions revoked per join`;
  };
  return `- ${variant.label}: ${part(input.kafka)}; ${part(input.samsa)}.`;
}

export function renderGroupsSection(input: GroupsReportInput): string {
  const { plan } = input;
  const settings = Object.entries(input.brokerSettings)
    .map(([key, value]) => `\`${key}=${value}\``)
    .join(", ");
  const joins = plan.joins === 1 ? "once" : `${plan.joins} times`;
  const joiner = plan.members + 1;
  return [
    "## Consumer groups (rebalance) (`npm run bench:groups`, also part of `npm run bench`)",
    "",
    "Apache Kafka 4.4.0 (KRaft, one node, loopback, flags as in the broker section) and Samsa (`dist/`), started",
    `one at a time on fresh data directories, both with ${settings} and their other group settings`,
    `at their defaults. One topic of ${plan.partitions} partitions, no records; one fresh group per protocol.`,
    "",
    "- Clients: Kafka 4.4.0 `KafkaConsumer`s in one JVM (`bench/java/RebalanceBench.java`), each on its own",
    "  thread calling `poll(100 ms)` in a loop, with the client's defaults but `group.protocol` (heartbeat.interval.ms",
    '  3 s, session.timeout.ms 45 s, auto-commit). "classic, default assignors" leaves `partition.assignment.strategy`',
    '  at its default (range, cooperative-sticky), so the group runs range, eagerly; "classic, cooperative-sticky"',
    '  lists only `CooperativeStickyAssignor`. "consumer (KIP-848)" members heartbeat as often as the broker tells',
    "  them (Kafka's `group.consumer.heartbeat.interval.ms`, 5 s by default) and get the broker's default assignor.",
    `- ${plan.members} members subscribe at once; then, ${joins}, member ${joiner} subscribes and is timed until the group`,
    "  is stable, then closes and is timed until the rest are stable again. Stable: every partition owned by exactly",
    `  one current member, each owning ${share(plan.partitions, joiner)} (${share(plan.partitions, plan.members)} with ${plan.members} members), as the members' \`ConsumerRebalanceListener\`s report it, and`,
    `  no change for ${plan.quietMs / 1000} s; the time is that of the last change, by \`System.nanoTime()\` in the one JVM. Each join`,
    "  and leave waits an extra frac(k × 0.618) of a heartbeat interval after the previous stabilisation, so that",
    "  they meet the members' heartbeats at spread phases rather than always the same one.",
    "- A member learns of a rebalance from its next heartbeat, so these times are mostly heartbeat intervals and",
    "  protocol round trips rather than broker work: they show whether a broker adds delay to the protocol's own.",
    `  A stabilisation that takes over ${plan.stableTimeoutMs / 1000} s, or a client error, fails that protocol on that broker.`,
    "- Broker CPU is utime + stime from `/proc/<pid>/stat` across the protocol's whole client run (subscribes, joins,",
    "  leaves and the waits between them, so idle CPU too).",
    "",
    `Commit ${input.commit}; ${input.machine}; ${input.software}.`,
    `Load average (1 min) when each broker's run began: ${input.loadAverages}. The whole run took ${input.durationMinutes.toFixed(1)} min.`,
    "",
    "| protocol | metric | Kafka | Samsa | Samsa/Kafka |",
    "| --- | --- | ---: | ---: | ---: |",
    ...plan.variants.flatMap((variant) => variantRows(input, variant)),
    "",
    "The assignor each broker reports at the end (DescribeGroups or ConsumerGroupDescribe), the members it counts",
    "then, and the partitions revoked from their owners per join (median):",
    "",
    ...plan.variants.map((variant) => assignmentNote(input, variant)),
  ].join("\n");
}
