/**
 * A minimal timing loop for micro-benchmarks: warm up, then run whole
 * batches of operations until the time budget is spent, and report the
 * rate. Inputs are prepared by the caller, outside the timed region.
 */
export interface Measurement {
  name: string;
  opsPerSecond: number;
  megabytesPerSecond: number;
}

const WARMUP_MS = 300;
const MEASURE_MS = 1500;

function runFor(durationMs: number, op: () => void): { ops: number; elapsedMs: number } {
  let ops = 0;
  const start = performance.now();
  let now = start;
  let batch = 1;
  while (now - start < durationMs) {
    for (let i = 0; i < batch; i++) op();
    ops += batch;
    now = performance.now();
    if (batch < 1024) batch *= 2;
  }
  return { ops, elapsedMs: now - start };
}

export function measure(name: string, bytesPerOp: number, op: () => void): Measurement {
  runFor(WARMUP_MS, op);
  const { ops, elapsedMs } = runFor(MEASURE_MS, op);
  const opsPerSecond = (ops * 1000) / elapsedMs;
  return { name, opsPerSecond, megabytesPerSecond: (opsPerSecond * bytesPerOp) / 1e6 };
}
