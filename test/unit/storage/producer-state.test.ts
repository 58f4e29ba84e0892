import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import { readBatchHeader } from "../../../src/protocol/records/batch-header.ts";
import { encodeRecordBatch } from "../../../src/protocol/records/record-batch.ts";
import {
  type AppendedBatch,
  appendedBatchOf,
  type CheckOptions,
  lastSequenceOf,
  type ProduceCheck,
  type ProducerBatch,
  ProducerStateManager,
  producerBatchOf,
} from "../../../src/storage/producer-state.ts";
import { MAX_SEQUENCE } from "../../../src/storage/producer-state-entry.ts";
import { SimFileSystem } from "../../../src/storage/sim-file-system.ts";

const DIR = "/data/topic-0";
const PID = 42n;

interface BatchSpec {
  producerId?: bigint;
  epoch?: number;
  sequence: number;
  count?: number;
  transactional?: boolean;
  timestampMs?: number;
}

function dataBatch(spec: BatchSpec): ProducerBatch {
  const count = spec.count ?? 1;
  return {
    producerId: spec.producerId ?? PID,
    producerEpoch: spec.epoch ?? 0,
    baseSequence: spec.sequence,
    lastSequence: lastSequenceOf(spec.sequence, count - 1),
    isTransactional: spec.transactional ?? false,
    isControl: false,
    maxTimestampMs: spec.timestampMs ?? 1_000,
  };
}

function markerBatch(
  committed: boolean,
  spec: { producerId?: bigint; epoch?: number; coordinatorEpoch?: number; timestampMs?: number } = {},
): ProducerBatch {
  return {
    producerId: spec.producerId ?? PID,
    producerEpoch: spec.epoch ?? 0,
    baseSequence: -1,
    lastSequence: -1,
    isTransactional: true,
    isControl: true,
    maxTimestampMs: spec.timestampMs ?? 1_000,
    marker: { committed, coordinatorEpoch: spec.coordinatorEpoch ?? 0 },
  };
}

/** A partition log reduced to its end offset: checks each batch, appends it when told to. */
class Partition {
  readonly state = new ProducerStateManager({ fs: new SimFileSystem(), dir: DIR });
  logEndOffset = 0;

  produce(batch: ProducerBatch, count = recordsIn(batch), options?: CheckOptions): ProduceCheck {
    const check = this.state.checkAndPrepare(batch, options);
    if (check.kind === "append") this.append(batch, count);
    return check;
  }

  append(batch: ProducerBatch, count = recordsIn(batch)): AppendedBatch {
    const appended = { ...batch, firstOffset: this.logEndOffset, lastOffset: this.logEndOffset + count - 1 };
    this.logEndOffset += count;
    this.state.onAppended(appended);
    return appended;
  }
}

function recordsIn(batch: ProducerBatch): number {
  if (batch.isControl || batch.baseSequence < 0) return 1;
  return ((batch.lastSequence - batch.baseSequence + 2 ** 31) % 2 ** 31) + 1;
}

function errorOf(check: ProduceCheck): number | null {
  return check.kind === "error" ? check.errorCode : null;
}

describe("ProducerStateManager.checkAndPrepare: sequences", () => {
  test("batches of a producer that is neither idempotent nor transactional always append", () => {
    const partition = new Partition();
    for (let i = 0; i < 3; i++) {
      const batch = { ...dataBatch({ sequence: -1, count: 4 }), producerId: -1n, producerEpoch: -1 };
      assert.deepEqual(partition.produce(batch, 4), { kind: "append" });
    }
    assert.equal(partition.state.producerCount, 0);
    assert.equal(partition.state.mapEndOffset, 12, "every appended batch moves the end of the state");
  });

  test("the sequence table", () => {
    const partition = new Partition();
    const OOO = ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
    const steps: [string, BatchSpec, "append" | number][] = [
      ["an unknown producer may start at any sequence", { epoch: 2, sequence: 7, count: 3 }, "append"],
      ["the next batch in order", { epoch: 2, sequence: 10, count: 2 }, "append"],
      ["a gap", { epoch: 2, sequence: 13 }, OOO],
      ["a batch overlapping the last one but not equal to it", { epoch: 2, sequence: 11, count: 2 }, OOO],
      ["a sequence already written, not at a batch boundary", { epoch: 2, sequence: 8 }, OOO],
      ["the next batch after the rejected ones", { epoch: 2, sequence: 12 }, "append"],
      ["an older epoch than the producer's", { epoch: 1, sequence: 13 }, ErrorCode.INVALID_PRODUCER_EPOCH],
      ["a new epoch must start at 0", { epoch: 3, sequence: 13 }, OOO],
      ["a new epoch starting at 0", { epoch: 3, sequence: 0, count: 5 }, "append"],
      ["the old epoch is now fenced", { epoch: 2, sequence: 13 }, ErrorCode.INVALID_PRODUCER_EPOCH],
      [
        "a retry from the old epoch is fenced too",
        { epoch: 2, sequence: 12 },
        ErrorCode.INVALID_PRODUCER_EPOCH,
      ],
      ["continuing the new epoch", { epoch: 3, sequence: 5 }, "append"],
      ["a skipped epoch also starts at 0", { epoch: 7, sequence: 0 }, "append"],
      ["and continues from there", { epoch: 7, sequence: 1 }, "append"],
    ];
    for (const [what, spec, expected] of steps) {
      const check = partition.produce(dataBatch(spec));
      if (expected === "append") assert.equal(check.kind, "append", what);
      else assert.equal(errorOf(check), expected, what);
    }
  });

  test("a retry of any of the last 5 batches is answered with its original offsets", () => {
    const partition = new Partition();
    partition.append(dataBatch({ producerId: 7n, sequence: 0, count: 3 }), 3); // another producer's offsets first
    const appended: AppendedBatch[] = [];
    let sequence = 0;
    for (let i = 0; i < 7; i++) {
      const count = i + 1;
      const batch = dataBatch({ sequence, count, timestampMs: 5_000 + i });
      assert.equal(partition.state.checkAndPrepare(batch).kind, "append");
      appended.push(partition.append(batch, count));
      sequence += count;
    }
    const endBefore = partition.logEndOffset;
    for (const original of appended.slice(-5)) {
      const retry = dataBatch({
        sequence: original.baseSequence,
        count: original.lastOffset - original.firstOffset + 1,
      });
      assert.deepEqual(partition.state.checkAndPrepare(retry), {
        kind: "duplicate",
        firstOffset: original.firstOffset,
        lastOffset: original.lastOffset,
        logAppendTimeMs: original.maxTimestampMs,
      });
    }
    for (const tooOld of appended.slice(0, 2)) {
      const retry = dataBatch({
        sequence: tooOld.baseSequence,
        count: tooOld.lastOffset - tooOld.firstOffset + 1,
      });
      assert.equal(errorOf(partition.state.checkAndPrepare(retry)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    }
    assert.equal(partition.logEndOffset, endBefore, "checks append nothing");
  });

  test("a retry is recognised only in its own epoch", () => {
    const partition = new Partition();
    partition.produce(dataBatch({ epoch: 3, sequence: 0 }));
    partition.produce(dataBatch({ epoch: 4, sequence: 0 }));
    assert.equal(partition.produce(dataBatch({ epoch: 4, sequence: 0 })).kind, "duplicate");
    assert.equal(
      errorOf(partition.produce(dataBatch({ epoch: 3, sequence: 0 }))),
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
  });

  test("sequences wrap from 2^31-1 to 0", () => {
    assert.equal(lastSequenceOf(MAX_SEQUENCE - 1, 3), 1);
    assert.equal(lastSequenceOf(MAX_SEQUENCE, 0), MAX_SEQUENCE);
    assert.equal(lastSequenceOf(-1, 10), -1, "no sequence stays no sequence");

    const partition = new Partition();
    assert.equal(partition.produce(dataBatch({ sequence: MAX_SEQUENCE - 4, count: 4 })).kind, "append");
    assert.equal(partition.produce(dataBatch({ sequence: MAX_SEQUENCE, count: 3 })).kind, "append");
    const wrapped = partition.state.producer(PID)?.batches.at(-1);
    assert.deepEqual(wrapped, { lastSequence: 1, lastOffset: 6, offsetDelta: 2, timestampMs: 1_000 });
    assert.deepEqual(partition.state.checkAndPrepare(dataBatch({ sequence: MAX_SEQUENCE, count: 3 })), {
      kind: "duplicate",
      firstOffset: 4,
      lastOffset: 6,
      logAppendTimeMs: 1_000,
    });
    assert.equal(
      errorOf(partition.produce(dataBatch({ sequence: 0 }))),
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    assert.equal(partition.produce(dataBatch({ sequence: 2 })).kind, "append");

    const exact = new Partition();
    exact.produce(dataBatch({ sequence: MAX_SEQUENCE - 1, count: 2 }));
    assert.equal(exact.produce(dataBatch({ sequence: 0 })).kind, "append", "0 follows 2^31-1");
  });

  test("a coordinator's batches are checked for the epoch only", () => {
    const partition = new Partition();
    const coordinator: CheckOptions = { origin: "coordinator" };
    partition.produce(dataBatch({ epoch: 2, sequence: 0 }));
    assert.equal(partition.produce(dataBatch({ epoch: 2, sequence: 9 }), 1, coordinator).kind, "append");
    assert.equal(partition.produce(dataBatch({ epoch: 2, sequence: 9 }), 1, coordinator).kind, "append");
    assert.equal(
      errorOf(partition.produce(dataBatch({ epoch: 1, sequence: 10 }), 1, coordinator)),
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
  });

  test("header helpers read the producer fields of a real batch", () => {
    const bytes = encodeRecordBatch({
      baseOffset: 100n,
      producerId: 9n,
      producerEpoch: 2,
      baseSequence: MAX_SEQUENCE,
      isTransactional: true,
      records: [0, 1, 2].map((i) => ({
        key: null,
        value: Buffer.from([i]),
        timestamp: 1_700_000_000_000n + BigInt(i),
      })),
    });
    const header = readBatchHeader(bytes);
    assert.deepEqual(producerBatchOf(header), {
      producerId: 9n,
      producerEpoch: 2,
      baseSequence: MAX_SEQUENCE,
      lastSequence: 1,
      isTransactional: true,
      isControl: false,
      maxTimestampMs: 1_700_000_000_002,
      marker: undefined,
    });
    assert.deepEqual(
      [appendedBatchOf(header).firstOffset, appendedBatchOf(header).lastOffset],
      [100, 102],
      "offsets come from the header",
    );
  });
});

describe("ProducerStateManager: transactions", () => {
  test("the first unstable offset follows open and unreplicated transactions", () => {
    const partition = new Partition();
    const A = 1n;
    const B = 2n;
    partition.produce(dataBatch({ producerId: 9n, sequence: 0, count: 10 })); // offsets 0..9, no transaction
    assert.equal(partition.state.firstUnstableOffset(), null);
    partition.produce(dataBatch({ producerId: A, sequence: 0, count: 5, transactional: true })); // 10..14
    partition.produce(dataBatch({ producerId: B, sequence: 0, count: 2, transactional: true })); // 15..16
    partition.produce(dataBatch({ producerId: A, sequence: 5, transactional: true })); // 17, same transaction
    assert.equal(partition.state.firstUnstableOffset(), 10);
    assert.deepEqual(partition.state.ongoingTransactions(), [
      { producerId: A, firstOffset: 10 },
      { producerId: B, firstOffset: 15 },
    ]);

    const commitA = partition.append(markerBatch(true, { producerId: A }), 1); // 18
    assert.equal(commitA.firstOffset, 18);
    assert.equal(partition.state.producer(A)?.currentTxnFirstOffset, null);
    assert.equal(partition.state.firstUndecidedOffset(), 15);
    assert.equal(partition.state.firstUnstableOffset(), 10, "the marker is not yet below the high watermark");
    partition.state.onHighWatermarkUpdated(18);
    assert.equal(partition.state.firstUnstableOffset(), 10);
    partition.state.onHighWatermarkUpdated(19);
    assert.equal(partition.state.firstUnstableOffset(), 15);

    const abortB = markerBatch(false, { producerId: B });
    const completed = partition.state.onAppended({ ...abortB, firstOffset: 19, lastOffset: 19 });
    assert.deepEqual(completed, {
      producerId: B,
      firstOffset: 15,
      lastOffset: 19,
      isAborted: true,
      lastStableOffset: 20,
    });
    partition.state.onHighWatermarkUpdated(20);
    assert.equal(partition.state.firstUnstableOffset(), null);
  });

  test("a completed transaction's last stable offset stops at another producer's open transaction", () => {
    const partition = new Partition();
    partition.produce(dataBatch({ producerId: 1n, sequence: 0, transactional: true })); // 0
    partition.produce(dataBatch({ producerId: 2n, sequence: 0, transactional: true })); // 1
    const completed = partition.state.onAppended({
      ...markerBatch(false, { producerId: 1n }),
      firstOffset: 2,
      lastOffset: 2,
    });
    assert.deepEqual(completed, {
      producerId: 1n,
      firstOffset: 0,
      lastOffset: 2,
      isAborted: true,
      lastStableOffset: 1,
    });
  });

  test("a marker for a producer with no data here completes nothing", () => {
    const partition = new Partition();
    const completed = partition.state.onAppended({
      ...markerBatch(true, { coordinatorEpoch: 4 }),
      firstOffset: 0,
      lastOffset: 0,
    });
    assert.equal(completed, null);
    assert.equal(partition.state.producer(PID)?.coordinatorEpoch, 4);
    assert.equal(partition.state.firstUnstableOffset(), null);
  });

  test("a non-transactional batch while a transaction is open is INVALID_TXN_STATE", () => {
    const partition = new Partition();
    partition.produce(dataBatch({ sequence: 0, transactional: true }));
    assert.equal(errorOf(partition.produce(dataBatch({ sequence: 1 }))), ErrorCode.INVALID_TXN_STATE);
    assert.equal(partition.produce(dataBatch({ sequence: 1, transactional: true })).kind, "append");
    partition.append(markerBatch(true));
    assert.equal(
      partition.produce(dataBatch({ sequence: 2 })).kind,
      "append",
      "allowed once the transaction ended",
    );
  });

  test("markers are fenced by producer epoch and coordinator epoch", () => {
    const partition = new Partition();
    partition.produce(dataBatch({ epoch: 3, sequence: 0, transactional: true }));
    partition.append(markerBatch(true, { epoch: 3, coordinatorEpoch: 5 }));
    partition.produce(dataBatch({ epoch: 3, sequence: 1, transactional: true }));
    const check = (batch: ProducerBatch, options?: CheckOptions) =>
      partition.state.checkAndPrepare(batch, options);
    const coordinator: CheckOptions = { origin: "coordinator" };
    assert.equal(
      errorOf(check(markerBatch(true, { epoch: 2, coordinatorEpoch: 5 }), coordinator)),
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    assert.equal(
      errorOf(check(markerBatch(true, { epoch: 3, coordinatorEpoch: 4 }), coordinator)),
      ErrorCode.TRANSACTION_COORDINATOR_FENCED,
    );
    assert.equal(check(markerBatch(true, { epoch: 3, coordinatorEpoch: 5 }), coordinator).kind, "append");

    const v2: CheckOptions = { origin: "coordinator", transactionVersion: 2 };
    assert.equal(
      errorOf(check(markerBatch(true, { epoch: 3, coordinatorEpoch: 5 }), v2)),
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    assert.equal(check(markerBatch(true, { epoch: 4, coordinatorEpoch: 5 }), v2).kind, "append");
    partition.append(markerBatch(true, { epoch: 4, coordinatorEpoch: 5 }));
    assert.deepEqual(partition.state.producer(PID)?.batches, [], "a new epoch drops the retained batches");
    assert.equal(
      check(markerBatch(true, { epoch: 4, coordinatorEpoch: 5 }), v2).kind,
      "append",
      "a retried v2 marker",
    );
    assert.equal(
      errorOf(partition.produce(dataBatch({ epoch: 4, sequence: 2 }))),
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    assert.equal(partition.produce(dataBatch({ epoch: 4, sequence: 0 })).kind, "append");
  });
});

describe("ProducerStateManager: expiration", () => {
  const DAY_MS = 86_400_000;

  test("producers idle for producer.id.expiration.ms go, unless a transaction is open", () => {
    const partition = new Partition();
    partition.produce(dataBatch({ producerId: 1n, sequence: 0, timestampMs: 1_000 }));
    partition.produce(dataBatch({ producerId: 2n, sequence: 0, timestampMs: 1_000, transactional: true }));
    partition.produce(dataBatch({ producerId: 3n, sequence: 0, timestampMs: 50_000 }));
    assert.deepEqual(partition.state.removeExpiredProducers(1_000 + DAY_MS - 1), []);
    assert.deepEqual(partition.state.removeExpiredProducers(1_000 + DAY_MS), [1n]);
    assert.deepEqual(
      partition.state.removeExpiredProducers(60_000, 10_000),
      [3n],
      "the limit can be passed in",
    );
    assert.deepEqual(
      partition.state.activeProducers().map((p) => p.producerId),
      [2n],
    );
    // Forgotten, producer 1 is unknown again: any sequence is accepted.
    assert.equal(
      partition.produce(dataBatch({ producerId: 1n, sequence: 500, timestampMs: 5 * DAY_MS })).kind,
      "append",
    );
    partition.append(markerBatch(false, { producerId: 2n, timestampMs: 2_000 }));
    assert.deepEqual(
      partition.state.removeExpiredProducers(2_000 + DAY_MS),
      [2n],
      "the marker's time counts",
    );
  });
});
