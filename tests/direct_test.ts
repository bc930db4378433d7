// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The server's direct path (`_direct.ts`) against the engine it hands over
 * to. Every app below is served twice by the same kind of server, once
 * with the direct path and once without, and all a user can see must be
 * the same: the bytes on the wire (`Date` aside), the environ the app saw
 * (keys in order, values, accessors), what `logRequest` got, the errors
 * written to `wsgi.errors`, and what the app itself observed (a caught
 * error, its body's `close()`). Each case also says whether the direct
 * path answers it, and that is checked too, so a direct path that stopped
 * answering (or answered what it must hand over) fails here. Runs on Deno
 * and on Node.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIRECT_PATH } from "../_direct.ts";
import { MemoryErrorStream } from "../_error_stream.ts";
import {
  makeServer,
  type ServerOptions,
  WSGIRequestHandler,
} from "../simple_server.ts";
import type {
  ErrorStream,
  ResponseBody,
  StartResponse,
  WSGIEnvironment,
} from "../types.ts";
import { bytes, exchange, until } from "./_helpers.ts";

const RUNTIME = "Deno" in globalThis ? "Deno" : "Node";

/** An app that can note what it observed. */
type ProbedApp = (
  environ: WSGIEnvironment,
  startResponse: StartResponse,
  note: (event: string) => void,
) => ResponseBody | Promise<ResponseBody>;

interface Case {
  name: string;
  app: ProbedApp;
  /** Whether the direct path answers it (else it hands over). */
  direct: boolean;
  /** The raw request; a `GET /path?q=1` by default. */
  request?: string;
  options?: ServerOptions;
}

interface Observation {
  wire: string;
  environ: Array<[string, string]>;
  logged: Array<[string, string]>;
  errors: string[];
  notes: string[];
}

function get(target: string, extra = ""): string {
  return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`;
}

/** What the app sees, as text: each key, how it is held, and its value. */
function snapshot(environ: WSGIEnvironment): Array<[string, string]> {
  const record = environ as unknown as Record<string, unknown>;
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(record)) {
    const descriptor = Object.getOwnPropertyDescriptor(record, key)!;
    const how = descriptor.get ? "accessor" : "value";
    const value = record[key];
    let shown: string;
    if (key === "REMOTE_PORT") shown = typeof value; // one per connection
    else if (typeof value === "string" || typeof value === "boolean") {
      shown = JSON.stringify(value);
    } else if (value instanceof AbortSignal) {
      shown = `AbortSignal aborted=${value.aborted}`;
    } else if (Array.isArray(value)) shown = JSON.stringify(value);
    else if (value instanceof Request) {
      shown = `Request ${value.method} ${value.url}`;
    } else {shown = typeof value === "object" && value !== null
        ? `object ${value.constructor.name}`
        : typeof value;}
    out.push([key, `${how} ${shown}`]);
  }
  out.push(["symbols", String(Object.getOwnPropertySymbols(record).length)]);
  return out;
}

/** The error lines of `wsgi.errors` (stack frames differ between paths). */
function errorLines(text: string): string[] {
  return text.split("\n").filter((line) =>
    line !== "" && !line.startsWith(" ") && !line.startsWith("Traceback")
  );
}

/**
 * Serves `c` twice on one server, without the direct path then with it,
 * and observes each exchange.
 */
async function observeBoth(c: Case): Promise<[Observation, Observation]> {
  const errors = new MemoryErrorStream();
  let logged: Array<[string, string]> = [];
  let notes: string[] = [];
  let environ: Array<[string, string]> = [];
  class Observed extends WSGIRequestHandler {
    override getStderr(): ErrorStream {
      return errors;
    }
    override logRequest(code?: string | number, size?: string | number) {
      logged.push([String(code), String(size)]);
    }
  }
  const httpd = makeServer("127.0.0.1", 0, (env, startResponse) => {
    environ = snapshot(env);
    return c.app(env, startResponse, (event) => notes.push(event));
  }, { handlerClass: Observed, gracePeriod: 2000, ...c.options });
  await httpd.ready();
  void httpd.serveForever();
  const initially = DIRECT_PATH.enabled;
  const observe = async (direct: boolean): Promise<Observation> => {
    logged = [];
    notes = [];
    environ = [];
    const before = DIRECT_PATH.answered;
    DIRECT_PATH.enabled = direct;
    const wire = await exchange(
      httpd.serverPort,
      c.request ?? get("/path?q=1"),
    );
    await until(() => logged.length > 0, 5000, "the log line");
    assert.equal(
      DIRECT_PATH.answered - before,
      direct && c.direct ? 1 : 0,
      `answered on the direct path: ${direct && c.direct}`,
    );
    return {
      wire: wire.toString("latin1").replace(/^date: [^\r]*\r\n/im, ""),
      environ,
      logged,
      errors: errorLines(errors.getValue()),
      notes,
    };
  };
  try {
    const engine = await observe(false);
    const errorsBefore = errors.getValue().length;
    const direct = await observe(true);
    direct.errors = errorLines(errors.getValue().slice(errorsBefore));
    engine.errors = errorLines(errors.getValue().slice(0, errorsBefore));
    return [engine, direct];
  } finally {
    DIRECT_PATH.enabled = initially;
    await httpd.shutdown();
  }
}

const ok = (headers: Array<[string, string]> = []): Array<[string, string]> => [
  ["Content-Type", "text/plain"],
  ...headers,
];

const CASES: Case[] = [
  {
    name: "one chunk",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("hello")];
    },
  },
  {
    name: "no chunk",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("302 Found", [["Location", "/elsewhere"]]);
      return [];
    },
  },
  {
    name: "the app's own Content-Length",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["content-length", "5"]]));
      return [bytes("hello")];
    },
  },
  {
    name: "a Content-Length shorter than the body cuts it",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Content-Length", "3"]]));
      return [bytes("hello")];
    },
  },
  {
    // startResponse refuses it (a TypeError in the app): the 500 page.
    name: "a Content-Length that is not a number is a 500",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Content-Length", "5x"]]));
      return [bytes("hello")];
    },
  },
  {
    name: "a Content-Length longer than a whole body: the body's own goes out",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Content-Length", "100"]]));
      return [bytes("hello")];
    },
  },
  {
    name: "204 and its dropped body",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("204 No Content", []);
      return [bytes("ignored")];
    },
  },
  {
    name: "304",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("304 Not Modified", [["ETag", '"x"']]);
      return [];
    },
  },
  {
    name: "the app's own Server, repeated names, a tab, a Latin-1 reason",
    direct: true,
    app: (_e, startResponse) => {
      startResponse("200 Tr\xe8s bien", [
        ["Server", "mine/1.0"],
        ["Set-Cookie", "a=1"],
        ["Set-Cookie", "b=2"],
        ["X-Tab", "a\tb"],
        ["X-Latin", "caf\xe9"],
      ]);
      return [bytes("ok")];
    },
  },
  {
    name: "the signal, read during the app",
    direct: true,
    app: (environ, startResponse, note) => {
      note(`aborted: ${environ["wsgiref.signal"]?.aborted}`);
      startResponse("200 OK", ok());
      return [bytes("signal")];
    },
  },
  {
    name: "a POST whose body the app reads (an async app)",
    direct: false,
    request:
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    app: async (environ, startResponse) => {
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", ok());
      return [body];
    },
  },
  {
    name: "HEAD",
    direct: true,
    request: "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("not sent")];
    },
  },
  {
    name: "write() then an empty list",
    direct: false,
    app: (_e, startResponse) => {
      const write = startResponse("200 OK", ok());
      write(bytes("written "));
      return [];
    },
  },
  {
    name: "write() then a chunk",
    direct: false,
    app: (_e, startResponse) => {
      const write = startResponse("200 OK", ok());
      write(bytes("written "));
      return [bytes("returned")];
    },
  },
  {
    name: "a generator that starts the response itself",
    direct: false,
    app: function* (_e, startResponse) {
      startResponse("200 OK", ok());
      yield bytes("one ");
      yield bytes("two");
    },
  },
  {
    name: "two chunks",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("one "), bytes("two")];
    },
  },
  {
    name: "a body with close()",
    direct: false,
    app: (_e, startResponse, note) => {
      startResponse("200 OK", ok());
      return Object.assign([bytes("closable")], {
        close: () => note("closed"),
      });
    },
  },
  {
    name: "an error before startResponse",
    direct: false,
    app: () => {
      throw new RangeError("before");
    },
  },
  {
    name: "an error after startResponse",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      throw new RangeError("after");
    },
  },
  {
    name: "a malformed status",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200OK", ok());
      return [bytes("never")];
    },
  },
  {
    name: "a hop-by-hop header",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Connection", "close"]]));
      return [bytes("never")];
    },
  },
  {
    name: "a header value with CR LF",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["X-Evil", "a\r\nSet-Cookie: x=1"]]));
      return [bytes("never")];
    },
  },
  {
    name: "a header value beyond Latin-1",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["X-Name", "\u0100"]]));
      return [bytes("never")];
    },
  },
  {
    name: "headers that are not a list",
    direct: false,
    app: (_e, startResponse) => {
      startResponse(
        "200 OK",
        { "Content-Type": "text/plain" } as unknown as Array<[string, string]>,
      );
      return [bytes("never")];
    },
  },
  {
    name: "startResponse twice, the error caught",
    direct: false,
    app: (_e, startResponse, note) => {
      startResponse("200 OK", ok());
      try {
        startResponse("201 Created", ok());
      } catch (error) {
        note(`${(error as Error).name}: ${(error as Error).message}`);
      }
      return [bytes("first wins")];
    },
  },
  {
    name: "excInfo replaces the unsent headers",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      try {
        throw new Error("oops");
      } catch (error) {
        startResponse("503 Service Unavailable", ok(), error);
      }
      return [bytes("replaced")];
    },
  },
  {
    name: "a status the runtime refuses",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("600 Beyond", ok());
      return [bytes("never")];
    },
  },
  {
    name: "a header name that is not a token",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", [["Bad Name", "x"]]);
      return [bytes("never")];
    },
  },
  {
    name: "a chunk that is not bytes",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return ["text" as unknown as Uint8Array];
    },
  },
  {
    name: "a body that is not iterable",
    direct: false,
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return 42 as unknown as ResponseBody;
    },
  },
  {
    name: "an async app",
    direct: false,
    app: async (_e, startResponse) => {
      await Promise.resolve();
      startResponse("200 OK", ok());
      return [bytes("later")];
    },
  },
  {
    name: "a request body over maxRequestBodySize",
    direct: false,
    options: { maxRequestBodySize: 4 },
    request:
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("never")];
    },
  },
  {
    name: "a request body within maxRequestBodySize",
    direct: true,
    options: { maxRequestBodySize: 5 },
    request:
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("fits")];
    },
  },
];

describe(`the direct path answers as the engine does (${RUNTIME})`, () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const [engine, direct] = await observeBoth(c);
      assert.deepEqual(direct, engine);
      assert.match(engine.wire, /^HTTP\/1\.1 \d{3} /);
    });
  }
});

describe(`the direct path (${RUNTIME})`, () => {
  test("write() after a response made at once fails, as after close()", async () => {
    const initially = DIRECT_PATH.enabled;
    DIRECT_PATH.enabled = true;
    let late: ((data: Uint8Array) => unknown) | undefined;
    const httpd = makeServer("127.0.0.1", 0, (_e, startResponse) => {
      late = startResponse("200 OK", ok());
      return [bytes("done")];
    }, { quiet: true });
    await httpd.ready();
    void httpd.serveForever();
    try {
      const wire = await exchange(httpd.serverPort, get("/"));
      assert.match(wire.toString(), /\r\n\r\ndone$/);
      assert.throws(() => late!(bytes("late")), {
        name: "AssertionError",
        message: "write() before start_response()",
      });
    } finally {
      DIRECT_PATH.enabled = initially;
      await httpd.shutdown();
    }
  });
});

test(`the direct path is on where it pays: on Node, not on Deno (${RUNTIME})`, () => {
  assert.equal(DIRECT_PATH.enabled, RUNTIME === "Node");
});
