// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A differential test against CPython's own `wsgiref.simple_server`: the
 * same WSGI app, route for route (`tests/testdata/differential_server.py`
 * and `differentialApp` below), served by Python's `make_server` and by our
 * `makeServer`; the same requests go to both, by `fetch` and as raw bytes
 * over `Deno.connect`, and the answers are compared: status, headers (Date
 * and Server aside, names case-insensitive) and body bytes, and the
 * environ the app saw. Deno only (a child process, raw sockets).
 *
 * Everything is asserted equal except the differences below, each asserted
 * explicitly (the test names carry their numbers), so a change on either
 * side shows. README.md's "Differences from Python's simple_server" is the
 * same list.
 *
 * | #   | what                                        | Python's `simple_server`                                      | ours (`makeServer` on `Deno.serve`)                                                               | why                                                                      |
 * | --- | ------------------------------------------- | ------------------------------------------------------------- | ------------------------------------------------------------------------------------------------- | ------------------------------------------------------------------------ |
 * | D1  | status line                                 | always `HTTP/1.0`                                             | `HTTP/1.1` (`HTTP/1.0` to a 1.0 client)                                                           | Deno.serve speaks HTTP/1.1                                               |
 * | D2  | connections                                 | one request each, then closed; a pipelined request is dropped | keep-alive; `connection: close` sent back when the client asked for it                            | HTTP/1.1 persistent connections                                          |
 * | D3  | a body of unknown length                    | close-delimited                                               | `transfer-encoding: chunked` (close-delimited to an HTTP/1.0 client)                              | keep-alive needs framing                                                 |
 * | D4  | a one-chunk generator's length              | no `Content-Length`                                           | `Content-Length` added                                                                            | `FetchHandler` sees a sync iterable done after its first chunk           |
 * | D5  | reason phrase                               | the app's (`200 Fine Thanks`)                                 | the canonical one (`200 OK`)                                                                      | Deno.serve ignores `statusText`                                          |
 * | D6  | `Date`, `Server`                            | first, `Server: WSGIServer/0.2 CPython/3.x`                   | after the app's headers, `Server: WSGIServer/0.2 Deno/2.x`; names the runtime adds are lower-case | the runtime adds `Date` and frames the head                              |
 * | D7  | `HEAD`                                      | the body is sent anyway                                       | no body (`Content-Length` kept)                                                                   | RFC 9110 §9.3.2; Deno.serve drops it                                     |
 * | D8  | `204 No Content`                            | `Content-Length: 0` added                                     | no `Content-Length`                                                                               | RFC 9110 §8.6 forbids it on 204; Deno.serve removes it                   |
 * | D9  | `SERVER_PROTOCOL`                           | the request's version                                         | always `HTTP/1.1`                                                                                 | a web `Request` carries no HTTP version                                  |
 * | D10 | `SERVER_SOFTWARE`                           | `WSGIServer/0.2` (no runtime)                                 | the `Server` header's value                                                                       | one string for both, as docs/api.md specifies                            |
 * | D11 | `SERVER_NAME`                               | `socket.getfqdn(host)` (`localhost`)                          | the host given (`127.0.0.1`)                                                                      | no reverse DNS lookup                                                    |
 * | D12 | `REMOTE_PORT`                               | absent                                                        | the client's port                                                                                 | CGI's variable, and known to the runtime                                 |
 * | D13 | repeated request headers                    | joined with `,` (`Cookie` too)                                | joined with `, ` (`Cookie` with `; `)                                                             | the runtime joins them (RFC 9110 §5.3, RFC 6265 §5.4)                    |
 * | D14 | header names with `_`                       | `X_Under` becomes `HTTP_X_UNDER`                              | dropped                                                                                           | so `X_Forwarded_For` cannot pass for `X-Forwarded-For`                   |
 * | D15 | `wsgi.multithread`, `wsgi.input_terminated` | `False`, absent                                               | `true`, `true`                                                                                    | requests run concurrently; input reads never pass the end                |
 * | D16 | absolute-form target (`GET http://h/env`)   | `PATH_INFO` is the whole URL                                  | `PATH_INFO` is the path                                                                           | RFC 9112 §3.2.2: a server must accept absolute-form                      |
 * | D17 | a `#fragment` in the target                 | kept in `PATH_INFO`                                           | dropped                                                                                           | the URL parser strips it (clients never send one)                        |
 * | D18 | `.`, `..` segments (`%2e` too), `\`         | kept as sent: `/a/%2e%2e/b` is `/a/../b`                      | resolved by the WHATWG URL parser: `/b`; `\` is `/`                                               | normalised as `new Request` does (docs/api.md); `..%2f` kept by both     |
 *
 * Equal on both sides (asserted): bodies byte for byte, statuses, the app's
 * headers in order (two `Set-Cookie`, two `X-Multi` lines, an ISO-8859-1
 * value), the error page, `Content-Length` for one chunk, for `[]` and the
 * app's own, `PATH_INFO` decoding (`%2F`, `%E9`, `%zz`, a leading `//`,
 * `..%2f`), the raw `QUERY_STRING`, methods as sent, header
 * values trimmed, `CONTENT_TYPE`'s default, request bodies echoed.
 *
 * Python comes from `/usr/bin/python3` (else `python3` on PATH; Debian
 * package `python3`); without it the test is skipped with a message, except
 * under `CI=true`, where it fails.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  makeServer,
  SOFTWARE_VERSION,
  WSGIRequestHandler,
} from "../simple_server.ts";
import type {
  ErrorStream,
  ResponseBody,
  StartResponse,
  WSGIEnvironment,
} from "../types.ts";

import { TextSink } from "./_cgi_servers.ts";
import { latin1, latin1Bytes } from "./_helpers.ts";

const PY_SERVER = fileURLToPath(
  new URL("testdata/differential_server.py", import.meta.url),
);
const IN_CI = Deno.env.get("CI") === "true";
/** Deno 2.9 leaves the sanitizers off unless asked: leaks fail this test. */
const SANITIZED = { sanitizeOps: true, sanitizeResources: true } as const;

// ---------------------------------------------------------------------------
// The app, as tests/testdata/differential_server.py has it

/** The environ keys `/env` echoes: `KEY=value`, or `KEY absent`. */
const ENV_KEYS = [
  "REQUEST_METHOD",
  "SCRIPT_NAME",
  "PATH_INFO",
  "QUERY_STRING",
  "CONTENT_TYPE",
  "CONTENT_LENGTH",
  "SERVER_NAME",
  "SERVER_PORT",
  "SERVER_PROTOCOL",
  "SERVER_SOFTWARE",
  "GATEWAY_INTERFACE",
  "REMOTE_ADDR",
  "REMOTE_PORT",
  "REMOTE_HOST",
  "HTTPS",
  "HTTP_HOST",
  "HTTP_X_CUSTOM",
  "HTTP_X_DUP",
  "HTTP_X_UNDER",
  "HTTP_COOKIE",
  "HTTP_CONTENT_TYPE",
  "HTTP_CONTENT_LENGTH",
  "wsgi.version",
  "wsgi.url_scheme",
  "wsgi.multithread",
  "wsgi.multiprocess",
  "wsgi.run_once",
  "wsgi.input_terminated",
];

/** A value as text, as the Python side's `show()`. */
function show(value: unknown): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return value.join(".");
  return String(value);
}

const TEXT: Array<[string, string]> = [
  ["Content-Type", "text/plain; charset=utf-8"],
];

/** The app both servers run: keep it in step with the Python `app`. */
async function differentialApp(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
): Promise<ResponseBody> {
  const path = environ.PATH_INFO;
  if (path === "/hello") {
    startResponse("200 OK", [...TEXT]);
    return [latin1Bytes("Hello, world!\n")];
  }
  if (path.startsWith("/env")) {
    const lines = ENV_KEYS.map((key) =>
      environ[key] === undefined
        ? `${key} absent`
        : `${key}=${show(environ[key])}`
    );
    startResponse("200 OK", [...TEXT]);
    return [latin1Bytes(lines.join("\n") + "\n")];
  }
  if (path === "/post") {
    const length = Number(environ.CONTENT_LENGTH || 0);
    const body = await environ["wsgi.input"].read(length);
    startResponse("200 OK", [
      ["Content-Type", environ.CONTENT_TYPE || "application/octet-stream"],
      ["X-Received", String(body.length)],
    ]);
    return [body];
  }
  if (path === "/status404") {
    startResponse("404 Not Found", [...TEXT]);
    return [latin1Bytes("nope\n")];
  }
  if (path === "/reason") {
    startResponse("200 Fine Thanks", [...TEXT]);
    return [latin1Bytes("fine\n")];
  }
  if (path === "/headers") {
    startResponse("200 OK", [
      ["Content-Type", "text/plain"],
      ["X-One", "1"],
      ["Set-Cookie", "a=1; Path=/"],
      ["Set-Cookie", "b=2; HttpOnly"],
      ["X-Multi", "x"],
      ["X-Multi", "y"],
      ["Cache-Control", "no-store"],
    ]);
    return [latin1Bytes("headers\n")];
  }
  if (path === "/latin1") {
    startResponse("200 OK", [
      ["Content-Type", "text/plain"],
      ["X-Latin", "caf\xe9"],
    ]);
    return [latin1Bytes("ok\n")];
  }
  if (path === "/error") throw new Error("boom before start_response");
  if (path === "/gen") {
    startResponse("200 OK", [...TEXT]);
    return (function* () {
      yield latin1Bytes("one\n");
      yield latin1Bytes("two\n");
      yield latin1Bytes("three\n");
    })();
  }
  if (path === "/lazy") {
    return (function* () {
      startResponse("200 OK", [...TEXT]);
      yield latin1Bytes("lazy\n");
    })();
  }
  if (path === "/length") {
    startResponse("200 OK", [
      ["Content-Type", "text/plain"],
      ["Content-Length", "6"],
    ]);
    return [latin1Bytes("abc"), latin1Bytes("def")];
  }
  if (path === "/write") {
    const write = startResponse("200 OK", [...TEXT]);
    write(latin1Bytes("written\n")); // not awaited: as a legacy app does
    return [latin1Bytes("returned\n")];
  }
  if (path === "/empty") {
    startResponse("200 OK", [...TEXT]);
    return [];
  }
  if (path === "/nocontent") {
    startResponse("204 No Content", []);
    return [];
  }
  if (path === "/redirect") {
    startResponse("302 Found", [["Location", "/hello"]]);
    return [];
  }
  if (path.startsWith("/utf8/")) {
    startResponse("200 OK", [...TEXT]);
    return [latin1Bytes(path)];
  }
  startResponse("404 Not Found", [...TEXT]);
  return [latin1Bytes("not found: " + path)];
}

// ---------------------------------------------------------------------------
// Python

/** Python: where it is, or why this test cannot run. */
interface Availability {
  path?: string;
  version?: string;
  missing?: string;
}

async function pythonAvailability(): Promise<Availability> {
  let python: string | undefined;
  for (const dir of ["/usr/bin", ...(Deno.env.get("PATH") ?? "").split(":")]) {
    try {
      const info = await Deno.stat(`${dir}/python3`);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) {
        python = `${dir}/python3`;
        break;
      }
    } catch {
      // not there
    }
  }
  if (!python) {
    return { missing: "python3 is not installed (Debian package: python3)" };
  }
  const probe = await new Deno.Command(python, {
    args: [
      "-c",
      "import sys, wsgiref.simple_server; print(sys.version.split()[0])",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(probe.stdout).trim();
  if (probe.code !== 0) {
    return {
      missing: `${python} cannot import wsgiref.simple_server ` +
        "(Debian package: python3)",
    };
  }
  return { path: python, version: `Python ${text}` };
}

const python = await pythonAvailability();
if (python.missing && !IN_CI) {
  console.warn(`deno_differential_test.ts: skipped: ${python.missing}`);
}

/** Waits `ms` milliseconds. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `read` until it includes `needle`, or the time is up. */
async function waitForText(
  read: () => string,
  needle: string,
  timeoutMs = 5000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!read().includes(needle) && Date.now() < deadline) await sleep(20);
  return read();
}

// ---------------------------------------------------------------------------
// Requests: by fetch and raw

/** A response as `fetch` saw it; Date, Server and the framing apart. */
interface Answer {
  status: number;
  statusText: string;
  /** Lower-case names, as the fetch `Headers` list them; not `FRAMING`. */
  headers: Array<[string, string]>;
  date: string | null;
  server: string | null;
  /** `Transfer-Encoding` (D3). */
  transferEncoding: string | null;
  setCookies: string[];
  body: Uint8Array;
}

/** A response as it came over the wire. */
interface Wire {
  version: string;
  status: number;
  reason: string;
  /** Every header line, name and value as sent, in order. */
  headers: Array<[string, string]>;
  /** Whether the body was chunked (it is de-chunked in `body`). */
  chunked: boolean;
  /** Everything after the head, to the end of the connection. */
  body: Uint8Array;
  /** The whole response, as ISO-8859-1 text. */
  raw: string;
}

/**
 * The header names the server (not the app) adds: Date and Server (D6),
 * Connection (D2), Transfer-Encoding (D3). Deno.serve may also answer
 * `connection: close` after a request whose body was still arriving when
 * the app ran (it does for the 256 KiB POST below); Python always closes.
 */
const FRAMING = ["date", "server", "connection", "transfer-encoding"];

/** Removes HTTP/1.1 chunked framing. */
function dechunk(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    const end = data.indexOf(10, i);
    const size = parseInt(latin1(data.subarray(i, end)), 16);
    if (!(size > 0)) return Uint8Array.from(out);
    out.push(...data.subarray(end + 1, end + 1 + size));
    i = end + 1 + size + 2;
  }
}

/** Sends raw `request` bytes and reads until the server closes. */
async function rawBytes(port: number, request: string): Promise<Uint8Array> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, 5000);
  const parts: number[] = [];
  try {
    await conn.write(latin1Bytes(request));
    const buffer = new Uint8Array(65536);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch (error) {
        if (timedOut) throw new Error(`no end of response: ${request}`);
        if (error instanceof Deno.errors.ConnectionReset) break;
        throw error;
      }
      if (n === null) break;
      parts.push(...buffer.subarray(0, n));
    }
  } finally {
    clearTimeout(timer);
    if (!timedOut) conn.close();
  }
  return Uint8Array.from(parts);
}

function parseWire(data: Uint8Array): Wire {
  const raw = latin1(data);
  const split = raw.indexOf("\r\n\r\n");
  assert.ok(split > 0, `no response head in ${JSON.stringify(raw)}`);
  const [statusLine, ...lines] = raw.slice(0, split).split("\r\n");
  const [version, code, ...reason] = statusLine.split(" ");
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const chunked = headers.some(([name, value]) =>
    name.toLowerCase() === "transfer-encoding" && value === "chunked"
  );
  const rest = data.subarray(split + 4);
  return {
    version,
    status: Number(code),
    reason: reason.join(" "),
    headers,
    chunked,
    body: chunked ? dechunk(rest) : rest,
    raw,
  };
}

/** One side of the comparison: a server, its port, and what it logged. */
interface Side {
  name: "python" | "ours";
  port: number;
  errors: () => string;
}

/** `{PORT}` in a raw request becomes each side's own port. */
async function raw(side: Side, request: string): Promise<Wire> {
  return parseWire(
    await rawBytes(side.port, request.replaceAll("{PORT}", String(side.port))),
  );
}

async function fetchAnswer(
  client: Deno.HttpClient,
  side: Side,
  path: string,
  init: RequestInit = {},
): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${side.port}${path}`, {
    client,
    redirect: "manual",
    ...init,
  });
  const body = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    statusText: response.statusText,
    headers: without([...response.headers], ...FRAMING),
    date: response.headers.get("date"),
    server: response.headers.get("server"),
    transferEncoding: response.headers.get("transfer-encoding"),
    setCookies: response.headers.getSetCookie(),
    body,
  };
}

/** Headers without those named, for comparing the rest. */
function without(
  headers: Array<[string, string]>,
  ...names: string[]
): Array<[string, string]> {
  return headers.filter(([name]) => !names.includes(name.toLowerCase()));
}

const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
const PY_SERVER_HEADER = /^WSGIServer(\/[\d.]+)? C?Python\/\d+\.\d+/;
const PY_SOFTWARE = /^WSGIServer(\/[\d.]+)?$/;

/** D6: both send Date; Server names each side's runtime. */
function assertDateAndServer(py: Answer, ts: Answer): void {
  assert.match(py.date ?? "", IMF_FIXDATE);
  assert.match(ts.date ?? "", IMF_FIXDATE);
  assert.match(py.server ?? "", PY_SERVER_HEADER);
  assert.equal(ts.server, SOFTWARE_VERSION);
}

/** Status, headers (framing and `ignore` aside), body: all equal. */
function assertSameAnswer(py: Answer, ts: Answer, ...ignore: string[]): void {
  assert.equal(py.transferEncoding, null); // D3
  assert.equal(ts.status, py.status);
  assert.equal(ts.statusText, py.statusText);
  assert.deepEqual(
    without(ts.headers, ...ignore),
    without(py.headers, ...ignore),
  );
  assert.deepEqual(ts.setCookies, py.setCookies);
  assert.deepEqual(ts.body, py.body);
  assertDateAndServer(py, ts);
}

/** The app's headers on the wire, names lower-cased, in order. */
function appHeaders(wire: Wire): Array<[string, string]> {
  return without(wire.headers, ...FRAMING).map((
    [name, value],
  ) => [name.toLowerCase(), value]);
}

function header(wire: Wire, name: string): string | undefined {
  return wire.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** D1, D2, D6 on the wire, for a request that asked `Connection: close`. */
function assertFraming(py: Wire, ts: Wire, requestVersion = "HTTP/1.1"): void {
  assert.equal(py.version, "HTTP/1.0"); // D1
  assert.equal(ts.version, requestVersion); // D1
  assert.equal(header(py, "connection"), undefined); // D2
  assert.equal(
    header(ts, "connection"),
    requestVersion === "HTTP/1.1" ? "close" : undefined,
  ); // D2
  assert.match(header(py, "date") ?? "", IMF_FIXDATE); // D6
  assert.match(header(ts, "date") ?? "", IMF_FIXDATE);
  assert.match(header(py, "server") ?? "", PY_SERVER_HEADER);
  assert.equal(header(ts, "server"), SOFTWARE_VERSION);
  assert.deepEqual(py.headers.slice(0, 2).map(([n]) => n), ["Date", "Server"]);
}

// ---------------------------------------------------------------------------
// The environ

type Env = Map<string, string | undefined>;

/** Parses `/env`'s body; each side's own port becomes `{PORT}`. */
function parseEnv(body: Uint8Array, port: number): Env {
  const env: Env = new Map();
  for (const line of latin1(body).split("\n")) {
    if (line === "") continue;
    const absent = line.match(/^([^=\s]+) absent$/);
    if (absent) {
      env.set(absent[1], undefined);
    } else {
      const eq = line.indexOf("=");
      env.set(
        line.slice(0, eq),
        line.slice(eq + 1).replaceAll(String(port), "{PORT}"),
      );
    }
  }
  return env;
}

type Expected = string | undefined | RegExp;

function check(value: string | undefined, expected: Expected, what: string) {
  if (expected instanceof RegExp) {
    assert.ok(
      value !== undefined && expected.test(value),
      `${what}: ${value} does not match ${expected}`,
    );
  } else {
    assert.equal(value, expected, what);
  }
}

/**
 * Every `/env` key equal on both sides, except the differences that hold
 * for every request (D9–D12, D15) and those given.
 */
function assertEnv(
  py: Env,
  ts: Env,
  protocol: string,
  differences: Record<string, [python: Expected, ours: Expected]> = {},
): void {
  assert.deepEqual([...py.keys()], ENV_KEYS);
  assert.deepEqual([...ts.keys()], ENV_KEYS);
  const always: Record<string, [Expected, Expected]> = {
    SERVER_PROTOCOL: [protocol, "HTTP/1.1"], // D9
    SERVER_SOFTWARE: [PY_SOFTWARE, SOFTWARE_VERSION], // D10
    SERVER_NAME: [/^\S+$/, "127.0.0.1"], // D11: Python's is getfqdn()'s
    REMOTE_PORT: [undefined, /^\d+$/], // D12
    "wsgi.multithread": ["false", "true"], // D15
    "wsgi.input_terminated": [undefined, "true"], // D15
  };
  for (const key of ENV_KEYS) {
    const expected = differences[key] ?? always[key];
    if (expected) {
      check(py.get(key), expected[0], `python ${key}`);
      check(ts.get(key), expected[1], `ours ${key}`);
    } else {
      assert.equal(ts.get(key), py.get(key), key);
    }
  }
}

// ---------------------------------------------------------------------------
// The test

/** `wsgi.errors` of our server, kept in memory. */
class MemoryErrors implements ErrorStream {
  text = "";
  write(s: string): void {
    this.text += s;
  }
  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.text += line;
  }
  flush(): void {}
}

Deno.test({
  name: `makeServer and CPython's wsgiref.simple_server answer alike (${
    python.version ?? "python3 missing"
  })`,
  ignore: python.missing !== undefined && !IN_CI,
  ...SANITIZED,
  async fn(t) {
    if (python.missing) {
      assert.fail(`CI=true, so this must run, but ${python.missing}`);
    }
    const errors = new MemoryErrors();
    class Handler extends WSGIRequestHandler {
      override getStderr(): ErrorStream {
        return errors;
      }
    }
    const httpd = makeServer("127.0.0.1", 0, differentialApp, {
      quiet: true,
      handlerClass: Handler,
    });
    const serving = httpd.serveForever();
    const client = Deno.createHttpClient({});
    const child = new Deno.Command(python.path!, {
      args: [PY_SERVER],
      env: { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = new TextSink(child.stdout);
    const stderr = new TextSink(child.stderr);
    try {
      const port = Number(
        (await waitForText(() => stdout.text, "\n", 10_000)).trim(),
      );
      assert.ok(
        Number.isInteger(port) && port > 0,
        `Python's port, got ${JSON.stringify(stdout.text)}; stderr:\n` +
          stderr.text,
      );
      const py: Side = { name: "python", port, errors: () => stderr.text };
      const ts: Side = {
        name: "ours",
        port: httpd.serverPort,
        errors: () => errors.text,
      };

      /** The same fetch to both servers, Python first (it serves one at a time). */
      const both = async (
        path: string,
        init?: RequestInit,
      ): Promise<[Answer, Answer]> => [
        await fetchAnswer(client, py, path, init),
        await fetchAnswer(client, ts, path, init),
      ];
      /** The same raw request to both. */
      const rawBoth = async (request: string): Promise<[Wire, Wire]> => [
        await raw(py, request),
        await raw(ts, request),
      ];
      /** A raw `/env` request to both, parsed. */
      const envBoth = async (request: string): Promise<[Env, Env]> => {
        const [p, o] = await rawBoth(request);
        assert.equal(p.status, 200, p.raw);
        assert.equal(o.status, 200, o.raw);
        return [parseEnv(p.body, py.port), parseEnv(o.body, ts.port)];
      };
      const get = (target: string, extra = "", version = "HTTP/1.1") =>
        `GET ${target} ${version}\r\nHost: 127.0.0.1:{PORT}\r\n${extra}` +
        (version === "HTTP/1.1" ? "Connection: close\r\n" : "") + "\r\n";

      // -- by fetch: equal answers ------------------------------------------

      for (
        const path of [
          "/hello",
          "/status404",
          "/no/such/route",
          "/utf8/caf%C3%A9",
          "/length",
          "/empty",
          "/redirect",
          "/gen",
          "/write",
          "/headers",
          "/latin1",
        ]
      ) {
        await t.step(`GET ${path}: same status, headers and body`, async () => {
          const [p, o] = await both(path);
          assertSameAnswer(p, o);
        });
      }

      await t.step(
        "the bodies and headers are the ones the app gave",
        async () => {
          const [, utf8] = await both("/utf8/caf%C3%A9");
          assert.equal(new TextDecoder().decode(utf8.body), "/utf8/café");
          const [, headers] = await both("/headers");
          assert.deepEqual(headers.setCookies, [
            "a=1; Path=/",
            "b=2; HttpOnly",
          ]);
          assert.deepEqual(headers.headers, [
            ["cache-control", "no-store"],
            ["content-length", "8"],
            ["content-type", "text/plain"],
            ["set-cookie", "a=1; Path=/"],
            ["set-cookie", "b=2; HttpOnly"],
            ["x-multi", "x, y"],
            ["x-one", "1"],
          ]);
          const [pyEmpty, empty] = await both("/empty");
          assert.equal(
            pyEmpty.headers.find(([n]) => n === "content-length")?.[1],
            "0",
          );
          assert.equal(
            empty.headers.find(([n]) => n === "content-length")?.[1],
            "0",
          );
          const [pyGen, gen] = await both("/gen");
          assert.ok(!pyGen.headers.some(([n]) => n === "content-length"));
          assert.ok(!gen.headers.some(([n]) => n === "content-length"));
          assert.equal(gen.transferEncoding, "chunked"); // D3
        },
      );

      await t.step(
        "GET /error: the same 500 page; the stack goes to the log only",
        async () => {
          const [p, o] = await both("/error");
          assertSameAnswer(p, o);
          assert.equal(o.status, 500);
          assert.equal(
            new TextDecoder().decode(o.body),
            "A server error occurred.  Please contact the administrator.",
          );
          assert.match(
            await waitForText(py.errors, "boom"),
            /RuntimeError: boom before start_response/,
          );
          assert.match(ts.errors(), /Error: boom before start_response/);
        },
      );

      await t.step(
        "POST /post echoes the body, text and 256 KiB of binary",
        async () => {
          const text = await both("/post", {
            method: "POST",
            headers: { "Content-Type": "text/plain; charset=latin-1" },
            body: latin1Bytes("caf\xe9 au lait"),
          });
          assertSameAnswer(...text);
          assert.deepEqual(text[1].body, latin1Bytes("caf\xe9 au lait"));
          const big = new Uint8Array(256 * 1024);
          for (let i = 0; i < big.length; i++) {
            big[i] = (i * 7 + (i >> 8)) & 0xff;
          }
          const binary = await both("/post", { method: "POST", body: big });
          assertSameAnswer(...binary);
          assert.deepEqual(binary[1].body, big);
        },
      );

      await t.step("the environ by fetch: equal but D9-D12, D15", async () => {
        const [p, o] = await both("/env/x?a=1&b=%C3%A9&c", {
          headers: { "X-Custom": "  padded value  " },
        });
        const pyEnv = parseEnv(p.body, py.port);
        const tsEnv = parseEnv(o.body, ts.port);
        assertEnv(pyEnv, tsEnv, "HTTP/1.1");
        assert.equal(tsEnv.get("PATH_INFO"), "/env/x");
        assert.equal(tsEnv.get("QUERY_STRING"), "a=1&b=%C3%A9&c");
        assert.equal(tsEnv.get("HTTP_X_CUSTOM"), "padded value");
        assert.equal(tsEnv.get("HTTP_HOST"), "127.0.0.1:{PORT}");
        assert.equal(tsEnv.get("CONTENT_TYPE"), "text/plain");
        assert.equal(tsEnv.get("CONTENT_LENGTH"), "");
        const [pp, op] = await both("/env", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "a=1",
        });
        const postPy = parseEnv(pp.body, py.port);
        const postTs = parseEnv(op.body, ts.port);
        assertEnv(postPy, postTs, "HTTP/1.1");
        assert.equal(postTs.get("CONTENT_LENGTH"), "3");
        assert.equal(
          postTs.get("CONTENT_TYPE"),
          "application/x-www-form-urlencoded",
        );
      });

      // -- by fetch: the differences ----------------------------------------

      await t.step(
        "D4: a one-chunk generator gets Content-Length from us only",
        async () => {
          const [p, o] = await both("/lazy");
          assertSameAnswer(p, o, "content-length");
          assert.ok(!p.headers.some(([name]) => name === "content-length"));
          assert.deepEqual(
            o.headers.filter(([name]) => name === "content-length"),
            [["content-length", "5"]],
          );
        },
      );

      await t.step(
        "GET /reason: the same to fetch (D5 shows on the wire only)",
        async () => {
          // Deno's fetch reports the canonical reason phrase, not the one sent.
          const [p, o] = await both("/reason");
          assert.equal(p.statusText, "OK");
          assertSameAnswer(p, o);
        },
      );

      await t.step(
        "D8: 204 carries Content-Length: 0 on Python, none on ours",
        async () => {
          const [p, o] = await both("/nocontent");
          assert.equal(p.status, 204);
          assert.deepEqual(p.headers, [["content-length", "0"]]);
          assert.deepEqual(o.headers, []);
          assertSameAnswer(p, o, "content-length");
        },
      );

      // -- raw: equal where the wire allows ---------------------------------

      await t.step(
        "raw GET /hello: D1, D2, D6; the app's headers and body equal",
        async () => {
          const [p, o] = await rawBoth(get("/hello"));
          assertFraming(p, o);
          assert.equal(p.status, 200);
          assert.equal(o.status, 200);
          assert.equal(o.reason, p.reason);
          assert.deepEqual(appHeaders(o), appHeaders(p));
          assert.deepEqual(appHeaders(o), [
            ["content-type", "text/plain; charset=utf-8"],
            ["content-length", "14"],
          ]);
          assert.deepEqual(o.body, p.body);
          // D6: the runtime's own names are lower-case; the app's are kept.
          assert.ok(o.headers.some(([n]) => n === "Content-Type"));
          assert.ok(o.headers.some(([n]) => n === "content-length"));
          assert.ok(p.headers.some(([n]) => n === "Content-Length"));
        },
      );

      await t.step(
        "raw GET /headers: the same header lines, in order (two Set-Cookie, two X-Multi)",
        async () => {
          const [p, o] = await rawBoth(get("/headers"));
          assertFraming(p, o);
          assert.deepEqual(appHeaders(o), appHeaders(p));
          assert.deepEqual(appHeaders(o).map(([n]) => n), [
            "content-type",
            "x-one",
            "set-cookie",
            "set-cookie",
            "x-multi",
            "x-multi",
            "cache-control",
            "content-length",
          ]);
          assert.deepEqual(o.body, p.body);
        },
      );

      await t.step(
        "raw GET /latin1: an ISO-8859-1 header value, the same byte",
        async () => {
          const [p, o] = await rawBoth(get("/latin1"));
          assert.equal(header(p, "x-latin"), "caf\xe9");
          assert.equal(header(o, "x-latin"), "caf\xe9");
          assert.ok(p.raw.includes("X-Latin: caf\xe9\r\n"));
          assert.ok(o.raw.includes("X-Latin: caf\xe9\r\n"));
        },
      );

      await t.step("raw GET /error: the same 500 head and body", async () => {
        const [p, o] = await rawBoth(get("/error"));
        assertFraming(p, o);
        assert.equal(o.status, 500);
        assert.equal(o.reason, p.reason);
        assert.deepEqual(appHeaders(o), appHeaders(p));
        assert.deepEqual(o.body, p.body);
      });

      await t.step(
        "raw GET /gen over HTTP/1.0: both close-delimited, the same bytes",
        async () => {
          const [p, o] = await rawBoth(get("/gen", "", "HTTP/1.0"));
          assertFraming(p, o, "HTTP/1.0");
          assert.equal(p.chunked, false);
          assert.equal(o.chunked, false);
          assert.deepEqual(appHeaders(o), appHeaders(p));
          assert.equal(latin1(o.body), "one\ntwo\nthree\n");
          assert.deepEqual(o.body, p.body);
        },
      );

      // -- raw: the differences ---------------------------------------------

      for (const path of ["/gen", "/write"]) {
        await t.step(
          `D3: raw GET ${path} over HTTP/1.1: close-delimited on Python, chunked on ours`,
          async () => {
            const [p, o] = await rawBoth(get(path));
            assertFraming(p, o);
            assert.equal(p.chunked, false);
            assert.equal(o.chunked, true);
            assert.equal(header(p, "content-length"), undefined);
            assert.equal(header(o, "content-length"), undefined);
            assert.deepEqual(appHeaders(o), appHeaders(p));
            assert.deepEqual(o.body, p.body);
          },
        );
      }

      await t.step(
        "D2: two pipelined requests: Python answers one and closes, ours both",
        async () => {
          const request =
            "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n" +
            "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n" +
            "Connection: close\r\n\r\n";
          const [p, o] = await rawBoth(request);
          const count = (w: Wire) => w.raw.split("Hello, world!\n").length - 1;
          assert.equal(count(p), 1);
          assert.equal(count(o), 2);
        },
      );

      await t.step(
        "D5: raw status line keeps the app's reason on Python only",
        async () => {
          const [p, o] = await rawBoth(get("/reason"));
          assert.equal(p.reason, "Fine Thanks");
          assert.equal(o.reason, "OK");
          assert.deepEqual(o.body, p.body);
        },
      );

      await t.step(
        "D7: HEAD: Python sends the body anyway, ours does not",
        async () => {
          const [p, o] = await rawBoth(
            "HEAD /hello HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n" +
              "Connection: close\r\n\r\n",
          );
          assertFraming(p, o);
          assert.equal(header(p, "content-length"), "14");
          assert.equal(header(o, "content-length"), "14");
          assert.equal(latin1(p.body), "Hello, world!\n");
          assert.equal(o.body.length, 0);
        },
      );

      await t.step(
        "D8: raw 204: Content-Length: 0 from Python, none from ours",
        async () => {
          const [p, o] = await rawBoth(get("/nocontent"));
          assertFraming(p, o);
          assert.deepEqual(appHeaders(p), [["content-length", "0"]]);
          assert.deepEqual(appHeaders(o), []);
          assert.equal(p.body.length, 0);
          assert.equal(o.body.length, 0);
        },
      );

      // -- raw: the environ --------------------------------------------------

      await t.step(
        "raw environ: decoding equal; D13 joins, D14 underscores",
        async () => {
          const [p, o] = await envBoth(get(
            "/env/a%20b/%2Fc%E9%zz?q=1&r=%C3%A9+x",
            "X-Custom:   caf\xe9  \r\nX-Dup: a\r\nX-Dup: b\r\nx-dup:  c  \r\n" +
              "X_Under: u\r\nCookie: a=1\r\nCookie: b=2\r\n",
          ));
          assertEnv(p, o, "HTTP/1.1", {
            HTTP_X_DUP: ["a,b,c", "a, b, c"], // D13
            HTTP_COOKIE: ["a=1,b=2", "a=1; b=2"], // D13
            HTTP_X_UNDER: ["u", undefined], // D14
          });
          assert.equal(o.get("PATH_INFO"), "/env/a b//c\xe9%zz");
          assert.equal(o.get("QUERY_STRING"), "q=1&r=%C3%A9+x");
          assert.equal(o.get("HTTP_X_CUSTOM"), "caf\xe9");
        },
      );

      for (
        const [target, path, query] of [
          ["//env//x", "/env//x", ""],
          ["/env/..%2fx/%2e%2e%2fy", "/env/../x/../y", ""],
          ["/env??", "/env", "?"],
          ["/env?a=%20&b", "/env", "a=%20&b"],
        ]
      ) {
        await t.step(
          `raw environ of ${target}: PATH_INFO ${path} on both`,
          async () => {
            const [p, o] = await envBoth(get(target));
            assertEnv(p, o, "HTTP/1.1");
            assert.equal(o.get("PATH_INFO"), path);
            assert.equal(o.get("QUERY_STRING"), query);
          },
        );
      }

      for (
        const [target, pyPath, ourPath] of [
          ["/env/a/../b/%2e%2e/c", "/env/a/../b/../c", "/env/c"],
          ["/env/./%2E/x", "/env/././x", "/env/x"],
          ["/env/a\\b", "/env/a\\b", "/env/a/b"],
        ]
      ) {
        await t.step(
          `D18: raw environ of ${target}: PATH_INFO ${pyPath} on Python, ${ourPath} on ours`,
          async () => {
            const [p, o] = await envBoth(get(target));
            assertEnv(p, o, "HTTP/1.1", { PATH_INFO: [pyPath, ourPath] });
          },
        );
      }

      await t.step(
        "raw environ over HTTP/1.0 (no Host): D9 SERVER_PROTOCOL",
        async () => {
          const [p, o] = await envBoth("GET /env HTTP/1.0\r\n\r\n");
          assertEnv(p, o, "HTTP/1.0");
          assert.equal(p.get("SERVER_PROTOCOL"), "HTTP/1.0");
          assert.equal(o.get("SERVER_PROTOCOL"), "HTTP/1.1");
          assert.equal(o.get("HTTP_HOST"), undefined);
        },
      );

      await t.step(
        "raw environ of a POST: CONTENT_TYPE, CONTENT_LENGTH as sent",
        async () => {
          const [p, o] = await envBoth(
            "POST /env HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nContent-Type: \r\n" +
              "Content-Length: 0\r\nConnection: close\r\n\r\n",
          );
          assertEnv(p, o, "HTTP/1.1");
          assert.equal(o.get("CONTENT_TYPE"), "");
          assert.equal(o.get("CONTENT_LENGTH"), "0");
        },
      );

      await t.step(
        "D16: an absolute-form target: Python keeps the URL in PATH_INFO",
        async () => {
          const request = "GET http://example.com/env?x HTTP/1.1\r\n" +
            "Host: 127.0.0.1:{PORT}\r\nConnection: close\r\n\r\n";
          const [p, o] = await rawBoth(request);
          assert.equal(p.status, 404);
          assert.equal(latin1(p.body), "not found: http://example.com/env");
          assert.equal(o.status, 200);
          const env = parseEnv(o.body, ts.port);
          assert.equal(env.get("PATH_INFO"), "/env");
          assert.equal(env.get("QUERY_STRING"), "x");
        },
      );

      await t.step(
        "D17: a fragment in the target: Python keeps it in PATH_INFO",
        async () => {
          const [p, o] = await envBoth(get("/env#frag"));
          assertEnv(p, o, "HTTP/1.1", { PATH_INFO: ["/env#frag", "/env"] });
        },
      );

      await t.step({
        // Deno.serve gives every method but GET and HEAD a body stream, even
        // with neither Content-Length nor Transfer-Encoding (a body of
        // length 0, RFC 9112 §6.3): CONTENT_LENGTH is "" all the same.
        name:
          'a POST, DELETE, FOO or `get` without a body has CONTENT_LENGTH ""',
        async fn() {
          for (const method of ["POST", "DELETE", "FOO", "get"]) {
            const [p, o] = await envBoth(
              `${method} /env HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n` +
                "Connection: close\r\n\r\n",
            );
            assertEnv(p, o, "HTTP/1.1");
            assert.equal(o.get("REQUEST_METHOD"), method);
            assert.equal(o.get("CONTENT_LENGTH"), "");
          }
        },
      });
    } finally {
      client.close();
      child.kill("SIGTERM");
      await child.status;
      await stdout.done;
      await stderr.done;
      await httpd.shutdown();
      await serving;
    }
  },
});
