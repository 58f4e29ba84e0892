// Writes chosen exchanges to test/fixtures/golden/<client>/ and keeps
// manifest.json in step, then reads everything back to check that each file's
// header agrees with its manifest entry.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readRequestHeaderPrefix, readResponseCorrelationId } from "../kafka/kafka-frames.ts";
import { apiName } from "./api-names.ts";
import { type Fixture, fixtureStem } from "./select-fixtures.ts";

export interface ManifestEntry {
  file: string;
  client: string;
  direction: "request" | "response";
  apiKey: number;
  apiName: string;
  apiVersion: number;
  correlationId: number;
  codec: string | null;
  note: string;
}

/** Replaces the fixtures of `clients`; other clients' files and entries are left alone. */
export function writeFixtures(
  goldenDir: string,
  fixtures: readonly Fixture[],
  clients: readonly string[],
): void {
  const manifestFile = path.join(goldenDir, "manifest.json");
  const kept = readManifest(manifestFile).filter((entry) => !clients.includes(entry.client));
  for (const client of clients) {
    rmSync(path.join(goldenDir, client), { recursive: true, force: true });
    mkdirSync(path.join(goldenDir, client), { recursive: true });
  }
  const written: ManifestEntry[] = [];
  for (const fixture of fixtures) {
    const stem = `${fixture.client}/${fixtureStem(fixture)}`;
    for (const direction of ["request", "response"] as const) {
      const file = `${stem}-${direction}.bin`;
      const bytes = direction === "request" ? fixture.exchange.request : fixture.exchange.response;
      writeFileSync(path.join(goldenDir, file), bytes);
      written.push({
        file,
        client: fixture.client,
        direction,
        apiKey: fixture.exchange.apiKey,
        apiName: apiName(fixture.exchange.apiKey),
        apiVersion: fixture.exchange.apiVersion,
        correlationId: fixture.exchange.correlationId,
        codec: fixture.codec,
        note: fixture.note,
      });
    }
  }
  const manifest = [...kept, ...written].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readManifest(manifestFile: string): ManifestEntry[] {
  if (!existsSync(manifestFile)) return [];
  const parsed: unknown = JSON.parse(readFileSync(manifestFile, "utf8"));
  if (!Array.isArray(parsed)) throw new Error(`${manifestFile} is not an array`);
  return parsed as ManifestEntry[];
}

/** Problems found, empty when every file exists and matches its entry. */
export function verifyFixtures(goldenDir: string): string[] {
  const problems: string[] = [];
  for (const entry of readManifest(path.join(goldenDir, "manifest.json"))) {
    const file = path.join(goldenDir, entry.file);
    if (!existsSync(file)) {
      problems.push(`${entry.file}: missing`);
      continue;
    }
    const frame = readFileSync(file);
    if (entry.direction === "request") {
      const header = readRequestHeaderPrefix(frame);
      if (header.apiKey !== entry.apiKey || header.apiVersion !== entry.apiVersion) {
        problems.push(`${entry.file}: header says ${header.apiKey} v${header.apiVersion}`);
      }
      if (header.correlationId !== entry.correlationId)
        problems.push(`${entry.file}: correlation id differs`);
    } else if (readResponseCorrelationId(frame) !== entry.correlationId) {
      problems.push(`${entry.file}: correlation id differs`);
    }
  }
  return problems;
}
