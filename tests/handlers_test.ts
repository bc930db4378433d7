// Copyright 2026 the wsgiref authors. MIT license.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AssertionError,
  BaseCGIHandler,
  BaseHandler,
  ClientDisconnectedError,
  fixIisPathInfo,
  formatDateTime,
  SimpleHandler,
} from "../handlers.ts";
import { FileWrapper, setupTestingDefaults } from "../util.ts";
import type {
  ResponseBody,
  StartResponse,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";
import { bytes, concat, latin1, MemorySink, tick } from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Helpers

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Python's `ErrorHandler`: a `BaseCGIHandler` over in-memory streams whose
 * environ went through `setupTestingDefaults`. It also counts `close()`.
 */
class ErrorHandler extends BaseCGIHandler {
  readonly out: MemorySink;
  readonly err: MemorySink;
  closeCalls = 0;

  constructor(
    environ: Record<string, unknown> = {},
    out: MemorySink = new MemorySink(),
    err: MemorySink = new MemorySink(),
  ) {
    super(
      ReadableStream.from<Uint8Array>([]),
      out.writable,
      err.writable,
      setupTestingDefaults(environ),
      { multithread: true, multiprocess: true },
    );
    this.out = out;
    this.err = err;
  }

  override async close(): Promise<void> {
    this.closeCalls++;
    await super.close();
  }

  /** stdout, one code point per byte. */
  get output(): string {
    return this.out.latin1();
  }

  /** stderr, as text. */
  get errors(): string {
    return this.err.text();
  }
}

/** Python's `TestHandler`: `handleError` re-throws, so errors reach `run()`'s caller. */
class TestHandler extends ErrorHandler {
  override handleError(error: unknown): Promise<void> {
    return Promise.reject(error);
  }
}

/** `BaseHandler` with no hook overridden, as Python's `BaseHandler()`. */
class BareHandler extends BaseHandler {}

/** An iterable body with a counting `close()`, that may fail at chunk `failAt`. */
class Body implements Iterable<Uint8Array> {
  closed = 0;
  readonly chunks: readonly Uint8Array[];
  readonly failAt: number | undefined;
  readonly closeError: unknown;

  constructor(
    chunks: readonly Uint8Array[],
    options: { failAt?: number; closeError?: unknown } = {},
  ) {
    this.chunks = chunks;
    this.failAt = options.failAt;
    this.closeError = options.closeError;
  }

  *[Symbol.iterator](): Generator<Uint8Array> {
    for (let i = 0;; i++) {
      if (this.failAt === i) throw new RangeError("boom");
      if (i >= this.chunks.length) return;
      yield this.chunks[i];
    }
  }

  close(): void {
    this.closed++;
    if (this.closeError !== undefined) throw this.closeError;
  }
}

/** An async iterable (not a generator) that logs `return()` and `close()`. */
class AsyncBody implements AsyncIterable<Uint8Array> {
  readonly log: string[] = [];
  readonly chunks: readonly Uint8Array[];
  readonly failAt: number | undefined;

  constructor(chunks: readonly Uint8Array[], failAt?: number) {
    this.chunks = chunks;
    this.failAt = failAt;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    let i = 0;
    return {
      next: (): Promise<IteratorResult<Uint8Array>> => {
        if (this.failAt === i) return Promise.reject(new RangeError("boom"));
        if (i >= this.chunks.length) {
          return Promise.resolve({ done: true, value: undefined });
        }
        return Promise.resolve({ done: false, value: this.chunks[i++] });
      },
      return: (): Promise<IteratorResult<Uint8Array>> => {
        this.log.push("return");
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  close(): Promise<void> {
    this.log.push("close");
    return Promise.resolve();
  }
}

/** A generator that yields nothing. */
// deno-lint-ignore require-yield
function* emptyGenerator(): Generator<Uint8Array> {
  return;
}

function appReturning(
  body: unknown,
  headers: Array<[string, string]> = [],
  status = "200 OK",
): WSGIApplication {
  return (_environ, startResponse) => {
    startResponse(status, headers);
    return body as ResponseBody;
  };
}

const HELLO_HEADERS: Array<[string, string]> = [
  ["Content-Type", "text/plain"],
  ["Date", "Mon, 05 Jun 2006 18:49:54 GMT"],
];

/** Python's `hello_app`. */
const helloApp: WSGIApplication = (_environ, startResponse) => {
  startResponse("200 OK", HELLO_HEADERS);
  return [bytes("Hello, world!")];
};

/** Python's `non_error_app`. */
const nonErrorApp: WSGIApplication = (_environ, startResponse) => {
  startResponse("200 OK", []);
  return [];
};

const HELLO_RESPONSE = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n" +
  "Date: Mon, 05 Jun 2006 18:49:54 GMT\r\nContent-Length: 13\r\n\r\n" +
  "Hello, world!";

const ERROR_BODY =
  "A server error occurred.  Please contact the administrator.";
const CGI_ERROR_PAGE = "Status: 500 Internal Server Error\r\n" +
  "Content-Type: text/plain\r\nContent-Length: 59\r\n\r\n" + ERROR_BODY;
const DATE_LINE = String
  .raw`Date: \w{3}, [ 0123]\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n`;

function namedError(name: string): Error {
  const error = new Error(`${name} (simulated)`);
  error.name = name;
  return error;
}

function codedError(code: string): Error {
  return Object.assign(new Error(`write ${code}`), { code });
}

/** Every way a transport reports that the client went away. */
const HANG_UPS: Array<[string, () => Error]> = [
  ["a BrokenPipe error", () => namedError("BrokenPipe")],
  ["a ConnectionReset error", () => namedError("ConnectionReset")],
  ["a ConnectionAborted error", () => namedError("ConnectionAborted")],
  ["an error with code EPIPE", () => codedError("EPIPE")],
  ["an error with code ECONNRESET", () => codedError("ECONNRESET")],
  ["a ClientDisconnectedError", () => new ClientDisconnectedError()],
];

/** A stdout whose writes succeed `accept` times, then throw `makeError()`. */
function failingStdout(
  makeError: () => unknown,
  accept = 0,
): { writable: WritableStream<Uint8Array>; taken: Uint8Array[] } {
  const taken: Uint8Array[] = [];
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      if (taken.length >= accept) throw makeError();
      taken.push(chunk.slice());
    },
  });
  return { writable, taken };
}

class CustomError extends Error {
  constructor(message = "custom") {
    super(message);
    this.name = "CustomError";
  }
}

/** Runs `fn`, then reports the promise rejections nobody handled meanwhile. */
async function unhandledRejectionsDuring(
  fn: () => Promise<void>,
): Promise<unknown[]> {
  const seen: unknown[] = [];
  type RejectionEvent = { reason: unknown; preventDefault(): void };
  const target = globalThis as unknown as {
    addEventListener?(type: string, fn: (event: RejectionEvent) => void): void;
    removeEventListener?(
      type: string,
      fn: (event: RejectionEvent) => void,
    ): void;
    process?: {
      on(type: string, fn: (reason: unknown) => void): void;
      off(type: string, fn: (reason: unknown) => void): void;
    };
  };
  const onEvent = (event: RejectionEvent): void => {
    event.preventDefault();
    seen.push(event.reason);
  };
  const onNode = (reason: unknown): void => void seen.push(reason);
  const web = typeof target.addEventListener === "function";
  if (web) target.addEventListener!("unhandledrejection", onEvent);
  else target.process?.on("unhandledRejection", onNode);
  try {
    await fn();
    await tick(5);
    await tick(5);
  } finally {
    if (web) target.removeEventListener!("unhandledrejection", onEvent);
    else target.process?.off("unhandledRejection", onNode);
  }
  return seen;
}

function assertNoStackOnTheWire(output: string, secret: string): void {
  assert.ok(!output.includes(secret), `the client saw ${secret}`);
  assert.doesNotMatch(output, /^\s*at /m);
  assert.doesNotMatch(output, /Traceback/);
}

// ---------------------------------------------------------------------------

describe("formatDateTime()", () => {
  const rows: Array<[number, string]> = [
    [0, "Thu, 01 Jan 1970 00:00:00 GMT"],
    [1e9, "Sun, 09 Sep 2001 01:46:40 GMT"],
    [951782400, "Tue, 29 Feb 2000 00:00:00 GMT"],
    [-1, "Wed, 31 Dec 1969 23:59:59 GMT"],
    [1e9 + 0.999, "Sun, 09 Sep 2001 01:46:40 GMT"],
  ];
  for (const [timestamp, expected] of rows) {
    test(`formatDateTime(${timestamp}) is ${expected}`, () => {
      assert.equal(formatDateTime(timestamp), expected);
    });
  }

  test("formatDateTime() rejects a timestamp that is not finite", () => {
    assert.throws(() => formatDateTime(NaN), RangeError);
    assert.throws(() => formatDateTime(Infinity), RangeError);
  });
});

describe("HandlerTests (CPython test_wsgiref)", () => {
  test("testEnviron: base environ over osEnviron, handler wsgi.* over both", () => {
    const handler = new TestHandler({ X: "Y", HOME: "/override/home" });
    handler.osEnviron = {
      HOME: "/my/home",
      PATH: "/my/path",
      LANG: "fr_FR.UTF-8",
      SCRIPT_NAME: "test_script_name",
      SERVER_NAME: "test_server_name",
    };
    handler.setupEnviron();
    const environ = handler.environ!;
    assert.deepEqual(environ["wsgi.version"], [1, 0]);
    assert.equal(environ["wsgi.multithread"], handler.wsgiMultithread);
    assert.equal(environ["wsgi.multiprocess"], handler.wsgiMultiprocess);
    assert.equal(environ["wsgi.run_once"], handler.wsgiRunOnce);
    const wrapper = environ["wsgi.file_wrapper"]!;
    assert.equal(typeof wrapper, "function");
    assert.ok(wrapper([bytes("x")]) instanceof handler.wsgiFileWrapper!);

    const expected: Record<string, unknown> = {
      HOME: "/override/home",
      PATH: "/my/path",
      LANG: "fr_FR.UTF-8",
      SCRIPT_NAME: "",
      SERVER_NAME: "127.0.0.1",
      X: "Y",
      SERVER_PROTOCOL: "HTTP/1.0",
      HTTP_HOST: "127.0.0.1",
      REQUEST_METHOD: "GET",
      PATH_INFO: "/",
      SERVER_PORT: "80",
      "wsgi.version": [1, 0],
      "wsgi.run_once": false,
      "wsgi.multithread": true,
      "wsgi.multiprocess": true,
      "wsgi.input": handler.getStdin(),
      "wsgi.errors": handler.getStderr(),
      "wsgi.url_scheme": "http",
      "wsgi.file_wrapper": wrapper,
    };
    assert.deepEqual(Object.keys(environ).sort(), Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      if (typeof value === "object" && !Array.isArray(value)) {
        assert.equal(environ[key], value, key);
      } else {
        assert.deepEqual(environ[key], value, key);
      }
    }
  });

  test("testCGIEnviron: wsgi.url_scheme, wsgi.input and wsgi.errors are set", () => {
    const handler = new BaseCGIHandler(
      new ReadableStream(),
      new WritableStream(),
      new WritableStream(),
      {},
    );
    handler.setupEnviron();
    for (const key of ["wsgi.url_scheme", "wsgi.input", "wsgi.errors"]) {
      assert.ok(key in handler.environ!, key);
    }
  });

  test("testScheme: HTTPS=on gives https, else http", () => {
    const secure = new TestHandler({ HTTPS: "on" });
    secure.setupEnviron();
    assert.equal(secure.environ!["wsgi.url_scheme"], "https");
    const plain = new TestHandler();
    plain.setupEnviron();
    assert.equal(plain.environ!["wsgi.url_scheme"], "http");
  });

  test("testAbstractMethods: every transport hook throws NotImplementedError", async () => {
    const handler = new BareHandler();
    const notImplemented = { name: "NotImplementedError" };
    await assert.rejects(handler._flush(), notImplemented);
    assert.throws(() => handler.getStdin(), notImplemented);
    assert.throws(() => handler.getStderr(), notImplemented);
    assert.throws(() => handler.addCgiVars(), notImplemented);
    await assert.rejects(handler._write(bytes("test")), notImplemented);
  });

  describe("testContentLength", () => {
    test("app1: one chunk gets Content-Length", async () => {
      const handler = new TestHandler();
      await handler.run((environ, startResponse) => {
        startResponse("200 OK", []);
        return [bytes(environ["wsgi.url_scheme"])];
      });
      assert.equal(
        handler.output,
        "Status: 200 OK\r\nContent-Length: 4\r\n\r\nhttp",
      );
    });

    test("app2: a body sent through write() gets none", async () => {
      const handler = new TestHandler();
      await handler.run((_environ, startResponse) => {
        startResponse("200 OK", [])(bytes("http"));
        return [];
      });
      assert.equal(handler.output, "Status: 200 OK\r\n\r\nhttp");
    });

    test("app3: Content-Length counts bytes, not characters", async () => {
      const handler = new TestHandler();
      await handler.run((_environ, startResponse) => {
        startResponse("200 OK", []);
        return [bytes("\u0442\u0435\u0441\u0442")];
      });
      assert.equal(
        handler.output,
        "Status: 200 OK\r\nContent-Length: 8\r\n\r\n" +
          "\xd1\x82\xd0\xb5\xd1\x81\xd1\x82",
      );
    });

    test("app4: the app's own Content-Length is kept for an empty body (HEAD)", async () => {
      const handler = new TestHandler();
      await handler.run(appReturning([], [["Content-Length", "12345"]]));
      assert.equal(
        handler.output,
        "Status: 200 OK\r\nContent-Length: 12345\r\n\r\n",
      );
    });
  });

  test("testBasicErrorOutput: a clean response, then the error page", async () => {
    const ok = new ErrorHandler();
    await ok.run(nonErrorApp);
    assert.equal(ok.output, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert.equal(ok.errors, "");

    const failing = new ErrorHandler();
    await failing.run(() => {
      throw new AssertionError("This should be caught by handler");
    });
    assert.equal(
      failing.output,
      `Status: ${failing.errorStatus}\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${failing.errorBody.length}\r\n\r\n` +
        latin1(failing.errorBody),
    );
    assert.equal(failing.output, CGI_ERROR_PAGE);
    assert.ok(failing.errors.includes("AssertionError"));
  });

  test("testErrorAfterOutput: no error page once output was sent", async () => {
    const handler = new ErrorHandler();
    await handler.run((_environ, startResponse) => {
      startResponse("200 OK", [])(bytes("Some output has been sent"));
      throw new AssertionError("This should be caught by handler");
    });
    assert.equal(
      handler.output,
      "Status: 200 OK\r\n\r\nSome output has been sent",
    );
    assert.ok(handler.errors.includes("AssertionError"));
  });

  describe("testHeaderFormats", () => {
    for (const ssw of ["FooBar/1.0", undefined]) {
      const sw = ssw ? `Server: ${ssw}\r\n` : "";
      for (const version of ["1.0", "1.1"]) {
        for (const proto of ["HTTP/0.9", "HTTP/1.0", "HTTP/1.1"]) {
          test(`serverSoftware ${ssw}, httpVersion ${version}, ${proto}`, async () => {
            const cgi = new TestHandler({ SERVER_PROTOCOL: proto });
            cgi.originServer = false;
            cgi.httpVersion = version;
            cgi.serverSoftware = ssw;
            await cgi.run(nonErrorApp);
            assert.equal(
              cgi.output,
              "Status: 200 OK\r\nContent-Length: 0\r\n\r\n",
            );

            const origin = new TestHandler({ SERVER_PROTOCOL: proto });
            origin.originServer = true;
            origin.httpVersion = version;
            origin.serverSoftware = ssw;
            await origin.run(nonErrorApp);
            if (proto === "HTTP/0.9") {
              assert.equal(origin.output, "");
            } else {
              assert.match(
                origin.output,
                new RegExp(
                  `^HTTP/${escapeRegExp(version)} 200 OK\\r\\n${DATE_LINE}` +
                    `${escapeRegExp(sw)}Content-Length: 0\\r\\n\\r\\n$`,
                ),
              );
            }
          });
        }
      }
    }
  });

  test("testBytesData: headers and a bytes body, exactly", async () => {
    const handler = new TestHandler();
    await handler.run(
      appReturning([bytes("data")], [[
        "Content-Type",
        "text/plain; charset=utf-8",
      ]]),
    );
    assert.equal(
      handler.output,
      "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        "Content-Length: 4\r\n\r\ndata",
    );
  });

  test("testCloseOnError: the body is closed though the error came after the headers", async () => {
    let closed = false;
    const crashy = {
      *[Symbol.iterator](): Generator<Uint8Array> {
        yield bytes("blah");
        throw new AssertionError();
      },
      close(): void {
        closed = true;
      },
    };
    const handler = new ErrorHandler();
    await handler.run((_environ, startResponse) => {
      startResponse("200 OK", [])(bytes("Some output has been sent"));
      return crashy;
    });
    assert.equal(closed, true);
    assert.equal(
      handler.output,
      "Status: 200 OK\r\n\r\nSome output has been sentblah",
    );
    assert.ok(handler.errors.includes("AssertionError"));
  });

  describe("testPartialWrite (a web stream has no partial writes: slow sinks get every byte, in order)", () => {
    const strategies: Array<[string, () => QueuingStrategy<Uint8Array>]> = [
      [
        "CountQueuingStrategy, highWaterMark 1",
        () => new CountQueuingStrategy({ highWaterMark: 1 }),
      ],
      [
        "ByteLengthQueuingStrategy, highWaterMark 1",
        () => new ByteLengthQueuingStrategy({ highWaterMark: 1 }),
      ],
      ["highWaterMark 0", () => new CountQueuingStrategy({ highWaterMark: 0 })],
    ];
    for (const [name, strategy] of strategies) {
      test(`a sink that takes 7 bytes per tick, ${name}`, async () => {
        const pieces: Uint8Array[] = [];
        let busy = false;
        const stdout = new WritableStream<Uint8Array>({
          async write(chunk) {
            assert.equal(busy, false, "the sink was given overlapping writes");
            busy = true;
            for (let i = 0; i < chunk.length; i += 7) {
              await tick();
              pieces.push(chunk.slice(i, i + 7));
            }
            busy = false;
          },
        }, strategy());
        const err = new MemorySink();
        const handler = new SimpleHandler(
          new ReadableStream(),
          stdout,
          err.writable,
          { SERVER_PROTOCOL: "HTTP/1.0" },
        );
        await handler.run(helloApp);
        assert.equal(latin1(concat(pieces)), HELLO_RESPONSE);
        assert.equal(err.text(), "");
      });
    }

    test("writes the app ignores reach a slow sink complete and in call order", async () => {
      const pieces: Uint8Array[] = [];
      const stdout = new WritableStream<Uint8Array>({
        async write(chunk) {
          await tick();
          pieces.push(chunk.slice());
        },
      }, new CountQueuingStrategy({ highWaterMark: 1 }));
      const handler = new SimpleHandler(
        new ReadableStream(),
        stdout,
        new WritableStream(),
        { SERVER_PROTOCOL: "HTTP/1.0" },
      );
      await handler.run((_environ, startResponse) => {
        const write = startResponse("200 OK", HELLO_HEADERS);
        for (const word of ["one ", "two ", "three ", "four"]) {
          write(bytes(word));
        }
        return [bytes(" five")];
      });
      assert.equal(
        latin1(concat(pieces)),
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n" +
          "Date: Mon, 05 Jun 2006 18:49:54 GMT\r\n\r\none two three four five",
      );
    });
  });

  describe("testClientConnectionTerminations", () => {
    for (const [label, makeError] of HANG_UPS) {
      test(`a write that fails with ${label} ends run() quietly`, async () => {
        const err = new MemorySink();
        const stdout = failingStdout(makeError);
        const body = new Body([bytes("Hello, world!")]);
        const handler = new SimpleHandler(
          new ReadableStream(),
          stdout.writable,
          err.writable,
          { SERVER_PROTOCOL: "HTTP/1.0" },
        );
        let closeCalls = 0;
        const close = handler.close.bind(handler);
        handler.close = () => {
          closeCalls++;
          return close();
        };
        await handler.run(appReturning(body, HELLO_HEADERS));
        assert.equal(err.text(), "");
        assert.equal(body.closed, 1);
        // As Python: the handler is not reset on a hang-up.
        assert.equal(closeCalls, 0);
        assert.equal(handler.status, "200 OK");
        assert.equal(handler.headersSent, true);
      });
    }
  });

  test("testDontResetInternalStateOnException: a failing write is logged, state kept", async () => {
    const err = new MemorySink();
    const handler = new SimpleHandler(
      new ReadableStream(),
      failingStdout(() => new CustomError()).writable,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    await handler.run(helloApp);
    assert.ok(err.text().includes("CustomError"));
    assert.notEqual(handler.result, undefined);
    assert.notEqual(handler.headers, undefined);
    assert.notEqual(handler.status, undefined);
    assert.notEqual(handler.environ, undefined);
  });

  describe("testRaisesControlCharacters: TypeError for every C0 character and DEL in the status", () => {
    const controls = [
      ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
      "\x7f",
    ];
    assert.equal(controls.length, 33);
    for (const c0 of controls) {
      const code = `\\x${c0.charCodeAt(0).toString(16).padStart(2, "0")}`;
      test(`status with ${code}`, () => {
        const headers: Array<[string, string]> = [["x", "y"]];
        for (const status of [c0, `200 OK${c0}`, `200${c0}OK`, `200 O${c0}K`]) {
          const base = new BareHandler();
          assert.throws(
            () => base.startResponse(status, headers),
            (error) =>
              error instanceof TypeError &&
              error.message === "Control characters are not allowed in status",
          );
        }
      });
    }
  });
});

// ---------------------------------------------------------------------------

describe("startResponse()", () => {
  for (const status of ["200 ", "099 X", "200 OK", "404 Not Found", "999 é"]) {
    test(`accepts ${JSON.stringify(status)}`, () => {
      const handler = new BareHandler();
      const write = handler.startResponse(status, []);
      assert.equal(typeof write, "function");
      assert.equal(handler.status, status);
    });
  }

  const rejected: Array<[string, unknown, new () => Error, string]> = [
    [
      "too short",
      "200",
      AssertionError,
      "Status must be at least 4 characters",
    ],
    ["empty", "", AssertionError, "Status must be at least 4 characters"],
    [
      "no 3-digit code",
      "20X OK",
      AssertionError,
      "Status message must begin w/3-digit code",
    ],
    [
      "no space after the code",
      "200OK",
      AssertionError,
      "Status message must have a space after code",
    ],
    [
      "a 4-digit code",
      "2000 OK",
      AssertionError,
      "Status message must have a space after code",
    ],
    [
      "a tab after the code",
      "200\tOK",
      TypeError,
      "Control characters are not allowed in status",
    ],
    [
      "an injected header",
      "200 OK\r\nX-Injected: 1",
      TypeError,
      "Control characters are not allowed in status",
    ],
  ];
  for (const [label, status, type, message] of rejected) {
    test(`rejects a status with ${label}: ${type.name}`, () => {
      assert.throws(
        () => new BareHandler().startResponse(status as string, []),
        (error) =>
          error instanceof type && (error as Error).message === message,
      );
    });
  }

  test("rejects a status that is not a string, or not ISO-8859-1, with TypeError", () => {
    for (const status of [bytes("200 OK"), 200, undefined, "200 \u0100"]) {
      assert.throws(
        () => new BareHandler().startResponse(status as string, []),
        TypeError,
      );
    }
  });

  test('a second call without excInfo throws "Headers already set!"', () => {
    const handler = new BareHandler();
    handler.startResponse("200 OK", []);
    for (const excInfo of [undefined, null]) {
      assert.throws(
        () => handler.startResponse("404 Not Found", [], excInfo),
        (error) =>
          error instanceof AssertionError &&
          error.message === "Headers already set!",
      );
    }
    assert.equal(handler.status, "200 OK");
  });

  test("excInfo counts as given unless undefined or null", () => {
    for (const excInfo of [new Error("x"), 0, false, ""]) {
      const handler = new BareHandler();
      handler.startResponse("200 OK", [["A", "b"]]);
      handler.startResponse("500 Oops", [["C", "d"]], excInfo);
      assert.equal(handler.status, "500 Oops");
      assert.deepEqual(handler.headers!.items(), [["C", "d"]]);
    }
  });

  test("excInfo replaces headers not yet sent", async () => {
    const handler = new ErrorHandler();
    await handler.run((_environ, startResponse) => {
      startResponse("200 OK", [["A", "b"]]);
      try {
        throw new RangeError("KeyError");
      } catch (error) {
        startResponse("500 Oops", [["C", "d"]], error);
      }
      return [bytes("x")];
    });
    assert.equal(
      handler.output,
      "Status: 500 Oops\r\nC: d\r\nContent-Length: 1\r\n\r\nx",
    );
    assert.equal(handler.errors, "");
  });

  test("excInfo is re-thrown once headers were sent; the response is cut off", async () => {
    const late = new RangeError("late failure");
    let thrown: unknown;
    const handler = new ErrorHandler();
    await handler.run(async (_environ, startResponse) => {
      await startResponse("200 OK", [])(bytes("partial"));
      try {
        startResponse("500 Oops", [], late);
      } catch (error) {
        thrown = error;
        throw error;
      }
      return [];
    });
    assert.equal(thrown, late);
    assert.equal(handler.output, "Status: 200 OK\r\n\r\npartial");
    assert.ok(handler.errors.includes("RangeError: late failure"));
  });

  test("a hop-by-hop header throws AssertionError naming it in its original case", () => {
    const rows: Array<[string, string]> = [
      ["Connection", "close"],
      ["Keep-Alive", "timeout=5"],
      ["Proxy-Authenticate", "Basic"],
      ["PROXY-AUTHORIZATION", "x"],
      ["te", "trailers"],
      ["Trailers", "x"],
      ["Transfer-Encoding", "chunked"],
      ["upGrade", "websocket"],
    ];
    for (const [name, value] of rows) {
      assert.throws(
        () =>
          new BareHandler().startResponse("200 OK", [["X", "y"], [
            name,
            value,
          ]]),
        (error) =>
          error instanceof AssertionError &&
          error.message ===
            `Hop-by-hop header, '${name}: ${value}', not allowed`,
      );
    }
  });

  test("a bad header list or header text throws TypeError", () => {
    const bad: unknown[] = [
      "Content-Type: text/plain",
      [["X"]],
      [[bytes("X"), "y"]],
      [["X", 1]],
      [["X", "a\r\nInjected: 1"]],
      [["X\x00", "y"]],
      [["X", "\x7f"]],
      [["X", "\u0100"]],
      [["X\u00ff\u0100", "y"]],
    ];
    for (const headers of bad) {
      assert.throws(
        () =>
          new BareHandler().startResponse(
            "200 OK",
            headers as Array<[string, string]>,
          ),
        TypeError,
        JSON.stringify(headers),
      );
    }
  });

  test("a header name must be an RFC 9110 token: TypeError naming it", () => {
    for (
      const name of [
        "Set-Cookie: a=b; x",
        "X Y",
        "",
        "X\u00e9",
        "(x)",
        'a"b',
        "a/b",
      ]
    ) {
      assert.throws(
        () => new BareHandler().startResponse("200 OK", [[name, "y"]]),
        {
          name: "TypeError",
          message: `header name ${
            JSON.stringify(name)
          } must be an RFC 9110 token (letters, digits and !#$%&'*+-.^_\`|~)`,
        },
        name,
      );
    }
    const handler = new BareHandler();
    handler.startResponse("200 OK", [["!#$%&'*+-.^_`|~09Az", "y"]]);
    assert.equal(handler.headers!.length, 1);
  });

  test("CGI: a name holding ':' is a 500, never the line 'Set-Cookie: a=b; x: y'", async () => {
    const handler = new ErrorHandler();
    await handler.run((_environ, startResponse) => {
      startResponse("200 OK", [["Set-Cookie: a=b; x", "y"]]);
      return [bytes("x")];
    });
    assert.equal(handler.output, CGI_ERROR_PAGE);
    assert.match(handler.errors, /must be an RFC 9110 token/);
  });

  test("a pair changed after startResponse: what was checked is what is sent", async () => {
    for (
      const [label, evil] of [
        ["CR/LF", "a\r\nSet-Cookie: injected=1"],
        ["a control character", "a\x1fb"],
        ["a code point above U+00FF", "\u0100"],
      ]
    ) {
      const handler = new ErrorHandler();
      await handler.run((_environ, startResponse) => {
        const headers: Array<[string, string]> = [["X-A", "ok"]];
        startResponse("200 OK", headers);
        headers[0][1] = evil;
        headers[0][0] = "Set-Cookie";
        headers.push(["X-B", evil]);
        return [bytes("x")];
      });
      assert.equal(
        handler.output,
        "Status: 200 OK\r\nX-A: ok\r\nContent-Length: 1\r\n\r\nx",
        label,
      );
    }
  });

  test("HTAB is allowed in a header value", () => {
    const handler = new BareHandler();
    handler.startResponse("200 OK", [["X", "a\tb"]]);
    assert.equal(handler.headers!.get("X"), "a\tb");
  });

  test("a bad status still gets the error page (excInfo replaces what was stored)", async () => {
    const handler = new ErrorHandler();
    await handler.run(appReturning([bytes("x")], [], "200"));
    assert.equal(handler.output, CGI_ERROR_PAGE);
    assert.ok(
      handler.errors.includes("Status must be at least 4 characters"),
    );
  });

  test("the app's header list is copied: a reused list never gets Content-Length", async () => {
    const shared: Array<[string, string]> = [["Content-Type", "text/plain"]];
    for (let i = 0; i < 2; i++) {
      const handler = new ErrorHandler();
      await handler.run(appReturning([bytes("abc")], shared));
      assert.equal(
        handler.output,
        "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
      );
    }
    assert.deepEqual(shared, [["Content-Type", "text/plain"]]);
  });

  test("startResponse and write are bound once per handler, so they work unbound", async () => {
    const handler = new ErrorHandler();
    const seen: StartResponse[] = [];
    const app: WSGIApplication = async (_environ, startResponse) => {
      seen.push(startResponse);
      const write = Reflect.apply(startResponse, undefined, ["200 OK", []]);
      const again = startResponse("200 OK", [], new Error("replace"));
      assert.equal(write, again);
      await Reflect.apply(write, undefined, [bytes("ok")]);
      return [];
    };
    await handler.run(app);
    await handler.run(app);
    assert.equal(seen[0], seen[1]);
    assert.equal(
      handler.output,
      "Status: 200 OK\r\n\r\nokStatus: 200 OK\r\n\r\nok",
    );
  });
});

// ---------------------------------------------------------------------------

describe("write()", () => {
  test("a non-Uint8Array throws TypeError synchronously", async () => {
    const handler = new ErrorHandler();
    await handler.run((_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      for (
        const data of [
          "text",
          [104, 105],
          new ArrayBuffer(2),
          new DataView(new ArrayBuffer(2)),
          new Uint16Array(2),
          null,
        ]
      ) {
        assert.throws(() => write(data as unknown as Uint8Array), TypeError);
      }
      return [bytes("ok")];
    });
    assert.equal(
      handler.output,
      "Status: 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
  });

  test("before startResponse it throws AssertionError synchronously; the type is checked first", () => {
    const handler = new BareHandler();
    assert.throws(
      () => handler.write(bytes("x")),
      (error) =>
        error instanceof AssertionError &&
        error.message === "write() before start_response()",
    );
    assert.throws(() => handler.write("x" as unknown as Uint8Array), TypeError);
  });

  test("any Uint8Array is accepted, a subarray too", async () => {
    const handler = new ErrorHandler();
    await handler.run(async (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      await write(bytes("xabcx").subarray(1, 4));
      return [];
    });
    assert.equal(handler.output, "Status: 200 OK\r\n\r\nabc");
  });

  test("an ignored write that fails is logged, and no rejection goes unhandled", async () => {
    const err = new MemorySink();
    const handler = new SimpleHandler(
      new ReadableStream(),
      failingStdout(() => new CustomError("sink broke")).writable,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    const unhandled = await unhandledRejectionsDuring(async () => {
      await handler.run(async (_environ, startResponse) => {
        const write = startResponse("200 OK", []);
        write(bytes("a"));
        write(bytes("b"));
        // Both writes have failed by now, and nobody is looking.
        await tick(10);
        return [];
      });
    });
    assert.deepEqual(unhandled, []);
    assert.ok(err.text().includes("CustomError: sink broke"));
  });

  test("ignored writes to a client that hung up are quiet, and no rejection goes unhandled", async () => {
    for (const [label, makeError] of HANG_UPS) {
      const err = new MemorySink();
      const handler = new SimpleHandler(
        new ReadableStream(),
        failingStdout(makeError).writable,
        err.writable,
        { SERVER_PROTOCOL: "HTTP/1.0" },
      );
      const unhandled = await unhandledRejectionsDuring(async () => {
        await handler.run((_environ, startResponse) => {
          const write = startResponse("200 OK", []);
          write(bytes("a"));
          write(bytes("b"));
          return [];
        });
      });
      assert.deepEqual(unhandled, [], label);
      assert.equal(err.text(), "", label);
    }
  });

  test("an awaited write to a client that hung up rejects with ClientDisconnectedError", async () => {
    const sinkError = namedError("BrokenPipe");
    const err = new MemorySink();
    const handler = new SimpleHandler(
      new ReadableStream(),
      failingStdout(() => sinkError).writable,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    let caught: unknown;
    await handler.run(async (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      try {
        await write(bytes("a"));
      } catch (error) {
        caught = error;
        throw error;
      }
      return [];
    });
    assert.ok(caught instanceof ClientDisconnectedError);
    assert.equal(caught.cause, sinkError);
    assert.equal(err.text(), "");
  });

  test("a slow sink makes the app's awaited write() wait (backpressure)", async () => {
    const gates: Array<() => void> = [];
    const taken: string[] = [];
    const stdout = new WritableStream<Uint8Array>({
      write(chunk) {
        return new Promise<void>((resolve) => {
          gates.push(() => {
            taken.push(latin1(chunk));
            resolve();
          });
        });
      },
    });
    const log: string[] = [];
    const handler = new BaseCGIHandler(
      new ReadableStream(),
      stdout,
      new WritableStream(),
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    const running = handler.run(async (_environ, startResponse) => {
      const write = startResponse("200 OK", []);
      log.push("first");
      await write(bytes("one"));
      log.push("second");
      await write(bytes("two"));
      log.push("done");
      return [];
    });
    const openNext = async (): Promise<void> => {
      for (let i = 0; i < 20 && gates.length === 0; i++) await tick();
      gates.shift()!();
      await tick();
    };
    await tick();
    assert.deepEqual(log, ["first"]);
    await openNext(); // Status line
    await openNext(); // headers
    assert.deepEqual(log, ["first"]);
    await openNext(); // "one"
    assert.deepEqual(log, ["first", "second"]);
    await openNext(); // "two"
    assert.deepEqual(log, ["first", "second", "done"]);
    await running;
    assert.deepEqual(taken, ["Status: 200 OK\r\n", "\r\n", "one", "two"]);
  });
});

// ---------------------------------------------------------------------------

describe("Content-Length (CPython 1.4.10)", () => {
  const headersOf = (output: string): string =>
    output.slice(0, output.indexOf("\r\n\r\n") + 4);
  const rows: Array<[string, WSGIApplication, string]> = [
    [
      "the app's own Content-Length is kept, even if wrong",
      appReturning([bytes("abc")], [["Content-Length", "1"]]),
      "Status: 200 OK\r\nContent-Length: 1\r\n\r\nabc",
    ],
    [
      "the app's own content-length, in any case, is kept",
      appReturning([bytes("abc")], [["content-length", "3"]]),
      "Status: 200 OK\r\ncontent-length: 3\r\n\r\nabc",
    ],
    [
      "an array of one chunk: appended after the app's headers",
      appReturning([bytes("abc")], [["A", "1"], ["B", "2"]]),
      "Status: 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 3\r\n\r\nabc",
    ],
    [
      "an empty array: 0",
      appReturning([]),
      "Status: 200 OK\r\nContent-Length: 0\r\n\r\n",
    ],
    [
      "an array of one empty chunk: 0",
      appReturning([new Uint8Array()]),
      "Status: 200 OK\r\nContent-Length: 0\r\n\r\n",
    ],
    [
      "an array of two chunks: none",
      appReturning([bytes("a"), bytes("b")]),
      "Status: 200 OK\r\n\r\nab",
    ],
    [
      "an empty chunk, then one: none",
      appReturning([new Uint8Array(), bytes("x")]),
      "Status: 200 OK\r\n\r\nx",
    ],
    [
      "a generator: none",
      appReturning((function* () {
        yield bytes("abc");
      })()),
      "Status: 200 OK\r\n\r\nabc",
    ],
    [
      "an empty generator: 0",
      appReturning(emptyGenerator()),
      "Status: 200 OK\r\nContent-Length: 0\r\n\r\n",
    ],
    [
      "a FileWrapper: none",
      appReturning(new FileWrapper([bytes("abc")])),
      "Status: 200 OK\r\n\r\nabc",
    ],
    [
      "an empty FileWrapper: 0",
      appReturning(new FileWrapper([])),
      "Status: 200 OK\r\nContent-Length: 0\r\n\r\n",
    ],
    [
      "an async iterable: none",
      appReturning(ReadableStream.from([bytes("abc")])),
      "Status: 200 OK\r\n\r\nabc",
    ],
    [
      "write() during the call, then one chunk: none",
      (_environ, startResponse) => {
        startResponse("200 OK", [])(bytes("a"));
        return [bytes("b")];
      },
      "Status: 200 OK\r\n\r\nab",
    ],
    [
      "204 with an empty body: 0 is still added (as Python, gh-62299)",
      appReturning([], [], "204 No Content"),
      "Status: 204 No Content\r\nContent-Length: 0\r\n\r\n",
    ],
  ];
  for (const [label, app, expected] of rows) {
    test(label, async () => {
      const handler = new ErrorHandler();
      await handler.run(app);
      assert.equal(handler.errors, "");
      assert.equal(headersOf(handler.output), headersOf(expected));
      assert.equal(handler.output, expected);
    });
  }
});

// ---------------------------------------------------------------------------

describe("status line and headers (CPython 1.4.11)", () => {
  function origin(
    environ: Record<string, unknown> = { SERVER_PROTOCOL: "HTTP/1.0" },
  ): { handler: SimpleHandler; out: MemorySink; err: MemorySink } {
    const out = new MemorySink();
    const err = new MemorySink();
    const handler = new SimpleHandler(
      new ReadableStream(),
      out.writable,
      err.writable,
      environ,
    );
    return { handler, out, err };
  }

  test("an origin server writes the status line, Date, Server, the app's headers, Content-Length", async () => {
    const { handler, out } = origin();
    handler.serverSoftware = "Srv/1";
    await handler.run(
      appReturning([bytes("hi")], [["Content-Type", "text/plain"]]),
    );
    assert.match(
      out.latin1(),
      new RegExp(
        `^HTTP/1\\.0 200 OK\\r\\n${DATE_LINE}Server: Srv/1\\r\\n` +
          "Content-Type: text/plain\\r\\nContent-Length: 2\\r\\n\\r\\nhi$",
      ),
    );
    assert.equal(handler.status, undefined, "reset by close()");
  });

  test("the app's own Server and Date win", async () => {
    const { handler, out } = origin();
    handler.serverSoftware = "Srv/1";
    await handler.run(
      appReturning([bytes("hi")], [["Server", "Mine"], ["Date", "X"]]),
    );
    assert.equal(
      out.latin1(),
      "HTTP/1.0 200 OK\r\nServer: Mine\r\nDate: X\r\nContent-Length: 2\r\n\r\nhi",
    );
  });

  test("httpVersion 1.1 changes the status line only", async () => {
    const { handler, out } = origin({ SERVER_PROTOCOL: "HTTP/1.1" });
    handler.httpVersion = "1.1";
    await handler.run(helloApp);
    assert.equal(out.latin1(), HELLO_RESPONSE.replace("HTTP/1.0", "HTTP/1.1"));
  });

  test("an HTTP/0.9 client (any case) gets the body only", async () => {
    for (const protocol of ["HTTP/0.9", "http/0.9"]) {
      const { handler, out } = origin({ SERVER_PROTOCOL: protocol });
      await handler.run(helloApp);
      assert.equal(out.latin1(), "Hello, world!");
    }
  });

  test("CGI writes a Status line even for HTTP/0.9, never Date or Server", async () => {
    const handler = new ErrorHandler({ SERVER_PROTOCOL: "HTTP/0.9" });
    handler.serverSoftware = "Srv/1";
    await handler.run(
      appReturning([bytes("hi")], [["Content-Type", "text/plain"]]),
    );
    assert.equal(
      handler.output,
      "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
    );
  });

  test("a missing SERVER_PROTOCOL is logged; nothing is written (headers count as sent)", async () => {
    const { handler, out, err } = origin({});
    await handler.run(helloApp);
    assert.equal(out.latin1(), "");
    assert.ok(err.text().includes("SERVER_PROTOCOL"));
    assert.equal(handler.headersSent, true);
  });

  test("the default error page of an origin server", async () => {
    const { handler, out } = origin();
    handler.serverSoftware = "Srv/1";
    await handler.run(() => {
      throw new Error("nope");
    });
    assert.match(
      out.latin1(),
      new RegExp(
        `^HTTP/1\\.0 500 Internal Server Error\\r\\n${DATE_LINE}` +
          "Server: Srv/1\\r\\nContent-Type: text/plain\\r\\n" +
          `Content-Length: 59\\r\\n\\r\\n${escapeRegExp(ERROR_BODY)}$`,
      ),
    );
  });

  test("setupEnviron: wsgi.* from the handler, then the request, then osEnviron", () => {
    const { handler } = origin({
      SERVER_PROTOCOL: "HTTP/1.0",
      OS1: "b",
      "wsgi.url_scheme": "ftp",
      "wsgi.multithread": "no",
    });
    handler.osEnviron = { OS1: "a", SERVER_SOFTWARE: "fromos" };
    handler.serverSoftware = "SS/1";
    handler.setupEnviron();
    const environ = handler.environ!;
    assert.equal(environ.OS1, "b");
    assert.equal(environ.SERVER_SOFTWARE, "fromos");
    assert.equal(environ["wsgi.multithread"], true);
    assert.equal(environ["wsgi.multiprocess"], false);
    assert.equal(environ["wsgi.run_once"], false);
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.deepEqual(environ["wsgi.version"], [1, 0]);
    assert.ok(environ["wsgi.file_wrapper"]!([]) instanceof FileWrapper);
  });

  test("setupEnviron: SERVER_SOFTWARE defaults to serverSoftware on origin servers only", () => {
    const { handler } = origin();
    handler.serverSoftware = "SS/1";
    handler.setupEnviron();
    assert.equal(handler.environ!.SERVER_SOFTWARE, "SS/1");

    const cgi = new ErrorHandler();
    cgi.serverSoftware = "SS/1";
    cgi.setupEnviron();
    assert.equal("SERVER_SOFTWARE" in cgi.environ!, false);
  });

  test("setupEnviron: no wsgi.file_wrapper when wsgiFileWrapper is undefined", () => {
    const { handler } = origin();
    handler.wsgiFileWrapper = undefined;
    handler.setupEnviron();
    assert.equal("wsgi.file_wrapper" in handler.environ!, false);
  });

  test("wsgi.input reads the request body and stops at CONTENT_LENGTH", async () => {
    const out = new MemorySink();
    const handler = new BaseCGIHandler(
      ReadableStream.from([bytes("pi"), bytes("ng and more")]),
      out.writable,
      new WritableStream(),
      { SERVER_PROTOCOL: "HTTP/1.0", CONTENT_LENGTH: "4" },
    );
    await handler.run(async (environ, startResponse) => {
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", []);
      return [body];
    });
    assert.equal(
      out.latin1(),
      "Status: 200 OK\r\nContent-Length: 4\r\n\r\nping",
    );
  });

  test("run() releases the streams' locks and leaves them open", async () => {
    const { handler } = origin();
    await handler.run(helloApp);
    assert.equal(handler.stdout.locked, false);
    assert.equal(handler.stderr.locked, false);
    const failing = origin();
    await failing.handler.run(() => {
      throw new Error("x");
    });
    assert.equal(failing.handler.stdout.locked, false);
    assert.equal(failing.handler.stderr.locked, false);
  });
});

// ---------------------------------------------------------------------------

describe("the error page (CPython 1.4.13)", () => {
  test("custom errorStatus, errorHeaders and errorBody; the defaults are not changed", async () => {
    const errorHeaders: Array<[string, string]> = [
      ["Content-Type", "text/html"],
      ["Retry-After", "5"],
    ];
    const handler = new ErrorHandler();
    handler.errorStatus = "503 Busy";
    handler.errorHeaders = errorHeaders;
    handler.errorBody = bytes("<p>busy</p>");
    await handler.run(() => {
      throw new Error("x");
    });
    assert.equal(
      handler.output,
      "Status: 503 Busy\r\nContent-Type: text/html\r\nRetry-After: 5\r\n" +
        "Content-Length: 11\r\n\r\n<p>busy</p>",
    );
    assert.deepEqual(errorHeaders, [
      ["Content-Type", "text/html"],
      ["Retry-After", "5"],
    ]);

    const plain = new ErrorHandler();
    assert.equal(plain.errorStatus, "500 Internal Server Error");
    assert.deepEqual(plain.errorHeaders, [["Content-Type", "text/plain"]]);
    assert.equal(latin1(plain.errorBody), ERROR_BODY);
    await plain.run(() => {
      throw new Error("x");
    });
    assert.equal(plain.output, CGI_ERROR_PAGE);
    assert.deepEqual(plain.errorHeaders, [["Content-Type", "text/plain"]]);
  });

  test("the error page replaces headers the app had started", async () => {
    const handler = new ErrorHandler();
    await handler.run((_environ, startResponse) => {
      startResponse("200 OK", [["X-App", "1"]]);
      throw new Error("after startResponse");
    });
    assert.equal(handler.output, CGI_ERROR_PAGE);
  });

  test("the stack goes to wsgi.errors as a traceback, never to the client", async () => {
    const secret = "s3cr3t-detail";
    const before = new ErrorHandler();
    await before.run(() => {
      throw new Error(secret);
    });
    assert.equal(before.output, CGI_ERROR_PAGE);
    assertNoStackOnTheWire(before.output, secret);
    assert.ok(before.errors.startsWith("Traceback (most recent call last):\n"));
    assert.match(before.errors, /\n {2}at /);
    assert.ok(before.errors.endsWith(`Error: ${secret}\n`));

    const after = new ErrorHandler();
    await after.run(async (_environ, startResponse) => {
      await startResponse("200 OK", [])(bytes("partial"));
      throw new Error(secret);
    });
    assert.equal(after.output, "Status: 200 OK\r\n\r\npartial");
    assertNoStackOnTheWire(after.output, secret);
    assert.ok(after.errors.includes(secret));

    const out = new MemorySink();
    const err = new MemorySink();
    const origin = new SimpleHandler(
      new ReadableStream(),
      out.writable,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.1" },
    );
    await origin.run(() => {
      throw new TypeError(secret);
    });
    assertNoStackOnTheWire(out.latin1(), secret);
    assert.ok(out.latin1().endsWith(ERROR_BODY));
    assert.ok(err.text().includes(`TypeError: ${secret}`));
  });

  test("tracebackLimit 0 logs the last line only", async () => {
    const handler = new ErrorHandler();
    handler.tracebackLimit = 0;
    await handler.run(() => {
      throw new RangeError("deep");
    });
    assert.equal(handler.errors, "RangeError: deep\n");
  });

  test("startResponse never called gives the error page", async () => {
    const apps: WSGIApplication[] = [
      () => [],
      () => [bytes("x")],
      () => emptyGenerator(),
      () => ReadableStream.from([bytes("x")]),
    ];
    for (const app of apps) {
      const handler = new ErrorHandler();
      await handler.run(app);
      assert.equal(handler.output, CGI_ERROR_PAGE);
      assert.ok(handler.errors.includes("AssertionError"));
    }
  });

  const badBodies: Array<[string, unknown]> = [
    ["a string", "hello"],
    ["an empty string", ""],
    ["a number", 42],
    ["a plain object", {}],
    ["null", null],
    ["undefined", undefined],
    ["a single Uint8Array (an iterable of numbers)", bytes("abc")],
    ["an array holding a string", ["text"]],
    [
      "a generator yielding a promise",
      (function* () {
        yield Promise.resolve(bytes("x"));
      })(),
    ],
  ];
  for (const [label, body] of badBodies) {
    test(`a body that is ${label} gives the error page`, async () => {
      const handler = new ErrorHandler();
      await handler.run(appReturning(body));
      assert.equal(handler.output, CGI_ERROR_PAGE);
      assert.ok(handler.errors.includes("TypeError"), handler.errors);
    });
  }

  test("an empty first chunk does not send the headers: a later error still gets the page", async () => {
    const handler = new ErrorHandler();
    await handler.run((_environ, startResponse) => {
      startResponse("200 OK", []);
      return (function* () {
        yield new Uint8Array();
        throw new RangeError("after an empty chunk");
      })();
    });
    assert.equal(handler.output, CGI_ERROR_PAGE);
  });

  test("a hang-up while the error page is sent is quiet too", async () => {
    for (const [label, makeError] of HANG_UPS) {
      const err = new MemorySink();
      const handler = new BaseCGIHandler(
        new ReadableStream(),
        failingStdout(makeError).writable,
        err.writable,
        { SERVER_PROTOCOL: "HTTP/1.0" },
      );
      await handler.run(() => {
        throw new RangeError("app failed");
      });
      assert.ok(err.text().includes("RangeError: app failed"), label);
      assert.ok(!err.text().includes("simulated"), label);
    }
  });
});

// ---------------------------------------------------------------------------

describe("close() (CPython 1.4.12)", () => {
  function assertReset(handler: BaseHandler): void {
    assert.equal(handler.result, undefined);
    assert.equal(handler.headers, undefined);
    assert.equal(handler.status, undefined);
    assert.equal(handler.environ, undefined);
    assert.equal(handler.headersSent, false);
    assert.equal(handler.bytesSent, 0);
  }

  test("success: the body is closed once, then the state is reset", async () => {
    const body = new Body([bytes("a")]);
    const handler = new ErrorHandler();
    await handler.run(appReturning(body));
    assert.equal(body.closed, 1);
    assert.equal(handler.closeCalls, 1);
    assertReset(handler);
    assert.equal(handler.output, "Status: 200 OK\r\n\r\na");
    assert.equal(handler.errors, "");
  });

  test("the iteration fails after the first chunk: closed once, state kept, response cut off", async () => {
    const body = new Body([bytes("a")], { failAt: 1 });
    const handler = new ErrorHandler();
    await handler.run(appReturning(body));
    assert.equal(body.closed, 1);
    assert.equal(handler.closeCalls, 0);
    assert.equal(handler.status, "200 OK");
    assert.equal(handler.headersSent, true);
    assert.equal(handler.bytesSent, 1);
    assert.equal(handler.output, "Status: 200 OK\r\n\r\na");
    assert.ok(handler.errors.includes("RangeError: boom"));
  });

  test("the iteration fails before anything was sent: closed once, error page, state reset", async () => {
    const body = new Body([bytes("a")], { failAt: 0 });
    const handler = new ErrorHandler();
    await handler.run(appReturning(body));
    assert.equal(body.closed, 1);
    assert.equal(handler.closeCalls, 1);
    assertReset(handler);
    assert.equal(handler.output, CGI_ERROR_PAGE);
  });

  test("close() throws on success: a second response (the error page) follows, as Python", async () => {
    const body = new Body([bytes("a")], {
      closeError: new RangeError("close failed"),
    });
    const handler = new ErrorHandler();
    await handler.run(appReturning(body));
    assert.equal(body.closed, 1);
    assert.equal(handler.closeCalls, 2);
    assertReset(handler);
    assert.equal(handler.output, "Status: 200 OK\r\n\r\na" + CGI_ERROR_PAGE);
    assert.ok(handler.errors.includes("RangeError: close failed"));
  });

  test("a hang-up during a write: closed once, state kept, nothing logged", async () => {
    const body = new Body([bytes("a"), bytes("b")]);
    const err = new MemorySink();
    const stdout = failingStdout(() => namedError("ConnectionReset"), 3);
    const handler = new BaseCGIHandler(
      new ReadableStream(),
      stdout.writable,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    await handler.run(appReturning(body));
    assert.equal(body.closed, 1);
    assert.equal(handler.status, "200 OK");
    assert.equal(handler.headersSent, true);
    assert.equal(latin1(concat(stdout.taken)), "Status: 200 OK\r\n\r\na");
    assert.equal(err.text(), "");
  });

  test("an error in errorOutput (double error): run() rejects with it, close() once, state reset", async () => {
    const body = new Body([bytes("a")], { failAt: 0 });
    const handler = new ErrorHandler();
    handler.errorStatus = "500";
    await assert.rejects(
      handler.run(appReturning(body)),
      (error) =>
        error instanceof AssertionError &&
        error.message === "Status must be at least 4 characters",
    );
    assert.equal(body.closed, 1);
    assert.equal(handler.closeCalls, 1);
    assertReset(handler);
    assert.equal(handler.output, "");
    assert.ok(handler.errors.includes("RangeError: boom"));
  });
});

// ---------------------------------------------------------------------------

describe("the body is closed exactly once on every path", () => {
  test("the app throws before returning: the error page, close() once", async () => {
    const handler = new ErrorHandler();
    await handler.run(() => {
      throw new RangeError("early");
    });
    assert.equal(handler.closeCalls, 1);
    assert.equal(handler.output, CGI_ERROR_PAGE);
  });

  test("an async app that rejects: the error page, close() once", async () => {
    const handler = new ErrorHandler();
    await handler.run(async () => {
      await tick();
      throw new RangeError("early");
    });
    assert.equal(handler.closeCalls, 1);
    assert.equal(handler.output, CGI_ERROR_PAGE);
  });

  for (const failAt of [0, 1]) {
    const when = failAt === 0 ? "before" : "after";
    test(`an async iterable fails ${when} the headers: return() then close(), once each`, async () => {
      const body = new AsyncBody([bytes("a"), bytes("b")], failAt);
      const handler = new ErrorHandler();
      await handler.run(appReturning(body));
      // A failing next() ends the iteration: no return() is due.
      assert.deepEqual(body.log, ["close"]);
      assert.equal(
        handler.output,
        failAt === 0 ? CGI_ERROR_PAGE : "Status: 200 OK\r\n\r\na",
      );
    });

    test(`a generator fails ${when} the headers: its finally runs, close() once`, async () => {
      const log: string[] = [];
      const body = Object.assign(
        (function* () {
          try {
            if (failAt === 0) throw new RangeError("boom");
            yield bytes("a");
            throw new RangeError("boom");
          } finally {
            log.push("finally");
          }
        })(),
        {
          close(): void {
            log.push("close");
          },
        },
      );
      const handler = new ErrorHandler();
      await handler.run(appReturning(body));
      assert.deepEqual(log, ["finally", "close"]);
    });
  }

  test("a write fails (client gone): the iterator's return() is awaited, then close(), once each", async () => {
    const body = new AsyncBody([bytes("a"), bytes("b"), bytes("c")]);
    const handler = new BaseCGIHandler(
      new ReadableStream(),
      failingStdout(() => namedError("BrokenPipe"), 3).writable,
      new WritableStream(),
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    await handler.run(appReturning(body));
    assert.deepEqual(body.log, ["return", "close"]);
  });

  test("a write fails (other error): return() then close(), once each, and it is logged", async () => {
    const body = new AsyncBody([bytes("a"), bytes("b"), bytes("c")]);
    const err = new MemorySink();
    const handler = new BaseCGIHandler(
      new ReadableStream(),
      failingStdout(() => new CustomError(), 3).writable,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    await handler.run(appReturning(body));
    assert.deepEqual(body.log, ["return", "close"]);
    assert.ok(err.text().includes("CustomError"));
  });

  test("a body whose close() throws after a failure: called once, its error logged", async () => {
    for (const failAt of [0, 1]) {
      const body = new Body([bytes("a")], {
        failAt,
        closeError: new CustomError("close failed"),
      });
      const handler = new ErrorHandler();
      await handler.run(appReturning(body));
      assert.equal(body.closed, 1);
      assert.ok(handler.errors.includes("CustomError: close failed"));
      assert.equal(
        handler.output,
        failAt === 0 ? CGI_ERROR_PAGE : "Status: 200 OK\r\n\r\na",
      );
    }
  });

  test("errorOutput itself throws: run() rejects, the body and the handler are closed once", async () => {
    const body = new Body([bytes("a")], { failAt: 0 });
    const handler = new ErrorHandler();
    const second = new CustomError("errorOutput failed");
    handler.errorOutput = () => {
      throw second;
    };
    await assert.rejects(handler.run(appReturning(body)), (e) => e === second);
    assert.equal(body.closed, 1);
    assert.equal(handler.closeCalls, 1);
    assert.equal(handler.output, "");
  });

  test("TestHandler: handleError re-throws, so run() closes once and rejects", async () => {
    const body = new Body([bytes("a")], { failAt: 0 });
    const handler = new TestHandler();
    await assert.rejects(handler.run(appReturning(body)), RangeError);
    assert.equal(body.closed, 1);
    assert.equal(handler.closeCalls, 1);
  });
});

// ---------------------------------------------------------------------------

describe("apps and bodies of every kind", () => {
  test("a generator app may call startResponse inside its first iteration", async () => {
    const handler = new ErrorHandler();
    await handler.run(function* (_environ, startResponse) {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      yield bytes("lazy ");
      yield bytes("body");
    });
    assert.equal(
      handler.output,
      "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nlazy body",
    );
  });

  test("an async generator app may call startResponse lazily too", async () => {
    const handler = new ErrorHandler();
    await handler.run(async function* (environ, startResponse) {
      const input = await environ["wsgi.input"].read();
      startResponse("200 OK", []);
      yield bytes(`read ${input.length}`);
      await tick();
      yield bytes(";done");
    });
    assert.equal(handler.output, "Status: 200 OK\r\n\r\nread 0;done");
  });

  test("an async generator body: chunks in order, finally runs once", async () => {
    let finallies = 0;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (const word of ["a", "b", "c"]) {
          await tick();
          yield bytes(word);
        }
      } finally {
        finallies++;
      }
    }
    const handler = new ErrorHandler();
    await handler.run(appReturning(body()));
    assert.equal(handler.output, "Status: 200 OK\r\n\r\nabc");
    assert.equal(finallies, 1);
  });

  test("an async iterable body: chunks in order, then close()", async () => {
    const body = new AsyncBody([bytes("x"), bytes("y")]);
    const handler = new ErrorHandler();
    await handler.run(appReturning(body));
    assert.equal(handler.output, "Status: 200 OK\r\n\r\nxy");
    assert.deepEqual(body.log, ["close"]);
  });

  test("a ReadableStream body", async () => {
    const handler = new ErrorHandler();
    await handler.run(
      appReturning(ReadableStream.from([bytes("str"), bytes("eam")])),
    );
    assert.equal(handler.output, "Status: 200 OK\r\n\r\nstream");
  });

  test("a ReadableStream body is cancelled when the client goes away mid-stream", async () => {
    let pulls = 0;
    let cancelled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(bytes(`chunk${pulls};`));
      },
      cancel() {
        cancelled++;
      },
    }, { highWaterMark: 0 });
    const err = new MemorySink();
    const stdout = failingStdout(() => namedError("BrokenPipe"), 4);
    const handler = new SimpleHandler(
      new ReadableStream(),
      stdout.writable,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.1" },
    );
    await handler.run(appReturning(body));
    assert.equal(cancelled, 1);
    assert.ok(pulls <= 4, `pulled ${pulls} chunks`);
    assert.equal(err.text(), "");
    assert.ok(latin1(concat(stdout.taken)).endsWith("chunk1;chunk2;"));
  });

  test("an async generator body stops (finally runs) when the client goes away", async () => {
    let produced = 0;
    let finished = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          produced++;
          yield bytes("x");
        }
      } finally {
        finished = true;
      }
    }
    const handler = new SimpleHandler(
      new ReadableStream(),
      failingStdout(() => codedError("EPIPE"), 10).writable,
      new WritableStream(),
      { SERVER_PROTOCOL: "HTTP/1.0" },
    );
    await handler.run(appReturning(endless()));
    assert.equal(finished, true);
    assert.ok(produced <= 10, `produced ${produced} chunks`);
  });

  test("a FileWrapper body from wsgi.file_wrapper is sent and closed", async () => {
    let closed = 0;
    const data = bytes("file contents");
    let offset = 0;
    const file = {
      read(size: number): Uint8Array {
        const chunk = data.subarray(offset, offset + size);
        offset += chunk.length;
        return chunk;
      },
      close(): void {
        closed++;
      },
    };
    const handler = new ErrorHandler();
    await handler.run((environ, startResponse) => {
      startResponse("200 OK", []);
      return environ["wsgi.file_wrapper"]!(file, 4);
    });
    assert.equal(handler.output, "Status: 200 OK\r\n\r\nfile contents");
    assert.equal(closed, 1);
  });

  test("an async app (returns a promise)", async () => {
    const handler = new ErrorHandler();
    await handler.run(async (environ: WSGIEnvironment, startResponse) => {
      await tick();
      startResponse("200 OK", [["X-Method", environ.REQUEST_METHOD]]);
      return [bytes("async")];
    });
    assert.equal(
      handler.output,
      "Status: 200 OK\r\nX-Method: GET\r\nContent-Length: 5\r\n\r\nasync",
    );
  });

  test("an app that throws ClientDisconnectedError itself ends quietly", async () => {
    const handler = new ErrorHandler();
    await handler.run(() => {
      throw new ClientDisconnectedError();
    });
    assert.equal(handler.output, "");
    assert.equal(handler.errors, "");
  });

  test("a 100 MiB streamed body keeps memory flat: at most a chunk or two in flight", async () => {
    const CHUNK = 64 * 1024;
    const COUNT = 1600;
    const chunk = new Uint8Array(CHUNK).fill(0x61);
    let produced = 0;
    let consumed = 0;
    let maxInFlight = 0;
    let head = "";
    let writes = 0;
    const stdout = new WritableStream<Uint8Array>({
      async write(data) {
        if (!head.endsWith("\r\n\r\n")) {
          head += latin1(data);
          return;
        }
        consumed += data.length;
        if (++writes % 16 === 0) await tick();
      },
    });
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < COUNT; i++) {
        produced += CHUNK;
        maxInFlight = Math.max(maxInFlight, produced - consumed);
        yield chunk;
      }
    }
    const err = new MemorySink();
    const handler = new SimpleHandler(
      new ReadableStream(),
      stdout,
      err.writable,
      { SERVER_PROTOCOL: "HTTP/1.1" },
    );
    await handler.run(
      appReturning(body(), [["Content-Length", `${100 << 20}`]]),
    );
    assert.equal(err.text(), "");
    assert.match(head, /^HTTP\/1\.0 200 OK\r\n/);
    assert.ok(head.endsWith("Content-Length: 104857600\r\n\r\n"));
    assert.equal(produced, 100 * 1024 * 1024);
    assert.equal(consumed, produced);
    assert.ok(
      maxInFlight <= 2 * CHUNK,
      `${maxInFlight} bytes were in flight at once`,
    );
  });
});

// ---------------------------------------------------------------------------

describe("fixIisPathInfo() (CPython 1.4.18)", () => {
  const rows: Array<[string | undefined, string | undefined, string]> = [
    ["/app", "/app/foo", "/foo"],
    ["/app", "/app", ""],
    ["/app", "/app/", "/"],
    ["/app", "/application/x", "/application/x"],
    ["/app", "/other", "/other"],
    ["", "/x", "/x"],
    ["/app", "", ""],
    [undefined, "/x", "/x"],
  ];
  for (const [script, path, expected] of rows) {
    test(`SCRIPT_NAME ${JSON.stringify(script)}, PATH_INFO ${JSON.stringify(path)} -> ${JSON.stringify(expected)}`, () => {
      const environ: Record<string, string> = {};
      if (script !== undefined) environ.SCRIPT_NAME = script;
      if (path !== undefined) environ.PATH_INFO = path;
      fixIisPathInfo(environ);
      assert.equal(environ.PATH_INFO, expected);
      if (script !== undefined) assert.equal(environ.SCRIPT_NAME, script);
    });
  }
});
