import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeMessage } from "../../../src/protocol/codec.ts";
import { fitToVersion } from "../../../src/protocol/fit-to-version.ts";
import { joinGroupResponseCodec } from "../../../src/protocol/messages/join-group-response.ts";

test("a version-agnostic JoinGroup answer fits old and new versions", () => {
  const answer = {
    throttleTimeMs: 0,
    errorCode: 79,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: "",
    skipAssignment: false,
    memberId: "m-1",
    members: [],
  };
  const fields = joinGroupResponseCodec.schema.fields;
  const v5 = fitToVersion(fields, 5, answer);
  assert.equal(v5.protocolName, "", "not nullable before v7");
  assert.equal("protocolType" in v5, false, "absent before v7");
  assert.doesNotThrow(() => encodeMessage(joinGroupResponseCodec, 5, v5));
  assert.throws(() => encodeMessage(joinGroupResponseCodec, 5, answer), "the raw answer does not fit v5");
  const v9 = fitToVersion(fields, 9, answer);
  assert.equal(v9.protocolName, null);
  assert.doesNotThrow(() => encodeMessage(joinGroupResponseCodec, 9, v9));
});
