/**
 * What every emitter needs to know about the message being generated: the
 * version range conditions are simplified against, struct lookup, and the
 * imports the emitted code ends up using.
 */
import {
  contains,
  type DefaultValue,
  type Field,
  type FieldType,
  intersect,
  isEmpty,
  MAX_VERSION,
  type Message,
  type PrimitiveType,
  type Struct,
  type Versions,
} from "./spec.ts";

export class EmitContext {
  readonly structs = new Map<string, Struct>();
  readonly primitivesImports = new Set<string>();
  readonly taggedImports = new Set<string>();
  readonly defaultStructsNeeded = new Set<string>();

  constructor(readonly message: Message) {
    for (const struct of message.structs) this.structs.set(struct.name, struct);
  }

  get hasFlexibleVersions(): boolean {
    return !isEmpty(intersect(this.message.flexibleVersions, this.message.validVersions));
  }

  struct(name: string): Struct {
    const struct = this.structs.get(name);
    if (struct === undefined) throw new Error(`${this.message.name}: unknown struct ${name}`);
    return struct;
  }

  /** A TypeScript condition for `version ∈ range`, simplified for the message's valid versions. */
  condition(range: Versions): string {
    const valid = this.message.validVersions;
    const effective = intersect(range, valid);
    if (isEmpty(effective)) return "false";
    if (contains(effective, valid)) return "true";
    const parts: string[] = [];
    if (effective.min > valid.min) parts.push(`version >= ${effective.min}`);
    if (effective.max < valid.max && effective.max < MAX_VERSION) parts.push(`version <= ${effective.max}`);
    return parts.join(" && ");
  }

  /** The flexible-encoding condition for one field, honouring field-level overrides. */
  flexibleCondition(field: Field): string {
    if (field.flexibleVersions === null) {
      const messageWide = this.condition(this.message.flexibleVersions);
      return messageWide === "true" || messageWide === "false" ? messageWide : "flexible";
    }
    return this.condition(intersect(field.flexibleVersions, this.message.flexibleVersions));
  }

  isOptional(field: Field): boolean {
    return (
      field.hasExplicitDefault ||
      !contains(field.versions, this.message.validVersions) ||
      !isEmpty(field.taggedVersions) ||
      !isEmpty(intersect(field.nullableVersions, this.message.validVersions))
    );
  }

  isNullable(field: Field): boolean {
    return !isEmpty(intersect(field.nullableVersions, this.message.validVersions));
  }

  tsType(field: Field): string {
    const base = tsTypeOf(field.type);
    return this.isNullable(field) ? `${base} | null` : base;
  }

  /** The default value as a TypeScript expression. */
  defaultExpression(field: Field): string {
    const value: DefaultValue = field.defaultValue;
    if (value === "empty-array") return "[]";
    if (value === "default-struct") {
      const name = field.type.kind === "struct" ? field.type.name : "";
      this.defaultStructsNeeded.add(name);
      return `default${name}()`;
    }
    if (value === null) return "null";
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    if (field.type.kind === "primitive" && field.type.name === "uuid") {
      this.primitivesImports.add("ZERO_UUID");
      return "ZERO_UUID";
    }
    if (field.type.kind === "primitive" && field.type.name === "bytes") {
      this.primitivesImports.add("EMPTY");
      return "EMPTY";
    }
    return JSON.stringify(value);
  }

  /** An expression that is true when `value` differs from the field's default. */
  nonDefaultCheck(field: Field, value: string): string {
    const d = field.defaultValue;
    if (field.type.kind === "struct") return d === null ? `${value} !== null` : "true";
    if (field.type.kind === "array") {
      if (d === null) return `${value} !== null`;
      return this.isNullable(field) ? `(${value} === null || ${value}.length > 0)` : `${value}.length > 0`;
    }
    const name: PrimitiveType = field.type.name;
    if (name === "bytes" && d !== null) {
      return this.isNullable(field) ? `(${value} === null || ${value}.length > 0)` : `${value}.length > 0`;
    }
    return `${value} !== ${this.defaultExpression(field)}`;
  }
}

export function tsTypeOf(type: FieldType): string {
  if (type.kind === "struct") return type.name;
  if (type.kind === "array") {
    const element = type.element.kind === "struct" ? type.element.name : primitiveTsType(type.element.name);
    return `${element}[]`;
  }
  return primitiveTsType(type.name);
}

export function primitiveTsType(name: PrimitiveType): string {
  switch (name) {
    case "bool":
      return "boolean";
    case "int64":
      return "bigint";
    case "string":
    case "uuid":
      return "string";
    case "bytes":
    case "records":
      return "Buffer";
    default:
      return "number";
  }
}
