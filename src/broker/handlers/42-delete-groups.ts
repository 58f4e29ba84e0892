/**
 * DeleteGroups (key 42), v0–v3. Deletes empty groups and their offsets (NON_EMPTY_GROUP otherwise).
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { DeleteGroupsRequest } from "../../protocol/messages/delete-groups-request.ts";
import { groupHandler } from "../group-handler.ts";

export const deleteGroupsHandler = groupHandler<DeleteGroupsRequest>(
  ApiKey.DeleteGroups,
  "deleteGroups",
  0,
  3,
);
