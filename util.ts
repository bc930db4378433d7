// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Helpers for WSGI servers and apps, ported from Python's `wsgiref.util`:
 * URL reconstruction (`requestUri`, `applicationUri`, `guessScheme`), path
 * dispatch (`shiftPathInfo`), a complete test environ
 * (`setupTestingDefaults`), the hop-by-hop header check (`isHopByHop`) and
 * `FileWrapper`, which turns a file-like object into a response body.
 *
 * Environ strings are PEP 3333 "native strings" (one code point per byte);
 * Python's `None` is `undefined`, so a key set to `undefined` counts as
 * missing, except to `setupTestingDefaults`, which tests `in`.
 *
 * @example Usage
 * ```ts
 * import {
 *   requestUri,
 *   setupTestingDefaults,
 *   shiftPathInfo,
 * } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const environ = setupTestingDefaults({
 *   PATH_INFO: "/blog/2026/hello world",
 *   QUERY_STRING: "page=2",
 * });
 * assert.equal(
 *   requestUri(environ),
 *   "http://127.0.0.1/blog/2026/hello%20world?page=2",
 * );
 * assert.equal(shiftPathInfo(environ), "blog");
 * assert.equal(environ.SCRIPT_NAME, "/blog");
 * assert.equal(environ.PATH_INFO, "/2026/hello world");
 * ```
 *
 * @module
 */

import { MemoryErrorStream } from "./_error_stream.ts";
import { typeName } from "./_quote.ts";
import { WSGIInput } from "./_input.ts";
import type { FileLike, WSGIEnvironment } from "./types.ts";

// The types its signatures mention, so that this entry point documents alone.
export type {
  ErrorStream,
  FileLike,
  FileWrapperFactory,
  InputStream,
  ResponseBody,
  WSGIEnvironment,
} from "./types.ts";

// Environ access

/**
 * A string environ value: Python's `environ[key]` (it must be there) for a
 * `caller`, else `environ.get(key, "")`.
 */
function envString(
  environ: Readonly<Record<string, unknown>>,
  key: string,
  caller?: string,
): string {
  const value = environ[key];
  if (value === undefined) {
    if (caller === undefined) return "";
    throw new TypeError(
      `${caller} needs environ[${JSON.stringify(key)}], which is missing`,
    );
  }
  if (typeof value !== "string") throw notString(key, value);
  return value;
}

/** Python's `environ.get(key)` in a truth test: a falsy value gives `""`. */
function truthyString(
  environ: Readonly<Record<string, unknown>>,
  key: string,
): string {
  const value = environ[key];
  if (!value) return "";
  if (typeof value !== "string") throw notString(key, value);
  return value;
}

/** The error for an environ value that is not a string. */
function notString(key: string, value: unknown): TypeError {
  return new TypeError(
    `environ[${JSON.stringify(key)}] must be a string, got ${typeName(value)}`,
  );
}

// Quoting: Python's urllib.parse.quote(s, safe, encoding="latin1")

/** What `quote(SCRIPT_NAME)` escapes: Python's default `safe="/"`. */
const SCRIPT_NAME_UNSAFE = /[^A-Za-z0-9_.~/-]/g;
/** What `quote(PATH_INFO, safe="/;=,")` escapes. */
const PATH_INFO_UNSAFE = /[^A-Za-z0-9_.~/;=,-]/g;

/** Percent-encodes (`%XX`, uppercase) the ISO-8859-1 bytes `unsafe` matches. */
function quote(value: string, key: string, unsafe: RegExp): string {
  return value.replace(unsafe, (char, index: number) => {
    const code = char.charCodeAt(0);
    if (code > 0xff) throw latin1Error(value, index, key);
    return "%" + code.toString(16).toUpperCase().padStart(2, "0");
  });
}

/** The error for a code point above U+00FF, worded like Python's `UnicodeEncodeError`. */
function latin1Error(value: string, index: number, key: string): TypeError {
  const codePoint = value.codePointAt(index) ?? 0;
  const escaped = codePoint > 0xffff
    ? "\\U" + codePoint.toString(16).padStart(8, "0")
    : "\\u" + codePoint.toString(16).padStart(4, "0");
  // Python counts code points, not UTF-16 units.
  const position = [...value.slice(0, index)].length;
  return new TypeError(
    `${key}: can't encode character '${escaped}' in position ${position} ` +
      `as ISO-8859-1: ordinal not in range(256)`,
  );
}

// URL reconstruction

/**
 * Guesses `wsgi.url_scheme` from the CGI variable `HTTPS`: `"https"` when it
 * is exactly `"1"`, `"yes"` or `"on"` (case-sensitive, as in Python), else
 * `"http"`.
 *
 * @param environ The WSGI environ (only `HTTPS` is read).
 * @returns `"https"` or `"http"`.
 *
 * @example Usage
 * ```ts
 * import { guessScheme } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * assert.equal(guessScheme({ HTTPS: "on" }), "https");
 * assert.equal(guessScheme({ HTTPS: "1" }), "https");
 * assert.equal(guessScheme({ HTTPS: "ON" }), "http");
 * assert.equal(guessScheme({}), "http");
 * ```
 */
export function guessScheme(
  environ: Readonly<Partial<WSGIEnvironment>>,
): "http" | "https" {
  const https = environ["HTTPS"];
  return https === "1" || https === "yes" || https === "on" ? "https" : "http";
}

/**
 * Returns the base URI of the application: scheme, host and the quoted
 * `SCRIPT_NAME`, without `PATH_INFO` or the query (PEP 3333 "URL
 * Reconstruction").
 *
 * A truthy `HTTP_HOST` is used verbatim; otherwise `SERVER_NAME` plus
 * `:SERVER_PORT`, unless the port is `"443"` for `https` or `"80"` for any
 * other scheme. `SCRIPT_NAME` is quoted as Python's `quote()` does (only
 * `A-Z a-z 0-9 _ . - ~ /` stay, every other byte becomes `%XX`); an empty
 * one becomes `/`.
 *
 * @param environ The WSGI environ.
 * @returns The application URI, e.g. `"http://127.0.0.1/spam"`.
 * @throws {TypeError} If `wsgi.url_scheme` is missing, or `SERVER_NAME` or
 * `SERVER_PORT` is missing when `HTTP_HOST` is not set (Python's
 * `KeyError`); if one of them is not a string; if `SCRIPT_NAME` has a code
 * point above U+00FF (Python's `UnicodeEncodeError`).
 *
 * @example Usage
 * ```ts
 * import { applicationUri } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const environ = {
 *   "wsgi.url_scheme": "https",
 *   SERVER_NAME: "example.com",
 *   SERVER_PORT: "8443",
 *   SCRIPT_NAME: "/sp\xe4m",
 * };
 * assert.equal(applicationUri(environ), "https://example.com:8443/sp%E4m");
 * assert.equal(
 *   applicationUri({ ...environ, HTTP_HOST: "example.org" }),
 *   "https://example.org/sp%E4m",
 * );
 * ```
 */
export function applicationUri(
  environ: Readonly<Partial<WSGIEnvironment>>,
): string {
  const env: Readonly<Record<string, unknown>> = environ;
  const scheme = envString(env, "wsgi.url_scheme", "applicationUri()");
  let url = scheme + "://";
  const host = truthyString(env, "HTTP_HOST");
  if (host) {
    url += host;
  } else {
    url += envString(env, "SERVER_NAME", "applicationUri()");
    const port = envString(env, "SERVER_PORT", "applicationUri()");
    if (port !== (scheme === "https" ? "443" : "80")) url += ":" + port;
  }
  const scriptName = truthyString(env, "SCRIPT_NAME") || "/";
  return url + quote(scriptName, "SCRIPT_NAME", SCRIPT_NAME_UNSAFE);
}

/**
 * Returns the full URI of the request: `applicationUri(environ)`, the quoted
 * `PATH_INFO` and, if `includeQuery`, `?QUERY_STRING` (PEP 3333 "URL
 * Reconstruction").
 *
 * `PATH_INFO` is quoted like `SCRIPT_NAME` but also keeps `;`, `=` and `,`.
 * When `SCRIPT_NAME` is empty, the first character of the quoted `PATH_INFO`
 * is dropped (the application URI already ends with `/`), whatever it is.
 * The query string is appended verbatim, and only if it is not empty.
 *
 * @param environ The WSGI environ.
 * @param includeQuery Whether to append `?QUERY_STRING`.
 * @returns The request URI, e.g. `"http://127.0.0.1/spammity/spam?say=ni"`.
 * @throws {TypeError} As {@linkcode applicationUri} does; also if
 * `PATH_INFO` or a non-empty `QUERY_STRING` is not a string, or `PATH_INFO`
 * has a code point above U+00FF.
 *
 * @example Usage
 * ```ts
 * import { requestUri, setupTestingDefaults } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const environ = setupTestingDefaults({
 *   SCRIPT_NAME: "/spammity",
 *   PATH_INFO: "/spam;cookie=1234,5678 x",
 *   QUERY_STRING: "say=ni",
 * });
 * assert.equal(
 *   requestUri(environ),
 *   "http://127.0.0.1/spammity/spam;cookie=1234,5678%20x?say=ni",
 * );
 * assert.equal(
 *   requestUri(environ, false),
 *   "http://127.0.0.1/spammity/spam;cookie=1234,5678%20x",
 * );
 * ```
 */
export function requestUri(
  environ: Readonly<Partial<WSGIEnvironment>>,
  includeQuery = true,
): string {
  const env: Readonly<Record<string, unknown>> = environ;
  let url = applicationUri(environ);
  const rawPathInfo = envString(env, "PATH_INFO");
  const pathInfo = quote(rawPathInfo, "PATH_INFO", PATH_INFO_UNSAFE);
  url += env["SCRIPT_NAME"] ? pathInfo : pathInfo.slice(1);
  if (includeQuery) {
    const query = truthyString(env, "QUERY_STRING");
    if (query) url += "?" + query;
  }
  return url;
}

// Path dispatch

/** Python's `posixpath.normpath` for strings. */
function normpath(path: string): string {
  let initialSlashes = path.startsWith("/") ? 1 : 0;
  // POSIX allows one implementation-defined meaning for exactly two slashes.
  if (initialSlashes && path.startsWith("//") && !path.startsWith("///")) {
    initialSlashes = 2;
  }
  const comps: string[] = [];
  for (const comp of path.split("/")) {
    if (comp === "" || comp === ".") continue;
    if (
      comp !== ".." || (!initialSlashes && comps.length === 0) ||
      (comps.length > 0 && comps[comps.length - 1] === "..")
    ) {
      comps.push(comp);
    } else if (comps.length > 0) {
      comps.pop();
    }
  }
  return "/".repeat(initialSlashes) + comps.join("/") || ".";
}

/**
 * Moves one path segment from `PATH_INFO` to the end of `SCRIPT_NAME`, and
 * returns it. Mutates `environ`. Use it to dispatch on the first path
 * segment, then hand the environ on, as its URI still names the same
 * resource.
 *
 * The rules are exactly Python's:
 *
 * - An empty or missing `PATH_INFO` returns `undefined` and changes nothing.
 * - Empty and `.` segments are dropped from `PATH_INFO`, except the last one:
 *   `"/a/b"` + `"//y/"` → returns `"y"`, `SCRIPT_NAME` `"/a/b/y"`,
 *   `PATH_INFO` `"/"` (a trailing slash survives).
 * - `SCRIPT_NAME + "/" + segment` is normalised like `posixpath.normpath`,
 *   then one trailing `/` is removed: `..` pops a segment (`"/a/b"` +
 *   `"/../y"` → returns `".."`, `SCRIPT_NAME` `"/a"`), `..` at the root is
 *   dropped, a leading `//` is kept but `///` collapses to `/` (`"/"` +
 *   `"/x"` → `SCRIPT_NAME` `"//x"`).
 * - An empty segment returns `""` and leaves `SCRIPT_NAME` ending with one
 *   `/`: `""` + `"/"` → returns `""`, `SCRIPT_NAME` `"/"`, `PATH_INFO` `""`.
 * - A `.` segment returns `undefined` but still moves: `"/a/b"` + `"/."` →
 *   `SCRIPT_NAME` `"/a/b"`, `PATH_INFO` `""`.
 * - A missing `SCRIPT_NAME` counts as `""`. A `PATH_INFO` without a leading
 *   slash shifts its second segment: `"x/y"` → returns `"y"`, `PATH_INFO`
 *   `"x"`.
 *
 * @param environ The WSGI environ; `SCRIPT_NAME` and `PATH_INFO` are read
 * and rewritten.
 * @returns The segment that moved, `""` for an empty one, or `undefined` if
 * `PATH_INFO` was empty or the segment was `.`.
 * @throws {RangeError} If `PATH_INFO` is not empty but has no `/` (Python's
 * `IndexError`).
 * @throws {TypeError} If `PATH_INFO` or `SCRIPT_NAME` is not a string.
 *
 * @example Usage
 * ```ts
 * import { shiftPathInfo } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const environ = { SCRIPT_NAME: "/a", PATH_INFO: "/x/y/" };
 * assert.equal(shiftPathInfo(environ), "x");
 * assert.deepEqual(environ, { SCRIPT_NAME: "/a/x", PATH_INFO: "/y/" });
 * assert.equal(shiftPathInfo(environ), "y");
 * assert.deepEqual(environ, { SCRIPT_NAME: "/a/x/y", PATH_INFO: "/" });
 * assert.equal(shiftPathInfo(environ), "");
 * assert.deepEqual(environ, { SCRIPT_NAME: "/a/x/y/", PATH_INFO: "" });
 * assert.equal(shiftPathInfo(environ), undefined);
 *
 * // `..` climbs out of SCRIPT_NAME; `.` moves nothing visible.
 * const up = { SCRIPT_NAME: "/a/b", PATH_INFO: "/../y" };
 * assert.equal(shiftPathInfo(up), "..");
 * assert.deepEqual(up, { SCRIPT_NAME: "/a", PATH_INFO: "/y" });
 * const dot = { SCRIPT_NAME: "/a/b", PATH_INFO: "/." };
 * assert.equal(shiftPathInfo(dot), undefined);
 * assert.deepEqual(dot, { SCRIPT_NAME: "/a/b", PATH_INFO: "" });
 *
 * assert.throws(() => shiftPathInfo({ PATH_INFO: "x" }), RangeError);
 * ```
 */
export function shiftPathInfo(
  environ: Partial<WSGIEnvironment>,
): string | undefined {
  const env: Readonly<Record<string, unknown>> = environ;
  const pathInfo = env["PATH_INFO"];
  if (!pathInfo) return undefined;
  if (typeof pathInfo !== "string") throw notString("PATH_INFO", pathInfo);
  const parts = pathInfo.split("/");
  if (parts.length < 2) {
    throw new RangeError(
      `shiftPathInfo() needs a PATH_INFO with a "/", got ${
        JSON.stringify(pathInfo)
      }`,
    );
  }
  // Drop empty and "." segments, except the first and the last.
  const middle = parts.slice(1, -1).filter((part) => part && part !== ".");
  const kept = [parts[0], ...middle, parts[parts.length - 1]];
  const name = kept[1];
  kept.splice(1, 1);

  let scriptName = normpath(envString(env, "SCRIPT_NAME") + "/" + name);
  if (scriptName.endsWith("/")) scriptName = scriptName.slice(0, -1);
  if (!name && !scriptName.endsWith("/")) scriptName += "/";

  environ.SCRIPT_NAME = scriptName;
  environ.PATH_INFO = kept.join("/");
  return name === "." ? undefined : name;
}

// Test environ

const WSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);

/**
 * Fills `environ` with the minimal WSGI keys, for tests: only keys that are
 * missing are set (a key present with `undefined` or `null` stays), in
 * Python's order, and the same object is returned, typed.
 *
 * | key | default |
 * | --- | --- |
 * | `SERVER_NAME` | `"127.0.0.1"` |
 * | `SERVER_PROTOCOL` | `"HTTP/1.0"` |
 * | `HTTP_HOST` | the `SERVER_NAME` |
 * | `REQUEST_METHOD` | `"GET"` |
 * | `SCRIPT_NAME`, `PATH_INFO` | `""` and `"/"`, only if both are missing |
 * | `wsgi.version` | a frozen `[1, 0]` |
 * | `wsgi.run_once`, `wsgi.multithread`, `wsgi.multiprocess` | `false` (Python: `0`) |
 * | `wsgi.input` | a new, empty input stream |
 * | `wsgi.errors` | a new stream that keeps text in memory |
 * | `wsgi.url_scheme` | {@linkcode guessScheme} |
 * | `SERVER_PORT` | `"80"` for `http`, `"443"` for `https`, else not set |
 *
 * @param environ The environ to complete; a plain object, even `{}`.
 * @returns `environ` itself, typed as a `WSGIEnvironment`.
 *
 * @example Usage
 * ```ts
 * import { setupTestingDefaults } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const environ = setupTestingDefaults({ HTTPS: "on", PATH_INFO: "/x" });
 * assert.equal(environ["wsgi.url_scheme"], "https");
 * assert.equal(environ.SERVER_PORT, "443");
 * assert.equal(environ.HTTP_HOST, "127.0.0.1");
 * assert.equal("SCRIPT_NAME" in environ, false);
 * assert.deepEqual(await environ["wsgi.input"].read(), new Uint8Array());
 * ```
 */
export function setupTestingDefaults(
  environ: Record<string, unknown>,
): WSGIEnvironment {
  const setDefault = (key: string, value: unknown): void => {
    if (!(key in environ)) environ[key] = value;
  };
  setDefault("SERVER_NAME", "127.0.0.1");
  setDefault("SERVER_PROTOCOL", "HTTP/1.0");
  setDefault("HTTP_HOST", environ["SERVER_NAME"]);
  setDefault("REQUEST_METHOD", "GET");
  if (!("SCRIPT_NAME" in environ) && !("PATH_INFO" in environ)) {
    environ["SCRIPT_NAME"] = "";
    environ["PATH_INFO"] = "/";
  }
  setDefault("wsgi.version", WSGI_VERSION);
  setDefault("wsgi.run_once", false);
  setDefault("wsgi.multithread", false);
  setDefault("wsgi.multiprocess", false);
  setDefault("wsgi.input", new WSGIInput());
  setDefault("wsgi.errors", new MemoryErrorStream());
  setDefault(
    "wsgi.url_scheme",
    guessScheme(environ as Partial<WSGIEnvironment>),
  );
  const scheme = environ["wsgi.url_scheme"];
  if (scheme === "http") setDefault("SERVER_PORT", "80");
  else if (scheme === "https") setDefault("SERVER_PORT", "443");
  return environ as WSGIEnvironment;
}

// Hop-by-hop headers

/**
 * The hop-by-hop headers of RFC 2616 §13.5.1, lower-case, that a WSGI app
 * must not set. Note `trailers` (plural), as in Python.
 *
 * @example Usage
 * ```ts
 * import { HOP_BY_HOP_HEADERS } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * assert.equal(HOP_BY_HOP_HEADERS.size, 8);
 * assert.ok(HOP_BY_HOP_HEADERS.has("transfer-encoding"));
 * ```
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailers",
  "transfer-encoding",
  "upgrade",
]);

const HOP_BY_HOP_LENGTHS: ReadonlySet<number> = new Set(
  [...HOP_BY_HOP_HEADERS].map((name) => name.length),
);

/**
 * Tells whether a header is hop-by-hop (`Connection`, `Keep-Alive`,
 * `Proxy-Authenticate`, `Proxy-Authorization`, `TE`, `Trailers`,
 * `Transfer-Encoding`, `Upgrade`), ignoring case.
 *
 * @param name A header name.
 * @returns `true` if `name` is one of {@linkcode HOP_BY_HOP_HEADERS}.
 * @throws {TypeError} If `name` is not a string.
 *
 * @example Usage
 * ```ts
 * import { isHopByHop } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isHopByHop("Keep-Alive"), true);
 * assert.equal(isHopByHop("CONNECTION"), true);
 * assert.equal(isHopByHop("Trailer"), false);
 * assert.equal(isHopByHop("Content-Length"), false);
 * ```
 */
export function isHopByHop(name: string): boolean {
  if (typeof name !== "string") {
    throw new TypeError(
      `isHopByHop() needs a header name string, got ${typeName(name)}`,
    );
  }
  // The length rules most names out without lower-casing (every header).
  return HOP_BY_HOP_LENGTHS.has(name.length) &&
    HOP_BY_HOP_HEADERS.has(name.toLowerCase());
}

// FileWrapper

type Closable = { close?: unknown };
type Reader = { read(size: number): unknown };

/** What a `FileLike` turned out to be. */
type Source =
  | { kind: "stream"; stream: ReadableStream<Uint8Array>; owner?: Closable }
  | { kind: "iterable"; open: () => Iterator<unknown> | AsyncIterator<unknown> }
  | { kind: "read"; owner: Reader };

/** Sorts a `FileLike` into the kinds of `Source`, in the order docs/api.md gives. */
function classify(filelike: FileLike): Source {
  if (filelike instanceof ReadableStream) {
    return { kind: "stream", stream: filelike };
  }
  if (typeof filelike === "object" && filelike !== null) {
    const obj = filelike as unknown as Record<PropertyKey, unknown>;
    if ("readable" in obj && obj.readable instanceof ReadableStream) {
      return { kind: "stream", stream: obj.readable, owner: obj };
    }
    if (typeof obj[Symbol.asyncIterator] === "function") {
      const iterable = filelike as AsyncIterable<unknown>;
      return { kind: "iterable", open: () => iterable[Symbol.asyncIterator]() };
    }
    if (typeof obj[Symbol.iterator] === "function") {
      const iterable = filelike as Iterable<unknown>;
      return { kind: "iterable", open: () => iterable[Symbol.iterator]() };
    }
    if (typeof obj.read === "function") {
      return { kind: "read", owner: filelike as Reader };
    }
  }
  throw new TypeError(
    "FileWrapper needs a ReadableStream, an object with a readable stream, " +
      "an (async) iterable or an object with read(size), got " +
      typeName(filelike),
  );
}

/** Checks that a chunk is bytes, and returns it over an `ArrayBuffer`. */
function toChunk(value: unknown): Uint8Array<ArrayBuffer> {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(
      `FileWrapper chunks must be Uint8Array, got ${typeName(value)}`,
    );
  }
  return value.buffer instanceof ArrayBuffer
    ? value as Uint8Array<ArrayBuffer>
    : new Uint8Array(value);
}

/** Calls `owner.close()` if it has one; a Deno file already closed is fine. */
async function closeOwner(owner: Closable): Promise<boolean> {
  if (typeof owner.close !== "function") return false;
  try {
    await owner.close();
  } catch (error) {
    // A Deno.FsFile its stream (at its end) or the caller closed already.
    if (!(error instanceof Error && error.name === "BadResource")) throw error;
  }
  return true;
}

/**
 * Wraps a file-like object as an async iterable of byte chunks: a response
 * body that a server can send, and Python's `wsgi.file_wrapper`.
 *
 * `filelike` is a {@linkcode FileLike}, tried in the order given there; a
 * falsy result of `read(size)` also marks the end.
 *
 * Unlike Python's, it is iterable only with `for await`, one read per step.
 * Once the source ended, or after `close()`, a new iteration yields nothing;
 * after a `break`, iterating again continues. Only `close()` closes the
 * source (servers call it when the response ends).
 *
 * @example Usage
 * ```ts
 * import { FileWrapper } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("abcdefghij");
 * let offset = 0;
 * const file = {
 *   read(size: number): Uint8Array {
 *     const chunk = bytes.subarray(offset, offset + size);
 *     offset += chunk.length;
 *     return chunk;
 *   },
 * };
 * const body = new FileWrapper(file, 4);
 * const chunks: string[] = [];
 * for await (const chunk of body) chunks.push(new TextDecoder().decode(chunk));
 * assert.deepEqual(chunks, ["abcd", "efgh", "ij"]);
 * await body.close();
 * ```
 */
export class FileWrapper implements AsyncIterable<Uint8Array<ArrayBuffer>> {
  /** The wrapped file-like object. */
  readonly filelike: FileLike;
  /** The size passed to a `read(size)` source. @default {8192} */
  readonly blksize: number;
  #source: Source;
  #done = false;
  #reader?: ReadableStreamDefaultReader<Uint8Array>;
  #iterator?: Iterator<unknown> | AsyncIterator<unknown>;
  #closing?: Promise<void>;

  /**
   * Wraps `filelike`.
   *
   * @param filelike What to read: a stream, an object with a `readable`
   * stream, an (async) iterable of chunks, or an object with `read(size)`.
   * @param blksize The size asked of `read(size)`.
   * @throws {TypeError} If `filelike` is none of the kinds above, or
   * `blksize` is not a number.
   * @throws {RangeError} If `blksize` is not a positive integer.
   */
  constructor(filelike: FileLike, blksize = 8192) {
    if (typeof blksize !== "number") {
      throw new TypeError(
        `blksize must be a positive integer, got ${typeName(blksize)}`,
      );
    }
    if (!Number.isSafeInteger(blksize) || blksize <= 0) {
      throw new RangeError(
        `blksize must be a positive integer, got ${blksize}`,
      );
    }
    this.filelike = filelike;
    this.blksize = blksize;
    this.#source = classify(filelike);
  }

  /**
   * Yields the chunks of the source, one read per step.
   *
   * @returns An async iterator of `Uint8Array` chunks.
   * @throws {TypeError} If the source gives something that is not a
   * `Uint8Array`; errors of the source itself pass through.
   *
   * @example Usage
   * ```ts
   * import { FileWrapper } from "@wsgi/wsgiref/util";
   * import assert from "node:assert/strict";
   *
   * const body = new FileWrapper([new Uint8Array([1, 2]), new Uint8Array([3])]);
   * const chunks: number[][] = [];
   * for await (const chunk of body) chunks.push([...chunk]);
   * assert.deepEqual(chunks, [[1, 2], [3]]);
   * for await (const _ of body) assert.fail("not resumable");
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<
    Uint8Array<ArrayBuffer>,
    void,
    undefined
  > {
    if (this.#done) return;
    const source = this.#source;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let next: () => unknown;
    if (source.kind === "stream") {
      reader = this.#reader = source.stream.getReader();
      next = () => reader!.read();
    } else if (source.kind === "iterable") {
      const iterator = this.#iterator ??= source.open();
      next = () => iterator.next();
    } else {
      const owner = source.owner;
      next = async () => {
        const value: unknown = await owner.read(this.blksize);
        const done = !value || (value instanceof Uint8Array && !value.length);
        return { done, value };
      };
    }
    try {
      while (!this.#done) {
        const result = await next() as IteratorResult<unknown>;
        if (this.#done) return;
        if (result.done) {
          this.#done = true;
          return;
        }
        yield toChunk(result.value);
      }
    } finally {
      // close() takes the reader over if it runs meanwhile.
      if (reader !== undefined && this.#reader === reader) {
        this.#reader = undefined;
        reader.releaseLock();
      }
    }
  }

  /**
   * Closes the source and ends iteration, once: the source's own `close()`
   * if it has one, else a stream is cancelled (unless someone else locked
   * it); an iterable's active iterator gets `return()` first.
   *
   * @returns A promise that settles once the source is closed.
   * @throws Whatever the source's own `close()` throws (except a Deno
   * `BadResource` for a file already closed).
   *
   * @example Usage
   * ```ts
   * import { FileWrapper } from "@wsgi/wsgiref/util";
   * import assert from "node:assert/strict";
   *
   * let closed = 0;
   * const file = {
   *   read: (_size: number) => new Uint8Array(),
   *   close() {
   *     closed++;
   *   },
   * };
   * const body = new FileWrapper(file);
   * await body.close();
   * await body.close();
   * assert.equal(closed, 1);
   * ```
   */
  close(): Promise<void> {
    return this.#closing ??= this.#close();
  }

  async #close(): Promise<void> {
    const wasDone = this.#done;
    this.#done = true;
    const source = this.#source;
    if (source.kind === "stream") {
      const reader = this.#reader;
      this.#reader = undefined;
      // A stream that errored already has nothing left to close.
      if (reader) {
        await reader.cancel().catch(() => {});
        reader.releaseLock();
      }
      if (source.owner && await closeOwner(source.owner)) return;
      if (!reader && !source.stream.locked) {
        await source.stream.cancel().catch(() => {});
      }
    } else {
      // An iterable's iterator (a read(size) source has none), then its owner.
      if (!wasDone) await this.#iterator?.return?.();
      await closeOwner(this.filelike as Closable);
    }
  }
}
