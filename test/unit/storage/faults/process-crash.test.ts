/**
 * A few SIGKILL cycles of a real child process appending with acks=all to a
 * log on the real file system (support/process-crash.ts has the scenario).
 * The fault tier (test/fault/) runs many more.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCrashCycles } from "../support/process-crash.ts";
import { testSeed, withSeed } from "../support/seed.ts";

test("acknowledged appends survive SIGKILL, three cycles", async (t) => {
  const seed = testSeed(0xc0ffee);
  const report = await withSeed(seed, () =>
    runCrashCycles({ seed, cycles: 3, appenders: 4, maxAcksBeforeKill: 40 }),
  );
  t.diagnostic(JSON.stringify(report));
  assert.equal(report.cycles, 3);
  assert.ok(report.acknowledgedBatches >= 3 + 3, "every cycle acknowledged something");
});
