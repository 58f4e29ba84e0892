/**
 * BENCHMARKS.md holds one section per benchmark, between marker comments,
 * so each benchmark rewrites its own section and leaves the others alone.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = join(import.meta.dirname, "../../BENCHMARKS.md");
const PREAMBLE = [
  "# Benchmarks",
  "",
  "Each section is written by its benchmark script; figures from shared 2-core machines are noisy, so",
  "compare ratios measured in the same run rather than absolute numbers across runs.",
  "",
].join("\n");

export function writeBenchmarkSection(id: string, body: string): void {
  const begin = `<!-- begin ${id} -->`;
  const end = `<!-- end ${id} -->`;
  const text = existsSync(FILE) ? readFileSync(FILE, "utf8") : PREAMBLE;
  const section = `${begin}\n${body.trimEnd()}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, next);
}
