/** A slice of the decoder fuzz run (`npm run fuzz` runs a million iterations). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runDecodeFuzz } from "../../fuzz/decode-fuzzer.ts";

const SEED = 7;
const ITERATIONS = Number(process.env.SAMSA_FUZZ_ITERATIONS ?? 30_000);

test(`decoders survive ${ITERATIONS} random and mutated inputs (seed ${SEED})`, () => {
  const report = runDecodeFuzz({
    seed: SEED,
    iterations: ITERATIONS,
    goldenDir: join(import.meta.dirname, "../../fixtures/golden"),
  });
  assert.deepStrictEqual(report.failures.slice(0, 3), [], `rerun with seed=${SEED}`);
  // Both outcomes must occur, or the fuzzer is not reaching the decoders.
  assert.ok(report.decoded > ITERATIONS / 100, `only ${report.decoded} inputs decoded`);
  assert.ok(report.rejected > ITERATIONS / 100, `only ${report.rejected} inputs rejected`);
});
