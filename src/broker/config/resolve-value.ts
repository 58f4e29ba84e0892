/**
 * One broker key's value from its text: parsed by type, then validated.
 */
import type { ResolvedConfigValue } from "./broker-config.ts";
import type { ConfigKeyDef } from "./config-def.ts";
import type { ConfigOrigin } from "./config-origin.ts";
import { formatValue, parseValue } from "./parse-value.ts";

export type Resolution = { ok: true; value: ResolvedConfigValue } | { ok: false; reason: string };

export function resolveValue(
  def: ConfigKeyDef,
  raw: string | null,
  origin: ConfigOrigin,
  location: string | null,
): Resolution {
  const base = { name: def.name, type: def.type, origin, location, raw };
  if (raw === null) return { ok: true, value: { ...base, value: null, text: null } };
  const parsed = parseValue(def.type, raw);
  if (!parsed.ok) return parsed;
  const reason = def.validator?.check(parsed.value) ?? null;
  if (reason !== null) return { ok: false, reason };
  return { ok: true, value: { ...base, value: parsed.value, text: formatValue(def.type, parsed.value) } };
}

/** Every key of a table at its default. The tables' defaults are checked by tests, so a failure asserts. */
export function defaultValues(defs: Iterable<ConfigKeyDef>): Map<string, ResolvedConfigValue> {
  const values = new Map<string, ResolvedConfigValue>();
  for (const def of defs) {
    const resolution = resolveValue(def, def.default, "default", null);
    if (!resolution.ok) throw new Error(`default of ${def.name} is invalid: ${resolution.reason}`);
    values.set(def.name, resolution.value);
  }
  return values;
}
