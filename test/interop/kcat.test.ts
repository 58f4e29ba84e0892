/**
 * librdkafka, through Debian's kcat, against a real Samsa process: produce in
 * every codec and acks level with keys and headers to chosen partitions, then
 * read back by partition and offset byte for byte, with kcat itself and with
 * the Java client; kcat reading what the Java client wrote; offsets by time.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SamsaProcess } from "../support/samsa-process.ts";
import { startBroker, uniqueTopic } from "./support/broker.ts";
import { codecs, JavaHarness } from "./support/java-harness.ts";
import { consume, createTopicOk, produceOk } from "./support/java-ops.ts";
import { runCommandOk } from "./support/process.ts";
import { assertSameRecords, type RecordHeader, sampleRecords, type TestRecord } from "./support/records.ts";

const KCAT = "kcat";
/** kcat splits its input on these; the records below never contain them. */
const RECORD_DELIMITER = 0x1e;
const KEY_DELIMITER = 0x1f;

let samsa: SamsaProcess;
let java: JavaHarness;

before(async () => {
  samsa = await startBroker();
  java = await JavaHarness.start(samsa.bootstrap);
});

after(async () => {
  await java?.close();
  await samsa?.dispose();
});

/** Records kcat can carry: any bytes but its two delimiters; an empty key, an empty value, and no key at all. */
function kcatRecords(tag: string, partition: number, headers: RecordHeader[]): TestRecord[] {
  const records: TestRecord[] = [];
  for (let i = 0; i < 12; i++) {
    const binary = Buffer.alloc(i * 23);
    for (let j = 0; j < binary.length; j++) {
      const byte = (i * 41 + j * 13) & 0xff;
      binary[j] = byte === RECORD_DELIMITER || byte === KEY_DELIMITER ? 0x20 : byte;
    }
    let key: Buffer | null = Buffer.concat([Buffer.from(`${tag}-k${i}-`), Buffer.from([0, 0xff, 0x0a])]);
    if (i === 3) key = Buffer.alloc(0);
    if (i === 7) key = null;
    const value = i === 5 ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`värde ✓ ${tag} #${i}\n`), binary]);
    records.push({ partition, key, value, headers });
  }
  return records;
}

function kcatInput(records: readonly TestRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const record of records) {
    if (record.key !== null) parts.push(record.key, Buffer.from([KEY_DELIMITER]));
    parts.push(record.value ?? Buffer.alloc(0), Buffer.from([RECORD_DELIMITER]));
  }
  return Buffer.concat(parts);
}

interface KcatRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: string;
}

/** `-f '%p %o %T %K %S %h\n%k%s\n'`: a text line, then exactly %K key and %S value bytes. */
const KCAT_FORMAT = "%p %o %T %K %S %h\\n%k%s\\n";

function parseKcatOutput(output: Buffer): KcatRecord[] {
  const records: KcatRecord[] = [];
  let at = 0;
  while (at < output.length) {
    const lineEnd = output.indexOf(0x0a, at);
    assert.ok(lineEnd >= 0, `kcat output ends inside a record header at byte ${at}`);
    const line = output.subarray(at, lineEnd).toString("utf8");
    const [partition, offset, timestamp, keyLength, valueLength, ...rest] = line.split(" ");
    at = lineEnd + 1;
    const take = (length: number): Buffer | null => {
      if (length < 0) return null;
      const bytes = output.subarray(at, at + length);
      at += length;
      return bytes;
    };
    const key = take(Number(keyLength));
    const value = take(Number(valueLength));
    assert.equal(output[at], 0x0a, "a newline after each record's bytes");
    at += 1;
    records.push({
      partition: Number(partition),
      offset: Number(offset),
      timestamp: Number(timestamp),
      key,
      value,
      headers: rest.join(" "),
    });
  }
  return records;
}

/** kcat reading one partition from `offset`, `count` records or to the end. */
async function kcatConsume(
  topic: string,
  partition: number,
  offset: number,
  count?: number,
): Promise<KcatRecord[]> {
  const args = [
    "-b",
    samsa.bootstrap,
    "-C",
    "-t",
    topic,
    "-p",
    String(partition),
    "-o",
    String(offset),
    "-e",
    "-q",
  ];
  if (count !== undefined) args.push("-c", String(count));
  const { stdout } = await runCommandOk(KCAT, [...args, "-f", KCAT_FORMAT]);
  return parseKcatOutput(stdout);
}

function assertBytes(actual: Buffer | null, expected: Buffer | null, what: string): void {
  // kcat prints a null key or value as nothing, with length -1.
  if (expected === null) assert.equal(actual, null, `${what}: expected null`);
  else
    assert.ok(actual?.equals(expected), `${what}: ${actual?.toString("hex")} != ${expected.toString("hex")}`);
}

const acksLevels = [
  { partition: 0, acks: "all" },
  { partition: 1, acks: "1" },
  { partition: 2, acks: "0" },
] as const;

describe("kcat produces, kcat and the Java client read back", () => {
  for (const codec of codecs) {
    test(`${codec}: keys and headers to chosen partitions at acks all, 1 and 0`, async () => {
      const topic = uniqueTopic(`kcat-${codec}`);
      await createTopicOk(java, { name: topic, partitions: 3 });
      const sent: TestRecord[] = [];
      for (const { partition, acks } of acksLevels) {
        const headerPairs: [string, string][] = [
          ["trace", `kcat-${codec}-p${partition}`],
          ["ünï", `✓ acks=${acks}`],
          ["empty", ""],
        ];
        const headers = headerPairs.map(([key, value]) => ({ key, value: Buffer.from(value) }));
        const records = kcatRecords(`${codec}-${partition}`, partition, headers);
        await runCommandOk(
          KCAT,
          [
            ...["-b", samsa.bootstrap, "-P", "-t", topic, "-p", String(partition)],
            ...["-D", "\\x1e", "-K", "\\x1f", "-z", codec],
            ...["-X", `acks=${acks}`, "-X", "linger.ms=20"],
            ...headerPairs.flatMap(([key, value]) => ["-H", `${key}=${value}`]),
          ],
          { input: kcatInput(records) },
        );
        sent.push(...records);
      }
      // The Java client: every byte, header values included.
      const read = await consume(java, topic, { from: 3, count: sent.length, timeoutMs: 20_000 });
      assertSameRecords(read, sent, `kcat ${codec} read by Java`);
      // kcat itself, partition by partition from offset 0.
      for (const { partition } of acksLevels) {
        const expected = sent.filter((r) => r.partition === partition);
        const got = await kcatConsume(topic, partition, 0);
        assert.equal(got.length, expected.length, `partition ${partition}`);
        got.forEach((record, i) => {
          assert.equal(record.offset, i);
          assertBytes(record.key, expected[i].key, `p${partition}/${i} key`);
          assertBytes(record.value, expected[i].value, `p${partition}/${i} value`);
          const headerText = expected[i].headers
            .map((h) => `${h.key}=${h.value?.toString() ?? ""}`)
            .join(",");
          assert.equal(record.headers, headerText, `p${partition}/${i} headers`);
        });
      }
    });
  }
});

describe("kcat reads what the Java client wrote", () => {
  test("by partition and offset, byte for byte", async () => {
    const topic = uniqueTopic("kcat-from-java");
    await createTopicOk(java, { name: topic, partitions: 2 });
    const records = sampleRecords({ tag: "java→kcat", partitions: 2, count: 40 });
    await produceOk(java, topic, records, { acks: "all", compression: "zstd", batchSize: 4096 });
    for (const partition of [0, 1]) {
      const expected = records.filter((r) => r.partition === partition);
      const all = await kcatConsume(topic, partition, 0);
      assert.equal(all.length, expected.length);
      all.forEach((record, i) => {
        assertBytes(record.key, expected[i].key, `p${partition}/${i} key`);
        assertBytes(record.value, expected[i].value, `p${partition}/${i} value`);
      });
      const middle = await kcatConsume(topic, partition, 5, 3);
      assert.deepEqual(
        middle.map((r) => r.offset),
        [5, 6, 7],
      );
      for (const [i, record] of middle.entries()) {
        assertBytes(record.value, expected[5 + i].value, `p${partition}/${5 + i}`);
      }
    }
  });

  test("offsets by timestamp (-Q) and metadata (-L)", async () => {
    const topic = uniqueTopic("kcat-query");
    await createTopicOk(java, { name: topic, partitions: 2 });
    const baseMs = Date.now() - 120_000;
    const records = sampleRecords({ tag: "q", partitions: 1, count: 4 }).map((r, i) => ({
      ...r,
      timestamp: baseMs + [10, 40, 20, 30][i],
    }));
    await produceOk(java, topic, records, { acks: "all" });
    const query = async (timestampMs: number): Promise<number> => {
      const { stdout } = await runCommandOk(KCAT, [
        "-b",
        samsa.bootstrap,
        "-Q",
        "-t",
        `${topic}:0:${timestampMs}`,
      ]);
      const match = /\[0\] offset (-?\d+)/.exec(stdout.toString());
      assert.ok(match !== null, `kcat -Q printed: ${stdout.toString()}`);
      return Number(match[1]);
    };
    assert.equal(await query(baseMs), 0);
    assert.equal(await query(baseMs + 15), 1);
    assert.equal(await query(baseMs + 40), 1);
    assert.equal(await query(baseMs + 41), -1);

    const { stdout } = await runCommandOk(KCAT, ["-b", samsa.bootstrap, "-L", "-J", "-t", topic]);
    const metadata = JSON.parse(stdout.toString()) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    };
    assert.deepEqual(
      metadata.brokers.map((b) => b.name),
      [samsa.bootstrap],
    );
    assert.equal(metadata.topics[0].topic, topic);
    assert.deepEqual(
      metadata.topics[0].partitions.map((p) => [p.partition, p.leader]),
      [
        [0, metadata.brokers[0].id],
        [1, metadata.brokers[0].id],
      ],
    );
  });
});
