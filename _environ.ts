// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The environ of a web `Request`: one set of rules, shared by `FetchHandler`
 * and `simple_server`'s `getEnviron`, kept lean because it runs per request.
 *
 * The rules are listed in docs/development.md.
 *
 * @module
 */

import {
  HEADER_PAIRS,
  HTTP_VERSION,
  REQUEST_TARGET,
  trimValue,
} from "./_http.ts";

/** The connection facts a request alone does not carry. */
export interface ConnectionInfo {
  /** The server's name (`SERVER_NAME`); default: the request URL's host name. */
  serverName?: string;
  /** The server's port (`SERVER_PORT`); default: the request URL's port. */
  serverPort?: string;
  /** The client's address. */
  remoteAddr?: { hostname: string; port: number };
  /**
   * Whether the connection is TLS, which alone decides `HTTPS`; default: the
   * URL's scheme (which an absolute-form request target can set).
   */
  secure?: boolean;
}

/**
 * Makes plain objects with room for an environ's keys: V8 sizes them by the
 * `this.x =` in the body, run or not (docs/npm.md, "Allocation").
 */
const Sized = function (this: Record<string, number>, never?: boolean): void {
  if (never) {
    this.k00 =
      this.k01 =
      this.k02 =
      this.k03 =
      this.k04 =
      this.k05 =
        0;
    this.k06 =
      this.k07 =
      this.k08 =
      this.k09 =
      this.k10 =
      this.k11 =
        0;
    this.k12 =
      this.k13 =
      this.k14 =
      this.k15 =
      this.k16 =
      this.k17 =
        0;
    this.k18 =
      this.k19 =
      this.k20 =
      this.k21 =
      this.k22 =
      this.k23 =
        0;
    this.k24 =
      this.k25 =
      this.k26 =
      this.k27 =
      this.k28 =
      this.k29 =
        0;
    this.k30 = this.k31 = 0;
  }
} as unknown as new () => Record<string, unknown>;
Sized.prototype = Object.prototype;

/** An empty plain object, sized for an environ. */
export function emptyEnviron(): Record<string, unknown> {
  return new Sized();
}

/**
 * The request's protocol, for `SERVER_PROTOCOL` and the request line:
 * `HTTP/` and the version the request carries, else `HTTP/1.1`.
 */
export function requestProtocol(request: Request): string {
  const version = (request as { [HTTP_VERSION]?: string })[HTTP_VERSION];
  return version === undefined ? "HTTP/1.1" : "HTTP/" + version;
}

/** `HTTP_*` keys by lower-case header name: computed once per name. */
const headerKeys = new Map<string, string | null>([
  ["content-type", null],
  ["content-length", null],
]);
const MAX_CACHED_KEYS = 1024;

function headerKey(name: string): string | null {
  let key = headerKeys.get(name);
  if (key === undefined) {
    key = name.includes("_")
      ? null
      : "HTTP_" + name.toUpperCase().replaceAll("-", "_");
    if (headerKeys.size < MAX_CACHED_KEYS) headerKeys.set(name, key);
  }
  return key;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  code |= 32;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * Percent-decodes `path` to an ISO-8859-1 string (one code point per byte),
 * as Python's `unquote(path, "iso-8859-1")`: a `%` not followed by two hex
 * digits stays as it is.
 */
export function unquoteLatin1(path: string): string {
  if (!path.includes("%")) return path;
  let out = "";
  let start = 0;
  for (let i = path.indexOf("%"); i !== -1; i = path.indexOf("%", i)) {
    const hi = hexValue(path.charCodeAt(i + 1));
    const lo = hi < 0 ? -1 : hexValue(path.charCodeAt(i + 2));
    if (lo < 0) {
      i++;
      continue;
    }
    out += path.slice(start, i) + String.fromCharCode(hi * 16 + lo);
    i += 3;
    start = i;
  }
  return out + path.slice(start);
}

/**
 * What in a URL needs the WHATWG parse: `Deno.serve` gives the raw request
 * target (`/a/../b`, `/a/%2e%2e/b`, `/a\\b`, and raw UTF-8 bytes decoded as
 * UTF-8, not percent-encoded), where `new Request` gives a normalised URL.
 */
const NEEDS_PARSE = /[^\x21-\x7E]|\\|\/\.|%2e/i;

/**
 * Adds the CGI variables of `request` to `environ` (which may hold server
 * defaults; the request's values win).
 */
export function addRequestVars(
  environ: Record<string, unknown>,
  request: Request,
  info: ConnectionInfo,
): void {
  environ.CONTENT_TYPE = "text/plain";
  const seen: HeaderPass = {
    environ,
    length: false,
    chunked: false,
    host: undefined,
  };
  const pairs = (request as { [HEADER_PAIRS]?: readonly string[] })[
    HEADER_PAIRS
  ];
  if (pairs !== undefined) addHeaderPairs(seen, pairs);
  // forEach is several times faster than the headers' iterator on Deno.
  else request.headers.forEach(addHeader, seen);
  if (!seen.length) {
    // A chunked body has no CONTENT_LENGTH (absent, not ""); any other
    // request has "", as in Python.
    if (!seen.chunked) environ.CONTENT_LENGTH = "";
    else if ("CONTENT_LENGTH" in environ) delete environ.CONTENT_LENGTH;
  }

  let serverName = info.serverName;
  let serverPort = info.serverPort;
  // A plain-HTTP request that carries its target spares making its URL.
  let target = serverName !== undefined && serverPort !== undefined
    ? (request as { [REQUEST_TARGET]?: string })[REQUEST_TARGET]
    : undefined;
  let https = false;
  const version = (request as { [HTTP_VERSION]?: string })[HTTP_VERSION];
  if (target === undefined) {
    const url = request.url;
    const schemeEnd = url.indexOf("://");
    const hostStart = schemeEnd + 3;
    // `Deno.serve` makes the URL of the Host header and the request target
    // as they came, so a Host holding "/", "?" or "#" would move the path:
    // where the URL starts with the Host header, the target follows it.
    const host = seen.host;
    const hostEnd = hostStart + (host?.length ?? 0);
    let pathStart = host !== undefined && host !== "" &&
        url.startsWith(host, hostStart) &&
        (hostEnd === url.length || url.charCodeAt(hostEnd) === 47 /* "/" */)
      ? hostEnd
      : url.indexOf("/", hostStart);
    if (pathStart === -1) pathStart = url.length;
    target = url.slice(pathStart);
    https = info.secure ?? url.charCodeAt(schemeEnd - 1) === 115; /* "https" */
    const authority = url.slice(hostStart, pathStart);
    // With no Host field (HTTP/2 sends `:authority`, which the runtime puts
    // in the URL), the URL's authority is the host the client asked for;
    // unless it is Deno's stand-in for an HTTP/1 request with no Host
    // (`localhost:PORT`), or the runtime says the request is HTTP/1.
    if (
      host === undefined && !version?.startsWith("1.") &&
      authority !== "localhost" && !authority.startsWith("localhost:")
    ) {
      environ.HTTP_HOST = authority;
    }
    if (serverName === undefined || serverPort === undefined) {
      const colon = authority.lastIndexOf(":");
      const hasPort = colon !== -1 && !authority.endsWith("]");
      serverName ??= hasPort ? authority.slice(0, colon) : authority;
      serverPort ??= hasPort
        ? authority.slice(colon + 1)
        : https
        ? "443"
        : "80";
    }
  }
  if (NEEDS_PARSE.test(target)) {
    try {
      // Parsed under a fixed origin: the target alone is normalised.
      target = new URL("http://h" + target).href.slice(8);
    } catch {
      // Not a URL the parser accepts: use it as it is.
    }
  }
  let queryStart = target.indexOf("?");
  let hashStart = target.indexOf("#");
  if (hashStart === -1) hashStart = target.length;
  if (queryStart === -1 || queryStart > hashStart) queryStart = hashStart;

  let path = target.slice(0, queryStart) || "/";
  if (path.charCodeAt(1) === 47 /* "/" */) {
    path = "/" + path.replace(/^\/+/, "");
  }

  environ.SERVER_NAME = serverName;
  environ.SERVER_PORT = serverPort;
  environ.SERVER_PROTOCOL = requestProtocol(request);
  environ.REQUEST_METHOD = request.method;
  environ.SCRIPT_NAME = "";
  environ.PATH_INFO = unquoteLatin1(path);
  environ.QUERY_STRING = queryStart < hashStart
    ? target.slice(queryStart + 1, hashStart)
    : "";
  environ.GATEWAY_INTERFACE = "CGI/1.1";
  environ.REMOTE_HOST = "";
  const remote = info.remoteAddr;
  if (remote !== undefined) {
    environ.REMOTE_ADDR = remote.hostname;
    environ.REMOTE_PORT = String(remote.port);
  }
  if (https) environ.HTTPS = "on";
}

/** A pass over the request's headers: the environ, and what it saw. */
interface HeaderPass {
  environ: Record<string, unknown>;
  length: boolean;
  chunked: boolean;
  host: string | undefined;
}

/** Adds one request header to `this.environ`. */
function addHeader(this: HeaderPass, value: string, name: string): void {
  const key = headerKey(name);
  if (key !== null) {
    this.environ[key] = value;
    if (name === "transfer-encoding") this.chunked = true;
    else if (name === "host") this.host = value;
  } else if (name === "content-type") {
    this.environ.CONTENT_TYPE = value;
  } else if (name === "content-length") {
    this.environ.CONTENT_LENGTH = value;
    this.length = true;
  }
}

/**
 * Environ keys by header name as received ("User-Agent"): `HTTP_*`,
 * `CONTENT_TYPE`, `CONTENT_LENGTH`, or `null` for a name holding `_`.
 */
const rawHeaderKeys = new Map<string, string | null>();

function rawHeaderKey(name: string): string | null {
  let key = rawHeaderKeys.get(name);
  if (key === undefined) {
    const lower = name.toLowerCase();
    key = headerKey(lower) ??
      (lower === "content-type"
        ? "CONTENT_TYPE"
        : lower === "content-length"
        ? "CONTENT_LENGTH"
        : null);
    if (rawHeaderKeys.size < MAX_CACHED_KEYS) rawHeaderKeys.set(name, key);
  }
  return key;
}

/**
 * Adds the headers of a flat name/value list to `environ` as `Headers`
 * would give them: names matched case-insensitively, values trimmed,
 * repeated headers joined (`Cookie` by `"; "`, any other by `", "`).
 */
function addHeaderPairs(seen: HeaderPass, pairs: readonly string[]): void {
  const environ = seen.environ;
  const setKeys: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const key = rawHeaderKey(pairs[i]);
    if (key === null) continue; // a name holding "_"
    const value = trimValue(pairs[i + 1]);
    if (setKeys.length !== 0 && setKeys.includes(key)) {
      environ[key] += key === "HTTP_COOKIE" ? "; " + value : ", " + value;
      continue;
    }
    setKeys.push(key);
    environ[key] = value;
    if (key === "HTTP_HOST") seen.host = value;
    else if (key === "CONTENT_LENGTH") seen.length = true;
    else if (key === "HTTP_TRANSFER_ENCODING") seen.chunked = true;
  }
  if (seen.host !== undefined) seen.host = environ.HTTP_HOST as string;
}

/**
 * Moves the mount prefix `scriptName` from the start of `PATH_INFO` to
 * `SCRIPT_NAME`, at a segment boundary (`/wsgix` is not under `/wsgi`);
 * `false`, and the environ untouched, for a path outside it.
 */
export function mountAt(
  environ: Record<string, unknown>,
  scriptName: string,
): boolean {
  const path = environ.PATH_INFO;
  if (
    typeof path !== "string" || !path.startsWith(scriptName) ||
    (path.length !== scriptName.length &&
      path.charCodeAt(scriptName.length) !== 47) /* "/" */
  ) {
    return false;
  }
  environ.SCRIPT_NAME = scriptName;
  environ.PATH_INFO = path.slice(scriptName.length);
  return true;
}
