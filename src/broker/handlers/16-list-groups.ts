/**
 * ListGroups (key 16), v0–v5. Every group, filtered by state (v4+) and type (v5+).
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { ListGroupsRequest } from "../../protocol/messages/list-groups-request.ts";
import { groupHandler } from "../group-handler.ts";

export const listGroupsHandler = groupHandler<ListGroupsRequest>(ApiKey.ListGroups, "listGroups", 0, 5);
