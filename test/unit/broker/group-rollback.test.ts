/**
 * A group write that fails to reach `__consumer_offsets` must not leave the
 * coordinator believing it happened: the request fails, the coordinator is
 * rebuilt from the log, and the next request sees only what is durable.
 * Runs a real broker on the simulated file system with an injected ENOSPC.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import pino from "pino";
import { Broker } from "../../../src/broker/broker.ts";
import { loadBrokerConfig } from "../../../src/broker/config/index.ts";
import type { GroupRequest } from "../../../src/broker/group-runtime.ts";
import { settingsFromConfig } from "../../../src/broker/settings.ts";
import type { OffsetCommitResponse } from "../../../src/protocol/messages/offset-commit-response.ts";
import type { OffsetFetchResponse } from "../../../src/protocol/messages/offset-fetch-response.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";

function commit(offset: bigint): GroupRequest {
  return {
    kind: "offsetCommit",
    apiVersion: 9,
    body: {
      groupId: "g",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      topics: [
        { name: "t", partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: "" }] },
      ],
    },
  };
}

const fetchRequest: GroupRequest = {
  kind: "offsetFetch",
  apiVersion: 8,
  body: { groups: [{ groupId: "g", topics: [{ name: "t", partitionIndexes: [0] }] }], requireStable: false },
};

async function committed(broker: Broker): Promise<bigint | undefined> {
  const r = (await broker.groups.submit(fetchRequest)) as OffsetFetchResponse;
  return r.groups?.[0]?.topics?.[0]?.partitions?.[0]?.committedOffset;
}

test("a commit whose write fails is rolled back: the coordinator answers from what is durable", async () => {
  const fs = new SimFileSystem();
  const { config } = loadBrokerConfig({
    overrides: ["log.dirs=/data", "listeners=PLAINTEXT://127.0.0.1:0", "offsets.topic.num.partitions=1"],
    env: {},
  });
  const logger = pino({ level: "silent" }, new Writable({ write: (_c, _e, done) => done() }));
  const broker = await Broker.start({ settings: settingsFromConfig(config), fs, logger });
  try {
    const first = (await broker.groups.submit(commit(5n))) as OffsetCommitResponse;
    assert.equal(first.topics[0]?.partitions[0]?.errorCode, 0);
    assert.equal(await committed(broker), 5n);

    fs.failNext("write", "ENOSPC", /__consumer_offsets-0/);
    await assert.rejects(broker.groups.submit(commit(9n)), /could not be persisted/);
    assert.equal(await committed(broker), 5n, "the failed commit is not visible");

    const again = (await broker.groups.submit(commit(11n))) as OffsetCommitResponse;
    assert.equal(again.topics[0]?.partitions[0]?.errorCode, 0, "the log is still writable");
    assert.equal(await committed(broker), 11n);
  } finally {
    await broker.stop();
  }
});
