// Captures golden bytes: real clients talk to a real Apache Kafka 4.4.0 broker
// through a recording proxy, and a selection of the recorded request/response
// pairs is written to test/fixtures/golden/.
//
//   npx tsx tools/capture/capture-all.ts [--clients raw,java,librdkafka,kafkajs] [--recording-dir DIR]
//
// The broker advertises the proxy's address, so clients keep going through the
// proxy after their first Metadata. Each driver runs alone and the proxy labels
// connections with the client that opened them. --recording-dir keeps every
// exchange, not only the selected fixtures. At the end each fixture is parsed
// and re-encoded with Kafka's own codec (java/VerifyGolden.java).

import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../kafka/free-port.ts";
import { startReferenceBroker } from "../kafka/reference-broker.ts";
import { createTopics } from "./create-topics.ts";
import { driveJava, verifyWithKafkaCodec } from "./drive-java.ts";
import { driveKafkajs } from "./drive-kafkajs.ts";
import { driveKcat, kcatTopics, librdkafkaVersion } from "./drive-kcat.ts";
import { driveRaw } from "./drive-raw.ts";
import { startRecordingProxy, writeRecording } from "./recording-proxy.ts";
import { fixtureStem, selectFixtures } from "./select-fixtures.ts";
import { verifyFixtures, writeFixtures } from "./write-fixtures.ts";

interface Driver {
  /** Runs first, under a "-setup" label, so its traffic never becomes the client's fixtures. */
  setup?: (bootstrap: string) => Promise<void>;
  drive: (bootstrap: string) => Promise<void>;
}

const drivers: Record<string, Driver> = {
  raw: { drive: driveRaw },
  java: { drive: driveJava },
  librdkafka: { setup: (bootstrap) => createTopics(bootstrap, kcatTopics), drive: driveKcat },
  kafkajs: { drive: driveKafkajs },
};

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const goldenDir = path.join(repoRoot, "test", "fixtures", "golden");

const { values } = parseArgs({
  options: { clients: { type: "string" }, "recording-dir": { type: "string" } },
});
const clients = values.clients?.split(",") ?? Object.keys(drivers);
for (const client of clients) {
  if (!(client in drivers))
    throw new Error(`unknown client '${client}'; known: ${Object.keys(drivers).join(", ")}`);
}

const brokerPort = await freePort();
const proxy = await startRecordingProxy({ targetHost: "127.0.0.1", targetPort: brokerPort });
const broker = await startReferenceBroker({ port: brokerPort, advertisedPort: proxy.port }).catch(
  async (error: unknown) => {
    await proxy.close();
    throw error;
  },
);
console.log(`broker pid ${broker.pid} on ${broker.port}, recording proxy on ${proxy.port}`);
// Ctrl-C: stop the broker we started and remove its temp directory before leaving.
process.once("SIGINT", () => {
  void Promise.allSettled([proxy.close(), broker.stop()]).then(() => process.exit(130));
});
try {
  console.log(`kcat uses librdkafka ${await librdkafkaVersion()}`);
  for (const client of clients) {
    const driver = drivers[client];
    if (driver === undefined) continue;
    const bootstrap = `${proxy.host}:${proxy.port}`;
    if (driver.setup !== undefined) {
      proxy.setLabel(`${client}-setup`);
      await driver.setup(bootstrap);
    }
    proxy.setLabel(client);
    const startedMs = Date.now();
    await driver.drive(bootstrap);
    console.log(`${client}: done in ${Date.now() - startedMs} ms`);
  }
  proxy.setLabel("after-capture");
} finally {
  await proxy.close();
  await broker.stop();
}

const recordingDir = values["recording-dir"];
if (recordingDir !== undefined) {
  writeRecording(recordingDir, proxy.exchanges());
  console.log(`${proxy.exchanges().length} exchanges recorded in ${recordingDir}`);
}
for (const problem of proxy.problems()) console.warn(`proxy: ${problem}`);

const fixtures = selectFixtures(proxy.exchanges(), clients);
writeFixtures(goldenDir, fixtures, clients);
for (const fixture of fixtures) {
  const { request, response } = fixture.exchange;
  console.log(`${fixture.client}/${fixtureStem(fixture)}: ${request.length} + ${response.length} bytes`);
}
console.log(`${fixtures.length} fixture pairs written to ${path.relative(repoRoot, goldenDir)}`);
const problems = verifyFixtures(goldenDir);
for (const problem of problems) console.error(`fixture: ${problem}`);
if (problems.length > 0) process.exitCode = 1;
// Throws (non-zero exit) when Kafka's own codec cannot parse and re-encode a fixture.
console.log(`Kafka codec parse + re-encode: ${await verifyWithKafkaCodec(goldenDir)}`);
