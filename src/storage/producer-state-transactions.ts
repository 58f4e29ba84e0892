/**
 * The transactions of one partition that hold back its last stable offset
 * (LSO), the bound consumers reading committed data stop at:
 * - open ones, from their first batch until their commit or abort marker;
 * - completed ones whose marker is not yet below the high watermark, since
 *   a new leader could still lose the marker. The log reports the high
 *   watermark and they leave.
 * Each list is kept sorted by first offset, so the first unstable offset is
 * the smaller of the two heads.
 */
import assert from "node:assert/strict";

export interface CompletedTransaction {
  producerId: bigint;
  /** Offset of the transaction's first batch in this partition. */
  firstOffset: number;
  /** Offset of the commit or abort marker. */
  lastOffset: number;
  isAborted: boolean;
  /**
   * What the LSO becomes once this transaction is complete: the start of the
   * next open transaction of another producer, or the offset after the
   * marker. Kafka's transaction index records it with each aborted
   * transaction, so a fetch knows how far its list of aborts is complete.
   */
  lastStableOffset: number;
}

interface OpenTransaction {
  producerId: bigint;
  firstOffset: number;
}

export class TransactionTracker {
  private readonly open: OpenTransaction[] = [];
  private unreplicated: CompletedTransaction[] = [];

  begin(producerId: bigint, firstOffset: number): void {
    // Appends arrive in offset order; only a snapshot load inserts out of order.
    let index = this.open.length;
    while (index > 0 && this.open[index - 1].firstOffset > firstOffset) index--;
    this.open.splice(index, 0, { producerId, firstOffset });
  }

  /** Moves the producer's open transaction to the unreplicated list. */
  complete(transaction: Omit<CompletedTransaction, "lastStableOffset">): CompletedTransaction {
    const index = this.open.findIndex(
      (open) => open.producerId === transaction.producerId && open.firstOffset === transaction.firstOffset,
    );
    assert.ok(
      index >= 0,
      `producer ${transaction.producerId} has no transaction open at ${transaction.firstOffset}`,
    );
    const nextOpen = this.open.find((open) => open.producerId !== transaction.producerId);
    const completed = {
      ...transaction,
      lastStableOffset: nextOpen?.firstOffset ?? transaction.lastOffset + 1,
    };
    this.open.splice(index, 1);
    let position = this.unreplicated.length;
    while (position > 0 && this.unreplicated[position - 1].firstOffset > completed.firstOffset) position--;
    this.unreplicated.splice(position, 0, completed);
    return completed;
  }

  /** Forgets completed transactions whose marker lies below `offset`. */
  removeCompletedBelow(offset: number): void {
    this.unreplicated = this.unreplicated.filter((completed) => completed.lastOffset >= offset);
  }

  firstUnstableOffset(): number | null {
    const undecided = this.firstUndecidedOffset();
    const unreplicated = this.unreplicated[0]?.firstOffset ?? null;
    if (undecided === null) return unreplicated;
    if (unreplicated === null) return undecided;
    return Math.min(undecided, unreplicated);
  }

  firstUndecidedOffset(): number | null {
    return this.open[0]?.firstOffset ?? null;
  }

  ongoing(): OpenTransaction[] {
    return this.open.map((open) => ({ ...open }));
  }

  clear(): void {
    this.open.length = 0;
    this.unreplicated = [];
  }
}
