/**
 * Shapes a message built without regard to version (e.g. by a coordinator
 * that answers many clients) to what one version can carry: fields the
 * version lacks are dropped, and nulls where the version has no null become
 * the field's empty value ("" for strings, empty bytes and arrays). The
 * generated encoders stay strict; this is the one deliberate place where a
 * caller says "fit it".
 */
import { type FieldSchema, inRange } from "./schema.ts";
import { EMPTY } from "./wire-basics.ts";

type Struct = Record<string, unknown>;

function isStructType(type: string): boolean {
  const name = type.startsWith("[]") ? type.slice(2) : type;
  return /^[A-Z]/.test(name);
}

function emptyValueOf(field: FieldSchema): unknown {
  if (field.type.startsWith("[]")) return [];
  if (field.type === "string") return "";
  if (field.type === "bytes" || field.type === "records") return EMPTY;
  return undefined;
}

export function fitToVersion<T extends object>(
  fields: readonly FieldSchema[],
  version: number,
  message: T,
): T {
  const source = message as Struct;
  const out: Struct = { ...source };
  for (const field of fields) {
    if (!inRange(field.versions, version)) {
      delete out[field.name];
      continue;
    }
    let value = source[field.name];
    if (value === null && !inRange(field.nullableVersions, version)) value = emptyValueOf(field);
    if (value !== null && value !== undefined && isStructType(field.type) && field.fields !== undefined) {
      const inner = field.fields;
      value = Array.isArray(value)
        ? value.map((item: object) => fitToVersion(inner, version, item))
        : fitToVersion(inner, version, value as object);
    }
    out[field.name] = value;
  }
  return out as T;
}
