/**
 * What a restart must not do to data the Java client wrote: a clean restart
 * keeps everything; an idempotent producer whose requests are retried across
 * a restart writes every record exactly once; SIGKILL under an acks=all load
 * loses no acknowledged record. Each test owns its broker, since it stops it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SamsaProcess } from "../support/samsa-process.ts";
import { restartBroker, startBroker, uniqueTopic } from "./support/broker.ts";
import { codecs, JavaHarness, type LoadAck, LoadProducer, loadValue } from "./support/java-harness.ts";
import { consume, createTopicOk, describeConfigs, offsetsOf, produceOk } from "./support/java-ops.ts";
import { assertSameRecords, type ConsumedRecord, sampleRecords, type TestRecord } from "./support/records.ts";

const VALUE_BYTES = 40;
const PARTITIONS = 3;

/** Starts a broker and a Java client, runs `body`, and always cleans both up (whichever broker is current). */
async function withBroker(
  body: (context: {
    current: () => SamsaProcess;
    restart: (how: "stop" | "kill") => Promise<void>;
    java: JavaHarness;
  }) => Promise<void>,
): Promise<void> {
  let broker = await startBroker();
  const java = await JavaHarness.start(broker.bootstrap);
  try {
    await body({
      current: () => broker,
      restart: async (how) => {
        if (how === "stop") await broker.stop();
        else await broker.kill();
        broker = await restartBroker(broker);
      },
      java,
    });
  } finally {
    await java.close();
    await broker.dispose();
  }
}

/** Every record of the topic, partition by partition from offset 0 to the end. */
async function readAll(java: JavaHarness, topic: string): Promise<ConsumedRecord[]> {
  return consume(java, topic, { from: PARTITIONS, timeoutMs: 60_000 });
}

function keyText(record: ConsumedRecord): string {
  return record.key?.toString("utf8") ?? "<null>";
}

/** Each acknowledged record is at its acknowledged partition and offset, with its key and value. */
function assertAcknowledgedPresent(
  records: readonly ConsumedRecord[],
  acks: readonly LoadAck[],
  label: string,
): void {
  const at = new Map(records.map((r) => [`${r.partition}/${r.offset}`, r]));
  const missing: string[] = [];
  for (const ack of acks) {
    const record = at.get(`${ack.partition}/${ack.offset}`);
    if (
      record === undefined ||
      keyText(record) !== ack.key ||
      !record.value?.equals(loadValue(ack.key, VALUE_BYTES))
    ) {
      missing.push(
        `${ack.key}@${ack.partition}/${ack.offset}${record === undefined ? "" : ` holds ${keyText(record)}`}`,
      );
    }
  }
  assert.deepEqual(
    missing.slice(0, 20),
    [],
    `${label}: ${missing.length} of ${acks.length} acknowledged records lost`,
  );
}

/** No key appears twice. */
function assertNoDuplicates(records: readonly ConsumedRecord[], label: string): void {
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  for (const record of records) {
    const key = keyText(record);
    const where = `${record.partition}/${record.offset}`;
    const first = seen.get(key);
    if (first !== undefined) duplicates.push(`${key} at ${first} and ${where}`);
    else seen.set(key, where);
  }
  assert.deepEqual(duplicates.slice(0, 20), [], `${label}: ${duplicates.length} duplicated records`);
}

test("data in every codec survives a clean restart, with topics and their configs", async () => {
  await withBroker(async ({ java, restart }) => {
    const written = new Map<string, TestRecord[]>();
    for (const codec of codecs) {
      const topic = uniqueTopic(`restart-${codec}`);
      await createTopicOk(java, {
        name: topic,
        partitions: PARTITIONS,
        configs: { "retention.ms": "86400000" },
      });
      const records = sampleRecords({ tag: `restart/${codec}`, partitions: PARTITIONS, count: 45 });
      await produceOk(java, topic, records, { acks: "all", compression: codec });
      written.set(topic, records);
    }
    await restart("stop");
    for (const [topic, records] of written) {
      const [configs] = await describeConfigs(java, [{ type: "topic", name: topic }]);
      assert.ok("entries" in configs, JSON.stringify(configs));
      const retention = configs.entries.find((e) => e.name === "retention.ms");
      assert.deepEqual([retention?.value, retention?.source], ["86400000", "DYNAMIC_TOPIC_CONFIG"]);
      assertSameRecords(await readAll(java, topic), records, `${topic} after restart`);
      const ends = await offsetsOf(java, topic, [0, 1, 2], "latest");
      assert.deepEqual(
        ends.map((e) => e.offset),
        [15, 15, 15],
      );
    }
    // Appending after the restart continues at the old end.
    const [topic, records] = [...written][0];
    const more = sampleRecords({ tag: "after", partitions: PARTITIONS, count: 6 });
    const acks = await produceOk(java, topic, more, { acks: "all", compression: "zstd" });
    assert.deepEqual(
      acks.map((a) => a.offset),
      [15, 15, 15, 16, 16, 16],
    );
    assertSameRecords(await readAll(java, topic), [...records, ...more], `${topic} appended after restart`);
  });
});

test("an idempotent producer retried across a restart writes every record exactly once", async () => {
  await withBroker(async ({ java, restart, current }) => {
    const topic = uniqueTopic("idempotent-restart");
    await createTopicOk(java, { name: topic, partitions: PARTITIONS });
    const load = await LoadProducer.start(current().bootstrap, {
      topic,
      partitions: PARTITIONS,
      keyPrefix: "idem-",
      valueBytes: VALUE_BYTES,
      window: 500,
      producer: { acks: "all", idempotence: true, lingerMs: 2, batchSize: 4096 },
    });
    try {
      // SIGTERM while records are in flight; the client retries what the old process did not
      // answer to the new one. Whether a request was in flight at that instant is up to timing,
      // so restart again (at most three times) until the client has retried something.
      for (let restarts = 0; restarts < 3 && load.retriedRequests === 0; restarts++) {
        await load.waitForAcks(load.acks.length + 3_000, 90_000);
        await restart("stop");
      }
      assert.ok(load.retriedRequests > 0, "the producer retried requests across the restarts");
      await load.waitForAcks(load.acks.length + 3_000, 90_000);
      const summary = await load.finish();
      assert.deepEqual(summary.errors.slice(0, 5), [], "no record failed");
      assert.equal(summary.acked, summary.sent);
      const records = await readAll(java, topic);
      assertNoDuplicates(records, "idempotent producer");
      assert.equal(records.length, summary.sent, "every record sent is in the log exactly once");
      const keys = new Set(records.map(keyText));
      for (let seq = 0; seq < summary.sent; seq++) {
        const key = `idem-${String(seq).padStart(8, "0")}`;
        assert.ok(keys.has(key), `${key} missing`);
      }
      assertAcknowledgedPresent(records, summary.acks, "idempotent producer");
    } finally {
      load.kill();
    }
  });
});

test("SIGKILL under an acks=all load loses no acknowledged record (three rounds)", async () => {
  await withBroker(async ({ java, restart, current }) => {
    const topic = uniqueTopic("sigkill");
    await createTopicOk(java, { name: topic, partitions: PARTITIONS });
    const acknowledged: LoadAck[] = [];
    let retriedRequests = 0;
    for (let round = 1; round <= 3; round++) {
      const load = await LoadProducer.start(current().bootstrap, {
        topic,
        partitions: PARTITIONS,
        keyPrefix: `r${round}-`,
        valueBytes: VALUE_BYTES,
        window: 200,
        producer: { acks: "all", idempotence: true, lingerMs: 2, batchSize: 4096 },
      });
      try {
        await load.waitForAcks(2_000, 60_000);
        await restart("kill");
        const acksBefore = load.acks.length;
        await load.waitForAcks(acksBefore + 1_000, 90_000);
        const summary = await load.finish();
        assert.deepEqual(summary.errors.slice(0, 5), [], `round ${round}: no record failed`);
        acknowledged.push(...summary.acks);
        retriedRequests += load.retriedRequests;
      } finally {
        load.kill();
      }
      const records = await readAll(java, topic);
      assertAcknowledgedPresent(records, acknowledged, `round ${round}`);
      assertNoDuplicates(records, `round ${round}`);
    }
    assert.ok(retriedRequests > 0, "requests were in flight when the broker was killed, and were retried");
  });
});
