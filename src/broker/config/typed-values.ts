/**
 * Reading parsed values back as TypeScript types. The definition tables fix
 * each key's type, so a mismatch here is a programmer error and asserts.
 */
import assert from "node:assert/strict";
import { longToNumber, type ParsedValue } from "./parse-value.ts";

export interface ValueSource {
  get(name: string): ParsedValue;
}

export function readInt(source: ValueSource, name: string): number {
  const value = source.get(name);
  assert.equal(typeof value, "number", `${name} should be numeric`);
  return value as number;
}

export function readDouble(source: ValueSource, name: string): number {
  const value = source.get(name);
  assert.equal(typeof value, "number", `${name} should be a double`);
  return value as number;
}

/** A long as a number, saturating at the largest safe integer (Kafka's Long.MAX_VALUE means "never"). */
export function readLong(source: ValueSource, name: string): number {
  const value = source.get(name);
  assert.equal(typeof value, "bigint", `${name} should be a long`);
  return longToNumber(value as bigint);
}

export function readBoolean(source: ValueSource, name: string): boolean {
  const value = source.get(name);
  assert.equal(typeof value, "boolean", `${name} should be a boolean`);
  return value as boolean;
}

export function readString(source: ValueSource, name: string): string {
  const value = source.get(name);
  assert.equal(typeof value, "string", `${name} should be a string`);
  return value as string;
}

export function readOptionalString(source: ValueSource, name: string): string | null {
  const value = source.get(name);
  return value === null ? null : readString(source, name);
}

export function readList(source: ValueSource, name: string): readonly string[] {
  const value = source.get(name);
  assert.ok(Array.isArray(value), `${name} should be a list`);
  return value;
}

/** A list key whose default is "unset": null stays null. */
export function readOptionalList(source: ValueSource, name: string): readonly string[] | null {
  return source.get(name) === null ? null : readList(source, name);
}
