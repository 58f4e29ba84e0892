/**
 * A reference model of one partition log, as plain as it can be: the batches
 * in offset order, the log start and end, and how far the data is known to
 * be durable. Storage tests drive a real `Log` and this model side by side
 * and compare them after every step.
 *
 * Durability in the model:
 * - `durableEnd`: every offset below it was acknowledged as durable (an
 *   acks-all append resolved, a clean close, or a recovery that fsynced);
 *   any crash must keep those batches, byte for byte.
 * - Offsets at or past it may survive a crash or not; whatever survives must
 *   be a batch that was once appended at that very offset (truncated data
 *   may come back after a power loss, as in Kafka, but never garbage or a
 *   batch at a different offset).
 */
import assert from "node:assert/strict";
import { batchesIn } from "../../../../src/protocol/records/batch-iterator.ts";
import type { Log, LogOffsetMetadata, ReadOptions } from "../../../../src/storage/log.ts";

export interface ModelBatch {
  baseOffset: number;
  lastOffset: number;
  /** The batch as stored: offsets and leader epoch patched in. */
  bytes: Buffer;
}

/** Bounds how many reads it takes to walk a log in tests: far above any log a test writes. */
const MAX_READS_PER_WALK = 100_000;

/** Reads from the batch holding `start` to the log end, in whole batches, and checks their CRCs. */
export async function readAllBatches(log: Log, start = log.logStartOffset): Promise<ModelBatch[]> {
  const out: ModelBatch[] = [];
  let offset = start;
  for (let reads = 0; offset < log.logEndOffset; reads++) {
    assert.ok(reads < MAX_READS_PER_WALK, "the log walk does not advance");
    const bytes = await log.read(offset, { maxBytes: 64 * 1024, minOneBatch: true });
    assert.ok(bytes.length > 0, `read at ${offset} below the log end ${log.logEndOffset} returned nothing`);
    let whole = 0;
    for (const span of batchesIn(bytes, { verifyCrc: true })) {
      const batch = batchAt(bytes, span.position, span.sizeBytes);
      const previous = out.at(-1);
      if (previous !== undefined) {
        assert.equal(batch.baseOffset, previous.lastOffset + 1, "batches follow one another without gaps");
      }
      out.push(batch);
      whole++;
    }
    assert.ok(whole > 0, `read at ${offset} held no whole batch`);
    offset = (out.at(-1) as ModelBatch).lastOffset + 1;
  }
  assert.equal(offset, log.logEndOffset, "the log ends on a batch boundary");
  return out;
}

export function batchAt(bytes: Buffer, position: number, sizeBytes: number): ModelBatch {
  const copy = Buffer.from(bytes.subarray(position, position + sizeBytes));
  const baseOffset = Number(copy.readBigInt64BE(0));
  return { baseOffset, lastOffset: baseOffset + copy.readInt32BE(23), bytes: copy };
}

export class LogModel {
  batches: ModelBatch[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  durableEnd = 0;
  /** Every batch ever appended, by base offset. */
  private readonly ever = new Map<number, Buffer[]>();

  /** Records an append that resolved; `stored` is the buffer as the log patched it. */
  appended(stored: Buffer, firstOffset: number, acksAll: boolean): ModelBatch[] {
    assert.equal(firstOffset, this.logEndOffset, "offsets continue from the log end");
    const added: ModelBatch[] = [];
    for (const span of batchesIn(stored, { verifyCrc: true })) {
      const batch = batchAt(stored, span.position, span.sizeBytes);
      assert.equal(batch.baseOffset, this.logEndOffset, "each batch starts where the last ended");
      this.batches.push(batch);
      this.remember(batch);
      this.logEndOffset = batch.lastOffset + 1;
      added.push(batch);
    }
    if (acksAll) this.durableEnd = this.logEndOffset;
    return added;
  }

  /**
   * Records an append that failed: the log patched offsets into `stored`
   * before writing, and the bytes may have reached the disk, so a crash may
   * bring them back (never as acknowledged data).
   */
  attempted(stored: Buffer): void {
    for (const span of batchesIn(stored, { verifyCrc: true }))
      this.remember(batchAt(stored, span.position, span.sizeBytes));
  }

  /** Kafka's truncation: every batch holding an offset ≥ `offset` goes, so the end may fall below it. */
  truncatedTo(offset: number): void {
    if (offset >= this.logEndOffset) return;
    const cut = this.batches.findIndex((b) => b.lastOffset >= offset);
    if (cut >= 0) {
      this.logEndOffset = this.batches[cut].baseOffset;
      this.batches = this.batches.slice(0, cut);
    }
    this.logStartOffset = Math.min(this.logStartOffset, this.logEndOffset);
    this.durableEnd = Math.min(this.durableEnd, this.logEndOffset);
  }

  startMovedTo(offset: number): void {
    assert.ok(
      offset >= this.logStartOffset && offset <= this.logEndOffset,
      "the log start moves forward only",
    );
    this.logStartOffset = offset;
  }

  /** Batches still readable: those holding an offset ≥ the log start. */
  visibleBatches(): ModelBatch[] {
    return this.batches.filter((b) => b.lastOffset >= this.logStartOffset);
  }

  /** Offsets whose batch must be readable now. */
  batchHolding(offset: number): ModelBatch | undefined {
    return this.batches.find((b) => b.baseOffset <= offset && offset <= b.lastOffset);
  }

  everAppended(batch: ModelBatch): boolean {
    return (this.ever.get(batch.baseOffset) ?? []).some((bytes) => bytes.equals(batch.bytes));
  }

  /** After a reopen: the log is what recovery left, and all of it is durable. */
  resetTo(batches: readonly ModelBatch[], logStartOffset: number, logEndOffset: number): void {
    this.batches = [...batches];
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
    this.durableEnd = logEndOffset;
  }

  private remember(batch: ModelBatch): void {
    const list = this.ever.get(batch.baseOffset) ?? [];
    list.push(batch.bytes);
    this.ever.set(batch.baseOffset, list);
  }
}

/** The log holds exactly what the model says, from its start to its end. */
export async function assertLogMatchesModel(log: Log, model: LogModel, context: string): Promise<void> {
  assert.equal(log.logEndOffset, model.logEndOffset, `${context}: log end`);
  assert.equal(log.logStartOffset, model.logStartOffset, `${context}: log start`);
  const actual = await readAllBatches(log);
  const expected = model.visibleBatches();
  assert.deepStrictEqual(
    actual.map((b) => [b.baseOffset, b.lastOffset]),
    expected.map((b) => [b.baseOffset, b.lastOffset]),
    `${context}: batch offsets`,
  );
  actual.forEach((batch, i) => {
    assert.ok(batch.bytes.equals(expected[i].bytes), `${context}: batch at ${batch.baseOffset} changed`);
  });
  // Reading from each batch on its own goes through the index and segment lookups a long read skips.
  for (const batch of expected) {
    for (const offset of new Set([Math.max(batch.baseOffset, model.logStartOffset), batch.lastOffset])) {
      const bytes = await log.read(offset, { maxBytes: 1, minOneBatch: true });
      assert.ok(bytes.equals(batch.bytes), `${context}: a read at ${offset} does not return its batch`);
    }
  }
  const segments = log.allSegments();
  for (let i = 1; i < segments.length; i++) {
    const [previous, segment] = [segments[i - 1], segments[i]];
    assert.ok(
      segment.baseOffset >= previous.nextOffset,
      `${context}: segment ${segment.baseOffset} overlaps`,
    );
  }
}

/**
 * Kafka's read: the bytes start at the batch holding `offset`, hold at least
 * that whole batch (with minOneBatch), run on through following batches, and
 * never pass the log end or `maxOffset`.
 */
export function assertReadMatchesModel(
  model: LogModel,
  offset: number,
  options: ReadOptions,
  bytes: Buffer,
  context: string,
): void {
  const bound: LogOffsetMetadata | number | undefined = options.maxOffset;
  const boundOffset = typeof bound === "number" ? bound : bound?.offset;
  let end = Math.min(model.logEndOffset, boundOffset ?? Number.MAX_SAFE_INTEGER);
  // A bare offset bounds the read at the start of the batch holding it (Kafka's position of an offset).
  if (typeof bound === "number") end = model.batchHolding(end)?.baseOffset ?? end;
  if (offset >= end) {
    assert.equal(bytes.length, 0, `${context}: a read at or past the end is empty`);
    return;
  }
  const first = model.batchHolding(offset);
  assert.ok(first !== undefined, `${context}: the model holds offset ${offset}`);
  const following = model.batches.filter((b) => b.baseOffset >= first.baseOffset && b.lastOffset < end);
  const available = Buffer.concat(following.map((b) => b.bytes));
  assert.ok(bytes.length > 0, `${context}: a read below the end returns something`);
  assert.ok(bytes.length <= available.length, `${context}: the read runs past the end`);
  assert.ok(bytes.equals(available.subarray(0, bytes.length)), `${context}: the read is not the log's bytes`);
  if (options.minOneBatch) {
    assert.ok(bytes.length >= first.bytes.length, `${context}: the first batch is whole`);
    assert.ok(
      bytes.length <= Math.max(options.maxBytes, first.bytes.length),
      `${context}: the read is larger than maxBytes and its first batch`,
    );
  } else {
    assert.ok(bytes.length <= options.maxBytes, `${context}: the read is larger than maxBytes`);
  }
}

/**
 * After a crash and recovery: the recovered log is contiguous whole batches,
 * keeps every batch below the model's durable end, and holds nothing that
 * was not once appended at its offset.
 */
export function assertRecoveredFromModel(
  model: LogModel,
  recovered: readonly ModelBatch[],
  after: { logStartOffset: number; logEndOffset: number; checkpointedLogStartOffset: number },
  context: string,
): void {
  const recoveredStart = after.logStartOffset;
  const recoveredEnd = after.logEndOffset;
  // The log start survives only through its checkpoint, which may predate a truncation that lowered it.
  const visibleFrom = Math.max(model.logStartOffset, after.checkpointedLogStartOffset);
  assert.ok(recoveredEnd >= model.durableEnd, `${context}: the log end ${recoveredEnd} lost durable data`);
  assert.ok(recoveredStart <= recoveredEnd, `${context}: the log start is past the end`);
  assert.ok(recoveredStart <= visibleFrom, `${context}: the log start moved past the model's`);
  for (const batch of recovered) {
    assert.ok(
      model.everAppended(batch),
      `${context}: the batch at ${batch.baseOffset} was never appended there`,
    );
  }
  const byBase = new Map(recovered.map((b) => [b.baseOffset, b]));
  for (const batch of model.batches) {
    if (batch.lastOffset >= model.durableEnd || batch.lastOffset < visibleFrom) continue;
    const found = byBase.get(batch.baseOffset);
    assert.ok(found !== undefined, `${context}: the acknowledged batch at ${batch.baseOffset} is gone`);
    assert.ok(
      found.bytes.equals(batch.bytes),
      `${context}: the acknowledged batch at ${batch.baseOffset} changed`,
    );
  }
}
