// Starts the reference Apache Kafka broker and keeps it running until SIGINT or
// SIGTERM. Prints the bootstrap address on stdout, one line, for scripts.
//
//   npx tsx tools/kafka/run-broker.ts [--port N] [--advertised-port N]

import { parseArgs } from "node:util";
import { startReferenceBroker } from "./reference-broker.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "advertised-port": { type: "string" },
  },
});

function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--${name} must be a port, got '${value}'`);
  return port;
}

const broker = await startReferenceBroker({
  port: portOption("port", values.port),
  advertisedPort: portOption("advertised-port", values["advertised-port"]),
});
console.log(`${broker.host}:${broker.port}`);
console.error(`reference broker pid ${broker.pid}, log ${broker.logFile}`);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  broker.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
