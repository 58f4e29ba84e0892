/**
 * The error-code table: every code and name appears once, the numbering has no
 * gaps, and well-known codes carry the name and retriability Kafka gives them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ErrorCode,
  type ErrorCodeName,
  errorInfo,
  isRetriable,
  KafkaError,
} from "../../../src/protocol/errors.ts";

const entries = Object.entries(ErrorCode) as [ErrorCodeName, number][];

test("codes and names are unique and run from -1 to 136 without gaps", () => {
  const codes = entries.map(([, code]) => code);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(new Set(entries.map(([name]) => name)).size, entries.length);
  const sorted = [...codes].sort((a, b) => a - b);
  assert.deepEqual(
    sorted,
    Array.from({ length: 138 }, (_, i) => i - 1),
  );
});

test("errorInfo agrees with ErrorCode for every entry and has a one-line message", () => {
  for (const [name, code] of entries) {
    const info = errorInfo(code);
    assert.equal(info.code, code);
    assert.equal(info.name, name);
    assert.ok(info.message.length > 0, name);
    assert.ok(!info.message.includes("\n"), name);
  }
});

const spotChecks: [code: number, name: ErrorCodeName, retriable: boolean][] = [
  [-1, "UNKNOWN_SERVER_ERROR", false],
  [0, "NONE", false],
  [1, "OFFSET_OUT_OF_RANGE", false],
  [2, "CORRUPT_MESSAGE", true],
  [3, "UNKNOWN_TOPIC_OR_PARTITION", true],
  [6, "NOT_LEADER_OR_FOLLOWER", true],
  [7, "REQUEST_TIMED_OUT", true],
  [8, "BROKER_NOT_AVAILABLE", false],
  [10, "MESSAGE_TOO_LARGE", false],
  [16, "NOT_COORDINATOR", true],
  [27, "REBALANCE_IN_PROGRESS", false],
  [35, "UNSUPPORTED_VERSION", false],
  [45, "OUT_OF_ORDER_SEQUENCE_NUMBER", false],
  [46, "DUPLICATE_SEQUENCE_NUMBER", false],
  [51, "CONCURRENT_TRANSACTIONS", true],
  [56, "KAFKA_STORAGE_ERROR", true],
  [74, "FENCED_LEADER_EPOCH", true],
  [79, "MEMBER_ID_REQUIRED", false],
  [81, "GROUP_MAX_SIZE_REACHED", false],
  [89, "THROTTLING_QUOTA_EXCEEDED", true],
  [100, "UNKNOWN_TOPIC_ID", true],
  [121, "INVALID_RECORD_STATE", false],
  [122, "SHARE_SESSION_NOT_FOUND", true],
  [128, "INVALID_REGULAR_EXPRESSION", false],
  [129, "REBOOTSTRAP_REQUIRED", false],
  [130, "STREAMS_INVALID_TOPOLOGY", false],
  [133, "SHARE_SESSION_LIMIT_REACHED", true],
  [136, "CONTROLLER_ID_NOT_REGISTERED", false],
];

test("well-known codes have Kafka's names and retriability", () => {
  for (const [code, name, retriable] of spotChecks) {
    assert.equal(ErrorCode[name], code, name);
    assert.equal(errorInfo(code).name, name);
    assert.equal(isRetriable(code), retriable, name);
  }
});

test("an unknown code reads as UNKNOWN_SERVER_ERROR but keeps its number", () => {
  for (const code of [-2, 137, 9999]) {
    const info = errorInfo(code);
    assert.equal(info.code, code);
    assert.equal(info.name, "UNKNOWN_SERVER_ERROR");
    assert.equal(info.retriable, false);
    assert.match(info.message, new RegExp(String(code)));
  }
});

test("KafkaError carries the code, name and retriability", () => {
  const fromTable = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.ok(fromTable instanceof Error);
  assert.equal(fromTable.code, 6);
  assert.equal(fromTable.name, "NOT_LEADER_OR_FOLLOWER");
  assert.equal(fromTable.retriable, true);
  assert.equal(fromTable.message, errorInfo(6).message);

  const fromResponse = new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists.");
  assert.equal(fromResponse.message, "Topic 'orders' already exists.");
  assert.equal(fromResponse.retriable, false);

  assert.equal(new KafkaError(ErrorCode.INVALID_REQUEST, null).message, errorInfo(42).message);

  const cause = new Error("socket closed");
  assert.equal(new KafkaError(ErrorCode.NETWORK_EXCEPTION, undefined, { cause }).cause, cause);

  const unknown = new KafkaError(4242);
  assert.equal(unknown.code, 4242);
  assert.equal(unknown.name, "UNKNOWN_SERVER_ERROR");
});
