// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Values as error messages show them, defined once for every module: a
 * string quoted (a control character shows as an escape, never raw in a log
 * or terminal), any other value by its kind.
 *
 * @module
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  '"': '\\"',
  "\\": "\\\\",
};

/** `c` as `\xNN`. */
export function hexEscape(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** `c` escaped: `\t`, `\n`, `\r`, `"`, `\` by name, others as `\xNN`. */
export function escapeChar(c: string): string {
  return ESCAPES[c] ?? hexEscape(c);
}

/**
 * A function that puts a string in double quotes, escaping each character
 * `escaped` matches (by `escapeChar`).
 */
export function quoter(escaped: RegExp): (s: string) => string {
  return (s) => `"${s.replace(escaped, escapeChar)}"`;
}

/**
 * What kind of value `value` is, for an error message: `null`, its `typeof`,
 * or the name of its class (`Array`, `Uint8Array`, `Object`).
 */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === "string" && name !== "" ? name : "Object";
}

/**
 * `value` for an error message: a string quoted, a number as written, else
 * its {@linkcode typeName}.
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "number" ? String(value) : typeName(value);
}

/** `U+20AC` for `"€"`: the code point that starts `char`. */
export function codePoint(char: string): string {
  const hex = char.codePointAt(0)!.toString(16).toUpperCase();
  return `U+${hex.padStart(4, "0")}`;
}
