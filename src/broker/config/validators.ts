/**
 * The checks a configuration value must pass once parsed, mirroring Kafka's
 * `ConfigDef` validators (Range, ValidString, ValidList). A validator
 * answers null when the value is fine, or the reason it is not; `allowed`
 * says in words what would be accepted, for error messages and docs.
 * Null values (a key whose default is "unset") are never validated.
 */
import type { ParsedValue } from "./parse-value.ts";

export interface Validator {
  readonly allowed: string;
  check(value: ParsedValue): string | null;
}

function asNumber(value: ParsedValue): number | bigint {
  if (typeof value === "number" || typeof value === "bigint") return value;
  throw new TypeError(`a numeric validator was given ${typeof value}`);
}

function below(value: number | bigint, bound: number | bigint): boolean {
  return typeof value === "bigint" ? value < BigInt(bound) : value < Number(bound);
}

function above(value: number | bigint, bound: number | bigint): boolean {
  return typeof value === "bigint" ? value > BigInt(bound) : value > Number(bound);
}

export function atLeast(min: number | bigint): Validator {
  return {
    allowed: `at least ${min}`,
    check: (value) => (below(asNumber(value), min) ? `must be at least ${min}` : null),
  };
}

export function between(min: number | bigint, max: number | bigint): Validator {
  return {
    allowed: `between ${min} and ${max}`,
    check: (value) => {
      const n = asNumber(value);
      return below(n, min) || above(n, max) ? `must be between ${min} and ${max}` : null;
    },
  };
}

/** One of a fixed set of strings, matched exactly (Kafka's ValidString is case-sensitive). */
export function oneOf(...choices: readonly string[]): Validator {
  return {
    allowed: `one of: ${choices.join(", ")}`,
    check: (value) => (choices.includes(String(value)) ? null : `must be one of: ${choices.join(", ")}`),
  };
}

export interface ListRules {
  /** The only values an item may take; any non-empty text when absent. */
  readonly choices?: readonly string[];
  readonly allowEmpty: boolean;
  /** A further check on each item: null when fine, else the reason. */
  readonly item?: (item: string) => string | null;
  /** Words for `allowed` when `item` is given. */
  readonly itemAllowed?: string;
}

/** Kafka 4's ValidList: no empty items, no duplicates, optionally a fixed vocabulary. */
export function listOf(rules: ListRules): Validator {
  const what = rules.choices
    ? `a list of: ${rules.choices.join(", ")}`
    : `a list of ${rules.itemAllowed ?? "non-empty values"}`;
  const allowed = rules.allowEmpty ? `${what} (may be empty)` : `a non-empty ${what.slice(2)}`;
  return {
    allowed,
    check: (value) => {
      const items = value as readonly string[];
      if (items.length === 0) return rules.allowEmpty ? null : "must not be empty";
      if (new Set(items).size !== items.length) return "must not contain duplicates";
      for (const item of items) {
        if (item === "") return "must not contain empty items";
        if (rules.choices && !rules.choices.includes(item))
          return `contains "${item}"; each item must be one of: ${rules.choices.join(", ")}`;
        const reason = rules.item?.(item) ?? null;
        if (reason !== null) return reason;
      }
      return null;
    },
  };
}

/** A string check given as a function. */
export function textMatching(allowed: string, check: (text: string) => string | null): Validator {
  return { allowed, check: (value) => check(String(value)) };
}
