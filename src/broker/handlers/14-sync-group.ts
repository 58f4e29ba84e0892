/**
 * SyncGroup (key 14), v0–v5. The leader hands in the assignment; every member gets its own once the leader has.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { SyncGroupRequest } from "../../protocol/messages/sync-group-request.ts";
import { groupHandler } from "../group-handler.ts";

export const syncGroupHandler = groupHandler<SyncGroupRequest>(ApiKey.SyncGroup, "syncGroup", 0, 5);
