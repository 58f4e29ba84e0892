/**
 * The two brokers under test, each started on a fresh data directory and a
 * free loopback port, as the benchmark's fairness rules ask:
 *
 * - Apache Kafka 4.4.0 in KRaft mode (one node, broker and controller in one
 *   JVM) with the JVM flags its stock scripts use: kafka-server-start.sh's
 *   heap (-Xmx1G -Xms1G) and GC log, kafka-run-class.sh's performance and JMX
 *   options. The storage is formatted before the clock starts, as an operator
 *   formats it once. The server.properties are those the interop tests use
 *   (tools/kafka/broker-config.ts).
 * - Samsa from the compiled dist/ (`bin/samsa broker start`), so no
 *   TypeScript loader runs, with its defaults plus the overrides given.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  log4j2Properties,
  randomClusterId,
  renderProperties,
  serverProperties,
} from "../../tools/kafka/broker-config.ts";
import { freePort } from "../../tools/kafka/free-port.ts";
import { kafkaClasspath } from "../../tools/kafka/kafka-libs.ts";
import { type LaunchedBroker, launchBroker } from "./broker-launch.ts";

const HOST = "127.0.0.1";
const ROOT = path.join(import.meta.dirname, "../..");
const execFileAsync = promisify(execFile);

/** KAFKA_JVM_PERFORMANCE_OPTS as kafka-run-class.sh sets it when unset. */
export const KAFKA_JVM_PERFORMANCE_OPTS = [
  "-server",
  "-XX:+UseG1GC",
  "-XX:MaxGCPauseMillis=20",
  "-XX:InitiatingHeapOccupancyPercent=35",
  "-XX:+ExplicitGCInvokesConcurrent",
  "-XX:MaxInlineLevel=15",
  "-Djava.awt.headless=true",
];
/** KAFKA_HEAP_OPTS as kafka-server-start.sh sets it when unset. */
export const KAFKA_SERVER_HEAP_OPTS = ["-Xmx1G", "-Xms1G"];
const KAFKA_JMX_OPTS = [
  "-Dcom.sun.management.jmxremote",
  "-Dcom.sun.management.jmxremote.authenticate=false",
  "-Dcom.sun.management.jmxremote.ssl=false",
];

export interface BrokerStarter {
  /** "Kafka" or "Samsa", with any non-default settings. */
  label: string;
  start(): Promise<LaunchedBroker>;
}

/** `extra` server.properties win over the interop tests' ones. */
export function kafkaStarter(startTimeoutMs: number, extra: Record<string, string> = {}): BrokerStarter {
  return { label: "Kafka", start: () => startKafka(startTimeoutMs, extra) };
}

async function startKafka(startTimeoutMs: number, extra: Record<string, string>): Promise<LaunchedBroker> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), "samsa-bench-kafka-"));
  const port = await freePort(HOST);
  const controllerPort = await freePort(HOST);
  const propertiesFile = path.join(tempDir, "server.properties");
  const log4jFile = path.join(tempDir, "log4j2.properties");
  const properties = serverProperties({
    host: HOST,
    port,
    controllerPort,
    advertisedHost: HOST,
    advertisedPort: port,
    logDir: path.join(tempDir, "data"),
    extra,
  });
  writeFileSync(propertiesFile, renderProperties(properties));
  writeFileSync(log4jFile, log4j2Properties(path.join(tempDir, "server.log")));
  const log4jOpts = [`-Dkafka.logs.dir=${tempDir}`, `-Dlog4j2.configurationFile=${log4jFile}`];
  const classpath = ["-cp", kafkaClasspath()];
  // kafka-storage.sh runs with kafka-run-class.sh's default heap.
  await execFileAsync(
    "java",
    [
      "-Xmx256M",
      ...log4jOpts,
      ...classpath,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      randomClusterId(),
      "-c",
      propertiesFile,
    ],
    { timeout: 120_000 },
  );
  const gcLog = `-Xlog:gc*:file=${path.join(tempDir, "kafkaServer-gc.log")}:time,tags:filecount=10,filesize=100M`;
  return launchBroker({
    command: "java",
    args: [
      ...KAFKA_SERVER_HEAP_OPTS,
      ...KAFKA_JVM_PERFORMANCE_OPTS,
      gcLog,
      ...KAFKA_JMX_OPTS,
      ...log4jOpts,
      ...classpath,
      "kafka.Kafka",
      propertiesFile,
    ],
    host: HOST,
    port,
    tempDir,
    outputFile: path.join(tempDir, "kafkaServer.out"),
    startTimeoutMs,
  });
}

export function samsaStarter(
  label: string,
  overrides: Record<string, string>,
  startTimeoutMs: number,
): BrokerStarter {
  return { label, start: () => startSamsa(overrides, startTimeoutMs) };
}

async function startSamsa(
  overrides: Record<string, string>,
  startTimeoutMs: number,
): Promise<LaunchedBroker> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), "samsa-bench-samsa-"));
  const dataDir = path.join(tempDir, "data");
  mkdirSync(dataDir);
  const port = await freePort(HOST);
  const all: Record<string, string> = {
    listeners: `PLAINTEXT://${HOST}:${port}`,
    "log.dirs": dataDir,
    ...overrides,
  };
  const args = [path.join(ROOT, "bin/samsa"), "broker", "start"];
  for (const [key, value] of Object.entries(all)) args.push("--override", `${key}=${value}`);
  // SAMSA_* variables would configure the broker; it gets none but ours.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("SAMSA_")));
  return launchBroker({
    command: process.execPath,
    args,
    host: HOST,
    port,
    tempDir,
    outputFile: path.join(tempDir, "samsa.out"),
    env,
    startTimeoutMs,
  });
}
