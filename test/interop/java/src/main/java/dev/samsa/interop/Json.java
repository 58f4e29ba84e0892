package dev.samsa.interop;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the harness's requests and answers: objects become
 * LinkedHashMap, arrays ArrayList, numbers Long (or Double with a fraction or
 * exponent), and the rest String, Boolean or null. Bytes travel as base64.
 */
final class Json {
  private final String text;
  private int at;

  private Json(String text) {
    this.text = text;
  }

  static Object parse(String text) {
    Json parser = new Json(text);
    parser.skipSpace();
    Object value = parser.value();
    parser.skipSpace();
    if (parser.at != text.length()) throw parser.error("trailing characters");
    return value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) throw new IllegalArgumentException("expected a JSON object");
    return (Map<String, Object>) value;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON: " + what + " at " + at);
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
  }

  private Object value() {
    if (at >= text.length()) throw error("unexpected end");
    char c = text.charAt(at);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        return number();
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, at)) throw error("bad literal");
    at += word.length();
    return value;
  }

  private Map<String, Object> object() {
    Map<String, Object> map = new LinkedHashMap<>();
    at++;
    skipSpace();
    if (peek() == '}') {
      at++;
      return map;
    }
    for (;;) {
      skipSpace();
      if (peek() != '"') throw error("expected a key");
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      map.put(key, value());
      skipSpace();
      char c = next();
      if (c == '}') return map;
      if (c != ',') throw error("expected , or }");
    }
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    at++;
    skipSpace();
    if (peek() == ']') {
      at++;
      return list;
    }
    for (;;) {
      skipSpace();
      list.add(value());
      skipSpace();
      char c = next();
      if (c == ']') return list;
      if (c != ',') throw error("expected , or ]");
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    for (;;) {
      char c = next();
      if (c == '"') return out.toString();
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (at + 4 > text.length()) throw error("short \\u escape");
          out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> throw error("bad escape");
      }
    }
  }

  private Object number() {
    int start = at;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
    String digits = text.substring(start, at);
    if (digits.isEmpty()) throw error("unexpected character");
    if (digits.contains(".") || digits.contains("e") || digits.contains("E")) return Double.parseDouble(digits);
    return Long.parseLong(digits);
  }

  private char peek() {
    if (at >= text.length()) throw error("unexpected end");
    return text.charAt(at);
  }

  private char next() {
    char c = peek();
    at++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) throw error("expected " + c);
  }

  // ---- writing ----

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(out, s);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof byte[] bytes) {
      writeString(out, Base64.getEncoder().encodeToString(bytes));
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) out.append(',');
        first = false;
        writeString(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof Iterable<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) out.append(',');
        first = false;
        write(out, item);
      }
      out.append(']');
    } else {
      writeString(out, value.toString());
    }
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    out.append('"');
  }

  // ---- typed access to request fields ----

  static String str(Map<String, Object> map, String key) {
    Object value = map.get(key);
    if (!(value instanceof String s)) throw new IllegalArgumentException("'" + key + "' must be a string");
    return s;
  }

  static String str(Map<String, Object> map, String key, String fallback) {
    return map.get(key) == null ? fallback : str(map, key);
  }

  static long num(Map<String, Object> map, String key) {
    Object value = map.get(key);
    if (!(value instanceof Long n)) throw new IllegalArgumentException("'" + key + "' must be an integer");
    return n;
  }

  static long num(Map<String, Object> map, String key, long fallback) {
    return map.get(key) == null ? fallback : num(map, key);
  }

  static boolean bool(Map<String, Object> map, String key, boolean fallback) {
    Object value = map.get(key);
    if (value == null) return fallback;
    if (!(value instanceof Boolean b)) throw new IllegalArgumentException("'" + key + "' must be a boolean");
    return b;
  }

  /** Base64 text or null. */
  static byte[] bytes(Map<String, Object> map, String key) {
    Object value = map.get(key);
    if (value == null) return null;
    if (!(value instanceof String s)) throw new IllegalArgumentException("'" + key + "' must be base64 text");
    return Base64.getDecoder().decode(s);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(Map<String, Object> map, String key) {
    Object value = map.get(key);
    if (value == null) return List.of();
    if (!(value instanceof List<?> list)) throw new IllegalArgumentException("'" + key + "' must be an array");
    for (Object item : list) {
      if (!(item instanceof Map)) throw new IllegalArgumentException("'" + key + "' must hold objects");
    }
    return (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Map<String, Object> map, String key) {
    Object value = map.get(key);
    if (value == null) return List.of();
    if (!(value instanceof List<?> list)) throw new IllegalArgumentException("'" + key + "' must be an array");
    for (Object item : list) {
      if (!(item instanceof String)) throw new IllegalArgumentException("'" + key + "' must hold strings");
    }
    return (List<String>) value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> map, String key) {
    Object value = map.get(key);
    if (value == null) return Map.of();
    if (!(value instanceof Map)) throw new IllegalArgumentException("'" + key + "' must be an object");
    return (Map<String, Object>) value;
  }

  static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }
}
