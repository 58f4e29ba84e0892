/**
 * Kafka's value types and how a configuration text becomes a value, with
 * the rules of Kafka's `ConfigDef.parseType`: the text is trimmed; booleans
 * are `true`/`false` in any case; numbers are plain decimal integers
 * (optional sign, no fraction, within the type's range); lists split on
 * commas with the spaces around them dropped, and an empty text is an empty
 * list. `long` values are kept as `bigint` so that Kafka's Long.MAX_VALUE
 * defaults survive exactly; `formatValue` gives the text DescribeConfigs
 * reports.
 */

export type ConfigTypeName =
  | "boolean"
  | "string"
  | "int"
  | "short"
  | "long"
  | "double"
  | "list"
  | "password"
  | "class";

export type ParsedValue = boolean | number | bigint | string | readonly string[] | null;

export type ParseResult = { ok: true; value: ParsedValue } | { ok: false; reason: string };

export const LONG_MAX = 9223372036854775807n;
export const LONG_MIN = -9223372036854775808n;
export const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const SHORT_MAX = 32767;
const SHORT_MIN = -32768;

const INTEGER_TEXT = /^[+-]?[0-9]+$/;
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[dDfF]?)$/;

const EXPECTED: Readonly<Record<ConfigTypeName, string>> = {
  boolean: "true or false",
  string: "a string",
  int: `a 32-bit integer (${INT_MIN} to ${INT_MAX})`,
  short: `a 16-bit integer (${SHORT_MIN} to ${SHORT_MAX})`,
  long: "a 64-bit integer",
  double: "a number",
  list: "a comma-separated list",
  password: "a string",
  class: "a class name",
};

function parseInteger(trimmed: string, min: bigint, max: bigint): bigint | null {
  if (!INTEGER_TEXT.test(trimmed)) return null;
  const value = BigInt(trimmed);
  return value < min || value > max ? null : value;
}

function parseDouble(trimmed: string): number | null {
  if (!DOUBLE_TEXT.test(trimmed)) return null;
  const value = Number(trimmed.replace(/[dDfF]$/, ""));
  return Number.isNaN(value) ? null : value;
}

function parseNumeric(type: "int" | "short" | "long" | "double", trimmed: string): ParsedValue {
  switch (type) {
    case "int": {
      const value = parseInteger(trimmed, BigInt(INT_MIN), BigInt(INT_MAX));
      return value === null ? null : Number(value);
    }
    case "short": {
      const value = parseInteger(trimmed, BigInt(SHORT_MIN), BigInt(SHORT_MAX));
      return value === null ? null : Number(value);
    }
    case "long":
      return parseInteger(trimmed, LONG_MIN, LONG_MAX);
    case "double":
      return parseDouble(trimmed);
  }
}

/** Parses a configuration text as Kafka would for a key of this type. */
export function parseValue(type: ConfigTypeName, text: string): ParseResult {
  const trimmed = text.trim();
  switch (type) {
    case "boolean": {
      const lower = trimmed.toLowerCase();
      if (lower === "true" || lower === "false") return { ok: true, value: lower === "true" };
      return { ok: false, reason: `expected ${EXPECTED.boolean}` };
    }
    case "string":
    case "password":
    case "class":
      return { ok: true, value: trimmed };
    case "list":
      return { ok: true, value: trimmed === "" ? [] : trimmed.split(/\s*,\s*/) };
    default: {
      const value = parseNumeric(type, trimmed);
      if (value === null) return { ok: false, reason: `expected ${EXPECTED[type]}` };
      return { ok: true, value };
    }
  }
}

/** Java's `Double.toString`, for the values Kafka's configs hold. */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : value < 0 ? "-Infinity" : "NaN";
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const text = String(value);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split("e");
  const digits = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${digits}E${exponent.replace("+", "")}`;
}

/** The text Kafka reports for a parsed value (DescribeConfigs, synonyms); null stays null. */
export function formatValue(type: ConfigTypeName, value: ParsedValue): string | null {
  if (value === null) return null;
  if (typeof value === "number") return type === "double" ? formatDouble(value) : String(value);
  if (typeof value === "object") return value.join(",");
  return String(value);
}

/** Kafka's type name for a value in messages. */
export function describeType(type: ConfigTypeName): string {
  return EXPECTED[type];
}

/**
 * A `long` as a JavaScript number. Kafka's "forever" is Long.MAX_VALUE; past
 * 2^53 the exact value no longer matters, so it saturates at the largest safe
 * integer (the storage layer's own "forever").
 */
export function longToNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}
