/**
 * Runs every `*.test.ts` under the given folders with Node's test runner.
 * Node 20's `--test` does not expand globs for `.ts`, so the files are listed
 * here and passed explicitly.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function testFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...testFiles(path));
    else if (name.endsWith(".test.ts")) files.push(path);
  }
  return files;
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: tsx tools/run-tests.ts <dir>...");
  process.exit(2);
}
const files = dirs.flatMap(testFiles);
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
