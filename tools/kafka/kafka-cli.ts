// Apache Kafka 4.4.0's command-line tools, run from the jars fetch.sh resolved
// (the distribution's bin/*.sh scripts are not in Maven; each only picks a main
// class). A small heap, C1 only and class-data sharing make them start fast, and
// a log4j2 configuration keeps their logging to warnings on stderr, so stdout
// holds only what the tool prints for its user.
//
//   npx tsx tools/kafka/kafka-cli.ts kafka-topics --bootstrap-server 127.0.0.1:9092 --list

import { spawn } from "node:child_process";
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { kafkaClasspath, kafkaVersion } from "./kafka-libs.ts";

/** Each tool's main class in Kafka 4.4.0 (what its bin/ script runs). */
export const kafkaTools = {
  "kafka-topics": "org.apache.kafka.tools.TopicCommand",
  "kafka-configs": "org.apache.kafka.tools.ConfigCommand",
  "kafka-console-producer": "org.apache.kafka.tools.ConsoleProducer",
  "kafka-console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
  "kafka-get-offsets": "org.apache.kafka.tools.GetOffsetShell",
  "kafka-delete-records": "org.apache.kafka.tools.DeleteRecordsCommand",
  "kafka-producer-perf-test": "org.apache.kafka.tools.ProducerPerformance",
  "kafka-consumer-groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
} as const;

export type KafkaTool = keyof typeof kafkaTools;

/** For short-lived JVMs: a small heap, the quick C1 compiler only, the JDK's shared class archive. */
export const fastJvmArgs: readonly string[] = ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"];

const log4j2Config = [
  "status = error",
  "appender.stderr.type = Console",
  "appender.stderr.name = stderr",
  "appender.stderr.target = SYSTEM_ERR",
  "appender.stderr.layout.type = PatternLayout",
  "appender.stderr.layout.pattern = [%d] %p %m (%c)%n",
  "rootLogger.level = WARN",
  "rootLogger.appenderRef.stderr.ref = stderr",
  "",
].join("\n");

let log4j2File: string | null = null;

/** The quiet log4j2 configuration, written once per process into the temp directory. */
export function quietLog4j2File(): string {
  if (log4j2File !== null && existsSync(log4j2File)) return log4j2File;
  const file = path.join(os.tmpdir(), `samsa-kafka-cli-log4j2-${process.pid}.properties`);
  // Written aside and renamed, so a JVM never reads half a file.
  writeFileSync(`${file}.tmp`, log4j2Config);
  renameSync(`${file}.tmp`, file);
  process.once("exit", () => rmSync(file, { force: true }));
  log4j2File = file;
  return file;
}

/** The `java` argument list that runs one tool. */
export function kafkaToolArgs(tool: KafkaTool, args: readonly string[]): string[] {
  return [
    ...fastJvmArgs,
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${quietLog4j2File()}`,
    "-cp",
    kafkaClasspath(),
    kafkaTools[tool],
    ...args,
  ];
}

export interface ToolResult {
  /** The exit code, or null when a signal (the timeout) ended the tool. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  /** Written to the tool's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

/** Runs a tool to completion (or until the timeout, then SIGKILL of that one process). Never rejects on exit codes. */
export function runKafkaTool(
  tool: KafkaTool,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn("java", kafkaToolArgs(tool, args), { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    // A tool that exits without reading its input is judged by its exit code.
    child.stdin.on("error", () => undefined);
    const timer = setTimeout(() => {
      stderr += `\n(${tool} killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Like runKafkaTool, but a non-zero exit is an error that carries the tool's output. */
export async function runKafkaToolOk(
  tool: KafkaTool,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const result = await runKafkaTool(tool, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${tool} ${args.join(" ")} exited with ${result.code}\n--- stdout ---\n${result.stdout.slice(-4_000)}` +
        `\n--- stderr ---\n${result.stderr.slice(-4_000)}`,
    );
  }
  return result;
}

function main(argv: readonly string[]): void {
  const [tool, ...args] = argv;
  if (tool === undefined || !(tool in kafkaTools)) {
    console.error(`usage: kafka-cli.ts <tool> [args...]   (Apache Kafka ${kafkaVersion})`);
    console.error(`tools: ${Object.keys(kafkaTools).join(", ")}`);
    process.exit(2);
  }
  const child = spawn("java", kafkaToolArgs(tool as KafkaTool, args), { stdio: "inherit" });
  child.once("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
