/** The server-side assignors a group can select with `group.remote.assignor`; the first is the default. */
import { rangeAssignor } from "./range.ts";
import type { PartitionAssignor } from "./types.ts";
import { uniformAssignor } from "./uniform.ts";

export { assignRange, RANGE_ASSIGNOR_NAME, rangeAssignor } from "./range.ts";
export type {
  AssignmentMember,
  AssignmentSpec,
  AssignmentTopic,
  MemberTargetAssignment,
  PartitionAssignor,
  TargetAssignment,
} from "./types.ts";
export { assignUniform, UNIFORM_ASSIGNOR_NAME, uniformAssignor } from "./uniform.ts";

export const SERVER_ASSIGNORS: readonly PartitionAssignor[] = [uniformAssignor, rangeAssignor];

export function findServerAssignor(name: string): PartitionAssignor | undefined {
  return SERVER_ASSIGNORS.find((assignor) => assignor.name === name);
}
