/**
 * Kafka's JSON message specs, parsed and normalised into the model the
 * emitters walk: version ranges resolved, struct types collected, defaults
 * parsed, names turned into TypeScript identifiers.
 */
import { stripJsonComments } from "./strip-comments.ts";

export const MAX_VERSION = 0x7fff;

/** An inclusive version range; `min > max` is the empty range ("none"). */
export interface Versions {
  min: number;
  max: number;
}

export const NO_VERSIONS: Versions = { min: 1, max: 0 };

export function parseVersions(text: string | undefined, fallback: Versions = NO_VERSIONS): Versions {
  if (text === undefined) return fallback;
  const spec = text.trim();
  if (spec === "none") return NO_VERSIONS;
  if (spec.endsWith("+")) return { min: Number.parseInt(spec, 10), max: MAX_VERSION };
  const dash = spec.indexOf("-");
  if (dash > 0) {
    return { min: Number.parseInt(spec.slice(0, dash), 10), max: Number.parseInt(spec.slice(dash + 1), 10) };
  }
  const single = Number.parseInt(spec, 10);
  if (Number.isNaN(single)) throw new Error(`invalid version spec ${JSON.stringify(text)}`);
  return { min: single, max: single };
}

export function isEmpty(v: Versions): boolean {
  return v.min > v.max;
}

export function intersect(a: Versions, b: Versions): Versions {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

export function contains(outer: Versions, inner: Versions): boolean {
  return isEmpty(inner) || (outer.min <= inner.min && inner.max <= outer.max);
}

export type PrimitiveType =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "float64"
  | "string"
  | "bytes"
  | "records"
  | "uuid";

const PRIMITIVES = new Set<string>([
  "bool",
  "int8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "float64",
  "string",
  "bytes",
  "records",
  "uuid",
]);

export type FieldType =
  | { kind: "primitive"; name: PrimitiveType }
  | { kind: "struct"; name: string }
  | { kind: "array"; element: { kind: "primitive"; name: PrimitiveType } | { kind: "struct"; name: string } };

export type DefaultValue = number | bigint | boolean | string | null | "empty-array" | "default-struct";

export interface Field {
  specName: string;
  name: string;
  type: FieldType;
  versions: Versions;
  nullableVersions: Versions;
  taggedVersions: Versions;
  tag: number | null;
  ignorable: boolean;
  /** Field-level override of the message's flexible versions (RequestHeader.ClientId). */
  flexibleVersions: Versions | null;
  defaultValue: DefaultValue;
  /** Whether the spec states a default (otherwise the type's zero value applies). */
  hasExplicitDefault: boolean;
  about: string;
}

export interface Struct {
  name: string;
  fields: Field[];
}

export interface Message {
  name: string;
  type: string;
  apiKey: number | null;
  listeners: string[];
  validVersions: Versions;
  flexibleVersions: Versions;
  latestVersionUnstable: boolean;
  /** The top-level struct, named like the message. */
  root: Struct;
  /** Nested and common structs, in order of first appearance. */
  structs: Struct[];
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  ignorable?: boolean;
  flexibleVersions?: string;
  default?: unknown;
  about?: string;
  fields?: RawField[];
}

interface RawSpec {
  name: string;
  type: string;
  apiKey?: number;
  listeners?: string[];
  validVersions: string;
  flexibleVersions?: string;
  latestVersionUnstable?: boolean;
  fields?: RawField[];
  commonStructs?: { name: string; versions?: string; fields: RawField[] }[];
}

export function parseSpec(text: string): Message {
  const raw = JSON.parse(stripJsonComments(text)) as RawSpec;
  const structs: Struct[] = [];
  const known = new Set<string>();
  const addStruct = (name: string, fields: RawField[]): void => {
    if (known.has(name)) throw new Error(`${raw.name}: duplicate struct ${name}`);
    known.add(name);
    const struct: Struct = { name, fields: [] };
    structs.push(struct);
    struct.fields = fields.map(parseField);
  };
  const parseField = (f: RawField): Field => {
    const type = parseFieldType(f.type);
    const structName = type.kind === "struct" ? type.name : type.kind === "array" ? structOf(type) : null;
    if (f.fields !== undefined && structName !== null) addStruct(structName, f.fields);
    const taggedVersions = parseVersions(f.taggedVersions);
    const field: Field = {
      specName: f.name,
      name: camelCase(f.name),
      type,
      versions: parseVersions(f.versions ?? f.taggedVersions),
      nullableVersions: parseVersions(f.nullableVersions),
      taggedVersions,
      tag: f.tag ?? null,
      ignorable: f.ignorable === true,
      flexibleVersions: f.flexibleVersions === undefined ? null : parseVersions(f.flexibleVersions),
      defaultValue: null,
      hasExplicitDefault: f.default !== undefined,
      about: (f.about ?? "").replace(/\s+/g, " ").trim(),
    };
    field.defaultValue = parseDefault(field, f.default, raw.name);
    return field;
  };
  const rootFields = (raw.fields ?? []).map(parseField);
  for (const common of raw.commonStructs ?? []) addStruct(common.name, common.fields);
  for (const struct of structs) {
    for (const field of struct.fields) checkStructReference(field, known, raw.name);
  }
  for (const field of rootFields) checkStructReference(field, known, raw.name);
  return {
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey ?? null,
    listeners: raw.listeners ?? [],
    validVersions: parseVersions(raw.validVersions),
    flexibleVersions: parseVersions(raw.flexibleVersions ?? "none"),
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root: { name: raw.name, fields: rootFields },
    structs,
  };
}

function structOf(type: FieldType): string | null {
  if (type.kind === "array" && type.element.kind === "struct") return type.element.name;
  return null;
}

function checkStructReference(field: Field, known: Set<string>, message: string): void {
  const name = field.type.kind === "struct" ? field.type.name : structOf(field.type);
  if (name !== null && !known.has(name)) throw new Error(`${message}: unknown struct type ${name}`);
}

function parseFieldType(type: string): FieldType {
  if (type.startsWith("[]")) {
    const element = type.slice(2);
    return {
      kind: "array",
      element: PRIMITIVES.has(element)
        ? { kind: "primitive", name: element as PrimitiveType }
        : { kind: "struct", name: element },
    };
  }
  if (PRIMITIVES.has(type)) return { kind: "primitive", name: type as PrimitiveType };
  return { kind: "struct", name: type };
}

function parseDefault(field: Field, value: unknown, message: string): DefaultValue {
  const where = `${message}.${field.specName}`;
  const isNullDefault = value === null || value === "null";
  if (field.type.kind === "array") {
    if (isNullDefault) return null;
    if (value !== undefined && value !== "") throw new Error(`${where}: unsupported array default`);
    return "empty-array";
  }
  if (field.type.kind === "struct") return isNullDefault ? null : "default-struct";
  const text = value === undefined ? undefined : String(value);
  switch (field.type.name) {
    case "bool":
      return text === "true";
    case "int8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32":
      return text === undefined ? 0 : parseInteger(text, where);
    case "int64":
      return text === undefined ? 0n : BigInt(text);
    case "float64":
      return text === undefined ? 0 : Number(text);
    case "string":
      return isNullDefault ? null : (text ?? "");
    case "bytes":
    case "records":
      if (text !== undefined && !isNullDefault) throw new Error(`${where}: unsupported bytes default`);
      return isNullDefault || field.type.name === "records" ? null : "";
    case "uuid":
      return "AAAAAAAAAAAAAAAAAAAAAA";
  }
}

function parseInteger(text: string, where: string): number {
  const value = text.startsWith("0x") || text.startsWith("-0x") ? Number.parseInt(text, 16) : Number(text);
  if (!Number.isInteger(value)) throw new Error(`${where}: invalid integer default ${text}`);
  return value;
}

export function camelCase(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}
