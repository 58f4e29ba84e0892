/**
 * The child process of the process-crash tests (process-crash.ts). Run as
 *
 *   node --import tsx crash-child.ts <logDir> <seed> <cycle> <appenders>
 *
 * it opens the log directory with the real file system through the log
 * manager (which recovers what the last SIGKILL left, and checkpoints the
 * recovery point as it runs), then appends with acks=all from several
 * concurrent appenders until it is killed. It prints
 *
 *   ready <logEndOffset>
 *   ack <baseOffset> <appender> <sequence> <sha256 of the stored batch>
 *
 * an ack line only once its append has resolved, that is, once the batch is
 * fsynced. Writes to a pipe are synchronous on Linux, so every line printed
 * reaches the parent even if the process dies right after.
 */
import { systemClock } from "../../../../src/storage/clock.ts";
import { logConfig } from "../../../../src/storage/log-config.ts";
import { LogManager } from "../../../../src/storage/log-manager.ts";
import { nodeFileSystem } from "../../../../src/storage/node-file-system.ts";
import { CRASH_LOG_CONFIG, CRASH_TOPIC, crashBatch, sha256 } from "./crash-batches.ts";

/** A bound on each appender, far past what any test waits for before it kills. */
const MAX_APPENDS_PER_APPENDER = 100_000;

async function main(): Promise<void> {
  const [logDir, seedText, cycleText, appendersText] = process.argv.slice(2);
  const seed = Number(seedText);
  const cycle = Number(cycleText);
  const appenders = Number(appendersText);
  const { manager } = await LogManager.open({
    fs: nodeFileSystem,
    clock: systemClock,
    logDirs: [logDir],
    configFor: () => logConfig(CRASH_LOG_CONFIG),
    retentionCheckIntervalMs: 3_600_000,
    checkpointIntervalMs: 20,
  });
  manager.startBackgroundTasks();
  const log = await manager.getOrCreateLog(CRASH_TOPIC, 0);
  process.stdout.write(`ready ${log.logEndOffset}\n`);
  const appendLoop = async (appender: number): Promise<void> => {
    for (let sequence = 0; sequence < MAX_APPENDS_PER_APPENDER; sequence++) {
      const batch = crashBatch(seed, { cycle, appender, sequence });
      const result = await log.append(batch, { leaderEpoch: cycle, durability: "acks-all" });
      // `batch` now holds the stored bytes: the log patched the offset and epoch into it.
      process.stdout.write(`ack ${result.firstOffset} ${appender} ${sequence} ${sha256(batch)}\n`);
    }
  };
  await Promise.all(Array.from({ length: appenders }, (_, appender) => appendLoop(appender)));
}

main().catch((error: unknown) => {
  process.stdout.write(`error ${String(error).replaceAll("\n", " ")}\n`);
  process.exit(1);
});
