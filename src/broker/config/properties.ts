/**
 * Java `.properties` text, read the way `java.util.Properties.load` reads
 * it, so a Kafka `server.properties` means the same thing to Samsa:
 * - lines end at \n, \r or \r\n; leading spaces, tabs and form feeds are
 *   skipped; blank lines and lines starting with `#` or `!` are comments;
 * - a line ending in an odd number of backslashes continues on the next
 *   line, whose leading whitespace is dropped (comment lines never continue);
 * - the key ends at the first unescaped `=`, `:` or whitespace; whitespace
 *   and at most one `=` or `:` separate it from the value, which keeps any
 *   trailing whitespace (`key value`, `key=value`, `key: value` all work);
 * - `\t \n \r \f` and `\uXXXX` are escapes; a backslash before any other
 *   character stands for that character (`\:`, `\=`, `\ `, `\\`).
 * The text is taken as already decoded (Samsa reads files as UTF-8; Java's
 * byte-stream loader assumes ISO-8859-1, hence the \u escapes in old files).
 */

export interface PropertiesEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based line where the entry starts. */
  readonly line: number;
}

export class PropertiesSyntaxError extends Error {
  override readonly name = "PropertiesSyntaxError";

  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const WHITESPACE = new Set([" ", "\t", "\f"]);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: "\t", n: "\n", r: "\r", f: "\f" };
const HEX4 = /^[0-9a-fA-F]{4}$/;

function skipLeadingWhitespace(text: string): string {
  let start = 0;
  while (start < text.length && WHITESPACE.has(text[start])) start++;
  return text.slice(start);
}

function endsWithOddBackslashes(text: string): boolean {
  let count = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === "\\"; i--) count++;
  return count % 2 === 1;
}

interface LogicalLine {
  text: string;
  line: number;
}

/** Joins continued lines and drops comments and blank lines. */
function logicalLines(text: string): LogicalLine[] {
  const natural = text.split(/\r\n|\r|\n/);
  const result: LogicalLine[] = [];
  for (let i = 0; i < natural.length; i++) {
    let current = skipLeadingWhitespace(natural[i]);
    if (current === "" || current[0] === "#" || current[0] === "!") continue;
    const line = i + 1;
    while (endsWithOddBackslashes(current)) {
      current = current.slice(0, -1);
      if (i + 1 >= natural.length) break;
      i++;
      current += skipLeadingWhitespace(natural[i]);
    }
    result.push({ text: current, line });
  }
  return result;
}

function decodeEscapes(text: string, line: number): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "\\" || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === "u") {
      const hex = text.slice(i + 1, i + 5);
      if (!HEX4.test(hex)) throw new PropertiesSyntaxError(line, `malformed \\uXXXX escape "\\u${hex}"`);
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}

/** Where the key ends and the value starts in one logical line. */
function splitKeyValue(text: string): { keyEnd: number; valueStart: number } {
  let keyEnd = 0;
  let valueStart = text.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < text.length; keyEnd++) {
    const c = text[keyEnd];
    if (!escaped && (c === "=" || c === ":")) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && WHITESPACE.has(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = c === "\\" ? !escaped : false;
  }
  for (; valueStart < text.length; valueStart++) {
    const c = text[valueStart];
    if (WHITESPACE.has(c)) continue;
    if (!hasSeparator && (c === "=" || c === ":")) {
      hasSeparator = true;
      continue;
    }
    break;
  }
  return { keyEnd, valueStart };
}

/** Every entry in file order; a key given twice appears twice (the later one wins when applied). */
export function parseProperties(text: string): PropertiesEntry[] {
  return logicalLines(text).map(({ text: logical, line }) => {
    const { keyEnd, valueStart } = splitKeyValue(logical);
    return {
      key: decodeEscapes(logical.slice(0, keyEnd), line),
      value: decodeEscapes(logical.slice(valueStart), line),
      line,
    };
  });
}
