// The fixed record contents every driver produces, so fixtures from different
// clients differ only where the clients themselves differ. GoldenCapture.java
// builds the same records.

export const recordsPerBatch = 3;

const pangram = "the quick brown fox jumps over the lazy dog.";

export interface GoldenRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function goldenRecords(codec: string): GoldenRecord[] {
  return Array.from({ length: recordsPerBatch }, (_, i) => ({
    key: `key-${i}`,
    // Repetitive on purpose: compressed batches should be visibly smaller.
    value: `golden value ${i} (${codec}) ${[pangram, pangram, pangram].join(" ")}`,
    headers: { trace: `golden-${i}`, codec },
  }));
}
