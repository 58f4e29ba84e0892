/**
 * Membership churn in a classic consumer group, driven by kafkajs members in
 * this process: members join one at a time (1 → 4) and then leave cleanly one
 * at a time (4 → 0) while a producer keeps writing keyed records to a topic of
 * six partitions. Checked:
 *
 * - after every change the group settles (Stable, the expected members, each
 *   of them synced into one new generation and consuming in it), and
 *   DescribeGroups shows every partition assigned to exactly one member;
 * - in every generation, each member received from SyncGroup exactly what the
 *   leader assigned it, and the leader's plan owns each partition once;
 * - every record was processed by a member that owned its partition in the
 *   generation it was processed in, and a partition's consumption never goes
 *   back to an older generation (no two members on a partition at once);
 * - every produced record was processed; each new owner of a partition starts
 *   exactly at the last successful commit; and, nobody failing, no record was
 *   processed twice (see `assertHandoffs` for why that is sound with kafkajs).
 *
 * The generation a member is in comes from kafkajs itself: its ConsumerGroup
 * logs `Received assignment` (with `generationId`, `memberId` and the decoded
 * assignment) at debug level right after SyncGroup, before any record of that
 * generation is handed to `eachMessage`; the leader logs `Group assignment`
 * (its whole plan) just before. GROUP_JOIN carries no generation, and
 * DescribeGroups has none on the wire. GROUP_JOIN is still cross-checked
 * against the log, so a kafkajs that stopped logging fails here loudly.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import kafkajs, { type Admin, type Consumer, type LogEntry } from "kafkajs";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

const { Kafka, logLevel, AssignerProtocol } = kafkajs;
// KAFKAJS_LOG_LEVEL overrides every client's level, which would hide the debug lines generations come from.
delete process.env.KAFKAJS_LOG_LEVEL;

const OVERRIDES = { "group.initial.rebalance.delay.ms": "0", "group.min.session.timeout.ms": "1000" };
const TOPIC = "churn";
const GROUP = "churners";
const PARTITIONS = 6;
const ALL_PARTITIONS = Array.from({ length: PARTITIONS }, (_, p) => p);
/** Records per produce request, and the pause between requests: a steady trickle to every partition. */
const PRODUCE_BATCH = 6;
const PRODUCE_PAUSE_MS = 40;
const SETTLE_DEADLINE_MS = 20_000;
const DRAIN_DEADLINE_MS = 20_000;
const POLL_MS = 100;

/**
 * Session timeout well above anything a loaded machine could stall a member
 * for: "nobody fails" is a premise of the exactly-once check, so no member may
 * be expired by the coordinator. Clean leaves are immediate regardless. A short
 * fetch wait and heartbeat interval make members notice rebalances quickly.
 */
const MEMBER_CONFIG = {
  groupId: GROUP,
  sessionTimeout: 30_000,
  rebalanceTimeout: 20_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 200,
};

interface Delivery {
  seq: number;
  member: string;
  generation: number;
  partition: number;
  offset: number;
  value: string;
}

interface Commit {
  seq: number;
  member: string;
  generation: number;
  partition: number;
  /** The next offset to consume, as committed. */
  offset: number;
}

interface Sync {
  member: string;
  memberId: string;
  generation: number;
  partitions: number[];
}

interface Settled {
  generation: number;
  members: number;
  /** member id → partitions, as DescribeGroups reported them. */
  assignment: Map<string, number[]>;
}

/** Everything the members observed, in one order (this process is single-threaded). */
class Journal {
  private nextSeq = 0;
  readonly deliveries: Delivery[] = [];
  readonly commits: Commit[] = [];
  readonly syncs: Sync[] = [];
  /** generation → leader's plans (member id → partitions); more than one plan per generation is a failure. */
  readonly plans = new Map<number, Map<string, number[]>[]>();
  readonly problems: string[] = [];

  seq(): number {
    return this.nextSeq++;
  }

  sync(member: string, generation: number): Sync | undefined {
    return this.syncs.find((s) => s.member === member && s.generation === generation);
  }
}

const sorted = (partitions: Iterable<number>): number[] => [...partitions].sort((a, b) => a - b);

function decodeAssignment(buffer: Buffer): number[] {
  if (buffer.length === 0) return [];
  const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
  return sorted(decoded?.assignment[TOPIC] ?? []);
}

/** Asserts that the owners listed cover every partition of the topic exactly once. */
function assertOwnedOnce(owners: Map<string, number[]>, what: string): void {
  const count = ALL_PARTITIONS.map((p) => [...owners.values()].filter((ps) => ps.includes(p)).length);
  assert.deepStrictEqual(
    count,
    ALL_PARTITIONS.map(() => 1),
    `${what}: owners per partition ${JSON.stringify(count)} in ${JSON.stringify([...owners])}`,
  );
}

class Member {
  memberId = "";
  generation = -1;
  readonly consumer: Consumer;
  private readonly consumedIn = new Map<number, number>();

  constructor(
    readonly name: string,
    samsa: SamsaProcess,
    private readonly journal: Journal,
  ) {
    const kafka = new Kafka({
      brokers: [samsa.bootstrap],
      clientId: name,
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry) => this.onLog(entry),
    });
    this.consumer = kafka.consumer(MEMBER_CONFIG);
    const { events } = this.consumer;
    this.consumer.on(events.COMMIT_OFFSETS, ({ payload }) => {
      for (const topic of payload.topics) {
        for (const p of topic.partitions) {
          journal.commits.push({
            seq: journal.seq(),
            member: name,
            generation: payload.groupGenerationId,
            partition: Number(p.partition),
            offset: Number(p.offset),
          });
        }
      }
    });
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      const sync = journal.sync(name, this.generation);
      const partitions = sorted(payload.memberAssignment[TOPIC] ?? []);
      if (sync === undefined || sync.memberId !== payload.memberId) {
        journal.problems.push(`${name}: GROUP_JOIN as ${payload.memberId} without a logged sync`);
      } else if (JSON.stringify(sync.partitions) !== JSON.stringify(partitions)) {
        journal.problems.push(
          `${name}: GROUP_JOIN assignment ${JSON.stringify(partitions)}, synced ${JSON.stringify(sync.partitions)}`,
        );
      }
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      journal.problems.push(`${name} crashed: ${payload.error.message}`);
    });
  }

  private onLog({ namespace, log }: LogEntry): void {
    if (namespace !== "ConsumerGroup" || log.groupId !== GROUP) return;
    if (log.message === "Received assignment") {
      this.generation = Number(log.generationId);
      this.memberId = String(log.memberId);
      const partitions = sorted((log.memberAssignment as Record<string, number[]>)[TOPIC] ?? []);
      this.journal.syncs.push({
        member: this.name,
        memberId: this.memberId,
        generation: this.generation,
        partitions,
      });
    } else if (log.message === "Group assignment") {
      const plan = new Map<string, number[]>(
        (log.assignment as { memberId: string; memberAssignment: Buffer }[]).map((a) => [
          a.memberId,
          decodeAssignment(a.memberAssignment),
        ]),
      );
      const generation = Number(log.generationId);
      this.journal.plans.set(generation, [...(this.journal.plans.get(generation) ?? []), plan]);
    }
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.journal.deliveries.push({
          seq: this.journal.seq(),
          member: this.name,
          generation: this.generation,
          partition,
          offset: Number(message.offset),
          value: String(message.value),
        });
        this.consumedIn.set(this.generation, (this.consumedIn.get(this.generation) ?? 0) + 1);
      },
    });
  }

  consumedInCurrentGeneration(): number {
    return this.consumedIn.get(this.generation) ?? 0;
  }
}

/** Produces keyed records until stopped; `produced` holds the values the broker acknowledged. */
function startProducing(samsa: SamsaProcess): {
  produced: string[];
  stop(): Promise<void>;
} {
  const produced: string[] = [];
  const producer = new Kafka({
    brokers: [samsa.bootstrap],
    clientId: "churn-producer",
    logLevel: logLevel.NOTHING,
  }).producer();
  let flowing = true;
  const loop = (async () => {
    await producer.connect();
    try {
      for (let n = 0; flowing; ) {
        const messages = Array.from({ length: PRODUCE_BATCH }, () => {
          const i = n++;
          return { key: `k${i}`, value: `v${i}` };
        });
        await producer.send({ topic: TOPIC, messages });
        produced.push(...messages.map((m) => m.value));
        await sleep(PRODUCE_PAUSE_MS);
      }
    } finally {
      await producer.disconnect();
    }
  })();
  // Surfaced by stop(); kept from being an unhandled rejection if the test fails first.
  const outcome = loop.then(
    () => null,
    (error: unknown) => error,
  );
  return {
    produced,
    async stop() {
      flowing = false;
      const error = await outcome;
      if (error !== null) throw error;
    },
  };
}

/**
 * Waits until the group is Stable with exactly `live` as members, all of them
 * synced into one generation newer than `after`, DescribeGroups showing the
 * assignment each of them received, and each of them consuming in it.
 */
async function settle(admin: Admin, journal: Journal, live: Member[], after: number): Promise<Settled> {
  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  for (;;) {
    const group = (await admin.describeGroups([GROUP])).groups[0];
    const assignment = new Map(group.members.map((m) => [m.memberId, decodeAssignment(m.memberAssignment)]));
    const generations = new Set(live.map((m) => m.generation));
    const [generation] = generations;
    const settled =
      group.state === "Stable" &&
      generations.size === 1 &&
      generation > after &&
      assignment.size === live.length &&
      live.every((m) => {
        const received = journal.sync(m.name, generation)?.partitions;
        return JSON.stringify(assignment.get(m.memberId)) === JSON.stringify(received);
      }) &&
      live.every((m) => m.consumedInCurrentGeneration() > 0);
    if (settled) return { generation, members: live.length, assignment };
    if (Date.now() > deadline) {
      const members = live.map(
        (m) => `${m.name}=${m.memberId}@${m.generation}:${m.consumedInCurrentGeneration()}`,
      );
      throw new Error(
        `group did not settle with ${live.length} members after generation ${after}: state ${group.state}, ` +
          `described ${JSON.stringify([...assignment])}, members ${members.join(" ")}; ` +
          `problems: ${journal.problems.join("; ") || "none"}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** Per generation: the leader's plan owns each partition once, and SyncGroup delivered it unchanged. */
function assertGenerations(journal: Journal, settled: Settled[]): void {
  const generations = new Set(journal.syncs.map((s) => s.generation));
  for (const generation of generations) {
    const plans = journal.plans.get(generation) ?? [];
    assert.equal(plans.length, 1, `generation ${generation}: one leader plan, saw ${plans.length}`);
    const [plan] = plans;
    assertOwnedOnce(plan, `generation ${generation}, leader's plan`);
    for (const sync of journal.syncs.filter((s) => s.generation === generation)) {
      assert.deepStrictEqual(
        sync.partitions,
        plan.get(sync.memberId),
        `generation ${generation}: ${sync.member} (${sync.memberId}) got what the leader assigned it`,
      );
    }
  }
  for (const s of settled) {
    const synced = journal.syncs.filter((sync) => sync.generation === s.generation);
    assert.equal(synced.length, s.members, `generation ${s.generation}: every member synced`);
    assert.deepStrictEqual(
      new Map(synced.map((sync) => [sync.memberId, sync.partitions])),
      s.assignment,
      `generation ${s.generation}: DescribeGroups shows what the members received`,
    );
  }
}

/**
 * Every delivery of a partition came from a member that owned it in the
 * generation it was processed in, and per partition the (member, generation)
 * runs are in strictly increasing generation order: a partition never goes
 * back to an older generation, so no two members ever held it at once. That
 * is the coordinator's job: a generation may only start once every member of
 * the previous one has rejoined (and so stopped consuming) or left.
 */
function runsOf(journal: Journal): Map<number, Delivery[][]> {
  const runs = new Map<number, Delivery[][]>(ALL_PARTITIONS.map((p) => [p, []]));
  for (const d of journal.deliveries) {
    const owned = journal.sync(d.member, d.generation)?.partitions ?? [];
    assert.ok(
      owned.includes(d.partition),
      `${d.member} processed ${d.partition}@${d.offset} in generation ${d.generation} owning ${JSON.stringify(owned)}`,
    );
    const partitionRuns = runs.get(d.partition) as Delivery[][];
    const current = partitionRuns.at(-1)?.[0];
    if (current !== undefined && current.member === d.member && current.generation === d.generation) {
      (partitionRuns.at(-1) as Delivery[]).push(d);
      continue;
    }
    assert.ok(
      current === undefined || d.generation > current.generation,
      `partition ${d.partition}: ${d.member} processed ${d.offset} in generation ${d.generation} ` +
        `after ${current?.member} had processed it in generation ${current?.generation}`,
    );
    partitionRuns.push([d]);
  }
  return runs;
}

/**
 * Hand-offs. kafkajs (autoCommit, eachMessage) resolves a record's offset as
 * soon as `eachMessage` returns and commits what it resolved at the end of each
 * batch, when a heartbeat reports a rebalance (before it rejoins) and when it
 * stops (before it leaves). So the protocol's only room for duplicates, records
 * processed but not covered by a successful commit when the partition moves, is
 * the tail of a failed commit. The coordinator cannot start a new generation
 * before the committing member itself rejoins or leaves, so in a run where no
 * member fails or is expired such a commit is accepted and that tail is empty.
 * Asserted, in this order so a failure says which side broke:
 *
 * 1. within a run, offsets are consecutive (nothing skipped or repeated);
 * 2. a run starts exactly at the partition's last successful commit (0 before
 *    any): nothing inside a committed range is redelivered, nothing after it
 *    skipped; this holds whatever the client does, it is OffsetCommit/OffsetFetch;
 * 3. every commit comes from the partition's owner in that generation;
 * 4. therefore, nobody failing, each record was processed exactly once.
 */
function assertHandoffs(journal: Journal, runs: Map<number, Delivery[][]>): void {
  for (const c of journal.commits) {
    const owned = journal.sync(c.member, c.generation)?.partitions ?? [];
    assert.ok(
      owned.includes(c.partition),
      `${c.member} committed ${c.partition}@${c.offset} in generation ${c.generation} owning ${JSON.stringify(owned)}`,
    );
  }
  for (const [partition, partitionRuns] of runs) {
    for (const run of partitionRuns) {
      const first = run[0];
      assert.deepStrictEqual(
        run.map((d) => d.offset),
        run.map((_, i) => first.offset + i),
        `partition ${partition}: ${first.member}'s run in generation ${first.generation} is consecutive`,
      );
      const committed = journal.commits.filter((c) => c.partition === partition && c.seq < first.seq).at(-1);
      assert.equal(
        first.offset,
        committed?.offset ?? 0,
        `partition ${partition}: ${first.member} in generation ${first.generation} starts at the last commit ` +
          `(${committed === undefined ? "none" : `${committed.member} in generation ${committed.generation}`})`,
      );
    }
  }
  const times = new Map<string, number>();
  for (const d of journal.deliveries)
    times.set(`${d.partition}@${d.offset}`, (times.get(`${d.partition}@${d.offset}`) ?? 0) + 1);
  assert.deepStrictEqual(
    [...times].filter(([, n]) => n > 1),
    [],
    "nobody failed, so no record was processed twice",
  );
}

test("kafkajs: members join and leave one by one and every partition is owned by exactly one member in each generation", {
  timeout: 120_000,
}, async (t) => {
  const samsa = await startSamsa({ overrides: OVERRIDES });
  const journal = new Journal();
  const live: Member[] = [];
  const admin = new Kafka({
    brokers: [samsa.bootstrap],
    clientId: "churn-admin",
    logLevel: logLevel.NOTHING,
  }).admin();
  let producing: ReturnType<typeof startProducing> | undefined;
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    producing = startProducing(samsa);
    const settled: Settled[] = [];
    const step = async (what: string) => {
      const s = await settle(admin, journal, live, settled.at(-1)?.generation ?? 0);
      assertOwnedOnce(s.assignment, `${what}: DescribeGroups`);
      settled.push(s);
    };
    for (let i = 1; i <= 4; i++) {
      const member = new Member(`churn-${i}`, samsa, journal);
      await member.start();
      live.push(member);
      await step(`churn-${i} joined`);
    }
    // Oldest first: the leader leaves each time, so leadership moves too.
    while (live.length > 1) {
      const leaving = live.shift() as Member;
      await leaving.consumer.disconnect();
      await step(`${leaving.name} left`);
    }
    await producing.stop();
    const produced = producing.produced;
    const deadline = Date.now() + DRAIN_DEADLINE_MS;
    const processed = () => new Set(journal.deliveries.map((d) => d.value));
    while (processed().size < produced.length && Date.now() < deadline) await sleep(POLL_MS);
    const last = live.shift() as Member;
    await last.consumer.disconnect();
    const emptied = (await admin.describeGroups([GROUP])).groups[0];
    assert.equal(emptied.state, "Empty", "the last member's leave empties the group");

    assert.deepStrictEqual(journal.problems, [], "no member crashed and GROUP_JOIN matched every sync");
    assert.deepStrictEqual(
      settled.map((s) => s.members),
      [1, 2, 3, 4, 3, 2, 1],
      "one member at a time joined, then left",
    );
    assertGenerations(journal, settled);
    const runs = runsOf(journal);
    const seen = processed();
    assert.deepStrictEqual(
      produced.filter((v) => !seen.has(v)),
      [],
      "every produced record was processed at least once",
    );
    const values = new Map<string, string>();
    for (const d of journal.deliveries) {
      const at = `${d.partition}@${d.offset}`;
      assert.equal(values.get(at) ?? d.value, d.value, `${at} always holds the same record`);
      values.set(at, d.value);
    }
    assert.equal(values.size, produced.length, "the log holds exactly the acknowledged records");
    assertHandoffs(journal, runs);

    // The last member committed everything on its way out: the committed offsets are the log ends.
    const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const ends = await admin.fetchTopicOffsets(TOPIC);
    assert.deepStrictEqual(
      new Map(committed[0].partitions.map((p) => [p.partition, p.offset])),
      new Map(ends.map((p) => [p.partition, p.high])),
      "committed offsets reached the end of every partition",
    );
    t.diagnostic(
      `generations ${settled.map((s) => s.generation).join(",")}; ${produced.length} records; ` +
        `${journal.deliveries.length} deliveries; ${journal.commits.length} commits; ` +
        `${[...runs.values()].reduce((n, r) => n + r.length, 0)} ownership runs (partition, member, generation)`,
    );
  } finally {
    await producing?.stop().catch(() => undefined);
    for (const member of live) await member.consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await samsa.dispose();
  }
});
