// Chooses which recorded exchanges become golden fixtures: per client, the
// first answered pair of each (API key, version), and of each top-level error
// code it saw; for Produce one pair per codec and acks setting; for Fetch one
// pair per codec, and only responses that carry records (an empty Fetch says
// little about record batches).

import { apiName } from "./api-names.ts";
import { produceAcks } from "./produce-acks.ts";
import { type CodecName, type FoundBatch, findRecordBatches, frameCodec } from "./record-batches.ts";
import type { Exchange } from "./recording-proxy.ts";
import { errorName, topLevelErrorCode } from "./top-level-error.ts";

export interface Fixture {
  client: string;
  exchange: Exchange & { response: Buffer };
  /** File name part after the version, e.g. "gzip" or "none-acks1"; null for none. */
  tag: string | null;
  codec: CodecName | "mixed" | null;
  note: string;
}

interface Classification {
  tag: string | null;
  codec: CodecName | "mixed" | null;
  note: string;
}

const produceKey = 0;
const fetchKey = 1;

export function selectFixtures(exchanges: readonly Exchange[], clients: readonly string[]): Fixture[] {
  const chosen = new Map<string, Fixture>();
  for (const exchange of exchanges) {
    const { response } = exchange;
    if (response === null || !clients.includes(exchange.label)) continue;
    const classification = classify(exchange, response);
    if (classification === null) continue;
    const key = [exchange.label, exchange.apiKey, exchange.apiVersion, classification.tag ?? ""].join("/");
    if (chosen.has(key)) continue;
    chosen.set(key, { client: exchange.label, exchange: { ...exchange, response }, ...classification });
  }
  return [...chosen.values()];
}

function classify(exchange: Exchange, response: Buffer): Classification | null {
  switch (exchange.apiKey) {
    case produceKey: {
      const batches = findRecordBatches(exchange.request);
      const codec = frameCodec(batches);
      const acks = produceAcks(exchange.request);
      const acksTag = acks === -1 ? "" : `-acks${acks}`;
      return {
        tag: `${codec ?? "empty"}${acksTag}`,
        codec,
        note: `acks=${acks}; request carries ${describeBatches(batches)}`,
      };
    }
    case fetchKey: {
      const batches = findRecordBatches(response);
      if (batches.length === 0) return null;
      return {
        tag: frameCodec(batches),
        codec: frameCodec(batches),
        note: `response carries ${describeBatches(batches)}`,
      };
    }
    default: {
      const errorCode = topLevelErrorCode(exchange.apiKey, exchange.apiVersion, response);
      if (errorCode === null || errorCode === 0) return { tag: null, codec: null, note: "" };
      return {
        tag: `error${errorCode}`,
        codec: null,
        note: `answered with ${errorName(errorCode)} (${errorCode})`,
      };
    }
  }
}

function describeBatches(batches: FoundBatch[]): string {
  const records = batches.reduce((sum, batch) => sum + batch.recordCount, 0);
  const producerIds = [...new Set(batches.map((batch) => batch.producerId.toString()))].join(",");
  return `${batches.length} record batch(es), ${records} records, producerId ${producerIds}`;
}

export function fixtureStem(fixture: Fixture): string {
  const { apiKey, apiVersion } = fixture.exchange;
  const tag = fixture.tag === null ? "" : `-${fixture.tag}`;
  return `${apiName(apiKey)}-v${apiVersion}${tag}`;
}
