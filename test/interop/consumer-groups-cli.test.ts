/**
 * Kafka's own group tools against Samsa: kafka-console-consumer with
 * --group, then kafka-consumer-groups --list, --describe (with lag),
 * --reset-offsets --to-earliest --execute, and --delete.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { runKafkaTool } from "../../tools/kafka/kafka-cli.ts";
import { kcat } from "../support/kcat.ts";
import { createTopic } from "../support/raw-client.ts";
import { type SamsaProcess, startSamsa } from "../support/samsa-process.ts";

let samsa: SamsaProcess;

before(async () => {
  samsa = await startSamsa({ overrides: { "group.initial.rebalance.delay.ms": "0" } });
  await createTopic(samsa, "cli-groups", 2);
  for (const partition of [0, 1]) {
    const produced = await kcat(
      ["-b", samsa.bootstrap, "-P", "-t", "cli-groups", "-p", String(partition)],
      "a\nb\nc\n",
    );
    assert.equal(produced.status, 0, produced.stderr);
  }
});

after(async () => {
  await samsa.dispose();
});

const groups = (...args: string[]) =>
  runKafkaTool("kafka-consumer-groups", ["--bootstrap-server", samsa.bootstrap, ...args]);

/** The CURRENT-OFFSET and LAG columns of `--describe`, by partition. */
function describedOffsets(stdout: string): Map<number, [string, string]> {
  const rows = stdout.split("\n").filter((line) => line.startsWith("cli-group "));
  return new Map(
    rows.map((line) => {
      const cells = line.trim().split(/\s+/);
      return [Number(cells[2]), [cells[3], cells[5]]];
    }),
  );
}

test("kafka-console-consumer --group consumes every record and commits", { timeout: 120_000 }, async () => {
  const consumed = await runKafkaTool("kafka-console-consumer", [
    "--bootstrap-server",
    samsa.bootstrap,
    "--topic",
    "cli-groups",
    "--group",
    "cli-group",
    "--from-beginning",
    "--max-messages",
    "6",
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepStrictEqual(consumed.stdout.trim().split("\n").sort(), ["a", "a", "b", "b", "c", "c"]);
});

test("kafka-consumer-groups lists, describes with lag, resets offsets and deletes", {
  timeout: 120_000,
}, async () => {
  const listed = await groups("--list");
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(
    listed.stdout
      .split("\n")
      .map((l) => l.trim())
      .includes("cli-group"),
  );
  const described = await groups("--describe", "--group", "cli-group");
  assert.equal(described.code, 0, described.stderr);
  assert.deepStrictEqual([...describedOffsets(described.stdout)].sort(), [
    [0, ["3", "0"]],
    [1, ["3", "0"]],
  ]);
  const reset = await groups(
    "--reset-offsets",
    "--to-earliest",
    "--group",
    "cli-group",
    "--topic",
    "cli-groups",
    "--execute",
  );
  assert.equal(reset.code, 0, reset.stderr);
  const afterReset = await groups("--describe", "--group", "cli-group");
  assert.deepStrictEqual([...describedOffsets(afterReset.stdout)].sort(), [
    [0, ["0", "3"]],
    [1, ["0", "3"]],
  ]);
  const deleted = await groups("--delete", "--group", "cli-group");
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /successful/);
  const relisted = await groups("--list");
  assert.ok(
    !relisted.stdout
      .split("\n")
      .map((l) => l.trim())
      .includes("cli-group"),
  );
});

test("the same tools with the consumer protocol (group.protocol=consumer)", {
  timeout: 180_000,
}, async () => {
  const consumer = (maxMessages: number, timeoutMs: number) =>
    runKafkaTool("kafka-console-consumer", [
      "--bootstrap-server",
      samsa.bootstrap,
      "--topic",
      "cli-groups",
      "--group",
      "cli-cgroup",
      "--command-property",
      "group.protocol=consumer",
      "--from-beginning",
      "--max-messages",
      String(maxMessages),
      "--timeout-ms",
      String(timeoutMs),
    ]);
  // One more message than exists: the member stays in the group until its timeout, so it can be described.
  const running = consumer(7, 15_000);
  // The member row (GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS) once it owns both partitions.
  const ownsBoth = (stdout: string) =>
    stdout.split("\n").some((line) => line.startsWith("cli-cgroup ") && line.trim().split(/\s+/)[4] === "2");
  let members = "";
  for (let attempt = 0; attempt < 10 && !ownsBoth(members); attempt++) {
    members = (await groups("--describe", "--group", "cli-cgroup", "--members")).stdout;
  }
  const state = await groups("--describe", "--group", "cli-cgroup", "--state");
  const consumed = await running;
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepStrictEqual(consumed.stdout.trim().split("\n").sort(), ["a", "a", "b", "b", "c", "c"]);
  assert.ok(ownsBoth(members), `a live member owning both partitions is listed:\n${members}`);
  assert.match(state.stdout, /Stable|Reconciling|Assigning/, state.stdout);

  const listed = await groups("--list", "--type", "consumer");
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(
    listed.stdout.split("\n").some((l) => l.trim().startsWith("cli-cgroup")),
    listed.stdout,
  );
  const described = await groups("--describe", "--group", "cli-cgroup");
  assert.equal(described.code, 0, described.stderr);
  const rows = described.stdout.split("\n").filter((line) => line.startsWith("cli-cgroup "));
  const offsets = rows.map((line) => line.trim().split(/\s+/)).map((c) => [Number(c[2]), c[3], c[5]]);
  assert.deepStrictEqual(offsets.sort(), [
    [0, "3", "0"],
    [1, "3", "0"],
  ]);
  const reset = await groups(
    "--reset-offsets",
    "--to-earliest",
    "--group",
    "cli-cgroup",
    "--topic",
    "cli-groups",
    "--execute",
  );
  assert.equal(reset.code, 0, reset.stderr);
  const again = await consumer(6, 30_000);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim().split("\n").length, 6, "everything again after the reset");
  const deleted = await groups("--delete", "--group", "cli-cgroup");
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /successful/);
});
