/**
 * The `samsa` command line. Subcommands:
 *   samsa broker start [--config server.properties] [--override key=value ...]
 * The broker runs in this very process; SIGTERM or SIGINT stop it cleanly
 * (in-flight requests finish, logs flush, checkpoints and the clean-shutdown
 * marker are written).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pino from "pino";
import { Broker } from "../broker/broker.ts";
import { brokerSettingsFromArgs } from "../broker/settings.ts";

const USAGE = `Usage:
  samsa broker start [--config <server.properties>] [--override <key>=<value>]...

Kafka's server.properties keys are accepted in the file, as --override, and as
SAMSA_<KEY> environment variables (dots become underscores, e.g. SAMSA_LOG_DIRS).`;

async function brokerStart(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      override: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const logger = pino({ name: "samsa", level: process.env.SAMSA_LOG_LEVEL ?? "info" });
  const propertiesText = values.config === undefined ? undefined : readFileSync(values.config, "utf8");
  const { settings, warnings } = brokerSettingsFromArgs({
    propertiesText,
    overrides: values.override ?? [],
    env: process.env,
  });
  for (const warning of warnings) logger.warn(warning);
  const broker = await Broker.start({ settings, logger });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

export async function main(argv: string[]): Promise<void> {
  const [command, subcommand, ...rest] = argv;
  try {
    if (command === "broker" && (subcommand === "start" || subcommand === undefined)) {
      await brokerStart(rest);
      return;
    }
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      console.log(USAGE);
      return;
    }
    console.error(`samsa: unknown command '${argv.join(" ")}'\n\n${USAGE}`);
    process.exitCode = 2;
  } catch (error) {
    console.error(`samsa: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
