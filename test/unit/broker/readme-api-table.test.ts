/** The README's table of supported APIs is the registry's, so the docs cannot drift from what is served. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { apiTableMarkdown } from "../../../tools/api-table.ts";

test("README lists exactly the served APIs and versions", () => {
  const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");
  assert.ok(readme.includes(apiTableMarkdown()), "regenerate the table with: npx tsx tools/api-table.ts");
});
