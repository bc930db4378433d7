// Copyright 2026 the wsgiref authors. MIT license.
/**
 * HTTP's rules (RFC 9110), each defined once for every module that uses
 * them, from the gateway down to the runtime edges.
 *
 * @module
 */

import type { ResponseBody, StartResponse, WSGIEnvironment } from "./types.ts";

/** A token (RFC 9110 section 5.6.2): a header name, a method. */
export const TOKEN_REGEXP: RegExp = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Names found to be tokens: the same few recur, each tested once. */
const tokens = new Set<string>();

/** Whether `name` is a token (`TOKEN_REGEXP`). */
export function isToken(name: string): boolean {
  if (tokens.has(name)) return true;
  if (!TOKEN_REGEXP.test(name)) return false;
  if (tokens.size < 256) tokens.add(name);
  return true;
}

/** What `Headers` refuses in a field value: NUL, CR, LF. */
export const BAD_VALUE: RegExp = /[\0\r\n]/;

/** A control character (RFC 9110 section 5.5): none in a name or a status. */
// deno-lint-ignore no-control-regex
export const CONTROL_REGEXP: RegExp = /[\x00-\x1F\x7F]/;

/** A control character but HTAB: none in a field value. */
// deno-lint-ignore no-control-regex
export const VALUE_CONTROL_REGEXP: RegExp = /[\x00-\x08\x0A-\x1F\x7F]/;

/** A code point above U+00FF: header text is ISO-8859-1. */
// deno-lint-ignore no-control-regex
export const NOT_LATIN1_REGEXP: RegExp = /[^\x00-\xFF]/u;

/** The error page's status: the engine's `errorStatus` by default. */
export const ERROR_STATUS = "500 Internal Server Error";

/** The error page's headers: the engine's and the runtime edges'. */
export const ERROR_HEADERS: ReadonlyArray<readonly [string, string]> = Object
  .freeze([Object.freeze(["Content-Type", "text/plain"] as const)]);

/** The error page's body: the engine's and the runtime edges'. */
export const ERROR_TEXT =
  "A server error occurred.  Please contact the administrator.";

/** A `Content-Length` value as sent: one non-negative integer, digits only. */
export const DIGITS_REGEXP: RegExp = /^[0-9]+$/;

/** Whether `name` is `Content-Length`, in any case. */
export function isLengthName(name: string): boolean {
  // The usual spelling first: no lower-cased copy.
  return name.length === 14 &&
    (name === "Content-Length" || name.toLowerCase() === "content-length");
}

/** Whether a response of this status (204, 205, 304) has no body. */
export function isNullBody(code: number): boolean {
  return code === 204 || code === 205 || code === 304;
}

/**
 * The headers as `new Response` takes them fastest: a plain object when the
 * names are unique (the runtime's fast path), else the pairs themselves.
 */
export function headersRecord(
  pairs: Array<[string, string]>,
): Record<string, string> | Array<[string, string]> {
  const init: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i][0];
    if (name === "__proto__" || Object.hasOwn(init, name)) return pairs;
    init[name] = pairs[i][1];
  }
  return init;
}

/** `value` without the leading and trailing spaces and tabs `Headers` drops. */
export function trimValue(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first === 32 || first === 9 || last === 32 || last === 9
    ? value.replace(/^[\t ]+|[\t ]+$/g, "")
    : value;
}

/**
 * The request's `Content-Length` as a number, or `undefined` when it has
 * none or it is not a plain non-negative integer.
 */
export function contentLength(
  environ: Record<string, unknown>,
): number | undefined {
  const value = environ.CONTENT_LENGTH;
  if (typeof value !== "string" || value === "") return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * A request may carry its headers as received, under this key: a flat
 * `[name, value, name, value, …]` list (Node's `rawHeaders`). The environ
 * is then built from it, with the same values `Headers` would give, and
 * the request's `Headers` need never be made.
 */
export const HEADER_PAIRS: unique symbol = Symbol("wsgiref.headerPairs");

/**
 * The key under which a request may carry its request target as received
 * (origin-form: the path and query) when its URL is plain `http` and made
 * from it: `addRequestVars` then takes the path and query from it, and the
 * URL need not be made at all (the Node server's requests are lazy).
 */
export const REQUEST_TARGET: unique symbol = Symbol("wsgiref.requestTarget");

/**
 * The key under which a request may carry the HTTP version it came with
 * (`"1.0"`, `"1.1"`, `"2.0"`: Node's `req.httpVersion`). A web `Request`
 * has none; without it `SERVER_PROTOCOL` is `HTTP/1.1`.
 */
export const HTTP_VERSION: unique symbol = Symbol("wsgiref.httpVersion");

/** RFC 9110 reason phrases, for a `Response` that has no `statusText`. */
export const REASONS: Readonly<Record<number, string>> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

/**
 * A Host field value (RFC 9110 section 7.2; RFC 3986's `host [":" port]`):
 * a registered name or IPv4 address, or an IP literal in brackets, then an
 * optional port. A path, `?`, `#`, user info or a space is refused: it
 * would change what the request URL means.
 */
export const HOST_REGEXP: RegExp =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]+)(?::[0-9]*)?$/;

/** The body of the runtime edge's own `400 Bad Request`. */
export const BAD_REQUEST_TEXT = "Bad Request: invalid Host header\n";

const NOT_FOUND = new TextEncoder().encode("Not Found");

/**
 * The app for a request no mounted app takes: `404 Not Found`, as text.
 *
 * @param _environ The environ.
 * @param startResponse The app's `startResponse`.
 * @returns The body.
 */
export function notFound(
  _environ: WSGIEnvironment,
  startResponse: StartResponse,
): ResponseBody {
  startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
  return [NOT_FOUND];
}
