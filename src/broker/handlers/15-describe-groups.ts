/**
 * DescribeGroups (key 15), v0–v6. State, protocol, members and their assignments.
 * The coordinator (coordinator/group) decides; see group-runtime.ts for
 * how its records reach `__consumer_offsets` before the answer goes out.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { DescribeGroupsRequest } from "../../protocol/messages/describe-groups-request.ts";
import { groupHandler } from "../group-handler.ts";

export const describeGroupsHandler = groupHandler<DescribeGroupsRequest>(
  ApiKey.DescribeGroups,
  "describeGroups",
  0,
  6,
);
