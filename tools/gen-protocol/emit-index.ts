/** Emits messages/index.ts: every codec, and lookups of request/response codecs by API key. */
import { GENERATED_HEADER } from "./emit-file.ts";
import { kebabCase, type Message } from "./spec.ts";

export function emitIndexFile(messages: Message[]): string {
  const sorted = [...messages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const codecName = (m: Message): string => `${m.name[0].toLowerCase()}${m.name.slice(1)}Codec`;
  const lines = [GENERATED_HEADER, "", 'import type { MessageCodec } from "../schema.ts";'];
  for (const m of sorted) lines.push(`import { ${codecName(m)} } from "./${kebabCase(m.name)}.ts";`);
  lines.push("", "/** Every generated codec: API messages, headers, and data/coordinator records. */");
  lines.push("export const allMessageCodecs: readonly MessageCodec<unknown>[] = [");
  for (const m of sorted) lines.push(`  ${codecName(m)},`);
  lines.push("];");
  for (const kind of ["request", "response"]) {
    const byKey = sorted
      .filter((m) => m.type === kind && m.apiKey !== null)
      .sort((a, b) => a.apiKey! - b.apiKey!);
    const title = kind === "request" ? "requestCodecs" : "responseCodecs";
    lines.push("", `/** ${kind === "request" ? "Request" : "Response"} codecs by API key. */`);
    lines.push(
      `export const ${title}: ReadonlyMap<number, MessageCodec<unknown>> = new Map<number, MessageCodec<unknown>>([`,
    );
    for (const m of byKey) lines.push(`  [${m.apiKey}, ${codecName(m)}],`);
    lines.push("]);");
  }
  lines.push("");
  return lines.join("\n");
}
