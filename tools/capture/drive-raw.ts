// Requests built by hand: ApiVersions v0 (no client we drive sends it), v4
// (between librdkafka's v3 and the Java client's v5), and versions the broker
// does not support, which it must answer with UNSUPPORTED_VERSION (35) in a
// v0-layout response listing its own ApiVersions range.

import { compactString } from "../kafka/kafka-frames.ts";
import { sendRawRequest } from "../kafka/raw-request.ts";

const timeoutMs = 10_000;

export async function driveRaw(bootstrap: string): Promise<void> {
  const [host = "", portText = ""] = bootstrap.split(":");
  const port = Number(portText);
  await sendRawRequest({
    host,
    port,
    apiKey: 18,
    apiVersion: 0,
    correlationId: 1,
    clientId: "golden-raw",
    body: Buffer.alloc(0),
    timeoutMs,
  });
  // Flexible versions (3+) carry a v2 header and the client's software name and version.
  const flexibleBody = Buffer.concat([compactString("golden-raw"), compactString("1.0.0"), Buffer.from([0])]);
  for (const [apiVersion, correlationId, expectedError] of [
    [4, 2, 0],
    [6, 3, 35],
    [127, 4, 35],
  ] as const) {
    const response = await sendRawRequest({
      host,
      port,
      apiKey: 18,
      apiVersion,
      correlationId,
      clientId: "golden-raw",
      body: flexibleBody,
      flexibleHeader: true,
      timeoutMs,
    });
    const errorCode = response.readInt16BE(4);
    if (errorCode !== expectedError) {
      throw new Error(`ApiVersions v${apiVersion}: expected error ${expectedError}, got ${errorCode}`);
    }
  }
}
