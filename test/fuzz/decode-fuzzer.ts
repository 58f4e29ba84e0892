/**
 * Fuzzes every generated decoder and the request-frame decoder with random
 * and mutated inputs. Every outcome must be a decoded value or a
 * DecodeError: any other exception, a decoded array longer than the input,
 * or a byte field that copies instead of viewing the input is a failure.
 * Runs are deterministic per seed; a failure names the seed and iteration.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { decodeMessage, decodeRequestFrame, encodeMessage } from "../../src/protocol/codec.ts";
import { allMessageCodecs } from "../../src/protocol/messages/index.ts";
import { DecodeError } from "../../src/protocol/primitives.ts";
import type { MessageCodec } from "../../src/protocol/schema.ts";
import { contextFor, structValue } from "../unit/protocol/support/arbitrary-message.ts";
import { Prng } from "./prng.ts";

interface Target {
  codec: MessageCodec<unknown>;
  version: number;
  /** Valid encodings to mutate. */
  corpus: Buffer[];
}

export interface FuzzFailure {
  iteration: number;
  target: string;
  input: string;
  error: string;
}

export interface FuzzReport {
  iterations: number;
  decoded: number;
  rejected: number;
  failures: FuzzFailure[];
}

const CORPUS_PER_VERSION = 3;
const MAX_RANDOM_BYTES = 300;
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

export function buildTargets(seed: number): Target[] {
  const targets: Target[] = [];
  for (const codec of allMessageCodecs) {
    const [min, max] = codec.schema.validVersions;
    for (let version = min; version <= max; version++) {
      const ctx = contextFor(codec.schema, version);
      const samples = fc.sample(structValue(codec.schema.fields, ctx), {
        seed: seed + version,
        numRuns: CORPUS_PER_VERSION,
      });
      targets.push({ codec, version, corpus: samples.map((value) => encodeMessage(codec, version, value)) });
    }
  }
  return targets;
}

/** Request frames captured from real clients, if the golden fixtures are present. */
export function loadGoldenRequestFrames(dir: string): Buffer[] {
  const frames: Buffer[] = [];
  let clients: string[];
  try {
    clients = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return frames;
  }
  for (const client of clients.sort()) {
    for (const file of readdirSync(join(dir, client)).sort()) {
      if (file.endsWith("-request.bin")) frames.push(readFileSync(join(dir, client, file)));
    }
  }
  return frames;
}

function mutate(prng: Prng, input: Buffer): Buffer {
  let out = Buffer.from(input);
  const edits = 1 + prng.below(4);
  for (let e = 0; e < edits; e++) {
    const at = out.length === 0 ? 0 : prng.below(out.length);
    switch (prng.below(6)) {
      case 0:
        if (out.length > 0) out[at] ^= 1 << prng.below(8);
        break;
      case 1:
        if (out.length > 0) out[at] = prng.pick(INTERESTING_BYTES);
        break;
      case 2:
        out = out.subarray(0, at);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), prng.bytes(1 + prng.below(8)), out.subarray(at)]);
        break;
      case 4:
        if (out.length >= at + 4) out.writeInt32BE(prng.pick([-1, -2, 0x7fffffff, 0x10000, 1 << 24]), at);
        break;
      default:
        out = Buffer.concat([out, out.subarray(at, at + prng.below(16))]);
    }
  }
  return out;
}

/** Counts decoded array elements and checks that byte fields are views of the input. */
function checkDecoded(value: unknown, input: Buffer): number {
  if (Buffer.isBuffer(value)) {
    if (value.length > 0 && value.buffer !== input.buffer)
      throw new Error("a byte field was copied out of the frame");
    return 0;
  }
  if (Array.isArray(value)) {
    let count = value.length;
    for (const item of value) count += checkDecoded(item, input);
    return count;
  }
  if (value !== null && typeof value === "object") {
    let count = 0;
    for (const item of Object.values(value)) count += checkDecoded(item, input);
    return count;
  }
  return 0;
}

function attempt(decode: () => unknown, input: Buffer): "decoded" | "rejected" {
  let value: unknown;
  try {
    value = decode();
  } catch (error) {
    if (error instanceof DecodeError) return "rejected";
    throw error;
  }
  const elements = checkDecoded(value, input);
  if (elements > input.length)
    throw new Error(`decoded ${elements} array elements from ${input.length} bytes`);
  return "decoded";
}

export function runDecodeFuzz(options: { seed: number; iterations: number; goldenDir?: string }): FuzzReport {
  const prng = new Prng(options.seed);
  const targets = buildTargets(options.seed);
  const frames = options.goldenDir === undefined ? [] : loadGoldenRequestFrames(options.goldenDir);
  const report: FuzzReport = { iterations: options.iterations, decoded: 0, rejected: 0, failures: [] };
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const mode = prng.below(10);
    let input: Buffer;
    let name: string;
    let decode: () => unknown;
    if (mode === 0 || (mode === 1 && frames.length > 0)) {
      input = mode === 1 ? mutate(prng, prng.pick(frames)) : prng.bytes(prng.below(MAX_RANDOM_BYTES));
      name = "request frame";
      decode = () => decodeRequestFrame(input);
    } else {
      const target = prng.pick(targets);
      const { codec, version } = target;
      input =
        mode === 2 || target.corpus.length === 0
          ? prng.bytes(prng.below(MAX_RANDOM_BYTES))
          : mutate(prng, prng.pick(target.corpus));
      name = `${codec.schema.name} v${version}`;
      decode = () => decodeMessage(codec, input, version);
    }
    try {
      report[attempt(decode, input)]++;
    } catch (error) {
      report.failures.push({ iteration, target: name, input: input.toString("hex"), error: String(error) });
    }
  }
  return report;
}
