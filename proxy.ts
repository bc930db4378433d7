// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Apps behind a reverse proxy: {@linkcode trustProxy} believes what the
 * proxies in front of an app say about the client (`X-Forwarded-For`,
 * `-Proto`, `-Host`, `-Port`, `-Prefix`, or RFC 7239 `Forwarded`), and
 * only that: a request is believed only when its direct peer is a trusted
 * proxy, and of each header only the values the trusted hops added.
 *
 * Each proxy appends to these headers, so a header's values read from the
 * right: the last one is what the nearest proxy saw, the one before it what
 * the proxy before saw, and anything further left came from the client, who
 * can write what it likes there. With `for: 1` behind one proxy, the last
 * `X-Forwarded-For` value becomes `REMOTE_ADDR`; a client that sends
 * `X-Forwarded-For: 6.6.6.6` only adds a value to the left of it, which is
 * never read (not even parsed).
 *
 * @example Usage
 * ```ts
 * import { trustProxy } from "@wsgi/wsgiref/proxy";
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const app = trustProxy((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(`${environ.REMOTE_ADDR}`)];
 * }, { for: 1 });
 * const handler = toFetchHandler(app, {
 *   remoteAddr: { hostname: "127.0.0.1", port: 50000 }, // the proxy
 * });
 * const response = await handler(
 *   new Request("http://localhost/", {
 *     headers: { "X-Forwarded-For": "6.6.6.6, 203.0.113.7" },
 *   }),
 * );
 * assert.equal(await response.text(), "203.0.113.7");
 * ```
 *
 * @module
 */

import { HOST_REGEXP } from "./_http.ts";
import { unquoteLatin1 } from "./_environ.ts";
import type { WSGIApplication, WSGIEnvironment } from "./types.ts";

// The types this entry point's signatures mention, so that it documents (and
// `deno doc --lint proxy.ts` checks) on its own.
export type * from "./types.ts";

/** Options of {@linkcode trustProxy}. */
export interface TrustProxyOptions {
  /**
   * The proxies' addresses: IPv4 or IPv6 addresses and CIDR ranges
   * (`"10.0.0.0/8"`, `"fd00::/8"`). Only a request whose direct peer
   * (`REMOTE_ADDR`) is in one of them is believed; an IPv4-mapped peer
   * (`::ffff:127.0.0.1`, as Node reports on a dual-stack socket) counts as
   * its IPv4 address.
   * @default {["127.0.0.0/8", "::1"]}
   */
  trusted?: readonly string[];
  /** How many proxies append to `X-Forwarded-For` (sets `REMOTE_ADDR`). @default {1} */
  for?: number;
  /** How many proxies append to `X-Forwarded-Proto` (sets `wsgi.url_scheme`). @default {0} */
  proto?: number;
  /** How many proxies append to `X-Forwarded-Host` (sets `HTTP_HOST`). @default {0} */
  host?: number;
  /** How many proxies append to `X-Forwarded-Port` (sets `SERVER_PORT`). @default {0} */
  port?: number;
  /** How many proxies append to `X-Forwarded-Prefix` (sets `SCRIPT_NAME`). @default {0} */
  prefix?: number;
  /**
   * Read `for`, `proto` and `host` from RFC 7239 `Forwarded` instead of
   * `X-Forwarded-For`, `-Proto` and `-Host`, which are then ignored: one
   * source per value, the one the proxies set, so a client cannot pick the
   * other. The counts then count `Forwarded` elements from the right (a
   * proxy appends one element); `port` and `prefix` still come from
   * `X-Forwarded-Port` and `-Prefix` (`Forwarded` has neither).
   * @default {false}
   */
  forwarded?: boolean;
}

/**
 * What `trustProxy` found in the environ before it changed it, under
 * `environ["wsgiref.proxy.orig"]` (a key absent from the environ is
 * `undefined` here).
 */
export interface ProxyOriginal {
  /** The direct peer: the nearest proxy. */
  REMOTE_ADDR: string | undefined;
  /** The nearest proxy's port. */
  REMOTE_PORT: string | undefined;
  /** The scheme between the nearest proxy and the server. */
  "wsgi.url_scheme": string | undefined;
  /** `"on"` when the connection to the server is TLS. */
  HTTPS: string | undefined;
  /** The `Host` the nearest proxy sent. */
  HTTP_HOST: string | undefined;
  /** The server's own name. */
  SERVER_NAME: string | undefined;
  /** The server's own port. */
  SERVER_PORT: string | undefined;
  /** The mount prefix on the server. */
  SCRIPT_NAME: string | undefined;
}

const ORIGINAL = "wsgiref.proxy.orig";

const ORIGINAL_KEYS = [
  "REMOTE_ADDR",
  "REMOTE_PORT",
  "wsgi.url_scheme",
  "HTTPS",
  "HTTP_HOST",
  "SERVER_NAME",
  "SERVER_PORT",
  "SCRIPT_NAME",
] as const;

/**
 * Wraps `app` so that, for a request from a trusted proxy, the environ
 * describes the client and the URL it asked for, as the proxies report them:
 *
 * | Header (count) | `Forwarded` | Sets |
 * | --- | --- | --- |
 * | `X-Forwarded-For` (`for`) | `for=` | `REMOTE_ADDR`, and `REMOTE_PORT` when a port is given (else it is removed) |
 * | `X-Forwarded-Proto` (`proto`) | `proto=` | `wsgi.url_scheme`, and `HTTPS` (`"on"`, or removed) |
 * | `X-Forwarded-Host` (`host`) | `host=` | `HTTP_HOST` |
 * | `X-Forwarded-Port` (`port`) | — | the port of `HTTP_HOST` (left out when it is the scheme's default) |
 * | `X-Forwarded-Prefix` (`prefix`) | — | `SCRIPT_NAME` (percent-decoded, as `PATH_INFO`) |
 *
 * When the scheme, host or port changed, `SERVER_NAME` and `SERVER_PORT`
 * are made from the new `HTTP_HOST` (its port, else the scheme's default),
 * so that every URL the app builds names the public origin; without an
 * `HTTP_HOST`, a forwarded port sets `SERVER_PORT` alone.
 *
 * A count `n` takes the `n`-th value from the right: the one the farthest
 * trusted proxy added. A header with fewer values, or whose value there is
 * not valid, changes nothing: a `for` must be an IP address (IPv6 bare or
 * in brackets, either with a port: `203.0.113.7:4711`,
 * `"[2001:db8::1]:4711"`), `unknown` or an obfuscated `_identifier`
 * (RFC 7239 section 6; `REMOTE_ADDR` then says that, not the proxy's
 * address); a proto `http` or `https` (any case); a host a valid `Host`
 * value; a port an integer from 1 to 65535; a prefix an absolute path with
 * no empty, `.` or `..` segment, query or fragment (a trailing `/` is
 * dropped). Each value is read on its own: a bad host does not stop the
 * port.
 *
 * A request whose peer is not trusted (someone who reached the server
 * around the proxy), or that has no `REMOTE_ADDR`, is passed on unchanged:
 * nothing forwarded is believed. For a trusted one, the values before the
 * change are kept as a {@linkcode ProxyOriginal} under
 * `environ["wsgiref.proxy.orig"]`, even when no header changed anything:
 * its presence says the peer was a trusted proxy. The `HTTP_X_FORWARDED_*`
 * and `HTTP_FORWARDED` keys stay as received, client-sent parts included:
 * read `REMOTE_ADDR`, not them.
 *
 * @param app The app behind the proxies.
 * @param options `trusted`, the counts, `forwarded`.
 * @returns The wrapped app.
 * @throws {SyntaxError} When a `trusted` entry is not an address or range.
 * @throws {RangeError} When a count is not a non-negative integer, or a
 *   range's prefix length is too long.
 *
 * @example Behind nginx, which sets X-Forwarded-For and X-Forwarded-Proto
 * ```ts
 * import { trustProxy } from "@wsgi/wsgiref/proxy";
 * import { requestUri, setupTestingDefaults } from "@wsgi/wsgiref/util";
 * import type { WSGIEnvironment } from "@wsgi/wsgiref/types";
 * import assert from "node:assert/strict";
 *
 * let seen: WSGIEnvironment | undefined;
 * const app = trustProxy((environ, startResponse) => {
 *   seen = environ;
 *   startResponse("204 No Content", []);
 *   return [];
 * }, { for: 1, proto: 1 });
 *
 * const environ = setupTestingDefaults({
 *   REMOTE_ADDR: "127.0.0.1",
 *   HTTP_HOST: "example.com",
 *   HTTP_X_FORWARDED_FOR: "6.6.6.6, 203.0.113.7",
 *   HTTP_X_FORWARDED_PROTO: "https",
 * });
 * await app(environ, () => async () => {});
 * assert.equal(seen?.REMOTE_ADDR, "203.0.113.7");
 * assert.equal(requestUri(seen!), "https://example.com/");
 * assert.equal(seen?.SERVER_PORT, "443");
 * assert.deepEqual(seen?.["wsgiref.proxy.orig"], {
 *   REMOTE_ADDR: "127.0.0.1",
 *   REMOTE_PORT: undefined,
 *   "wsgi.url_scheme": "http",
 *   HTTPS: undefined,
 *   HTTP_HOST: "example.com",
 *   SERVER_NAME: "127.0.0.1",
 *   SERVER_PORT: "80",
 *   SCRIPT_NAME: "",
 * });
 * ```
 *
 * @example A request around the proxy is not believed
 * ```ts
 * import { trustProxy } from "@wsgi/wsgiref/proxy";
 * import { setupTestingDefaults } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const app = trustProxy((environ, startResponse) => {
 *   assert.equal(environ.REMOTE_ADDR, "198.51.100.9");
 *   assert.equal("wsgiref.proxy.orig" in environ, false);
 *   startResponse("204 No Content", []);
 *   return [];
 * }, { trusted: ["10.0.0.0/8"] });
 * await app(
 *   setupTestingDefaults({
 *     REMOTE_ADDR: "198.51.100.9",
 *     HTTP_X_FORWARDED_FOR: "6.6.6.6",
 *   }),
 *   () => async () => {},
 * );
 * ```
 */
export function trustProxy(
  app: WSGIApplication,
  options: TrustProxyOptions = {},
): WSGIApplication {
  const trusted = options.trusted ?? ["127.0.0.0/8", "::1"];
  if (!Array.isArray(trusted)) {
    throw new TypeError(
      `trusted must be an array of addresses and CIDR ranges, got ${typeof trusted}`,
    );
  }
  const ranges = trusted.map(parseRange);
  const counts = {
    for: count(options, "for", 1),
    proto: count(options, "proto", 0),
    host: count(options, "host", 0),
    port: count(options, "port", 0),
    prefix: count(options, "prefix", 0),
  };
  const forwarded = options.forwarded ?? false;
  const elements = Math.max(counts.for, counts.proto, counts.host);
  return (environ, startResponse) => {
    const peer = parseAddress(stringAt(environ, "REMOTE_ADDR") ?? "");
    if (peer === undefined || !ranges.some((range) => inRange(peer, range))) {
      return app(environ, startResponse);
    }
    const original = {} as Record<string, string | undefined>;
    for (const key of ORIGINAL_KEYS) original[key] = stringAt(environ, key);
    environ[ORIGINAL] = original;

    let forValue: string | undefined;
    let protoValue: string | undefined;
    let hostValue: string | undefined;
    if (forwarded) {
      const list = lastElements(
        stringAt(environ, "HTTP_FORWARDED") ?? "",
        elements,
      );
      forValue = fromEnd(list, counts.for)?.get("for");
      protoValue = fromEnd(list, counts.proto)?.get("proto");
      hostValue = fromEnd(list, counts.host)?.get("host");
    } else {
      forValue = listValue(environ, "HTTP_X_FORWARDED_FOR", counts.for);
      protoValue = listValue(environ, "HTTP_X_FORWARDED_PROTO", counts.proto);
      hostValue = listValue(environ, "HTTP_X_FORWARDED_HOST", counts.host);
    }
    const portValue = listValue(environ, "HTTP_X_FORWARDED_PORT", counts.port);
    const prefixValue = listValue(
      environ,
      "HTTP_X_FORWARDED_PREFIX",
      counts.prefix,
    );

    const node = forValue === undefined ? undefined : parseNode(forValue);
    if (node !== undefined) {
      environ.REMOTE_ADDR = node.address;
      if (node.port === undefined) delete environ.REMOTE_PORT;
      else environ.REMOTE_PORT = node.port;
    }
    let origin = false;
    const proto = protoValue?.toLowerCase();
    if (proto === "http" || proto === "https") {
      environ["wsgi.url_scheme"] = proto;
      if (proto === "https") environ.HTTPS = "on";
      else delete environ.HTTPS;
      origin = true;
    }
    if (hostValue !== undefined && splitHost(hostValue) !== undefined) {
      environ.HTTP_HOST = hostValue;
      origin = true;
    }
    const port = portValue === undefined ? undefined : parsePort(portValue);
    if (port !== undefined) {
      const host = stringAt(environ, "HTTP_HOST");
      const name = host === undefined ? undefined : splitHost(host)?.name;
      if (name === undefined) {
        environ.SERVER_PORT = port;
      } else {
        environ.HTTP_HOST = port === defaultPort(environ)
          ? name
          : `${name}:${port}`;
      }
      origin = true;
    }
    const host = stringAt(environ, "HTTP_HOST");
    const parts = host === undefined ? undefined : splitHost(host);
    if (origin && parts !== undefined) {
      environ.SERVER_NAME = parts.name;
      environ.SERVER_PORT = parts.port ?? defaultPort(environ);
    }
    const prefix = prefixValue === undefined
      ? undefined
      : parsePrefix(prefixValue);
    if (prefix !== undefined) environ.SCRIPT_NAME = prefix;
    return app(environ, startResponse);
  };
}

// ---------------------------------------------------------------------------
// Options

function count(
  options: TrustProxyOptions,
  name: "for" | "proto" | "host" | "port" | "prefix",
  fallback: number,
): number {
  const value = options[name] ?? fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `${name} must be a non-negative integer, got ${String(value)}`,
    );
  }
  return value;
}

/** An address range: 16 bytes (IPv4 mapped into IPv6) and a prefix length. */
interface Range {
  bytes: Uint8Array;
  bits: number;
}

function parseRange(text: string): Range {
  if (typeof text !== "string") {
    throw new TypeError(
      `trusted must hold strings (addresses and CIDR ranges), got ${typeof text}`,
    );
  }
  const slash = text.indexOf("/");
  const bytes = parseAddress(slash === -1 ? text : text.slice(0, slash));
  if (bytes === undefined) {
    throw new SyntaxError(
      `trusted must hold IP addresses or CIDR ranges, got ${
        JSON.stringify(text)
      }`,
    );
  }
  if (slash === -1) return { bytes, bits: 128 };
  const length = text.slice(slash + 1);
  const ipv4 = !text.slice(0, slash).includes(":");
  const max = ipv4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(length) || Number(length) > max) {
    throw new RangeError(
      `the prefix length of ${
        JSON.stringify(text)
      } must be an integer from 0 to ${max}, got ${JSON.stringify(length)}`,
    );
  }
  return { bytes, bits: Number(length) + (ipv4 ? 96 : 0) };
}

function inRange(address: Uint8Array, range: Range): boolean {
  const whole = range.bits >> 3;
  for (let i = 0; i < whole; i++) {
    if (address[i] !== range.bytes[i]) return false;
  }
  const rest = range.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address[whole] & mask) === (range.bytes[whole] & mask);
}

// ---------------------------------------------------------------------------
// Addresses

const IPV4_REGEXP =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const HEX_GROUP_REGEXP = /^[0-9A-Fa-f]{1,4}$/;

/**
 * An IPv4 or IPv6 address (with or without brackets or a zone) as 16
 * bytes, IPv4 as its IPv4-mapped IPv6 form; `undefined` if it is not one.
 */
function parseAddress(text: string): Uint8Array | undefined {
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const bytes = new Uint8Array(16);
  if (IPV4_REGEXP.test(text)) {
    bytes[10] = bytes[11] = 0xff;
    text.split(".").forEach((part, i) => bytes[12 + i] = Number(part));
    return bytes;
  }
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups: number[][] = [];
  for (let h = 0; h < halves.length; h++) {
    const half = halves[h];
    const parts = half === "" ? [] : half.split(":");
    const numbers: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (HEX_GROUP_REGEXP.test(part)) {
        const n = parseInt(part, 16);
        numbers.push(n >> 8, n & 0xff);
      } else if (
        i === parts.length - 1 && h === halves.length - 1 &&
        IPV4_REGEXP.test(part)
      ) {
        numbers.push(...part.split(".").map(Number));
      } else {
        return undefined;
      }
    }
    groups.push(numbers);
  }
  const length = groups.reduce((n, g) => n + g.length, 0);
  if (halves.length === 1 ? length !== 16 : length > 14) return undefined;
  bytes.set(groups[0]);
  if (groups.length === 2) bytes.set(groups[1], 16 - groups[1].length);
  return bytes;
}

const OBFUSCATED_REGEXP = /^_[A-Za-z0-9._-]+$/;

/** A `for` value: an address, `unknown` or `_hidden`, and maybe a port. */
function parseNode(
  text: string,
): { address: string; port?: string } | undefined {
  if (text.toLowerCase() === "unknown" || OBFUSCATED_REGEXP.test(text)) {
    return { address: text };
  }
  let address = text;
  let port: string | undefined;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    address = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (end === -1 || address.includes(".") && !address.includes(":")) {
      return undefined;
    }
    if (rest !== "") {
      if (!rest.startsWith(":")) return undefined;
      port = rest.slice(1);
    }
  } else if (/^[0-9.]+:[^:]*$/.test(text)) {
    [address, port] = text.split(":");
  }
  if (parseAddress(address) === undefined) return undefined;
  if (port === undefined) return { address };
  if (OBFUSCATED_REGEXP.test(port)) return { address };
  const number = parsePort(port);
  return number === undefined ? undefined : { address, port: number };
}

/** A port from 1 to 65535, as its plain decimal string. */
function parsePort(text: string): string | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? String(n) : undefined;
}

/** A Host value's name (IPv6 in brackets) and port, if it is a valid one. */
function splitHost(
  host: string,
): { name: string; port?: string } | undefined {
  if (!HOST_REGEXP.test(host)) return undefined;
  const colon = host.lastIndexOf(":");
  if (colon === -1 || host.endsWith("]")) return { name: host };
  const name = host.slice(0, colon);
  const digits = host.slice(colon + 1);
  if (digits === "") return { name };
  const port = parsePort(digits);
  return port === undefined ? undefined : { name, port };
}

function defaultPort(environ: WSGIEnvironment): string {
  return environ["wsgi.url_scheme"] === "https" ? "443" : "80";
}

const PREFIX_REGEXP = /^(?:\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)*\/?$/;

/** A path prefix as `SCRIPT_NAME`: decoded, without a trailing `/`. */
function parsePrefix(text: string): string | undefined {
  if (!text.startsWith("/") || !PREFIX_REGEXP.test(text)) return undefined;
  const path = text.endsWith("/") ? text.slice(0, -1) : text;
  for (const segment of path.split("/").slice(1)) {
    const decoded = unquoteLatin1(segment);
    if (decoded === "." || decoded === ".." || decoded.includes("/")) {
      return undefined;
    }
  }
  return unquoteLatin1(path);
}

// ---------------------------------------------------------------------------
// Headers

function stringAt(environ: WSGIEnvironment, key: string): string | undefined {
  const value = environ[key];
  return typeof value === "string" ? value : undefined;
}

/** The `n`-th value from the right of a comma-separated header, trimmed. */
function listValue(
  environ: WSGIEnvironment,
  key: string,
  n: number,
): string | undefined {
  const value = stringAt(environ, key);
  if (n === 0 || value === undefined) return undefined;
  let end = value.length;
  for (let i = 1; i < n; i++) {
    end = value.lastIndexOf(",", end - 1);
    if (end === -1) return undefined;
  }
  const start = value.lastIndexOf(",", end - 1) + 1;
  const item = value.slice(start, end).replace(/^[\t ]+|[\t ]+$/g, "");
  return item === "" ? undefined : item;
}

function fromEnd<T>(list: readonly T[], n: number): T | undefined {
  return n === 0 || n > list.length ? undefined : list[list.length - n];
}

const TCHAR_REGEXP = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * The last `n` elements of a `Forwarded` value, parsed from the right so
 * that what the client wrote further left is never read: each a map of
 * lower-cased parameter names to values (quoted ones unescaped). An empty
 * element counts, so positions stay those the proxies wrote. A malformed
 * element, or one that repeats a parameter, is an empty map and ends the
 * list: where it begins cannot be told.
 */
function lastElements(value: string, n: number): Array<Map<string, string>> {
  const list: Array<Map<string, string>> = [];
  const at = { i: value.length };
  while (list.length < n) {
    const element = new Map<string, string>();
    const ok = readElement(value, at, element);
    list.unshift(ok ? element : new Map());
    if (!ok || at.i === 0) break;
    at.i--; // the comma
  }
  return list;
}

/** Reads one `Forwarded` element leftwards from `at.i`, up to its comma. */
function readElement(
  value: string,
  at: { i: number },
  element: Map<string, string>,
): boolean {
  let i = at.i;
  for (;;) {
    while (i > 0 && (value[i - 1] === " " || value[i - 1] === "\t")) i--;
    at.i = i;
    if (i === 0 || value[i - 1] === ",") return true;
    if (value[i - 1] === ";") {
      i--;
      continue;
    }
    // A pair, from its end: the value, `=`, then the name.
    let pairValue: string;
    if (value[i - 1] === '"') {
      let open = i - 2;
      while (open >= 0 && (value[open] !== '"' || escaped(value, open))) open--;
      if (open < 0) return false;
      pairValue = value.slice(open + 1, i - 1).replace(/\\(.)/g, "$1");
      i = open;
    } else {
      const end = i;
      while (i > 0 && TCHAR_REGEXP.test(value[i - 1])) i--;
      if (i === end) return false;
      pairValue = value.slice(i, end);
    }
    if (i === 0 || value[i - 1] !== "=") return false;
    const end = --i;
    while (i > 0 && TCHAR_REGEXP.test(value[i - 1])) i--;
    const name = value.slice(i, end).toLowerCase();
    if (name === "" || element.has(name)) return false;
    element.set(name, pairValue);
    while (i > 0 && (value[i - 1] === " " || value[i - 1] === "\t")) i--;
    if (i > 0 && value[i - 1] !== ";" && value[i - 1] !== ",") return false;
  }
}

/** Whether the quote at `at` follows an odd number of backslashes. */
function escaped(value: string, at: number): boolean {
  let slashes = 0;
  while (at - 1 - slashes >= 0 && value[at - 1 - slashes] === "\\") slashes++;
  return slashes % 2 === 1;
}
