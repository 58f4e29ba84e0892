/**
 * Power loss at every file-system operation of a cleaning pass: after
 * reloading, the log holds exactly the records it held before the pass, or
 * those after it, or, since each group's swap is atomic but the pass is
 * not, the first groups cleaned and the rest as before. Every one of these
 * keeps every key's latest value, and cleaning again reaches the after view.
 *
 * The log is built so that one group's newest segment is compacted down to
 * nothing: the case where a swap file must still replace that segment.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CompressionType } from "../../../../src/protocol/records/compression/index.ts";
import { ManualClock } from "../../../../src/storage/clock.ts";
import { logConfig } from "../../../../src/storage/log-config.ts";
import { loadLog } from "../../../../src/storage/log-loader.ts";
import { SimFileSystem } from "../../../../src/storage/sim-file-system.ts";
import { DIR, openTestLog, type TestLog } from "../support/open-log.ts";
import { cleanerOver, compactConfig, keyedBatch, latestByKey, readAll } from "./support.ts";

async function buildLog(fs: SimFileSystem): Promise<TestLog> {
  const test = await openTestLog(logConfig(compactConfig()), fs, new ManualClock(1_000_000));
  const segments = [
    [keyedBatch([["keep", "1"]]), keyedBatch([["a", "1"]])],
    [keyedBatch([["a", "2"]]), keyedBatch([["b", "2"]])],
    [keyedBatch([["a", "3"]]), keyedBatch([["b", "3"]], { compression: CompressionType.gzip })],
    [keyedBatch([["b", null]]), keyedBatch([[null, "no key"]])],
  ];
  for (const batches of segments) {
    for (const batch of batches) await test.log.append(batch, { leaderEpoch: 0 });
    await test.log.roll();
  }
  await test.log.append(keyedBatch([["e", "active"]]), { leaderEpoch: 0 });
  await test.log.flush();
  // Two segments to a group: [0, 2) and [4, 6); the segment at 2 is all superseded.
  const [s0, s1, s2, s3] = test.log.allSegments().map((s) => s.sizeBytes);
  test.config.segmentBytes = Math.max(s0 + s1, s2 + s3);
  assert.ok(s0 + s1 + s2 > test.config.segmentBytes);
  return test;
}

async function reload(test: TestLog) {
  return (
    await loadLog({
      fs: test.fs,
      clock: test.clock,
      dir: DIR,
      config: test.config,
      recoveryPoint: 0,
      logStartOffset: 0,
      hadCleanShutdown: false,
    })
  ).log;
}

/** Segments follow each other without overlap (the grouping may differ once a crash split a pass). */
function assertOrderedSegments(test: TestLog, crashAt: number): void {
  const segments = test.log.allSegments();
  for (let i = 1; i < segments.length; i++) {
    assert.ok(segments[i - 1].nextOffset <= segments[i].baseOffset, `crash at ${crashAt}: segments overlap`);
  }
}

test("a crash at any step of a pass leaves the log before or after it, never a mix", async () => {
  const reference = await buildLog(new SimFileSystem());
  const before = await readAll(reference.log);
  const referenceCleaner = await cleanerOver(reference);
  let operations = 0;
  reference.fs.faultHook = () => {
    operations++;
    return null;
  };
  assert.ok((await referenceCleaner.cleanOnce()) !== null);
  reference.fs.faultHook = null;
  const after = await readAll(reference.log);
  assert.deepStrictEqual(
    reference.log.allSegments().map((s) => [s.baseOffset, s.nextOffset]),
    [
      [0, 4],
      [4, 8],
      [8, 9],
    ],
    "the emptied segment at 2 is covered by the swap based at 0",
  );
  assert.deepStrictEqual(
    after.map((r) => [r.offset, r.key, r.value]),
    [
      [0, "keep", "1"],
      [4, "a", "3"],
      [6, "b", null],
      [8, "e", "active"],
    ],
  );

  // Group g replaces [bounds[g-1], bounds[g]); a crash leaves a prefix of the groups swapped.
  const bounds = [0, 4, 8];
  const views = bounds.map((bound) => [
    ...after.filter((r) => r.offset < bound),
    ...before.filter((r) => r.offset >= bound),
  ]);
  for (const view of views) assert.deepStrictEqual(latestByKey(view), latestByKey(before));
  const outcomes = views.map(() => 0);
  for (let crashAt = 1; crashAt <= operations; crashAt++) {
    const test = await buildLog(new SimFileSystem({ seed: crashAt }));
    const cleaner = await cleanerOver(test);
    let count = 0;
    test.fs.faultHook = () => {
      count++;
      if (count === crashAt) test.fs.crash({ tornWrites: crashAt % 2 === 0 });
      return count >= crashAt ? "EIO" : null;
    };
    assert.equal(await cleaner.cleanOnce(), null, `crash at ${crashAt}: the pass fails`);
    test.fs.clearFaults();
    const recovered = { ...test, log: await reload(test) };
    const records = await readAll(recovered.log);
    const seen = views.findIndex((view) => JSON.stringify(view) === JSON.stringify(records));
    assert.ok(seen >= 0, `crash at operation ${crashAt}: ${JSON.stringify(records)}`);
    outcomes[seen]++;

    assert.ok(
      (await (await cleanerOver(recovered)).cleanOnce()) !== null,
      `crash at ${crashAt}: clean again`,
    );
    assert.deepStrictEqual(await readAll(recovered.log), after, `crash at ${crashAt}: cleaning again`);
    assertOrderedSegments(recovered, crashAt);
  }
  assert.ok(
    outcomes.every((count) => count > 0),
    `every view was reached: ${outcomes}`,
  );
});

test("loading completes a committed swap and drops index swap files whose .log never became .swap", async () => {
  const fs = new SimFileSystem();
  const test = await buildLog(fs);
  const [s0, s1] = test.log.allSegments();
  // A stray index swap (an uncommitted rename) for the segment at 4, and nothing else.
  await fs.rename(`${DIR}/00000000000000000004.index`, `${DIR}/00000000000000000004.index.swap`);
  await fs.syncDirectory(DIR);
  const records = await readAll(test.log);
  const reloaded = await reload(test);
  assert.deepStrictEqual(await readAll(reloaded), records);
  assert.ok(!(await fs.readdir(DIR)).some((name) => name.endsWith(".swap")));
  assert.deepStrictEqual([s0.baseOffset, s1.baseOffset], [0, 2]);
});

test("the .log file is renamed last into .swap and into its live name, and each step is synced", async () => {
  const test = await buildLog(new SimFileSystem());
  const cleaner = await cleanerOver(test);
  const steps: string[] = [];
  const name = (path: string) => path.slice(path.lastIndexOf("/") + 1).replace(/^0+(?=\d)/, "");
  test.fs.faultHook = (operation, path, target) => {
    if (operation === "rename" && target !== undefined && !target.endsWith(".deleted")) {
      steps.push(`${name(path)} -> ${name(target)}`);
    }
    if (operation === "syncDirectory") steps.push("sync");
    return null;
  };
  assert.ok((await cleaner.cleanOnce()) !== null);
  const firstGroup = steps.slice(0, steps.indexOf("sync", steps.indexOf("sync") + 1) + 1);
  assert.deepStrictEqual(firstGroup, [
    "0.index.cleaned -> 0.index.swap",
    "0.timeindex.cleaned -> 0.timeindex.swap",
    "0.log.cleaned -> 0.log.swap",
    "sync",
    "0.index.swap -> 0.index",
    "0.timeindex.swap -> 0.timeindex",
    "0.log.swap -> 0.log",
    "sync",
  ]);
});
