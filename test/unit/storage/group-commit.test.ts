import assert from "node:assert/strict";
import { test } from "node:test";
import { GroupCommit } from "../../../src/storage/group-commit.ts";

interface Deferred {
  resolve(): void;
  reject(error: Error): void;
}

/** A group commit whose fsyncs finish only when the test says so. */
function controlled(): { commit: GroupCommit; pending: Deferred[]; started: () => number } {
  const pending: Deferred[] = [];
  let started = 0;
  const commit = new GroupCommit(
    () =>
      new Promise<void>((resolve, reject) => {
        started++;
        pending.push({ resolve, reject });
      }),
  );
  return { commit, pending, started: () => started };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test("callers arriving during an fsync wait for the next one, which they all share", async () => {
  const { commit, pending, started } = controlled();
  const done: string[] = [];
  const first = commit.request().then(() => done.push("first"));
  const waiters = Array.from({ length: 10 }, (_, i) => commit.request().then(() => done.push(`w${i}`)));
  assert.equal(started(), 1, "only one fsync runs at a time");
  pending[0].resolve();
  await first;
  await settle();
  assert.deepStrictEqual(done, ["first"], "the waiters' writes came after the first fsync began");
  assert.equal(started(), 2, "one more fsync covers all ten waiters");
  pending[1].resolve();
  await Promise.all(waiters);
  assert.equal(commit.syncCount, 2);
});

test("a failed fsync fails exactly its callers; the next request starts afresh", async () => {
  const { commit, pending, started } = controlled();
  const failing = commit.request();
  pending[0].reject(new Error("EIO"));
  await assert.rejects(failing, /EIO/);
  const next = commit.request();
  assert.equal(started(), 2);
  pending[1].resolve();
  await next;
});

test("a queued fsync still runs after the running one fails", async () => {
  const { commit, pending } = controlled();
  const failing = commit.request();
  const queued = commit.request();
  pending[0].reject(new Error("EIO"));
  await assert.rejects(failing, /EIO/);
  await settle();
  pending[1].resolve();
  await queued;
});
