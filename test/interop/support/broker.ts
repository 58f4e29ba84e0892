/**
 * The Samsa broker the interop tests talk to, and what they ask of it before
 * running: a fixed free port (so a restart comes back on the same address),
 * the APIs it advertises, and topic names no other test uses.
 */
import { randomBytes } from "node:crypto";
import { ApiKey } from "../../../src/protocol/api-keys.ts";
import type { ApiVersionsResponse } from "../../../src/protocol/messages/api-versions-response.ts";
import { freePort } from "../../../tools/kafka/free-port.ts";
import { RawClient } from "../../support/raw-client.ts";
import { type SamsaProcess, type StartOptions, startSamsa } from "../../support/samsa-process.ts";

/** Overrides every interop broker gets: no web console, so nothing else binds a port. */
const INTEROP_OVERRIDES: Record<string, string> = { "samsa.console.listener": "none" };

/** A broker on a port chosen up front; restart it with `restartBroker`. */
export async function startBroker(options: StartOptions = {}): Promise<SamsaProcess> {
  return startSamsa({
    ...options,
    port: options.port ?? (await freePort()),
    overrides: { ...INTEROP_OVERRIDES, ...options.overrides },
  });
}

/** The same data directory and port, after the previous process has exited. */
export function restartBroker(
  previous: SamsaProcess,
  overrides: Record<string, string> = {},
): Promise<SamsaProcess> {
  return startBroker({ dataDir: previous.dataDir, port: previous.port, overrides });
}

/** API key → advertised version range, from the broker's ApiVersions answer. */
export async function advertisedApis(
  broker: SamsaProcess,
): Promise<Map<number, { min: number; max: number }>> {
  const client = await RawClient.connect(broker.host, broker.port);
  try {
    const response = await client.request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, {
      clientSoftwareName: "samsa-interop",
      clientSoftwareVersion: "1",
    });
    return new Map(response.apiKeys.map((api) => [api.apiKey, { min: api.minVersion, max: api.maxVersion }]));
  } finally {
    client.close();
  }
}

let topicCounter = 0;

/** A topic name unique to this run and call: `<prefix>-<pid>-<n>-<random>`. */
export function uniqueTopic(prefix: string): string {
  topicCounter += 1;
  return `${prefix}-${process.pid}-${topicCounter}-${randomBytes(3).toString("hex")}`;
}
