/**
 * Generates src/protocol/messages/ from the JSON message specs inside Apache
 * Kafka's jars (kafka-clients, and the group and transaction coordinators'
 * record schemas). Deterministic: the same jars give the same files.
 *
 *   npm run gen:protocol            regenerate
 *   npm run gen:protocol -- --check fail if the committed files differ
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { emitMessageFile, GENERATED_HEADER } from "./emit-file.ts";
import { emitIndexFile } from "./emit-index.ts";
import { kebabCase, type Message, parseSpec } from "./spec.ts";
import { readZip } from "./zip.ts";

const KAFKA_VERSION = "4.4.0";
const SPEC_JARS = ["kafka-clients", "kafka-group-coordinator", "kafka-transaction-coordinator"];
const SPEC_PREFIX = "common/message/";
const root = resolve(import.meta.dirname, "../..");
const outputDir = join(root, "src/protocol/messages");

function kafkaLibs(): string {
  const fromEnv = process.env.SAMSA_KAFKA_LIBS;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return execFileSync(join(root, "tools/kafka/fetch.sh"), { encoding: "utf8" }).trim();
}

interface SpecSource {
  jar: string;
  file: string;
  text: string;
}

function readSpecs(libs: string): SpecSource[] {
  const specs: SpecSource[] = [];
  for (const artifact of SPEC_JARS) {
    const jar = `${artifact}-${KAFKA_VERSION}.jar`;
    const path = join(libs, jar);
    if (!existsSync(path)) throw new Error(`missing ${path}: run tools/kafka/fetch.sh`);
    for (const entry of readZip(path)) {
      if (!entry.name.startsWith(SPEC_PREFIX) || !entry.name.endsWith(".json")) continue;
      specs.push({ jar, file: entry.name.slice(SPEC_PREFIX.length), text: entry.read().toString("utf8") });
    }
  }
  specs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return specs;
}

function generate(specs: SpecSource[]): Map<string, string> {
  const files = new Map<string, string>();
  const messages: Message[] = [];
  for (const spec of specs) {
    const message = parseSpec(spec.text);
    const fileName = `${kebabCase(message.name)}.ts`;
    if (files.has(fileName)) throw new Error(`two specs generate ${fileName}`);
    files.set(fileName, emitMessageFile(message, `${spec.jar}!/${SPEC_PREFIX}${spec.file}`));
    messages.push(message);
  }
  files.set("index.ts", emitIndexFile(messages));
  return files;
}

function main(): void {
  const check = process.argv.includes("--check");
  const specs = readSpecs(kafkaLibs());
  const files = generate(specs);
  const existing = existsSync(outputDir) ? readdirSync(outputDir).filter((f) => f.endsWith(".ts")) : [];
  const stale = existing.filter((f) => !files.has(f));
  const changed = [...files].filter(([name, text]) => {
    const path = join(outputDir, name);
    return !existsSync(path) || readFileSync(path, "utf8") !== text;
  });
  if (check) {
    if (changed.length > 0 || stale.length > 0) {
      const names = [...changed.map(([n]) => n), ...stale].slice(0, 10).join(", ");
      console.error(`generated protocol code is out of date (${names}): run npm run gen:protocol`);
      process.exit(1);
    }
    console.log(`generated protocol code is up to date (${specs.length} specs)`);
    return;
  }
  mkdirSync(outputDir, { recursive: true });
  for (const name of stale) {
    const path = join(outputDir, name);
    if (readFileSync(path, "utf8").startsWith(GENERATED_HEADER)) rmSync(path);
  }
  for (const [name, text] of changed) writeFileSync(join(outputDir, name), text);
  console.log(
    `${specs.length} specs → ${files.size} files (${changed.length} changed, ${stale.length} removed)`,
  );
}

main();
