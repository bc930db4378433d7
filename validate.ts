// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A WSGI (PEP 3333) conformance checker, as Python's `wsgiref.validate`:
 * {@linkcode validator} wraps an app and checks, on both sides of the
 * gateway, everything Python's validator checks, the mistakes JavaScript
 * makes possible, and more that HTTP itself requires. A finding is an
 * {@linkcode AssertionError}, thrown where the mistake happens, so that the
 * handler answers `500` (or cuts the response off) and the message is in
 * `wsgi.errors`; what is legal but unwise is a {@linkcode WSGIWarning}.
 *
 * What it checks, in the order a response goes, and its limits (a
 * `FileWrapper` body passes through unwatched, so that a server's `sendfile`
 * fast path still applies): see the project's `docs/api.md`.
 *
 * @example Usage
 * ```ts
 * import { validator } from "@wsgi/wsgiref/validate";
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const app = validator((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("Hello world!")];
 * });
 * const response = await toFetchHandler(app)(new Request("http://localhost/"));
 * assert.equal(await response.text(), "Hello world!");
 * ```
 *
 * @module
 */

import {
  CONTROL_REGEXP,
  DIGITS_REGEXP,
  NOT_LATIN1_REGEXP,
  TOKEN_REGEXP,
  VALUE_CONTROL_REGEXP,
} from "./_http.ts";
import { codePoint, quoter, typeName } from "./_quote.ts";
import { AssertionError } from "./_errors.ts";
import type {
  ErrorStream,
  FileWrapperFactory,
  InputStream,
  ResponseBody,
  Write,
  WSGIApplication,
  WSGIEnvironment,
} from "./types.ts";
import { FileWrapper, isHopByHop } from "./util.ts";

export { AssertionError } from "./_errors.ts";
// The types its signatures mention, so that this entry point documents alone.
export type * from "./types.ts";

/**
 * A WSGI finding that is legal but unwise (Python's `WSGIWarning`): it goes
 * to `onWarning`, and is never thrown by the validator itself.
 *
 * @example Usage
 * ```ts
 * import { WSGIWarning } from "@wsgi/wsgiref/validate";
 * import assert from "node:assert/strict";
 *
 * const warning = new WSGIWarning("Unknown REQUEST_METHOD: \"BREW\"");
 * assert.ok(warning instanceof Error);
 * assert.equal(warning.name, "WSGIWarning");
 * ```
 */
export class WSGIWarning extends Error {
  /** `"WSGIWarning"`. */
  override name = "WSGIWarning";
}

/**
 * Options of {@linkcode validator}.
 *
 * @example Usage
 * ```ts
 * import { validator, type ValidatorOptions, WSGIWarning } from "@wsgi/wsgiref/validate";
 * import assert from "node:assert/strict";
 *
 * const warnings: WSGIWarning[] = [];
 * const options: ValidatorOptions = { onWarning: (w) => void warnings.push(w) };
 * const app = validator((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [];
 * }, options);
 * assert.equal(typeof app, "function");
 * assert.deepEqual(warnings, []);
 * ```
 */
export interface ValidatorOptions {
  /**
   * Called with each warning, at once (synchronously). One that throws turns
   * warnings into errors.
   *
   * @default {writes `WSGIWarning: message` to stderr (`console.warn`)}
   */
  onWarning?(warning: WSGIWarning): void;
}

// Rendering values for messages (Python's `%r`, in JavaScript's notation)

// deno-lint-ignore no-control-regex
const ESCAPE_REGEXP = /[\x00-\x1F\x7F-\x9F"\\]/g;

/** `s` in double quotes, with control characters escaped. */
const quote = quoter(ESCAPE_REGEXP);

const MAX_ITEMS = 8;
const MAX_LENGTH = 300;

/** `value` as a message shows it (Python's `repr`, in JavaScript's notation). */
function repr(value: unknown): string {
  const text = render(value, 0);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}

function render(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return quote(
        value.length > MAX_LENGTH ? `${value.slice(0, MAX_LENGTH)}…` : value,
      );
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "function":
      return value.name ? `[Function: ${value.name}]` : "[Function]";
    case "symbol":
    case "boolean":
    case "undefined":
      return String(value);
  }
  if (value === null) return "null";
  const object = value as object;
  if (object instanceof Uint8Array) {
    const items = Array.from(object.subarray(0, MAX_ITEMS), String);
    if (object.length > MAX_ITEMS) items.push("…");
    return `${typeName(object)}(${object.length}) [${items.join(", ")}]`;
  }
  if (Array.isArray(object)) {
    if (depth > 2) return "[Array]";
    const items = object.slice(0, MAX_ITEMS).map((item) =>
      render(item, depth + 1)
    );
    if (object.length > MAX_ITEMS) {
      items.push(`… ${object.length - MAX_ITEMS} more`);
    }
    return `[${items.join(", ")}]`;
  }
  if (isThenable(object)) return "Promise {}";
  if (object instanceof Error) return `${object.name}: ${object.message}`;
  const name = typeName(object);
  if (name !== "Object") return `${name} {}`;
  if (depth > 2) return "{…}";
  const keys = Object.keys(object);
  const items = keys.slice(0, MAX_ITEMS).map((key) =>
    `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key)}: ${
      render((object as Record<string, unknown>)[key], depth + 1)
    }`
  );
  if (keys.length > MAX_ITEMS) items.push(`… ${keys.length - MAX_ITEMS} more`);
  return items.length === 0 ? "{}" : `{ ${items.join(", ")} }`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function fail(message: string): never {
  throw new AssertionError(message);
}

/** Fails unless `args` are `count`: `name() takes <what> (got <length>)`. */
function takes(
  name: string,
  args: unknown[],
  count: number,
  what: string,
): void {
  if (args.length !== count) {
    fail(`${name}() takes ${what} (got ${args.length})`);
  }
}

/** Fails with `message`, then the value that was wrong and a `hint`. */
function got(message: string, value: unknown, hint = ""): never {
  fail(`${message} (got ${repr(value)})${hint}`);
}

const TEXT_HINT = ": encode text, e.g. with TextEncoder";
/** What a body chunk that is not bytes should be, by its `typeof`. */
const CHUNK_HINTS: Record<string, string> = {
  string: TEXT_HINT,
  number: ": a body is an iterable of Uint8Array chunks, not of numbers",
};

/** Methods Python's validator knows; others are warned about. */
const KNOWN_METHODS = new Set(
  "GET HEAD POST OPTIONS PATCH PUT DELETE TRACE".split(" "),
);

const REQUIRED_KEYS = (
  "REQUEST_METHOD SERVER_NAME SERVER_PORT wsgi.version wsgi.input wsgi.errors " +
  "wsgi.multithread wsgi.multiprocess wsgi.run_once"
).split(" ");

const BOOLEAN_KEYS = (
  "wsgi.multithread wsgi.multiprocess wsgi.run_once wsgi.input_terminated"
).split(" ");

// The environ

type Warn = (message: string) => void;

function checkEnviron(
  environ: unknown,
  warn: Warn,
): asserts environ is WSGIEnvironment {
  if (
    typeof environ !== "object" || environ === null ||
    Array.isArray(environ) || environ instanceof Map
  ) {
    fail(
      `Environment is not of the right type: ${
        typeName(environ)
      } (environment: ${repr(environ)})`,
    );
  }
  const env = environ as Record<string, unknown>;
  for (const key of REQUIRED_KEYS) {
    if (env[key] === undefined) {
      fail(`Environment missing required key: ${quote(key)}`);
    }
  }
  for (const key of ["HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"]) {
    if (env[key] !== undefined) {
      fail(
        `Environment should not have the key: ${key} (use ${
          key.slice(5)
        } instead)`,
      );
    }
  }
  if (env.QUERY_STRING === undefined) {
    warn(
      "QUERY_STRING is not in the WSGI environment; the cgi module will use " +
        "sys.argv when this variable is missing, so application errors are " +
        "more likely",
    );
  }
  for (const key of Object.keys(env)) {
    if (key.includes(".")) continue; // an extension: its type is its own
    const value = env[key];
    if (value === undefined) continue; // as good as absent
    if (typeof value !== "string") {
      fail(
        `Environmental variable ${key} is not a string: ${
          typeName(value)
        } (value: ${repr(value)})`,
      );
    }
    const bad = NOT_LATIN1_REGEXP.exec(key) ?? NOT_LATIN1_REGEXP.exec(value);
    if (bad) {
      fail(
        `Environmental variable ${quote(key)} must hold ISO-8859-1 text only ` +
          `(one code point per byte), but holds ${quote(bad[0])} (${
            codePoint(bad[0])
          }): ${repr(value)}`,
      );
    }
  }

  const version = env["wsgi.version"];
  if (!Array.isArray(version)) {
    fail(`wsgi.version should be a tuple (${repr(version)})`);
  }
  if (version.length !== 2 || version[0] !== 1 || version[1] !== 0) {
    got("wsgi.version should be [1, 0]", version);
  }
  const scheme = env["wsgi.url_scheme"];
  if (scheme !== "http" && scheme !== "https") {
    fail(`wsgi.url_scheme unknown: ${repr(scheme)}`);
  }
  for (const key of BOOLEAN_KEYS) {
    const value = env[key];
    if (value !== undefined && typeof value !== "boolean") {
      got(`${key} must be a boolean`, value);
    }
  }
  const fileWrapper = env["wsgi.file_wrapper"];
  if (fileWrapper !== undefined && typeof fileWrapper !== "function") {
    got("wsgi.file_wrapper must be a function", fileWrapper);
  }

  const input = ["read", "readline", "readlines", Symbol.asyncIterator];
  checkMethods(env, "wsgi.input", input);
  checkMethods(env, "wsgi.errors", ["flush", "write", "writelines"]);

  const method = env.REQUEST_METHOD as string;
  if (!TOKEN_REGEXP.test(method)) {
    fail(`REQUEST_METHOD must be an RFC 9110 token (got ${quote(method)})`);
  }
  if (!KNOWN_METHODS.has(method)) {
    warn(`Unknown REQUEST_METHOD: ${quote(method)}`);
  }

  for (const key of ["SCRIPT_NAME", "PATH_INFO"]) {
    const path = env[key] as string | undefined;
    if (path && !path.startsWith("/")) {
      fail(`${key} doesn't start with /: ${quote(path)}`);
    }
  }
  const scriptName = env.SCRIPT_NAME as string | undefined;
  const length = env.CONTENT_LENGTH as string | undefined;
  if (length && !DIGITS_REGEXP.test(length)) {
    fail(`Invalid CONTENT_LENGTH: ${quote(length)}`);
  }
  if (!scriptName && env.PATH_INFO === undefined) {
    fail(
      "One of SCRIPT_NAME or PATH_INFO are required (PATH_INFO should at " +
        "least be '/' if SCRIPT_NAME is empty)",
    );
  }
  if (scriptName === "/") {
    fail(
      "SCRIPT_NAME cannot be '/'; it should instead be '', and PATH_INFO " +
        "should be '/'",
    );
  }
}

/** Fails unless `env[key]` has each method in `attrs`. */
function checkMethods(
  env: Record<string, unknown>,
  key: string,
  attrs: (string | symbol)[],
): void {
  const value = env[key] as Record<PropertyKey, unknown> | null | undefined;
  for (const attr of attrs) {
    if (typeof value?.[attr] !== "function") {
      const name = typeof attr === "symbol" ? `[${attr.description}]` : attr;
      fail(`${key} (${repr(value)}) doesn't have the attribute ${name}`);
    }
  }
}

// wsgi.input and wsgi.errors

function checkChunk(method: string, value: unknown, size: unknown): void {
  if (!(value instanceof Uint8Array)) {
    got(`wsgi.input.${method}() must resolve with a Uint8Array`, value);
  }
  if (typeof size === "number" && size >= 0 && value.length > size) {
    fail(
      `wsgi.input.${method}(${size}) resolved with ${value.length} bytes, more than asked`,
    );
  }
}

/** `wsgi.input` as the app sees it: every call and result checked. */
class InputWrapper implements InputStream {
  #input: InputStream;
  #terminated: boolean;

  constructor(input: InputStream, terminated: boolean) {
    this.#input = input;
    this.#terminated = terminated;
  }

  /** Checks the arguments of `method`, then calls it and checks its promise. */
  #call(
    method: "read" | "readline" | "readlines",
    args: unknown[],
    takes: string,
  ): PromiseLike<unknown> {
    if (args.length > 1) {
      fail(
        `wsgi.input.${method}() takes ${takes} (got ${args.length}: ${
          repr(args)
        })`,
      );
    }
    const size = args[0];
    if (size !== undefined && !Number.isInteger(size)) {
      got(`wsgi.input.${method}() size must be an integer`, size);
    }
    if (
      method === "read" && !this.#terminated &&
      (size === undefined || (size as number) < 0)
    ) {
      fail(
        `wsgi.input.read() needs a size (got ${
          args.length === 0 ? "none" : repr(size)
        }): reading to the end is allowed only when wsgi.input_terminated is true`,
      );
    }
    const call = this.#input[method] as (...args: unknown[]) => unknown;
    const result = call.apply(this.#input, args);
    if (!isThenable(result)) {
      got(`wsgi.input.${method}() must return a Promise`, result);
    }
    return result;
  }

  read(...args: unknown[]): Promise<Uint8Array<ArrayBuffer>> {
    const result = this.#call("read", args, "one argument, the size");
    return settle(result, (value) => checkChunk("read", value, args[0]));
  }

  readline(...args: unknown[]): Promise<Uint8Array<ArrayBuffer>> {
    const what = "at most one argument, the size";
    return settle(this.#call("readline", args, what), (value) => {
      checkChunk("readline", value, args[0]);
      const line = value as Uint8Array;
      const newline = line.indexOf(10);
      if (newline !== -1 && newline !== line.length - 1) {
        fail(
          `wsgi.input.readline() resolved with more than one line: ${
            repr(line)
          }`,
        );
      }
    });
  }

  readlines(...args: unknown[]): Promise<Uint8Array<ArrayBuffer>[]> {
    const what = "at most one argument, the hint";
    return settle(this.#call("readlines", args, what), (lines) => {
      if (!Array.isArray(lines)) {
        got("wsgi.input.readlines() must resolve with an Array", lines);
      }
      for (const line of lines) checkChunk("readlines", line, undefined);
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array<ArrayBuffer>> {
    while (true) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  close(): never {
    fail("input.close() must not be called");
  }
}

/** Awaits `result`, checks it, and resolves with it. */
async function settle<T>(
  result: PromiseLike<unknown>,
  check: (value: unknown) => void,
): Promise<T> {
  const value = await result;
  check(value);
  return value as T;
}

/** `wsgi.errors` as the app sees it: strings only, never closed. */
class ErrorWrapper implements ErrorStream {
  #errors: ErrorStream;

  constructor(errors: ErrorStream) {
    this.#errors = errors;
  }

  write(...args: unknown[]): void {
    takes("wsgi.errors.write", args, 1, "exactly one argument, a string");
    const s = args[0];
    if (typeof s !== "string") got("wsgi.errors.write() needs a string", s);
    this.#errors.write(s);
  }

  writelines(...args: unknown[]): void {
    const what = "exactly one argument, an iterable of strings";
    takes("wsgi.errors.writelines", args, 1, what);
    const lines = args[0] as Iterable<unknown>;
    if (typeof lines?.[Symbol.iterator] !== "function") {
      got("wsgi.errors.writelines() needs an iterable of strings", lines);
    }
    for (const line of lines) this.write(line);
  }

  flush(...args: unknown[]): void {
    takes("wsgi.errors.flush", args, 0, "no arguments");
    this.#errors.flush();
  }

  close(): never {
    fail("errors.close() must not be called");
  }
}

// startResponse: the status and headers

/** Checks the status; returns its code. */
function checkStatus(status: unknown): number {
  if (typeof status !== "string") got("Status must be of type string", status);
  if (CONTROL_REGEXP.test(status)) {
    fail(`Control characters are not allowed in status: ${quote(status)}`);
  }
  const bad = NOT_LATIN1_REGEXP.exec(status);
  if (bad) {
    fail(
      `Status must hold ISO-8859-1 text only (code points up to U+00FF), but holds ${
        quote(bad[0])
      } (${codePoint(bad[0])}): ${quote(status)}`,
    );
  }
  if (status.length < 4) {
    fail(`Status must be at least 4 characters (${quote(status)})`);
  }
  if (!/^[0-9]{3}/.test(status)) {
    fail(`Status message must begin w/3-digit code (${quote(status)})`);
  }
  if (/^[0-9]{3}\S/.test(status)) {
    fail(
      `Status codes must be three characters: ${quote(status.split(/\s/)[0])}`,
    );
  }
  if (status[3] !== " ") {
    fail(`Status message must have a space after code (${quote(status)})`);
  }
  const code = Number(status.slice(0, 3));
  if (code < 100 || code > 599) fail(`Status code is invalid: ${code}`);
  return code;
}

function checkHeaders(headers: unknown, warn: Warn): void {
  if (!Array.isArray(headers)) {
    fail(
      `Headers (${repr(headers)}) must be of type Array: ${typeName(headers)}`,
    );
  }
  for (const item of headers) {
    const wrong = !Array.isArray(item)
      ? `must be of type tuple ([name, value]): ${typeName(item)}`
      : item.length !== 2
      ? `must be [name, value] pairs (got ${item.length} items)`
      : undefined;
    if (wrong) fail(`Individual headers (${repr(item)}) ${wrong}`);
    const [name, value] = item as [unknown, unknown];
    if (typeof name !== "string") {
      got("Header name must be of type string", name);
    }
    if (typeof value !== "string") {
      got("Header value must be of type string", value);
    }
    if (name.toLowerCase() === "status") {
      fail(
        "The Status header cannot be used; it conflicts with CGI script, and " +
          `HTTP status is not given through headers (value: ${quote(value)}).`,
      );
    }
    if (name.includes("\n") || name.includes(":")) {
      fail(`Header names may not contain ':' or '\\n': ${quote(name)}`);
    }
    if (!TOKEN_REGEXP.test(name)) {
      fail(
        `Bad header name: ${
          quote(name)
        } (a header name is an RFC 9110 token: letters, digits and !#$%&'*+-.^_\`|~)`,
      );
    }
    if (name.endsWith("-") || name.endsWith("_")) {
      warn(`Names may not end in '-' or '_': ${quote(name)}`);
    }
    const bad = VALUE_CONTROL_REGEXP.exec(value)?.[0];
    const wide = NOT_LATIN1_REGEXP.exec(value)?.[0];
    const why = bad !== undefined
      ? `bad char: ${quote(bad)}`
      : wide !== undefined
      ? `not ISO-8859-1: ${quote(wide)} is ${codePoint(wide)}`
      : undefined;
    if (why) fail(`Bad header value: ${quote(value)} (${why})`);
    if (isHopByHop(name)) {
      fail(`Hop-by-hop header, '${name}: ${value}', not allowed`);
    }
  }
}

/**
 * Python's `check_content_type`, but a missing type is returned, to report
 * only if content follows (an empty `200` or a redirect needs none).
 */
function checkContentType(
  code: number,
  headers: ReadonlyArray<readonly [string, string]>,
): string | undefined {
  const noMessageBody = code === 204 || code === 304;
  for (const [name] of headers) {
    if (name.toLowerCase() === "content-type") {
      if (!noMessageBody) return undefined;
      fail(
        `Content-Type header found in a ${code} response, which must not return content.`,
      );
    }
  }
  return noMessageBody
    ? undefined
    : `No Content-Type header found in headers (${repr(headers)})`;
}

function checkExcInfo(excInfo: unknown): void {
  const [type, hint] = typeof excInfo === "boolean"
    ? ["boolean", "or nothing"]
    : Array.isArray(excInfo)
    ? ["Array", "not Python's (type, value, traceback)"]
    : [];
  if (type !== undefined) {
    fail(
      `excInfo (${
        repr(excInfo)
      }) is not the caught error: ${type} (pass the error itself, ${hint})`,
    );
  }
}

/** Checks what HTTP adds; returns the declared `Content-Length`, if any. */
function checkFraming(
  code: number,
  headers: ReadonlyArray<readonly [string, string]>,
): number | undefined {
  const lengths: string[] = [];
  let types = 0;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === "content-length") lengths.push(value);
    else if (lower === "content-type") types++;
  }
  if (types > 1) {
    fail(`More than one Content-Type header in headers (${repr(headers)})`);
  }
  if (lengths.length === 0) return undefined;
  if (lengths.length > 1) {
    fail(`More than one Content-Length header: ${repr(lengths)}`);
  }
  if (code < 200 || code === 204) {
    fail(
      `Content-Length header found in a ${code} response, which must not have one (RFC 9110 section 8.6)`,
    );
  }
  const length = lengths[0];
  if (!DIGITS_REGEXP.test(length) || !Number.isSafeInteger(Number(length))) {
    fail(
      `Content-Length must be a non-negative integer (got ${quote(length)})`,
    );
  }
  return Number(length);
}

// One request: the state both sides' checks share

const START_RESPONSE_LATE =
  "The application returns and we started iterating over its body, but " +
  "start_response has not yet been called";

class Exchange {
  readonly warn: Warn;
  readonly head: boolean;
  /** Bodies a server's `FileWrapper` made; they pass through in identity. */
  readonly files = new WeakSet<object>();
  #startResponse: (...args: unknown[]) => unknown;
  /** `startResponse` was called (and accepted). */
  started = false;
  /** What may have no body (`"A 204 response"`…), if so. */
  noBody: string | undefined = undefined;
  /** The `Content-Length` to compare the bytes with, if any. */
  declared: number | undefined = undefined;
  /** The finding to report if content comes without a `Content-Type`. */
  untyped: string | undefined = undefined;
  bytes = 0;
  /** The body's iteration ended (done or `return()`). */
  bodyDone = false;
  /** The body was closed: the response is over. */
  closed = false;
  /** The last `write()`'s promise is pending (exact until the warning). */
  #writing = false;
  #warnedWrite = false;

  constructor(method: string, startResponse: unknown, warn: Warn) {
    if (typeof startResponse !== "function") {
      got("start_response must be a function", startResponse);
    }
    this.head = method === "HEAD";
    this.#startResponse = startResponse as (...args: unknown[]) => unknown;
    this.warn = warn;
  }

  startResponse = (...args: unknown[]): Write => {
    if (args.length !== 2 && args.length !== 3) {
      fail(`Invalid number of arguments: ${repr(args)}`);
    }
    const [status, headers] = args;
    const excInfo = args.length === 3 ? args[2] : undefined;
    const code = checkStatus(status);
    checkHeaders(headers, this.warn);
    const pairs = headers as Array<[string, string]>;
    const untyped = checkContentType(code, pairs);
    checkExcInfo(excInfo);
    if (this.closed) {
      fail(
        "start_response called after the response ended (its body was closed)",
      );
    }
    if (this.started && (excInfo === undefined || excInfo === null)) {
      fail(
        "start_response called a second time without excInfo: Headers already set!",
      );
    }
    const declared = checkFraming(code, pairs);
    const write = this.#startResponse(...args);
    if (typeof write !== "function") {
      got("start_response must return the write function", write);
    }
    this.started = true;
    this.noBody = this.head
      ? "The response to a HEAD request"
      : code < 200 || code === 204 || code === 205 || code === 304
      ? `A ${code} response`
      : undefined;
    this.declared = this.head || code === 304 ? undefined : declared;
    this.untyped = untyped;
    return (...data: unknown[]) => this.#write(write as Write, data);
  };

  #write(write: Write, args: unknown[]): Promise<void> {
    takes("write", args, 1, "exactly one argument, a Uint8Array");
    const data = args[0];
    if (!(data instanceof Uint8Array)) {
      const hint = typeof data === "string" ? TEXT_HINT : "";
      got("write() argument must be a Uint8Array", data, hint);
    }
    if (this.closed) {
      fail("write() called after the response ended (its body was closed)");
    }
    if (this.bodyDone) {
      fail(
        "write() called after the application's body ended: write before returning, or yield the bytes",
      );
    }
    this.count(data.length);
    if (this.#writing && !this.#warnedWrite) {
      this.#warnedWrite = true;
      this.warn(
        "write() called while the previous write() is still pending: await " +
          "each write() to keep backpressure (a slow client then slows the app)",
      );
    }
    const promise = write(data);
    if (!isThenable(promise)) {
      got("the server's write() must return a Promise", promise);
    }
    this.#writing = true;
    const settled = (): boolean => this.#writing = false;
    promise.then(settled, settled);
    return promise as Promise<void>;
  }

  /** Counts body bytes, checking the status, the method and the length. */
  count(length: number): void {
    if (length === 0) return;
    if (this.noBody !== undefined) {
      fail(
        `${this.noBody} must not have a body (the application sent ${length} bytes)`,
      );
    }
    if (this.untyped !== undefined) fail(this.untyped);
    this.bytes += length;
    if (this.declared !== undefined && this.bytes > this.declared) {
      fail(
        `Content-Length is ${this.declared}, but the application sent ${this.bytes} bytes`,
      );
    }
  }

  /** Checks a chunk of the body. */
  chunk(value: unknown, first: boolean): void {
    if (!(value instanceof Uint8Array)) {
      if (isThenable(value)) {
        fail(
          "Iterator yielded a Promise, not bytes: await it (an async generator " +
            "does) instead of yielding it",
        );
      }
      const hint = CHUNK_HINTS[typeof value] ?? "";
      fail(`Iterator yielded non-bytestring (${repr(value)})${hint}`);
    }
    if (first && !this.started) fail(START_RESPONSE_LATE);
    this.count(value.length);
  }

  /** The body ended by itself: what must hold of the whole response. */
  end(): void {
    if (this.bodyDone) return;
    this.bodyDone = true;
    if (!this.started) {
      fail(
        "The application's body ended, but start_response was never called",
      );
    }
    if (this.declared !== undefined && this.bytes < this.declared) {
      fail(
        `Content-Length is ${this.declared}, but the body ended after ${this.bytes} bytes`,
      );
    }
  }
}

// The body

/** Reports bodies that were garbage collected without `close()`. */
const unclosed: FinalizationRegistry<Warn> | undefined =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry((warn: Warn) => {
      try {
        warn("Iterator garbage collected without being closed");
      } catch {
        // Nowhere to throw to.
      }
    })
    : undefined;

/** What both body wrappers share: `close()`, exactly once. */
abstract class CheckedBody {
  protected readonly exchange: Exchange;
  protected readonly original: ResponseBody;
  protected first = true;

  constructor(original: ResponseBody, exchange: Exchange) {
    this.original = original;
    this.exchange = exchange;
    unclosed?.register(this, exchange.warn, this);
  }

  /** Closes the app's body; a second call is a server's mistake. */
  close(): void | Promise<void> {
    if (this.exchange.closed) {
      fail("close() called twice on the application's body: call it once");
    }
    this.exchange.closed = true;
    unclosed?.unregister(this);
    const close = this.original.close;
    if (typeof close === "function") return close.call(this.original);
  }

  /** Stops the app's iterator after a finding (ignoring what that throws). */
  protected stop(iterator: { return?(): unknown }): Promise<unknown> | void {
    if (this.exchange.bodyDone) return;
    try {
      return Promise.resolve(iterator.return?.()).catch(() => {});
    } catch {
      // The finding is what matters.
    }
  }

  protected checkOpen(): void {
    if (this.exchange.closed) fail("Iterator read after closed");
  }

  protected step(result: unknown): IteratorResult<Uint8Array> {
    if (typeof result !== "object" || result === null) {
      got(
        `The body's iterator must return an iterator result object from next()`,
        result,
      );
    }
    const step = result as IteratorResult<unknown>;
    // A step under way when the server closed the body comes too late.
    if (this.exchange.closed) return step as IteratorResult<Uint8Array>;
    if (step.done) {
      this.exchange.end();
      return step as IteratorResult<Uint8Array>;
    }
    const first = this.first;
    this.first = false;
    this.exchange.chunk(step.value, first);
    return step as IteratorResult<Uint8Array>;
  }
}

/** A sync iterable body (an array, a generator), checked chunk by chunk. */
class CheckedSyncBody extends CheckedBody
  implements IterableIterator<Uint8Array> {
  #iterator?: Iterator<unknown>;

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Uint8Array> {
    this.checkOpen();
    const iterator = this.#iterator ??= (this.original as Iterable<unknown>)
      [Symbol.iterator]();
    const result = iterator.next();
    try {
      return this.step(result);
    } catch (error) {
      void this.stop(iterator);
      throw error;
    }
  }

  return(value?: unknown): IteratorResult<Uint8Array> {
    this.exchange.bodyDone = true;
    const result = this.#iterator?.return?.(value);
    return { done: true, value: result?.value ?? value };
  }
}

/** An async iterable body (a stream, an async generator), checked likewise. */
class CheckedAsyncBody extends CheckedBody
  implements AsyncIterableIterator<Uint8Array> {
  #iterator?: AsyncIterator<unknown>;

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    this.checkOpen();
    const iterator = this.#iterator ??=
      (this.original as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const result = await iterator.next();
    try {
      return this.step(result);
    } catch (error) {
      await this.stop(iterator);
      throw error;
    }
  }

  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    this.exchange.bodyDone = true;
    const result = await this.#iterator?.return?.(value);
    return { done: true, value: result?.value ?? value };
  }
}

function bodyHint(body: object): string {
  if (typeof Response === "function" && body instanceof Response) {
    return ": return response.body, or wrap a fetch handler with fromFetchHandler()";
  }
  if (typeof Blob === "function" && body instanceof Blob) {
    return ": return blob.stream()";
  }
  if (body instanceof ArrayBuffer) {
    return ": return [new Uint8Array(buffer)]";
  }
  return "";
}

const NOT_ITERABLE =
  "The application must return an iterable of Uint8Array chunks";

function checkBody(result: unknown, exchange: Exchange): ResponseBody {
  if (
    result === undefined || result === null || result === false || result === 0
  ) {
    fail("The application must return an iterator, if only an empty list");
  }
  if (typeof result === "string") {
    fail(
      "You should not return a string as your application iterator, instead " +
        "return a single-item list containing a bytestring. (In JavaScript: " +
        "an array holding one Uint8Array.)",
    );
  }
  if (result instanceof Uint8Array) {
    fail(
      "You should not return a Uint8Array as your application iterator (it " +
        "iterates as numbers), instead return a single-item list containing it: [bytes].",
    );
  }
  const body = result as Record<PropertyKey, unknown>;
  if (typeof body !== "object" && typeof body !== "function") {
    got(NOT_ITERABLE, result);
  }
  if (result instanceof FileWrapper || exchange.files.has(result as object)) {
    if (!exchange.started) {
      fail(
        "The application returned a FileWrapper before calling start_response: " +
          "a server may send a file without iterating over it, so start_response must come first",
      );
    }
    return result as ResponseBody;
  }
  const isAsync = typeof body[Symbol.asyncIterator] === "function";
  if (!isAsync && typeof body[Symbol.iterator] !== "function") {
    got(NOT_ITERABLE, result, bodyHint(body));
  }
  if (
    typeof ReadableStream === "function" && result instanceof ReadableStream &&
    result.locked
  ) {
    fail(
      "The application returned a locked ReadableStream: something is " +
        "already reading it, so the server cannot",
    );
  }
  if (body.close !== undefined && typeof body.close !== "function") {
    got("The body's close attribute must be a function", body.close);
  }
  if (Array.isArray(result) && !exchange.started) {
    fail(
      "The application returned a list without calling start_response (only a " +
        "lazy body, such as a generator, may call it later)",
    );
  }
  return isAsync
    ? new CheckedAsyncBody(result as ResponseBody, exchange)
    : new CheckedSyncBody(result as ResponseBody, exchange);
}

async function checkLater(
  result: PromiseLike<unknown>,
  exchange: Exchange,
): Promise<ResponseBody> {
  return checkBody(await result, exchange);
}

function wrapFileWrapper(
  factory: FileWrapperFactory,
  files: WeakSet<object>,
): FileWrapperFactory {
  return (...args: unknown[]): ResponseBody => {
    if (args.length < 1 || args.length > 2) {
      fail(
        `wsgi.file_wrapper takes a file-like object and an optional block size (got ${args.length} arguments)`,
      );
    }
    const [filelike, blksize] = args;
    if (filelike === undefined || filelike === null) {
      got("wsgi.file_wrapper needs a file-like object", filelike);
    }
    if (
      blksize !== undefined &&
      !(Number.isSafeInteger(blksize) && (blksize as number) > 0)
    ) {
      got("wsgi.file_wrapper block size must be a positive integer", blksize);
    }
    const body = (factory as (...args: unknown[]) => ResponseBody)(...args);
    if (typeof body === "object" && body !== null) files.add(body);
    return body;
  };
}

/**
 * Wraps a WSGI app in a checker of the protocol, on both sides: what the
 * server gives the app (the environ, `wsgi.input`, `wsgi.errors`) and what
 * the app gives back (the status, headers, `write`, the body, `close()`).
 * Python's `wsgiref.validate.validator`, with more checks (see the module
 * documentation). The environ is changed in place, as Python's is:
 * `wsgi.input`, `wsgi.errors` and `wsgi.file_wrapper` become checking
 * wrappers, and so does the body (so a server never adds a `Content-Length`
 * for it), except a `FileWrapper` body, which is returned as it is.
 *
 * @param app The WSGI application; it may be async.
 * @param options `onWarning`: where warnings go (default: stderr).
 * @returns The checked application.
 * @throws {TypeError} If `app` is not a function, or `onWarning` is given but
 * not a function.
 *
 * @example Usage
 * ```ts
 * import { AssertionError, validator } from "@wsgi/wsgiref/validate";
 * import { setupTestingDefaults } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const app = validator((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return ["Hello" as unknown as Uint8Array]; // a string, not bytes
 * });
 * const environ = setupTestingDefaults({ QUERY_STRING: "" });
 * const body = await app(environ, () => async () => {});
 * assert.throws(
 *   () => [...(body as Iterable<Uint8Array>)],
 *   (error) =>
 *     error instanceof AssertionError &&
 *     error.message.startsWith('Iterator yielded non-bytestring ("Hello")'),
 * );
 * ```
 */
export function validator(
  app: WSGIApplication,
  options: ValidatorOptions = {},
): WSGIApplication {
  if (typeof app !== "function") {
    throw new TypeError(
      `validator() needs a WSGI application (a function), got ${typeName(app)}`,
    );
  }
  if (
    options.onWarning !== undefined && typeof options.onWarning !== "function"
  ) {
    throw new TypeError(
      `onWarning must be a function, got ${typeName(options.onWarning)}`,
    );
  }
  const warn: Warn = (message) => {
    const warning = new WSGIWarning(message);
    if (options.onWarning !== undefined) options.onWarning(warning);
    else console.warn(`${warning.name}: ${warning.message}`);
  };
  const lintApp = (
    ...args: unknown[]
  ): ResponseBody | Promise<ResponseBody> => {
    if (args.length !== 2) fail("Two arguments required");
    const [environ, startResponse] = args;
    checkEnviron(environ, warn);
    const exchange = new Exchange(environ.REQUEST_METHOD, startResponse, warn);
    environ["wsgi.input"] = new InputWrapper(
      environ["wsgi.input"],
      environ["wsgi.input_terminated"] === true,
    );
    environ["wsgi.errors"] = new ErrorWrapper(environ["wsgi.errors"]);
    const fileWrapper = environ["wsgi.file_wrapper"];
    if (fileWrapper !== undefined) {
      environ["wsgi.file_wrapper"] = wrapFileWrapper(
        fileWrapper,
        exchange.files,
      );
    }
    const result: unknown = app(environ, exchange.startResponse);
    return isThenable(result)
      ? checkLater(result, exchange)
      : checkBody(result, exchange);
  };
  return lintApp as WSGIApplication;
}
