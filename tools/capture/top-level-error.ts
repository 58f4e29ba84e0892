// The top-level error code of responses that have one at a fixed place, so
// the capture can keep an error answer (say JoinGroup's MEMBER_ID_REQUIRED)
// and the success answer of the same version as separate fixtures.
//
// Layout after the correlation id: a tagged-field count byte when the response
// header is flexible (v1; assumed empty, as brokers send it), then
// throttle_time_ms int32 when the version has it, then error_code int16.
// ApiVersions is the exception: always header v0, and error_code comes first.

interface Layout {
  throttleFromVersion: number;
  firstFlexibleVersion: number;
  /** Later versions move errors elsewhere (e.g. FindCoordinator v4's coordinators array). */
  lastVersion: number;
}

const layouts: Record<number, Layout> = {
  10: { throttleFromVersion: 1, firstFlexibleVersion: 3, lastVersion: 3 }, // FindCoordinator
  11: { throttleFromVersion: 2, firstFlexibleVersion: 6, lastVersion: 99 }, // JoinGroup
  12: { throttleFromVersion: 1, firstFlexibleVersion: 4, lastVersion: 99 }, // Heartbeat
  13: { throttleFromVersion: 1, firstFlexibleVersion: 4, lastVersion: 99 }, // LeaveGroup
  14: { throttleFromVersion: 1, firstFlexibleVersion: 4, lastVersion: 99 }, // SyncGroup
  22: { throttleFromVersion: 0, firstFlexibleVersion: 2, lastVersion: 99 }, // InitProducerId
  60: { throttleFromVersion: 0, firstFlexibleVersion: 0, lastVersion: 99 }, // DescribeCluster
};

const apiVersionsKey = 18;

const errorNames: Record<number, string> = {
  14: "COORDINATOR_LOAD_IN_PROGRESS",
  15: "COORDINATOR_NOT_AVAILABLE",
  16: "NOT_COORDINATOR",
  25: "UNKNOWN_MEMBER_ID",
  27: "REBALANCE_IN_PROGRESS",
  35: "UNSUPPORTED_VERSION",
  79: "MEMBER_ID_REQUIRED",
};

/** The error code, or null when this API and version has no fixed-place top-level error. */
export function topLevelErrorCode(apiKey: number, apiVersion: number, response: Buffer): number | null {
  if (apiKey === apiVersionsKey) return response.readInt16BE(4);
  const layout = layouts[apiKey];
  if (layout === undefined || apiVersion > layout.lastVersion) return null;
  let offset = 4;
  if (apiVersion >= layout.firstFlexibleVersion) offset += 1;
  if (apiVersion >= layout.throttleFromVersion) offset += 4;
  return response.readInt16BE(offset);
}

export function errorName(errorCode: number): string {
  return errorNames[errorCode] ?? `error ${errorCode}`;
}
