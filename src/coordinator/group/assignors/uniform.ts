/**
 * The `uniform` server-side assignor (Kafka's default for KIP-848 groups).
 * Homogeneous groups (every member subscribes to the same existing topics) use
 * the exact quota builder; any other group uses the iterative balancer.
 */
import { existingSubscriptions, sortMembersById } from "./common.ts";
import type { AssignmentSpec, PartitionAssignor, TargetAssignment } from "./types.ts";
import { assignUniformHeterogeneous } from "./uniform-heterogeneous.ts";
import { assignUniformHomogeneous } from "./uniform-homogeneous.ts";

export const UNIFORM_ASSIGNOR_NAME = "uniform";

/** True when every member subscribes to the same set of existing topics. */
export function isHomogeneous(subscriptions: readonly (readonly string[])[]): boolean {
  const first = subscriptions[0]?.join("\u0000");
  return subscriptions.every((topics) => topics.join("\u0000") === first);
}

export function assignUniform(spec: AssignmentSpec): TargetAssignment {
  const members = sortMembersById(spec.members);
  const subscriptions = members.map((member) => existingSubscriptions(member, spec));
  if (isHomogeneous(subscriptions)) {
    return assignUniformHomogeneous(spec, members, subscriptions[0] ?? []);
  }
  return assignUniformHeterogeneous(spec, members, subscriptions);
}

export const uniformAssignor: PartitionAssignor = { name: UNIFORM_ASSIGNOR_NAME, assign: assignUniform };
