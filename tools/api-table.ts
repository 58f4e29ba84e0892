/**
 * Prints the README's table of supported APIs from the handler registry
 * (`npx tsx tools/api-table.ts`); a unit test checks the README holds it.
 */
import { HandlerRegistry } from "../src/broker/handler-registry.ts";
import { allHandlers } from "../src/broker/handlers/index.ts";
import { apiInfo } from "../src/protocol/api-keys.ts";

export function apiTableMarkdown(): string {
  const rows = new HandlerRegistry(allHandlers)
    .apiVersions()
    .map((v) => `| ${v.apiKey} | ${apiInfo(v.apiKey)?.name ?? "?"} | ${v.minVersion}–${v.maxVersion} |`);
  return ["| key | API | versions |", "| ---: | --- | --- |", ...rows].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(apiTableMarkdown());
