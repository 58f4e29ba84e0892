/**
 * fast-check arbitraries for any generated message at any version, derived
 * from the schema descriptors the generator emits beside each codec, plus
 * the value a decoder must return for them (absent fields take defaults).
 */
import fc from "fast-check";
import type { FieldSchema, MessageSchema, VersionRange } from "../../../../src/protocol/schema.ts";
import { inRange } from "../../../../src/protocol/schema.ts";

type Value = unknown;
type Struct = Record<string, Value>;

const MAX_DEPTH_ARRAY_LENGTH = [3, 2, 2, 1, 1];
const UNKNOWN_TAG_BASE = 1000;

function isStructType(type: string): boolean {
  const name = type.startsWith("[]") ? type.slice(2) : type;
  return /^[A-Z]/.test(name);
}

function primitive(type: string): fc.Arbitrary<Value> {
  switch (type) {
    case "bool":
      return fc.boolean();
    case "int8":
      return fc.integer({ min: -128, max: 127 });
    case "int16":
      return fc.integer({ min: -32768, max: 32767 });
    case "uint16":
      return fc.integer({ min: 0, max: 65535 });
    case "int32":
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case "uint32":
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case "int64":
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case "float64":
      return fc.double();
    case "string":
      return fc.string({ unit: "grapheme", maxLength: 12 });
    case "bytes":
    case "records":
      return fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));
    case "uuid":
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString("base64url"));
    default:
      throw new Error(`unknown primitive ${type}`);
  }
}

export interface MessageContext {
  version: number;
  flexible: boolean;
  /** Whether decoded structs carry an `_unknownTaggedFields` key. */
  hasFlexibleVersions: boolean;
}

export function contextFor(schema: MessageSchema, version: number): MessageContext {
  const [fMin, fMax] = schema.flexibleVersions;
  const [vMin, vMax] = schema.validVersions;
  return {
    version,
    flexible: inRange(schema.flexibleVersions, version),
    hasFlexibleVersions: Math.max(fMin, vMin) <= Math.min(fMax, vMax),
  };
}

function isTaggedIn(field: FieldSchema, ctx: MessageContext): boolean {
  return ctx.flexible && inRange(field.taggedVersions, ctx.version);
}

function isPresent(field: FieldSchema, ctx: MessageContext): boolean {
  if (!inRange(field.versions, ctx.version)) return false;
  if (field.taggedVersions[0] <= field.taggedVersions[1]) return isTaggedIn(field, ctx);
  return true;
}

function fieldValue(field: FieldSchema, ctx: MessageContext, depth: number): fc.Arbitrary<Value> {
  const nullable = inRange(field.nullableVersions, ctx.version);
  let base: fc.Arbitrary<Value>;
  if (field.type.startsWith("[]")) {
    const elementType = field.type.slice(2);
    const element = isStructType(elementType)
      ? structValue(field.fields ?? [], ctx, depth + 1)
      : primitive(elementType);
    const maxLength = MAX_DEPTH_ARRAY_LENGTH[Math.min(depth, MAX_DEPTH_ARRAY_LENGTH.length - 1)];
    base = fc.array(element, { maxLength });
  } else if (isStructType(field.type)) {
    base = structValue(field.fields ?? [], ctx, depth + 1);
  } else {
    base = primitive(field.type);
  }
  return nullable ? fc.option(base, { nil: null, freq: 4 }) : base;
}

function unknownTaggedFields(): fc.Arbitrary<{ tag: number; data: Buffer }[] | undefined> {
  return fc.option(
    fc
      .uniqueArray(fc.integer({ min: UNKNOWN_TAG_BASE, max: UNKNOWN_TAG_BASE + 50 }), {
        maxLength: 2,
        minLength: 1,
      })
      .chain((tags) =>
        fc.tuple(
          ...tags
            .sort((a, b) => a - b)
            .map((tag) => fc.uint8Array({ maxLength: 6 }).map((d) => ({ tag, data: Buffer.from(d) }))),
        ),
      ),
    { nil: undefined, freq: 3 },
  );
}

export function structValue(
  fields: readonly FieldSchema[],
  ctx: MessageContext,
  depth = 0,
): fc.Arbitrary<Struct> {
  const entries: Record<string, fc.Arbitrary<Value>> = {};
  for (const field of fields) {
    if (!isPresent(field, ctx)) continue;
    const value = fieldValue(field, ctx, depth);
    entries[field.name] = isTaggedIn(field, ctx) ? fc.option(value, { nil: undefined, freq: 2 }) : value;
  }
  if (ctx.flexible) entries._unknownTaggedFields = unknownTaggedFields();
  return fc.record(entries).map((record) => {
    const out: Struct = {};
    for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
    return out;
  });
}

function defaultOf(field: FieldSchema): Value {
  const d = field.default;
  if (d === "empty-array") return [];
  if (d === "default-struct") return defaultStruct(field.fields ?? []);
  if (d === null) return null;
  if (field.type === "bytes" && d === "") return Buffer.alloc(0);
  return d;
}

function defaultStruct(fields: readonly FieldSchema[]): Struct {
  const out: Struct = {};
  for (const field of fields) out[field.name] = defaultOf(field);
  return out;
}

function hasTaggedVersions(range: VersionRange): boolean {
  return range[0] <= range[1];
}

/** The value a decoder must produce after encoding `value` at `ctx.version`. */
export function expectedDecode(fields: readonly FieldSchema[], value: Struct, ctx: MessageContext): Struct {
  const out: Struct = {};
  for (const field of fields) {
    const given = value[field.name];
    const taggedStruct = hasTaggedVersions(field.taggedVersions) && field.default === "default-struct";
    if (!isPresent(field, ctx) || given === undefined) {
      out[field.name] = taggedStruct ? undefined : defaultOf(field);
      continue;
    }
    out[field.name] = expectedField(field, given, ctx);
  }
  if (ctx.hasFlexibleVersions)
    out._unknownTaggedFields = ctx.flexible ? value._unknownTaggedFields : undefined;
  return out;
}

function expectedField(field: FieldSchema, given: Value, ctx: MessageContext): Value {
  if (given === null) return null;
  if (field.type.startsWith("[]") && isStructType(field.type.slice(2))) {
    return (given as Struct[]).map((item) => expectedDecode(field.fields ?? [], item, ctx));
  }
  if (isStructType(field.type)) return expectedDecode(field.fields ?? [], given as Struct, ctx);
  return given;
}
