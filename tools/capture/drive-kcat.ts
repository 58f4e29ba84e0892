// librdkafka through Debian's kcat: metadata (-L), one producer run per
// compression codec (-P -z), then one consumer run per topic (-C -e). The
// topics must exist beforehand (see create-topics.ts).
// kcat sets headers per run, not per record, so its records share one header set.

import { goldenRecords, recordsPerBatch } from "./golden-records.ts";
import { codecNames } from "./record-batches.ts";
import { runProcess } from "./run-process.ts";

const timeoutMs = 60_000;

export const kcatTopics = codecNames.map((codec) => `kcat-${codec}`);

/** The librdkafka version kcat was built with, from `kcat -V`. */
export async function librdkafkaVersion(): Promise<string> {
  const { stdout } = await runProcess("kcat", ["-V"], { timeoutMs });
  return /librdkafka ([0-9][^\s]*)/.exec(stdout)?.[1] ?? "unknown";
}

export async function driveKcat(bootstrap: string): Promise<void> {
  await runProcess("kcat", ["-b", bootstrap, "-L"], { timeoutMs });
  for (const codec of codecNames) {
    const input = goldenRecords(codec)
      .map((record) => `${record.key}:${record.value}\n`)
      .join("");
    const compression = codec === "none" ? [] : ["-z", codec];
    const headers = ["-H", "trace=golden", "-H", `codec=${codec}`];
    // kcat reads stdin line by line; a linger keeps the three records in one batch.
    const linger = ["-X", "linger.ms=100"];
    await runProcess(
      "kcat",
      ["-b", bootstrap, "-P", "-t", `kcat-${codec}`, "-K", ":", ...headers, ...linger, ...compression],
      {
        timeoutMs,
        input,
      },
    );
  }
  for (const codec of codecNames) {
    const { stdout } = await runProcess(
      "kcat",
      ["-b", bootstrap, "-C", "-t", `kcat-${codec}`, "-o", "beginning", "-e", "-q", "-f", "%k %h\\n"],
      { timeoutMs },
    );
    const lines = stdout.split("\n").filter((line) => line.length > 0);
    if (lines.length !== recordsPerBatch) {
      throw new Error(
        `kcat consumed ${lines.length} records from kcat-${codec}, expected ${recordsPerBatch}`,
      );
    }
  }
}
