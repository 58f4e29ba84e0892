// Where the Apache Kafka 4.4.0 jars live. fetch.sh resolves them from Maven
// into a cache outside the repository once, and prints the directory.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const kafkaVersion = "4.4.0";

const fetchScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "fetch.sh");

let cachedLibsDir: string | null = null;

/** Runs fetch.sh (a no-op when the cache is complete) and returns the jar directory. */
export function kafkaLibsDir(): string {
  if (cachedLibsDir !== null) return cachedLibsDir;
  const output = execFileSync("bash", [fetchScript], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const dir = output.trim().split("\n").at(-1) ?? "";
  if (!existsSync(path.join(dir, `kafka_2.13-${kafkaVersion}.jar`))) {
    throw new Error(`fetch.sh printed '${dir}', which holds no kafka_2.13-${kafkaVersion}.jar`);
  }
  cachedLibsDir = dir;
  return dir;
}

/** A classpath of every jar in the directory, in the form `java -cp` expands itself. */
export function kafkaClasspath(): string {
  return path.join(kafkaLibsDir(), "*");
}
