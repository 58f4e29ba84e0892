/**
 * ConsumerGroupDescribe (key 69), v0–v1: epochs, assignor and members of
 * consumer-protocol groups, with each member's current and target
 * assignment. A classic group answers GROUP_ID_NOT_FOUND ("not a consumer
 * group"), which is how admin clients know to fall back to DescribeGroups.
 */
import { ApiKey } from "../../protocol/api-keys.ts";
import type { ConsumerGroupDescribeRequest } from "../../protocol/messages/consumer-group-describe-request.ts";
import { groupHandler } from "../group-handler.ts";

export const consumerGroupDescribeHandler = groupHandler<ConsumerGroupDescribeRequest>(
  ApiKey.ConsumerGroupDescribe,
  "consumerGroupDescribe",
  0,
  1,
);
