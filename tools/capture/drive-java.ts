// The Apache Kafka Java client 4.4.0, launched as a single-file source program
// against the jars fetch.sh resolved: no build step.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { kafkaClasspath } from "../kafka/kafka-libs.ts";
import { runProcess } from "./run-process.ts";

const source = path.join(path.dirname(fileURLToPath(import.meta.url)), "java", "GoldenCapture.java");

export async function driveJava(bootstrap: string): Promise<void> {
  const { stdout } = await runProcess("java", ["-cp", kafkaClasspath(), source, bootstrap, "java"], {
    timeoutMs: 180_000,
  });
  const consumed = stdout.split("\n").filter((line) => line.startsWith("consumed ")).length;
  if (consumed === 0) throw new Error(`Java client consumed nothing:\n${stdout}`);
}

const verifier = path.join(path.dirname(fileURLToPath(import.meta.url)), "java", "VerifyGolden.java");

/**
 * Parses every fixture with Kafka's own generated codec and re-encodes it;
 * returns the summary line ("N passed, M failed"), throws when any fails.
 */
export async function verifyWithKafkaCodec(goldenDir: string): Promise<string> {
  const { stdout } = await runProcess("java", ["-cp", kafkaClasspath(), verifier, goldenDir], {
    timeoutMs: 120_000,
  });
  return stdout.trim().split("\n").at(-1) ?? "";
}
