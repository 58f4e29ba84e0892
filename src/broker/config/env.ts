/**
 * Broker keys as environment variables: `SAMSA_` followed by the key in upper
 * case with `.` written `_`, `_` written `__` and `-` written `___`:
 *   log.retention.ms        -> SAMSA_LOG_RETENTION_MS
 *   a key_with.underscore   -> SAMSA_A_KEY__WITH_UNDERSCORE   (hypothetical key)
 *   a key-with.dash         -> SAMSA_A_KEY___WITH_DASH        (hypothetical key)
 *   samsa.console.listener  -> SAMSA_SAMSA_CONSOLE_LISTENER
 * This is the convention of Apache Kafka's and Confluent's container images
 * (with their `KAFKA_` prefix), decoded the same way: lower-case, every `_`
 * becomes `.`, then `...` becomes `-` and `..` becomes `_`.
 */

export const ENV_PREFIX = "SAMSA_";

/** The key an environment variable sets, or null when the name is not `SAMSA_<something>`. */
export function envNameToKey(envName: string): string | null {
  if (!envName.startsWith(ENV_PREFIX) || envName.length === ENV_PREFIX.length) return null;
  return envName
    .slice(ENV_PREFIX.length)
    .toLowerCase()
    .replaceAll("_", ".")
    .replaceAll("...", "-")
    .replaceAll("..", "_");
}

/** The environment variable that sets a key. */
export function keyToEnvName(key: string): string {
  const body = key.replaceAll("_", "__").replaceAll("-", "___").replaceAll(".", "_").toUpperCase();
  return ENV_PREFIX + body;
}
