// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The fetch gateway (`FetchHandler`, `toFetchHandler`, `fromFetchHandler`),
 * called directly with web `Request`s: the environ, the response, streaming,
 * backpressure, hang-ups and errors. Runtime-neutral: no `Deno.*`.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { validator } from "../validate.ts";
import { applicationUri, requestUri } from "../util.ts";
import {
  AssertionError,
  ClientDisconnectedError,
  FetchHandler,
  fromFetchHandler,
  toFetchHandler,
} from "../handlers.ts";
import { MemoryErrorStream } from "../_error_stream.ts";
import type {
  ResponseBody,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";
import { bytes, gate, tick, within } from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Helpers

const decoder = new TextDecoder();

/** Whether `promise` settled by the next few turns of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true, () => done = true);
  await tick(5);
  return done;
}

/** Runs `app` for a GET of `url` (or a given request) and returns the environ. */
async function environOf(
  request: Request | string,
  options: ConstructorParameters<typeof FetchHandler>[1] = {},
  info?: { remoteAddr?: unknown },
): Promise<WSGIEnvironment> {
  let environ: WSGIEnvironment | undefined;
  const response = await toFetchHandler((env, startResponse) => {
    environ = env;
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return [];
  }, options)(
    typeof request === "string" ? new Request(request) : request,
    info,
  );
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.ok(environ);
  return environ;
}

/** An app answering 200 with `body` (made by `makeBody` per request). */
function appWith(
  makeBody: () => ResponseBody,
  headers: Array<[string, string]> = [["Content-Type", "text/plain"]],
): WSGIApplication {
  return (_environ, startResponse) => {
    startResponse("200 OK", headers);
    return makeBody();
  };
}

/**
 * A `FetchHandler` that keeps the WSGI headers it sent (after
 * `cleanupHeaders`, so with any `Content-Length` it added). The runtime may
 * leave `Content-Length` out of `Response.headers` for a byte body and set
 * it on the wire itself, so the WSGI list is where the decision shows.
 */
class RecordingHandler extends FetchHandler {
  sent: Array<[string, string]> | undefined;

  override sendHeaders(): Promise<void> {
    const done = super.sendHeaders();
    this.sent = this.headers!.items();
    return done;
  }

  /** The `Content-Length` the handler sent, or `null`. */
  contentLength(): string | null {
    const pair = this.sent?.find(([name]) =>
      name.toLowerCase() === "content-length"
    );
    return pair?.[1] ?? null;
  }
}

/** Asserts the response carries `length` (or leaves it to the runtime). */
function assertLength(
  handler: RecordingHandler,
  response: Response,
  length: string | null,
  message?: string,
): void {
  assert.equal(handler.contentLength(), length, message);
  const header = response.headers.get("content-length");
  assert.ok(
    header === null || header === length,
    `${message ?? ""}: Response has content-length ${header}`,
  );
}

/** Reads a whole stream of byte chunks, chunk by chunk. */
async function readChunks(
  body: ReadableStream<Uint8Array> | null,
): Promise<string[]> {
  const chunks: string[] = [];
  if (body === null) return chunks;
  for await (const chunk of body) chunks.push(decoder.decode(chunk));
  return chunks;
}

/**
 * A body that records what happens to it: `yields` counts chunks produced,
 * `closes` the calls of `close()`, `finallyRan` the generator's `finally`;
 * `log` gets "close" on `close()`.
 */
class Probe {
  yields = 0;
  closes = 0;
  finallyRan = 0;
  log: string[] = [];

  /** An async generator of `count` chunks `"0"`, `"1"`… (Infinity: endless). */
  asyncBody(count = Infinity, hold?: Promise<void>): ResponseBody {
    async function* chunks(probe: Probe): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < count; i++) {
          if (i === 1 && hold) await hold;
          probe.yields++;
          yield bytes(String(i));
        }
      } finally {
        probe.finallyRan++;
      }
    }
    return this.closable(chunks(this));
  }

  /** A sync generator of `count` chunks `"0"`, `"1"`… */
  syncBody(count = Infinity): ResponseBody {
    function* chunks(probe: Probe): Generator<Uint8Array> {
      try {
        for (let i = 0; i < count; i++) {
          probe.yields++;
          yield bytes(String(i));
        }
      } finally {
        probe.finallyRan++;
      }
    }
    return this.closable(chunks(this));
  }

  /** `body` with a counting `close()`. */
  closable<T extends object>(body: T): T & { close(): void } {
    return Object.assign(body, {
      close: () => {
        this.closes++;
        this.log.push("close");
      },
    });
  }
}

// ---------------------------------------------------------------------------

describe("FetchHandler environ", () => {
  test("SERVER_NAME and SERVER_PORT come from the request URL", async () => {
    const rows: Array<[string, string, string, string | undefined, string]> = [
      ["http://localhost/a?b=1", "localhost", "80", undefined, "http"],
      ["http://example.com:8080/", "example.com", "8080", undefined, "http"],
      ["https://example.com/", "example.com", "443", "on", "https"],
      ["https://example.com:8443/", "example.com", "8443", "on", "https"],
      ["http://[::1]:81/", "[::1]", "81", undefined, "http"],
      ["http://[::1]/", "[::1]", "80", undefined, "http"],
    ];
    for (const [url, name, port, https, scheme] of rows) {
      const environ = await environOf(url);
      assert.equal(environ.SERVER_NAME, name, url);
      assert.equal(environ.SERVER_PORT, port, url);
      assert.equal(environ.HTTPS, https, url);
      assert.equal(environ["wsgi.url_scheme"], scheme, url);
    }
  });

  test("PATH_INFO is percent-decoded as ISO-8859-1, invalid escapes kept", async () => {
    const rows: Array<[string, string]> = [
      ["http://h/a", "/a"],
      ["http://h", "/"],
      ["http://h/caf\u00e9", "/caf\u00c3\u00a9"], // UTF-8 bytes, one code point each
      ["http://h/caf%C3%A9", "/caf\u00c3\u00a9"],
      ["http://h/a%20b/%2Fc%E9", "/a b//c\u00e9"],
      ["http://h/%zz%e9%C3%A9", "/%zz\u00e9\u00c3\u00a9"],
      ["http://h/%", "/%"],
      ["http://h/%4", "/%4"],
      ["http://h/%00%0A", "/\x00\n"],
      ["http://h/a%3Fb?c", "/a?b"],
    ];
    for (const [url, path] of rows) {
      assert.equal((await environOf(url)).PATH_INFO, path, url);
    }
  });

  test("PATH_INFO is the WHATWG-normalised path, and a leading // collapses", async () => {
    const rows: Array<[string, string]> = [
      ["http://h/a/%2e%2e/b", "/b"],
      ["http://h/a/../b", "/b"],
      ["http://h/a/./b", "/a/b"],
      ["http://h//x", "/x"],
      ["http://h///x//y?a", "/x//y"],
    ];
    for (const [url, path] of rows) {
      assert.equal((await environOf(url)).PATH_INFO, path, url);
    }
  });

  test("a raw request target (as Deno.serve gives it) is WHATWG-normalised first", async () => {
    // `Deno.serve` hands over the target as sent: dot segments, `\\`, and
    // raw UTF-8 decoded as text. `new Request` would normalise the URL, so a
    // subclass stands in for the runtime's request.
    class RawRequest extends Request {
      #raw: string;
      constructor(raw: string) {
        super("http://h/");
        this.#raw = raw;
      }
      // @ts-ignore: @types/node declares `url` a property; Deno and runtimes allow the getter
      override get url(): string {
        return this.#raw;
      }
    }
    const rows: Array<[string, string, string]> = [
      ["http://h/a/../b", "/b", ""],
      ["http://h/a/%2e%2E/b?x", "/b", "x"],
      ["http://h/a/./b", "/a/b", ""],
      ["http://h/a\\b", "/a/b", ""],
      ["http://h/caf\u00e9?q=\u00e9", "/caf\u00c3\u00a9", "q=%C3%A9"],
      ["http://h/\u20ac", "/\u00e2\u0082\u00ac", ""],
      ["http://h/.well-known/x", "/.well-known/x", ""],
      ["http://h//x/../y", "/y", ""],
    ];
    for (const [url, path, query] of rows) {
      const environ = await environOf(new RawRequest(url));
      assert.equal(environ.PATH_INFO, path, url);
      assert.equal(environ.QUERY_STRING, query, url);
      assert.ok(
        [...environ.PATH_INFO].every((c) => c.charCodeAt(0) <= 0xff),
        "ISO-8859-1 only",
      );
    }
  });

  test("QUERY_STRING is the raw query, without ? or fragment", async () => {
    const rows: Array<[string, string]> = [
      ["http://h/p?q", "q"],
      ["http://h/p?a=%20b&c=%zz", "a=%20b&c=%zz"],
      ["http://h/p??", "?"],
      ["http://h/p?x#frag", "x"],
      ["http://h/p#frag?no", ""],
      ["http://h/p", ""],
      ["http://h/p?", ""],
    ];
    for (const [url, query] of rows) {
      assert.equal((await environOf(url)).QUERY_STRING, query, url);
    }
  });

  test("CGI defaults: CONTENT_TYPE text/plain and CONTENT_LENGTH empty when absent", async () => {
    const environ = await environOf("http://localhost/a?b=1");
    assert.equal(environ.REQUEST_METHOD, "GET");
    assert.equal(environ.SCRIPT_NAME, "");
    assert.equal(environ.SERVER_PROTOCOL, "HTTP/1.1");
    assert.equal(environ.GATEWAY_INTERFACE, "CGI/1.1");
    assert.equal(environ.REMOTE_HOST, "");
    assert.equal(environ.CONTENT_TYPE, "text/plain");
    assert.equal(environ.CONTENT_LENGTH, "");
    assert.equal("REMOTE_ADDR" in environ, false);
    assert.equal("REMOTE_PORT" in environ, false);
  });

  test("CONTENT_TYPE and CONTENT_LENGTH come from the request headers", async () => {
    const environ = await environOf(
      new Request("http://h/", {
        method: "POST",
        body: "a=1",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": "3",
        },
      }),
    );
    assert.equal(environ.CONTENT_TYPE, "application/x-www-form-urlencoded");
    assert.equal(environ.CONTENT_LENGTH, "3");
    assert.equal("HTTP_CONTENT_TYPE" in environ, false);
    assert.equal("HTTP_CONTENT_LENGTH" in environ, false);
  });

  test("a body that ends before its Content-Length (an HTTP/2 upload reset on Deno) rejects wsgi.input's read with ClientDisconnectedError", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("abc"));
        controller.close();
      },
    });
    let caught: unknown;
    const handler = toFetchHandler(async (environ, startResponse) => {
      try {
        await environ["wsgi.input"].read();
      } catch (error) {
        caught = error;
        throw error;
      }
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes("read it all")];
    }, { errors: new MemoryErrorStream() });
    const response = await handler(
      new Request("http://h/", {
        method: "POST",
        headers: { "Content-Length": "10" },
        body,
        duplex: "half",
      } as RequestInit),
    );
    await response.body?.cancel();
    assert.ok(caught instanceof ClientDisconnectedError, String(caught));
    assert.match(String(caught), /Content-Length \(10 bytes\), got 3/);
  });

  test("CONTENT_LENGTH is absent for a chunked body, as docs/api.md says", async () => {
    const environ = await environOf(
      new Request("http://h/", {
        method: "POST",
        headers: { "transfer-encoding": "chunked" },
        body: "abc",
      }),
    );
    assert.equal("CONTENT_LENGTH" in environ, false);
    assert.equal(environ.HTTP_TRANSFER_ENCODING, "chunked");
    assert.equal(environ["wsgi.input_terminated"], true);
  });

  test('a streamed body with no length has CONTENT_LENGTH "" and is read to its end', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes("abc"));
        controller.close();
      },
    });
    const request = new Request("http://h/", {
      method: "POST",
      body,
      // @ts-ignore: `duplex` is required for a streamed body.
      duplex: "half",
    });
    const response = await toFetchHandler(async (environ, startResponse) => {
      assert.equal(environ.CONTENT_LENGTH, "");
      assert.equal(environ["wsgi.input_terminated"], true);
      const data = await environ["wsgi.input"].read();
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [data];
    })(request);
    assert.equal(await response.text(), "abc");
  });

  test("request headers become HTTP_* keys; names with _ are dropped", async () => {
    const headers = new Headers();
    headers.append("X-Name", "ada");
    headers.append("X_Name", "spoof");
    headers.append("X_Forwarded_For", "1.2.3.4");
    headers.append("Accept-Language", "en");
    headers.append("Http-Foo", "bar");
    const environ = await environOf(new Request("http://h/", { headers }));
    assert.equal(environ.HTTP_X_NAME, "ada");
    assert.equal(environ.HTTP_ACCEPT_LANGUAGE, "en");
    assert.equal(environ.HTTP_HTTP_FOO, "bar");
    assert.equal("HTTP_X_FORWARDED_FOR" in environ, false);
    assert.deepEqual(
      Object.keys(environ).filter((key) => key.startsWith("HTTP_")).sort(),
      // HTTP_HOST: the URL's authority, since the request has no Host field.
      ["HTTP_ACCEPT_LANGUAGE", "HTTP_HOST", "HTTP_HTTP_FOO", "HTTP_X_NAME"],
    );
  });

  test("no Host field: HTTP_HOST is the URL's authority (HTTP/2's :authority)", async () => {
    const h2 = await environOf("https://example.test:8443/a?b");
    assert.equal(h2.HTTP_HOST, "example.test:8443");
    assert.equal(h2.SERVER_NAME, "example.test");
    // A Host field wins over the URL.
    const headers = { host: "given.example" };
    const given = await environOf(
      new Request("http://example.test/", { headers }),
    );
    assert.equal(given.HTTP_HOST, "given.example");
    // Deno's stand-in for an HTTP/1 request that sent no Host is not a Host.
    for (const url of ["http://localhost:8000/", "http://localhost/"]) {
      assert.equal((await environOf(url)).HTTP_HOST, undefined, url);
    }
  });

  test("repeated request headers are joined as the runtime joins them", async () => {
    const headers = new Headers();
    headers.append("X-Dup", "a");
    headers.append("X-Dup", "b");
    headers.append("Cookie", "a=1");
    headers.append("Cookie", "b=2");
    const request = new Request("http://h/", { headers });
    const environ = await environOf(request);
    assert.equal(environ.HTTP_X_DUP, request.headers.get("x-dup"));
    assert.equal(environ.HTTP_X_DUP, "a, b");
    assert.equal(environ.HTTP_COOKIE, request.headers.get("cookie"));
  });

  test("REMOTE_ADDR and REMOTE_PORT come from info.remoteAddr, else options.remoteAddr", async () => {
    const fromInfo = await environOf("http://h/", {}, {
      remoteAddr: { transport: "tcp", hostname: "10.0.0.1", port: 4321 },
    });
    assert.equal(fromInfo.REMOTE_ADDR, "10.0.0.1");
    assert.equal(fromInfo.REMOTE_PORT, "4321");

    const fromOption = await environOf("http://h/", {
      remoteAddr: { hostname: "10.0.0.2", port: 99 },
    });
    assert.equal(fromOption.REMOTE_ADDR, "10.0.0.2");
    assert.equal(fromOption.REMOTE_PORT, "99");

    const both = await environOf("http://h/", {
      remoteAddr: { hostname: "10.0.0.2", port: 99 },
    }, { remoteAddr: { hostname: "10.0.0.1", port: 4321 } });
    assert.equal(both.REMOTE_ADDR, "10.0.0.1");

    // Anything not shaped like an address is ignored.
    for (const info of [{ remoteAddr: "1.2.3.4" }, { remoteAddr: null }, {}]) {
      const environ = await environOf("http://h/", {}, info);
      assert.equal("REMOTE_ADDR" in environ, false);
    }
  });

  test("REMOTE_ADDR and REMOTE_PORT come from Bun's server.requestIP(request)", async () => {
    // Bun calls fetch(request, server); its Server type has no remoteAddr,
    // and the handler must type-check as Bun's fetch.
    const server = {
      port: 3000,
      requestIP: (request: Request) =>
        new URL(request.url).pathname === "/unix"
          ? null
          : { address: "10.0.0.7", family: "IPv4", port: 5555 },
    };
    const seen: WSGIEnvironment[] = [];
    const fetch: (
      request: Request,
      bun: typeof server,
    ) => Response | Promise<Response> = toFetchHandler(
      (environ, startResponse) => {
        seen.push(environ);
        startResponse("200 OK", []);
        return [];
      },
    );
    await (await fetch(new Request("http://h/"), server)).arrayBuffer();
    assert.equal(seen[0].REMOTE_ADDR, "10.0.0.7");
    assert.equal(seen[0].REMOTE_PORT, "5555");
    // A Unix socket has no address: no REMOTE_ADDR.
    await (await fetch(new Request("http://h/unix"), server)).arrayBuffer();
    assert.equal("REMOTE_ADDR" in seen[1], false);
  });

  test("baseEnviron is merged: server keys kept, SERVER_NAME/PORT taken from it", async () => {
    const environ = await environOf("http://localhost:8000/p", {
      baseEnviron: {
        SERVER_NAME: "example.org",
        SERVER_PORT: "443",
        "myapp.key": 42,
        PATH_INFO: "/overridden",
      },
    });
    assert.equal(environ.SERVER_NAME, "example.org");
    assert.equal(environ.SERVER_PORT, "443");
    assert.equal(environ["myapp.key"], 42);
    assert.equal(environ.PATH_INFO, "/p"); // the request's values win
  });

  test("wsgi.* keys, wsgiref.request and wsgiref.signal", async () => {
    const errors = new MemoryErrorStream();
    const request = new Request("http://h/");
    const environ = await environOf(request, { errors });
    assert.deepEqual(environ["wsgi.version"], [1, 0]);
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal(environ["wsgi.errors"], errors);
    assert.equal(environ["wsgi.multithread"], true);
    assert.equal(environ["wsgi.multiprocess"], false);
    assert.equal(environ["wsgi.run_once"], false);
    assert.equal(environ["wsgi.input_terminated"], true);
    assert.equal(typeof environ["wsgi.file_wrapper"], "function");
    assert.equal(typeof environ["wsgi.input"].read, "function");
    assert.equal(environ["wsgiref.request"], request);

    const signal = environ["wsgiref.signal"];
    assert.ok(signal instanceof AbortSignal);
    assert.equal(
      environ["wsgiref.signal"],
      signal,
      "the same signal each time",
    );
    assert.equal(
      signal.aborted,
      false,
      "a normal completion does not abort it",
    );
    // Made lazily, yet an own key like any other: listed, copied, settable.
    assert.ok(Object.keys(environ).includes("wsgiref.signal"));
    assert.equal({ ...environ }["wsgiref.signal"], signal);
    const replacement = new AbortController().signal;
    environ["wsgiref.signal"] = replacement;
    assert.equal(environ["wsgiref.signal"], replacement);
  });

  test("wsgi.input reads the request body", async () => {
    let received = "";
    const response = await toFetchHandler(async (environ, startResponse) => {
      received = decoder.decode(await environ["wsgi.input"].read());
      startResponse("200 OK", []);
      return [];
    })(new Request("http://h/", { method: "PUT", body: "payload" }));
    assert.equal(response.status, 200);
    assert.equal(received, "payload");
  });
});

// ---------------------------------------------------------------------------

describe("FetchHandler Content-Length", () => {
  test("is added for a body known whole, not for async or multi-chunk ones", async () => {
    const rows: Array<[string, () => ResponseBody, string | null, string]> = [
      ["empty array", () => [], "0", ""],
      ["array of one chunk", () => [bytes("abc")], "3", "abc"],
      ["array of one empty chunk", () => [new Uint8Array(0)], "0", ""],
      [
        "sync generator done after its first chunk",
        function* () {
          yield bytes("abc");
        },
        "3",
        "abc",
      ],
      [
        "sync generator with empty chunks around one",
        function* () {
          yield new Uint8Array(0);
          yield bytes("abc");
          yield new Uint8Array(0);
        },
        null,
        "abc",
      ],
      ["empty sync generator", function* () {}, "0", ""],
      ["Set of one chunk", () => new Set([bytes("abc")]), "3", "abc"],
      ["array of two chunks", () => [bytes("ab"), bytes("c")], null, "abc"],
      [
        "sync generator of two chunks",
        function* () {
          yield bytes("ab");
          yield bytes("c");
        },
        null,
        "abc",
      ],
      [
        "async generator of one chunk",
        async function* () {
          yield await Promise.resolve(bytes("abc"));
        },
        null,
        "abc",
      ],
      [
        "ReadableStream of one chunk",
        () => ReadableStream.from([bytes("abc")]),
        null,
        "abc",
      ],
    ];
    for (const [name, makeBody, length, text] of rows) {
      const handler = new RecordingHandler(new Request("http://h/"));
      const response = await handler.respond(appWith(makeBody));
      assert.equal(response.status, 200, name);
      assertLength(handler, response, length, name);
      assert.equal(await response.text(), text, name);
    }
  });

  test("an app that reuses its header list never sees Content-Length in it", async () => {
    const headers: Array<[string, string]> = [["Content-Type", "text/plain"]];
    for (let i = 0; i < 2; i++) {
      const handler = new RecordingHandler(new Request("http://h/"));
      const response = await handler.respond(
        appWith(() => [bytes("abc")], headers),
      );
      assertLength(handler, response, "3");
      await response.text();
    }
    assert.deepEqual(headers, [["Content-Type", "text/plain"]]);
  });

  test("an app's own Content-Length is kept and the body cut there, then closed", async () => {
    const rows: Array<[string, (probe: Probe) => ResponseBody]> = [
      // Bounded, so a cut that does not happen fails here, never hangs.
      ["sync generator", (probe) => probe.syncBody(50)],
      ["async generator", (probe) => probe.asyncBody(50)],
      ["one long chunk", (probe) => probe.closable([bytes("0123456789")])],
      [
        "chunks crossing the length",
        (probe) => probe.closable([bytes("01"), bytes("234567"), bytes("8")]),
      ],
    ];
    for (const [name, makeBody] of rows) {
      const probe = new Probe();
      const handler = new RecordingHandler(new Request("http://h/"));
      const response = await handler.respond(
        appWith(() => makeBody(probe), [["Content-Length", "3"]]),
      );
      assertLength(handler, response, "3", name);
      assert.equal(await within(response.text(), 2000, name), "012", name);
      await within(handler.finished, 1000, name);
      assert.equal(probe.closes, 1, `${name}: close() once`);
      assert.ok(probe.yields <= 4, `${name}: stopped, ${probe.yields} yields`);
      if (name.includes("generator")) {
        assert.equal(probe.finallyRan, 1, `${name}: finally ran`);
      }
    }
  });

  test("an app's own Server header is kept over the server's default", async () => {
    class Serving extends RecordingHandler {
      override serverSoftware = "WSGIServer/0.2 Test/1";
    }
    const own = new Serving(new Request("http://h/"));
    const mine = await own.respond(
      appWith(() => [bytes("x")], [["Server", "mine/1.0"]]),
    );
    assert.equal(mine.headers.get("server"), "mine/1.0");
    assert.deepEqual(own.sent?.filter(([n]) => n === "Server"), [
      ["Server", "mine/1.0"],
    ]);
    const given = await new Serving(new Request("http://h/")).respond(
      appWith(() => [bytes("x")]),
    );
    assert.equal(given.headers.get("server"), "WSGIServer/0.2 Test/1");
  });

  test("empty chunks before an error: the headers wait, the 500 page goes out", async () => {
    const errors = new MemoryErrorStream();
    const response = await new FetchHandler(new Request("http://h/"), {
      errors,
    }).respond(appWith(function* () {
      yield new Uint8Array(0);
      yield new Uint8Array(0);
      yield new Uint8Array(0);
      throw new Error("after three empty chunks");
    }));
    assert.equal(response.status, 500);
    assert.match(await response.text(), /A server error occurred/);
    assert.match(errors.getValue(), /after three empty chunks/);
  });

  test("the error page itself failing still answers 500", async () => {
    class Broken extends FetchHandler {
      override errorOutput(): ResponseBody {
        throw new Error("the page failed too");
      }
    }
    const errors = new MemoryErrorStream();
    const handler = new Broken(new Request("http://h/"), { errors });
    const response = await handler.respond(() => {
      throw new Error("the app failed");
    });
    assert.equal(response.status, 500);
    await within(handler.finished, 1000, "finished");
    assert.match(errors.getValue(), /the app failed/);
  });

  test("a signed CONTENT_LENGTH (+3, -1) is no length: wsgi.input reads it all", async () => {
    for (const length of ["+3", "-1"]) {
      const request = new Request("http://h/", {
        method: "POST",
        body: "abcdef",
        headers: { "content-length": length },
      });
      const response = await toFetchHandler(async (environ, startResponse) => {
        const body = await environ["wsgi.input"].read();
        startResponse("200 OK", []);
        return [body];
      })(request);
      assert.equal(await response.text(), "abcdef", length);
    }
  });

  test("a 204, 205 or 304 response has no body, whatever the app sends", async () => {
    const bodies: Array<[string, () => ResponseBody]> = [
      ["empty", () => []],
      ["one chunk", () => [bytes("x")]],
      ["stream", async function* () {
        yield bytes("x");
        yield bytes("y");
      }],
    ];
    for (
      const status of [
        "204 No Content",
        "205 Reset Content",
        "304 Not Modified",
      ]
    ) {
      for (const [name, makeBody] of bodies) {
        const errors = new MemoryErrorStream();
        const handler = new FetchHandler(new Request("http://h/"), { errors });
        const response = await handler.respond((_environ, startResponse) => {
          startResponse(status, [["ETag", '"v1"']]);
          return makeBody();
        });
        const label = `${status}, ${name}`;
        assert.equal(response.status, Number(status.slice(0, 3)), label);
        assert.equal(response.headers.get("etag"), '"v1"', label);
        assert.equal(response.body, null, label);
        // No length of content that is not there: a runtime that sends the
        // Response as it is (Bun, workerd) must not frame a body.
        if (status !== "304 Not Modified") {
          assert.ok(
            [null, "0"].includes(response.headers.get("content-length")),
            `${label}: Content-Length ${
              response.headers.get("content-length")
            }`,
          );
        }
        await within(handler.finished, 1000, label);
        assert.equal(errors.getValue(), "", label);
      }
    }
  });

  test("HEAD gets the headers a GET would, with Content-Length", async () => {
    let method = "";
    const handler = new RecordingHandler(
      new Request("http://h/", { method: "HEAD" }),
    );
    const response = await handler.respond((environ, startResponse) => {
      method = environ.REQUEST_METHOD;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes("hello")];
    });
    assert.equal(method, "HEAD");
    assert.equal(response.status, 200);
    assertLength(handler, response, "5");
    assert.equal(response.headers.get("content-type"), "text/plain");
    await response.body?.cancel();
  });
});

// ---------------------------------------------------------------------------

describe("FetchHandler bodies and apps", () => {
  test("an async app", async () => {
    const response = await toFetchHandler(async (_environ, startResponse) => {
      await tick();
      startResponse("201 Created", [["X-Async", "yes"]]);
      return [bytes("made")];
    })(new Request("http://h/"));
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-async"), "yes");
    assert.equal(await response.text(), "made");
  });

  test("an async generator body streams chunk by chunk", async () => {
    const response = await toFetchHandler(appWith(async function* () {
      yield bytes("a");
      await tick();
      yield bytes("");
      yield bytes("b");
    }))(new Request("http://h/"));
    assert.deepEqual(await readChunks(response.body), ["a", "b"]);
  });

  test("a ReadableStream body streams, and is cancelled when the client leaves", async () => {
    const response = await toFetchHandler(
      appWith(() => ReadableStream.from([bytes("x"), bytes("y"), bytes("z")])),
    )(new Request("http://h/"));
    assert.deepEqual(await readChunks(response.body), ["x", "y", "z"]);

    let cancelled: unknown = undefined;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes("."));
      },
      cancel(reason) {
        cancelled = reason ?? "cancelled";
      },
    });
    const handler = new FetchHandler(new Request("http://h/"));
    const response2 = await handler.respond(appWith(() => endless));
    const reader = response2.body!.getReader();
    assert.equal(decoder.decode((await reader.read()).value), ".");
    await reader.cancel();
    await within(handler.finished, 1000, "finished");
    assert.notEqual(cancelled, undefined);
  });

  test("write(): chunks written, then the body, in order", async () => {
    const rows: Array<[string, WSGIApplication]> = [
      ["writes ignored, array body", (_environ, startResponse) => {
        const write = startResponse("200 OK", []);
        write(bytes("a"));
        write(bytes("b"));
        return [bytes("c")];
      }],
      ["writes ignored, empty body", (_environ, startResponse) => {
        const write = startResponse("200 OK", []);
        write(bytes("a"));
        write(bytes("b"));
        return [];
      }],
      ["writes ignored, generator body", (_environ, startResponse) => {
        const write = startResponse("200 OK", []);
        write(bytes("a"));
        write(bytes("b"));
        return (function* () {
          yield bytes("c");
        })();
      }],
      ["writes awaited", async (_environ, startResponse) => {
        const write = startResponse("200 OK", []);
        await write(bytes("a"));
        await write(bytes("b"));
        return [bytes("c")];
      }],
    ];
    for (const [name, app] of rows) {
      const response = await toFetchHandler(app)(new Request("http://h/"));
      const expected = name.includes("empty") ? "ab" : "abc";
      assert.equal(await response.text(), expected, name);
      assert.equal(response.headers.get("content-length"), null, name);
    }
  });

  test("write() checks its argument and the state synchronously", async () => {
    const seen: unknown[] = [];
    const response = await toFetchHandler((_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      try {
        write("text" as unknown as Uint8Array);
      } catch (error) {
        seen.push(error);
      }
      return [];
    })(new Request("http://h/"));
    assert.equal(response.status, 200);
    assert.ok(seen[0] instanceof TypeError);
  });

  test("a generator may call startResponse in its first iteration", async () => {
    const response = await toFetchHandler((_environ, startResponse) =>
      (function* () {
        startResponse("202 Accepted", [["X-Lazy", "1"]]);
        yield bytes("lazy");
      })()
    )(new Request("http://h/"));
    assert.equal(response.status, 202);
    assert.equal(response.headers.get("x-lazy"), "1");
    assert.equal(await response.text(), "lazy");
  });

  test("repeated response headers and Set-Cookie survive", async () => {
    const response = await toFetchHandler(appWith(() => [], [
      ["Set-Cookie", "a=1"],
      ["Set-Cookie", "b=2"],
      ["Vary", "Accept"],
      ["Vary", "Cookie"],
    ]))(new Request("http://h/"));
    assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
    assert.equal(response.headers.get("vary"), "Accept, Cookie");
  });
});

// ---------------------------------------------------------------------------

describe("FetchHandler errors", () => {
  const SECRET = "secret-detail-4711";

  async function assertErrorPage(response: Response): Promise<void> {
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("content-type"), "text/plain");
    const text = await response.text();
    assert.equal(
      text,
      "A server error occurred.  Please contact the administrator.",
    );
    const length = response.headers.get("content-length");
    assert.ok(length === null || length === String(text.length));
    assert.ok(!text.includes(SECRET));
  }

  test("an error before the headers gives the 500 page; the stack goes to errors only", async () => {
    const rows: Array<[string, WSGIApplication]> = [
      ["app throws", () => {
        throw new Error(SECRET);
      }],
      ["async app rejects", async () => {
        await tick();
        throw new Error(SECRET);
      }],
      ["body throws before its first chunk", (_environ, startResponse) => {
        startResponse("200 OK", []);
        // deno-lint-ignore require-yield
        return (function* (): Generator<Uint8Array> {
          throw new Error(SECRET);
        })();
      }],
      ["startResponse never called", () => {
        throw new Error(SECRET);
      }],
    ];
    for (const [name, app] of rows) {
      const errors = new MemoryErrorStream();
      const handler = new FetchHandler(new Request("http://h/"), { errors });
      const response = await handler.respond(app);
      await assertErrorPage(response);
      await within(handler.finished, 1000, name);
      const log = errors.getValue();
      assert.match(log, /^Traceback \(most recent call last\):\n/, name);
      assert.ok(log.includes(`Error: ${SECRET}`), name);
    }
  });

  test("an app that returns without calling startResponse gets the 500 page", async () => {
    const errors = new MemoryErrorStream();
    const response = await toFetchHandler(() => [], { errors })(
      new Request("http://h/"),
    );
    assert.equal(response.status, 500);
    await response.body?.cancel();
    assert.match(errors.getValue(), /start_response/);
  });

  test("an error after the headers errors the body stream; close() runs once", async () => {
    const errors = new MemoryErrorStream();
    const probe = new Probe();
    const handler = new FetchHandler(new Request("http://h/"), { errors });
    const response = await handler.respond(
      appWith(() =>
        probe.closable((function* () {
          yield bytes("partial");
          yield bytes("-more");
          throw new Error(SECRET);
        })())
      ),
    );
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    assert.equal(decoder.decode((await reader.read()).value), "partial");
    assert.equal(decoder.decode((await reader.read()).value), "-more");
    await assert.rejects(reader.read());
    await within(handler.finished, 1000, "finished");
    assert.equal(probe.closes, 1);
    assert.ok(errors.getValue().includes(`Error: ${SECRET}`));

    // The same, read with text(): the read rejects rather than truncating silently.
    const handler2 = new FetchHandler(new Request("http://h/"), { errors });
    const response2 = await handler2.respond(appWith(async function* () {
      yield bytes("partial");
      await tick();
      throw new Error(SECRET);
    }));
    await assert.rejects(response2.text());
    await within(handler2.finished, 1000, "finished");
  });

  test("CR/LF in a header value gives 500 and injects nothing", async () => {
    for (
      const value of ["a\r\nInjected: yes", "a\nInjected: yes", "a\rb", "a\x00"]
    ) {
      const errors = new MemoryErrorStream();
      const response = await toFetchHandler((_environ, startResponse) => {
        startResponse("200 OK", [["X-Evil", value]]);
        return [bytes("body")];
      }, { errors })(new Request("http://h/"));
      await assertErrorPage(response);
      assert.equal(response.headers.get("injected"), null);
      assert.equal(response.headers.get("x-evil"), null);
      assert.match(errors.getValue(), /TypeError/);
    }
  });

  test("a hop-by-hop header from the app gives 500", async () => {
    for (
      const name of ["Connection", "Transfer-Encoding", "keep-alive", "Upgrade"]
    ) {
      const errors = new MemoryErrorStream();
      const response = await toFetchHandler((_environ, startResponse) => {
        startResponse("200 OK", [[name, "x"]]);
        return [bytes("body")];
      }, { errors })(new Request("http://h/"));
      await assertErrorPage(response);
      assert.match(errors.getValue(), /AssertionError: Hop-by-hop header/);
    }
  });

  test("a status outside 200–599 or malformed gives the 500 page, not a crash", async () => {
    for (
      const status of ["099 X", "600 X", "999 Nope", "100 Continue", "20 OK"]
    ) {
      const errors = new MemoryErrorStream();
      const handler = new FetchHandler(new Request("http://h/"), { errors });
      const response = await handler.respond((_environ, startResponse) => {
        startResponse(status, []);
        return [bytes("x")];
      });
      await assertErrorPage(response);
      await within(handler.finished, 1000, status);
      assert.match(errors.getValue(), /Traceback/, status);
    }
  });

  test("startResponse errors are AssertionError from the shared module", async () => {
    let caught: unknown;
    const response = await toFetchHandler((_environ, startResponse) => {
      startResponse("200 OK", []);
      try {
        startResponse("200 OK", []);
      } catch (error) {
        caught = error;
      }
      return [];
    })(new Request("http://h/"));
    assert.equal(response.status, 200);
    assert.ok(caught instanceof AssertionError);
    assert.equal((caught as Error).message, "Headers already set!");
  });
});

// ---------------------------------------------------------------------------

describe("FetchHandler maxRequestBodySize", () => {
  test("a Content-Length over it gets 413 before the app runs", async () => {
    let called = false;
    const handler = new FetchHandler(
      new Request("http://h/", {
        method: "POST",
        body: "x".repeat(11),
        headers: { "Content-Length": "11" },
      }),
      { maxRequestBodySize: 10 },
    );
    const response = await handler.respond(() => {
      called = true;
      return [];
    });
    assert.equal(response.status, 413);
    assert.equal(await response.text(), "Request body too large");
    await within(handler.finished, 1000, "finished");
    assert.equal(called, false);
  });

  test("a Content-Length at the limit is served", async () => {
    const response = await toFetchHandler(async (environ, startResponse) => {
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", []);
      return [body];
    }, { maxRequestBodySize: 10 })(
      new Request("http://h/", {
        method: "POST",
        body: "x".repeat(10),
        headers: { "Content-Length": "10" },
      }),
    );
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "x".repeat(10));
  });

  test("a streamed body growing past it rejects the read with RangeError: 413", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent++;
        controller.enqueue(bytes("x".repeat(4)));
        if (sent === 10) controller.close();
      },
    });
    let caught: unknown;
    let called = false;
    const errors = new MemoryErrorStream();
    const response = await toFetchHandler(async (environ) => {
      called = true;
      try {
        await environ["wsgi.input"].read();
      } catch (error) {
        caught = error;
        throw error;
      }
      return [];
    }, { maxRequestBodySize: 10, errors })(
      new Request("http://h/", {
        method: "POST",
        body,
        // @ts-ignore: `duplex` is required for a streamed body.
        duplex: "half",
      }),
    );
    assert.equal(called, true);
    assert.ok(caught instanceof RangeError);
    assert.equal(response.status, 413);
    assert.equal(await response.text(), "Request body too large");
    assert.ok(sent < 10, "the body was not read to its end");
  });

  test("the option is validated", () => {
    const app: WSGIApplication = () => [];
    for (const value of [-1, 1.5, NaN, "10", null]) {
      assert.throws(
        () =>
          toFetchHandler(app, {
            maxRequestBodySize: value as unknown as number,
          }),
        RangeError,
        String(value),
      );
      assert.throws(
        () =>
          new FetchHandler(new Request("http://h/"), {
            maxRequestBodySize: value as unknown as number,
          }),
        RangeError,
      );
    }
    assert.throws(
      () => toFetchHandler(app, { maxRequestBodySize: -1 }),
      { message: "maxRequestBodySize must be a non-negative integer, got -1" },
    );
    for (const value of [0, 10, Infinity, undefined]) {
      toFetchHandler(app, { maxRequestBodySize: value });
    }
  });
});

// ---------------------------------------------------------------------------

describe("FetchHandler streaming", () => {
  test("the first chunk is readable before the app produces the second", async () => {
    const hold = gate();
    const probe = new Probe();
    const handler = new FetchHandler(new Request("http://h/"));
    const response = await handler.respond(
      appWith(() => probe.asyncBody(2, hold.promise)),
    );
    const reader = response.body!.getReader();
    const first = await within(reader.read(), 1000, "first chunk");
    assert.equal(decoder.decode(first.value), "0");
    assert.equal(probe.yields, 1);
    hold.open();
    assert.equal(decoder.decode((await reader.read()).value), "1");
    assert.equal((await reader.read()).done, true);
    await within(handler.finished, 1000, "finished");
    assert.equal(probe.closes, 1);
  });

  test("respond() settles with the headers before the body is done", async () => {
    const hold = gate();
    const handler = new FetchHandler(new Request("http://h/"));
    const responding = handler.respond(
      appWith(() => new Probe().asyncBody(2, hold.promise)),
    );
    const response = await within(responding, 1000, "respond()");
    assert.equal(response.status, 200);
    assert.equal(await settled(handler.finished), false);
    hold.open();
    assert.deepEqual(await readChunks(response.body), ["0", "1"]);
    await within(handler.finished, 1000, "finished");
  });

  test("backpressure: an unread body keeps the app at most a chunk or two ahead", async () => {
    for (const kind of ["sync", "async"] as const) {
      const probe = new Probe();
      const handler = new FetchHandler(new Request("http://h/"));
      const response = await handler.respond(
        appWith(() =>
          kind === "sync" ? probe.syncBody(100) : probe.asyncBody(100)
        ),
      );
      await tick(20);
      assert.ok(probe.yields <= 2, `${kind}: ${probe.yields} yields unread`);
      const chunks = await readChunks(response.body);
      assert.equal(chunks.length, 100, kind);
      assert.equal(chunks[99], "99", kind);
      assert.equal(probe.yields, 100, kind);
      await within(handler.finished, 1000, kind);
      assert.equal(probe.closes, 1, kind);
    }
  });

  test("backpressure reaches write(): it resolves when the body is pulled", async () => {
    let written = 0;
    const handler = new FetchHandler(new Request("http://h/"));
    const response = await handler.respond(async (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      for (let i = 0; i < 50; i++) {
        await write(bytes("w"));
        written++;
      }
      return [];
    });
    await tick(20);
    assert.ok(written <= 2, `${written} writes resolved unread`);
    assert.equal(await response.text(), "w".repeat(50));
    await within(handler.finished, 1000, "finished");
    assert.equal(written, 50);
  });

  for (
    const how of ["cancelled (client hang-up)", "abort() (forced shutdown)"]
  ) {
    test(`the response ${how}: the app ends, close() once, signal aborted`, async () => {
      const errors = new MemoryErrorStream();
      const probe = new Probe();
      let signal: AbortSignal | undefined;
      const handler = new FetchHandler(new Request("http://h/"), { errors });
      const response = await handler.respond((environ, startResponse) => {
        signal = environ["wsgiref.signal"];
        startResponse("200 OK", []);
        return probe.asyncBody();
      });
      const reader = response.body!.getReader();
      assert.equal(decoder.decode((await reader.read()).value), "0");
      await tick(5); // the app now waits on the pull of its second chunk
      assert.equal(probe.finallyRan, 0);
      if (how.startsWith("cancelled")) {
        await reader.cancel(new Error("gone"));
      } else {
        handler.abort();
        await assert.rejects(reader.read());
      }
      await within(handler.finished, 1000, "finished");
      assert.equal(probe.finallyRan, 1, "the generator's finally ran");
      assert.equal(probe.closes, 1, "close() ran once");
      assert.ok(probe.yields <= 3, `${probe.yields} yields`);
      assert.equal(signal?.aborted, true);
      assert.ok(signal?.reason instanceof ClientDisconnectedError);
      assert.equal(
        errors.getValue(),
        "",
        "a hang-up is not logged as an error",
      );
      handler.abort(); // a second abort is harmless
    });
  }

  test("a pending write() rejects with ClientDisconnectedError on hang-up", async () => {
    let writeError: unknown;
    const handler = new FetchHandler(new Request("http://h/"));
    const response = await handler.respond(async (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      await write(bytes("a"));
      try {
        await write(bytes("b"));
        await write(bytes("c"));
      } catch (error) {
        writeError = error;
        throw error;
      }
      return [];
    });
    const reader = response.body!.getReader();
    assert.equal(decoder.decode((await reader.read()).value), "a");
    await tick(5);
    await reader.cancel();
    await within(handler.finished, 1000, "finished");
    assert.ok(writeError instanceof ClientDisconnectedError);
  });

  test("abort() before the headers: the app's next write rejects", async () => {
    const hold = gate();
    let writeError: unknown;
    const handler = new FetchHandler(new Request("http://h/"));
    const responding = handler.respond(async (environ, startResponse) => {
      await hold.promise;
      const write = startResponse("200 OK", []);
      assert.equal(environ["wsgiref.signal"]?.aborted, true);
      try {
        await write(bytes("late"));
      } catch (error) {
        writeError = error;
        throw error;
      }
      return [];
    });
    handler.abort();
    hold.open();
    await within(handler.finished, 1000, "finished");
    assert.ok(writeError instanceof ClientDisconnectedError);
    const response = await within(responding, 1000, "respond()");
    await response.body?.cancel().catch(() => {});
  });

  test("finished settles after close() on every path", async () => {
    const rows: Array<
      [
        string,
        (probe: Probe) => WSGIApplication,
        (
          response: Response,
          handler: FetchHandler,
        ) => Promise<unknown>,
      ]
    > = [
      [
        "success",
        (probe) => appWith(() => probe.asyncBody(3)),
        (r) => r.text(),
      ],
      [
        "whole body",
        (probe) => appWith(() => probe.closable([bytes("x")])),
        (r) => r.text(),
      ],
      [
        "error before headers",
        (probe) =>
          appWith(() =>
            // deno-lint-ignore require-yield
            probe.closable((function* (): Generator<Uint8Array> {
              throw new Error("before");
            })())
          ),
        (r) => r.text(),
      ],
      [
        "error after headers",
        (probe) =>
          appWith(() =>
            probe.closable((function* () {
              yield bytes("x");
              yield bytes("y");
              throw new Error("after");
            })())
          ),
        (r) => r.text().catch(() => {}),
      ],
      [
        "declared length reached",
        (probe) => appWith(() => probe.syncBody(), [["Content-Length", "2"]]),
        (r) => r.text(),
      ],
      [
        "client hang-up",
        (probe) => appWith(() => probe.asyncBody()),
        async (r) => {
          const reader = r.body!.getReader();
          await reader.read();
          await reader.cancel();
        },
      ],
      [
        "forced shutdown",
        (probe) => appWith(() => probe.asyncBody()),
        async (r, handler) => {
          const reader = r.body!.getReader();
          await reader.read();
          handler.abort();
          await reader.read().catch(() => {});
        },
      ],
    ];
    for (const [name, makeApp, consume] of rows) {
      const probe = new Probe();
      const handler = new FetchHandler(new Request("http://h/"), {
        errors: new MemoryErrorStream(),
      });
      // Read before respond(): it settles after close() all the same.
      const early = handler.finished.then(() => probe.log.push("read early"));
      const response = await handler.respond(makeApp(probe));
      const done = handler.finished.then(() => probe.log.push("finished"));
      await consume(response, handler);
      await within(Promise.all([early, done]), 1000, name);
      assert.deepEqual(probe.log, ["close", "read early", "finished"], name);
    }
  });

  test("finished read before respond() settles only after the body's close()", async () => {
    const handler = new FetchHandler(new Request("http://h/"));
    const log: string[] = [];
    const finished = handler.finished.then(() => log.push("finished"));
    await tick(5);
    assert.deepEqual(log, [] as string[], "settled before respond()");
    let release!: () => void;
    const closing = new Promise<void>((resolve) => release = resolve);
    const body = Object.assign([bytes("x")], {
      close: async () => {
        await closing;
        log.push("close");
      },
    });
    const response = await handler.respond((_environ, startResponse) => {
      startResponse("200 OK", []);
      return body;
    });
    assert.equal(await response.text(), "x");
    await tick(5);
    assert.deepEqual(log, [] as string[], "settled before close() did");
    release();
    await within(finished, 1000, "finished");
    assert.deepEqual(log, ["close", "finished"]);
  });

  test("run() is respond() then finished", async () => {
    const probe = new Probe();
    const handler = new FetchHandler(new Request("http://h/"));
    const running = handler.run(appWith(() => probe.closable([bytes("ok")])));
    await within(running, 1000, "run()");
    assert.equal(probe.closes, 1);
  });
});

// ---------------------------------------------------------------------------

/** What `FetchHandler._makeResponse` takes. */
type MakeResponseArgs = Parameters<FetchHandler["_makeResponse"]>;

describe("FetchHandler short path for a body known whole", () => {
  /** Records whether the response was made. */
  class Watched extends FetchHandler {
    sent = false;
    override _makeResponse(...args: MakeResponseArgs): Response {
      this.sent = true;
      return super._makeResponse(...args);
    }
  }
  const hello: WSGIApplication = (_environ, startResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return [bytes("hello")];
  };

  test("a sync app's one-chunk body is answered before respond() returns", async () => {
    const handler = new Watched(new Request("http://h/"));
    const responding = handler.respond(hello);
    assert.equal(handler.sent, true);
    const response = await responding;
    assert.equal(await response.text(), "hello");
    assert.equal(response.headers.get("content-type"), "text/plain");
    await handler.finished;
  });

  test("toFetchHandler() answers a sync app with the Response itself, an async app with a promise", async () => {
    const fetch = toFetchHandler(hello);
    const now = fetch(new Request("http://h/"));
    assert.ok(now instanceof Response, "the Response, not a promise");
    assert.equal(await now.text(), "hello");
    const later = toFetchHandler(async (environ, startResponse) =>
      await hello(environ, startResponse)
    )(new Request("http://h/"));
    assert.ok(later instanceof Promise, "a promise: the app is async");
    assert.equal(await (await later).text(), "hello");
  });

  test("an async app or a multi-chunk body takes the engine's full path", async () => {
    const handler = new Watched(new Request("http://h/"));
    const responding = handler.respond(async (environ, startResponse) =>
      await hello(environ, startResponse)
    );
    assert.equal(handler.sent, false, "an async app answers later");
    assert.equal(await (await responding).text(), "hello");
    for (
      const app of [
        (async (environ, startResponse) =>
          await hello(environ, startResponse)) as WSGIApplication,
        ((_environ, startResponse) => {
          startResponse("200 OK", []);
          return [bytes("hel"), bytes("lo")];
        }) as WSGIApplication,
      ]
    ) {
      const response = await toFetchHandler(app)(new Request("http://h/"));
      assert.equal(await response.text(), "hello");
    }
  });

  test("a subclass that overrides a step it skips gets every step", async () => {
    for (
      const hook of [
        "_writeBody",
        "finishContent",
        "resultIsFile",
        "sendfile",
        "sendHeaders",
      ] as const
    ) {
      const calls: string[] = [];
      class Traced extends FetchHandler {}
      const original = FetchHandler.prototype[hook] as (
        this: FetchHandler,
        ...args: unknown[]
      ) => unknown;
      Object.defineProperty(Traced.prototype, hook, {
        value(this: FetchHandler, ...args: unknown[]) {
          calls.push(hook);
          return original.apply(this, args);
        },
      });
      const handler = new Traced(new Request("http://h/"));
      const response = await handler.respond(hello);
      assert.equal(await response.text(), "hello", hook);
      assert.equal(response.headers.get("content-type"), "text/plain", hook);
      await handler.finished;
      // sendfile is asked only for a file wrapper, as on the full path.
      assert.deepEqual(calls, hook === "sendfile" ? [] : [hook], hook);
    }
  });

  test("a header named __proto__ or a name repeated in another case is kept", async () => {
    const response = await toFetchHandler((_environ, startResponse) => {
      startResponse("200 OK", [
        ["__proto__", "x"],
        ["X-A", "1"],
        ["x-a", "2"],
      ]);
      return [bytes("ok")];
    })(new Request("http://h/"));
    assert.equal(response.headers.get("__proto__"), "x");
    assert.equal(response.headers.get("x-a"), "1, 2");
    assert.equal(await response.text(), "ok");
  });

  test("_makeResponse makes every response: whole, streamed, 413 and 500", async () => {
    const made: Array<[string, number, unknown]> = [];
    class Own extends FetchHandler {
      override _makeResponse(...[body, init]: MakeResponseArgs): Response {
        const kind = body instanceof Uint8Array
          ? "bytes"
          : body === null
          ? "null"
          : "stream";
        made.push([kind, init.status, init.headers]);
        return super._makeResponse(body, init);
      }
    }
    const run = async (
      app: WSGIApplication,
      init: RequestInit = {},
    ): Promise<string> => {
      const handler = new Own(new Request("http://h/", init), {
        maxRequestBodySize: 4,
        errors: new MemoryErrorStream(),
      });
      const text = await (await handler.respond(app)).text();
      await handler.finished;
      return text;
    };
    assert.equal(await run(hello), "hello");
    assert.equal(
      await run(function* (_environ, startResponse) {
        startResponse("200 OK", []);
        yield bytes("a");
        yield bytes("b");
      }),
      "ab",
    );
    assert.equal(
      await run(hello, {
        method: "POST",
        body: "too long",
        headers: { "content-length": "8" },
      }),
      "Request body too large",
    );
    assert.match(
      await run(() => {
        throw new Error("boom");
      }),
      /A server error occurred/,
    );
    // The app's headers come as pairs, in order (the default makes them an
    // object for `new Response`); the gateway's own 413 page as an object.
    assert.deepEqual(made, [
      ["bytes", 200, [["Content-Type", "text/plain"]]],
      ["stream", 200, []],
      ["bytes", 413, { "content-type": "text/plain" }],
      ["bytes", 500, [["Content-Type", "text/plain"]]],
    ]);
  });

  test("a response the runtime refuses gives the 500 page; close() runs once", async () => {
    // A status out of the runtime's range passes startResponse. (A header
    // name that is not a token no longer does: startResponse refuses it.)
    for (const status of ["999 Nope", "100 Continue"]) {
      let closes = 0;
      const errors = new MemoryErrorStream();
      const handler = new FetchHandler(new Request("http://h/"), { errors });
      const response = await handler.respond((_environ, startResponse) => {
        startResponse(status, []);
        return Object.assign([bytes("never sent")], {
          close(): void {
            closes++;
          },
        });
      });
      assert.equal(response.status, 500, status);
      assert.match(await response.text(), /A server error occurred/, status);
      await within(handler.finished, 1000, status);
      assert.equal(closes, 1, status);
      assert.match(errors.getValue(), /Error/, status);
    }
  });

  test("a close() that throws is logged; the response stands, finished settles", async () => {
    const errors = new MemoryErrorStream();
    const handler = new FetchHandler(new Request("http://h/"), { errors });
    const response = await handler.respond((_environ, startResponse) => {
      startResponse("200 OK", []);
      return Object.assign([bytes("kept")], {
        close(): void {
          throw new Error("close failed");
        },
      });
    });
    assert.equal(await response.text(), "kept");
    await within(handler.finished, 1000, "finished");
    assert.match(errors.getValue(), /Error: close failed/);
  });
});

// ---------------------------------------------------------------------------

/** An app that answers where it thinks it is, and counts its runs. */
function whereApp(): { runs: number; app: WSGIApplication } {
  const state = {
    runs: 0,
    app: ((environ, startResponse) => {
      state.runs++;
      startResponse("200 OK", [["Content-Type", "application/json"]]);
      return [bytes(JSON.stringify({
        SCRIPT_NAME: environ.SCRIPT_NAME,
        PATH_INFO: environ.PATH_INFO,
        requestUri: requestUri(environ),
        applicationUri: applicationUri(environ),
      }))];
    }) as WSGIApplication,
  };
  return state;
}

describe("FetchHandler mount prefix (scriptName)", () => {
  const inside: Array<[string, Record<string, string>]> = [
    ["http://h/wsgi/a/b?x=1", {
      SCRIPT_NAME: "/wsgi",
      PATH_INFO: "/a/b",
      requestUri: "http://h/wsgi/a/b?x=1",
      applicationUri: "http://h/wsgi",
    }],
    ["http://h/wsgi", {
      SCRIPT_NAME: "/wsgi",
      PATH_INFO: "",
      requestUri: "http://h/wsgi",
      applicationUri: "http://h/wsgi",
    }],
    ["http://h/wsgi/", {
      SCRIPT_NAME: "/wsgi",
      PATH_INFO: "/",
      requestUri: "http://h/wsgi/",
      applicationUri: "http://h/wsgi",
    }],
  ];
  const outside = ["http://h/wsgix", "http://h/", "http://h/other/wsgi"];

  for (
    const [label, options] of [
      ["scriptName", { scriptName: "/wsgi" }],
      ["baseEnviron.SCRIPT_NAME", { baseEnviron: { SCRIPT_NAME: "/wsgi" } }],
    ] as const
  ) {
    test(`${label}: SCRIPT_NAME is the prefix, PATH_INFO the rest`, async () => {
      const fetch = toFetchHandler(whereApp().app, options);
      for (const [url, expected] of inside) {
        const response = await fetch(new Request(url));
        assert.equal(response.status, 200, url);
        assert.deepEqual(await response.json(), expected, url);
      }
    });

    test(`${label}: a request outside the prefix gets 404 without the app`, async () => {
      const where = whereApp();
      const fetch = toFetchHandler(where.app, options);
      for (const url of outside) {
        const response = await fetch(new Request(url));
        assert.equal(response.status, 404, url);
        assert.equal(await response.text(), "Not Found");
      }
      assert.equal(where.runs, 0);
    });
  }

  test("a bad prefix is refused when the handler is made", () => {
    const rows: Array<[unknown, ErrorConstructor, RegExp]> = [
      [
        "wsgi",
        RangeError,
        /scriptName must start with "\/" and not end with "\/" \(as "\/wsgi"\), got "wsgi"/,
      ],
      ["/wsgi/", RangeError, /got "\/wsgi\/"/],
      ["/", RangeError, /got "\/"/],
      [5, TypeError, /scriptName must be a string, got number/],
    ];
    for (const [value, type, message] of rows) {
      const options = { scriptName: value as string };
      assert.throws(() => toFetchHandler(whereApp().app, options), type);
      assert.throws(() => toFetchHandler(whereApp().app, options), message);
      assert.throws(
        () => new FetchHandler(new Request("http://h/"), options),
        type,
      );
    }
    assert.throws(
      () =>
        toFetchHandler(whereApp().app, { baseEnviron: { SCRIPT_NAME: "x/" } }),
      /baseEnviron\.SCRIPT_NAME must start with "\/"/,
    );
  });

  test("Hono routes /wsgi/* to a WSGI app mounted at /wsgi", async () => {
    const where = whereApp();
    const wsgi = toFetchHandler(where.app, { scriptName: "/wsgi" });
    const hono = new Hono();
    hono.all("/wsgi", (c) => wsgi(c.req.raw));
    hono.all("/wsgi/*", (c) => wsgi(c.req.raw));
    // A route Hono sends to the app by mistake: answered 404 by the mount.
    hono.all("/wsgix", (c) => wsgi(c.req.raw));
    hono.get("/", (c) => c.text("hono"));

    let response = await hono.fetch(new Request("http://h/wsgi/a/b?x=1"));
    assert.deepEqual(await response.json(), inside[0][1]);
    response = await hono.fetch(new Request("http://h/wsgi"));
    assert.deepEqual(await response.json(), inside[1][1]);
    assert.equal(where.runs, 2);
    response = await hono.fetch(new Request("http://h/wsgix"));
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "Not Found");
    assert.equal(where.runs, 2);
    response = await hono.fetch(new Request("http://h/"));
    assert.equal(await response.text(), "hono");
  });
});

// ---------------------------------------------------------------------------

describe("fromFetchHandler()", () => {
  test("answers HEAD with the fetch handler's headers and no body, its body cancelled", async () => {
    let cancelled = false;
    const app = fromFetchHandler(() =>
      new Response(
        new ReadableStream({
          pull(controller) {
            controller.enqueue(bytes("hello body"));
          },
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { "X-Kind": "greeting" } },
      )
    );
    const errors = new MemoryErrorStream();
    const response = await toFetchHandler(validator(app), { errors })(
      new Request("http://h/", { method: "HEAD" }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-kind"), "greeting");
    assert.equal(await response.text(), "");
    assert.equal(cancelled, true);
    assert.equal(errors.getValue(), "");
  });

  test("round trip: status, reason, headers, Set-Cookie, streamed bodies both ways", async () => {
    let seenStatus = "";
    let seenHeaders: Array<[string, string]> = [];
    let seenRequest: Request | undefined;
    let seenBody = "";
    const inner = fromFetchHandler(async (request) => {
      seenRequest = request;
      seenBody = await request.text();
      const headers = new Headers([
        ["Content-Type", "text/plain"],
        ["Set-Cookie", "a=1; Path=/"],
        ["Set-Cookie", "b=2"],
        ["Connection", "close"],
        ["Keep-Alive", "timeout=5"],
        ["X-Custom", "yes"],
      ]);
      let i = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i < 3) controller.enqueue(bytes(`part${i++};`));
          else controller.close();
        },
      });
      return new Response(body, { status: 201, statusText: "Made", headers });
    });
    const app: WSGIApplication = (environ, startResponse) =>
      inner(environ, (status, headers, excInfo) => {
        seenStatus = status;
        seenHeaders = headers;
        return startResponse(status, headers, excInfo);
      });

    let n = 0;
    const upload = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n < 3) controller.enqueue(bytes(`up${n++}`));
        else controller.close();
      },
    });
    const response = await toFetchHandler(app)(
      new Request("http://example.com:8080/p%20q?x=1", {
        method: "POST",
        body: upload,
        headers: { "X-Req": "r", "Content-Type": "text/x-test" },
        // @ts-ignore: `duplex` is required for a streamed body.
        duplex: "half",
      }),
    );

    assert.equal(seenRequest?.method, "POST");
    assert.equal(seenRequest?.url, "http://example.com:8080/p%20q?x=1");
    assert.equal(seenRequest?.headers.get("x-req"), "r");
    assert.equal(seenRequest?.headers.get("content-type"), "text/x-test");
    assert.equal(seenBody, "up0up1up2");

    assert.equal(seenStatus, "201 Made");
    const names = seenHeaders.map(([name]) => name.toLowerCase());
    assert.ok(!names.includes("connection"));
    assert.ok(!names.includes("keep-alive"));
    assert.deepEqual(
      seenHeaders.filter(([name]) => name === "set-cookie"),
      [["set-cookie", "a=1; Path=/"], ["set-cookie", "b=2"]],
    );

    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-custom"), "yes");
    assert.equal(response.headers.get("connection"), null);
    assert.deepEqual(response.headers.getSetCookie(), ["a=1; Path=/", "b=2"]);
    assert.equal(response.headers.get("content-length"), null, "streamed");
    assert.deepEqual(await readChunks(response.body), [
      "part0;",
      "part1;",
      "part2;",
    ]);
  });

  test("a missing reason phrase becomes the canonical one", async () => {
    const rows: Array<[number, string]> = [
      [200, "200 OK"],
      [404, "404 Not Found"],
      [418, "418 Unknown"],
      [204, "204 No Content"],
    ];
    for (const [code, expected] of rows) {
      let status = "";
      const inner = fromFetchHandler(() =>
        new Response(code === 204 ? null : "x", { status: code })
      );
      const response = await toFetchHandler((environ, startResponse) =>
        inner(environ, (s, h, e) => {
          status = s;
          return startResponse(s, h, e);
        })
      )(new Request("http://h/"));
      assert.equal(status, expected);
      assert.equal(response.status, code);
      await response.body?.cancel();
    }
  });

  test("a GET sends no body, and the client's hang-up reaches the inner signal", async () => {
    let innerSignal: AbortSignal | undefined;
    let innerBody: unknown = "unset";
    const inner = fromFetchHandler((request) => {
      innerSignal = request.signal;
      innerBody = request.body;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.enqueue(bytes("."));
          },
        }),
      );
    });
    const handler = new FetchHandler(new Request("http://h/"));
    const response = await handler.respond(inner);
    assert.equal(innerBody, null);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await within(handler.finished, 1000, "finished");
    assert.equal(innerSignal?.aborted, true);
  });
});

describe("FetchHandler logs whatever the app throws", () => {
  const stackThrows = new Error("boom");
  Object.defineProperty(stackThrows, "stack", {
    get(): never {
      throw new Error("no stack");
    },
  });
  const rows: Array<[string, unknown, RegExp]> = [
    ["Object.create(null)", Object.create(null), /^Error: \[object Object\]$/m],
    ["an Error whose stack getter throws", stackThrows, /^Error: boom$/m],
    ["a Symbol", Symbol("s"), /^Error: Symbol\(s\)$/m],
  ];
  for (const [name, thrown, logged] of rows) {
    test(`a 500, and wsgi.errors gets it, for ${name}`, async () => {
      const errors = new MemoryErrorStream();
      const response = await toFetchHandler(() => {
        throw thrown;
      }, { errors })(new Request("http://h/"));
      assert.equal(response.status, 500);
      await response.body?.cancel();
      assert.match(errors.getValue(), logged);
    });
  }
});

describe("FetchHandler answers a body the runtime cannot read", () => {
  /** A POST whose body stream fails as a runtime's does on a bad chunk. */
  function badBody(error: unknown): Request {
    return new Request("http://h/", {
      method: "POST",
      body: new ReadableStream<Uint8Array>({
        pull(controller): void {
          controller.error(error);
        },
      }),
      duplex: "half",
    } as RequestInit);
  }
  const reader: WSGIApplication = async (environ, startResponse) => {
    await environ["wsgi.input"].read();
    startResponse("200 OK", []);
    return [];
  };

  test("400, logged, when a read of wsgi.input rejects before the headers", async () => {
    const errors = new MemoryErrorStream();
    const response = await toFetchHandler(reader, { errors })(
      badBody(new TypeError("invalid chunk size")),
    );
    assert.equal(response.status, 400);
    assert.equal(await response.text(), "Bad Request: malformed body");
    assert.match(errors.getValue(), /TypeError: invalid chunk size/);
  });

  test("a hang-up while reading is no bad request: the error page", async () => {
    const hangUp = Object.assign(new Error("gone"), { code: "ECONNRESET" });
    const response = await toFetchHandler(reader, {
      errors: new MemoryErrorStream(),
    })(badBody(hangUp));
    assert.equal(response.status, 500);
    await response.body?.cancel();
  });

  test("an app's own error is still a 500", async () => {
    const response = await toFetchHandler(() => {
      throw new TypeError("invalid chunk size");
    }, { errors: new MemoryErrorStream() })(new Request("http://h/"));
    assert.equal(response.status, 500);
    await response.body?.cancel();
  });
});
