/**
 * The fault tier's SIGKILL run: many cycles of a real child process appending
 * with acks=all from several appenders to a log on the real file system,
 * killed at a seeded moment after some acknowledgements, the log reopened
 * and checked by the parent each time (support/process-crash.ts). The data
 * accumulates over the cycles on one directory. `SAMSA_SEED=N` replays a run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCrashCycles } from "../unit/storage/support/process-crash.ts";
import { testSeed, withSeed } from "../unit/storage/support/seed.ts";

const CYCLES = 60;

test(`acknowledged appends survive SIGKILL, ${CYCLES} cycles`, async (t) => {
  const seed = testSeed(0x51c1);
  const report = await withSeed(seed, () =>
    runCrashCycles({ seed, cycles: CYCLES, appenders: 6, maxAcksBeforeKill: 120 }),
  );
  t.diagnostic(JSON.stringify(report));
  assert.equal(report.cycles, CYCLES);
  assert.ok(report.segments > 1, "the log rolled along the way");
});
