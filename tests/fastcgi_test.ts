// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `serveFastCGI`, spoken to by the tests' own FastCGI client
 * (`_fastcgi_client.ts`): the records, the environ, bodies both ways,
 * errors, aborts, kept connections, multiplexing with flow control, bad
 * records and the allow-list. Deno and Node.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Socket } from "node:net";
import { join } from "node:path";
import { type FastCGIServer, serveFastCGI } from "../fastcgi.ts";
import type {
  ErrorStream,
  ResponseBody,
  StartResponse,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";
import { bytes, concat, latin1, tick, until, within } from "./_helpers.ts";
import {
  ABORT_REQUEST,
  BEGIN_REQUEST,
  END_REQUEST,
  FastCGIClient,
  GET_VALUES,
  GET_VALUES_RESULT,
  pairs,
  PARAMS,
  parsePairs,
  record,
  STDIN,
  UNKNOWN_TYPE,
} from "./_fastcgi_client.ts";

const decoder = new TextDecoder();
const ERROR_PAGE =
  "A server error occurred.  Please contact the administrator.";

/** What nginx sends for `GET /hello?x=1` (its fastcgi_params, abridged). */
const GET_VARS = {
  REQUEST_METHOD: "GET",
  SCRIPT_NAME: "",
  PATH_INFO: "/hello",
  QUERY_STRING: "x=1",
  SERVER_NAME: "example.test",
  SERVER_PORT: "80",
  SERVER_PROTOCOL: "HTTP/1.1",
  REMOTE_ADDR: "192.0.2.1",
  HTTP_HOST: "example.test",
};

/** An `ErrorStream` that keeps the server's log. */
class Log implements ErrorStream {
  text = "";
  write(s: string): void {
    this.text += s;
  }
  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }
  flush(): void {}
}

/** The probe app: every case the tests need, by PATH_INFO. */
const probe: WSGIApplication = async (
  environ: WSGIEnvironment,
  startResponse: StartResponse,
): Promise<ResponseBody> => {
  const path = environ.PATH_INFO;
  if (path === "/environ") {
    const keys = Object.keys(environ).filter((k) => /^[A-Z]/.test(k)).sort();
    const text = keys.map((k) => `${k}=${environ[k]}\n`).join("") +
      `wsgi.input_terminated=${environ["wsgi.input_terminated"]}\n` +
      `wsgi.multithread=${environ["wsgi.multithread"]}\n` +
      `wsgi.url_scheme=${environ["wsgi.url_scheme"]}\n` +
      `signal=${environ["wsgiref.signal"] instanceof AbortSignal}\n`;
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return [Uint8Array.from(text, (c) => c.charCodeAt(0))];
  }
  if (path === "/echo") {
    const body = await environ["wsgi.input"].read();
    startResponse("200 OK", [[
      "Content-Type",
      environ.CONTENT_TYPE || "application/octet-stream",
    ]]);
    return [body];
  }
  if (path === "/boom") throw new Error("the /boom route fails on purpose");
  if (path === "/empty") {
    startResponse("204 No Content", []);
    return [];
  }
  startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
  return [bytes(`Not Found: ${path}`)];
};

async function withServer(
  app: WSGIApplication,
  fn: (server: FastCGIServer, log: Log) => Promise<void>,
  options: { maxStdinBuffer?: number; allow?: string[] } = {},
): Promise<void> {
  const log = new Log();
  const server = await serveFastCGI(app, { port: 0, errors: log, ...options });
  try {
    await fn(server, log);
  } finally {
    await within(server.close(), 10_000, "server.close()");
  }
}

async function client(server: FastCGIServer): Promise<FastCGIClient> {
  return await FastCGIClient.connect({ port: server.port! });
}

describe("serveFastCGI()", () => {
  test("serveFastCGI() needs exactly one of port and path", async () => {
    await assert.rejects(serveFastCGI(probe, {}), TypeError);
    await assert.rejects(
      serveFastCGI(probe, { port: 0, path: "/tmp/x.sock" }),
      /exactly one of port/,
    );
    await assert.rejects(
      serveFastCGI(probe, { port: 0, allow: ["localhost"] }),
      /allow entries must be IP addresses or CIDR blocks/,
    );
    await assert.rejects(
      serveFastCGI(probe, { port: 0, maxStdinBuffer: 0 }),
      RangeError,
    );
  });

  test("GET_VALUES is answered with the three values the server knows", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.send(record(
        GET_VALUES,
        0,
        pairs({
          FCGI_MAX_CONNS: "",
          FCGI_MAX_REQS: "",
          FCGI_MPXS_CONNS: "",
          FCGI_UNHEARD_OF: "",
        }),
      ));
      const answer = await c.until(() =>
        c.received.find((r) => r.type === GET_VALUES_RESULT)
      );
      assert.ok(answer, "a GET_VALUES_RESULT record");
      assert.equal(answer.requestId, 0);
      assert.deepEqual(parsePairs(answer.content), {
        FCGI_MAX_CONNS: "100",
        FCGI_MAX_REQS: "1000",
        FCGI_MPXS_CONNS: "1",
      });
      await c.close();
    });
  });

  test("a GET: PARAMS become the environ, the response comes in STDOUT, then END_REQUEST", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.request(1, {
        ...GET_VARS,
        PATH_INFO: "/environ",
        HTTP_X_CAFE: "caf\xc3\xa9", // UTF-8 bytes, one code point each
      });
      const response = await c.response(1);
      assert.equal(response.status, "200 OK");
      assert.deepEqual(response.headers, [
        ["Content-Type", "text/plain"],
        ["Content-Length", String(response.body.length)],
      ]);
      const text = latin1(response.body);
      for (
        const line of [
          "REQUEST_METHOD=GET",
          "PATH_INFO=/environ",
          "QUERY_STRING=x=1",
          "SERVER_NAME=example.test",
          "REMOTE_ADDR=192.0.2.1",
          "HTTP_X_CAFE=caf\xc3\xa9",
          "SCRIPT_NAME=",
          "wsgi.input_terminated=true",
          "wsgi.multithread=true",
          "wsgi.url_scheme=http",
          "signal=true",
        ]
      ) assert.ok(text.includes(`${line}\n`), `${line} in:\n${text}`);
      assert.equal(response.appStatus, 0);
      assert.equal(response.protocolStatus, 0);
      assert.ok(response.streamsClosed, "STDOUT ends with an empty record");
      await c.close();
    });
  });

  test("a web server that leaves out PATH_INFO and the like gets PEP 3333's defaults", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.request(1, { PATH_INFO: "/environ" });
      const text = latin1((await c.response(1)).body);
      for (
        const line of [
          "REQUEST_METHOD=GET",
          "SCRIPT_NAME=",
          "QUERY_STRING=",
          "SERVER_NAME=localhost",
          "SERVER_PORT=80",
          "SERVER_PROTOCOL=HTTP/1.0",
        ]
      ) assert.ok(text.includes(`${line}\n`), `${line} in:\n${text}`);
      await c.close();
    });
  });

  test("a POST body in several STDIN records reaches wsgi.input byte for byte", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      const body = new Uint8Array(200_000).map((_, i) =>
        (i * 7 + (i >> 8)) & 255
      );
      await c.begin(1);
      await c.params(1, {
        ...GET_VARS,
        REQUEST_METHOD: "POST",
        PATH_INFO: "/echo",
        CONTENT_TYPE: "application/x-test",
        CONTENT_LENGTH: String(body.length),
      });
      await c.stdin(1, body, true, 1000);
      const response = await c.response(1);
      assert.equal(response.status, "200 OK");
      // One chunk of 200 000 bytes: four records, none over 65 535 bytes.
      assert.deepEqual(
        response.stdout.map((content) => content.length <= 65535),
        [true, true, true, true],
      );
      assert.deepEqual(response.headers[0], [
        "Content-Type",
        "application/x-test",
      ]);
      assert.deepEqual(response.body, body);
      await c.close();
    });
  });

  test("wsgi.input stops at CONTENT_LENGTH", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.request(1, {
        ...GET_VARS,
        REQUEST_METHOD: "POST",
        PATH_INFO: "/echo",
        CONTENT_LENGTH: "5",
      }, bytes("hello, and more"));
      assert.equal(decoder.decode((await c.response(1)).body), "hello");
      await c.close();
    });
  });

  test("a streamed response arrives in several STDOUT records before the app finishes", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => release = resolve);
    const app: WSGIApplication = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return (async function* () {
        yield bytes("first\n");
        yield bytes("second\n");
        await held;
        yield bytes("third\n");
      })();
    };
    await withServer(app, async (server) => {
      const c = await client(server);
      await c.request(1, GET_VARS);
      // Both chunks arrive while the app is held: nothing waits for the end.
      const early = await c.until(() => {
        const out = c.received.filter((r) => r.type === 6);
        return out.length >= 2 ? out : undefined;
      });
      assert.ok(early);
      const text = decoder.decode(concat(early.map((r) => r.content)));
      assert.ok(text.startsWith("Status: 200 OK\r\n"), text);
      assert.ok(text.endsWith("\r\n\r\nfirst\nsecond\n"), text);
      assert.equal(
        c.received.some((r) => r.type === END_REQUEST),
        false,
        "no END_REQUEST while the app is held",
      );
      release();
      const response = await c.response(1);
      assert.equal(decoder.decode(response.body), "first\nsecond\nthird\n");
      assert.equal(response.stdout.length, 3, "one STDOUT record per chunk");
      assert.equal(
        response.headers.some(([name]) => name === "Content-Length"),
        false,
      );
      await c.close();
    });
  });

  test("a response with no body sends its headers in one STDOUT record", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.request(1, { ...GET_VARS, PATH_INFO: "/empty" });
      const response = await c.response(1);
      assert.equal(response.status, "204 No Content");
      assert.equal(response.stdout.length, 1);
      assert.equal(response.body.length, 0);
      await c.close();
    });
  });

  test("a response of an app that answers at once goes out in one socket write, END_REQUEST included", async () => {
    const hello: WSGIApplication = (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes("Hello, world!")];
    };
    await withServer(hello, async (server) => {
      const c = await client(server);
      // The server's writes, counted on node:net's sockets (the client's
      // own are left out): a cork()ed pair costs Deno a slow writev.
      const write = Socket.prototype.write;
      let writes = 0;
      Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
        if (this !== c.socket) writes++;
        return (write as (...args: unknown[]) => boolean).apply(this, args);
      } as typeof write;
      try {
        for (const id of [1, 2, 3]) {
          await c.request(id, GET_VARS);
          const response = await c.response(id);
          assert.equal(latin1(response.body), "Hello, world!");
          assert.ok(response.streamsClosed);
        }
      } finally {
        Socket.prototype.write = write;
      }
      assert.equal(writes, 3, "one write per response");
      await c.close();
    });
  });

  test("an app error: the 500 page, no stack to the client, the stack in STDERR, appStatus 1", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.request(1, { ...GET_VARS, PATH_INFO: "/boom" });
      const response = await c.response(1);
      assert.equal(response.status, "500 Internal Server Error");
      assert.equal(decoder.decode(response.body), ERROR_PAGE);
      assert.match(response.stderr, /^Traceback \(most recent call last\):\n/);
      assert.match(
        response.stderr,
        /Error: the \/boom route fails on purpose\n$/,
      );
      assert.match(response.stderr, /fastcgi_test/, "a stack frame");
      assert.equal(response.appStatus, 1);
      assert.ok(
        response.streamsClosed,
        "STDOUT and STDERR end with empty records",
      );
      await c.close();
    });
  });

  test("ABORT_REQUEST ends the request: END_REQUEST, the signal aborts, close() runs once", async () => {
    let closes = 0;
    let signal: AbortSignal | undefined;
    const app: WSGIApplication = (environ, startResponse) => {
      signal = environ["wsgiref.signal"];
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      let n = 0;
      return {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            yield bytes(`tick ${n++}\n`);
            await tick(10);
          }
        },
        close() {
          closes++;
        },
      };
    };
    await withServer(app, async (server) => {
      const c = await client(server);
      await c.request(1, GET_VARS);
      await c.until(() => c.received.find((r) => r.type === 6));
      await c.send(record(ABORT_REQUEST, 1));
      const answer = await c.answer(1);
      assert.ok(answer, "END_REQUEST after ABORT_REQUEST");
      assert.equal(answer.protocolStatus, 0);
      await until(() => closes > 0, 5000, "close() after the abort");
      assert.equal(signal?.aborted, true);
      await tick(50);
      assert.equal(closes, 1, "close() once");
      // No more records for request 1; the connection still serves.
      const before = c.received.filter((r) => r.requestId === 1).length;
      await tick(30);
      assert.equal(c.received.filter((r) => r.requestId === 1).length, before);
      assert.equal(c.isClosed, false);
      await c.close();
    });
  });

  test("keep-conn: two requests one after the other on one connection; without it the server closes", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.request(1, { ...GET_VARS, PATH_INFO: "/a" });
      assert.equal(decoder.decode((await c.response(1)).body), "Not Found: /a");
      await c.request(1, { ...GET_VARS, PATH_INFO: "/b" }, undefined, false);
      assert.equal(decoder.decode((await c.response(1)).body), "Not Found: /b");
      await within(c.closed, 5000, "the server closes without keep-conn");
    });
  });

  test("multiplexed requests: a slow reader's STDIN stays bounded and the other request completes", async () => {
    const window = 16 * 1024;
    let peak = 0;
    let server!: FastCGIServer;
    let fastDone = false;
    const app: WSGIApplication = async (environ, startResponse) => {
      const input = environ["wsgi.input"];
      let total = 0;
      for (;;) {
        const chunk = await input.read(4096);
        if (chunk.length === 0) break;
        total += chunk.length;
        peak = Math.max(peak, server.bufferedInput);
        if (environ.PATH_INFO === "/slow") await tick(fastDone ? 0 : 2);
      }
      if (environ.PATH_INFO === "/fast") fastDone = true;
      startResponse("200 OK", []);
      return [bytes(`${environ.PATH_INFO} read ${total}`)];
    };
    await withServer(app, async (s, _log) => {
      server = s;
      const c = await client(server);
      const size = 1024 * 1024;
      const post = (path: string) => ({
        ...GET_VARS,
        REQUEST_METHOD: "POST",
        PATH_INFO: path,
        CONTENT_LENGTH: String(size),
      });
      await c.begin(1);
      await c.params(1, post("/slow"));
      await c.begin(2);
      await c.params(2, post("/fast"));
      // Interleaved: a record for each in turn.
      const body = new Uint8Array(size);
      const piece = 8192;
      for (let at = 0; at < size; at += piece) {
        await c.send(record(STDIN, 1, body.subarray(at, at + piece)));
        await c.send(record(STDIN, 2, body.subarray(at, at + piece)));
        peak = Math.max(peak, server.bufferedInput);
      }
      await c.send(record(STDIN, 1));
      await c.send(record(STDIN, 2));
      const [slow, fast] = await within(
        Promise.all([c.response(1), c.response(2)]),
        60_000,
        "both responses",
      );
      assert.equal(decoder.decode(fast.body), `/fast read ${size}`);
      assert.equal(decoder.decode(slow.body), `/slow read ${size}`);
      // Per request: the window plus one record; and what the connection
      // read but did not parse yet: a record and a read (64 KiB).
      const bound = 2 * (window + piece) + 2 * 65536 + 1024;
      assert.ok(peak <= bound, `at most ${bound} bytes held, got ${peak}`);
      await c.close();
    }, { maxStdinBuffer: window });
  });

  test("a request whose app does not read yet holds its STDIN while another request on the connection completes", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => release = resolve);
    const app: WSGIApplication = async (environ, startResponse) => {
      if (environ.PATH_INFO === "/held") await held;
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", []);
      return [bytes(`${environ.PATH_INFO} read ${body.length}`)];
    };
    await withServer(app, async (server) => {
      const c = await client(server);
      const post = (path: string, length: number) => ({
        ...GET_VARS,
        REQUEST_METHOD: "POST",
        PATH_INFO: path,
        CONTENT_LENGTH: String(length),
      });
      await c.begin(1);
      await c.params(1, post("/held", 10_000));
      await c.stdin(1, new Uint8Array(10_000));
      await c.begin(2);
      await c.params(2, post("/other", 300_000));
      await c.stdin(2, new Uint8Array(300_000), true, 30_000);
      const other = await c.response(2);
      assert.equal(decoder.decode(other.body), "/other read 300000");
      assert.equal(server.bufferedInput, 10_000, "the held request's STDIN");
      release();
      assert.equal(
        decoder.decode((await c.response(1)).body),
        "/held read 10000",
      );
      assert.equal(server.bufferedInput, 0);
      await c.close();
    }, { maxStdinBuffer: 16 * 1024 });
  });

  test("an unknown record type gets UNKNOWN_TYPE and the connection goes on", async () => {
    await withServer(probe, async (server, log) => {
      const c = await client(server);
      await c.send(record(42, 0, new Uint8Array(3)));
      await c.send(record(42, 1, new Uint8Array(0)));
      const replies = await c.until(() => {
        const found = c.received.filter((r) => r.type === UNKNOWN_TYPE);
        return found.length === 2 ? found : undefined;
      });
      assert.ok(replies);
      for (const reply of replies) {
        assert.equal(reply.requestId, 0);
        assert.deepEqual([...reply.content], [42, 0, 0, 0, 0, 0, 0, 0]);
      }
      await c.request(1, { ...GET_VARS, PATH_INFO: "/x" });
      assert.equal(decoder.decode((await c.response(1)).body), "Not Found: /x");
      assert.equal(log.text, "");
      await c.close();
    });
  });

  const badRecords: Array<[string, () => Uint8Array[], RegExp]> = [
    [
      "a record of version 2",
      () => [record(BEGIN_REQUEST, 1, new Uint8Array(8), 2)],
      /version must be 1, got 2/,
    ],
    [
      "a record cut short by the end of the connection",
      () => [
        record(BEGIN_REQUEST, 1, Uint8Array.of(0, 1, 1, 0, 0, 0, 0, 0))
          .subarray(0, 11),
      ],
      /must arrive whole/,
    ],
    [
      "a BEGIN_REQUEST of the wrong length",
      () => [record(BEGIN_REQUEST, 1, new Uint8Array(9))],
      /must hold 8 bytes, got 9/,
    ],
    [
      "PARAMS over maxParamsSize",
      () => {
        const begin = record(
          BEGIN_REQUEST,
          1,
          Uint8Array.of(0, 1, 1, 0, 0, 0, 0, 0),
        );
        const big = pairs({ HTTP_X_BIG: "x".repeat(60_000) });
        return [
          begin,
          ...Array.from({ length: 20 }, () => record(PARAMS, 1, big)),
        ];
      },
      /PARAMS must take at most maxParamsSize/,
    ],
    [
      "name-value pairs cut short",
      () => [
        record(BEGIN_REQUEST, 1, Uint8Array.of(0, 1, 1, 0, 0, 0, 0, 0)),
        record(PARAMS, 1, Uint8Array.of(4, 100, 65, 66)),
        record(PARAMS, 1),
      ],
      /name-value pair must fit/,
    ],
    [
      "STDIN before the end of PARAMS",
      () => [
        record(BEGIN_REQUEST, 1, Uint8Array.of(0, 1, 1, 0, 0, 0, 0, 0)),
        record(STDIN, 1, new Uint8Array(4)),
      ],
      /STDIN must follow the end of PARAMS/,
    ],
    [
      "a STDIN record with request ID 0",
      () => [record(STDIN, 0, new Uint8Array(4))],
      /must carry a request ID, got 0/,
    ],
  ];
  for (const [name, records, message] of badRecords) {
    test(`${name} closes that connection, logged; the server goes on`, async () => {
      await withServer(probe, async (server, log) => {
        const bad = await client(server);
        for (const bytes of records()) await bad.send(bytes).catch(() => {});
        if (name.includes("cut short by the end")) bad.socket.end();
        await within(bad.closed, 5000, "the bad connection closes");
        assert.match(log.text, message);
        const good = await client(server);
        await good.request(1, { ...GET_VARS, PATH_INFO: "/still" });
        assert.equal(
          decoder.decode((await good.response(1)).body),
          "Not Found: /still",
        );
        await good.close();
      });
    });
  }

  test("a role other than responder gets END_REQUEST with FCGI_UNKNOWN_ROLE", async () => {
    await withServer(probe, async (server) => {
      const c = await client(server);
      await c.begin(1, true, 2);
      const answer = await c.answer(1);
      assert.equal(answer?.protocolStatus, 3);
      await c.close();
    });
  });

  test("a peer not on the allow-list is refused", async () => {
    await withServer(probe, async (server, log) => {
      const c = await client(server);
      await within(c.closed, 5000, "the refused connection closes");
      assert.equal(c.received.length, 0);
      assert.match(log.text, /refused a connection from 127\.0\.0\.1/);
    }, { allow: ["10.0.0.0/8", "192.0.2.7"] });
  });

  test("allow entries: addresses and CIDR blocks, IPv4 and IPv6; anything else is a TypeError", async () => {
    const good = [
      "127.0.0.1",
      "10.0.0.0/8",
      "0.0.0.0/0",
      "::1",
      "fe80::/10",
      "2001:db8::1:2:3:4:5",
      "::ffff:192.0.2.1",
      "::/0",
    ];
    for (const entry of good) {
      const server = await serveFastCGI(probe, { port: 0, allow: [entry] });
      await server.close();
    }
    const bad = [
      "localhost",
      "256.0.0.1",
      "10.0.0.0/33",
      "10.0.0.0/",
      "1::2::3",
      "::1/129",
      "1:2:3:4:5:6:7:8:9",
      "10.0.0.1/8/8",
    ];
    for (const entry of bad) {
      await assert.rejects(
        serveFastCGI(probe, { port: 0, allow: [entry] }),
        (error: Error) =>
          error instanceof TypeError &&
          error.message.includes(JSON.stringify(entry)),
        entry,
      );
    }
  });

  test("a dual-stack listener sees an IPv4 peer as ::ffff:127.0.0.1, which the default allow-list lets in", async (t) => {
    let server: FastCGIServer;
    try {
      server = await serveFastCGI(probe, { port: 0, hostname: "::" });
    } catch (error) {
      t.skip(`no IPv6 here: ${(error as Error).message}`);
      return;
    }
    try {
      const c = await FastCGIClient.connect({ port: server.port! });
      await c.request(1, { ...GET_VARS, PATH_INFO: "/mapped" });
      assert.equal(
        decoder.decode((await c.response(1)).body),
        "Not Found: /mapped",
      );
      await c.close();
    } finally {
      await server.close();
    }
  });

  test("serveFastCGI() listens on a Unix socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsgiref_fcgi_"));
    const path = join(dir, "app.sock");
    const server = await serveFastCGI(probe, { path, allow: [] });
    try {
      assert.equal(server.port, undefined);
      assert.equal(server.path, path);
      const c = await FastCGIClient.connect({ path });
      await c.request(1, { ...GET_VARS, PATH_INFO: "/unix" });
      assert.equal(
        decoder.decode((await c.response(1)).body),
        "Not Found: /unix",
      );
      await c.close();
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("shutdown() lets a running request finish, then closes", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => release = resolve);
    const app: WSGIApplication = async (_environ, startResponse) => {
      await held;
      startResponse("200 OK", []);
      return [bytes("done")];
    };
    const server = await serveFastCGI(app, { port: 0 });
    const c = await FastCGIClient.connect({ port: server.port! });
    await c.request(1, GET_VARS);
    await tick(20);
    const stopped = server.shutdown();
    await tick(20);
    release();
    assert.equal(decoder.decode((await c.response(1)).body), "done");
    await within(stopped, 5000, "shutdown()");
    await within(c.closed, 5000, "the connection closes");
  });
});
