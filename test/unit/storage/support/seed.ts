/**
 * Seeds for randomized storage tests. Each test has a fixed default seed so
 * runs are reproducible; `SAMSA_SEED=N` overrides it to replay a failure,
 * and every failure names the seed it ran with.
 */

/** The seed to run with: `SAMSA_SEED` if set, else the test's fixed default. */
export function testSeed(defaultSeed: number): number {
  const fromEnv = process.env.SAMSA_SEED;
  if (fromEnv === undefined || fromEnv === "") return defaultSeed;
  const seed = Number(fromEnv);
  if (!Number.isSafeInteger(seed)) throw new Error(`SAMSA_SEED must be an integer, got ${fromEnv}`);
  return seed;
}

/** Runs `body`; a failure is rethrown with a "rerun with seed=N" line in front of its message. */
export async function withSeed<T>(seed: number, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const rerun = `rerun with seed=${seed} (SAMSA_SEED=${seed})`;
    if (error instanceof Error) {
      error.message = `${rerun}\n${error.message}`;
      throw error;
    }
    throw new Error(`${rerun}\n${String(error)}`);
  }
}
