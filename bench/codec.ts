/**
 * Codec benchmark: encode/decode of Produce requests and Fetch responses
 * carrying 1 MiB of record batches, and CRC32C throughput, for Samsa and for
 * Apache Kafka's own generated Java classes (bench/java/CodecBench.java) in
 * the same run. Writes the "codec" section of BENCHMARKS.md.
 *
 *   npm run bench:codec
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { decodeMessage } from "../src/protocol/codec.ts";
import { type FetchResponse, fetchResponseCodec } from "../src/protocol/messages/fetch-response.ts";
import { type ProduceRequest, produceRequestCodec } from "../src/protocol/messages/produce-request.ts";
import { Writer } from "../src/protocol/primitives.ts";
import { crc32c } from "../src/protocol/records/crc32c.ts";
import type { MessageCodec } from "../src/protocol/schema.ts";
import { writeBenchmarkSection } from "./lib/benchmarks-md.ts";
import { type Measurement, measure } from "./lib/measure.ts";

const RECORDS_BYTES = 1024 * 1024;
const PARTITIONS = 16;
const root = join(import.meta.dirname, "..");

function payload(): Buffer {
  const bytes = Buffer.allocUnsafe(RECORDS_BYTES / PARTITIONS);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
  return bytes;
}

function produceRequest(version: number): ProduceRequest {
  const records = payload();
  const partitionData = Array.from({ length: PARTITIONS }, (_, index) => ({ index, records }));
  const topic =
    version >= 13
      ? { topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitionData }
      : { name: "bench-topic", partitionData };
  return { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [topic] };
}

function fetchResponse(): FetchResponse {
  const records = payload();
  const partitions = Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({
    partitionIndex,
    errorCode: 0,
    highWatermark: 1000n,
    records,
  }));
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: "bench-topic", partitions }] };
}

function codecRuns<T>(label: string, codec: MessageCodec<T>, version: number, message: T): Measurement[] {
  const encodeChunks = (): Buffer[] => {
    const w = new Writer();
    codec.encode(w, version, message);
    return w.toChunks();
  };
  const encoded = Buffer.concat(encodeChunks());
  return [
    measure(`${label} v${version} encode`, RECORDS_BYTES, () => {
      const w = new Writer();
      codec.encode(w, version, message);
      w.toBuffer();
    }),
    measure(`${label} v${version} encode (zero-copy chunks)`, RECORDS_BYTES, encodeChunks),
    measure(`${label} v${version} decode`, RECORDS_BYTES, () => decodeMessage(codec, encoded, version)),
  ];
}

function javaRuns(): Measurement[] {
  const libs = execFileSync(join(root, "tools/kafka/fetch.sh"), { encoding: "utf8" }).trim();
  const out = execFileSync(
    "java",
    ["-cp", `${libs}/*`, join(root, "bench/java/CodecBench.java"), String(RECORDS_BYTES), String(PARTITIONS)],
    {
      encoding: "utf8",
    },
  );
  return out
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Measurement);
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function main(): void {
  const samsa: Measurement[] = [
    ...codecRuns("produce", produceRequestCodec, 7, produceRequest(7)),
    ...codecRuns("produce", produceRequestCodec, 13, produceRequest(13)),
    ...codecRuns("fetch", fetchResponseCodec, 11, fetchResponse()),
    ...codecRuns("fetch", fetchResponseCodec, 17, fetchResponse()),
  ];
  const crcInput = Buffer.allocUnsafe(RECORDS_BYTES);
  for (let i = 0; i < crcInput.length; i++) crcInput[i] = (i * 7) & 0xff;
  samsa.push(measure("crc32c 1 MiB", RECORDS_BYTES, () => crc32c(crcInput)));
  const java = new Map(javaRuns().map((m) => [m.name, m]));
  const rows = samsa.map((m) => {
    const zeroCopy = m.name.endsWith("(zero-copy chunks)");
    const reference = java.get(m.name.replace(" (zero-copy chunks)", ""));
    // Kafka's encode copies the records; the zero-copy row has no like-for-like counterpart.
    const ratio =
      reference === undefined || zeroCopy ? "–" : (m.opsPerSecond / reference.opsPerSecond).toFixed(2);
    const kafka = reference === undefined ? "" : format(reference.megabytesPerSecond);
    return `| ${m.name} | ${format(m.opsPerSecond)} | ${format(m.megabytesPerSecond)} | ${kafka} | ${ratio} |`;
  });
  for (const row of rows) console.log(row);
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
    cwd: root,
    encoding: "utf8",
  }).trim();
  const body = [
    "## Codec (`npm run bench:codec`)",
    "",
    `Produce requests and Fetch responses carrying 1 MiB of record batches (${PARTITIONS} partitions × 64 KiB), and CRC32C over 1 MiB.`,
    "Kafka's figures are its own generated message classes (`MessageUtil.toByteBufferAccessor`, which copies records into one buffer,",
    "and the `ByteBufferAccessor` constructors, which slice them) and `java.util.zip.CRC32C`, measured in the same run.",
    '"zero-copy chunks" is how the broker sends: record bytes stay where they are and go out with writev.',
    "",
    `Commit ${commit}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}.`,
    "",
    "| workload | Samsa ops/s | Samsa MB/s | Kafka MB/s | Samsa/Kafka |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
  writeBenchmarkSection("codec", body);
}

main();
