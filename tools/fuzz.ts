/**
 * The full decoder fuzz run: `npm run fuzz [-- --iterations N --seed S]`.
 * Exits non-zero on the first failures, printing how to reproduce them.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runDecodeFuzz } from "../test/fuzz/decode-fuzzer.ts";

const { values } = parseArgs({
  options: { iterations: { type: "string", default: "1000000" }, seed: { type: "string", default: "1" } },
});
const iterations = Number(values.iterations);
const seed = Number(values.seed);
const started = process.hrtime.bigint();
const report = runDecodeFuzz({
  seed,
  iterations,
  goldenDir: join(import.meta.dirname, "../test/fixtures/golden"),
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `fuzz: ${iterations} inputs in ${seconds.toFixed(1)} s (seed ${seed}): ${report.decoded} decoded, ${report.rejected} rejected with DecodeError, ${report.failures.length} failures`,
);
for (const failure of report.failures.slice(0, 10)) {
  console.log(
    `  iteration ${failure.iteration} ${failure.target}: ${failure.error}\n    input ${failure.input}`,
  );
}
if (report.failures.length > 0) {
  console.log(`rerun with: npm run fuzz -- --seed ${seed} --iterations ${iterations}`);
  process.exit(1);
}
