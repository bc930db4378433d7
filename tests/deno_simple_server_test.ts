// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `simple_server` over real sockets: the environ a client's bytes produce,
 * streaming both ways, errors as the client sees them, the server's life
 * cycle (`serveForever`, `handleRequest`, `shutdown`, `serverClose`,
 * `signal`), the access log, `demoApp`, and the command line in a child
 * process. Deno only.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validator } from "../validate.ts";
import {
  demoApp,
  makeServer,
  type ServerOptions,
  SOFTWARE_VERSION,
  WSGIRequestHandler,
  type WSGIServer,
} from "../simple_server.ts";
import { toFetchHandler } from "../handlers.ts";
import { MemoryErrorStream } from "../_error_stream.ts";
import type { ErrorStream, ResponseBody, WSGIApplication } from "../types.ts";
import {
  bytes,
  concat,
  gate,
  latin1,
  latin1Bytes,
  NEVER_ENDING_APP,
  tick,
  until,
  within,
} from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Helpers

const decoder = new TextDecoder();
const HOST = "127.0.0.1";

/** Whether `promise` settled within `ms`. */
async function settledWithin(
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let done = false;
  promise.then(() => done = true, () => done = true);
  await tick(ms);
  return done;
}

/** A server on a free port, serving; dispose it with `await using`. */
function serve(app: WSGIApplication, options: ServerOptions = {}): WSGIServer {
  const httpd = makeServer(HOST, 0, app, {
    quiet: true,
    gracePeriod: 2000,
    ...options,
  });
  void httpd.serveForever();
  return httpd;
}

/**
 * Shuts `httpd` down in a `finally`, bounded: a test that already failed
 * must not hang on a response that never ends.
 */
async function closeQuietly(httpd: WSGIServer): Promise<void> {
  await within(httpd.shutdown(), 5000, "shutdown()").catch(() => {});
}

function urlOf(httpd: WSGIServer, path = "/"): string {
  return `http://${HOST}:${httpd.serverPort}${path}`;
}

/** An app answering with the environ's string values as JSON. */
const environApp: WSGIApplication = (environ, startResponse) => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value === "string" || typeof value === "boolean") {
      out[key] = value;
    }
  }
  startResponse("200 OK", [["Content-Type", "application/json"]]);
  return [bytes(JSON.stringify(out))];
};

interface RawResponse {
  /** Everything received, one code point per byte. */
  raw: string;
  status: number;
  /** Header pairs, names lower-cased, in wire order. */
  headers: Array<[string, string]>;
  /** The body, de-chunked. */
  body: string;
  /** Whether a chunked body ended with its `0\r\n\r\n` terminator. */
  complete: boolean;
}

/** The body, as JSON sent in UTF-8. */
function jsonBody(response: RawResponse): Record<string, unknown> {
  return JSON.parse(decoder.decode(latin1Bytes(response.body)));
}

function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n === name)?.[1];
}

function parseResponse(raw: string): RawResponse {
  const end = raw.indexOf("\r\n\r\n");
  assert.notEqual(end, -1, `no end of headers in ${JSON.stringify(raw)}`);
  const [statusLine, ...lines] = raw.slice(0, end).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  let body = raw.slice(end + 4);
  let complete = true;
  if (headers.some(([n, v]) => n === "transfer-encoding" && v === "chunked")) {
    let rest = body;
    body = "";
    complete = false;
    while (true) {
      const lineEnd = rest.indexOf("\r\n");
      if (lineEnd === -1) break;
      const size = parseInt(rest.slice(0, lineEnd), 16);
      if (Number.isNaN(size)) break;
      if (size === 0) {
        complete = rest.slice(lineEnd, lineEnd + 4) === "\r\n\r\n";
        break;
      }
      const chunk = rest.slice(lineEnd + 2, lineEnd + 2 + size);
      if (chunk.length < size) {
        body += chunk;
        break;
      }
      body += chunk;
      rest = rest.slice(lineEnd + 2 + size + 2);
    }
  }
  return { raw, status, headers, body, complete };
}

/**
 * Sends `request` as raw bytes over a new connection and reads until the
 * server closes it (send `Connection: close`).
 */
async function rawExchange(
  httpd: WSGIServer,
  request: string | Uint8Array,
  ms = 3000,
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: HOST, port: httpd.serverPort });
  let closed = false;
  const close = (): void => {
    if (!closed) {
      closed = true;
      conn.close();
    }
  };
  const timer = setTimeout(close, ms);
  try {
    const data = typeof request === "string" ? latin1Bytes(request) : request;
    for (let written = 0; written < data.length;) {
      written += await conn.write(data.subarray(written));
    }
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(65536);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch (error) {
        if (closed) throw new Error(`no EOF within ${ms} ms`);
        if (error instanceof Deno.errors.ConnectionReset) break;
        throw error;
      }
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    return parseResponse(latin1(concat(chunks)));
  } finally {
    clearTimeout(timer);
    close();
  }
}

/** Whether a TCP connection to `port` is refused. */
async function refused(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: HOST, port });
    conn.close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused;
  }
}

/**
 * Reads `reader` to its end in the background: how it ended. (Deno's
 * `shutdown()` waits for a client that stops reading, even once the
 * response was aborted, so a client here keeps reading.)
 */
async function drain(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<"done" | "error"> {
  try {
    while (!(await reader.read()).done) {
      // keep reading
    }
    return "done";
  } catch {
    return "error";
  }
}

/** A body that counts its chunks, `close()` calls and `finally` runs. */
class Probe {
  yields = 0;
  closes = 0;
  finallyRan = 0;
  signal: AbortSignal | undefined;

  /**
   * An app whose body is `"first;"`, then chunks of `chunk` dots (endless by
   * default), the second one after `hold`, each after `interval` ms.
   */
  app(
    options: {
      count?: number;
      hold?: Promise<void>;
      chunk?: number;
      interval?: number;
    } = {},
  ): WSGIApplication {
    const { count = Infinity, hold, chunk = 1024, interval = 0 } = options;
    return (environ, startResponse) => {
      this.signal = environ["wsgiref.signal"];
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      async function* body(probe: Probe): AsyncGenerator<Uint8Array> {
        try {
          for (let i = 0; i < count; i++) {
            if (i === 1 && hold) await hold;
            if (i > 0 && interval > 0) await tick(interval);
            probe.yields++;
            yield bytes(i === 0 ? "first;" : ".".repeat(chunk));
          }
        } finally {
          probe.finallyRan++;
        }
      }
      return Object.assign(body(this), {
        close: () => {
          this.closes++;
        },
      }) as ResponseBody;
    };
  }
}

const ERROR_PAGE =
  "A server error occurred.  Please contact the administrator.";

// ---------------------------------------------------------------------------

describe("simple_server environ over the wire", () => {
  test("CGI keys from a fetch: addresses, ports, software, protocol", async () => {
    await using httpd = serve(environApp);
    const response = await fetch(urlOf(httpd, "/a/b?x=1&y"), {
      headers: { "X-Name": "ada", "Accept-Language": "en" },
    });
    const environ = await response.json();
    assert.equal(environ.REMOTE_ADDR, "127.0.0.1");
    assert.match(environ.REMOTE_PORT, /^[1-9][0-9]*$/);
    assert.equal(environ.SERVER_NAME, HOST);
    assert.equal(environ.SERVER_PORT, String(httpd.serverPort));
    assert.notEqual(httpd.serverPort, 0);
    assert.equal(environ.SERVER_PROTOCOL, "HTTP/1.1");
    assert.equal(
      environ.SERVER_SOFTWARE,
      `WSGIServer/0.2 Deno/${Deno.version.deno}`,
    );
    assert.equal(environ.SERVER_SOFTWARE, SOFTWARE_VERSION);
    assert.equal(response.headers.get("server"), environ.SERVER_SOFTWARE);
    assert.equal(environ.REQUEST_METHOD, "GET");
    assert.equal(environ.PATH_INFO, "/a/b");
    assert.equal(environ.QUERY_STRING, "x=1&y");
    assert.equal(environ.SCRIPT_NAME, "");
    assert.equal(environ.GATEWAY_INTERFACE, "CGI/1.1");
    assert.equal(environ.REMOTE_HOST, "");
    assert.equal(environ.CONTENT_TYPE, "text/plain");
    assert.equal(environ.CONTENT_LENGTH, "");
    assert.equal(environ.HTTP_X_NAME, "ada");
    assert.equal(environ.HTTP_ACCEPT_LANGUAGE, "en");
    assert.equal(environ.HTTP_HOST, `${HOST}:${httpd.serverPort}`);
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal(environ["wsgi.multithread"], true);
    assert.equal(environ["wsgi.multiprocess"], false);
    assert.equal(environ["wsgi.run_once"], false);
    assert.equal(environ["wsgi.input_terminated"], true);
    assert.equal("HTTPS" in environ, false);
  });

  test("repeated headers are joined (Cookie by '; '), names with _ dropped", async () => {
    await using httpd = serve(environApp);
    const response = await rawExchange(
      httpd,
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
        "Cookie: a=1\r\nCookie: b=2\r\n" +
        "X-Dup: a\r\nX-Dup: b\r\n" +
        "X-Name: real\r\nX_Name: spoof\r\nX_Forwarded_For: 6.6.6.6\r\n" +
        "X-Latin: caf\xe9\r\n\r\n",
    );
    assert.equal(response.status, 200);
    const environ = jsonBody(response);
    assert.equal(environ.HTTP_COOKIE, "a=1; b=2");
    assert.equal(environ.HTTP_X_DUP, "a, b");
    assert.equal(environ.HTTP_X_NAME, "real");
    assert.equal(environ.HTTP_HOST, "x");
    assert.equal("HTTP_X_FORWARDED_FOR" in environ, false);
    assert.equal(environ.HTTP_X_LATIN, "caf\xe9", "header bytes as ISO-8859-1");
  });

  test("the request path is percent-decoded as ISO-8859-1", async () => {
    await using httpd = serve(environApp);
    const rows: Array<[string, string, string]> = [
      ["/caf%C3%A9", "/caf\xc3\xa9", ""],
      ["/a%20b/%2Fc%E9?q=%20x", "/a b//c\xe9", "q=%20x"],
      ["/%zz%e9", "/%zz\xe9", ""],
      ["//x//y?a", "/x//y", "a"],
      ["/a/%2e%2e/b", "/b", ""],
      ["/a/%2E./b", "/b", ""],
      ["/a/../b", "/b", ""],
      ["/a/./b/..", "/a/", ""],
      ["/..", "/", ""],
      ["/a\\b", "/a/b", ""],
      ["/.well-known/x", "/.well-known/x", ""],
      ["/p??", "/p", "?"],
    ];
    for (const [target, path, query] of rows) {
      const response = await rawExchange(
        httpd,
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(response.status, 200, target);
      const environ = jsonBody(response);
      assert.equal(environ.PATH_INFO, path, target);
      assert.equal(environ.QUERY_STRING, query, target);
    }
  });

  test("toFetchHandler on Deno.serve: a Host header that is not a host cannot move the path or the query", async () => {
    // Deno.serve builds request.url of the Host header and the target as
    // they came: "http://evil.example/x?/real/path?q=1". (makeServer
    // answers such a Host with 400: tests/hostile_test.ts.)
    await using served = Deno.serve(
      { hostname: HOST, port: 0, onListen() {} },
      toFetchHandler(environApp),
    );
    const httpd = { serverPort: served.addr.port } as WSGIServer;
    for (
      const host of ["evil.example/x?", "h\\x", "h:80/p", "h#f", "u@h/..", "h"]
    ) {
      const response = await rawExchange(
        httpd,
        `GET /real/path?q=1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(response.status, 200, host);
      const environ = jsonBody(response);
      assert.equal(environ.PATH_INFO, "/real/path", host);
      assert.equal(environ.QUERY_STRING, "q=1", host);
      assert.equal(environ.HTTP_HOST, host, host);
    }
  });

  test("raw UTF-8 in the target arrives as ISO-8859-1 bytes; invalid UTF-8 gets 400", async () => {
    let calls = 0;
    await using httpd = serve((environ, startResponse) => {
      calls++;
      return environApp(environ, startResponse);
    });
    const rows: Array<[string, string, string]> = [
      ["/caf\xc3\xa9", "/caf\xc3\xa9", ""], // the bytes of "/café"
      ["/\xe2\x82\xac?q=\xc3\xa9", "/\xe2\x82\xac", "q=%C3%A9"], // "/€?q=é"
    ];
    for (const [target, path, query] of rows) {
      const response = await rawExchange(
        httpd,
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(response.status, 200, target);
      const environ = jsonBody(response);
      assert.equal(environ.PATH_INFO, path, target);
      assert.equal(environ.QUERY_STRING, query, target);
    }
    assert.equal(calls, 2);
    // Not UTF-8: the runtime refuses it before any handler runs.
    const refusedByRuntime = await rawExchange(
      httpd,
      "GET /\x80%80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(refusedByRuntime.status, 400);
    assert.equal(calls, 2);
  });

  test("HEAD: headers with Content-Length, no body", async () => {
    let method = "";
    await using httpd = serve((environ, startResponse) => {
      method = environ.REQUEST_METHOD;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes("hello")];
    });
    const response = await rawExchange(
      httpd,
      "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(method, "HEAD");
    assert.equal(response.status, 200);
    assert.equal(header(response, "content-length"), "5");
    assert.equal(response.body, "");
  });

  test("a chunked upload: no CONTENT_LENGTH, read(n), readline and async iteration", async () => {
    await using httpd = serve(async (environ, startResponse) => {
      const input = environ["wsgi.input"];
      const first = latin1(await input.read(3));
      const line = latin1(await input.readline());
      const lines: string[] = [];
      for await (const chunk of input) lines.push(latin1(chunk));
      const after = (await input.read()).length;
      startResponse("200 OK", [["Content-Type", "application/json"]]);
      return [bytes(JSON.stringify({
        first,
        line,
        lines,
        after,
        hasLength: "CONTENT_LENGTH" in environ,
        terminated: environ["wsgi.input_terminated"],
        type: environ.CONTENT_TYPE,
      }))];
    });
    const parts = ["ab", "c\nde", "f\ngh", "i\nj", "k"];
    const chunked = parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`)
      .join("") + "0\r\n\r\n";
    const response = await rawExchange(
      httpd,
      "POST /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
        "Content-Type: text/x-lines\r\nTransfer-Encoding: chunked\r\n\r\n" +
        chunked,
    );
    assert.equal(response.status, 200, response.raw);
    assert.deepEqual(JSON.parse(response.body), {
      first: "abc",
      line: "\n",
      lines: ["def\n", "ghi\n", "jk"],
      after: 0,
      hasLength: false,
      terminated: true,
      type: "text/x-lines",
    });
  });

  test("a body with Content-Length is read exactly", async () => {
    await using httpd = serve(async (environ, startResponse) => {
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", [["X-Length", String(environ.CONTENT_LENGTH)]]);
      return [body];
    });
    const response = await fetch(urlOf(httpd), {
      method: "POST",
      body: "x".repeat(100_000),
    });
    assert.equal(response.headers.get("x-length"), "100000");
    assert.equal((await response.text()).length, 100_000);
  });
});

// ---------------------------------------------------------------------------

describe("simple_server responses and errors over the wire", () => {
  test("413 for a Content-Length or a chunked body over maxRequestBodySize", async () => {
    let calls = 0;
    await using httpd = serve(async (environ, startResponse) => {
      calls++;
      await environ["wsgi.input"].read();
      startResponse("200 OK", []);
      return [bytes("read")];
    }, { maxRequestBodySize: 10, handlerClass: SilentHandler });

    const byLength = await fetch(urlOf(httpd), {
      method: "POST",
      body: "x".repeat(11),
    });
    assert.equal(byLength.status, 413);
    await byLength.body?.cancel();
    assert.equal(calls, 0, "the app did not run");

    const chunked = await rawExchange(
      httpd,
      "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
        "Transfer-Encoding: chunked\r\n\r\n" +
        "8\r\nxxxxxxxx\r\n8\r\nxxxxxxxx\r\n0\r\n\r\n",
    );
    assert.equal(chunked.status, 413);
    assert.equal(calls, 1);

    const small = await fetch(urlOf(httpd), {
      method: "POST",
      body: "x".repeat(10),
    });
    assert.equal(small.status, 200);
    assert.equal(await small.text(), "read");
  });

  test("a handler class whose handle() throws: a 500, and the server goes on", async () => {
    let calls = 0;
    const errors = new MemoryErrorStream();
    class Broken extends WSGIRequestHandler {
      override handle(): Promise<Response> {
        if (++calls === 1) throw new Error("handle-4712");
        return super.handle();
      }
      override getStderr(): ErrorStream {
        return errors;
      }
    }
    await using httpd = serve(environApp, { handlerClass: Broken });
    const request = "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const first = await rawExchange(httpd, request);
    assert.equal(first.status, 500);
    assert.ok(!first.raw.includes("handle-4712"));
    assert.match(
      errors.getValue(),
      /^-{40}\nException occurred during processing of request from 127\.0\.0\.1:\d+\nError: handle-4712\n/,
    );
    const second = await rawExchange(httpd, request);
    assert.equal(second.status, 200);
    assert.equal(jsonBody(second).PATH_INFO, "/ok");
    await within(httpd.shutdown(), 2000, "shutdown()");
  });

  test("a handler class whose constructor throws: a 500, logged, and the server goes on", async () => {
    let calls = 0;
    const errors = new MemoryErrorStream();
    class Broken extends WSGIRequestHandler {
      constructor(...args: ConstructorParameters<typeof WSGIRequestHandler>) {
        if (++calls % 2 === 1) throw new Error(`ctor-${calls}`);
        super(...args);
      }
      override getStderr(): ErrorStream {
        return errors;
      }
    }
    const httpd = makeServer(HOST, 0, environApp, {
      handlerClass: Broken,
      quiet: true,
    });
    try {
      const request = (path: string) =>
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
      // handleRequest(): the failing request is answered, the call settles.
      let served = httpd.handleRequest();
      const first = await rawExchange(httpd, request("/1"));
      await within(served, 2000, "handleRequest()");
      served = httpd.handleRequest();
      const second = await rawExchange(httpd, request("/2"));
      await within(served, 2000, "handleRequest()");
      assert.deepEqual([first.status, second.status], [500, 200]);
      assert.equal(jsonBody(second).PATH_INFO, "/2");
      // Requests queued before serveForever(): one failing does not stop
      // the others; nor does one while serving.
      const queued = [
        rawExchange(httpd, request("/3")),
        rawExchange(httpd, request("/4")),
      ];
      await tick(50);
      void httpd.serveForever();
      const [third, fourth] = await Promise.all(queued);
      const fifth = await rawExchange(httpd, request("/5"));
      const sixth = await rawExchange(httpd, request("/6"));
      assert.deepEqual(
        [third, fourth, fifth, sixth].map((r) => r.status),
        [500, 200, 500, 200],
      );
      for (const failed of [first, third, fifth]) {
        assert.ok(!failed.raw.includes("ctor-"), failed.raw);
      }
      const log = errors.getValue();
      for (const n of [1, 3, 5]) {
        assert.match(
          log,
          new RegExp(
            `-{40}\\nException occurred during processing of request from 127\\.0\\.0\\.1:\\d+\\nError: ctor-${n}\\n`,
          ),
        );
      }
      assert.doesNotMatch(log, /ctor-[246]/);
    } finally {
      await closeQuietly(httpd);
    }
  });

  test("a logRequest that throws is reported; the response and the server are unharmed", async () => {
    const errors = new MemoryErrorStream();
    class Throwing extends WSGIRequestHandler {
      override logRequest(): void {
        throw new Error("log-3141");
      }
      override getStderr(): ErrorStream {
        return errors;
      }
    }
    await using httpd = serve(environApp, {
      handlerClass: Throwing,
      maxRequestBodySize: 4,
    });
    const ok = await rawExchange(
      httpd,
      "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(ok.status, 200);
    assert.equal(jsonBody(ok).PATH_INFO, "/a");
    // A 413 never reaches close(): logged when the response is over.
    const tooLarge = await rawExchange(
      httpd,
      "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n" +
        "Connection: close\r\n\r\n123456789",
    );
    assert.equal(tooLarge.status, 413);
    await until(
      () => (errors.getValue().match(/Error: log-3141/g) ?? []).length === 2,
      2000,
      "both errors reported",
    );
    assert.ok(!ok.raw.includes("log-3141") && !tooLarge.raw.includes("log-"));
    const again = await rawExchange(
      httpd,
      "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(again.status, 200);
  });

  test("a handler class's own getEnviron() is the environ's source", async () => {
    class Handler extends WSGIRequestHandler {
      override getEnviron(): Record<string, unknown> {
        const env = super.getEnviron();
        env.CUSTOM = "from getEnviron";
        env.PATH_INFO = "/rewritten";
        return env;
      }
    }
    await using httpd = serve(environApp, { handlerClass: Handler });
    const environ = jsonBody(
      await rawExchange(
        httpd,
        "GET /asked?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      ),
    );
    assert.equal(environ.CUSTOM, "from getEnviron");
    assert.equal(environ.PATH_INFO, "/rewritten");
    assert.equal(environ.QUERY_STRING, "x=1");
  });

  test("an error before the headers: the 500 page, no stack on the wire", async () => {
    const errors = new MemoryErrorStream();
    class Handler extends WSGIRequestHandler {
      override getStderr(): ErrorStream {
        return errors;
      }
    }
    await using httpd = serve(() => {
      throw new Error("secret-4711");
    }, { handlerClass: Handler });
    const response = await rawExchange(
      httpd,
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(response.status, 500);
    assert.equal(response.body, ERROR_PAGE);
    assert.equal(header(response, "content-type"), "text/plain");
    assert.equal(header(response, "content-length"), String(ERROR_PAGE.length));
    assert.ok(!response.raw.includes("secret-4711"));
    assert.match(errors.getValue(), /Error: secret-4711/);
  });

  test("an error after the headers: the client sees the body cut off", async () => {
    const probe = { closes: 0 };
    await using httpd = serve((_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      async function* body(): AsyncGenerator<Uint8Array> {
        yield bytes("partial;");
        yield bytes("more;");
        throw new Error("after the headers");
      }
      return Object.assign(body(), { close: () => void probe.closes++ });
    }, { handlerClass: SilentHandler });
    const response = await rawExchange(
      httpd,
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(response.status, 200);
    assert.equal(header(response, "transfer-encoding"), "chunked");
    assert.ok(response.body.startsWith("partial;"), response.raw);
    assert.equal(response.complete, false, "no chunked terminator");
    assert.ok(!response.raw.endsWith("0\r\n\r\n"));
    await until(() => probe.closes === 1, 2000, "close()");

    // fetch sees it too: reading the body rejects.
    const fetched = await fetch(urlOf(httpd));
    await assert.rejects(fetched.text());
  });

  test("CR/LF in a header value: 500, nothing injected on the wire", async () => {
    await using httpd = serve((_environ, startResponse) => {
      startResponse("200 OK", [["X-Evil", "a\r\nInjected: yes"]]);
      return [bytes("body")];
    }, { handlerClass: SilentHandler });
    const response = await rawExchange(
      httpd,
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(response.status, 500);
    assert.equal(response.body, ERROR_PAGE);
    assert.ok(!/injected/i.test(response.raw), response.raw);
    assert.equal(header(response, "x-evil"), undefined);
  });

  test("a hop-by-hop header from the app: 500", async () => {
    await using httpd = serve((_environ, startResponse) => {
      startResponse("200 OK", [["Connection", "keep-alive"], [
        "Transfer-Encoding",
        "chunked",
      ]]);
      return [bytes("body")];
    }, { handlerClass: SilentHandler });
    const response = await rawExchange(
      httpd,
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(response.status, 500);
    assert.equal(response.body, ERROR_PAGE);
  });

  test("204 and 304 go out without a body", async () => {
    await using httpd = serve((environ, startResponse) => {
      startResponse(
        environ.PATH_INFO === "/304" ? "304 Not Modified" : "204 No Content",
        [["ETag", '"v1"']],
      );
      return [];
    });
    for (const path of ["/204", "/304"]) {
      const response = await rawExchange(
        httpd,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(response.status, Number(path.slice(1)), response.raw);
      assert.equal(header(response, "etag"), '"v1"');
      assert.equal(response.body, "");
    }
  });

  test("time to first byte: the first chunk arrives before the app goes on", async () => {
    const hold = gate();
    const probe = new Probe();
    await using httpd = serve(probe.app({ count: 2, hold: hold.promise }));
    const response = await fetch(urlOf(httpd));
    const reader = response.body!.getReader();
    const first = await within(reader.read(), 2000, "first chunk");
    assert.equal(decoder.decode(first.value), "first;");
    assert.equal(probe.yields, 1);
    hold.open();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      rest += decoder.decode(r.value);
    }
    assert.equal(rest, ".".repeat(1024));
    await until(() => probe.closes === 1, 2000, "close()");
  });

  test("a client that hangs up mid-stream ends the app: close() exactly once", async () => {
    const probe = new Probe();
    await using httpd = serve(probe.app());
    const controller = new AbortController();
    const response = await fetch(urlOf(httpd), { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => {});
    await until(() => probe.closes === 1, 3000, "close()");
    assert.equal(probe.finallyRan, 1);
    assert.equal(probe.signal?.aborted, true);
    await tick(20);
    assert.equal(probe.closes, 1, "close() exactly once");
  });
});

/** A request handler that logs nothing and keeps `wsgi.errors` in memory. */
class SilentHandler extends WSGIRequestHandler {
  static errors = new MemoryErrorStream();
  override getStderr(): ErrorStream {
    return SilentHandler.errors;
  }
  override logMessage(): void {}
}

// ---------------------------------------------------------------------------

describe("WSGIServer life cycle", () => {
  const hello: WSGIApplication = (environ, startResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return [bytes(`hello ${environ.PATH_INFO}`)];
  };

  test("handleRequest() serves exactly one request", async () => {
    const httpd = makeServer(HOST, 0, hello, { quiet: true, gracePeriod: 500 });
    try {
      const one = httpd.handleRequest();
      const first = await fetch(urlOf(httpd, "/1"));
      assert.equal(await first.text(), "hello /1");
      await within(one, 2000, "handleRequest()");

      let second: string | undefined;
      const pending = fetch(urlOf(httpd, "/2")).then(async (response) => {
        second = await response.text();
      });
      await tick(100);
      assert.equal(second, undefined, "the second request waits");

      const two = httpd.handleRequest();
      await within(pending, 2000, "second request");
      assert.equal(second, "hello /2");
      await within(two, 2000, "handleRequest()");
    } finally {
      await closeQuietly(httpd);
    }
  });

  test("requests queued before serveForever() are served by it", async () => {
    await using httpd = makeServer(HOST, 0, hello, { quiet: true });
    const pending = fetch(urlOf(httpd, "/q"));
    await tick(50);
    void httpd.serveForever();
    const response = await within(pending, 2000, "queued request");
    assert.equal(await response.text(), "hello /q");
  });

  test("shutdown() lets an in-flight request finish and refuses new connections", async () => {
    const hold = gate();
    const probe = new Probe();
    const httpd = serve(probe.app({ count: 2, hold: hold.promise }), {
      gracePeriod: 5000,
    });
    const serving = httpd.serveForever();
    const port = httpd.serverPort;
    try {
      const response = await fetch(urlOf(httpd));
      const reader = response.body!.getReader();
      assert.equal(decoder.decode((await reader.read()).value), "first;");
      const stopping = httpd.shutdown();
      assert.equal(httpd.shutdown(), stopping, "shutdown() is idempotent");
      await tick(50);
      assert.equal(await refused(port), true, "new connections are refused");
      assert.equal(await settledWithin(stopping, 50), false, "still draining");

      hold.open();
      let rest = "";
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        rest += decoder.decode(r.value);
      }
      assert.equal(rest, ".".repeat(1024), "the response completed");
      await within(stopping, 3000, "shutdown()");
      await within(serving, 1000, "serveForever()");
      assert.equal(probe.closes, 1);
    } finally {
      hold.open();
      await closeQuietly(httpd);
    }
  });

  test("when gracePeriod expires, a never-ending response is cancelled", async () => {
    const probe = new Probe();
    const httpd = serve(probe.app({ interval: 5 }), { gracePeriod: 100 });
    try {
      const response = await fetch(urlOf(httpd));
      const reader = response.body!.getReader();
      await reader.read();
      const client = drain(reader);
      const started = Date.now();
      await within(httpd.shutdown(), 3000, "shutdown()");
      assert.ok(Date.now() - started >= 90, "waited for the grace period");
      await until(() => probe.closes === 1, 2000, "close()");
      assert.equal(probe.finallyRan, 1);
      assert.equal(probe.signal?.aborted, true);
      assert.equal(await client, "error", "the client sees it cut off");
    } finally {
      await closeQuietly(httpd);
    }
  });

  test("serverClose() cancels running requests at once", async () => {
    const probe = new Probe();
    const httpd = serve(probe.app({ interval: 5 }), { gracePeriod: 10_000 });
    try {
      const response = await fetch(urlOf(httpd));
      const reader = response.body!.getReader();
      await reader.read();
      const client = drain(reader);
      await within(httpd.serverClose(), 2000, "serverClose()");
      await until(() => probe.closes === 1, 2000, "close()");
      assert.equal(await refused(httpd.serverPort), true);
      assert.equal(await client, "error");
    } finally {
      await closeQuietly(httpd);
    }
  });

  test("an app that answers after the grace period: its client got 503, and its body is still closed once", async () => {
    let closes = 0;
    const late = gate();
    const httpd = serve(async (_environ, startResponse) => {
      await late.promise;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            yield bytes("late");
            await tick(10);
          }
        },
        close() {
          closes++;
        },
      };
    }, { gracePeriod: 100 });
    try {
      const waiting = fetch(urlOf(httpd));
      await tick(50);
      const stopping = httpd.shutdown();
      const response = await within(waiting, 3000, "the response");
      assert.equal(response.status, 503);
      await response.body?.cancel();
      late.open();
      await until(() => closes === 1, 2000, "close()");
      await within(stopping, 3000, "shutdown()");
      await tick(50);
      assert.equal(closes, 1);
    } finally {
      late.open();
      await closeQuietly(httpd);
    }
  });

  test("after shutdown's grace period, an app that never answers gets 503 and the process exits by itself", async () => {
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_exit_" });
    try {
      // No exit() anywhere: the process ends once nothing keeps it alive.
      await Deno.writeTextFile(
        `${dir}/main.mjs`,
        `import { makeServer } from ${
          JSON.stringify(new URL("../simple_server.ts", import.meta.url).href)
        };
const httpd = makeServer("127.0.0.1", 0, () => new Promise(() => {}), {
  quiet: true,
  gracePeriod: 300,
});
console.log(httpd.serverPort);
const serving = httpd.serveForever();
for await (const _ of Deno.stdin.readable) {
  // shut down when the test closes standard input
}
await httpd.shutdown();
await serving;
`,
      );
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${dir}/main.mjs`],
        env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
        stdin: "piped",
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      try {
        const lines = child.stdout.pipeThrough(new TextDecoderStream())
          .getReader();
        const port = Number((await lines.read()).value);
        lines.releaseLock();
        const waiting = fetch(`http://127.0.0.1:${port}/`);
        await tick(100);
        await child.stdin.close();
        const response = await within(waiting, 5000, "the response");
        assert.equal(response.status, 503);
        await response.body?.cancel();
        const status = await within(child.status, 5000, "the child's exit");
        assert.equal(status.code, 0);
      } finally {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
        await child.status;
        await child.stdout.cancel().catch(() => {});
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  test("the signal option shuts the server down", async () => {
    const controller = new AbortController();
    const httpd = makeServer(HOST, 0, hello, {
      quiet: true,
      signal: controller.signal,
    });
    const serving = httpd.serveForever();
    const response = await fetch(urlOf(httpd));
    assert.equal(await response.text(), "hello /");
    controller.abort();
    await within(serving, 2000, "serveForever()");
    assert.equal(await refused(httpd.serverPort), true);

    const aborted = makeServer(HOST, 0, hello, {
      quiet: true,
      signal: AbortSignal.abort(),
    });
    await within(aborted.serveForever(), 2000, "already aborted");
  });

  test("onListen is called with the bound address; ready() settles", async () => {
    const seen: Array<{ hostname: string; port: number }> = [];
    await using httpd = makeServer(HOST, 0, hello, {
      quiet: true,
      onListen: (addr) => seen.push(addr),
    });
    assert.equal(await httpd.ready(), httpd);
    await tick();
    assert.equal(seen.length, 1);
    assert.equal(seen[0].port, httpd.serverPort);
    assert.notEqual(seen[0].port, 0);
    assert.equal(seen[0].hostname, HOST);
    assert.equal(httpd.baseEnviron.SERVER_PORT, String(httpd.serverPort));
  });

  test("setApp() and getApp()", async () => {
    await using httpd = serve(hello);
    assert.equal(httpd.getApp(), hello);
    const other: WSGIApplication = (_environ, startResponse) => {
      startResponse("200 OK", []);
      return [bytes("other")];
    };
    httpd.setApp(other);
    const response = await fetch(urlOf(httpd));
    assert.equal(await response.text(), "other");
  });

  test("a bad port or gracePeriod is a RangeError", () => {
    for (const port of [-1, 65536, 1.5]) {
      assert.throws(() => makeServer(HOST, port, hello), RangeError);
    }
    assert.throws(
      () => makeServer(HOST, 0, hello, { gracePeriod: -1 }),
      RangeError,
    );
  });
});

// ---------------------------------------------------------------------------

describe("WSGIRequestHandler access log", () => {
  test("one Common Log Format line per request", async () => {
    const log = new MemoryErrorStream();
    class Handler extends WSGIRequestHandler {
      override getStderr(): ErrorStream {
        return log;
      }
    }
    await using httpd = serve((environ, startResponse) => {
      if (environ.PATH_INFO === "/boom") throw new Error("boom");
      const status = environ.PATH_INFO === "/missing"
        ? "404 Not Found"
        : "200 OK";
      startResponse(status, [["Content-Type", "text/plain"]]);
      return [bytes("ok")];
    }, { handlerClass: Handler, quiet: false });
    for (const path of ["/p?q", "/missing", "/boom"]) {
      const response = await fetch(urlOf(httpd, path));
      await response.text();
    }
    await until(
      () => (log.getValue().match(/HTTP\/1\.1" /g) ?? []).length === 3,
      2000,
      "three log lines",
    );
    const lines = log.getValue().split("\n").filter((line) =>
      line.startsWith("127.0.0.1 - - [")
    );
    const prefix =
      /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4} \d{2}:\d{2}:\d{2}\] /;
    assert.equal(lines.length, 3, log.getValue());
    for (const line of lines) assert.match(line, prefix);
    assert.ok(lines[0].endsWith(' "GET /p?q HTTP/1.1" 200 2'), lines[0]);
    assert.ok(lines[1].endsWith(' "GET /missing HTTP/1.1" 404 2'), lines[1]);
    assert.ok(
      lines[2].endsWith(` "GET /boom HTTP/1.1" 500 ${ERROR_PAGE.length}`),
      lines[2],
    );
  });

  test("logMessage() escapes control characters as Python does", async () => {
    const log = new MemoryErrorStream();
    class Handler extends WSGIRequestHandler {
      override getStderr(): ErrorStream {
        return log;
      }
    }
    await using httpd = makeServer(HOST, 0, demoApp, { quiet: false });
    const handler = new Handler(
      new Request("http://x/"),
      { hostname: "10.1.2.3", port: 5 },
      httpd,
    );
    handler.logMessage(
      '"%s" %s %d',
      "GET /\x1b[31mred\n\\ \x7f\x85\xe9",
      200,
      "12",
    );
    handler.logRequest(404, 7);
    const [first, second] = log.getValue().split("\n");
    assert.ok(
      first.endsWith(
        '] "GET /\\x1b[31mred\\x0a\\\\ \\x7f\\x85\xe9" 200 12',
      ),
      first,
    );
    assert.match(first, /^10\.1\.2\.3 - - \[/);
    assert.ok(second.endsWith('] "GET / HTTP/1.1" 404 7'), second);
  });

  test("a quiet server logs nothing", async () => {
    const log = new MemoryErrorStream();
    class Handler extends WSGIRequestHandler {
      override getStderr(): ErrorStream {
        return log;
      }
    }
    await using httpd = serve(demoApp, { handlerClass: Handler, quiet: true });
    const response = await fetch(urlOf(httpd));
    await response.text();
    await tick(20);
    assert.equal(log.getValue(), "");
  });

  test("quiet silences the default logMessage only: overrides are still called", async () => {
    const requests: string[] = [];
    const messages: string[] = [];
    class ByRequest extends WSGIRequestHandler {
      override logRequest(code?: string | number, size?: string | number) {
        requests.push(`${this.requestline} ${code} ${size}`);
      }
    }
    class ByMessage extends WSGIRequestHandler {
      override logMessage(format: string, ...args: unknown[]): void {
        messages.push(`${format} ${args.join(" ")}`);
      }
    }
    const app: WSGIApplication = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes("seven!!")];
    };
    for (const handlerClass of [ByRequest, ByMessage]) {
      await using httpd = makeServer(HOST, 0, app, {
        quiet: true,
        handlerClass,
      });
      // handleRequest() settles once the request is over, and logged.
      const served = httpd.handleRequest();
      const response = await fetch(urlOf(httpd, "/q"));
      await response.text();
      await within(served, 2000, "handleRequest()");
    }
    assert.deepEqual(requests, ["GET /q HTTP/1.1 200 7"]);
    assert.deepEqual(messages, ['"%s" %s %s GET /q HTTP/1.1 200 7']);
  });
});

// ---------------------------------------------------------------------------

describe("demoApp", () => {
  test("Hello world!, a blank line, then sorted keys with Python reprs", async () => {
    await using httpd = serve(demoApp);
    const response = await fetch(urlOf(httpd, "/xyz%80?abc"), {
      headers: { "X-Quote": "it's", "X-Both": `a'"b` },
    });
    assert.equal(
      response.headers.get("content-type"),
      "text/plain; charset=utf-8",
    );
    const text = await response.text();
    assert.ok(text.startsWith("Hello world!\n\n"), text);
    const lines = text.slice("Hello world!\n\n".length).split("\n");
    assert.equal(lines.pop(), "", "ends with a newline");
    const keys = lines.map((line) => line.slice(0, line.indexOf(" = ")));
    const sorted = [...keys].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
    assert.deepEqual(keys, sorted, "code-point order");
    assert.ok(keys.indexOf("SERVER_NAME") < keys.indexOf("wsgi.input"));
    const line = (key: string): string | undefined =>
      lines.find((l) => l.startsWith(`${key} = `));
    assert.equal(line("PATH_INFO"), "PATH_INFO = '/xyz\\x80'");
    assert.equal(line("QUERY_STRING"), "QUERY_STRING = 'abc'");
    assert.equal(line("HTTP_X_QUOTE"), `HTTP_X_QUOTE = "it's"`);
    assert.equal(line("HTTP_X_BOTH"), `HTTP_X_BOTH = 'a\\'"b'`);
    assert.equal(line("SERVER_PORT"), `SERVER_PORT = '${httpd.serverPort}'`);
    assert.equal(line("wsgi.multithread"), "wsgi.multithread = True");
    assert.equal(line("wsgi.run_once"), "wsgi.run_once = False");
    assert.equal(line("wsgi.version"), "wsgi.version = (1, 0)");
    assert.match(line("wsgi.input") ?? "", /^wsgi\.input = <\w+ object>$/);
    assert.match(
      line("wsgi.file_wrapper") ?? "",
      /^wsgi\.file_wrapper = <function /,
    );
  });

  test("HEAD: the headers a GET would have, no body, and the validator agrees", async () => {
    const warnings: unknown[] = [];
    await using httpd = serve(
      validator(demoApp, { onWarning: (w) => void warnings.push(w) }),
    );
    const response = await fetch(urlOf(httpd, "/h"), { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "");
    assert.match(response.headers.get("content-length") ?? "", /^[1-9][0-9]*$/);
    assert.deepEqual(warnings, []);
  });
});

// ---------------------------------------------------------------------------

const SIMPLE_SERVER = new URL("../simple_server.ts", import.meta.url).pathname;

/** Whether npm runs here (for `npm start`). */
function hasNpm(): boolean {
  try {
    return new Deno.Command("npm", { args: ["--version"], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Starts the CLI in a child `deno` (the real binary, not the npm wrapper). */
function spawnCli(
  args: string[],
  permissions: string[] = ["-A"],
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, SIMPLE_SERVER, ...args],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs the CLI to its end. */
async function runCli(
  args: string[],
  permissions?: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await within(
    spawnCli(args, permissions).output(),
    10_000,
    "CLI exit",
  );
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** A CLI child serving, with its output collected as it comes. */
class ServingCli {
  readonly process: Deno.ChildProcess;
  stdout = "";
  stderr = "";
  port = 0;
  #collected: Promise<unknown>;

  constructor(args: string[]) {
    this.process = spawnCli(args);
    this.#collected = Promise.all([
      this.#collect(this.process.stdout, "stdout"),
      this.#collect(this.process.stderr, "stderr"),
    ]);
  }

  async #collect(
    stream: ReadableStream<Uint8Array>,
    into: "stdout" | "stderr",
  ): Promise<void> {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      this[into] += text;
    }
  }

  /** Waits for "Serving HTTP on H port P ..." and reads the port. */
  async started(): Promise<void> {
    let exited = false;
    this.process.status.then(() => exited = true);
    await until(
      () => this.stdout.includes("\n") || exited,
      10_000,
      "the Serving line",
    );
    const match = /^Serving HTTP on 127\.0\.0\.1 port (\d+) \.\.\.\n/.exec(
      this.stdout,
    );
    assert.ok(match, `stdout: ${this.stdout}\nstderr: ${this.stderr}`);
    this.port = Number(match[1]);
    assert.notEqual(this.port, 0);
  }

  /** Waits for the exit (killing the child if it takes too long). */
  async exit(): Promise<Deno.CommandStatus> {
    try {
      return await within(this.process.status, 10_000, "CLI exit");
    } catch (error) {
      this.process.kill("SIGKILL");
      await this.process.status;
      throw error;
    } finally {
      await this.#collected;
    }
  }
}

describe("simple_server.ts command line", () => {
  test("serves the demo app; SIGTERM drains and exits 0, the request logged", async () => {
    const cli = new ServingCli(["--port", "0"]);
    try {
      await cli.started();
      const response = await fetch(`http://127.0.0.1:${cli.port}/xyz?abc`);
      const text = await response.text();
      assert.ok(text.startsWith("Hello world!\n\n"));
      assert.ok(text.includes("PATH_INFO = '/xyz'\n"));
      assert.ok(text.includes("QUERY_STRING = 'abc'\n"));
    } finally {
      cli.process.kill("SIGTERM");
      const status = await cli.exit();
      assert.equal(status.code, 0, cli.stderr);
    }
    assert.match(
      cli.stderr,
      /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/xyz\?abc HTTP\/1\.1" 200 \d+$/m,
    );
  });

  test("serves examples/hello.ts, which imports simple_server.ts itself", async () => {
    const hello = new URL("../examples/hello.ts", import.meta.url).pathname;
    const cli = new ServingCli(["--port", "0", hello]);
    try {
      await cli.started();
      const response = await fetch(`http://127.0.0.1:${cli.port}/?name=Ada`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "Hello, Ada!\n");
    } finally {
      cli.process.kill("SIGTERM");
      assert.equal((await cli.exit()).code, 0, cli.stderr);
    }
    const missing = await runCli(["--port", "0", `${hello}:nothere`]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /has no export "nothere" that is a WSGI app/);
  });

  test("serves a module's named export: app.ts:exportName", async () => {
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_cli_" });
    try {
      const module = `${dir}/app.ts`;
      await Deno.writeTextFile(
        module,
        `export function myApp(environ, startResponse) {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [new TextEncoder().encode("mine " + environ.PATH_INFO)];
}
export default function other(environ, startResponse) {
  startResponse("200 OK", []);
  return [new TextEncoder().encode("default")];
}
`,
      );
      for (
        const [spec, expected] of [[`${module}:myApp`, "mine /m"], [
          module,
          "default",
        ]]
      ) {
        const cli = new ServingCli([
          "--port",
          "0",
          "--host",
          "127.0.0.1",
          spec,
        ]);
        try {
          await cli.started();
          const response = await fetch(`http://127.0.0.1:${cli.port}/m`);
          assert.equal(await response.text(), expected, spec);
        } finally {
          cli.process.kill("SIGTERM");
          assert.equal((await cli.exit()).code, 0, cli.stderr);
        }
      }

      // Usage mistakes that need the module: exit 2 with a clear message.
      const [missingModule, missingExport] = await Promise.all([
        runCli(["--port", "0", `${dir}/nope.ts`]),
        runCli(["--port", "0", `${module}:nothere`]),
      ]);
      assert.equal(missingModule.code, 2);
      assert.match(
        missingModule.stderr,
        /cannot load the app module .*nope\.ts/,
      );
      assert.equal(missingExport.code, 2);
      assert.match(
        missingExport.stderr,
        /has no export "nothere" that is a WSGI app.*myApp/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  test("SIGTERM past --grace-period: a never-ending body is cut off, its close() runs once, and the CLI exits 0", async () => {
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_cli_" });
    try {
      await Deno.writeTextFile(`${dir}/app.mjs`, NEVER_ENDING_APP);
      const cli = new ServingCli([
        "--port",
        "0",
        "--grace-period",
        "300",
        `${dir}/app.mjs`,
      ]);
      let client: Promise<"done" | "error"> | undefined;
      try {
        await cli.started();
        const response = await fetch(`http://127.0.0.1:${cli.port}/`);
        const reader = response.body!.getReader();
        await reader.read();
        client = drain(reader);
      } finally {
        cli.process.kill("SIGTERM");
      }
      const started = Date.now();
      const status = await cli.exit();
      assert.equal(status.code, 0, cli.stderr);
      assert.ok(Date.now() - started < 300 + 3000, "exited soon after");
      assert.equal(cli.stderr.match(/^close\(\)$/gm)?.length, 1, cli.stderr);
      assert.equal(await client, "error", "the client sees it cut off");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  test("--help prints the usage and exits 0; mistakes exit 2", async () => {
    const [help, badFlag, badPort, hugePort, twoModules, badGrace] =
      await Promise.all([
        runCli(["--help"]),
        runCli(["--nope"]),
        runCli(["--port", "abc"]),
        runCli(["--port", "70000"]),
        runCli(["a.ts", "b.ts"]),
        runCli(["--grace-period", "-5"]),
      ]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: simple_server\.ts /);
    assert.match(help.stdout, /--port PORT/);
    assert.match(help.stdout, /--grace-period MS/);

    for (
      const [name, result, message] of [
        ["bad flag", badFlag, /--nope/],
        [
          "bad port",
          badPort,
          /--port must be an integer from 0 to 65535, got "abc"/,
        ],
        [
          "huge port",
          hugePort,
          /--port must be an integer from 0 to 65535, got "70000"/,
        ],
        ["two modules", twoModules, /expected at most one app module/],
        [
          "bad grace period",
          badGrace,
          /--grace-period must be a non-negative integer of ms, got "-5"/,
        ],
      ] as const
    ) {
      assert.equal(result.code, 2, `${name}: ${result.stderr}`);
      assert.match(result.stderr, /^simple_server: /, name);
      assert.match(result.stderr, message, name);
      assert.match(result.stderr, /Usage: simple_server\.ts/, name);
      assert.equal(result.stdout, "", name);
    }
  });

  test("an unknown option or a missing value: a message of our own, quotes balanced", async () => {
    for (
      const [args, line] of [
        [["--nope"], "simple_server: unknown option --nope"],
        [["-x", "app.ts"], "simple_server: unknown option -x"],
        [["--port"], "simple_server: --port needs a value"],
        [["--help=yes"], "simple_server: --help takes no value"],
      ] as const
    ) {
      const result = await runCli([...args]);
      assert.equal(result.code, 2, args.join(" "));
      assert.equal(result.stderr.split("\n")[0], line);
      assert.match(result.stderr, /\n\nUsage: simple_server\.ts /);
    }
  });

  test("a missing permission: one line naming the flag, exit 2, no usage", async () => {
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_cli_" });
    try {
      const hello = new URL("../examples/hello.ts", import.meta.url).pathname;
      const envApp = `${dir}/env_app.ts`;
      await Deno.writeTextFile(
        envApp,
        `export const home = Deno.env.get("HOME");
export default () => [];
`,
      );
      for (
        const [permissions, args, line] of [
          [
            ["--allow-net"],
            [hello],
            `simple_server: loading the app module ${hello} needs read access: run with --allow-read (or -A)`,
          ],
          [
            ["--allow-read"],
            [hello],
            "simple_server: listening on 127.0.0.1 port 0 needs net access: run with --allow-net (or -A)",
          ],
          [
            [],
            [],
            "simple_server: listening on 127.0.0.1 port 0 needs net access: run with --allow-net (or -A)",
          ],
          [
            ["--allow-read", "--allow-net"],
            [envApp],
            `simple_server: loading the app module ${envApp} needs env access: run with --allow-env (or -A)`,
          ],
        ] as const
      ) {
        const result = await runCli(["--port", "0", ...args], [
          ...permissions,
          "--no-prompt",
        ]);
        const name = permissions.join(" ") || "no permissions";
        assert.equal(result.code, 2, `${name}: ${result.stderr}`);
        assert.equal(result.stderr, `${line}\n`, name);
        assert.equal(result.stdout, "", name);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  test(
    "npm start: SIGTERM to npm stops the server, which npm does not tell",
    { skip: !hasNpm() && "needs npm (Debian package npm)" },
    async () => {
      const dir = await Deno.makeTempDir({ prefix: "wsgiref_cli_" });
      // The app records the pid of the deno that serves it.
      const app = `${dir}/app.ts`;
      await Deno.writeTextFile(
        app,
        `Deno.writeTextFileSync(${
          JSON.stringify(`${dir}/pid`)
        }, String(Deno.pid));
export default (_environ, startResponse) => {
  startResponse("200 OK", []);
  return [new TextEncoder().encode("from npm start")];
};
`,
      );
      const npm = new Deno.Command("npm", {
        args: ["start", "--", "--port", "0", app],
        cwd: new URL("..", import.meta.url).pathname,
        env: { DENO_NO_UPDATE_CHECK: "1", npm_config_update_notifier: "false" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      let out = "";
      let err = "";
      // Both end when every process holding the pipes (the server) has ended.
      const collected = Promise.all([
        (async () => {
          for await (
            const t of npm.stdout.pipeThrough(new TextDecoderStream())
          ) out += t;
        })(),
        (async () => {
          for await (
            const t of npm.stderr.pipeThrough(new TextDecoderStream())
          ) err += t;
        })(),
      ]);
      let serverPid = 0;
      try {
        const pattern = /^Serving HTTP on 127\.0\.0\.1 port (\d+) \.\.\.$/m;
        await until(() => pattern.test(out), 20_000, "the Serving line");
        const port = Number(pattern.exec(out)![1]);
        serverPid = Number(await Deno.readTextFile(`${dir}/pid`));
        const response = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(await response.text(), "from npm start");

        npm.kill("SIGTERM");
        await within(collected, 10_000, "the server's exit");
        assert.match(err, /^Shutting down \.\.\.$/m);
        assert.ok(await refused(port), "the port is free");
      } finally {
        if (serverPid) {
          try {
            Deno.kill(serverPid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        try {
          npm.kill("SIGKILL");
        } catch {
          // already gone
        }
        await npm.status;
        await collected;
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
});
