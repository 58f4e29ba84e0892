/**
 * LeaveGroup (key 13), v0–v5. Removes one member (v0–v2) or a batch of them (v3+), starting a rebalance.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { LeaveGroupRequest } from "../../protocol/messages/leave-group-request.ts";
import { groupHandler } from "../group-handler.ts";

export const leaveGroupHandler = groupHandler<LeaveGroupRequest>(ApiKey.LeaveGroup, "leaveGroup", 0, 5);
