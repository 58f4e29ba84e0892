/**
 * Mutated request frames (from the golden captures of real clients) thrown
 * at a real broker process: every one is answered or closes its own
 * connection; the process never dies, no handler fails, and the broker
 * serves normally afterwards. Seeded: a failure names the seed.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { ApiKey } from "../../src/protocol/api-keys.ts";
import type { MetadataResponse } from "../../src/protocol/messages/metadata-response.ts";
import { Prng } from "../fuzz/prng.ts";
import { RawClient } from "../support/raw-client.ts";
import { startSamsa } from "../support/samsa-process.ts";

const SEED = Number(process.env.SAMSA_SEED ?? 424242);
const FRAMES = 1500;
const PER_CONNECTION = 25;
const GOLDEN = join(import.meta.dirname, "../fixtures/golden");

function goldenRequests(): Buffer[] {
  const frames: Buffer[] = [];
  for (const client of readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(GOLDEN, client.name)).sort()) {
      if (file.endsWith("-request.bin")) frames.push(readFileSync(join(GOLDEN, client.name, file)));
    }
  }
  return frames;
}

function mutate(prng: Prng, frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  const edits = 1 + prng.below(3);
  for (let i = 0; i < edits && out.length > 8; i++) {
    // Keep the API key and version mostly intact so mutations reach the handlers.
    const at = 8 + prng.below(out.length - 8);
    out[at] = prng.below(4) === 0 ? 0xff : out[at] ^ (1 << prng.below(8));
  }
  return prng.below(10) === 0 ? out.subarray(0, prng.below(out.length)) : out;
}

/** Sends frames on one connection and resolves when the broker answers them all or closes it. */
function blast(port: number, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      for (const frame of frames) {
        const size = Buffer.alloc(4);
        size.writeInt32BE(frame.length, 0);
        socket.write(Buffer.concat([size, frame]));
      }
      socket.end();
    });
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    socket.on("close", () => resolve());
  });
}

test(`${FRAMES} mutated client frames: the broker survives and keeps serving (seed ${SEED})`, async () => {
  const samsa = await startSamsa({ overrides: { "num.partitions": "2" } });
  try {
    const prng = new Prng(SEED);
    const seeds = goldenRequests();
    for (let sent = 0; sent < FRAMES; sent += PER_CONNECTION) {
      const batch = Array.from({ length: PER_CONNECTION }, () => mutate(prng, prng.pick(seeds)));
      await blast(samsa.port, batch);
    }
    const client = await RawClient.connect(samsa.host, samsa.port);
    const metadata = await client.request<MetadataResponse>(ApiKey.Metadata, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    assert.equal(metadata.brokers[0].port, samsa.port, `rerun with SAMSA_SEED=${SEED}`);
    client.close();
    const failures = samsa.logs.filter((l) => typeof l.level === "number" && l.level >= 50);
    assert.deepStrictEqual(failures, [], `errors logged; rerun with SAMSA_SEED=${SEED}`);
  } finally {
    await samsa.dispose();
  }
});
