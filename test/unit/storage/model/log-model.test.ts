/**
 * The partition log against its reference model: a quick run of the
 * property in log-model-run.ts (the fault tier runs a longer sweep).
 * `SAMSA_SEED=N` replays a failing seed.
 */
import { test } from "node:test";
import { testSeed } from "../support/seed.ts";
import { checkLogAgainstModel } from "./log-model-run.ts";

test("the log agrees with its model through appends, reads, truncation, retention, restarts and crashes", async () => {
  await checkLogAgainstModel(testSeed(0x5a45a), Number(process.env.SAMSA_RUNS ?? 150));
});
