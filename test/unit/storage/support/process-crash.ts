/**
 * SIGKILL cycles against the real file system: a child process
 * (crash-child.ts) appends with acks=all from several appenders and reports
 * each acknowledgement; the parent kills it at a seeded moment after some of
 * them, reopens the log as a restart after a crash would (no clean-shutdown
 * marker, recovery point from the checkpoint if one was written), and checks
 * that every acknowledged batch is there byte for byte at its offset, that
 * every batch in the log is one an appender built, that the log ends on a
 * batch boundary, and that a new append lands at the log end. The next cycle
 * starts a new child on the same directory, so the data accumulates.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PARTITION_LEADER_EPOCH_OFFSET } from "../../../../src/protocol/records/batch-header.ts";
import { systemClock } from "../../../../src/storage/clock.ts";
import { logConfig } from "../../../../src/storage/log-config.ts";
import { loadLog } from "../../../../src/storage/log-loader.ts";
import { CLEAN_SHUTDOWN_FILE } from "../../../../src/storage/log-manager.ts";
import { nodeFileSystem } from "../../../../src/storage/node-file-system.ts";
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  readOffsetCheckpoint,
  topicPartitionKey,
} from "../../../../src/storage/offset-checkpoints.ts";
import { SeededRandom } from "../../../../src/storage/sim-file-system-nodes.ts";
import {
  type BatchId,
  batchIdOf,
  CRASH_LOG_CONFIG,
  CRASH_TOPIC,
  crashBatch,
  sha256,
  storedCrashBatch,
} from "./crash-batches.ts";
import { readAllBatches } from "./log-model.ts";
import { withDeadline } from "./wait.ts";

const CHILD_SCRIPT = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
/** Bounds on waiting for the child; generous, since a loaded CI machine starts Node slowly. */
const READY_TIMEOUT_MS = 60_000;
const ACK_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;
const PARENT_APPENDER = -1;

export interface CrashCycleOptions {
  seed: number;
  cycles: number;
  /** Concurrent appenders in each child. */
  appenders: number;
  /** The child is killed after between 1 and this many acknowledgements. */
  maxAcksBeforeKill: number;
}

export interface CrashCycleReport {
  cycles: number;
  acknowledgedBatches: number;
  logEndOffset: number;
  segments: number;
  /** Cycles whose reopen found something to cut off (a batch the kill tore). */
  truncations: number;
}

interface Acknowledged {
  id: BatchId;
  leaderEpoch: number;
  sha256: string;
}

/** The child's stdout, line by line, for awaiting one line at a time. */
class Lines {
  private readonly buffered: string[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private partial = "";
  stderr = "";

  constructor(child: ChildProcess) {
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      const parts = (this.partial + chunk).split("\n");
      this.partial = parts.pop() ?? "";
      this.buffered.push(...parts);
      this.wake();
    });
    child.stdout?.on("end", () => {
      this.ended = true;
      this.wake();
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      // Bounded: only the start of a failure's output is worth keeping.
      if (this.stderr.length < 20_000) this.stderr += chunk;
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** The next line, or null once the stream has ended. */
  async next(): Promise<string | null> {
    for (;;) {
      const line = this.buffered.shift();
      if (line !== undefined) return line;
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
}

export async function runCrashCycles(options: CrashCycleOptions): Promise<CrashCycleReport> {
  const { seed, cycles, appenders, maxAcksBeforeKill } = options;
  const random = new SeededRandom(seed);
  const logDir = await mkdtemp(join(tmpdir(), "samsa-crash-"));
  const acknowledged = new Map<number, Acknowledged>();
  const report: CrashCycleReport = {
    cycles: 0,
    acknowledgedBatches: 0,
    logEndOffset: 0,
    segments: 0,
    truncations: 0,
  };
  let expectedEnd = 0;
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const killAfter = 1 + random.nextInt(maxAcksBeforeKill);
      const where = `cycle ${cycle} (kill after ${killAfter} acknowledgements), log dir ${logDir}`;
      const child = spawn(
        process.execPath,
        ["--import", "tsx", CHILD_SCRIPT, logDir, String(seed), String(cycle), String(appenders)],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      const lines = new Lines(child);
      const exit = exited(child);
      try {
        const ready = await withDeadline(
          lines.next(),
          READY_TIMEOUT_MS,
          `"ready" from the child in ${where}`,
        );
        assert.equal(
          ready,
          `ready ${expectedEnd}`,
          `${where}: the child opened the log where the parent left it`,
        );
        let seen = 0;
        while (seen < killAfter) {
          const line = await withDeadline(
            lines.next(),
            ACK_TIMEOUT_MS,
            `acknowledgement ${seen + 1} in ${where}`,
          );
          assert.ok(line !== null, `${where}: the child stopped early`);
          recordAck(acknowledged, line, cycle, expectedEnd, where);
          seen++;
        }
        child.kill("SIGKILL");
        assert.equal(
          await withDeadline(exit, EXIT_TIMEOUT_MS, `exit of the killed child in ${where}`),
          "SIGKILL",
        );
        // Lines the child printed before it died are acknowledgements too.
        const drain = async (): Promise<void> => {
          for (let line = await lines.next(); line !== null; line = await lines.next()) {
            if (line !== "") recordAck(acknowledged, line, cycle, expectedEnd, where);
          }
        };
        await withDeadline(drain(), EXIT_TIMEOUT_MS, `the end of the killed child's output in ${where}`);
      } catch (error) {
        child.kill("SIGKILL");
        await withDeadline(exit, EXIT_TIMEOUT_MS, "exit of the child").catch(() => undefined);
        if (error instanceof Error) error.message += `\nchild stderr:\n${lines.stderr}`;
        throw error;
      }
      const checked = await checkAfterKill(logDir, seed, cycle, acknowledged, where);
      expectedEnd = checked.logEndOffset;
      report.cycles++;
      report.truncations += checked.truncatedBytes > 0 ? 1 : 0;
      report.logEndOffset = checked.logEndOffset;
      report.segments = checked.segments;
    }
    report.acknowledgedBatches = acknowledged.size;
    return report;
  } finally {
    if (process.env.SAMSA_KEEP_CRASH_DIR === undefined) await rm(logDir, { recursive: true, force: true });
  }
}

function recordAck(
  acknowledged: Map<number, Acknowledged>,
  line: string,
  cycle: number,
  cycleStart: number,
  where: string,
): void {
  const fields = line.split(" ");
  assert.ok(fields[0] === "ack" && fields.length === 5, `${where}: unexpected line from the child: ${line}`);
  const [baseOffset, appender, sequence] = fields.slice(1, 4).map(Number);
  assert.ok(
    baseOffset >= cycleStart,
    `${where}: acknowledged offset ${baseOffset} is below the log end at start`,
  );
  assert.ok(!acknowledged.has(baseOffset), `${where}: offset ${baseOffset} acknowledged twice`);
  acknowledged.set(baseOffset, { id: { cycle, appender, sequence }, leaderEpoch: cycle, sha256: fields[4] });
}

/** Reopens the log as a restart after a crash would, checks it, appends once, and closes it. */
async function checkAfterKill(
  logDir: string,
  seed: number,
  cycle: number,
  acknowledged: Map<number, Acknowledged>,
  where: string,
): Promise<{ logEndOffset: number; segments: number; truncatedBytes: number }> {
  assert.equal(
    await nodeFileSystem.stat(`${logDir}/${CLEAN_SHUTDOWN_FILE}`),
    null,
    `${where}: no clean-shutdown marker`,
  );
  const key = topicPartitionKey(CRASH_TOPIC, 0);
  const recoveryPoints = await readOffsetCheckpoint(
    nodeFileSystem,
    `${logDir}/${RECOVERY_POINT_CHECKPOINT_FILE}`,
  );
  const startOffsets = await readOffsetCheckpoint(
    nodeFileSystem,
    `${logDir}/${LOG_START_OFFSET_CHECKPOINT_FILE}`,
  );
  const { log, truncatedBytes } = await loadLog({
    fs: nodeFileSystem,
    clock: systemClock,
    dir: `${logDir}/${key}`,
    config: logConfig(CRASH_LOG_CONFIG),
    recoveryPoint: recoveryPoints.get(key) ?? 0,
    logStartOffset: startOffsets.get(key) ?? 0,
    hadCleanShutdown: false,
  });
  try {
    const batches = await readAllBatches(log);
    const seen = new Set<string>();
    for (const batch of batches) {
      const id = batchIdOf(batch.bytes);
      assert.ok(id !== null, `${where}: the batch at ${batch.baseOffset} was never appended`);
      const leaderEpoch = batch.bytes.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET);
      assert.equal(
        leaderEpoch,
        id.cycle,
        `${where}: the batch at ${batch.baseOffset} has the epoch of its cycle`,
      );
      const expected = storedCrashBatch(seed, id, batch.baseOffset, leaderEpoch);
      assert.ok(
        batch.bytes.equals(expected),
        `${where}: the batch at ${batch.baseOffset} is not what was appended`,
      );
      const name = `${id.cycle}/${id.appender}/${id.sequence}`;
      assert.ok(!seen.has(name), `${where}: batch ${name} is in the log twice`);
      seen.add(name);
    }
    const byOffset = new Map(batches.map((b) => [b.baseOffset, b]));
    for (const [offset, ack] of acknowledged) {
      const batch = byOffset.get(offset);
      assert.ok(
        batch !== undefined,
        `${where}: the acknowledged batch at ${offset} is gone (log end ${log.logEndOffset})`,
      );
      assert.equal(sha256(batch.bytes), ack.sha256, `${where}: the acknowledged batch at ${offset} changed`);
      assert.ok(
        batch.bytes.equals(storedCrashBatch(seed, ack.id, offset, ack.leaderEpoch)),
        `${where}: batch at ${offset}`,
      );
    }
    const id = { cycle, appender: PARENT_APPENDER, sequence: 0 };
    const batch = crashBatch(seed, id);
    const end = log.logEndOffset;
    const appended = await log.append(batch, { leaderEpoch: cycle, durability: "acks-all" });
    assert.equal(appended.firstOffset, end, `${where}: a new append lands at the log end`);
    acknowledged.set(end, { id, leaderEpoch: cycle, sha256: sha256(batch) });
    return { logEndOffset: log.logEndOffset, segments: log.allSegments().length, truncatedBytes };
  } finally {
    await log.close();
  }
}
