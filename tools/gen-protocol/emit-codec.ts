/**
 * Emits the decode and encode functions of one struct: straight-line code
 * with version conditions, the way Kafka's own generated Java reads.
 */
import type { EmitContext } from "./emit-context.ts";
import { type Field, isEmpty, type PrimitiveType, type Struct } from "./spec.ts";

const INDENT = "  ";

function indent(lines: string[], depth = 1): string[] {
  const pad = INDENT.repeat(depth);
  return lines.map((line) => (line === "" ? line : pad + line));
}

const RESERVED_LOCALS = new Set([
  "version",
  "r",
  "w",
  "m",
  "t",
  "i",
  "flexible",
  "items",
  "item",
  "length",
  "tagged",
  "tag",
  "size",
  "sub",
  "value",
  "fieldValue",
  "tagCount",
  "unknownTaggedFields",
]);

/** The local variable holding a field while decoding; renamed where it would shadow the codec's own. */
function local(field: Field): string {
  return RESERVED_LOCALS.has(field.name) ? `${field.name}Field` : field.name;
}

function isTagged(field: Field): boolean {
  return !isEmpty(field.taggedVersions);
}

/** Joins a condition and code; constant conditions are folded. */
function guarded(condition: string, body: string[], otherwise: string[] = []): string[] {
  if (condition === "true") return body;
  if (condition === "false") return otherwise;
  const out = [`if (${condition}) {`, ...indent(body), "}"];
  if (otherwise.length > 0) {
    out[out.length - 1] = "} else {";
    out.push(...indent(otherwise), "}");
  }
  return out;
}

function ternary(condition: string, whenTrue: string, whenFalse: string): string {
  if (condition === "true") return whenTrue;
  if (condition === "false") return whenFalse;
  return `${condition} ? ${whenTrue} : ${whenFalse}`;
}

export function readFunctionName(ctx: EmitContext, struct: Struct): string {
  return struct === ctx.message.root ? `decode${struct.name}` : `read${struct.name}`;
}

export function writeFunctionName(ctx: EmitContext, struct: Struct): string {
  return struct === ctx.message.root ? `encode${struct.name}` : `write${struct.name}`;
}

// ---------------------------------------------------------------- decoding

function readPrimitive(ctx: EmitContext, field: Field, name: PrimitiveType, r: string): string {
  const flex = ctx.flexibleCondition(field);
  const nullable = ctx.condition(field.nullableVersions);
  switch (name) {
    case "string":
      return ternary(
        flex,
        ternary(nullable, `${r}.compactNullableString()`, `${r}.compactString()`),
        ternary(nullable, `${r}.nullableString()`, `${r}.string()`),
      );
    case "bytes":
    case "records":
      return ternary(
        flex,
        ternary(nullable, `${r}.compactNullableBytes()`, `${r}.compactBytes()`),
        ternary(nullable, `${r}.nullableBytes()`, `${r}.bytes()`),
      );
    default:
      return `${r}.${name}()`;
  }
}

/** Statements that read `field` from reader `r` into the variable `target`. */
function readInto(ctx: EmitContext, field: Field, target: string, r: string): string[] {
  const type = field.type;
  if (type.kind === "primitive") return [`${target} = ${readPrimitive(ctx, field, type.name, r)};`];
  const nullable = ctx.condition(field.nullableVersions);
  if (type.kind === "struct") {
    const read = `read${type.name}(${r}, version)`;
    if (nullable === "false") return [`${target} = ${read};`];
    const nullRead = [`${target} = ${r}.int8() < 0 ? null : ${read};`];
    return guarded(nullable, nullRead, [`${target} = ${read};`]);
  }
  const element =
    type.element.kind === "struct"
      ? `read${type.element.name}(${r}, version)`
      : readPrimitive(ctx, { ...field, nullableVersions: { min: 1, max: 0 } }, type.element.name, r);
  const length = ternary(ctx.flexibleCondition(field), `${r}.compactArrayLength()`, `${r}.arrayLength()`);
  const onNull =
    nullable === "true"
      ? [`${target} = null;`]
      : guarded(
          nullable,
          [`${target} = null;`],
          [`${r}.fail("non-nullable field ${field.specName} was null");`, `${target} = [];`],
        );
  return [
    "{",
    `${INDENT}const length = ${length};`,
    `${INDENT}if (length < 0) {`,
    ...indent(onNull, 2),
    `${INDENT}} else {`,
    `${INDENT}${INDENT}const items: ${elementType(field)}[] = [];`,
    `${INDENT}${INDENT}for (let i = 0; i < length && !${r}.failed; i++) items.push(${element});`,
    `${INDENT}${INDENT}${target} = items;`,
    `${INDENT}}`,
    "}",
  ];
}

function elementType(field: Field): string {
  const type = field.type;
  if (type.kind !== "array") throw new Error("not an array");
  if (type.element.kind === "struct") return type.element.name;
  switch (type.element.name) {
    case "int64":
      return "bigint";
    case "string":
    case "uuid":
      return "string";
    default:
      return "number";
  }
}

function defaultOnDecode(ctx: EmitContext, field: Field): string {
  // An absent tagged struct stays undefined, so re-encoding omits it exactly as it arrived.
  if (isTagged(field) && field.type.kind === "struct" && field.defaultValue === "default-struct") {
    return "undefined";
  }
  return ctx.defaultExpression(field);
}

export function emitRead(ctx: EmitContext, struct: Struct): string[] {
  const flexibleStruct = ctx.hasFlexibleVersions;
  const lines: string[] = [];
  const name = readFunctionName(ctx, struct);
  const exported = struct === ctx.message.root ? "export " : "";
  lines.push(`${exported}function ${name}(r: Reader, version: number): ${struct.name} {`);
  const body: string[] = [];
  if (flexibleStruct) body.push(`const flexible = ${ctx.condition(ctx.message.flexibleVersions)};`);
  for (const field of struct.fields) {
    const taggedType = isTagged(field) && field.type.kind === "struct" ? " | undefined" : "";
    const alwaysRead = !isTagged(field) && ctx.condition(field.versions) === "true";
    const initial = alwaysRead ? "" : ` = ${defaultOnDecode(ctx, field)}`;
    body.push(`let ${local(field)}: ${ctx.tsType(field)}${taggedType}${initial};`);
  }
  for (const field of struct.fields) {
    if (isTagged(field)) continue;
    body.push(...guarded(ctx.condition(field.versions), readInto(ctx, field, local(field), "r")));
  }
  if (flexibleStruct) {
    ctx.primitivesImports.add("TaggedField");
    body.push("let unknownTaggedFields: TaggedField[] | undefined;");
    body.push(...guarded("flexible", readTaggedSection(ctx, struct)));
  }
  body.push("return {");
  for (const field of struct.fields) {
    body.push(
      local(field) === field.name ? `${INDENT}${field.name},` : `${INDENT}${field.name}: ${local(field)},`,
    );
  }
  if (flexibleStruct) body.push(`${INDENT}_unknownTaggedFields: unknownTaggedFields,`);
  body.push("};");
  lines.push(...indent(body), "}");
  return lines;
}

function readTaggedSection(ctx: EmitContext, struct: Struct): string[] {
  const tagged = struct.fields.filter(isTagged);
  if (tagged.length === 0) {
    ctx.taggedImports.add("readUnknownTaggedFields");
    return ["unknownTaggedFields = readUnknownTaggedFields(r);"];
  }
  ctx.taggedImports.add("addUnknownTaggedField");
  const cases: string[] = [];
  for (const field of tagged) {
    const known = [
      "const sub = r.sub(size);",
      ...readInto(ctx, field, local(field), "sub"),
      "r.absorb(sub);",
      "continue;",
    ];
    cases.push(
      `case ${field.tag}: {`,
      ...indent(guarded(ctx.condition(field.taggedVersions), known)),
      "  break;",
      "}",
    );
  }
  return [
    "const tagCount = r.count();",
    "for (let t = 0; t < tagCount && !r.failed; t++) {",
    `${INDENT}const tag = r.uvarint();`,
    `${INDENT}const size = r.uvarint();`,
    `${INDENT}switch (tag) {`,
    ...indent(cases, 2),
    `${INDENT}}`,
    `${INDENT}unknownTaggedFields = addUnknownTaggedField(unknownTaggedFields, tag, r.raw(size));`,
    "}",
  ];
}

// ---------------------------------------------------------------- encoding

function writePrimitive(
  ctx: EmitContext,
  field: Field,
  name: PrimitiveType,
  value: string,
  w: string,
): string {
  const flex = ctx.flexibleCondition(field);
  const nullable = ctx.condition(field.nullableVersions);
  const pick = (compactNullable: string, compact: string, plainNullable: string, plain: string): string => {
    const compactCall = ternary(nullable, compactNullable, compact);
    const plainCall = ternary(nullable, plainNullable, plain);
    if (flex === "true") return `${compactCall};`;
    if (flex === "false") return `${plainCall};`;
    return `if (${flex}) ${compactCall}; else ${plainCall};`;
  };
  switch (name) {
    case "string":
      return pick(
        `${w}.compactNullableString(${value})`,
        `${w}.compactString(nonNull(${value}, "${field.specName}"))`,
        `${w}.nullableString(${value})`,
        `${w}.string(nonNull(${value}, "${field.specName}"))`,
      );
    case "bytes":
    case "records":
      return pick(
        `${w}.compactNullableBytes(${value})`,
        `${w}.compactBytes(nonNull(${value}, "${field.specName}"))`,
        `${w}.nullableBytes(${value})`,
        `${w}.bytes(nonNull(${value}, "${field.specName}"))`,
      );
    default:
      return `${w}.${name}(${value});`;
  }
}

function writeValue(ctx: EmitContext, field: Field, value: string, w: string): string[] {
  const type = field.type;
  const nullable = ctx.condition(field.nullableVersions);
  const nullableAnywhere = ctx.isNullable(field);
  if (type.kind === "primitive") {
    if (type.name === "string" || type.name === "bytes" || type.name === "records") {
      if (nullable !== "true") ctx.primitivesImports.add("nonNull");
    }
    return [writePrimitive(ctx, field, type.name, value, w)];
  }
  if (type.kind === "struct") {
    const call = (v: string): string => `write${type.name}(${w}, version, ${v});`;
    if (!nullableAnywhere) return [call(value)];
    if (!/^[A-Za-z_.]+$/.test(value)) {
      return [
        "{",
        `${INDENT}const fieldValue = ${value};`,
        ...indent(writeValue(ctx, field, "fieldValue", w)),
        "}",
      ];
    }
    const nullWrite = [
      `if (${value} === null) {`,
      `${INDENT}${w}.int8(-1);`,
      "} else {",
      `${INDENT}${w}.int8(1);`,
      `${INDENT}${call(value)}`,
      "}",
    ];
    if (nullable !== "true") ctx.primitivesImports.add("nonNull");
    return guarded(nullable, nullWrite, [call(`nonNull(${value}, "${field.specName}")`)]);
  }
  const flex = ctx.flexibleCondition(field);
  const writeLength = (length: string): string => {
    if (flex === "true") return `${w}.compactArrayLength(${length});`;
    if (flex === "false") return `${w}.arrayLength(${length});`;
    return `if (${flex}) ${w}.compactArrayLength(${length}); else ${w}.arrayLength(${length});`;
  };
  const element =
    type.element.kind === "struct"
      ? `write${type.element.name}(${w}, version, item);`
      : writePrimitive(ctx, { ...field, nullableVersions: { min: 1, max: 0 } }, type.element.name, "item", w);
  const loop = (items: string): string[] => [
    "{",
    `${INDENT}const items = ${items};`,
    `${INDENT}${writeLength("items.length")}`,
    `${INDENT}for (const item of items) {`,
    `${INDENT}${INDENT}${element}`,
    `${INDENT}}`,
    "}",
  ];
  if (!nullableAnywhere) return loop(value);
  if (!/^[A-Za-z_.]+$/.test(value)) {
    return [
      "{",
      `${INDENT}const fieldValue = ${value};`,
      ...indent(writeValue(ctx, field, "fieldValue", w)),
      "}",
    ];
  }
  const nullWrite = [`if (${value} === null) {`, `${INDENT}${writeLength("-1")}`, "} else", ...loop(value)];
  if (nullable !== "true") ctx.primitivesImports.add("nonNull");
  return guarded(nullable, nullWrite, loop(`nonNull(${value}, "${field.specName}")`));
}

function fieldValueExpression(ctx: EmitContext, field: Field): string {
  if (!ctx.isOptional(field)) return `m.${field.name}`;
  // `??` would turn an intended null into the default; only a missing field takes the default.
  if (ctx.isNullable(field))
    return `(m.${field.name} === undefined ? ${ctx.defaultExpression(field)} : m.${field.name})`;
  return `(m.${field.name} ?? ${ctx.defaultExpression(field)})`;
}

function unsupportedCheck(ctx: EmitContext, field: Field): string[] {
  if (field.ignorable) return [];
  const present = ctx.isOptional(field) ? `m.${field.name} !== undefined && ` : "";
  const check =
    field.type.kind === "struct" && field.defaultValue === "default-struct"
      ? `m.${field.name} !== undefined`
      : `${present}${ctx.nonDefaultCheck(field, `m.${field.name}`)}`;
  if (check === "true") return [];
  ctx.primitivesImports.add("EncodeError");
  return [
    `if (${check}) {`,
    `${INDENT}throw new EncodeError(\`${ctx.message.name}.${field.specName} is not supported in version \${version}\`);`,
    "}",
  ];
}

export function emitWrite(ctx: EmitContext, struct: Struct): string[] {
  const flexibleStruct = ctx.hasFlexibleVersions;
  const name = writeFunctionName(ctx, struct);
  const exported = struct === ctx.message.root ? "export " : "";
  const body: string[] = [];
  if (flexibleStruct) body.push(`const flexible = ${ctx.condition(ctx.message.flexibleVersions)};`);
  for (const field of struct.fields) {
    if (isTagged(field)) continue;
    body.push(
      ...guarded(
        ctx.condition(field.versions),
        writeValue(ctx, field, fieldValueExpression(ctx, field), "w"),
        unsupportedCheck(ctx, field),
      ),
    );
  }
  const tagged = struct.fields.filter(isTagged);
  for (const field of tagged) {
    const outside = unsupportedCheck(ctx, field);
    const condition = ctx.condition(field.taggedVersions);
    if (outside.length > 0 && condition !== "true") body.push(...guarded(`!(${condition})`, outside));
  }
  if (flexibleStruct) body.push(...guarded("flexible", writeTaggedSection(ctx, tagged)));
  return [
    `${exported}function ${name}(w: Writer, version: number, m: ${struct.name}): void {`,
    ...indent(body),
    "}",
  ];
}

function writeTaggedSection(ctx: EmitContext, tagged: Field[]): string[] {
  ctx.taggedImports.add("writeTaggedFields");
  if (tagged.length === 0) return ["writeTaggedFields(w, undefined, m._unknownTaggedFields);"];
  ctx.taggedImports.add("TaggedWrite");
  const lines = ["const tagged: TaggedWrite[] = [];"];
  for (const field of tagged) {
    const nonDefault =
      field.type.kind === "struct" && field.defaultValue === "default-struct"
        ? "value !== undefined"
        : `value !== undefined && ${ctx.nonDefaultCheck(field, "value")}`;
    const condition = ctx.condition(field.taggedVersions);
    const when = condition === "true" ? nonDefault : `${condition} && ${nonDefault}`;
    lines.push("{");
    lines.push(`${INDENT}const value = m.${field.name};`);
    lines.push(`${INDENT}if (${when}) {`);
    lines.push(`${INDENT}${INDENT}tagged.push([${field.tag}, (t) => {`);
    lines.push(...indent(writeValue(ctx, field, "value", "t"), 3));
    lines.push(`${INDENT}${INDENT}}]);`);
    lines.push(`${INDENT}}`);
    lines.push("}");
  }
  lines.push("writeTaggedFields(w, tagged, m._unknownTaggedFields);");
  return lines;
}
