// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Static files, done right: `staticFiles(root)` is a WSGI app that serves the
 * files under one directory and nothing outside it, or, given a `fallback`
 * app, a middleware that hands that app every request it does not serve.
 *
 * - Validators: a strong `ETag` (from size and modification time, or the
 *   content's SHA-256 with `etag: "hash"`) and `Last-Modified`;
 *   `If-None-Match`/`If-Modified-Since` answer `304`,
 *   `If-Match`/`If-Unmodified-Since` answer `412` (RFC 9110's order).
 * - `Range` on `GET`: one range (`206` with `Content-Range`), suffix and open
 *   ranges, several as `multipart/byteranges`, `If-Range`, `416` with
 *   `Content-Range: bytes *\/size`. `HEAD` answers `GET`'s headers, no body.
 * - A precompressed sibling (`app.js.br`, `app.js.gz`) when `Accept-Encoding`
 *   takes it, with `Vary: Accept-Encoding`; `Content-Type` from the `mime`
 *   package, with `charset=utf-8` for text.
 * - A directory serves its `index.html`; a listing (names escaped) by option;
 *   `Cache-Control` by option, `immutable` for names that carry a hash.
 * - No way out of the root: `..` and `.` segments (decoded, so `%2e%2e` and
 *   `..%2f` too), `\`, NUL, drive letters, bytes that are not UTF-8 (`400`),
 *   dotfiles (`404` unless allowed), and symlinks whose real path leaves the
 *   root (`404`): the file opened is the real path that was checked.
 * - Bodies are `FileWrapper`s reading the open file in 16 KiB steps, so a
 *   large file streams with flat memory and closes when the response ends.
 *
 * Runs wherever `node:fs` does: Deno, Node and Bun.
 *
 * @example Usage
 * ```ts
 * import { staticFiles } from "@wsgi/wsgiref/static";
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import assert from "node:assert/strict";
 *
 * const root = mkdtempSync(join(tmpdir(), "site-"));
 * writeFileSync(join(root, "hello.txt"), "Hello, world!\n");
 * const fetch = toFetchHandler(staticFiles(root));
 *
 * const response = await fetch(new Request("http://localhost/hello.txt"));
 * assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
 * assert.equal(await response.text(), "Hello, world!\n");
 *
 * const etag = response.headers.get("etag")!;
 * const again = await fetch(
 *   new Request("http://localhost/hello.txt", { headers: { "If-None-Match": etag } }),
 * );
 * assert.equal(again.status, 304);
 * ```
 *
 * @module
 */

import mime from "mime";
import { formatDateTime } from "./_dates.ts";
import {
  type FileInfo,
  hashFile,
  isNotFound,
  join,
  listDirectory,
  type OpenFile,
  openFile,
  realDirectorySync,
  realPath,
  relative,
  sep,
  WINDOWS,
} from "./_runtime_files.ts";
import type {
  ResponseBody,
  StartResponse,
  WSGIApplication,
  WSGIEnvironment,
} from "./types.ts";
import { FileWrapper } from "./util.ts";

/** Options of `staticFiles`. */
export interface StaticFilesOptions {
  /** The file a directory serves, or `false` for none. @default {"index.html"} */
  index?: string | false;
  /** List a directory that has no index file (names HTML-escaped). @default {false} */
  listing?: boolean;
  /** Serve names that begin with `.` (`.env`, `.git/`…). @default {false} */
  dotfiles?: boolean;
  /**
   * How `ETag` is made: `"stat"` from the size and modification time,
   * `"hash"` from the content's SHA-256 (computed once per size and time).
   * @default {"stat"}
   */
  etag?: "stat" | "hash";
  /** Serve `name.br` or `name.gz` in place of `name` when the client takes it. @default {true} */
  precompressed?: boolean;
  /** `Cache-Control` for every file served, e.g. `"no-cache"`; none by default. */
  cacheControl?: string;
  /**
   * Names (the last path segment) that carry a content hash, and so never
   * change: they get `Cache-Control: public, max-age=31536000, immutable`.
   * `HASHED_NAME_REGEXP` matches `app.3f2a9c1b.js` and `app-3f2a9c1b.js`.
   */
  immutable?: RegExp;
  /**
   * The app for every request this one does not serve (another method, a
   * malformed or missing path): `staticFiles` is then a middleware.
   */
  fallback?: WSGIApplication;
}

/** A name with a hash of 8 or more hex digits before its extension. */
export const HASHED_NAME_REGEXP: RegExp = /[.-][0-9a-fA-F]{8,}\.[^./]+$/;

const IMMUTABLE = "public, max-age=31536000, immutable";
const CHUNK = 16384;
/** More ranges than this in one request are ignored (the whole file goes). */
const MAX_RANGES = 100;
const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });
/** A drive letter (`C:`): refused in any segment (Windows refuses any `:`). */
const DRIVE = /^[A-Za-z]:/;
const ENTITY_TAG = /(W\/)?"([^"]*)"/g;

type Headers = Array<[string, string]>;

/**
 * Makes a WSGI app that serves the files under `root` (see the module doc
 * for every rule).
 *
 * @param root The directory to serve; it must exist.
 * @param options How to serve it, and the `fallback` app, if any.
 * @returns The app.
 * @throws {Error} The file system's own error if `root` is missing.
 * @throws {TypeError} If `root` is not a directory.
 *
 * @example Usage
 * ```ts
 * import { staticFiles } from "@wsgi/wsgiref/static";
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import assert from "node:assert/strict";
 *
 * const root = mkdtempSync(join(tmpdir(), "site-"));
 * writeFileSync(join(root, "data.bin"), "0123456789");
 * const fetch = toFetchHandler(staticFiles(root, {
 *   fallback: (_environ, startResponse) => {
 *     startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *     return [new TextEncoder().encode("from the app")];
 *   },
 * }));
 *
 * const part = await fetch(
 *   new Request("http://localhost/data.bin", { headers: { Range: "bytes=2-4" } }),
 * );
 * assert.equal(part.status, 206);
 * assert.equal(part.headers.get("content-range"), "bytes 2-4/10");
 * assert.equal(await part.text(), "234");
 *
 * const other = await fetch(new Request("http://localhost/api/users"));
 * assert.equal(await other.text(), "from the app");
 * ```
 */
export function staticFiles(
  root: string,
  options: StaticFilesOptions = {},
): WSGIApplication {
  const rootReal = realDirectorySync(root);
  const prefix = rootReal.endsWith(sep) ? rootReal : rootReal + sep;
  const index = options.index ?? "index.html";
  const dotfiles = options.dotfiles ?? false;
  const precompressed = options.precompressed ?? true;
  const hashes = options.etag === "hash" ? new HashCache() : undefined;
  const fallback = options.fallback;

  /** The real path of `path` if it lies under the root, and shows no dotfile unless allowed. */
  async function resolve(path: string): Promise<string | undefined> {
    const real = await realPath(path);
    if (real === undefined) return undefined;
    if (real !== rootReal && !real.startsWith(prefix)) return undefined;
    if (
      !dotfiles &&
      relative(rootReal, real).split(sep).some((s) => s.startsWith("."))
    ) {
      return undefined;
    }
    return real;
  }

  /** `path` opened, if it resolves inside the root to a regular file or a directory. */
  async function openInside(path: string): Promise<OpenFile | undefined> {
    const real = await resolve(path);
    return real === undefined ? undefined : await openFile(real);
  }

  function refuse(
    environ: WSGIEnvironment,
    startResponse: StartResponse,
    status: string,
    extra: Headers = [],
  ): ResponseBody | Promise<ResponseBody> {
    if (fallback !== undefined) return fallback(environ, startResponse);
    return plain(environ, startResponse, status, extra);
  }

  return async function serveStatic(environ, startResponse) {
    const method = environ.REQUEST_METHOD;
    if (method !== "GET" && method !== "HEAD") {
      return refuse(environ, startResponse, "405 Method Not Allowed", [
        ["Allow", "GET, HEAD"],
      ]);
    }
    const pathInfo = environ.PATH_INFO || "/";
    const segments = segmentsOf(pathInfo);
    if (segments === undefined) {
      return refuse(environ, startResponse, "400 Bad Request");
    }
    if (!dotfiles && segments.some((s) => s.startsWith("."))) {
      return refuse(environ, startResponse, "404 Not Found");
    }
    let path = join(rootReal, ...segments);
    let file = await openInside(path);
    if (file === undefined) {
      return refuse(environ, startResponse, "404 Not Found");
    }
    let name = segments.at(-1) ?? "";
    if (file.info.isDirectory) {
      await file.close();
      file = index === false ? undefined : await openInside(join(path, index));
      if (file !== undefined && !file.info.isFile) {
        await file.close();
        file = undefined;
      }
      if (file === undefined && !options.listing) {
        return refuse(environ, startResponse, "404 Not Found");
      }
      if (!pathInfo.endsWith("/")) {
        await file?.close();
        // Relative, so no host and no `//` can steer it elsewhere.
        return plain(environ, startResponse, "301 Moved Permanently", [
          ["Location", `./${encodeURIComponent(name)}/`],
        ]);
      }
      if (file === undefined) {
        return listing(environ, startResponse, path, dotfiles);
      }
      name = index as string;
      path = join(path, name);
    }
    if (!file.info.isFile) {
      await file.close();
      return refuse(environ, startResponse, "404 Not Found");
    }
    try {
      return await serveFile(environ, startResponse, {
        file,
        name,
        path,
        open: openInside,
        hashes,
        precompressed,
        cacheControl: cacheControlFor(options.immutable, name) ??
          options.cacheControl,
      });
    } catch (error) {
      await file.close();
      throw error;
    }
  };
}

function cacheControlFor(
  pattern: RegExp | undefined,
  name: string,
): string | undefined {
  return pattern?.test(name) ? IMMUTABLE : undefined;
}

interface Served {
  file: OpenFile;
  name: string;
  path: string;
  open(path: string): Promise<OpenFile | undefined>;
  hashes: HashCache | undefined;
  precompressed: boolean;
  cacheControl: string | undefined;
}

async function serveFile(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
  served: Served,
): Promise<ResponseBody> {
  let { file } = served;
  const headers: Headers = [["Content-Type", contentType(served.name)]];
  let variant = "";
  if (served.precompressed) {
    const chosen = await chooseEncoding(environ, served.path, served.open);
    if (chosen.vary) headers.push(["Vary", "Accept-Encoding"]);
    if (chosen.file !== undefined) {
      await file.close();
      file = chosen.file;
      variant = chosen.encoding === "br" ? "br" : "gzip";
      headers.push(["Content-Encoding", variant]);
    }
  }
  const { size, mtimeMs } = file.info;
  const etag = served.hashes === undefined
    ? `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}${
      variant && "-" + variant
    }"`
    : `"${await served.hashes.get(served.path + variant, file)}"`;
  const lastModified = formatDateTime(mtimeMs / 1000);
  const validators: Headers = [
    ["ETag", etag],
    ["Last-Modified", lastModified],
  ];
  if (served.cacheControl !== undefined) {
    validators.push(["Cache-Control", served.cacheControl]);
  }
  const vary = headers.filter(([name]) => name === "Vary");

  const precondition = evaluate(environ, etag, mtimeMs);
  if (precondition !== 200) {
    await file.close();
    if (precondition === 304) {
      // The length a 200 would have (RFC 9110 8.6): else the gateway says 0.
      startResponse("304 Not Modified", [
        ...validators,
        ...vary,
        ["Content-Length", String(size)],
      ]);
      return [];
    }
    return plain(environ, startResponse, "412 Precondition Failed");
  }

  headers.push(...validators, ["Accept-Ranges", "bytes"]);
  headers.push(["X-Content-Type-Options", "nosniff"]);
  const head = environ.REQUEST_METHOD === "HEAD";
  const ranges = head || !ifRange(environ, etag, lastModified)
    ? undefined
    : parseRanges(environ.HTTP_RANGE, size);
  if (ranges === "unsatisfiable") {
    await file.close();
    return plain(environ, startResponse, "416 Range Not Satisfiable", [
      ["Content-Range", `bytes */${size}`],
    ]);
  }
  let body: Segment[];
  if (ranges === undefined) {
    startResponse("200 OK", [...headers, ["Content-Length", String(size)]]);
    body = [[0, size]];
  } else if (ranges.length === 1) {
    const [start, end] = ranges[0];
    startResponse("206 Partial Content", [
      ...headers,
      ["Content-Range", `bytes ${start}-${end - 1}/${size}`],
      ["Content-Length", String(end - start)],
    ]);
    body = ranges;
  } else {
    const type = headers[0][1];
    const boundary = randomBoundary();
    body = multipart(ranges, size, type, boundary);
    const length = body.reduce(
      (sum, s) => sum + (s instanceof Uint8Array ? s.length : s[1] - s[0]),
      0,
    );
    headers[0] = [
      "Content-Type",
      `multipart/byteranges; boundary=${boundary}`,
    ];
    startResponse("206 Partial Content", [
      ...headers,
      ["Content-Length", String(length)],
    ]);
  }
  if (head) {
    await file.close();
    return [];
  }
  const reader = new FileBody(file, body);
  const wrap = environ["wsgi.file_wrapper"];
  return wrap ? wrap(reader, CHUNK) : new FileWrapper(reader, CHUNK);
}

/** What goes out: bytes, or `[start, end)` of the file. */
type Segment = Uint8Array | [number, number];

/** The body, read in steps of up to `size` bytes; closes the file. */
class FileBody {
  #file: OpenFile;
  #segments: Segment[];
  #next = 0;
  #closed = false;

  constructor(file: OpenFile, segments: Segment[]) {
    this.#file = file;
    this.#segments = segments;
  }

  async read(size: number): Promise<Uint8Array> {
    while (!this.#closed && this.#next < this.#segments.length) {
      const segment = this.#segments[this.#next];
      if (segment instanceof Uint8Array) {
        this.#next++;
        return segment;
      }
      const [start, end] = segment;
      if (start >= end) {
        this.#next++;
        continue;
      }
      const chunk = await this.#file.read(Math.min(size, end - start), start);
      // A file cut short meanwhile: end the body here (the length was sent).
      if (chunk.length === 0) break;
      segment[0] = start + chunk.length;
      return chunk;
    }
    return new Uint8Array(0);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#file.close();
  }
}

// ---------------------------------------------------------------------------
// Paths

/**
 * The decoded path's segments, as UTF-8 names, or `undefined` if the path is
 * malformed (a `..` or `.` segment, `\`, NUL, a drive letter, bytes that are
 * not UTF-8). Empty segments (`//`) are dropped.
 */
function segmentsOf(pathInfo: string): string[] | undefined {
  // PEP 3333: one code point per byte. Back to the bytes, then UTF-8.
  const bytes = new Uint8Array(pathInfo.length);
  for (let i = 0; i < pathInfo.length; i++) {
    const code = pathInfo.charCodeAt(i);
    if (code > 0xff) return undefined;
    bytes[i] = code;
  }
  let path: string;
  try {
    path = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (path.includes("\0") || path.includes("\\")) return undefined;
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "") continue;
    if (segment === "." || segment === "..") return undefined;
    if (DRIVE.test(segment) || (WINDOWS && segment.includes(":"))) {
      return undefined;
    }
    segments.push(segment);
  }
  return segments;
}

// ---------------------------------------------------------------------------
// Headers

/** The `Content-Type` of a name: `mime`'s type, `charset=utf-8` for text. */
function contentType(name: string): string {
  const type = mime.getType(name) ?? "application/octet-stream";
  return /^text\/|^application\/(?:javascript|json|xml)$|\+(?:json|xml)$/
      .test(type)
    ? `${type}; charset=utf-8`
    : type;
}

/** The client's weight for `coding` in `Accept-Encoding` (0 when absent). */
function weight(accept: string, coding: string): number {
  let star = 0;
  for (const part of accept.split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key === "q") q = Number(value);
    }
    if (!Number.isFinite(q)) q = 0;
    if (token.trim() === coding) return q;
    if (token.trim() === "*") star = q;
  }
  return star;
}

/** The precompressed sibling the client takes, and whether there is one at all. */
async function chooseEncoding(
  environ: WSGIEnvironment,
  path: string,
  open: (path: string) => Promise<OpenFile | undefined>,
): Promise<{ file?: OpenFile; encoding?: "br" | "gzip"; vary: boolean }> {
  const accept = String(environ.HTTP_ACCEPT_ENCODING ?? "");
  let vary = false;
  const codings: Array<["br" | "gzip", string, number]> = [
    ["br", ".br", weight(accept, "br")],
    ["gzip", ".gz", Math.max(weight(accept, "gzip"), weight(accept, "x-gzip"))],
  ];
  // The heavier first; on a tie, br (smaller).
  codings.sort((a, b) => b[2] - a[2]);
  let chosen: { file?: OpenFile; encoding?: "br" | "gzip" } = {};
  for (const [encoding, suffix, q] of codings) {
    const file = await open(path + suffix);
    if (file === undefined) continue;
    if (!file.info.isFile) {
      await file.close();
      continue;
    }
    vary = true;
    if (q > 0 && chosen.file === undefined) {
      chosen = { file, encoding };
    } else {
      await file.close();
    }
  }
  return { ...chosen, vary };
}

/** The entity tags of an `If-Match`/`If-None-Match` value; `"*"` stands alone. */
function entityTags(value: string): Array<{ weak: boolean; tag: string }> {
  if (value.trim() === "*") return [{ weak: false, tag: "*" }];
  return [...value.matchAll(ENTITY_TAG)].map((m) => ({
    weak: m[1] !== undefined,
    tag: m[2],
  }));
}

/** A date header as milliseconds, or `undefined` when absent or malformed. */
function dateOf(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * The preconditions of RFC 9110 section 13.2.2, in its order: `200` to go on,
 * `304` or `412`.
 */
function evaluate(
  environ: WSGIEnvironment,
  etag: string,
  mtimeMs: number,
): 200 | 304 | 412 {
  const opaque = etag.slice(1, -1);
  const seconds = Math.floor(mtimeMs / 1000);
  const ifMatch = environ.HTTP_IF_MATCH;
  if (typeof ifMatch === "string") {
    const ok = entityTags(ifMatch).some((t) =>
      t.tag === "*" || (!t.weak && t.tag === opaque)
    );
    if (!ok) return 412;
  } else {
    const since = dateOf(environ.HTTP_IF_UNMODIFIED_SINCE);
    if (since !== undefined && seconds > Math.floor(since / 1000)) return 412;
  }
  const ifNoneMatch = environ.HTTP_IF_NONE_MATCH;
  if (typeof ifNoneMatch === "string") {
    const match = entityTags(ifNoneMatch).some((t) =>
      t.tag === "*" || t.tag === opaque
    );
    return match ? 304 : 200;
  }
  const since = dateOf(environ.HTTP_IF_MODIFIED_SINCE);
  if (since !== undefined && seconds <= Math.floor(since / 1000)) return 304;
  return 200;
}

/** Whether `If-Range`, if sent, lets the `Range` apply. */
function ifRange(
  environ: WSGIEnvironment,
  etag: string,
  lastModified: string,
): boolean {
  const value = environ.HTTP_IF_RANGE;
  if (typeof value !== "string") return true;
  const trimmed = value.trim();
  // A strong comparison: a weak tag never matches.
  if (trimmed.startsWith('"') || trimmed.startsWith("W/")) {
    return trimmed === etag;
  }
  return trimmed === lastModified;
}

/**
 * The ranges of a `Range` value as `[start, end)`, overlapping ones merged;
 * `undefined` to ignore it (absent, another unit, malformed, too many), or
 * `"unsatisfiable"`.
 */
function parseRanges(
  value: unknown,
  size: number,
): Array<[number, number]> | "unsatisfiable" | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\s*bytes\s*=(.*)$/i.exec(value);
  if (match === null) return undefined;
  const specs = match[1].split(",").map((s) => s.trim()).filter((s) => s);
  if (specs.length === 0 || specs.length > MAX_RANGES) return undefined;
  const ranges: Array<[number, number]> = [];
  for (const spec of specs) {
    const m = /^(\d{0,15})-(\d{0,15})$/.exec(spec);
    if (m === null || (m[1] === "" && m[2] === "")) return undefined;
    if (m[1] === "") {
      const suffix = Number(m[2]);
      if (suffix > 0 && size > 0) {
        ranges.push([Math.max(0, size - suffix), size]);
      }
      continue;
    }
    const first = Number(m[1]);
    const last = m[2] === "" ? Infinity : Number(m[2]);
    if (last < first) return undefined;
    if (first < size) ranges.push([first, Math.min(last + 1, size)]);
  }
  if (ranges.length === 0) return "unsatisfiable";
  return overlapping(ranges) ? merged(ranges) : ranges;
}

function overlapping(ranges: Array<[number, number]>): boolean {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  return sorted.some((r, i) => i > 0 && r[0] < sorted[i - 1][1]);
}

function merged(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [[...sorted[0]]];
  for (const [start, end] of sorted.slice(1)) {
    const last = out[out.length - 1];
    if (start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The parts of a `multipart/byteranges` body (RFC 9110 section 14.6). */
function multipart(
  ranges: Array<[number, number]>,
  size: number,
  type: string,
  boundary: string,
): Segment[] {
  const body: Segment[] = [];
  ranges.forEach(([start, end], i) => {
    body.push(
      encoder.encode(
        `${i === 0 ? "" : "\r\n"}--${boundary}\r\nContent-Type: ${type}\r\n` +
          `Content-Range: bytes ${start}-${end - 1}/${size}\r\n\r\n`,
      ),
      [start, end],
    );
  });
  body.push(encoder.encode(`\r\n--${boundary}--\r\n`));
  return body;
}

// ---------------------------------------------------------------------------
// Small answers

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** A short text answer; no body to `HEAD`. */
function plain(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
  status: string,
  extra: Headers = [],
): ResponseBody {
  const body = encoder.encode(status.slice(4) + "\n");
  startResponse(status, [
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", String(body.length)],
    ...extra,
  ]);
  return environ.REQUEST_METHOD === "HEAD" ? [] : [body];
}

/** An HTML list of a directory's entries (dotfiles left out unless served). */
async function listing(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
  path: string,
  dotfiles: boolean,
): Promise<ResponseBody> {
  let entries;
  try {
    entries = await listDirectory(path);
  } catch (error) {
    if (isNotFound(error)) {
      return plain(environ, startResponse, "404 Not Found");
    }
    throw error;
  }
  entries = entries
    .filter((e) => dotfiles || !e.name.startsWith("."))
    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  let title: string;
  try {
    const raw = String(environ.SCRIPT_NAME ?? "") + environ.PATH_INFO;
    title = utf8.decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
  } catch {
    title = "/";
  }
  const items = entries.map(({ name, isDirectory }) => {
    const slash = isDirectory ? "/" : "";
    return `<li><a href="./${encodeURIComponent(name)}${slash}">${
      escapeHtml(name)
    }${slash}</a></li>`;
  });
  const html =
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Index of ${
      escapeHtml(title)
    }</title></head>\n<body><h1>Index of ${escapeHtml(title)}</h1>\n<ul>\n${
      ['<li><a href="../">../</a></li>', ...items].join("\n")
    }\n</ul></body></html>\n`;
  const body = encoder.encode(html);
  startResponse("200 OK", [
    ["Content-Type", "text/html; charset=utf-8"],
    ["Content-Length", String(body.length)],
    ["X-Content-Type-Options", "nosniff"],
  ]);
  return environ.REQUEST_METHOD === "HEAD" ? [] : [body];
}

/** Content hashes, by path, kept while the size and time stay the same. */
class HashCache {
  #entries = new Map<string, { info: FileInfo; hash: string }>();

  async get(key: string, file: OpenFile): Promise<string> {
    const { size, mtimeMs } = file.info;
    const known = this.#entries.get(key);
    if (known && known.info.size === size && known.info.mtimeMs === mtimeMs) {
      return known.hash;
    }
    const hash = await hashFile(file, size);
    this.#entries.delete(key);
    this.#entries.set(key, { info: file.info, hash });
    // Bounded: the oldest entry goes first.
    if (this.#entries.size > 1000) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return hash;
  }
}
