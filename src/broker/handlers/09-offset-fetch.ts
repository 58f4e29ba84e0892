/**
 * OffsetFetch (key 9), v1–v10. Committed offsets of one group (v0–v7) or several (v8+); -1 where nothing is committed.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { OffsetFetchRequest } from "../../protocol/messages/offset-fetch-request.ts";
import { groupHandler } from "../group-handler.ts";

export const offsetFetchHandler = groupHandler<OffsetFetchRequest>(ApiKey.OffsetFetch, "offsetFetch", 1, 10);
