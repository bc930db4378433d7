// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Quoting strings for error messages, so that a control character in a bad
 * header or value shows as an escape, never raw in a log or terminal.
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

/**
 * A function that puts a string in double quotes, escaping each character
 * `escaped` matches (`\t`, `\n`, `\r`, `"`, `\` by name, others as `\xNN`).
 *
 * @param escaped A global regexp of the characters to escape.
 * @returns The quoting function.
 */
export function quoter(escaped: RegExp): (s: string) => string {
  const replace = (c: string): string =>
    ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  return (s) => `"${s.replace(escaped, replace)}"`;
}
