// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The apps of the acceptance test (`acceptance_test.ts`): sync, async,
 * thrown, written, closed and refused answers, each served by `makeServer`
 * and observed as a user can see it: the bytes on the wire (`Date` aside),
 * the environ the app saw (keys in order, how each is held, values), what
 * `logRequest` got, the error lines written to `wsgi.errors`, and what the
 * app itself observed (a caught error, its body's `close()`).
 *
 * @module
 */

import { MemoryErrorStream } from "../_error_stream.ts";
import {
  makeServer,
  type ServerOptions,
  SOFTWARE_VERSION,
  WSGIRequestHandler,
} from "../simple_server.ts";
import type {
  ErrorStream,
  ResponseBody,
  StartResponse,
  WSGIEnvironment,
} from "../types.ts";
import { bytes, exchange, until } from "./_helpers.ts";

/** An app that can note what it observed. */
type ProbedApp = (
  environ: WSGIEnvironment,
  startResponse: StartResponse,
  note: (event: string) => void,
) => ResponseBody | Promise<ResponseBody>;

/** One app, and the request it gets. */
export interface Case {
  /** What the app does. */
  name: string;
  /** The app. */
  app: ProbedApp;
  /** The raw request; a `GET /path?q=1` by default. */
  request?: string;
  /** The server's options. */
  options?: ServerOptions;
}

/** What a user can see of one exchange. */
export interface Observation {
  /** The response as sent, `Date` left out. */
  wire: string;
  /** The environ: each key, how it is held, its value. */
  environ: Array<[string, string]>;
  /** What `logRequest` got. */
  logged: Array<[string, string]>;
  /** The lines of `wsgi.errors` that are not stack frames. */
  errors: string[];
  /** What the app noted. */
  notes: string[];
}

/**
 * A raw `GET` request.
 *
 * @param target The request target.
 * @param extra More header lines.
 * @returns The request's bytes, as text.
 */
export function get(target: string, extra = ""): string {
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

/** The error lines of `wsgi.errors` (stack frames name files and lines). */
function errorLines(text: string): string[] {
  return text.split("\n").filter((line) =>
    line !== "" && !line.startsWith(" ") && !line.startsWith("Traceback")
  );
}

/**
 * Serves `c` once and observes the exchange; the server's software
 * (runtime and version) reads `<software>`, its port `<port>`.
 *
 * @param c The case.
 * @returns What a user saw.
 */
export async function observe(c: Case): Promise<Observation> {
  const errors = new MemoryErrorStream();
  const logged: Array<[string, string]> = [];
  const notes: string[] = [];
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
  try {
    const wire = await exchange(
      httpd.serverPort,
      c.request ?? get("/path?q=1"),
    );
    await until(() => logged.length > 0, 5000, "the log line");
    const port = `"${httpd.serverPort}"`;
    const software = (text: string) =>
      text.replaceAll(SOFTWARE_VERSION, "<software>").replace(port, '"<port>"');
    return {
      wire: software(
        wire.toString("latin1").replace(/^date: [^\r]*\r\n/im, ""),
      ),
      environ: environ.map(([key, value]) => [key, software(value)]),
      logged,
      errors: errorLines(errors.getValue()),
      notes,
    };
  } finally {
    await httpd.shutdown();
  }
}

const ok = (headers: Array<[string, string]> = []): Array<[string, string]> => [
  ["Content-Type", "text/plain"],
  ...headers,
];

/** The apps, each with what it is asked. */
export const CASES: Case[] = [
  {
    name: "one chunk",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("hello")];
    },
  },
  {
    name: "no chunk",
    app: (_e, startResponse) => {
      startResponse("302 Found", [["Location", "/elsewhere"]]);
      return [];
    },
  },
  {
    name: "the app's own Content-Length",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["content-length", "5"]]));
      return [bytes("hello")];
    },
  },
  {
    name: "a Content-Length shorter than the body cuts it",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Content-Length", "3"]]));
      return [bytes("hello")];
    },
  },
  {
    // startResponse refuses it (a TypeError in the app): the 500 page.
    name: "a Content-Length that is not a number is a 500",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Content-Length", "5x"]]));
      return [bytes("hello")];
    },
  },
  {
    name: "a Content-Length longer than a whole body: the body's own goes out",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Content-Length", "100"]]));
      return [bytes("hello")];
    },
  },
  {
    name: "204 and its dropped body",
    app: (_e, startResponse) => {
      startResponse("204 No Content", []);
      return [bytes("ignored")];
    },
  },
  {
    name: "304",
    app: (_e, startResponse) => {
      startResponse("304 Not Modified", [["ETag", '"x"']]);
      return [];
    },
  },
  {
    name: "the app's own Server, repeated names, a tab, a Latin-1 reason",
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
    app: (environ, startResponse, note) => {
      note(`aborted: ${environ["wsgiref.signal"]?.aborted}`);
      startResponse("200 OK", ok());
      return [bytes("signal")];
    },
  },
  {
    name: "a POST whose body the app reads (an async app)",
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
    request: "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("not sent")];
    },
  },
  {
    name: "write() then an empty list",
    app: (_e, startResponse) => {
      const write = startResponse("200 OK", ok());
      write(bytes("written "));
      return [];
    },
  },
  {
    name: "write() then a chunk",
    app: (_e, startResponse) => {
      const write = startResponse("200 OK", ok());
      write(bytes("written "));
      return [bytes("returned")];
    },
  },
  {
    name: "a generator that starts the response itself",
    app: function* (_e, startResponse) {
      startResponse("200 OK", ok());
      yield bytes("one ");
      yield bytes("two");
    },
  },
  {
    name: "two chunks",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("one "), bytes("two")];
    },
  },
  {
    name: "a body with close()",
    app: (_e, startResponse, note) => {
      startResponse("200 OK", ok());
      return Object.assign([bytes("closable")], {
        close: () => note("closed"),
      });
    },
  },
  {
    name: "an error before startResponse",
    app: () => {
      throw new RangeError("before");
    },
  },
  {
    name: "an error after startResponse",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      throw new RangeError("after");
    },
  },
  {
    name: "a malformed status",
    app: (_e, startResponse) => {
      startResponse("200OK", ok());
      return [bytes("never")];
    },
  },
  {
    name: "a hop-by-hop header",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["Connection", "close"]]));
      return [bytes("never")];
    },
  },
  {
    name: "a header value with CR LF",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["X-Evil", "a\r\nSet-Cookie: x=1"]]));
      return [bytes("never")];
    },
  },
  {
    name: "a header value beyond Latin-1",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok([["X-Name", "\u0100"]]));
      return [bytes("never")];
    },
  },
  {
    name: "headers that are not a list",
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
    app: (_e, startResponse) => {
      startResponse("600 Beyond", ok());
      return [bytes("never")];
    },
  },
  {
    name: "a header name that is not a token",
    app: (_e, startResponse) => {
      startResponse("200 OK", [["Bad Name", "x"]]);
      return [bytes("never")];
    },
  },
  {
    name: "a chunk that is not bytes",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return ["text" as unknown as Uint8Array];
    },
  },
  {
    name: "a body that is not iterable",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return 42 as unknown as ResponseBody;
    },
  },
  {
    name: "an async app",
    app: async (_e, startResponse) => {
      await Promise.resolve();
      startResponse("200 OK", ok());
      return [bytes("later")];
    },
  },
  {
    name: "a request body over maxRequestBodySize",
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
    options: { maxRequestBodySize: 5 },
    request:
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    app: (_e, startResponse) => {
      startResponse("200 OK", ok());
      return [bytes("fits")];
    },
  },
];
