/**
 * Kafka's message specs are JSON with `//` and `/* *\/` comments. This
 * scanner removes comments outside string literals (a string may contain
 * "//", e.g. a URL in an `about` text) and keeps line breaks so JSON parse
 * errors still point at the right line.
 */
export function stripJsonComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) throw new Error("unterminated block comment");
      out += text.slice(i, close + 2).replace(/[^\n]/g, "");
      i = close + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the closing quote of the string literal opening at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "\\") i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  throw new Error("unterminated string literal");
}
