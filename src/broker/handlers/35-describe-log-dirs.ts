/**
 * DescribeLogDirs (key 35), v1–v5: each log directory with the partitions
 * it holds and their sizes, plus (v4+) the file system's total and usable
 * bytes. A null topic list means every partition.
 */
import { statfs } from "node:fs/promises";
import { ApiKey } from "../../protocol/api-keys.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { DescribeLogDirsRequest } from "../../protocol/messages/describe-log-dirs-request.ts";
import type {
  DescribeLogDirsResponse,
  DescribeLogDirsResult,
} from "../../protocol/messages/describe-log-dirs-response.ts";
import type { Handler } from "../handler.ts";

async function diskBytes(path: string): Promise<{ totalBytes: bigint; usableBytes: bigint }> {
  try {
    const stats = await statfs(path);
    return {
      totalBytes: BigInt(stats.blocks) * BigInt(stats.bsize),
      usableBytes: BigInt(stats.bavail) * BigInt(stats.bsize),
    };
  } catch {
    return { totalBytes: -1n, usableBytes: -1n };
  }
}

export const describeLogDirsHandler: Handler<DescribeLogDirsRequest> = {
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 1,
  maxVersion: 5,
  async handle(context, request): Promise<DescribeLogDirsResponse> {
    const { broker } = context;
    const wanted = request.topics ?? null;
    const wants = (topic: string, partition: number): boolean =>
      wanted === null || wanted.some((t) => t.topic === topic && t.partitions.includes(partition));
    const results: DescribeLogDirsResult[] = [];
    for (const logDir of broker.settings.logDirs) {
      const byTopic = new Map<
        string,
        { partitionIndex: number; partitionSize: bigint; offsetLag: bigint; isFutureKey: boolean }[]
      >();
      for (const managed of broker.logManager.allLogs()) {
        if (managed.logDir !== logDir || !wants(managed.topic, managed.partition)) continue;
        const list = byTopic.get(managed.topic) ?? [];
        list.push({
          partitionIndex: managed.partition,
          partitionSize: BigInt(managed.log.sizeBytes()),
          offsetLag: 0n,
          isFutureKey: false,
        });
        byTopic.set(managed.topic, list);
      }
      results.push({
        errorCode: ErrorCode.NONE,
        logDir,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
        ...(context.apiVersion >= 4 ? await diskBytes(logDir) : {}),
        isCordoned: false,
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
  },
};
