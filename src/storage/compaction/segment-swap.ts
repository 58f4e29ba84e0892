/**
 * Putting a cleaned segment in place of the segments it was made from, so a
 * crash at any step leaves the old segments or the new one, never a mix
 * (Kafka's `replaceSegments`; the loader's `completeSwaps` is the other half):
 *
 *   1. `<base>.log.cleaned` and its indexes are complete and fsynced (caller).
 *   2. Rename them to `.swap`, indexes first, the .log last, and fsync the
 *      directory. The durable `.log.swap` is the commit point: from here a
 *      crash completes the swap on load; before it, the loader drops the
 *      `.cleaned` files and the old segments stand.
 *   3. `Log.swapSegments`: reads move to the new segment; the old segments
 *      are retired as `.deleted` (files removed after file.delete.delay.ms),
 *      except the one sharing the new base offset, whose files step 4's
 *      renames replace (reads in flight on it finish first: closeHandle).
 *   4. Rename the `.swap` files to live names, .log last, and fsync the
 *      directory; that sync also makes step 3's renames durable.
 *
 * Which old segments a swap replaces after a crash is read from the swap
 * file itself: every segment based in [swap base, swap's last offset + 1).
 * That is exact only if the cleaned segment ends at the group's last offset,
 * so the cleaner keeps the group's last batch, emptied if need be.
 */
import type { Log } from "../log.ts";
import type { LogSegment } from "../log-segment.ts";
import { CLEANED_SUFFIX, SWAP_SUFFIX } from "../segment-files.ts";

/** Whether `group` still lies, consecutive and inactive, in the log. */
export function isStillInLog(log: Log, group: readonly LogSegment[]): boolean {
  const segments = log.allSegments();
  const first = segments.indexOf(group[0]);
  if (first < 0 || first + group.length >= segments.length) return false;
  return group.every((segment, i) => segments[first + i] === segment);
}

/**
 * Steps 2-4. Returns false, with the cleaned files removed, when the group
 * left the log while it was being cleaned (retention or truncation ran
 * without pausing the cleaner).
 */
export async function swapInCleanedSegment(
  log: Log,
  group: readonly LogSegment[],
  cleaned: LogSegment,
): Promise<boolean> {
  const { fs, dir } = log.context;
  if (!isStillInLog(log, group)) {
    await cleaned.deleteFiles();
    return false;
  }
  await cleaned.renameFiles(CLEANED_SUFFIX, SWAP_SUFFIX);
  await fs.syncDirectory(dir);
  // Wait for mutations queued before this point, then look again right before queueing the swap.
  await log.exclusive(async () => undefined);
  if (!isStillInLog(log, group)) {
    await cleaned.deleteFiles();
    await fs.syncDirectory(dir);
    return false;
  }
  if (!(await log.swapSegments(group, cleaned))) {
    await cleaned.deleteFiles();
    await fs.syncDirectory(dir);
    return false;
  }
  await cleaned.renameFiles(SWAP_SUFFIX, "");
  await fs.syncDirectory(dir);
  return true;
}
