/**
 * Listener syntax, as Kafka writes it: `NAME://host:port`, where NAME is the
 * listener's name (normalised to upper case), the host may be empty (every
 * interface) or a bracketed IPv6 address, and port 0 asks the system for a
 * free port. `listener.security.protocol.map` pairs names with security
 * protocols (`NAME:PROTOCOL,...`). Samsa speaks PLAINTEXT only for now.
 */
import { isIPv4, isIPv6 } from "node:net";

export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface Listener {
  /** Upper-case listener name, e.g. PLAINTEXT or INTERNAL. */
  readonly name: string;
  /** Host or IP to bind or advertise; "" binds every interface. IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const LISTENER_TEXT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;
const LISTENER_NAME = /^[A-Za-z0-9_.-]+$/;
const MAX_PORT = 65535;

export const LISTENER_FORMAT = "NAME://host:port (host may be empty; IPv6 in brackets)";

function checkPort(text: string): Parsed<number> {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT)
    return { ok: false, reason: `port ${text} is not between 0 and ${MAX_PORT}` };
  return { ok: true, value: port };
}

export function parseListener(text: string): Parsed<Listener> {
  const match = LISTENER_TEXT.exec(text);
  if (match === null) return { ok: false, reason: `"${text}" is not of the form ${LISTENER_FORMAT}` };
  const [, name, host, portText] = match;
  if (!LISTENER_NAME.test(name))
    return { ok: false, reason: `"${text}" has an invalid listener name "${name}" (letters, digits, _ . -)` };
  const port = checkPort(portText);
  if (!port.ok) return { ok: false, reason: `"${text}": ${port.reason}` };
  return { ok: true, value: { name: name.toUpperCase(), host, port: port.value } };
}

export function formatListener(listener: Listener): string {
  const host = isIPv6(listener.host) ? `[${listener.host}]` : listener.host;
  return `${listener.name}://${host}:${listener.port}`;
}

/** Parses the `listener.security.protocol.map` text; the last mapping of a name wins, as in Kafka. */
export function parseSecurityProtocolMap(text: string): Parsed<ReadonlyMap<string, SecurityProtocol>> {
  const map = new Map<string, SecurityProtocol>();
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: map };
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const parts = entry.split(":");
    if (parts.length !== 2 || parts[0].trim() === "")
      return { ok: false, reason: `"${entry}" is not of the form NAME:PROTOCOL` };
    const protocol = parts[1].trim().toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol))
      return {
        ok: false,
        reason: `"${parts[1]}" is not a security protocol (${SECURITY_PROTOCOLS.join(", ")})`,
      };
    map.set(parts[0].trim().toUpperCase(), protocol as SecurityProtocol);
  }
  return { ok: true, value: map };
}

function onBothStacks(a: Listener, b: Listener): boolean {
  return (isIPv4(a.host) && isIPv6(b.host)) || (isIPv6(a.host) && isIPv4(b.host));
}

/**
 * Kafka's rules for a set of listeners: distinct names, and (for bound
 * listeners) distinct ports, except port 0 and one IPv4 plus one IPv6
 * listener sharing a port.
 */
export function checkDistinct(listeners: readonly Listener[], requireDistinctPorts: boolean): string | null {
  const names = new Set(listeners.map((l) => l.name));
  if (names.size !== listeners.length) return "each listener must have a different name";
  if (!requireDistinctPorts) return null;
  const byPort = new Map<number, Listener[]>();
  for (const listener of listeners) {
    if (listener.port === 0) continue;
    byPort.set(listener.port, [...(byPort.get(listener.port) ?? []), listener]);
  }
  for (const [port, sharing] of byPort) {
    if (sharing.length === 1) continue;
    if (sharing.length === 2 && onBothStacks(sharing[0], sharing[1])) continue;
    return `each listener must have a different port (unless one is IPv4 and the other IPv6); port ${port} is used by ${sharing.map((l) => l.name).join(" and ")}`;
  }
  return null;
}

export interface HttpEndpoint {
  readonly host: string;
  readonly port: number;
}

const HTTP_TEXT = /^http:\/\/(?:\[([0-9A-Fa-f:.%]+)\]|([0-9A-Za-z._-]*)):([0-9]+)\/?$/;

/** `http://host:port`, or `none` (null) to turn the endpoint off. */
export function parseHttpEndpoint(text: string): Parsed<HttpEndpoint | null> {
  if (text.trim().toLowerCase() === "none") return { ok: true, value: null };
  const match = HTTP_TEXT.exec(text.trim());
  if (match === null) return { ok: false, reason: `"${text}" is not of the form http://host:port or none` };
  const port = checkPort(match[3]);
  if (!port.ok) return port;
  return { ok: true, value: { host: match[1] ?? match[2], port: port.value } };
}
