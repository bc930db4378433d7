// Copyright 2026 the wsgiref authors. MIT license.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AssertionError,
  validator,
  type ValidatorOptions,
  WSGIWarning,
} from "../validate.ts";
import {
  AssertionError as HandlersAssertionError,
  BaseCGIHandler,
  SimpleHandler,
  toFetchHandler,
} from "../handlers.ts";
import { MemoryErrorStream } from "../_error_stream.ts";
import { FileWrapper, setupTestingDefaults } from "../util.ts";
import type {
  ErrorStream,
  InputStream,
  ResponseBody,
  StartResponse,
  Write,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";
import { bytes, latin1, MemorySink, tick } from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Helpers

function fromLatin1(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const ERROR_BODY =
  "A server error occurred.  Please contact the administrator.";
const TEXT: Array<[string, string]> = [["Content-Type", "text/plain"]];

/** Collects warnings. */
function collector(): { warnings: WSGIWarning[]; options: ValidatorOptions } {
  const warnings: WSGIWarning[] = [];
  return { warnings, options: { onWarning: (w) => void warnings.push(w) } };
}

interface Request_ {
  method?: string;
  body?: string;
  environ?: Record<string, unknown>;
}

interface Outcome {
  /** The status code, `500` for the error page. */
  status: number;
  /** The body, one code point per byte. */
  body: string;
  headers: Map<string, string>;
  /** What `wsgi.errors` received. */
  errors: string;
  /** Errors the handler logged (CGI only). */
  logged: unknown[];
  /** The response body stream failed: it was cut off (fetch only). */
  cutOff: boolean;
  /** Everything the CGI handler wrote (CGI only). */
  output: string;
}

/** A `BaseCGIHandler` over memory streams that keeps the errors it logs. */
class RecordingCGIHandler extends BaseCGIHandler {
  readonly logged: unknown[] = [];
  override logException(error: unknown): void {
    this.logged.push(error);
    super.logException(error);
  }
}

/** Runs `app` through `BaseCGIHandler` (exact bytes, a `Status:` line). */
async function runCgi(
  app: WSGIApplication,
  request: Request_ = {},
): Promise<Outcome> {
  const out = new MemorySink();
  const err = new MemorySink();
  const body = request.body ?? "";
  const environ = setupTestingDefaults({
    REQUEST_METHOD: request.method ?? "GET",
    QUERY_STRING: "",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    ...(body ? { CONTENT_LENGTH: String(body.length) } : {}),
    ...request.environ,
  });
  const handler = new RecordingCGIHandler(
    ReadableStream.from([bytes(body)]),
    out.writable,
    err.writable,
    environ,
  );
  await handler.run(app);
  const output = out.latin1();
  const split = output.indexOf("\r\n\r\n");
  const head = split === -1 ? output : output.slice(0, split);
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 2));
  }
  return {
    status: Number(/^Status: (\d{3})/.exec(statusLine)?.[1] ?? 0),
    body: split === -1 ? "" : output.slice(split + 4),
    headers,
    errors: err.text(),
    logged: handler.logged,
    cutOff: false,
    output,
  };
}

/** Runs `app` through `toFetchHandler`, reading the whole response. */
async function runFetch(
  app: WSGIApplication,
  request: Request_ = {},
): Promise<Outcome> {
  const errors = new MemoryErrorStream();
  const response = await toFetchHandler(app, {
    errors,
    baseEnviron: request.environ,
  })(
    new Request("http://localhost/", {
      method: request.method ?? "GET",
      body: request.body,
      headers: request.body === undefined
        ? {}
        : { "content-length": String(bytes(request.body).length) },
    }),
  );
  let body = "";
  let cutOff = false;
  try {
    body = latin1(new Uint8Array(await response.arrayBuffer()));
  } catch {
    cutOff = true;
  }
  await tick(); // close() runs after the last chunk was taken
  return {
    status: response.status,
    body,
    headers: new Map(response.headers),
    errors: errors.getValue(),
    logged: [],
    cutOff,
    output: "",
  };
}

const RUNNERS = [
  ["BaseCGIHandler", runCgi],
  ["toFetchHandler", runFetch],
] as const;

/** An app that starts the response with `status` and `headers`, then sends `body`. */
function starting(
  status: unknown,
  headers: unknown = TEXT,
  body: unknown = [bytes("body")],
): WSGIApplication {
  return ((_environ: WSGIEnvironment, startResponse: StartResponse) => {
    startResponse(status as string, headers as Array<[string, string]>);
    return body as ResponseBody;
  }) as WSGIApplication;
}

/** A quiet server side for direct calls: an environ and a `startResponse`. */
function server(extra: Record<string, unknown> = {}): {
  environ: WSGIEnvironment;
  startResponse: StartResponse;
  written: Uint8Array[];
  calls: unknown[][];
} {
  const written: Uint8Array[] = [];
  const calls: unknown[][] = [];
  const environ = setupTestingDefaults({
    QUERY_STRING: "",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    "wsgi.file_wrapper": (filelike: never, blksize?: number) =>
      new FileWrapper(filelike, blksize),
    ...extra,
  });
  const startResponse = ((...args: unknown[]): Write => {
    calls.push(args);
    return (data) => {
      written.push(data);
      return Promise.resolve();
    };
  }) as StartResponse;
  return { environ, startResponse, written, calls };
}

function assertFinding(
  fn: () => unknown,
  message: string | RegExp,
): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AssertionError, `not ours: ${error}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

async function assertFindingAsync(
  promise: Promise<unknown> | (() => Promise<unknown>),
  message: string | RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AssertionError, `not ours: ${error}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

async function drain(body: ResponseBody): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
  }
  return chunks;
}

// ---------------------------------------------------------------------------
// The API

describe("validate.ts exports", () => {
  test("AssertionError is the one shared class", () => {
    assert.equal(AssertionError, HandlersAssertionError);
    assert.equal(new AssertionError("x").name, "AssertionError");
  });

  test("WSGIWarning is an Error named WSGIWarning", () => {
    const warning = new WSGIWarning("careful");
    assert.ok(warning instanceof Error);
    assert.equal(warning.name, "WSGIWarning");
    assert.equal(warning.message, "careful");
  });

  test("validator() refuses what is not an app, and a bad onWarning", () => {
    assert.throws(() => validator(undefined as never), {
      name: "TypeError",
      message:
        "validator() needs a WSGI application (a function), got undefined",
    });
    assert.throws(
      () => validator(() => [], { onWarning: 1 as never }),
      {
        name: "TypeError",
        message: "onWarning must be a function, got number",
      },
    );
  });

  test("the default onWarning writes 'WSGIWarning: message' with console.warn", () => {
    const { environ, startResponse } = server();
    delete environ.QUERY_STRING;
    const original = console.warn;
    const lines: unknown[][] = [];
    console.warn = (...args: unknown[]) => void lines.push(args);
    try {
      validator(starting("200 OK", TEXT, []))(environ, startResponse);
    } finally {
      console.warn = original;
    }
    assert.deepEqual(lines, [[
      "WSGIWarning: QUERY_STRING is not in the WSGI environment; the cgi " +
      "module will use sys.argv when this variable is missing, so " +
      "application errors are more likely",
    ]]);
  });

  test("an onWarning that throws turns warnings into errors", () => {
    const { environ, startResponse } = server({ REQUEST_METHOD: "BREW" });
    const app = validator(starting("200 OK", TEXT, []), {
      onWarning(warning) {
        throw warning;
      },
    });
    assert.throws(() => app(environ, startResponse), {
      name: "WSGIWarning",
      message: 'Unknown REQUEST_METHOD: "BREW"',
    });
  });

  test("a sync app stays sync; an async app's body is checked when it settles", async () => {
    const { environ, startResponse } = server();
    const body = validator(starting("200 OK"))(environ, startResponse);
    assert.equal(typeof (body as { then?: unknown }).then, "undefined");
    const later = validator(async (_environ, startResponse) => {
      await tick();
      startResponse("200 OK", TEXT);
      return "oops" as never;
    })(server().environ, startResponse);
    assert.ok(later instanceof Promise);
    await assertFindingAsync(later, /^You should not return a string/);
  });
});

// ---------------------------------------------------------------------------
// CPython's IntegrationTests 4–9, through an origin server (SimpleHandler)

/** Python's `run_amock`: one HTTP/1.0 request through `SimpleHandler`. */
async function runAmock(
  app: WSGIApplication,
  environ: Record<string, unknown> = {},
): Promise<{ out: string; err: string }> {
  const out = new MemorySink();
  const err = new MemorySink();
  const handler = new SimpleHandler(
    ReadableStream.from<Uint8Array>([]),
    out.writable,
    err.writable,
    {
      SERVER_NAME: "",
      SERVER_PORT: "80",
      SERVER_PROTOCOL: "HTTP/1.0",
      REQUEST_METHOD: "GET",
      SCRIPT_NAME: "",
      PATH_INFO: "/",
      QUERY_STRING: "",
      REMOTE_ADDR: "127.0.0.1",
      GATEWAY_INTERFACE: "CGI/1.1",
      ...environ,
    },
  );
  handler.serverSoftware = "WSGIServer/0.2";
  await handler.run(app);
  return { out: out.latin1(), err: err.text() };
}

const helloApp: WSGIApplication = (_environ, startResponse) => {
  startResponse("200 OK", [
    ["Content-Type", "text/plain"],
    ["Date", "Mon, 05 Jun 2006 18:49:54 GMT"],
  ]);
  return [bytes("Hello, world!")];
};

function lastLine(text: string): string {
  const lines = text.split("\n").filter((line) => line !== "");
  return lines[lines.length - 1];
}

describe("CPython IntegrationTests, validated", () => {
  test("test_validated_hello: no Content-Length, as the checked body has no length", async () => {
    const { warnings, options } = collector();
    const { out, err } = await runAmock(validator(helloApp, options));
    assert.equal(
      out,
      "HTTP/1.0 200 OK\r\nServer: WSGIServer/0.2\r\nContent-Type: text/plain\r\n" +
        "Date: Mon, 05 Jun 2006 18:49:54 GMT\r\n\r\nHello, world!",
    );
    assert.equal(err, "");
    assert.deepEqual(warnings, []);
    const response = await runFetch(validator(helloApp, options));
    assert.equal(response.status, 200);
    assert.equal(response.body, "Hello, world!");
    assert.deepEqual(warnings, []);
  });

  test("test_simple_validation_error: headers that are not a list reach wsgi.errors", async () => {
    // Python's mistake is a tuple; JavaScript's is an object (or Headers).
    const badApp =
      ((_environ: WSGIEnvironment, startResponse: StartResponse) => {
        startResponse("200 OK", { "Content-Type": "text/plain" } as never);
        return ["Hello, world!"];
      }) as unknown as WSGIApplication;
    const { out, err } = await runAmock(validator(badApp));
    assert.ok(out.startsWith("HTTP/1.0 500 Internal Server Error\r\n"));
    assert.ok(out.endsWith(ERROR_BODY));
    assert.equal(
      lastLine(err),
      'AssertionError: Headers ({ "Content-Type": "text/plain" }) must be of type Array: Object',
    );
  });

  // Python's test runs the handler alone; the validator speaks first, naming
  // the status (and Python's validator's own words for "200OK").
  for (
    const [status, message, validated] of [
      [
        "200",
        "AssertionError: Status must be at least 4 characters",
        'AssertionError: Status must be at least 4 characters ("200")',
      ],
      [
        "20X OK",
        "AssertionError: Status message must begin w/3-digit code",
        'AssertionError: Status message must begin w/3-digit code ("20X OK")',
      ],
      [
        "200OK",
        "AssertionError: Status message must have a space after code",
        'AssertionError: Status codes must be three characters: "200OK"',
      ],
    ]
  ) {
    test(`test_status_validation_errors: ${JSON.stringify(status)}`, async () => {
      const app = starting(status, [[
        "Content-Type",
        "text/plain; charset=utf-8",
      ]], [bytes("Hello, world!")]);
      const plain = await runAmock(app);
      assert.ok(plain.out.endsWith(ERROR_BODY));
      assert.equal(lastLine(plain.err), message);
      const checked = await runAmock(validator(app));
      assert.ok(checked.out.endsWith(ERROR_BODY));
      assert.equal(lastLine(checked.err), validated);
    });
  }

  test("test_wsgi_input: read() without a size, input not terminated", async () => {
    const badApp: WSGIApplication = async (environ, startResponse) => {
      await environ["wsgi.input"].read();
      startResponse("200 OK", TEXT);
      return [bytes("data")];
    };
    const { out, err } = await runAmock(validator(badApp));
    assert.ok(out.endsWith(ERROR_BODY));
    assert.equal(
      lastLine(err),
      "AssertionError: wsgi.input.read() needs a size (got none): reading to " +
        "the end is allowed only when wsgi.input_terminated is true",
    );
  });

  test("test_wsgi_input: read() without a size is fine when the input is terminated", async () => {
    const { warnings, options } = collector();
    const app = validator(async (environ, startResponse) => {
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", TEXT);
      return [body];
    }, options);
    const response = await runFetch(app, { method: "POST", body: "abc" });
    assert.equal(response.status, 200);
    assert.equal(response.body, "abc");
    assert.equal(response.errors, "");
    assert.deepEqual(warnings, []);
  });

  test("test_bytes_validation", async () => {
    const app: WSGIApplication = (_environ, startResponse) => {
      startResponse("200 OK", [
        ["Content-Type", "text/plain; charset=utf-8"],
        ["Date", "Wed, 24 Dec 2008 13:29:32 GMT"],
      ]);
      return [bytes("data")];
    };
    const { out, err } = await runAmock(validator(app));
    assert.equal(err, "");
    assert.equal(
      out,
      "HTTP/1.0 200 OK\r\nServer: WSGIServer/0.2\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Date: Wed, 24 Dec 2008 13:29:32 GMT\r\n\r\ndata",
    );
  });

  test("test_cp1252_url", async () => {
    const app: WSGIApplication = (environ, startResponse) => {
      startResponse("200 OK", [
        ["Content-Type", "text/plain"],
        ["Date", "Wed, 24 Dec 2008 13:29:32 GMT"],
      ]);
      return [fromLatin1(environ.PATH_INFO)];
    };
    const { out } = await runAmock(validator(app), { PATH_INFO: "/\x80\x80" });
    assert.deepEqual(out.split("\r\n"), [
      "HTTP/1.0 200 OK",
      "Server: WSGIServer/0.2",
      "Content-Type: text/plain",
      "Date: Wed, 24 Dec 2008 13:29:32 GMT",
      "",
      "/\x80\x80",
    ]);
    const response = await toFetchHandler(validator(app))(
      new Request("http://localhost/%80%80"),
    );
    assert.equal(
      latin1(new Uint8Array(await response.arrayBuffer())),
      "/\x80\x80",
    );
  });
});

// ---------------------------------------------------------------------------
// Bad apps: each caught, with a message that names the mistake, through both
// handlers.

interface BadApp {
  name: string;
  app: WSGIApplication;
  /** A fragment of the AssertionError's message. */
  message: string;
  method?: string;
  body?: string;
  /** The CGI handler had sent the headers: the response is cut off. */
  after?: boolean;
  /** Only the CGI handler (its input is not terminated). */
  cgiOnly?: boolean;
}

/** An app that returns `body` after `prepare(environ, startResponse)`. */
function appDoing(
  prepare: (environ: WSGIEnvironment, startResponse: StartResponse) => unknown,
): WSGIApplication {
  return (async (environ: WSGIEnvironment, startResponse: StartResponse) => {
    const body = await prepare(environ, startResponse);
    return (body ?? [bytes("body")]) as ResponseBody;
  }) as WSGIApplication;
}

const BAD_APPS: BadApp[] = [
  // The status
  {
    name: "a status that is not a string",
    app: starting(200),
    message: "Status must be of type string (got 200)",
  },
  {
    name: "a status shorter than 4 characters",
    app: starting("200"),
    message: 'Status must be at least 4 characters ("200")',
  },
  {
    name: "a status without a 3-digit code",
    app: starting("20X OK"),
    message: 'Status message must begin w/3-digit code ("20X OK")',
  },
  {
    name: "a status with no space after the code",
    app: starting("200OK"),
    message: 'Status codes must be three characters: "200OK"',
  },
  {
    name: "a 4-digit status code",
    app: starting("2000 OK"),
    message: 'Status codes must be three characters: "2000"',
  },
  {
    name: "a status code below 100",
    app: starting("099 Low"),
    message: "Status code is invalid: 99",
  },
  {
    name: "a status code above 599",
    app: starting("600 High"),
    message: "Status code is invalid: 600",
  },
  {
    name: "a status that smuggles a header",
    app: starting("200 OK\r\nX-Injected: 1"),
    message:
      'Control characters are not allowed in status: "200 OK\\r\\nX-Injected: 1"',
  },
  {
    name: "a status outside ISO-8859-1",
    app: starting("200 Ok €"),
    message:
      'Status must hold ISO-8859-1 text only (code points up to U+00FF), but holds "€" (U+20AC)',
  },
  // The headers
  {
    name: "headers as an object",
    app: starting("200 OK", { "Content-Type": "text/plain" }),
    message:
      'Headers ({ "Content-Type": "text/plain" }) must be of type Array: Object',
  },
  {
    name: "headers as fetch Headers",
    app: starting("200 OK", new Headers(TEXT)),
    message: "Headers (Headers {}) must be of type Array: Headers",
  },
  {
    name: "one pair, not a list of pairs",
    app: starting("200 OK", ["Content-Type", "text/plain"]),
    message:
      'Individual headers ("Content-Type") must be of type tuple ([name, value]): string',
  },
  {
    name: "a header of three items",
    app: starting("200 OK", [["Content-Type", "text/plain", "x"]]),
    message: "must be [name, value] pairs (got 3 items)",
  },
  {
    name: "a header name that is not a string",
    app: starting("200 OK", [...TEXT, [1, "x"]]),
    message: "Header name must be of type string (got 1)",
  },
  {
    name: "a header value that is not a string",
    app: starting("200 OK", [...TEXT, ["X-Count", 5]]),
    message: "Header value must be of type string (got 5)",
  },
  {
    name: "a Status header",
    app: starting("200 OK", [...TEXT, ["Status", "404 Not Found"]]),
    message:
      "The Status header cannot be used; it conflicts with CGI script, and " +
      'HTTP status is not given through headers (value: "404 Not Found").',
  },
  {
    name: "a header name with a colon",
    app: starting("200 OK", [...TEXT, ["X-A:b", "c"]]),
    message: `Header names may not contain ':' or '\\n': "X-A:b"`,
  },
  {
    name: "a header name with a space",
    app: starting("200 OK", [...TEXT, ["X Forwarded", "c"]]),
    message:
      'Bad header name: "X Forwarded" (a header name is an RFC 9110 token',
  },
  {
    name: "a header name outside ASCII",
    app: starting("200 OK", [...TEXT, ["X-Naïve", "c"]]),
    message: 'Bad header name: "X-Naïve"',
  },
  {
    name: "a header value that smuggles a header",
    app: starting("200 OK", [...TEXT, ["X-A", "a\r\nSet-Cookie: b"]]),
    message: 'Bad header value: "a\\r\\nSet-Cookie: b" (bad char: "\\r")',
  },
  {
    name: "a header value with DEL (which Python's validator lets through)",
    app: starting("200 OK", [...TEXT, ["X-A", "a\x7Fb"]]),
    message: 'Bad header value: "a\\x7fb" (bad char: "\\x7f")',
  },
  {
    name: "a header value outside ISO-8859-1",
    app: starting("200 OK", [...TEXT, ["X-Price", "5 €"]]),
    message: 'Bad header value: "5 €" (not ISO-8859-1: "€" is U+20AC)',
  },
  {
    name: "a hop-by-hop header",
    app: starting("200 OK", [...TEXT, ["Connection", "close"]]),
    message: "Hop-by-hop header, 'Connection: close', not allowed",
  },
  // Content-Type and Content-Length
  {
    name: "no Content-Type",
    app: starting("200 OK", [["X-A", "b"]]),
    message: 'No Content-Type header found in headers ([["X-A", "b"]])',
  },
  {
    name: "a Content-Type in a 204 response",
    app: starting("204 No Content", TEXT, []),
    message:
      "Content-Type header found in a 204 response, which must not return content.",
  },
  {
    name: "a Content-Type in a 304 response",
    app: starting("304 Not Modified", TEXT, []),
    message:
      "Content-Type header found in a 304 response, which must not return content.",
  },
  {
    name: "two Content-Type headers",
    app: starting("200 OK", [...TEXT, ["content-type", "text/html"]]),
    message: "More than one Content-Type header",
  },
  {
    name: "a Content-Length in a 204 response",
    app: starting("204 No Content", [["Content-Length", "0"]], []),
    message:
      "Content-Length header found in a 204 response, which must not have one",
  },
  {
    name: "a Content-Length that is not a number",
    app: starting("200 OK", [...TEXT, ["Content-Length", "-1"]]),
    message: 'Content-Length must be a non-negative integer (got "-1")',
  },
  {
    name: "two Content-Length headers",
    app: starting("200 OK", [...TEXT, ["Content-Length", "4"], [
      "Content-Length",
      "4",
    ]]),
    message: 'More than one Content-Length header: ["4", "4"]',
  },
  {
    name: "a Content-Length larger than the body",
    app: starting("200 OK", [...TEXT, ["Content-Length", "10"]], [
      bytes("abc"),
    ]),
    message: "Content-Length is 10, but the body ended after 3 bytes",
    after: true,
  },
  {
    name: "a Content-Length smaller than the body",
    app: starting("200 OK", [...TEXT, ["Content-Length", "2"]], [
      bytes("abcde"),
    ]),
    message: "Content-Length is 2, but the application sent 5 bytes",
  },
  // startResponse itself
  {
    name: "excInfo given as a boolean",
    app: (_environ, startResponse) => {
      startResponse("200 OK", TEXT, true);
      return [];
    },
    message: "excInfo (true) is not the caught error: boolean",
  },
  {
    name: "excInfo given as Python's (type, value, traceback)",
    app: (_environ, startResponse) => {
      const error = new Error("boom");
      startResponse("500 Oops", TEXT, [Error, error, null]);
      return [];
    },
    message: "not Python's (type, value, traceback)",
  },
  {
    name: "startResponse with one argument",
    app: (_environ, startResponse) => {
      (startResponse as unknown as (status: string) => void)("200 OK");
      return [];
    },
    message: 'Invalid number of arguments: ["200 OK"]',
  },
  {
    name: "startResponse with four arguments",
    app: (_environ, startResponse) => {
      (startResponse as (...args: unknown[]) => void)("200 OK", TEXT, null, 1);
      return [];
    },
    message:
      'Invalid number of arguments: ["200 OK", [["Content-Type", "text/plain"]], null, 1]',
  },
  {
    name: "startResponse called twice without excInfo",
    app: (_environ, startResponse) => {
      startResponse("200 OK", TEXT);
      startResponse("404 Not Found", TEXT);
      return [];
    },
    message:
      "start_response called a second time without excInfo: Headers already set!",
  },
  {
    name: "startResponse never called, an array body",
    app: () => [bytes("x")],
    message: "The application returned a list without calling start_response",
  },
  {
    name: "startResponse never called, a generator body",
    app: () =>
      (function* () {
        yield bytes("x");
      })(),
    message:
      "The application returns and we started iterating over its body, but start_response has not yet been called",
  },
  {
    name: "startResponse never called, an empty async generator",
    app: () => (async function* () {})(),
    message:
      "The application's body ended, but start_response was never called",
  },
  // The body
  {
    name: "no body at all (undefined)",
    app: ((_environ: WSGIEnvironment, startResponse: StartResponse) => {
      startResponse("200 OK", TEXT);
    }) as unknown as WSGIApplication,
    message: "The application must return an iterator, if only an empty list",
  },
  {
    name: "a string body",
    app: starting("200 OK", TEXT, "Hello"),
    message: "You should not return a string as your application iterator",
  },
  {
    name: "a single Uint8Array body",
    app: starting("200 OK", TEXT, bytes("Hello")),
    message: "You should not return a Uint8Array as your application iterator",
  },
  {
    name: "a number as the body",
    app: starting("200 OK", TEXT, 42),
    message:
      "The application must return an iterable of Uint8Array chunks (got 42)",
  },
  {
    name: "a fetch Response as the body",
    app: starting("200 OK", TEXT, new Response("x")),
    message:
      "(got Response {}): return response.body, or wrap a fetch handler with fromFetchHandler()",
  },
  {
    name: "a locked ReadableStream",
    app: (_environ, startResponse) => {
      startResponse("200 OK", TEXT);
      const stream = ReadableStream.from([bytes("x")]);
      stream.getReader();
      return stream;
    },
    message: "The application returned a locked ReadableStream",
  },
  {
    name: "a body whose close is not a function",
    app: starting("200 OK", TEXT, Object.assign([bytes("x")], { close: true })),
    message: "The body's close attribute must be a function (got true)",
  },
  {
    name: "a string chunk",
    app: starting("200 OK", TEXT, ["Hello"]),
    message:
      'Iterator yielded non-bytestring ("Hello"): encode text, e.g. with TextEncoder',
  },
  {
    name: "number chunks (a body spread into numbers)",
    app: starting("200 OK", TEXT, Array.from(bytes("Hi"))),
    message:
      "Iterator yielded non-bytestring (72): a body is an iterable of Uint8Array chunks",
  },
  {
    name: "a promise as a chunk",
    app: starting("200 OK", TEXT, [Promise.resolve(bytes("x"))]),
    message: "Iterator yielded a Promise, not bytes",
  },
  {
    name: "an ArrayBuffer chunk",
    app: starting("200 OK", TEXT, [new ArrayBuffer(2)]),
    message: "Iterator yielded non-bytestring (ArrayBuffer {})",
  },
  // write()
  {
    name: "write() with a string",
    app: (_environ, startResponse) => {
      const write = startResponse("200 OK", TEXT);
      write("text" as never);
      return [];
    },
    message:
      'write() argument must be a Uint8Array (got "text"): encode text, e.g. with TextEncoder',
  },
  {
    name: "write() with no argument",
    app: (_environ, startResponse) => {
      const write = startResponse("200 OK", TEXT);
      (write as unknown as () => void)();
      return [];
    },
    message: "write() takes exactly one argument, a Uint8Array (got 0)",
  },
  // Responses without a body
  {
    name: "a body in the response to HEAD",
    method: "HEAD",
    app: starting("200 OK", TEXT, [bytes("Hello")]),
    message:
      "The response to a HEAD request must not have a body (the application sent 5 bytes)",
  },
  {
    name: "a body written in a 204 response",
    app: async (_environ, startResponse) => {
      const write = startResponse("204 No Content", []);
      await write(bytes("x"));
      return [];
    },
    message:
      "A 204 response must not have a body (the application sent 1 bytes)",
  },
  {
    name: "a body in a 304 response",
    app: starting("304 Not Modified", [["ETag", '"a"']], [bytes("stale")]),
    message:
      "A 304 response must not have a body (the application sent 5 bytes)",
  },
  {
    name: "a body in a 205 response",
    app: starting("205 Reset Content", TEXT, [bytes("x")]),
    message: "A 205 response must not have a body",
  },
  {
    name: "a body in a 1xx response",
    app: starting("103 Early Hints", TEXT, [bytes("x")]),
    message: "A 103 response must not have a body",
  },
  // wsgi.input and wsgi.errors
  {
    name: "wsgi.input.read() with two arguments",
    method: "POST",
    body: "abc",
    app: appDoing(async (environ) => {
      await (environ["wsgi.input"].read as (...a: unknown[]) => unknown)(1, 2);
    }),
    message: "wsgi.input.read() takes one argument, the size (got 2: [1, 2])",
  },
  {
    name: "wsgi.input.read() with a string size",
    method: "POST",
    body: "abc",
    app: appDoing(async (environ) => {
      await environ["wsgi.input"].read("3" as never);
    }),
    message: 'wsgi.input.read() size must be an integer (got "3")',
  },
  {
    name: "wsgi.input.readline() with two arguments",
    method: "POST",
    body: "abc",
    app: appDoing(async (environ) => {
      await (environ["wsgi.input"].readline as (...a: unknown[]) => unknown)(
        1,
        2,
      );
    }),
    message: "wsgi.input.readline() takes at most one argument",
  },
  {
    name: "wsgi.input.close()",
    app: appDoing((environ) => {
      (environ["wsgi.input"] as unknown as { close(): void }).close();
    }),
    message: "input.close() must not be called",
  },
  {
    name: "wsgi.errors.write() with bytes",
    app: appDoing((environ) => {
      environ["wsgi.errors"].write(bytes("oops") as never);
    }),
    message:
      "wsgi.errors.write() needs a string (got Uint8Array(4) [111, 111, 112, 115])",
  },
  {
    name: "wsgi.errors.writelines() with a number among the lines",
    app: appDoing((environ) => {
      environ["wsgi.errors"].writelines(["ok\n", 1 as never]);
    }),
    message: "wsgi.errors.write() needs a string (got 1)",
  },
  {
    name: "wsgi.errors.close()",
    app: appDoing((environ) => {
      (environ["wsgi.errors"] as unknown as { close(): void }).close();
    }),
    message: "errors.close() must not be called",
  },
  {
    name: "wsgi.input.read() with no size, input not terminated",
    cgiOnly: true,
    method: "POST",
    body: "abc",
    app: appDoing(async (environ) => {
      await environ["wsgi.input"].read();
    }),
    message: "wsgi.input.read() needs a size (got none)",
  },
  {
    name: "wsgi.input.read(-1), input not terminated",
    cgiOnly: true,
    method: "POST",
    body: "abc",
    app: appDoing(async (environ) => {
      await environ["wsgi.input"].read(-1);
    }),
    message: "wsgi.input.read() needs a size (got -1)",
  },
];

describe("bad apps are caught, through both handlers", () => {
  test("the table is large enough", () => {
    assert.ok(BAD_APPS.length >= 40, `only ${BAD_APPS.length} bad apps`);
  });

  for (const row of BAD_APPS) {
    const request = { method: row.method, body: row.body };
    test(`${row.name}: BaseCGIHandler answers 500 and logs it`, async () => {
      const { warnings, options } = collector();
      const outcome = await runCgi(validator(row.app, options), request);
      assert.deepEqual(warnings, []);
      assert.equal(outcome.logged.length, 1, outcome.errors);
      const error = outcome.logged[0];
      assert.ok(error instanceof AssertionError, String(error));
      assert.ok(
        error.message.includes(row.message),
        `${JSON.stringify(error.message)} lacks ${JSON.stringify(row.message)}`,
      );
      assert.ok(
        outcome.errors.includes(`AssertionError: ${error.message}\n`),
        outcome.errors,
      );
      if (row.after) {
        assert.ok(!outcome.output.includes(ERROR_BODY), outcome.output);
      } else {
        assert.ok(
          outcome.output.startsWith("Status: 500 Internal Server Error\r\n"),
          outcome.output,
        );
        assert.ok(outcome.output.endsWith(ERROR_BODY), outcome.output);
      }
    });

    if (row.cgiOnly) continue;
    test(`${row.name}: toFetchHandler answers 500 (or cuts off) and logs it`, async () => {
      const { warnings, options } = collector();
      const outcome = await runFetch(validator(row.app, options), request);
      assert.deepEqual(warnings, []);
      assert.ok(
        outcome.errors.includes(`AssertionError: ${row.message}`) ||
          outcome.errors.includes(row.message) &&
            /^AssertionError: /m.test(outcome.errors),
        outcome.errors,
      );
      if (outcome.status === 500) {
        assert.equal(outcome.body, ERROR_BODY);
      } else {
        assert.ok(outcome.cutOff, `not cut off: ${outcome.status}`);
      }
    });
  }
});

// ---------------------------------------------------------------------------
// Warnings: legal but unwise

describe("warnings", () => {
  test("write() made while the previous one is pending: one warning, and it all goes out", async () => {
    const app: WSGIApplication = (_environ, startResponse) => {
      const write = startResponse("200 OK", TEXT);
      write(bytes("a"));
      write(bytes("b"));
      write(bytes("c"));
      return [bytes("d")];
    };
    for (const [name, run] of RUNNERS) {
      const { warnings, options } = collector();
      const outcome = await run(validator(app, options));
      assert.equal(outcome.body, "abcd", name);
      assert.deepEqual(warnings.map((w) => w.message), [
        "write() called while the previous write() is still pending: await " +
        "each write() to keep backpressure (a slow client then slows the app)",
      ], name);
      assert.ok(warnings[0] instanceof WSGIWarning);
    }
  });

  test("a header name that ends in '-' or '_' is legal (a token), but warned about", async () => {
    for (const [name, run] of RUNNERS) {
      const { warnings, options } = collector();
      const outcome = await run(
        validator(starting("200 OK", [...TEXT, ["X-Odd-", "1"]]), options),
      );
      assert.equal(outcome.status, 200, name);
      assert.deepEqual(warnings.map((w) => w.message), [
        `Names may not end in '-' or '_': "X-Odd-"`,
      ]);
    }
  });

  test("QUERY_STRING missing, as Python", () => {
    const { warnings, options } = collector();
    const { environ, startResponse } = server();
    delete environ.QUERY_STRING;
    validator(starting("200 OK"), options)(environ, startResponse);
    assert.deepEqual(warnings.map((w) => w.message), [
      "QUERY_STRING is not in the WSGI environment; the cgi module will use " +
      "sys.argv when this variable is missing, so application errors are " +
      "more likely",
    ]);
  });

  for (const method of ["CONNECT", "get", "BREW"]) {
    test(`an unknown REQUEST_METHOD, as Python: ${method}`, () => {
      const { warnings, options } = collector();
      const { environ, startResponse } = server({ REQUEST_METHOD: method });
      validator(starting("200 OK"), options)(environ, startResponse);
      assert.deepEqual(warnings.map((w) => w.message), [
        `Unknown REQUEST_METHOD: "${method}"`,
      ]);
    });
  }
});

// ---------------------------------------------------------------------------
// Correct apps: no finding, no warning, through both handlers

interface GoodApp {
  name: string;
  app: WSGIApplication;
  method?: string;
  body?: string;
  status: number;
  /** The body received (ignored for HEAD, 204 and 304). */
  expect: string;
  headers?: Record<string, string>;
  /** Checked after each run. */
  after?: () => void;
}

function textApp(chunks: string[]): WSGIApplication {
  return (_environ, startResponse) => {
    startResponse("200 OK", TEXT);
    return chunks.map(bytes);
  };
}

let closed = 0;
let returned = 0;

const GOOD_APPS: GoodApp[] = [
  {
    name: "hello: an array of one chunk",
    app: textApp(["Hello world!"]),
    status: 200,
    expect: "Hello world!",
    headers: { "content-type": "text/plain" },
  },
  {
    name: "an array of several chunks, empty ones included",
    app: textApp(["a", "", "b"]),
    status: 200,
    expect: "ab",
  },
  {
    name: "a sync generator that calls startResponse lazily",
    app: (_environ, startResponse) =>
      (function* () {
        startResponse("201 Created", [["Content-Type", "text/plain"], [
          "Location",
          "/items/1",
        ]]);
        yield bytes("made ");
        yield bytes("it");
      })(),
    status: 201,
    expect: "made it",
    headers: { location: "/items/1" },
  },
  {
    name: "an async generator that streams, starting lazily",
    app: (_environ, startResponse) =>
      (async function* () {
        startResponse("200 OK", TEXT);
        for (const part of ["one ", "two ", "three"]) {
          await tick();
          yield bytes(part);
        }
      })(),
    status: 200,
    expect: "one two three",
  },
  {
    name: "an async app that reads the request body with read(size)",
    method: "POST",
    body: "ping",
    app: async (environ, startResponse) => {
      const size = Number(environ.CONTENT_LENGTH || 0);
      const data = await environ["wsgi.input"].read(size);
      const rest = await environ["wsgi.input"].read(10);
      startResponse("200 OK", TEXT);
      return [bytes("got "), data, bytes(`+${rest.length}`)];
    },
    status: 200,
    expect: "got ping+0",
  },
  {
    name: "reading the request body by lines: for await, readline, readlines",
    method: "POST",
    body: "a\nb\nc\nd",
    app: async (environ, startResponse) => {
      const input = environ["wsgi.input"];
      const first = await input.readline();
      const second = await input.readline(10);
      const rest = await input.readlines();
      const lines = [first, second, ...rest];
      for await (const _ of input) lines.push(bytes("!"));
      startResponse("200 OK", TEXT);
      return [bytes(lines.map((l) => new TextDecoder().decode(l)).join("|"))];
    },
    status: 200,
    expect: "a\n|b\n|c\n|d",
  },
  {
    name: "a ReadableStream body",
    app: (_environ, startResponse) => {
      startResponse("200 OK", TEXT);
      return ReadableStream.from([bytes("from "), bytes("a stream")]);
    },
    status: 200,
    expect: "from a stream",
  },
  {
    name: "write(), each awaited, and an empty array",
    app: async (_environ, startResponse) => {
      const write = startResponse("200 OK", TEXT);
      await write(bytes("legacy "));
      await write(bytes("writes"));
      return [];
    },
    status: 200,
    expect: "legacy writes",
  },
  {
    name: "one write() not awaited, then chunks",
    app: (_environ, startResponse) => {
      const write = startResponse("200 OK", TEXT);
      write(bytes("first, "));
      return [bytes("then "), bytes("the body")];
    },
    status: 200,
    expect: "first, then the body",
  },
  {
    name: "a FileWrapper body from wsgi.file_wrapper",
    app: (environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
      return environ["wsgi.file_wrapper"]!(
        ReadableStream.from([bytes("file "), bytes("bytes")]),
      );
    },
    status: 200,
    expect: "file bytes",
  },
  {
    name: "a FileWrapper made directly",
    app: (_environ, startResponse) => {
      startResponse("200 OK", TEXT);
      return new FileWrapper([bytes("wrapped")]);
    },
    status: 200,
    expect: "wrapped",
  },
  {
    name: "an error page with excInfo, after a first startResponse",
    app: (_environ, startResponse) => {
      startResponse("200 OK", [...TEXT, ["Content-Length", "100"]]);
      try {
        throw new RangeError("no such thing");
      } catch (error) {
        startResponse("404 Not Found", TEXT, error);
        return [bytes("not here")];
      }
    },
    status: 404,
    expect: "not here",
  },
  {
    name: "HEAD: the GET headers, Content-Length included, and no body",
    method: "HEAD",
    app: (_environ, startResponse) => {
      startResponse("200 OK", [...TEXT, ["Content-Length", "12"]]);
      return [];
    },
    status: 200,
    expect: "",
    headers: { "content-length": "12" },
  },
  {
    name: "204 No Content: no Content-Type, no body",
    app: starting("204 No Content", [["X-Done", "1"]], []),
    status: 204,
    expect: "",
  },
  {
    name: "304 Not Modified: an ETag, a Content-Length, no body",
    app: starting("304 Not Modified", [["ETag", '"v1"'], [
      "Content-Length",
      "1234",
    ]], []),
    status: 304,
    expect: "",
    headers: { etag: '"v1"' },
  },
  {
    name: "a redirect with no Content-Type and no content (Python faults it)",
    app: starting("302 Found", [["Location", "/elsewhere"]], []),
    status: 302,
    expect: "",
    headers: { location: "/elsewhere" },
  },
  {
    name: "a declared Content-Length matched over two chunks",
    app: (_environ, startResponse) => {
      startResponse("200 OK", [...TEXT, ["Content-Length", "11"]]);
      return (async function* () {
        yield bytes("hello ");
        yield bytes("world");
      })();
    },
    status: 200,
    expect: "hello world",
    headers: { "content-length": "11" },
  },
  {
    name:
      "HTAB in a header value (Python's validator rejects it) and ISO-8859-1 text",
    app: starting("200 Ça va", [
      ["Content-Type", "text/plain; charset=iso-8859-1"],
      ["X-Tabbed", "a\tb"],
      ["X-Latin1", "café"],
      ["X.Dotted~Name!", "tokens allow it"],
    ], [fromLatin1("café")]),
    status: 200,
    expect: "café",
    headers: { "x-tabbed": "a\tb", "x-latin1": "café" },
  },
  {
    name: "a custom async iterable with close(): closed exactly once",
    app: (_environ, startResponse) => {
      startResponse("200 OK", TEXT);
      let i = 0;
      return {
        [Symbol.asyncIterator]: () => ({
          next: () =>
            Promise.resolve(
              i < 2
                ? { done: false as const, value: bytes(String(i++)) }
                : { done: true as const, value: undefined },
            ),
          return: () => {
            returned++;
            return Promise.resolve({ done: true as const, value: undefined });
          },
        }),
        close: () => {
          closed++;
        },
      };
    },
    status: 200,
    expect: "01",
    after: () => {
      assert.equal(closed, 1);
      assert.equal(returned, 0);
      closed = 0;
    },
  },
  {
    name: "writing to wsgi.errors with write, writelines and flush",
    app: (environ, startResponse) => {
      const errors: ErrorStream = environ["wsgi.errors"];
      errors.write("");
      errors.writelines([]);
      errors.flush();
      startResponse("200 OK", TEXT);
      return [bytes("logged nothing")];
    },
    status: 200,
    expect: "logged nothing",
  },
];

describe("correct apps pass with no finding and no warning, through both handlers", () => {
  test("the table is large enough", () => {
    assert.ok(GOOD_APPS.length >= 12, `only ${GOOD_APPS.length} good apps`);
  });

  for (const row of GOOD_APPS) {
    for (const [name, run] of RUNNERS) {
      test(`${row.name}: ${name}`, async () => {
        const { warnings, options } = collector();
        const outcome = await run(validator(row.app, options), {
          method: row.method,
          body: row.body,
        });
        assert.equal(outcome.errors, "");
        assert.deepEqual(outcome.logged, []);
        assert.deepEqual(warnings, []);
        assert.equal(outcome.cutOff, false);
        assert.equal(outcome.status, row.status, outcome.output);
        assert.equal(outcome.body, row.expect);
        for (const [key, value] of Object.entries(row.headers ?? {})) {
          assert.equal(outcome.headers.get(key), value, key);
        }
        row.after?.();
      });
    }
  }
});

// ---------------------------------------------------------------------------
// The server's side, and the body's life cycle, called directly

describe("the environ (the server's side)", () => {
  const cases: Array<
    [string, (env: Record<string, unknown>) => void, string | RegExp]
  > = [
    ["missing REQUEST_METHOD", (env) => {
      delete env.REQUEST_METHOD;
    }, 'Environment missing required key: "REQUEST_METHOD"'],
    ["missing wsgi.errors", (env) => {
      delete env["wsgi.errors"];
    }, 'Environment missing required key: "wsgi.errors"'],
    [
      "HTTP_CONTENT_TYPE",
      (env) => void (env.HTTP_CONTENT_TYPE = "text/plain"),
      "Environment should not have the key: HTTP_CONTENT_TYPE (use CONTENT_TYPE instead)",
    ],
    [
      "HTTP_CONTENT_LENGTH",
      (env) => void (env.HTTP_CONTENT_LENGTH = "1"),
      "Environment should not have the key: HTTP_CONTENT_LENGTH (use CONTENT_LENGTH instead)",
    ],
    [
      "a CGI variable that is not a string",
      (env) => void (env.FOO = 1),
      "Environmental variable FOO is not a string: number (value: 1)",
    ],
    [
      "a CGI variable outside ISO-8859-1",
      (env) => void (env.PATH_INFO = "/café€"),
      'Environmental variable "PATH_INFO" must hold ISO-8859-1 text only (one code point per byte), but holds "€" (U+20AC): "/café€"',
    ],
    [
      "wsgi.version not an array",
      (env) => void (env["wsgi.version"] = "1.0"),
      'wsgi.version should be a tuple ("1.0")',
    ],
    [
      "wsgi.version not [1, 0]",
      (env) => void (env["wsgi.version"] = [1, 1]),
      "wsgi.version should be [1, 0] (got [1, 1])",
    ],
    [
      "an unknown wsgi.url_scheme",
      (env) => void (env["wsgi.url_scheme"] = "ftp"),
      'wsgi.url_scheme unknown: "ftp"',
    ],
    [
      "wsgi.url_scheme in capitals",
      (env) => void (env["wsgi.url_scheme"] = "HTTP"),
      'wsgi.url_scheme unknown: "HTTP"',
    ],
    [
      "wsgi.multithread not a boolean",
      (env) => void (env["wsgi.multithread"] = 1),
      "wsgi.multithread must be a boolean (got 1)",
    ],
    [
      "wsgi.input_terminated not a boolean",
      (env) => void (env["wsgi.input_terminated"] = "yes"),
      'wsgi.input_terminated must be a boolean (got "yes")',
    ],
    [
      "wsgi.file_wrapper not a function",
      (env) => void (env["wsgi.file_wrapper"] = {}),
      "wsgi.file_wrapper must be a function (got {})",
    ],
    [
      "a wsgi.input without read",
      (env) => void (env["wsgi.input"] = null),
      "wsgi.input (null) doesn't have the attribute read",
    ],
    [
      "a wsgi.input that is not async iterable",
      (env) =>
        void (env["wsgi.input"] = {
          read() {},
          readline() {},
          readlines() {},
        }),
      /doesn't have the attribute \[Symbol\.asyncIterator\]$/,
    ],
    [
      "a wsgi.errors without writelines",
      (env) => void (env["wsgi.errors"] = { write() {}, flush() {} }),
      /^wsgi\.errors \(.*\) doesn't have the attribute writelines$/,
    ],
    [
      "a REQUEST_METHOD that is not a token",
      (env) => void (env.REQUEST_METHOD = "GET /"),
      'REQUEST_METHOD must be an RFC 9110 token (got "GET /")',
    ],
    [
      "a SCRIPT_NAME without a leading slash",
      (env) => void (env.SCRIPT_NAME = "app"),
      `SCRIPT_NAME doesn't start with /: "app"`,
    ],
    [
      "a PATH_INFO without a leading slash",
      (env) => void (env.PATH_INFO = "x"),
      `PATH_INFO doesn't start with /: "x"`,
    ],
    [
      "a negative CONTENT_LENGTH",
      (env) => void (env.CONTENT_LENGTH = "-1"),
      'Invalid CONTENT_LENGTH: "-1"',
    ],
    [
      "a CONTENT_LENGTH that Python's int() takes but HTTP does not",
      (env) => void (env.CONTENT_LENGTH = " +5"),
      'Invalid CONTENT_LENGTH: " +5"',
    ],
    [
      "neither SCRIPT_NAME nor PATH_INFO",
      (env) => {
        delete env.SCRIPT_NAME;
        delete env.PATH_INFO;
      },
      "One of SCRIPT_NAME or PATH_INFO are required (PATH_INFO should at least be '/' if SCRIPT_NAME is empty)",
    ],
    [
      "SCRIPT_NAME '/'",
      (env) => void (env.SCRIPT_NAME = "/"),
      "SCRIPT_NAME cannot be '/'; it should instead be '', and PATH_INFO should be '/'",
    ],
  ];

  for (const [name, change, message] of cases) {
    test(name, () => {
      const { environ, startResponse } = server();
      change(environ as Record<string, unknown>);
      assertFinding(
        () => validator(starting("200 OK"))(environ, startResponse),
        message,
      );
    });
  }

  test("an environ that is not an object", () => {
    assertFinding(
      () =>
        validator(starting("200 OK"))(
          [["a", "b"]] as never,
          (() => {}) as never,
        ),
      'Environment is not of the right type: Array (environment: [["a", "b"]])',
    );
  });

  test("a key whose value is undefined counts as absent", () => {
    const { warnings, options } = collector();
    const { environ, startResponse } = server({ HTTP_X_ABSENT: undefined });
    validator(starting("200 OK"), options)(environ, startResponse);
    assert.deepEqual(warnings, []);
  });

  test("two arguments are required, and startResponse must be a function", () => {
    const app = validator(starting("200 OK")) as (
      ...args: unknown[]
    ) => unknown;
    assertFinding(() => app(server().environ), "Two arguments required");
    assertFinding(
      () => app(server().environ, undefined),
      "start_response must be a function (got undefined)",
    );
  });

  test("wsgi.input and wsgi.errors are replaced in the caller's environ, as Python", () => {
    const { environ, startResponse } = server();
    const input = environ["wsgi.input"];
    let seen: WSGIEnvironment | undefined;
    validator((env, start) => {
      seen = env;
      start("200 OK", TEXT);
      return [];
    })(environ, startResponse);
    assert.equal(seen, environ);
    assert.notEqual(environ["wsgi.input"], input);
  });
});

/** An environ whose `wsgi.input` gives back what `make` returns. */
function inputGiving(
  method: "read" | "readline" | "readlines",
  value: unknown,
): WSGIEnvironment {
  const input = {
    read: () => Promise.resolve(new Uint8Array()),
    readline: () => Promise.resolve(new Uint8Array()),
    readlines: () => Promise.resolve([]),
    [Symbol.asyncIterator]: () => ({}),
    [method]: () => value,
  } as unknown as InputStream;
  return server({ "wsgi.input": input }).environ;
}

describe("wsgi.input results (the server's side)", () => {
  const cases: Array<
    [string, "read" | "readline" | "readlines", unknown, unknown[], string]
  > = [
    [
      "read() resolving with a string",
      "read",
      Promise.resolve("abc"),
      [3],
      'wsgi.input.read() must resolve with a Uint8Array (got "abc")',
    ],
    [
      "read() returning bytes, not a promise",
      "read",
      bytes("abc"),
      [3],
      "wsgi.input.read() must return a Promise (got Uint8Array(3) [97, 98, 99])",
    ],
    [
      "read(2) resolving with 3 bytes",
      "read",
      Promise.resolve(bytes("abc")),
      [2],
      "wsgi.input.read(2) resolved with 3 bytes, more than asked",
    ],
    [
      "readline() resolving with two lines",
      "readline",
      Promise.resolve(bytes("a\nb\n")),
      [],
      "wsgi.input.readline() resolved with more than one line: Uint8Array(4) [97, 10, 98, 10]",
    ],
    [
      "readlines() resolving with something else than an array",
      "readlines",
      Promise.resolve(bytes("a\n")),
      [],
      "wsgi.input.readlines() must resolve with an Array (got Uint8Array(2) [97, 10])",
    ],
    [
      "readlines() resolving with a string line",
      "readlines",
      Promise.resolve(["a\n"]),
      [],
      'wsgi.input.readlines() must resolve with a Uint8Array (got "a\\n")',
    ],
  ];
  for (const [name, method, value, args, message] of cases) {
    test(name, async () => {
      const environ = inputGiving(method, value);
      let input: InputStream | undefined;
      validator((env, start) => {
        input = env["wsgi.input"];
        start("200 OK", TEXT);
        return [];
      })(environ, server().startResponse);
      const call = () =>
        (input![method] as (...args: unknown[]) => Promise<unknown>)(...args);
      if (isPromise(value)) await assertFindingAsync(call, message);
      else assertFinding(call, message);
    });
  }
});

function isPromise(value: unknown): boolean {
  return value instanceof Promise;
}

describe("the body's life cycle", () => {
  test("close() is passed on once; a second close() is a finding", async () => {
    const { environ, startResponse } = server();
    let closes = 0;
    const body = validator((_environ, start) => {
      start("200 OK", TEXT);
      return Object.assign([bytes("x")], { close: () => void closes++ });
    })(environ, startResponse) as ResponseBody;
    assert.deepEqual(await drain(body), [bytes("x")]);
    await body.close!();
    assert.equal(closes, 1);
    assertFinding(
      () => body.close!(),
      "close() called twice on the application's body: call it once",
    );
    assert.equal(closes, 1);
  });

  test("close() waits for the app's async close()", async () => {
    const { environ, startResponse } = server();
    const log: string[] = [];
    const body = validator((_environ, start) => {
      start("200 OK", TEXT);
      return Object.assign([], {
        close: async () => {
          await tick();
          log.push("closed");
        },
      });
    })(environ, startResponse) as ResponseBody;
    await body.close!();
    assert.deepEqual(log, ["closed"]);
  });

  test("the iterator read after close() is a finding (sync and async)", async () => {
    const { environ, startResponse } = server();
    const sync = validator(textApp(["a", "b"]))(
      environ,
      startResponse,
    ) as ResponseBody & Iterable<Uint8Array>;
    const iterator = sync[Symbol.iterator]();
    assert.deepEqual(iterator.next(), { done: false, value: bytes("a") });
    sync.close!();
    assertFinding(() => iterator.next(), "Iterator read after closed");

    const asyncBody = validator((_environ, start) => {
      start("200 OK", TEXT);
      return ReadableStream.from([bytes("a")]);
    })(server().environ, startResponse) as ResponseBody;
    await asyncBody.close!();
    const asyncIterator = (asyncBody as AsyncIterable<Uint8Array>)
      [Symbol.asyncIterator]();
    await assertFindingAsync(
      asyncIterator.next(),
      "Iterator read after closed",
    );
  });

  test("write() after close() and startResponse after close() are findings", () => {
    const { environ, startResponse } = server();
    let start: StartResponse | undefined;
    let write: Write | undefined;
    const body = validator((_environ, startResponse) => {
      start = startResponse;
      write = startResponse("200 OK", TEXT);
      return [];
    })(environ, startResponse) as ResponseBody;
    [...(body as Iterable<Uint8Array>)];
    body.close!();
    assertFinding(
      () => write!(bytes("late")),
      "write() called after the response ended (its body was closed)",
    );
    assertFinding(
      () => start!("500 Oops", TEXT, new Error("x")),
      "start_response called after the response ended (its body was closed)",
    );
  });

  test("write() after the body ended, before close(), is a finding", () => {
    const { environ, startResponse } = server();
    let write: Write | undefined;
    const body = validator((_environ, start) => {
      write = start("200 OK", TEXT);
      return [];
    })(environ, startResponse) as Iterable<Uint8Array>;
    assert.deepEqual([...body], []);
    assertFinding(
      () => write!(bytes("late")),
      /^write\(\) called after the application's body ended/,
    );
  });

  test("return() is passed on to the app's iterator (a generator's finally runs)", async () => {
    const { environ, startResponse } = server();
    const log: string[] = [];
    const body = validator((_environ, start) => {
      start("200 OK", TEXT);
      return (async function* () {
        try {
          yield bytes("a");
          yield bytes("b");
        } finally {
          log.push("finally");
        }
      })();
    })(environ, startResponse) as AsyncIterable<Uint8Array> & ResponseBody;
    for await (const _ of body) break;
    assert.deepEqual(log, ["finally"]);
    await body.close!();
  });

  test("a finding in the middle of a generator ends the generator", () => {
    const { environ, startResponse } = server();
    const log: string[] = [];
    const body = validator((_environ, start) => {
      start("200 OK", TEXT);
      return (function* () {
        try {
          yield bytes("a");
          yield "b" as unknown as Uint8Array;
          yield bytes("c");
        } finally {
          log.push("finally");
        }
      })();
    })(environ, startResponse) as Iterable<Uint8Array> & ResponseBody;
    assertFinding(() => [...body], /^Iterator yielded non-bytestring \("b"\)/);
    assert.deepEqual(log, ["finally"]);
  });

  test("a step under way when the server closes the body is not judged", async () => {
    const { environ, startResponse } = server();
    let release!: () => void;
    const body = validator((_environ, start) => {
      start("200 OK", [...TEXT, ["Content-Length", "10"]]);
      return {
        [Symbol.asyncIterator]: () => ({
          next: () =>
            new Promise<IteratorResult<Uint8Array>>((resolve) =>
              release = () => resolve({ done: true, value: undefined })
            ),
        }),
      };
    })(environ, startResponse) as AsyncIterable<Uint8Array> & ResponseBody;
    const pending = body[Symbol.asyncIterator]().next();
    await tick();
    await body.close!(); // a hang-up: the server gives up on the body
    release(); // it ends short of its Content-Length, but too late to matter
    assert.deepEqual(await pending, { done: true, value: undefined });
  });

  test("a FileWrapper body passes through in identity", () => {
    const { environ, startResponse } = server();
    const file = new FileWrapper([bytes("x")]);
    const body = validator((_environ, start) => {
      start("200 OK", TEXT);
      return file;
    })(environ, startResponse);
    assert.equal(body, file);
  });

  test("a body made by wsgi.file_wrapper passes through in identity", () => {
    let made: unknown;
    const { environ, startResponse } = server({
      "wsgi.file_wrapper": (filelike: unknown) =>
        made = { filelike, [Symbol.asyncIterator]: () => ({}) },
    });
    const body = validator((environ, start) => {
      start("200 OK", TEXT);
      return environ["wsgi.file_wrapper"]!([bytes("x")]);
    })(environ, startResponse);
    assert.ok(made !== undefined);
    assert.equal(body, made);
  });

  test("a FileWrapper returned before startResponse is a finding", () => {
    const { environ, startResponse } = server();
    assertFinding(
      () =>
        validator(() => new FileWrapper([bytes("x")]))(environ, startResponse),
      /^The application returned a FileWrapper before calling start_response/,
    );
  });

  test("wsgi.file_wrapper with a bad block size is a finding", () => {
    const { environ, startResponse } = server();
    assertFinding(
      () =>
        validator((environ) => environ["wsgi.file_wrapper"]!([], 0))(
          environ,
          startResponse,
        ),
      "wsgi.file_wrapper block size must be a positive integer (got 0)",
    );
  });

  test("startResponse with excInfo after the headers went out: the server's re-throw passes", () => {
    const { environ } = server();
    const error = new Error("late");
    let sent = false;
    const startResponse = ((_s: string, _h: unknown, excInfo?: unknown) => {
      if (excInfo !== undefined && sent) throw excInfo;
      return () => {
        sent = true;
        return Promise.resolve();
      };
    }) as StartResponse;
    const body = validator((_environ, start) => {
      const write = start("200 OK", TEXT);
      write(bytes("x"));
      start("500 Oops", TEXT, error);
      return [];
    });
    assert.throws(() => body(environ, startResponse), error);
  });

  test("a server's startResponse that returns no write function is a finding", () => {
    const { environ } = server();
    assertFinding(
      () => validator(starting("200 OK"))(environ, (() => {}) as never),
      "start_response must return the write function (got undefined)",
    );
  });

  test("a server's write that returns no promise is a finding", () => {
    const { environ } = server();
    assertFinding(
      () =>
        validator((_environ, start) => {
          start("200 OK", TEXT)(bytes("x"));
          return [];
        })(environ, (() => () => undefined) as never),
      "the server's write() must return a Promise (got undefined)",
    );
  });

  test("Python's messages for status, headers and excInfo, word for word", () => {
    const cases: Array<[unknown, unknown, string]> = [
      [
        "200 OK",
        [["Status", "200 OK"], ...TEXT],
        'The Status header cannot be used; it conflicts with CGI script, and HTTP status is not given through headers (value: "200 OK").',
      ],
      [
        "200 OK",
        [["a", "b"], ["X", "y"]],
        'No Content-Type header found in headers ([["a", "b"], ["X", "y"]])',
      ],
      [
        "304 Not Modified",
        [["Content-Type", "text/plain"]],
        "Content-Type header found in a 304 response, which must not return content.",
      ],
      [
        "200 OK",
        [["Header\n", "x"]],
        `Header names may not contain ':' or '\\n': "Header\\n"`,
      ],
      [
        "200 OK",
        [["Header", "b\x1fc\x00"]],
        'Bad header value: "b\\x1fc\\x00" (bad char: "\\x1f")',
      ],
      [
        "200 OK",
        [[Symbol("h"), "b"]],
        "Header name must be of type string (got Symbol(h))",
      ],
    ];
    for (const [status, headers, message] of cases) {
      const { environ, startResponse } = server();
      assertFinding(() => {
        const body = validator(starting(status, headers, [bytes("x")]))(
          environ,
          startResponse,
        );
        [...body as Iterable<Uint8Array>];
      }, message);
    }
  });
});
