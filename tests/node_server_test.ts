// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `makeServer` over real sockets, written against `node:net`, so the same
 * file runs under `deno test` (the server on `Deno.serve`) and under
 * `node --test` on the npm build (the server on `node:http`, through
 * `_runtime_server_node.ts`): the two runtime edges must answer the same
 * bytes. What each edge must keep: `Content-Length` for a body known whole
 * (HEAD too), chunked or close-delimited streaming, the canonical reason
 * phrase, no body on 204/304, an empty 400 for a raw non-ASCII target,
 * request and response bodies streamed with backpressure both ways, a
 * hang-up that closes the app's body once, a failure after the headers
 * that cuts the message off, a graceful shutdown, TLS, and a lazy
 * `wsgiref.request` that is still a full `Request`.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as http2Connect,
  constants as http2Constants,
} from "node:http2";
import { applicationUri, requestUri } from "../util.ts";
import {
  makeServer,
  type ServerOptions,
  WSGIRequestHandler,
  type WSGIServer,
} from "../simple_server.ts";
import { MemoryErrorStream } from "../_error_stream.ts";
import { listen, makeResponse } from "../_runtime_server.ts";
import type {
  ErrorStream,
  ResponseBody,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";
import {
  bytes,
  exchange,
  gate,
  open,
  readAll,
  tick,
  until,
  within,
} from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Helpers

const HOST = "127.0.0.1";
const RUNTIME = "Deno" in globalThis ? "Deno" : "Node";
const decoder = new TextDecoder();

/** Collects `wsgi.errors` in memory (the server is otherwise quiet). */
function capturingHandler(
  errors: MemoryErrorStream,
): typeof WSGIRequestHandler {
  return class extends WSGIRequestHandler {
    override getStderr(): ErrorStream {
      return errors;
    }
  };
}

/** A server on a free port, serving, once its port is known. */
async function serve(
  app: WSGIApplication,
  options: ServerOptions = {},
): Promise<WSGIServer> {
  const httpd = makeServer(HOST, 0, app, {
    quiet: true,
    gracePeriod: 2000,
    ...options,
  });
  await httpd.ready();
  void httpd.serveForever();
  return httpd;
}

interface RawResponse {
  statusLine: string;
  headers: Map<string, string>;
  body: Buffer;
}

function parse(raw: Buffer): RawResponse {
  const end = raw.indexOf("\r\n\r\n");
  assert.ok(end > 0, `no response head in ${JSON.stringify(raw.toString())}`);
  const [statusLine, ...lines] = raw.subarray(0, end).toString("latin1")
    .split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(
      name,
      headers.has(name) ? `${headers.get(name)}, ${value}` : value,
    );
  }
  return { statusLine, headers, body: raw.subarray(end + 4) };
}

/** The payload of a chunked body, and whether its last chunk arrived. */
function dechunk(body: Buffer): { data: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString(), 16);
    if (size === 0) return { data: Buffer.concat(parts), complete: true };
    if (lineEnd + 2 + size > body.length) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return { data: Buffer.concat(parts), complete: false };
}

/** Every response in `raw`, in order (each framed by its length or chunks). */
function parseAll(raw: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  while (raw.length > 0) {
    const r = parse(raw);
    const headEnd = raw.indexOf("\r\n\r\n") + 4;
    let size: number;
    if (r.headers.get("transfer-encoding") === "chunked") {
      const end = r.body.indexOf("0\r\n\r\n");
      size = end < 0 ? r.body.length : end + 5;
      r.body = dechunk(r.body.subarray(0, size)).data;
    } else {
      size = Math.min(
        Number(r.headers.get("content-length") ?? Infinity),
        r.body.length,
      );
      r.body = r.body.subarray(0, size);
    }
    responses.push(r);
    raw = raw.subarray(headEnd + size);
  }
  return responses;
}

function get(path: string, extra = "", version = "1.1"): string {
  return `GET ${path} HTTP/${version}\r\nHost: ${HOST}\r\n${extra}Connection: close\r\n\r\n`;
}

const hello: WSGIApplication = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [bytes("hello")];
};

/** An app that streams `blocks` chunks, a macrotask apart. */
function streaming(blocks: string[]): WSGIApplication {
  return async function* (_environ, startResponse) {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    for (const block of blocks) {
      yield bytes(block);
      await tick(1);
    }
  };
}

const BLOCK_SIZE = 64 * 1024;

/**
 * An app that yields `count` blocks of `BLOCK_SIZE` bytes, counting them;
 * `assertHeldBack()` checks it started but made less than half of them.
 */
function counted(count: number): {
  app: WSGIApplication;
  yielded: number;
  assertHeldBack(): void;
} {
  const block = new Uint8Array(BLOCK_SIZE).fill(0x62);
  const blocks = {
    app: function* (_environ, startResponse) {
      startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
      for (let i = 0; i < count; i++) {
        blocks.yielded++;
        yield block;
      }
    } as WSGIApplication,
    yielded: 0,
    assertHeldBack(): void {
      assert.ok(blocks.yielded > 0, "the app started");
      assert.ok(
        blocks.yielded < count / 2,
        `the app yielded ${blocks.yielded} blocks to a client that read none`,
      );
    },
  };
  return blocks;
}

/**
 * An app that streams `tick` lines until the client goes, counting its
 * body's `close()` calls and whether its generator's `finally` ran.
 */
function endless(): {
  app: WSGIApplication;
  closed: number;
  finalized: boolean;
} {
  const ticks = {
    app: ((_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      const body = (async function* () {
        try {
          for (;;) {
            yield bytes("tick\n");
            await tick(5);
          }
        } finally {
          ticks.finalized = true;
        }
      })() as ResponseBody;
      body.close = () => void ticks.closed++;
      return body;
    }) as WSGIApplication,
    closed: 0,
    finalized: false,
  };
  return ticks;
}

// ---------------------------------------------------------------------------

describe(`the server's runtime edge on the wire (${RUNTIME})`, () => {
  test("a byte body goes out with Content-Length, a streamed one chunked", async () => {
    await using whole = await serve(hello);
    const a = parse(await exchange(whole.serverPort, get("/")));
    assert.equal(a.statusLine, "HTTP/1.1 200 OK");
    assert.equal(a.headers.get("content-length"), "5");
    assert.equal(a.headers.get("transfer-encoding"), undefined);
    assert.equal(a.headers.get("content-type"), "text/plain");
    assert.match(a.headers.get("server")!, /^WSGIServer\/0\.2 (Deno|Node)\//);
    assert.ok(a.headers.has("date"));
    assert.equal(a.body.toString(), "hello");

    await using streamed = await serve(streaming(["one ", "two ", "three"]));
    const b = parse(await exchange(streamed.serverPort, get("/")));
    assert.equal(b.headers.get("transfer-encoding"), "chunked");
    assert.equal(b.headers.get("content-length"), undefined);
    const { data, complete } = dechunk(b.body);
    assert.ok(complete);
    assert.equal(data.toString(), "one two three");
  });

  test("an empty body: Content-Length 0", async () => {
    await using httpd = await serve((_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [];
    });
    const r = parse(await exchange(httpd.serverPort, get("/")));
    assert.equal(r.headers.get("content-length"), "0");
    assert.equal(r.body.length, 0);
  });

  test("the app's own Content-Length is kept, and the body streams", async () => {
    await using httpd = await serve(async function* (_environ, startResponse) {
      startResponse("200 OK", [["Content-Length", "6"]]);
      yield bytes("abc");
      await tick(1);
      yield bytes("def");
    });
    const r = parse(await exchange(httpd.serverPort, get("/")));
    assert.equal(r.headers.get("content-length"), "6");
    assert.equal(r.headers.get("transfer-encoding"), undefined);
    assert.equal(r.body.toString(), "abcdef");
  });

  test("HTTP/1.0: a streamed body is close-delimited, never chunked", async () => {
    await using httpd = await serve(streaming(["a", "b", "c"]));
    const r = parse(await exchange(httpd.serverPort, get("/", "", "1.0")));
    assert.match(r.statusLine, /^HTTP\/1\.[01] 200 OK$/);
    assert.equal(r.headers.get("transfer-encoding"), undefined);
    assert.equal(r.body.toString(), "abc");
  });

  test("SERVER_PROTOCOL and the log line carry the version, where the runtime tells it", async () => {
    const lines: string[] = [];
    const protocols: unknown[] = [];
    await using httpd = await serve((environ, startResponse) => {
      protocols.push(environ.SERVER_PROTOCOL);
      return hello(environ, startResponse);
    }, {
      handlerClass: class extends WSGIRequestHandler {
        override logRequest(): void {
          lines.push(this.requestline);
        }
      },
    });
    for (const version of ["1.0", "1.1"]) {
      const r = parse(
        await exchange(httpd.serverPort, get("/v?x", "", version)),
      );
      assert.equal(r.body.toString(), "hello");
    }
    await until(() => lines.length === 2, 2000, "two log lines");
    // Node gives the request's version; a web Request (Deno) carries none.
    const first = RUNTIME === "Node" ? "HTTP/1.0" : "HTTP/1.1";
    assert.deepEqual(protocols, [first, "HTTP/1.1"]);
    assert.deepEqual(lines, [`GET /v?x ${first}`, "GET /v?x HTTP/1.1"]);
  });

  test("HEAD: the Content-Length of the body, and no body", async () => {
    await using httpd = await serve(hello);
    const raw = await exchange(
      httpd.serverPort,
      `HEAD / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
    );
    const r = parse(raw);
    assert.equal(r.statusLine, "HTTP/1.1 200 OK");
    assert.equal(r.headers.get("content-length"), "5");
    assert.equal(r.body.length, 0);
  });

  test("an answer made at once keeps the connection alive for the next request", async () => {
    await using httpd = await serve(hello);
    const responses = parseAll(
      await exchange(
        httpd.serverPort,
        `GET /1 HTTP/1.1\r\nHost: ${HOST}\r\n\r\n` +
          `GET /2 HTTP/1.1\r\nHost: ${HOST}\r\n\r\n` + get("/3"),
      ),
    );
    assert.deepEqual(responses.map((r) => r.body.toString()), [
      "hello",
      "hello",
      "hello",
    ]);
    assert.notEqual(responses[0].headers.get("connection"), "close");
  });

  test("a pair changed after startResponse goes out as checked; the server lives on", async () => {
    await using httpd = await serve((environ, startResponse) => {
      const headers: Array<[string, string]> = [["X-A", "ok"]];
      startResponse("200 OK", headers);
      // Deno panicked on this once: a control character the runtime refuses.
      headers[0][1] = environ.PATH_INFO === "/crlf"
        ? "a\r\nSet-Cookie: injected=1"
        : "a\x1fb";
      return [bytes("x")];
    });
    for (const path of ["/ctl", "/crlf", "/ctl"]) {
      const r = parse(await exchange(httpd.serverPort, get(path)));
      assert.equal(r.statusLine, "HTTP/1.1 200 OK", path);
      assert.equal(r.headers.get("x-a"), "ok", path);
      assert.equal(r.headers.get("set-cookie"), undefined, path);
      assert.equal(r.body.toString(), "x", path);
    }
  });

  test("the app's Content-Length never puts a keep-alive connection out of step", async () => {
    const errors = new MemoryErrorStream();
    await using httpd = await serve(async (environ, startResponse) => {
      const [kind, length] = environ.PATH_INFO.slice(1).split("/");
      if (kind === "ok") {
        startResponse("200 OK", []);
        return [bytes("ok")];
      }
      const declared: Array<[string, string]> = length === "two"
        ? [["Content-Length", "4"], ["content-length", "5"]]
        : [["Content-Length", decodeURIComponent(length)]];
      startResponse("200 OK", declared);
      if (kind === "whole") return [bytes("BODY")];
      await tick();
      return (async function* () {
        yield bytes("BODY");
        await tick();
        yield bytes("MORE");
      })();
    }, { handlerClass: capturingHandler(errors) });
    const twice = (path: string) =>
      exchange(
        httpd.serverPort,
        `GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\n\r\n` + get("/ok"),
      );
    for (
      const [path, status, body] of [
        ["/whole/100", "200 OK", "BODY"], // the body's own length goes out
        ["/whole/2", "200 OK", "BO"], // cut at the declared length
        ["/stream/3", "200 OK", "BOD"], // cut, and the connection goes on
        ["/stream/8", "200 OK", "BODYMORE"],
        ["/whole/abc", "500 Internal Server Error", undefined],
        ["/whole/-1", "500 Internal Server Error", undefined],
        ["/whole/%2B4", "500 Internal Server Error", undefined],
        ["/whole/two", "500 Internal Server Error", undefined],
      ] as const
    ) {
      const responses = parseAll(await twice(path));
      assert.deepEqual(
        responses.map((r) => r.statusLine),
        [`HTTP/1.1 ${status}`, "HTTP/1.1 200 OK"],
        path,
      );
      if (body !== undefined) {
        assert.equal(responses[0].body.toString(), body, path);
        if (responses[0].headers.has("content-length")) {
          assert.equal(
            responses[0].headers.get("content-length"),
            String(body.length),
            path,
          );
        }
      }
      assert.equal(responses[1].body.toString(), "ok", path);
    }
    // A streamed body short of its declared length: the message is cut
    // off, and the connection is closed, never reused.
    const raw = await twice("/stream/100");
    const head = parse(raw);
    assert.equal(head.statusLine, "HTTP/1.1 200 OK");
    assert.equal(head.headers.get("content-length"), "100");
    assert.equal(head.body.toString(), "BODYMORE");
    assert.equal(raw.toString().split("HTTP/1.1").length, 2, raw.toString());
    await until(
      () => /8 of the 100 bytes/.test(errors.getValue()),
      2000,
      "log",
    );
  });

  test("a status the runtime refuses is a 500 with its own reason phrase", async () => {
    await using httpd = await serve((_environ, startResponse) => {
      startResponse("999 Nope", [["Content-Type", "text/plain"]]);
      return [bytes("x")];
    });
    const r = parse(await exchange(httpd.serverPort, get("/")));
    assert.equal(r.statusLine, "HTTP/1.1 500 Internal Server Error");
    assert.match(r.body.toString(), /A server error occurred/);
  });

  test("HEAD on a streamed body: no more pulled than the headers need, 0 bytes logged", async () => {
    const logged: unknown[] = [];
    const pulls: number[] = [];
    const closes: number[] = [];
    const block = new Uint8Array(65536);
    await using httpd = await serve((environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
      const run = pulls.push(0) - 1;
      const count = () => pulls[run]++;
      // A sync iterable is looked at one chunk ahead (is it whole?); an
      // async one is not.
      const chunks = environ.PATH_INFO === "/sync"
        ? (function* () {
          while (true) {
            count();
            yield block;
          }
        })()
        : (async function* () {
          while (true) {
            count();
            yield block;
          }
        })();
      return Object.assign(chunks, { close: () => void closes.push(run) });
    }, {
      handlerClass: class extends WSGIRequestHandler {
        override logRequest(code?: string | number, size?: string | number) {
          logged.push(`${code} ${size}`);
        }
      },
    });
    for (const path of ["/sync", "/async"]) {
      const r = parse(
        await exchange(
          httpd.serverPort,
          `HEAD ${path} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
        ),
      );
      assert.equal(r.statusLine, "HTTP/1.1 200 OK");
      assert.equal(r.headers.get("content-length"), undefined);
      assert.equal(r.body.length, 0);
    }
    await until(() => logged.length === 2 && closes.length === 2, 2000, "logs");
    assert.deepEqual(pulls, [2, 1]);
    assert.deepEqual(closes, [0, 1]);
    assert.deepEqual(logged, ["200 0", "200 0"]);
  });

  test("HEAD on a body known whole: its Content-Length, no body, 0 bytes logged", async () => {
    const logged: unknown[] = [];
    await using httpd = await serve(hello, {
      handlerClass: class extends WSGIRequestHandler {
        override logRequest(code?: string | number, size?: string | number) {
          logged.push(`${code} ${size}`);
        }
      },
    });
    const r = parse(
      await exchange(
        httpd.serverPort,
        `HEAD / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
      ),
    );
    assert.equal(r.headers.get("content-length"), "5");
    assert.equal(r.body.length, 0);
    await until(() => logged.length === 1, 2000, "the log line");
    assert.deepEqual(logged, ["200 0"]);
  });

  test("204 and 304 go out with neither a body nor Content-Length", async () => {
    for (const status of ["204 No Content", "304 Not Modified"]) {
      await using httpd = await serve((_environ, startResponse) => {
        startResponse(status, [["Content-Length", "5"]]);
        return [bytes("hello")];
      });
      const r = parse(await exchange(httpd.serverPort, get("/")));
      assert.equal(r.statusLine, `HTTP/1.1 ${status}`);
      assert.equal(r.headers.get("content-length"), undefined, status);
      assert.equal(r.headers.get("transfer-encoding"), undefined, status);
      assert.equal(r.body.length, 0, status);
    }
  });

  test("205 goes out with no body and no Content-Length but 0, so the next response on the connection stays whole", async () => {
    for (const declared of [[], [["Content-Length", "5"]]]) {
      await using httpd = await serve((environ, startResponse) => {
        if (environ.PATH_INFO === "/next") {
          startResponse("200 OK", [["Content-Type", "text/plain"]]);
          return [bytes("next")];
        }
        startResponse("205 Reset Content", declared as [string, string][]);
        return [bytes("hello")];
      });
      // Both requests on one connection: a Content-Length the 205 does not
      // honour would swallow the start of the second response.
      const raw = (await exchange(
        httpd.serverPort,
        `GET / HTTP/1.1\r\nHost: ${HOST}\r\n\r\n` + get("/next"),
      )).toString("latin1");
      const end = raw.indexOf("\r\n\r\n");
      const first = parse(Buffer.from(raw.slice(0, end + 4), "latin1"));
      assert.equal(first.statusLine, "HTTP/1.1 205 Reset Content");
      assert.ok(
        [undefined, "0"].includes(first.headers.get("content-length")),
        `Content-Length ${first.headers.get("content-length")}`,
      );
      const second = parse(Buffer.from(raw.slice(end + 4), "latin1"));
      assert.equal(second.statusLine, "HTTP/1.1 200 OK");
      assert.equal(second.body.toString(), "next");
    }
  });

  test("the canonical reason phrase goes out, whatever the app says", async () => {
    await using httpd = await serve((_environ, startResponse) => {
      startResponse("404 Nothing Here", [["Content-Type", "text/plain"]]);
      return [bytes("no")];
    });
    const r = parse(await exchange(httpd.serverPort, get("/")));
    assert.equal(r.statusLine, "HTTP/1.1 404 Not Found");
  });

  test("the environ a client's bytes produce", async () => {
    let seen: WSGIEnvironment | undefined;
    await using httpd = await serve((environ, startResponse) => {
      seen = environ;
      startResponse("200 OK", []);
      return [];
    });
    await exchange(
      httpd.serverPort,
      get(
        "/caf%C3%A9/x?a=1&b=%20",
        "X-Multi: one\r\nX-Multi: two\r\nCookie: a=1\r\nCookie: b=2\r\n" +
          "X-Name: ada\r\nX_Name: spoof\r\nx-MULTI: three\r\n" +
          "Content-Type: text/a\r\ncontent-type: text/b\r\n",
      ),
    );
    const environ = seen!;
    assert.equal(environ.REQUEST_METHOD, "GET");
    assert.equal(environ.PATH_INFO, "/caf\u00c3\u00a9/x");
    assert.equal(environ.QUERY_STRING, "a=1&b=%20");
    assert.equal(environ.SERVER_NAME, HOST);
    assert.equal(environ.SERVER_PORT, String(httpd.serverPort));
    assert.equal(environ.SERVER_PROTOCOL, "HTTP/1.1");
    assert.equal(environ.REMOTE_ADDR, HOST);
    assert.match(String(environ.REMOTE_PORT), /^[1-9][0-9]*$/);
    assert.equal(environ.HTTP_HOST, HOST);
    assert.equal(environ.HTTP_X_MULTI, "one, two, three");
    assert.equal(environ.HTTP_COOKIE, "a=1; b=2");
    assert.equal(environ.HTTP_X_NAME, "ada");
    assert.equal(environ.CONTENT_TYPE, "text/a, text/b");
    assert.equal(environ.CONTENT_LENGTH, "");
    // The request's Headers agree with the environ.
    const headers = environ["wsgiref.request"]!.headers;
    assert.equal(headers.get("x-multi"), "one, two, three");
    assert.equal(headers.get("cookie"), "a=1; b=2");
    assert.equal(headers.get("content-type"), "text/a, text/b");
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal(environ["wsgi.multithread"], true);
    assert.match(
      String(environ.SERVER_SOFTWARE),
      new RegExp(`^WSGIServer/0\\.2 ${RUNTIME}/\\d`),
    );
  });

  test("a raw non-ASCII byte in the target: an empty 400, the app not run", async () => {
    let ran = false;
    await using httpd = await serve((_environ, startResponse) => {
      ran = true;
      startResponse("200 OK", []);
      return [];
    });
    const request = Buffer.from(get("/caf\u00e9"), "latin1");
    const r = parse(await exchange(httpd.serverPort, request));
    assert.match(r.statusLine, /^HTTP\/1\.1 400 /);
    assert.equal(r.body.length, 0);
    assert.equal(ran, false);
  });

  test("request bodies: Content-Length read exactly, a chunked upload in pieces", async () => {
    await using httpd = await serve(async (environ, startResponse) => {
      const input = environ["wsgi.input"];
      const parts = [
        await input.read(3),
        await input.readline(),
        await input.read(),
      ].map((part) => decoder.decode(part));
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes(`${environ.CONTENT_LENGTH ?? "none"}|${parts.join("|")}`)];
    });
    const fixed = parse(
      await exchange(
        httpd.serverPort,
        `POST / HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 11\r\n` +
          `Connection: close\r\n\r\nabcdef\nghijEXTRA`,
      ),
    );
    assert.equal(fixed.body.toString(), "11|abc|def\n|ghij");

    const socket = await open(httpd.serverPort);
    socket.write(
      `POST / HTTP/1.1\r\nHost: ${HOST}\r\nTransfer-Encoding: chunked\r\n` +
        `Connection: close\r\n\r\n`,
    );
    for (const piece of ["ab", "cdef\ng", "hij"]) {
      await tick(10);
      socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
    }
    socket.write("0\r\n\r\n");
    const chunked = parse(await within(readAll(socket), 5000, "the echo"));
    assert.equal(chunked.body.toString(), "none|abc|def\n|ghij");
  });

  test("Expect: 100-continue: the go-ahead comes before the app reads the body", async () => {
    await using httpd = await serve(async (environ, startResponse) => {
      const body = environ.PATH_INFO === "/read"
        ? await environ["wsgi.input"].read()
        : bytes("unread");
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [body];
    });
    const head = (path: string) =>
      `POST ${path} HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 4\r\n` +
      `Expect: 100-continue\r\nConnection: close\r\n\r\n`;

    // The client sends the body only after the go-ahead.
    const reading = await open(httpd.serverPort);
    let received = "";
    reading.on("data", (chunk: Buffer) => received += chunk.toString("latin1"));
    const ended = new Promise((resolve) => reading.once("end", resolve));
    reading.write(head("/read"));
    await until(() => received.length > 0, 5000, "100 Continue");
    assert.equal(received, "HTTP/1.1 100 Continue\r\n\r\n");
    reading.write("body");
    await within(ended, 5000, "the answer");
    assert.match(
      received,
      /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/,
    );
    assert.match(received, /\r\n\r\nbody$/);

    // An app that answers without reading: the answer comes at once (Deno
    // sends a 100 Continue before it, Node does not), the body unsent.
    const skipping = await open(httpd.serverPort);
    let answer = "";
    skipping.on("data", (chunk: Buffer) => answer += chunk.toString("latin1"));
    skipping.write(head("/skip"));
    await until(() => answer.endsWith("\r\n\r\nunread"), 5000, "the answer");
    const r = parse(
      Buffer.from(
        answer.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ""),
        "latin1",
      ),
    );
    assert.equal(r.statusLine, "HTTP/1.1 200 OK");
    skipping.destroy();
  });

  test("the request body is read only as the app asks for it", async () => {
    const TOTAL = 64 * 1024 * 1024;
    let proceed!: () => void;
    const waiting = new Promise<void>((resolve) => proceed = resolve);
    await using httpd = await serve(async (environ, startResponse) => {
      const input = environ["wsgi.input"];
      await input.read(1);
      await waiting;
      let size = 1;
      for (;;) {
        const chunk = await input.read(1024 * 1024);
        if (chunk.length === 0) break;
        size += chunk.length;
      }
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes(String(size))];
    });
    const socket = await open(httpd.serverPort);
    socket.write(
      `POST / HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: ${TOTAL}\r\n` +
        `Connection: close\r\n\r\n`,
    );
    const block = Buffer.alloc(256 * 1024, 0x61);
    let flushed = 0;
    let queued = 0;
    const writing = (async () => {
      while (queued < TOTAL) {
        queued += block.length;
        const more = socket.write(block, () => flushed += block.length);
        if (!more) {
          await new Promise((resolve) => socket.once("drain", resolve));
        }
      }
    })();
    await tick(500);
    // The kernel's buffers take a few MiB; the server must not take more.
    assert.ok(
      flushed < TOTAL / 2,
      `the client could send ${flushed} bytes to an app that read 1`,
    );
    proceed();
    await within(writing, 20_000, "the upload");
    const r = parse(await within(readAll(socket), 20_000, "the answer"));
    assert.equal(r.body.toString(), String(TOTAL));
  });

  test("a client that does not read stops the app; then it gets every byte", async () => {
    const BLOCKS = 1024; // 64 MiB
    const blocks = counted(BLOCKS);
    await using httpd = await serve(blocks.app);
    const socket = await open(httpd.serverPort);
    socket.pause();
    socket.write(get("/"));
    await tick(500);
    blocks.assertHeldBack();
    socket.resume();
    const r = parse(await within(readAll(socket), 20_000, "the body"));
    const { data, complete } = dechunk(r.body);
    assert.ok(complete);
    assert.equal(data.length, BLOCKS * BLOCK_SIZE);
    assert.equal(blocks.yielded, BLOCKS);
  });

  test("a client that hangs up mid-stream: the body is closed once, nothing logged", async () => {
    const errors = new MemoryErrorStream();
    const ticks = endless();
    await using httpd = await serve(ticks.app, {
      handlerClass: capturingHandler(errors),
    });
    const socket = await open(httpd.serverPort);
    socket.write(get("/"));
    await new Promise((resolve) => socket.once("data", resolve));
    socket.destroy();
    await until(() => ticks.closed > 0, 5000, "close() after the hang-up");
    await tick(50);
    assert.equal(ticks.closed, 1);
    assert.ok(ticks.finalized, "the generator's finally ran");
    assert.equal(errors.getValue(), "");
  });

  test("wsgiref.request is a full Request; its signal aborts on a hang-up", async () => {
    let request: Request | undefined;
    const app: WSGIApplication = async (environ, startResponse) => {
      request = environ["wsgiref.request"];
      assert.ok(request instanceof Request);
      const text = await request.clone().text();
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return (async function* () {
        yield bytes(
          `${request!.method} ${new URL(request!.url).pathname} ${text}`,
        );
        await new Promise((resolve) =>
          request!.signal.addEventListener("abort", resolve)
        );
      })();
    };
    await using httpd = await serve(app);
    const socket = await open(httpd.serverPort);
    socket.write(
      `POST /p?q HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 4\r\n\r\nbody`,
    );
    const head = await new Promise<Buffer>((resolve) =>
      socket.once("data", resolve)
    );
    assert.match(head.toString(), /POST \/p body/);
    assert.equal(request!.headers.get("content-length"), "4");
    assert.equal(request!.signal.aborted, false);
    socket.destroy();
    await until(() => request!.signal.aborted, 5000, "the signal to abort");
  });

  test("an error after the headers cuts the message off; before, the 500 page", async () => {
    const errors = new MemoryErrorStream();
    await using late = await serve(async function* (_environ, startResponse) {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      yield bytes("partial");
      await tick(1);
      throw new Error("boom");
    }, { handlerClass: capturingHandler(errors) });
    const r = parse(await exchange(late.serverPort, get("/")));
    assert.equal(r.statusLine, "HTTP/1.1 200 OK");
    const { data, complete } = dechunk(r.body);
    assert.equal(data.toString(), "partial");
    assert.equal(complete, false, "the client can tell it was cut off");
    assert.match(errors.getValue(), /boom/);

    await using early = await serve(() => {
      throw new Error("early");
    }, { handlerClass: capturingHandler(new MemoryErrorStream()) });
    const e = parse(await exchange(early.serverPort, get("/")));
    assert.equal(e.statusLine, "HTTP/1.1 500 Internal Server Error");
    assert.doesNotMatch(e.body.toString(), /early/);
  });
});

describe(`makeServer scriptName (${RUNTIME})`, () => {
  test("scriptName: SCRIPT_NAME is the prefix, PATH_INFO the rest; outside it, 404 without the app", async () => {
    let runs = 0;
    const app: WSGIApplication = (environ, startResponse) => {
      runs++;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes(`${environ.SCRIPT_NAME}|${environ.PATH_INFO}`)];
    };
    await using httpd = await serve(app, { scriptName: "/wsgi" });
    const origin = `http://${HOST}:${httpd.serverPort}`;
    let response = await fetch(`${origin}/wsgi/a?x=1`);
    assert.equal(await response.text(), "/wsgi|/a");
    response = await fetch(`${origin}/wsgi`);
    assert.equal(await response.text(), "/wsgi|");
    assert.equal(runs, 2);
    for (const path of ["/wsgix", "/", "/a/wsgi"]) {
      response = await fetch(`${origin}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal(await response.text(), "Not Found");
    }
    assert.equal(runs, 2);
  });

  test("a bad scriptName is refused before the server listens", () => {
    assert.throws(
      () => makeServer(HOST, 0, () => [], { scriptName: "/wsgi/" }),
      RangeError,
    );
  });
});

describe(`the server's life cycle (${RUNTIME})`, () => {
  test("ready() gives the port", async () => {
    const httpd = makeServer(HOST, 0, hello, { quiet: true });
    try {
      assert.equal(await httpd.ready(), httpd);
      assert.ok(httpd.serverPort > 0);
    } finally {
      await httpd.shutdown();
    }
  });

  test("the runtime edge: a port in use fails to listen", async () => {
    const first = listen({ hostname: HOST, port: 0 }, () => new Response());
    try {
      const { port } = await first.ready;
      assert.equal(first.addr?.port, port);
      let failed: unknown;
      try {
        // Deno.serve throws at once; node:http rejects `ready`.
        const second = listen({ hostname: HOST, port }, () => new Response());
        await second.ready;
        await second.shutdown();
      } catch (error) {
        failed = error;
      }
      assert.ok(failed instanceof Error, "listening twice on one port fails");
      assert.match(
        `${(failed as { code?: string }).code} ${(failed as Error).name}`,
        /EADDRINUSE|AddrInUse/,
      );
    } finally {
      await first.shutdown();
    }
  });

  test("makeServer on a port in use: an error from makeServer or ready()", async () => {
    await using httpd = await serve(hello);
    let failed: unknown;
    try {
      const second = makeServer(HOST, httpd.serverPort, hello, {
        quiet: true,
      });
      await second.ready();
      await second.shutdown();
    } catch (error) {
      failed = error;
    }
    assert.ok(failed instanceof Error);
    assert.match(
      `${(failed as { code?: string }).code} ${(failed as Error).name}`,
      /EADDRINUSE|AddrInUse/,
    );
  });

  test("shutdown(): a response in flight finishes, idle connections do not hold it up", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => release = resolve);
    const httpd = await serve(async function* (environ, startResponse) {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      yield bytes("first ");
      if (environ.PATH_INFO === "/slow") await released;
      yield bytes("last");
    });
    // An idle keep-alive connection: one request answered, still open.
    const idle = await open(httpd.serverPort);
    idle.write(`GET / HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
    await new Promise((resolve) => idle.once("data", resolve));
    const idleClosed = new Promise((resolve) => idle.once("close", resolve));
    idle.resume();

    const slow = await open(httpd.serverPort);
    slow.write(get("/slow"));
    const answer = readAll(slow);
    await tick(50);
    const started = Date.now();
    const stopping = httpd.shutdown();
    await tick(50);
    release();
    await within(stopping, 3000, "shutdown()");
    assert.ok(Date.now() - started < 2000, "no wait for keep-alive timeouts");
    await within(idleClosed, 3000, "the idle connection to close");
    const { data, complete } = dechunk(parse(await answer).body);
    assert.equal(data.toString(), "first last");
    assert.ok(complete);
    await assert.rejects(open(httpd.serverPort), /ECONNREFUSED|refused/i);
  });

  test("when gracePeriod runs out, a response still running is cancelled", async () => {
    let closed = 0;
    const httpd = await serve((_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      const body = (async function* () {
        for (;;) {
          yield bytes("x");
          await tick(10);
        }
      })() as ResponseBody;
      body.close = () => void closed++;
      return body;
    }, { gracePeriod: 100 });
    const socket = await open(httpd.serverPort);
    socket.write(get("/"));
    await new Promise((resolve) => socket.once("data", resolve));
    socket.resume();
    await within(httpd.shutdown(), 3000, "shutdown()");
    await until(() => closed === 1, 2000, "close()");
    socket.destroy();
  });
});

describe(`the runtime edge: listen() and makeResponse() (${RUNTIME})`, () => {
  /** A fetch handler served by the bare runtime edge, on a free port. */
  async function edge(
    handler: (request: Request) => Response | Promise<Response>,
  ): Promise<{ port: number; [Symbol.asyncDispose](): Promise<void> }> {
    const server = listen({ hostname: HOST, port: 0 }, handler);
    const { port } = await server.ready;
    return { port, [Symbol.asyncDispose]: () => server.shutdown() };
  }

  test("bytes with Content-Length; pairs keep repeated headers; a stream is chunked", async () => {
    await using server = await edge((request) => {
      if (new URL(request.url).pathname === "/stream") {
        const parts = [bytes("ab"), bytes("cd")];
        return makeResponse(
          new ReadableStream({
            pull(controller) {
              const part = parts.shift();
              if (part) controller.enqueue(part);
              else controller.close();
            },
          }),
          { status: 200, headers: { "content-type": "text/plain" } },
        );
      }
      return makeResponse(bytes("hello"), {
        status: 201,
        headers: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], [
          "X-Pad",
          "  value  ",
        ]],
      });
    });
    const r = parse(await exchange(server.port, get("/")));
    assert.equal(r.statusLine, "HTTP/1.1 201 Created");
    assert.equal(r.headers.get("content-length"), "5");
    assert.equal(r.headers.get("set-cookie"), "a=1, b=2"); // two lines
    assert.equal(r.headers.get("x-pad"), "value");
    assert.equal(r.body.toString(), "hello");
    const s = parse(await exchange(server.port, get("/stream")));
    assert.equal(s.headers.get("transfer-encoding"), "chunked");
    assert.deepEqual(dechunk(s.body), {
      data: Buffer.from("abcd"),
      complete: true,
    });
  });

  test("a plain Response works too: a byte body gets Content-Length", async () => {
    await using server = await edge(() =>
      new Response(bytes("plain"), { headers: { "x-kind": "web" } })
    );
    const r = parse(await exchange(server.port, get("/")));
    assert.equal(r.headers.get("content-length"), "5");
    assert.equal(r.headers.get("x-kind"), "web");
    assert.equal(r.body.toString(), "plain");
  });

  test("a handler that throws: 500, the server goes on", async () => {
    let calls = 0;
    await using server = await edge(() => {
      if (calls++ === 0) throw new Error("first");
      return makeResponse(bytes("second"), { status: 200, headers: {} });
    });
    const first = parse(await exchange(server.port, get("/")));
    assert.equal(first.statusLine, "HTTP/1.1 500 Internal Server Error");
    const second = parse(await exchange(server.port, get("/")));
    assert.equal(second.body.toString(), "second");
  });

  test("makeResponse() gives a Response to any other reader", async () => {
    const response = makeResponse(bytes("text"), {
      status: 404,
      headers: { "Content-Type": "text/plain" },
    });
    assert.ok(response instanceof Response);
    assert.equal(response.status, 404);
    assert.equal(response.ok, false);
    assert.equal(response.headers.get("content-type"), "text/plain");
    const copy = response.clone();
    assert.equal(await response.text(), "text");
    assert.equal(response.bodyUsed, true);
    assert.equal(await copy.text(), "text");
    assert.equal(makeResponse(null, { status: 204, headers: {} }).body, null);
  });

  test("makeResponse() checks what new Response checks", () => {
    for (const status of [199, 600]) {
      assert.throws(
        () => makeResponse(null, { status, headers: {} }),
        RangeError,
        String(status),
      );
    }
    assert.throws(
      () => makeResponse(null, { status: 200, headers: { "bad name": "x" } }),
      TypeError,
    );
    assert.throws(
      () => makeResponse(bytes("x"), { status: 204, headers: {} }),
      TypeError,
    );
    assert.throws(
      () => makeResponse(null, { status: 200, headers: [["X", "a\r\nb"]] }),
      TypeError,
    );
  });

  test("a Host that is not a host is refused with 400, the handler not run", {
    // Deno.serve puts the Host as sent into request.url
    // ("http://evil.example/x?/p"), so its path and query move.
    skip: RUNTIME === "Deno" && "Deno.serve passes such a Host through",
  }, async () => {
    let calls = 0;
    await using server = await edge(() => {
      calls++;
      return makeResponse(null, { status: 200, headers: {} });
    });
    const r = parse(
      await exchange(
        server.port,
        `GET /p HTTP/1.1\r\nHost: evil.example/x?\r\nConnection: close\r\n\r\n`,
      ),
    );
    assert.match(r.statusLine, /^HTTP\/1\.1 400 /);
    assert.equal(calls, 0);
  });
});

/** A self-signed certificate for 127.0.0.1, or `undefined` without openssl. */
function selfSigned(): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "wsgiref_tls_"));
  try {
    execFileSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    return {
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
      key: readFileSync(join(dir, "key.pem"), "utf8"),
    };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends `request` over TLS (any certificate) and reads the whole answer. */
async function tlsExchange(port: number, request: string): Promise<Buffer> {
  const socket = tlsConnect({ host: HOST, port, rejectUnauthorized: false });
  await new Promise((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  socket.write(request);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An HTTP/2 session to 127.0.0.1:`port` (any certificate), once connected. */
async function h2Session(port: number): Promise<ClientHttp2Session> {
  const session = http2Connect(`https://${HOST}:${port}`, {
    rejectUnauthorized: false,
  });
  await new Promise((resolve, reject) => {
    session.once("connect", resolve);
    session.once("error", reject);
  });
  return session;
}

/**
 * The status and whole body of an HTTP/2 `stream`, collected from now on
 * (a paused stream stays paused until resumed).
 */
async function h2Answer(
  stream: ClientHttp2Stream,
): Promise<{ status: number; body: Buffer }> {
  const chunks: Buffer[] = [];
  const status = new Promise<number>((resolve) =>
    stream.once("response", (headers) => resolve(Number(headers[":status"])))
  );
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve, reject) => {
    stream.once("end", resolve);
    stream.once("error", reject);
  });
  return { status: await status, body: Buffer.concat(chunks) };
}

/** `curl`'s `--version` text, or `undefined` if it is missing. */
function curlVersion(): string | undefined {
  try {
    return execFileSync("curl", ["--version"], { encoding: "utf8" });
  } catch {
    return undefined;
  }
}

describe(`TLS (${RUNTIME})`, () => {
  const tls = selfSigned();
  const noTls = tls === undefined && "needs openssl (Debian package openssl)";
  test("cert and key serve HTTPS: wsgi.url_scheme https, HTTPS on", {
    skip: tls === undefined && "needs openssl",
  }, async () => {
    await using httpd = await serve((environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes(`${environ["wsgi.url_scheme"]} ${environ.HTTPS}`)];
    }, tls);
    const r = parse(await tlsExchange(httpd.serverPort, get("/")));
    assert.equal(r.body.toString(), "https on");
  });

  test("over TLS an absolute-form http:// target stays https", {
    skip: tls === undefined && "needs openssl",
  }, async () => {
    await using httpd = await serve((environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes(`${environ["wsgi.url_scheme"]} ${environ.HTTPS}`)];
    }, tls);
    const target = `http://${HOST}/`;
    const r = parse(
      await tlsExchange(
        httpd.serverPort,
        `GET ${target} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
      ),
    );
    assert.equal(r.body.toString(), "https on");
  });

  test(
    "over TLS an HTTP/1.1 request head of 30 KiB is served, as over plain HTTP",
    {
      skip: noTls,
    },
    async () => {
      await using httpd = await serve((environ, startResponse) => {
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        return [bytes(String(environ.HTTP_X_BIG?.length))];
      }, tls);
      const big = "x".repeat(30 * 1024);
      const r = parse(
        await tlsExchange(httpd.serverPort, get("/", `X-Big: ${big}\r\n`)),
      );
      assert.equal(r.statusLine, "HTTP/1.1 200 OK");
      assert.equal(r.body.toString(), String(big.length));
    },
  );

  test(
    "over TLS an HTTP/1.1 request with no Host gets 400 with the Host text",
    {
      skip: noTls ||
        (RUNTIME === "Deno" &&
          "Deno.serve serves it: a web Request has no version to tell HTTP/1.0"),
    },
    async () => {
      await using httpd = await serve(hello, tls);
      const r = parse(
        await tlsExchange(
          httpd.serverPort,
          "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        ),
      );
      assert.match(r.statusLine, /^HTTP\/1\.1 400 /);
      assert.match(r.body.toString(), /invalid Host header/);
    },
  );

  test("HTTP/2: HTTP_HOST from :authority; scheme and requestUri follow it", {
    skip: noTls,
  }, async () => {
    await using httpd = await serve((environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "application/json"]]);
      return [bytes(JSON.stringify({
        host: environ.HTTP_HOST ?? null,
        scheme: environ["wsgi.url_scheme"],
        uri: requestUri(environ),
        app: applicationUri(environ),
      }))];
    }, tls);
    const session = http2Connect(`https://${HOST}:${httpd.serverPort}`, {
      rejectUnauthorized: false,
    });
    try {
      const stream = session.request({
        ":path": "/a?b",
        ":authority": `example.test:${httpd.serverPort}`,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      assert.equal(session.alpnProtocol, "h2");
      assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), {
        host: `example.test:${httpd.serverPort}`,
        scheme: "https",
        uri: `https://example.test:${httpd.serverPort}/a?b`,
        app: `https://example.test:${httpd.serverPort}/`,
      });
    } finally {
      session.close();
    }
  });

  test(
    "over TLS the server offers h2 and http/1.1 by ALPN; an HTTP/1.1 client is served",
    {
      skip: noTls,
    },
    async () => {
      await using httpd = await serve((environ, startResponse) => {
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        return [bytes(String(environ.SERVER_PROTOCOL))];
      }, tls);
      const offer = (protocols: string[]) =>
        tlsConnect({
          host: HOST,
          port: httpd.serverPort,
          rejectUnauthorized: false,
          ALPNProtocols: protocols,
        });
      const h2 = offer(["h2", "http/1.1"]);
      await new Promise((resolve) => h2.once("secureConnect", resolve));
      assert.equal(h2.alpnProtocol, "h2");
      h2.destroy();
      const http1 = offer(["http/1.1"]);
      await new Promise((resolve) => http1.once("secureConnect", resolve));
      assert.equal(http1.alpnProtocol, "http/1.1");
      http1.write(get("/"));
      const r = parse(await within(readAll(http1), 10_000, "the answer"));
      assert.equal(r.statusLine, "HTTP/1.1 200 OK");
      assert.equal(r.body.toString(), "HTTP/1.1");
    },
  );

  test(
    "HTTP/2: SERVER_PROTOCOL is HTTP/2.0; the request body and headers arrive, pseudo-headers not among them",
    {
      skip: noTls ||
        (RUNTIME === "Deno" &&
          "a web Request carries no version: on Deno SERVER_PROTOCOL is HTTP/1.1"),
    },
    async () => {
      await using httpd = await serve((environ, startResponse) => {
        startResponse("200 OK", [["Content-Type", "application/json"]]);
        const input = environ["wsgi.input"];
        return (async function* () {
          const body = await input.read();
          yield bytes(JSON.stringify({
            protocol: environ.SERVER_PROTOCOL,
            remote: environ.REMOTE_ADDR,
            method: environ.REQUEST_METHOD,
            query: environ.QUERY_STRING,
            http: Object.keys(environ).filter((key) => key.startsWith("HTTP_"))
              .sort(),
            body: new TextDecoder().decode(body),
          }));
        })();
      }, tls);
      const session = await h2Session(httpd.serverPort);
      try {
        // No content-length: the body ends with the stream.
        const stream = session.request({
          ":method": "POST",
          ":path": "/p?q=1",
          "x-one": "1",
        });
        stream.end("body");
        const { status, body } = await within(
          h2Answer(stream),
          10_000,
          "the answer",
        );
        assert.equal(status, 200);
        assert.deepEqual(JSON.parse(body.toString()), {
          protocol: "HTTP/2.0",
          remote: HOST,
          method: "POST",
          query: "q=1",
          http: ["HTTP_HOST", "HTTP_X_ONE"],
          body: "body",
        });
      } finally {
        session.close();
      }
    },
  );

  test("HTTP/2: each chunk reaches the client before the app makes the next", {
    skip: noTls,
  }, async () => {
    const received = gate();
    await using httpd = await serve(async function* (_environ, startResponse) {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      yield bytes("first ");
      await received.promise;
      yield bytes("last");
    }, tls);
    const session = await h2Session(httpd.serverPort);
    try {
      const stream = session.request({ ":path": "/" });
      const chunks: string[] = [];
      stream.on("data", (chunk: Buffer) => {
        chunks.push(chunk.toString());
        received.open();
      });
      await within(
        new Promise((resolve) => stream.once("end", resolve)),
        10_000,
        "the body",
      );
      assert.deepEqual(chunks, ["first ", "last"]);
    } finally {
      session.close();
    }
  });

  test(
    "HTTP/2: a client that does not read stops the app; then it gets every byte",
    {
      skip: noTls,
    },
    async () => {
      const BLOCKS = 64; // 4 MiB
      const blocks = counted(BLOCKS);
      await using httpd = await serve(blocks.app, tls);
      const session = await h2Session(httpd.serverPort);
      try {
        const stream = session.request({ ":path": "/" });
        stream.pause();
        const answer = h2Answer(stream);
        await tick(500);
        blocks.assertHeldBack();
        stream.resume();
        const { body } = await within(answer, 20_000, "the body");
        assert.equal(body.length, BLOCKS * BLOCK_SIZE);
        assert.equal(blocks.yielded, BLOCKS);
      } finally {
        session.close();
      }
    },
  );

  test(
    "HTTP/2: a client that resets the stream mid-body: the body is closed once, nothing logged",
    {
      skip: noTls,
    },
    async () => {
      const errors = new MemoryErrorStream();
      const ticks = endless();
      await using httpd = await serve(ticks.app, {
        ...tls,
        handlerClass: capturingHandler(errors),
      });
      const session = await h2Session(httpd.serverPort);
      try {
        const stream = session.request({ ":path": "/" });
        await new Promise((resolve) => stream.once("data", resolve));
        stream.close(http2Constants.NGHTTP2_CANCEL);
        await until(() => ticks.closed > 0, 5000, "close() after the reset");
        await tick(50);
        assert.equal(ticks.closed, 1);
        assert.ok(ticks.finalized, "the generator's finally ran");
        assert.equal(errors.getValue(), "");
        // The session lives on: another request on it is answered.
        const again = await within(
          h2Answer(session.request({ ":path": "/", ":method": "HEAD" })),
          10_000,
          "a second request",
        );
        assert.equal(again.status, 200);
      } finally {
        session.close();
      }
    },
  );

  test(
    "HTTP/2: a client that resets the stream mid-upload: reading wsgi.input fails",
    // Deno.serve 2.9 ends the body there, short of its Content-Length.
    { skip: noTls },
    async () => {
      let received = 0;
      let outcome: unknown;
      await using httpd = await serve(async (environ, startResponse) => {
        const input = environ["wsgi.input"];
        try {
          for (;;) {
            const chunk = await input.read(1000);
            if (chunk.length === 0) break;
            received += chunk.length;
          }
          outcome = "the end of the body";
        } catch (error) {
          outcome = error;
        }
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        return [];
      }, { ...tls, handlerClass: capturingHandler(new MemoryErrorStream()) });
      const session = await h2Session(httpd.serverPort);
      try {
        const stream = session.request({
          ":method": "POST",
          ":path": "/",
          "content-length": "100000",
        });
        stream.on("error", () => {});
        stream.write(Buffer.alloc(5000, 0x61));
        await until(
          () => received === 5000,
          5000,
          "the app to read 5000 bytes",
        );
        stream.close(http2Constants.NGHTTP2_CANCEL);
        await until(() => outcome !== undefined, 5000, "the read to settle");
        assert.ok(outcome instanceof Error, `the app read ${String(outcome)}`);
      } finally {
        session.close();
      }
    },
  );

  test(
    "HTTP/2: an error after the headers resets the stream, not the session",
    {
      skip: noTls,
    },
    async () => {
      const errors = new MemoryErrorStream();
      await using httpd = await serve(async function* (environ, startResponse) {
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        yield bytes("partial");
        await tick(1);
        if (environ.PATH_INFO === "/late") throw new Error("boom");
      }, { ...tls, handlerClass: capturingHandler(errors) });
      const session = await h2Session(httpd.serverPort);
      try {
        const late = session.request({ ":path": "/late" });
        const chunks: Buffer[] = [];
        late.on("data", (chunk: Buffer) => chunks.push(chunk));
        late.on("error", () => {});
        await within(
          new Promise((resolve) => late.once("close", resolve)),
          10_000,
          "the stream to close",
        );
        assert.equal(Buffer.concat(chunks).toString(), "partial");
        assert.equal(late.rstCode, http2Constants.NGHTTP2_INTERNAL_ERROR);
        assert.match(errors.getValue(), /boom/);
        const next = await within(
          h2Answer(session.request({ ":path": "/" })),
          10_000,
          "a second request on the session",
        );
        assert.equal(next.body.toString(), "partial");
      } finally {
        session.close();
      }
    },
  );

  test(
    "HTTP/2: shutdown() lets a response in flight finish, and closes the session",
    {
      // Deno 2.9 sends GOAWAY, then resets the stream (CANCEL).
      skip: noTls ||
        (RUNTIME === "Deno" &&
          "Deno.serve's shutdown() cuts HTTP/2 streams in flight off"),
    },
    async () => {
      const inFlight = gate();
      const released = gate();
      const httpd = await serve(async function* (_environ, startResponse) {
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        yield bytes("first ");
        inFlight.open();
        await released.promise;
        yield bytes("last");
      }, tls);
      const session = await h2Session(httpd.serverPort);
      const sessionClosed = new Promise((resolve) =>
        session.once("close", resolve)
      );
      // The session is left open: shutdown() must close it.
      const stream = session.request({ ":path": "/" });
      const answer = h2Answer(stream);
      await within(inFlight.promise, 5000, "the response to start");
      const started = Date.now();
      const stopping = httpd.shutdown();
      await tick(50);
      released.open();
      await within(stopping, 3000, "shutdown()");
      assert.ok(Date.now() - started < 2000, "no wait for the grace period");
      const { status, body } = await within(answer, 3000, "the answer");
      assert.equal(status, 200);
      assert.equal(body.toString(), "first last");
      await within(sessionClosed, 3000, "the session to close");
      await assert.rejects(open(httpd.serverPort), /ECONNREFUSED|refused/i);
    },
  );

  const curl = curlVersion();
  test("curl --http2 gets HTTP/2 200", {
    skip: noTls ||
      (curl === undefined
        ? "needs curl (Debian package curl)"
        : !/^Features:.*\bHTTP2\b/m.test(curl) &&
          "needs a curl with HTTP/2 (Debian package curl)"),
  }, async () => {
    await using httpd = await serve(hello, tls);
    const output = await new Promise<string>((resolve, reject) =>
      execFile("curl", [
        "--http2",
        "-k",
        "-sS",
        "-w",
        "\n%{http_version} %{http_code}",
        `https://${HOST}:${httpd.serverPort}/`,
      ], (error, stdout) => error ? reject(error) : resolve(stdout))
    );
    assert.equal(output, "hello\n2 200");
  });
});

// A port that nothing listens on refuses: what the shutdown test relies on.
test("a closed port refuses connections (the harness itself)", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  await assert.rejects(open(port), /ECONNREFUSED|refused/i);
});
