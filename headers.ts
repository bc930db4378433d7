// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Response headers as a WSGI app builds them: Python's `wsgiref.headers`.
 *
 * {@linkcode ResponseHeaders} is Python's `wsgiref.headers.Headers` (renamed so
 * that it does not shadow the `Headers` of the fetch API). It wraps the list of
 * `[name, value]` pairs that is passed to `startResponse`, **by reference**:
 * what it changes, the caller's array shows. Names are case-insensitive;
 * duplicates keep their order; `set()` replaces every match and appends at the
 * end.
 *
 * Header text is checked as Python's `main` branch does, by
 * {@linkcode checkHeaderName} and {@linkcode checkHeaderValue} (a control
 * character would smuggle in a header or a body), but every failure is a
 * `TypeError` that names the header.
 *
 * @example Usage
 * ```ts
 * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
 * import assert from "node:assert/strict";
 *
 * const list: Array<[string, string]> = [["Content-Type", "text/plain"]];
 * const headers = new ResponseHeaders(list);
 * headers.addHeader("Content-Disposition", "attachment", { filename: "a.txt" });
 * assert.equal(headers.get("content-type"), "text/plain");
 * assert.deepEqual(list[1], [
 *   "Content-Disposition",
 *   'attachment; filename="a.txt"',
 * ]);
 * assert.equal(
 *   headers.toString(),
 *   'Content-Type: text/plain\r\nContent-Disposition: attachment; filename="a.txt"\r\n\r\n',
 * );
 * ```
 *
 * @module
 */

import { CONTROL_REGEXP, isToken, VALUE_CONTROL_REGEXP } from "./_http.ts";
import { codePoint, quoter, typeName } from "./_quote.ts";

// deno-lint-ignore no-control-regex
const ESCAPE_REGEXP = /[\x00-\x1F\x7F"\\]/g;

/** `s` in double quotes, with control characters escaped, for messages. */
const quote = quoter(ESCAPE_REGEXP);

/** {@linkcode typeName}, with an array's length (a pair must have two). */
function kind(value: unknown): string {
  return Array.isArray(value)
    ? `array of length ${value.length}`
    : typeName(value);
}

/** The first control character that `regexp` finds in `s`, quoted. */
function firstControl(regexp: RegExp, s: string): string {
  return quote(regexp.exec(s)?.[0] ?? "");
}

/**
 * Checks a header name: it must be a string without control characters
 * (`\x00`–`\x1F`, `\x7F`, HTAB included).
 *
 * Characters above U+00FF pass, as in Python: they only fail when the headers
 * are encoded ({@linkcode ResponseHeaders.toBytes}).
 *
 * @param name The header name.
 * @returns `name`, unchanged.
 * @throws {TypeError} If `name` is not a string, or holds a control character.
 *
 * @example Usage
 * ```ts
 * import { checkHeaderName } from "@wsgi/wsgiref/headers";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkHeaderName("Content-Type"), "Content-Type");
 * assert.throws(() => checkHeaderName("X\tY"), TypeError);
 * assert.throws(() => checkHeaderName(1), {
 *   name: "TypeError",
 *   message: "header name must be a string, got number",
 * });
 * ```
 */
export function checkHeaderName(name: unknown): string {
  if (typeof name !== "string") {
    throw new TypeError(`header name must be a string, got ${kind(name)}`);
  }
  // A token holds no control character.
  if (!isToken(name) && CONTROL_REGEXP.test(name)) {
    throw new TypeError(
      `Control characters not allowed in headers: ${quote(name)} has ${
        firstControl(CONTROL_REGEXP, name)
      } in its name`,
    );
  }
  return name;
}

/**
 * Checks a header value: it must be a string without control characters
 * (`\x00`–`\x1F`, `\x7F`), except HTAB (`\x09`), which is allowed.
 *
 * Characters above U+00FF pass, as in Python: they only fail when the headers
 * are encoded ({@linkcode ResponseHeaders.toBytes}).
 *
 * @param name The header's name, for the message (not checked here).
 * @param value The header value.
 * @returns `value`, unchanged.
 * @throws {TypeError} If `value` is not a string, or holds a control character
 * other than HTAB.
 *
 * @example Usage
 * ```ts
 * import { checkHeaderValue } from "@wsgi/wsgiref/headers";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkHeaderValue("X", "a\tb"), "a\tb");
 * assert.throws(() => checkHeaderValue("X-Bad", "a\r\nSet-Cookie: b"), {
 *   name: "TypeError",
 *   message:
 *     'Control characters not allowed in headers: "X-Bad" has "\\r" in its value',
 * });
 * assert.throws(() => checkHeaderValue("X", 1), {
 *   name: "TypeError",
 *   message: 'header value for "X" must be a string, got number',
 * });
 * ```
 */
export function checkHeaderValue(name: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new TypeError(
      `header value for ${quote(String(name))} must be a string, got ${
        kind(value)
      }`,
    );
  }
  if (VALUE_CONTROL_REGEXP.test(value)) {
    throw new TypeError(
      `Control characters not allowed in headers: ${quote(String(name))} has ${
        firstControl(VALUE_CONTROL_REGEXP, value)
      } in its value`,
    );
  }
  return value;
}

/** Checks a query name and lower-cases it, as Python's `name.lower()`. */
function lowerName(name: string): string {
  // Checked and lower-cased once per name: the same few names recur.
  let key = lowerNames.get(name);
  if (key === undefined) {
    key = checkHeaderName(name).toLowerCase();
    if (lowerNames.size < 256) lowerNames.set(name, key);
  }
  return key;
}

const lowerNames = new Map<string, string>();

/**
 * Whether the stored name `stored` is the queried `name` (lower-cased as
 * `key`), as Python's `stored.lower() == key`. Names of another length are
 * told apart without lower-casing them: only U+0130 changes length in
 * lower case.
 */
function matches(stored: string, name: string, key: string): boolean {
  if (stored === name) return true;
  if (stored.length !== key.length && !stored.includes("\u0130")) {
    return false;
  }
  return stored.toLowerCase() === key;
}

/** Python's `_formatparam`: `param="value"` with `\` and `"` escaped, or `param`. */
function formatParam(param: string, value: string): string {
  if (value.length === 0) return param;
  return `${param}="${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Writes `text` as ISO-8859-1 into `bytes` at `at`; returns the new offset. */
function writeLatin1(
  bytes: Uint8Array,
  at: number,
  text: string,
  name: string,
  part: "name" | "value",
): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      throw new TypeError(
        `header ${quote(name)} has ${quote(char)} (${
          codePoint(char)
        }) in its ${part}, but headers must be ISO-8859-1 (U+0000 to U+00FF)`,
      );
    }
    bytes[at++] = code;
  }
  return at;
}

/**
 * The response headers of a WSGI app: Python's `wsgiref.headers.Headers`, a
 * case-insensitive view over a list of `[name, value]` pairs.
 *
 * The list is wrapped **by reference**: every change shows in the array that
 * was passed in. Each pair is checked when it is wrapped, and each name and
 * value when it is added (see the module documentation for the rules).
 * Methods that look a name up check it too, as Python does.
 *
 * @example Usage
 * ```ts
 * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
 * import assert from "node:assert/strict";
 *
 * const headers = new ResponseHeaders();
 * headers.set("Content-Type", "text/html");
 * headers.addHeader("Set-Cookie", "a=1");
 * headers.addHeader("Set-Cookie", "b=2");
 * assert.deepEqual(headers.getAll("set-cookie"), ["a=1", "b=2"]);
 * assert.equal(headers.length, 3);
 * assert.equal(new Headers(headers).get("content-type"), "text/html");
 * ```
 */
export class ResponseHeaders implements Iterable<[string, string]> {
  #headers: Array<[string, string]>;

  /**
   * Wraps `headers`, by reference, after checking every pair.
   *
   * @param headers The `[name, value]` pairs; a new empty array by default.
   * @throws {TypeError} If `headers` is not an array (with Python's message
   * `"Headers must be a list of name/value tuples"`), if an item is not a
   * `[name, value]` array, or if a name or value is invalid.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const list: Array<[string, string]> = [];
   * new ResponseHeaders(list).set("X-Powered-By", "wsgiref");
   * assert.deepEqual(list, [["X-Powered-By", "wsgiref"]]);
   * assert.throws(() => new ResponseHeaders([["X", "a\nb"]]), TypeError);
   * ```
   */
  constructor(headers: Array<[string, string]> = []) {
    if (!Array.isArray(headers)) {
      throw new TypeError("Headers must be a list of name/value tuples");
    }
    for (let i = 0; i < headers.length; i++) {
      const pair: unknown = headers[i];
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(
          `header at index ${i} must be a [name, value] pair, got ${
            kind(pair)
          }`,
        );
      }
      checkHeaderValue(checkHeaderName(pair[0]), pair[1]);
    }
    this.#headers = headers;
  }

  /**
   * The number of headers, duplicates included.
   *
   * @returns How many `[name, value]` pairs there are.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["A", "1"], ["a", "2"]]);
   * assert.equal(headers.length, 2);
   * ```
   */
  get length(): number {
    return this.#headers.length;
  }

  /**
   * The first value of the header `name`, matched case-insensitively.
   *
   * @param name The header name.
   * @returns The first value, or `undefined` if there is none.
   * @throws {TypeError} If `name` is not a valid header name.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["Content-Type", "text/plain"]]);
   * assert.equal(headers.get("CONTENT-TYPE"), "text/plain");
   * assert.equal(headers.get("Content-Length"), undefined);
   * assert.equal(headers.get("Content-Length", "0"), "0");
   * ```
   */
  get(name: string): string | undefined;
  /**
   * The first value of the header `name`, matched case-insensitively, or
   * `fallback`.
   *
   * @param name The header name.
   * @param fallback What to return if there is no such header.
   * @returns The first value, or `fallback` if there is none.
   * @throws {TypeError} If `name` is not a valid header name.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders();
   * assert.equal(headers.get("Content-Length", "0"), "0");
   * ```
   */
  get<T>(name: string, fallback: T): string | T;
  get<T>(name: string, fallback?: T): string | T | undefined {
    const key = lowerName(name);
    const headers = this.#headers;
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i];
      if (matches(pair[0], name, key)) return pair[1];
    }
    return fallback;
  }

  /**
   * Replaces every header `name` (case-insensitively) with one `name: value`
   * header, appended at the end.
   *
   * As in Python, the old headers are deleted before `value` is checked: an
   * invalid `value` throws with the old headers already gone.
   *
   * @param name The header name.
   * @param value The header value.
   * @throws {TypeError} If `name` or `value` is invalid.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["a", "1"], ["B", "2"], ["A", "3"]]);
   * headers.set("A", "4");
   * assert.deepEqual(headers.items(), [["B", "2"], ["A", "4"]]);
   * ```
   */
  set(name: string, value: string): void {
    this.delete(name);
    this.#headers.push([name, checkHeaderValue(name, value)]);
  }

  /**
   * Whether there is a header `name`, matched case-insensitively (one with an
   * empty value counts).
   *
   * @param name The header name.
   * @returns `true` if there is at least one such header.
   * @throws {TypeError} If `name` is not a valid header name.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["X-Empty", ""]]);
   * assert.equal(headers.has("x-empty"), true);
   * assert.equal(headers.has("X-Other"), false);
   * ```
   */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /**
   * Deletes every header `name`, matched case-insensitively, in place. A
   * missing header is not an error.
   *
   * @param name The header name.
   * @throws {TypeError} If `name` is not a valid header name.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const list: Array<[string, string]> = [["A", "1"], ["B", "2"], ["a", "3"]];
   * const headers = new ResponseHeaders(list);
   * headers.delete("a");
   * headers.delete("Missing");
   * assert.deepEqual(list, [["B", "2"]]);
   * ```
   */
  delete(name: string): void {
    const key = lowerName(name);
    const headers = this.#headers;
    let kept = 0;
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i];
      if (!matches(pair[0], name, key)) headers[kept++] = pair;
    }
    if (kept !== headers.length) headers.length = kept;
  }

  /**
   * The first value of the header `name`; if there is none, appends
   * `name: value` and returns `value`.
   *
   * As in Python, `value` is only checked when it is added.
   *
   * @param name The header name.
   * @param value The value to add if the header is missing.
   * @returns The existing first value, or `value`.
   * @throws {TypeError} If `name` is invalid, or if `value` is invalid and the
   * header is missing.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["Content-Type", "text/html"]]);
   * assert.equal(headers.setDefault("content-type", "text/plain"), "text/html");
   * assert.equal(headers.setDefault("Content-Length", "0"), "0");
   * assert.deepEqual(headers.keys(), ["Content-Type", "Content-Length"]);
   * ```
   */
  setDefault(name: string, value: string): string {
    const result = this.get(name);
    if (result !== undefined) return result;
    this.#headers.push([name, checkHeaderValue(name, value)]);
    return value;
  }

  /**
   * Every value of the header `name`, matched case-insensitively, in order.
   *
   * @param name The header name.
   * @returns The values; an empty array if there are none.
   * @throws {TypeError} If `name` is not a valid header name.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["Set-Cookie", "a=1"], ["set-cookie", "b=2"]]);
   * assert.deepEqual(headers.getAll("SET-COOKIE"), ["a=1", "b=2"]);
   * assert.deepEqual(headers.getAll("Vary"), []);
   * ```
   */
  getAll(name: string): string[] {
    const key = lowerName(name);
    const values: string[] = [];
    for (const [k, v] of this.#headers) {
      if (matches(k, name, key)) values.push(v);
    }
    return values;
  }

  /**
   * Appends a header with optional MIME-style parameters, as Python's
   * `add_header`.
   *
   * The value becomes `value; param="x"; flag`, in the object's key order:
   * `_` in a parameter name becomes `-`; a `null`, `undefined` or `""`
   * parameter is its bare name; others are quoted, `\` and `"` escaped. A
   * `null` or `undefined` `value` is left out; `""` is kept.
   *
   * @param name The header name.
   * @param value The main value, or `null`/`undefined` for none.
   * @param params The parameters, in order.
   * @throws {TypeError} If the name, the value, a parameter's name or a
   * parameter's value is invalid (checked in that order; nothing is added).
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders();
   * headers.addHeader("Content-Disposition", "attachment", {
   *   filename: "bud.gif",
   * });
   * headers.addHeader("X", "v", { a: null, b_c: "d e", quote_me: 'a"b\\c' });
   * assert.deepEqual(headers.values(), [
   *   'attachment; filename="bud.gif"',
   *   'v; a; b-c="d e"; quote-me="a\\"b\\\\c"',
   * ]);
   * ```
   */
  addHeader(
    name: string,
    value: string | null | undefined,
    params?: Record<string, string | null | undefined>,
  ): void {
    checkHeaderName(name);
    const parts: string[] = [];
    if (value !== null && value !== undefined) {
      if (typeof value !== "string") {
        throw new TypeError(
          `header value for ${
            quote(name)
          } must be a string, null or undefined, got ${kind(value)}`,
        );
      }
      parts.push(checkHeaderValue(name, value));
    }
    if (params !== null && params !== undefined) {
      for (const [key, param] of Object.entries(params)) {
        if (CONTROL_REGEXP.test(key)) {
          throw new TypeError(
            `Control characters not allowed in headers: ${quote(name)} has ${
              firstControl(CONTROL_REGEXP, key)
            } in the name of its parameter ${quote(key)}`,
          );
        }
        const paramName = key.replaceAll("_", "-");
        if (param === null || param === undefined) {
          parts.push(paramName);
          continue;
        }
        if (typeof param !== "string") {
          throw new TypeError(
            `parameter ${quote(key)} of header ${
              quote(name)
            } must be a string, null or undefined, got ${kind(param)}`,
          );
        }
        if (VALUE_CONTROL_REGEXP.test(param)) {
          throw new TypeError(
            `Control characters not allowed in headers: ${quote(name)} has ${
              firstControl(VALUE_CONTROL_REGEXP, param)
            } in the value of its parameter ${quote(key)}`,
          );
        }
        parts.push(formatParam(paramName, param));
      }
    }
    this.#headers.push([name, parts.join("; ")]);
  }

  /**
   * The header names, in order, with duplicates and their original case.
   *
   * @returns A new array of names.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["A", "1"], ["b", "2"], ["a", "3"]]);
   * assert.deepEqual(headers.keys(), ["A", "b", "a"]);
   * ```
   */
  keys(): string[] {
    return this.#headers.map((pair) => pair[0]);
  }

  /**
   * The header values, in order.
   *
   * @returns A new array of values.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["A", "1"], ["b", "2"], ["a", "3"]]);
   * assert.deepEqual(headers.values(), ["1", "2", "3"]);
   * ```
   */
  values(): string[] {
    return this.#headers.map((pair) => pair[1]);
  }

  /**
   * A copy of the `[name, value]` pairs: changing it, or a pair in it, leaves
   * the headers alone.
   *
   * @returns A new array of new pairs.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const list: Array<[string, string]> = [["A", "1"]];
   * const items = new ResponseHeaders(list).items();
   * assert.deepEqual(items, list);
   * assert.notEqual(items, list);
   * assert.notEqual(items[0], list[0]);
   * ```
   */
  items(): Array<[string, string]> {
    // Index, not destructuring: no iterator per pair.
    return this.#headers.map((pair) => [pair[0], pair[1]]);
  }

  /**
   * Iterates over copies of the `[name, value]` pairs, in order, so that the
   * fetch API's `new Headers(responseHeaders)` takes them.
   *
   * @returns An iterator of `[name, value]` pairs.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["A", "1"], ["B", "2"]]);
   * assert.deepEqual([...headers], [["A", "1"], ["B", "2"]]);
   * assert.equal(new Headers(headers).get("b"), "2");
   * ```
   */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [k, v] of this.#headers) yield [k, v];
  }

  /**
   * The headers as HTTP text: a `Name: value\r\n` line for each, then an
   * empty line (`"\r\n"` alone when there are none).
   *
   * @returns The header block.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ResponseHeaders().toString(), "\r\n");
   * assert.equal(
   *   new ResponseHeaders([["A", "1"], ["B", ""]]).toString(),
   *   "A: 1\r\nB: \r\n\r\n",
   * );
   * ```
   */
  toString(): string {
    let text = "";
    for (const [k, v] of this.#headers) text += `${k}: ${v}\r\n`;
    return text + "\r\n";
  }

  /**
   * The header block of {@linkcode ResponseHeaders.toString}, encoded as
   * ISO-8859-1 (one byte per code point).
   *
   * @returns The bytes.
   * @throws {TypeError} If a name or value has a code point above U+00FF.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["X", "caf\xE9"]]);
   * assert.deepEqual(
   *   headers.toBytes(),
   *   new Uint8Array([0x58, 0x3a, 0x20, 0x63, 0x61, 0x66, 0xe9, 13, 10, 13, 10]),
   * );
   * assert.throws(() => new ResponseHeaders([["X", "€"]]).toBytes(), TypeError);
   * ```
   */
  toBytes(): Uint8Array<ArrayBuffer> {
    const headers = this.#headers;
    let size = 2;
    for (const [k, v] of headers) size += k.length + v.length + 4;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const [k, v] of headers) {
      at = writeLatin1(bytes, at, k, k, "name");
      bytes[at++] = 0x3a; // ":"
      bytes[at++] = 0x20; // " "
      at = writeLatin1(bytes, at, v, k, "value");
      bytes[at++] = 0x0d;
      bytes[at++] = 0x0a;
    }
    bytes[at++] = 0x0d;
    bytes[at] = 0x0a;
    return bytes;
  }

  /**
   * The pairs, for `JSON.stringify`.
   *
   * @returns A copy of the `[name, value]` pairs, as {@linkcode ResponseHeaders.items}.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * const headers = new ResponseHeaders([["A", "1"]]);
   * assert.equal(JSON.stringify(headers), '[["A","1"]]');
   * ```
   */
  toJSON(): Array<[string, string]> {
    return this.items();
  }

  /**
   * How `console.log` and `util.inspect` show the headers (Deno and Node both
   * read this symbol), like Python's `repr()`.
   *
   * @returns `ResponseHeaders` followed by the pairs as JSON.
   *
   * @example Usage
   * ```ts
   * import { ResponseHeaders } from "@wsgi/wsgiref/headers";
   * import assert from "node:assert/strict";
   *
   * import { inspect } from "node:util";
   *
   * const headers = new ResponseHeaders([["A", "1"]]);
   * assert.equal(inspect(headers), 'ResponseHeaders [["A","1"]]');
   * ```
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `ResponseHeaders ${JSON.stringify(this.#headers)}`;
  }
}
