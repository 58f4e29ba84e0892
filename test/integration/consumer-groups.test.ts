/**
 * Classic consumer groups against a real broker process, driven by kafkajs:
 * members share partitions with every record delivered once, committed
 * offsets survive a restart, and the admin views see the group.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import kafkajs from "kafkajs";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

const { Kafka, logLevel } = kafkajs;
const OVERRIDES = { "group.initial.rebalance.delay.ms": "0", "group.min.session.timeout.ms": "1000" };

function client(samsa: SamsaProcess) {
  return new Kafka({ brokers: [samsa.bootstrap], clientId: "groups-it", logLevel: logLevel.NOTHING });
}

async function produce(samsa: SamsaProcess, topic: string, from: number, count: number): Promise<void> {
  const producer = client(samsa).producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` })),
  });
  await producer.disconnect();
}

/** Resolves once `count` distinct values have arrived (bounded by the test's timeout). */
function collector(count: number): {
  seen: Map<string, number>;
  done: Promise<void>;
  record(value: string): void;
} {
  const seen = new Map<string, number>();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    seen,
    done,
    record(value) {
      seen.set(value, (seen.get(value) ?? 0) + 1);
      if (seen.size >= count) finish();
    },
  };
}

test("three members share six partitions and every record arrives exactly once", {
  timeout: 60_000,
}, async () => {
  const samsa = await startSamsa({ overrides: OVERRIDES });
  try {
    const kafka = client(samsa);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "shared", numPartitions: 6 }] });
    await produce(samsa, "shared", 0, 120);
    const got = collector(120);
    const consumers = [];
    for (let i = 0; i < 3; i++) {
      const consumer = kafka.consumer({ groupId: "sharing", sessionTimeout: 6000, heartbeatInterval: 500 });
      await consumer.connect();
      await consumer.subscribe({ topic: "shared", fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => got.record(String(message.value)) });
      consumers.push(consumer);
    }
    await got.done;
    assert.equal(got.seen.size, 120);
    assert.deepStrictEqual(
      [...got.seen.values()].filter((n) => n !== 1),
      [],
      "no record twice",
    );
    const described = await admin.describeGroups(["sharing"]);
    assert.equal(described.groups[0].protocolType, "consumer");
    assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === "sharing"));
    for (const consumer of consumers) await consumer.disconnect();
    await admin.disconnect();
  } finally {
    await samsa.dispose();
  }
});

async function commitsSurviveRestart(
  stop: (broker: SamsaProcess) => Promise<unknown>,
  group: string,
  topic: string,
): Promise<void> {
  const first = await startSamsa({ overrides: OVERRIDES });
  const kafka = client(first);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  await produce(first, topic, 0, 40);
  const before = collector(40);
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => before.record(String(message.value)) });
  await before.done;
  await consumer.disconnect(); // commits on the way out
  await stop(first);
  const second = await startSamsa({ dataDir: first.dataDir, overrides: OVERRIDES });
  try {
    const offsets = await client(second).admin();
    await offsets.connect();
    const committed = await offsets.fetchOffsets({ groupId: group, topics: [topic] });
    const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    assert.equal(total, 40, "every consumed record's offset was committed and survived");
    await offsets.disconnect();
    await produce(second, topic, 40, 10);
    const after = collector(10);
    const again = client(second).consumer({
      groupId: group,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
    });
    await again.connect();
    await again.subscribe({ topic, fromBeginning: true });
    await again.run({ eachMessage: async ({ message }) => after.record(String(message.value)) });
    await after.done;
    assert.deepStrictEqual(
      [...after.seen.keys()].sort(),
      Array.from({ length: 10 }, (_, i) => `v${40 + i}`).sort(),
      "only the records after the committed offsets",
    );
    await again.disconnect();
  } finally {
    await second.dispose();
  }
}

test(
  "committed offsets survive a clean broker restart and consumption resumes after them",
  { timeout: 90_000 },
  () => commitsSurviveRestart(async (broker) => assert.equal(await broker.stop(), 0), "resumer", "resume"),
);

test("committed offsets survive a SIGKILL of the broker", { timeout: 90_000 }, () =>
  commitsSurviveRestart((broker) => broker.kill(), "survivor-group", "resume-after-kill"),
);

test("a member killed with SIGKILL: after its session times out, another takes over from the last commit", {
  timeout: 90_000,
}, async () => {
  const samsa = await startSamsa({ overrides: OVERRIDES });
  try {
    const admin = client(samsa).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "takeover", numPartitions: 3 }] });
    await admin.disconnect();
    await produce(samsa, "takeover", 0, 300);
    const member = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "../support/kafkajs-member.ts"),
        samsa.bootstrap,
        "takeover",
        "takers",
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const seenByVictim = new Set<string>();
    const lines = createInterface({ input: member.stdout as NodeJS.ReadableStream });
    const outputEnded = new Promise<void>((resolve) => lines.once("close", () => resolve()));
    await new Promise<void>((resolve) => {
      lines.on("line", (line) => {
        if (line.startsWith("consumed ")) seenByVictim.add(line.slice("consumed ".length));
        if (seenByVictim.size === 50) resolve();
      });
    });
    member.kill("SIGKILL");
    // Lines the victim wrote before dying may still be in the pipe: its record is final only at EOF.
    await outputEnded;
    const rest = collector(300 - seenByVictim.size);
    const survivor = client(samsa).consumer({
      groupId: "takers",
      sessionTimeout: 3000,
      heartbeatInterval: 300,
    });
    await survivor.connect();
    await survivor.subscribe({ topic: "takeover", fromBeginning: true });
    await survivor.run({
      eachMessage: async ({ message }) => {
        if (!seenByVictim.has(String(message.value))) rest.record(String(message.value));
      },
    });
    await rest.done;
    const all = new Set([...seenByVictim, ...rest.seen.keys()]);
    assert.equal(all.size, 300, "nothing skipped: at-least-once across the takeover");
    await survivor.disconnect();
  } finally {
    await samsa.dispose();
  }
});
