/**
 * checkAndPrepare against a reference model written straight from Kafka's
 * rules, over random histories of a client that sends in order, retries old
 * batches, skips sequences, bumps its epoch and lingers on an old one. A
 * restart (snapshot, then reload into a fresh manager) may fall anywhere and
 * must change no answer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import {
  type ProduceCheck,
  type ProducerBatch,
  ProducerStateManager,
} from "../../../src/storage/producer-state.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";

const DIR = "/p";
const SEQUENCES = 2 ** 31;

interface Sent {
  epoch: number;
  baseSequence: number;
  count: number;
}

interface Written {
  firstSequence: number;
  lastSequence: number;
  firstOffset: number;
  lastOffset: number;
  timestampMs: number;
}

/** A ProduceCheck without the error message. */
type Expected =
  | { kind: "append" }
  | { kind: "duplicate"; firstOffset: number; lastOffset: number; logAppendTimeMs: number }
  | { kind: "error"; errorCode: number };

/** Kafka's rules, stated as plainly as possible: one list of everything written in the current epoch. */
class Model {
  private readonly producers = new Map<bigint, { epoch: number; written: Written[] }>();

  check(producerId: bigint, sent: Sent): Expected {
    const producer = this.producers.get(producerId);
    if (producer === undefined) return { kind: "append" };
    const lastSequence = (sent.baseSequence + sent.count - 1) % SEQUENCES;
    if (sent.epoch === producer.epoch) {
      const original = producer.written
        .slice(-5)
        .find((w) => w.firstSequence === sent.baseSequence && w.lastSequence === lastSequence);
      if (original !== undefined) {
        const { firstOffset, lastOffset, timestampMs } = original;
        return { kind: "duplicate", firstOffset, lastOffset, logAppendTimeMs: timestampMs };
      }
    }
    if (sent.epoch < producer.epoch) return { kind: "error", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    const expected =
      sent.epoch > producer.epoch ? 0 : ((producer.written.at(-1)?.lastSequence ?? -1) + 1) % SEQUENCES;
    if (sent.baseSequence === expected) return { kind: "append" };
    return { kind: "error", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }

  append(producerId: bigint, sent: Sent, written: Written): void {
    let producer = this.producers.get(producerId);
    if (producer === undefined || producer.epoch !== sent.epoch) {
      producer = { epoch: sent.epoch, written: [] };
      this.producers.set(producerId, producer);
    }
    producer.written.push(written);
  }
}

type Action =
  | { kind: "send"; producer: number; count: number }
  | { kind: "retry"; producer: number; pick: number }
  | { kind: "gap"; producer: number; count: number; gap: number }
  | { kind: "bump"; producer: number; by: number; sequence: number }
  | { kind: "stale"; producer: number }
  | { kind: "plain"; count: number }
  | { kind: "restart" };

const producer = fc.integer({ min: 0, max: 1 });
const count = fc.integer({ min: 1, max: 4 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("send" as const), producer, count }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("retry" as const), producer, pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("gap" as const),
      producer,
      count,
      gap: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("bump" as const),
      producer,
      by: fc.integer({ min: 1, max: 2 }),
      sequence: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stale" as const), producer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("plain" as const), count }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("restart" as const) }) },
);

interface Client {
  producerId: bigint;
  epoch: number;
  nextSequence: number;
  /** The batches of this producer that were appended: what it may retry. */
  sent: Sent[];
}

class Run {
  private readonly fs = new SimFileSystem();
  private state = new ProducerStateManager({ fs: this.fs, dir: DIR });
  private readonly model = new Model();
  private logEndOffset = 0;
  readonly clients: Client[];

  constructor(firstSequences: readonly number[]) {
    this.clients = firstSequences.map((nextSequence, i) => ({
      producerId: BigInt(i + 1),
      epoch: 0,
      nextSequence,
      sent: [],
    }));
  }

  async setUp(): Promise<void> {
    await this.fs.mkdir(DIR);
  }

  async perform(step: Action): Promise<void> {
    if (step.kind === "restart") return this.restart();
    if (step.kind === "plain") {
      const batch = this.batch(-1n, { epoch: -1, baseSequence: -1, count: step.count });
      assert.deepEqual(this.state.checkAndPrepare(batch), { kind: "append" });
      this.append(batch, step.count);
      return;
    }
    const client = this.clients[step.producer];
    let sent: Sent;
    if (step.kind === "send")
      sent = { epoch: client.epoch, baseSequence: client.nextSequence, count: step.count };
    else if (step.kind === "gap") {
      sent = {
        epoch: client.epoch,
        baseSequence: (client.nextSequence + step.gap) % SEQUENCES,
        count: step.count,
      };
    } else if (step.kind === "retry") {
      if (client.sent.length === 0) return;
      // Mostly recent batches, where retries happen and where the retained five end.
      const back = step.pick % Math.min(client.sent.length, 8);
      sent = client.sent[client.sent.length - 1 - back];
    } else if (step.kind === "stale") {
      if (client.epoch === 0) return;
      sent = { epoch: client.epoch - 1, baseSequence: client.nextSequence, count: 1 };
    } else {
      client.epoch += step.by;
      client.nextSequence = 0;
      sent = { epoch: client.epoch, baseSequence: step.sequence, count: 1 };
    }
    this.send(client, sent);
  }

  private send(client: Client, sent: Sent): void {
    const expected = this.model.check(client.producerId, sent);
    const batch = this.batch(client.producerId, sent);
    const actual = this.state.checkAndPrepare(batch);
    const what = `producer ${client.producerId} sent ${JSON.stringify(sent)}`;
    assert.deepEqual(comparable(actual), expected, what);
    if (actual.kind !== "append") return;
    client.sent.push(sent);
    const written = this.append(batch, sent.count);
    this.model.append(client.producerId, sent, written);
    if (sent.epoch === client.epoch && sent.baseSequence === client.nextSequence) {
      client.nextSequence = (sent.baseSequence + sent.count) % SEQUENCES;
    }
  }

  private batch(producerId: bigint, sent: Sent): ProducerBatch {
    return {
      producerId,
      producerEpoch: sent.epoch,
      baseSequence: sent.baseSequence,
      lastSequence: sent.baseSequence < 0 ? -1 : (sent.baseSequence + sent.count - 1) % SEQUENCES,
      isTransactional: false,
      isControl: false,
      maxTimestampMs: 1_000 + this.logEndOffset,
    };
  }

  private append(batch: ProducerBatch, count: number): Written {
    const firstOffset = this.logEndOffset;
    const lastOffset = firstOffset + count - 1;
    this.logEndOffset += count;
    this.state.onAppended({ ...batch, firstOffset, lastOffset });
    return {
      firstSequence: batch.baseSequence,
      lastSequence: batch.lastSequence,
      firstOffset,
      lastOffset,
      timestampMs: batch.maxTimestampMs,
    };
  }

  /** Every snapshot is taken at the log end, so reloading replays nothing. */
  private async restart(): Promise<void> {
    await this.state.takeSnapshot();
    this.state = new ProducerStateManager({ fs: this.fs, dir: DIR });
    await this.state.truncateAndReload(0, this.logEndOffset, 0);
    assert.equal(this.state.mapEndOffset, this.logEndOffset);
  }
}

function comparable(check: ProduceCheck): Expected {
  return check.kind === "error" ? { kind: "error", errorCode: check.errorCode } : check;
}

test("checkAndPrepare agrees with the reference model", async () => {
  const firstSequence = fc.constantFrom(0, 17, SEQUENCES - 3, SEQUENCES - 1);
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(firstSequence, firstSequence),
      fc.array(action, { minLength: 20, maxLength: 80, size: "max" }),
      async (firstSequences, actions) => {
        const run = new Run(firstSequences);
        await run.setUp();
        for (const step of actions) await run.perform(step);
      },
    ),
    { numRuns: 200 },
  );
});
