/**
 * Longer runs, under the simulated file system, of the storage properties
 * the unit tier samples briefly: the log against its model through random
 * histories with crashes and torn writes, and a disk that keeps filling up.
 * Each seed is a separate test, so a failure names its own seed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fillDiskRepeatedly } from "../unit/storage/faults/disk-full-run.ts";
import { checkLogAgainstModel } from "../unit/storage/model/log-model-run.ts";
import { testSeed } from "../unit/storage/support/seed.ts";

const MODEL_SEEDS = [0x5a45b, 0x5a45c, 0x5a45d, 0x5a45e];
const MODEL_RUNS_PER_SEED = 600;
const DISK_SEEDS = Array.from({ length: 12 }, (_, i) => 0xd15d + i);

for (const defaultSeed of MODEL_SEEDS) {
  const seed = testSeed(defaultSeed);
  test(`the log agrees with its model, ${MODEL_RUNS_PER_SEED} histories (seed ${seed})`, async () => {
    await checkLogAgainstModel(seed, MODEL_RUNS_PER_SEED);
  });
}

for (const defaultSeed of DISK_SEEDS) {
  const seed = testSeed(defaultSeed);
  test(`a disk that keeps filling up never damages acknowledged data (seed ${seed})`, async () => {
    const { failures } = await fillDiskRepeatedly(seed, 80);
    assert.ok(failures > 0, "the disk filled up");
  });
}
