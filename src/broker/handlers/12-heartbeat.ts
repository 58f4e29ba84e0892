/**
 * Heartbeat (key 12), v0–v4. Keeps a member alive; REBALANCE_IN_PROGRESS tells it to rejoin.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { HeartbeatRequest } from "../../protocol/messages/heartbeat-request.ts";
import { groupHandler } from "../group-handler.ts";

export const heartbeatHandler = groupHandler<HeartbeatRequest>(ApiKey.Heartbeat, "heartbeat", 0, 4);
