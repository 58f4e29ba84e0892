/**
 * OffsetDelete (key 47), v0–v0. Deletes a group's committed offsets for partitions it no longer subscribes to.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { OffsetDeleteRequest } from "../../protocol/messages/offset-delete-request.ts";
import { groupHandler } from "../group-handler.ts";

export const offsetDeleteHandler = groupHandler<OffsetDeleteRequest>(
  ApiKey.OffsetDelete,
  "offsetDelete",
  0,
  0,
);
