/**
 * Loading the broker's configuration. Each key takes the value of its
 * highest-precedence source: built-in default < properties file <
 * `SAMSA_*` environment variable < `--override key=value` flag. Then keys
 * that stand for one setting combine by Kafka's rules (log.retention.ms
 * over log.retention.minutes over log.retention.hours, whichever sources
 * they came from). Every problem is collected and reported at once: unknown
 * keys (with the nearest known key), values of the wrong type or out of
 * range (naming the key, the value, where it was set and what is allowed),
 * keys Kafka 4 removed. Keys Samsa accepts but does not act on produce
 * warnings, returned to the caller.
 */
import type { BrokerConfig, ResolvedConfigValue } from "./broker-config.ts";
import { BROKER_KEYS, refusedBrokerKey } from "./broker-keys.ts";
import { buildBrokerConfig } from "./build-broker-config.ts";
import type { ConfigOrigin } from "./config-origin.ts";
import { ENV_PREFIX, envNameToKey } from "./env.ts";
import { PropertiesSyntaxError, parseProperties } from "./properties.ts";
import { resolveValue } from "./resolve-value.ts";
import { didYouMean } from "./suggest.ts";
import { TOPIC_KEYS } from "./topic-keys.ts";

export interface LoadBrokerConfigOptions {
  /** Contents of a Java .properties file (Kafka's server.properties format). */
  readonly propertiesText?: string;
  /** What to call the file in messages, e.g. its path. */
  readonly propertiesName?: string;
  /** `key=value` strings from `--override` flags, in order. */
  readonly overrides?: readonly string[];
  /** The environment; only `SAMSA_*` variables are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `SAMSA_*` variables that are not broker keys (e.g. read by a launcher), to skip. */
  readonly nonConfigEnv?: readonly string[];
}

export interface LoadedBrokerConfig {
  readonly config: BrokerConfig;
  /** Keys accepted but not acted on, deprecated keys: one line each. */
  readonly warnings: readonly string[];
}

export class BrokerConfigError extends Error {
  override readonly name = "BrokerConfigError";

  constructor(readonly problems: readonly string[]) {
    super(`Invalid broker configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

interface Setting {
  readonly key: string;
  readonly raw: string;
  readonly origin: ConfigOrigin;
  /** Where it was set, for messages. */
  readonly location: string;
}

function fileSettings(options: LoadBrokerConfigOptions, problems: string[]): Setting[] {
  if (options.propertiesText === undefined) return [];
  const fileName = options.propertiesName ?? "properties file";
  try {
    return parseProperties(options.propertiesText).map((entry) => ({
      key: entry.key,
      raw: entry.value,
      origin: "file" as const,
      location: `${fileName} line ${entry.line}`,
    }));
  } catch (error) {
    if (!(error instanceof PropertiesSyntaxError)) throw error;
    problems.push(`${fileName}: ${error.message}`);
    return [];
  }
}

function envSettings(options: LoadBrokerConfigOptions): Setting[] {
  const skip = new Set(options.nonConfigEnv ?? []);
  const settings: Setting[] = [];
  for (const name of Object.keys(options.env ?? {}).sort()) {
    const raw = options.env?.[name];
    const key = envNameToKey(name);
    if (raw === undefined || key === null || skip.has(name)) continue;
    settings.push({ key, raw, origin: "env", location: `environment variable ${name}` });
  }
  return settings;
}

function overrideSettings(options: LoadBrokerConfigOptions, problems: string[]): Setting[] {
  const settings: Setting[] = [];
  for (const text of options.overrides ?? []) {
    const equals = text.indexOf("=");
    if (equals <= 0) {
      problems.push(`--override ${text}: expected key=value`);
      continue;
    }
    settings.push({
      key: text.slice(0, equals).trim(),
      raw: text.slice(equals + 1),
      origin: "override",
      location: "--override",
    });
  }
  return settings;
}

function unknownKeyProblem(setting: Setting): string {
  const where = `(${setting.location})`;
  const refused = refusedBrokerKey(setting.key);
  if (refused !== null) return `${refused} ${where}`;
  const topic = TOPIC_KEYS.get(setting.key);
  if (topic !== undefined && !BROKER_KEYS.has(setting.key)) {
    const hint = topic.synonyms.length > 0 ? ` Its broker-wide default is ${topic.synonyms[0].name}.` : "";
    return `${setting.key} is a topic-level key, not a broker key ${where}.${hint}`;
  }
  const envHint = setting.origin === "env" ? ` (${ENV_PREFIX} + the key with . as _, _ as __, - as ___)` : "";
  return `Unknown broker config "${setting.key}" ${where}${envHint}.${didYouMean(setting.key, BROKER_KEYS.keys())}`;
}

/** The winning explicit setting per known key (later settings win), and problems with unknown keys. */
function explicitSettings(settings: readonly Setting[], problems: string[]): Map<string, Setting> {
  const winners = new Map<string, Setting>();
  for (const setting of settings) {
    if (BROKER_KEYS.has(setting.key)) winners.set(setting.key, setting);
    else problems.push(unknownKeyProblem(setting));
  }
  return winners;
}

function resolveAll(
  winners: ReadonlyMap<string, Setting>,
  problems: string[],
): Map<string, ResolvedConfigValue> {
  const values = new Map<string, ResolvedConfigValue>();
  for (const def of BROKER_KEYS.values()) {
    const setting = winners.get(def.name);
    const resolution = setting
      ? resolveValue(def, setting.raw, setting.origin, setting.location)
      : resolveValue(def, def.default, "default", null);
    if (resolution.ok) {
      values.set(def.name, resolution.value);
    } else if (setting === undefined) {
      throw new Error(`the default of ${def.name} is invalid: ${resolution.reason}`);
    } else {
      const allowedText = def.validator?.allowed;
      const allowed =
        allowedText && !resolution.reason.includes(allowedText) ? ` Allowed: ${allowedText}.` : "";
      problems.push(
        `Invalid value "${setting.raw}" for ${def.name} (${setting.location}): ${resolution.reason}.${allowed}`,
      );
    }
  }
  return values;
}

function warningsFor(winners: ReadonlyMap<string, Setting>): string[] {
  const warnings: string[] = [];
  for (const [key, setting] of winners) {
    const def = BROKER_KEYS.get(key)!;
    if (def.ignored !== undefined)
      warnings.push(`${key} is accepted but ignored (${setting.location}): ${def.ignored}`);
    if (def.deprecated !== undefined) warnings.push(`${def.deprecated} (${setting.location})`);
  }
  return warnings;
}

/**
 * Loads and checks the broker configuration. Throws `BrokerConfigError`
 * listing every problem; otherwise returns the typed configuration and any
 * warnings.
 */
export function loadBrokerConfig(options: LoadBrokerConfigOptions = {}): LoadedBrokerConfig {
  const problems: string[] = [];
  const settings = [
    ...fileSettings(options, problems),
    ...envSettings(options),
    ...overrideSettings(options, problems),
  ];
  const winners = explicitSettings(settings, problems);
  const values = resolveAll(winners, problems);
  if (problems.length > 0) throw new BrokerConfigError(problems);
  const built = buildBrokerConfig(values);
  if (!built.ok) throw new BrokerConfigError(built.problems);
  return { config: built.config, warnings: warningsFor(winners) };
}
