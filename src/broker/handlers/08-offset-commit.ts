/**
 * OffsetCommit (key 8), v2–v10. Commits offsets for a group: generation and member checks for members, simple commits (generation -1) for an empty or unknown group.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { OffsetCommitRequest } from "../../protocol/messages/offset-commit-request.ts";
import { groupHandler } from "../group-handler.ts";

export const offsetCommitHandler = groupHandler<OffsetCommitRequest>(
  ApiKey.OffsetCommit,
  "offsetCommit",
  2,
  10,
);
