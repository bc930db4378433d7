// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Property tests (fast-check) over what an app gives `startResponse`:
 * statuses and header names and values drawn from every code point
 * (U+0000–U+10FFFF, lone surrogates too) with a bias for CR, LF, NUL, `:`,
 * other control characters, Latin-1 and above-Latin-1 text; non-strings
 * (numbers, null, objects, arrays, symbols); and header lists the app
 * changes after the call. Through `toFetchHandler`, `makeServer` on the
 * wire, `BaseCGIHandler` over in-memory streams, `ResponseHeaders` and
 * `validator`, the property is the same: the bytes out never carry an
 * injected line or a second response, and bad input gives a clean 500 or
 * the documented error.
 *
 * The seed is fixed (the same cases on every run); `PROPERTY_SEED` picks
 * another and `PROPERTY_RUNS` sets how many cases each property tries, for
 * long local runs: `PROPERTY_RUNS=100000 deno test -A tests/property_test.ts`.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import { BaseCGIHandler, toFetchHandler } from "../handlers.ts";
import { ResponseHeaders } from "../headers.ts";
import {
  makeServer,
  WSGIRequestHandler,
  type WSGIServer,
} from "../simple_server.ts";
import { AssertionError, validator } from "../validate.ts";
import { isHopByHop, setupTestingDefaults } from "../util.ts";
import { MemoryErrorStream } from "../_error_stream.ts";
import { TOKEN_REGEXP } from "../_http.ts";
import type { ErrorStream, WSGIApplication } from "../types.ts";
import { bytes, exchange, within } from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Seeds and runs

/** An environment variable, or undefined where the runtime may not read it. */
function env(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined; // Deno without --allow-env
  }
}

/** A non-negative integer from the environment, or `fallback`. */
function envInteger(name: string, fallback: number): number {
  const text = env(name);
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${text}`);
  }
  return value;
}

const SEED = envInteger("PROPERTY_SEED", 20261206);
const RUNS = envInteger("PROPERTY_RUNS", 0);

/** fast-check's parameters: the fixed seed, `PROPERTY_RUNS` or `runs`. */
function params(runs: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: RUNS || runs, endOnFailure: false };
}

// ---------------------------------------------------------------------------
// Generators

const TOKEN_CHARS =
  "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** A line an attacker would like to see on the wire. */
const INJECTED = "X-Injected: 1";
const INJECTED_NAME = "x-injected";

const char = (min: number, max: number) =>
  fc.integer({ min, max }).map((code) => String.fromCodePoint(code));

/** One character, biased towards the ones that bend a header line. */
const nastyChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOKEN_CHARS) },
  {
    weight: 3,
    arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  },
  { weight: 2, arbitrary: char(0, 0x1f) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "\r",
      "\n",
      "\r\n",
      "\0",
      ":",
      " ",
      "\t",
      "\x7f",
      "\u0085",
      "\u2028",
      "\ud800",
      "\udfff",
      `\r\n${INJECTED}\r\n`,
      "\r\n\r\nHTTP/1.1 200 OK\r\n",
    ),
  },
  { weight: 2, arbitrary: char(0x80, 0xff) },
  { weight: 1, arbitrary: char(0x100, 0x10ffff) },
);

/** Text of up to 12 biased characters. */
const nastyText: fc.Arbitrary<string> = fc.array(nastyChar, { maxLength: 12 })
  .map((chars) => chars.join(""));

/** Anything but a string. */
const nonString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.bigInt(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(Symbol("s")),
  fc.object({ maxDepth: 1 }),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.constant(bytes("X")),
);

const TYPICAL_NAMES = [
  "Content-Type",
  "Content-Length",
  "content-length",
  "Set-Cookie",
  "X-A",
  "Connection",
  "Transfer-Encoding",
  "Date",
  "Server",
];

const headerName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TYPICAL_NAMES) },
  {
    weight: 3,
    arbitrary: fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,8}$/),
  },
  { weight: 4, arbitrary: nastyText },
  { weight: 1, arbitrary: nonString },
);

const headerValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("text/plain", "2", "0", "a=1", "") },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{1,4}$/) },
  { weight: 5, arbitrary: nastyText },
  { weight: 1, arbitrary: nonString },
);

/** A pair, mostly; now and then something that is not one. */
const headerPair: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(headerName, headerValue) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.tuple(headerName),
      fc.tuple(headerName, headerValue, headerValue),
      nonString,
    ),
  },
);

const headerList: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 15, arbitrary: fc.array(headerPair, { maxLength: 4 }) },
  { weight: 1, arbitrary: nonString },
);

const status: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "200 OK",
      "201 Created",
      "404 Not Found",
      "204 No Content",
      "205 Reset Content",
      "304 Not Modified",
    ),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 999 }), nastyText).map((
      [code, reason],
    ) => `${String(code).padStart(3, "0")} ${reason}`),
  },
  { weight: 2, arbitrary: nastyText },
  { weight: 1, arbitrary: nonString },
);

/** What the app does to its own list after `startResponse` returned. */
interface Change {
  /** Which pair (modulo the list's length) or a new pair at the end. */
  index: number;
  push: boolean;
  part: 0 | 1;
  text: string;
  /** Change it later, when the body is first pulled. */
  late: boolean;
}

const change: fc.Arbitrary<Change | null> = fc.option(
  fc.record({
    index: fc.nat(8),
    push: fc.boolean(),
    part: fc.constantFrom(0 as const, 1 as const),
    text: fc.constantFrom(
      `1\r\n${INJECTED}`,
      INJECTED,
      "X-Injected",
      "\r\n\r\nHTTP/1.1 200 OK\r\n",
    ),
    late: fc.boolean(),
  }),
  { freq: 2 },
);

interface Case {
  status: unknown;
  headers: unknown;
  change: Change | null;
}

const responseCase: fc.Arbitrary<Case> = fc.record({
  status,
  headers: headerList,
  change,
});

// ---------------------------------------------------------------------------
// The model: what startResponse must accept

/**
 * Whether `startResponse` must accept the case (the documented rules:
 * a `"NNN reason"` Latin-1 status without control characters; pairs of
 * strings; token names; Latin-1 values without control characters but
 * HTAB; one all-digits `Content-Length`; no hop-by-hop header).
 */
function accepted(c: Case): boolean {
  const s = c.status;
  if (typeof s !== "string" || !/^[0-9]{3} [\x20-\x7e\x80-\xff\t]*$/.test(s)) {
    return false;
  }
  // deno-lint-ignore no-control-regex -- control characters are the point
  if (/[\x00-\x1f\x7f]/.test(s)) return false;
  if (!Array.isArray(c.headers)) return false;
  let lengths = 0;
  for (const pair of c.headers) {
    if (!Array.isArray(pair) || pair.length !== 2) return false;
    const [name, value] = pair;
    if (typeof name !== "string" || typeof value !== "string") return false;
    if (!TOKEN_REGEXP.test(name)) return false;
    // deno-lint-ignore no-control-regex -- control characters are the point
    if (/[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]/.test(value)) return false;
    if (isHopByHop(name)) return false;
    if (name.toLowerCase() === "content-length") {
      if (++lengths > 1 || !/^[0-9]+$/.test(value)) return false;
    }
  }
  return true;
}

/** The valid pairs the app gave, as `[lower-case name, value]`. */
function pairsOf(c: Case): Array<[string, string]> {
  return (c.headers as Array<[string, string]>).map((
    [name, value],
  ) => [name.toLowerCase(), value]);
}

/**
 * The body an accepted case's client gets: the app's streamed body, cut at
 * a declared `Content-Length`; `undefined` where it is declared longer (the
 * stream is cut off, the client gets at most the bytes there are).
 */
function bodyOf(c: Case): string | undefined {
  const length = (c.headers as Array<[string, string]>).find(([name]) =>
    name.toLowerCase() === "content-length"
  )?.[1];
  if (length === undefined) return BODY;
  return Number(length) <= BODY.length
    ? BODY.slice(0, Number(length))
    : undefined;
}

/** The status code of an accepted case. */
function codeOf(c: Case): number {
  return Number((c.status as string).slice(0, 3));
}

const BODY = "ok";
/** Statuses that carry no content (the app's body is dropped). */
const NULL_BODY = [204, 205, 304];

/**
 * The app of a case: a fresh copy of its list to `startResponse`, then the
 * case's change to that list, at once or when the body is first pulled.
 */
function appOf(c: Case): WSGIApplication {
  return (_environ, startResponse) => {
    const list = Array.isArray(c.headers)
      ? c.headers.map((pair) => Array.isArray(pair) ? [...pair] : pair)
      : c.headers;
    const alter = () => {
      if (!c.change || !Array.isArray(list)) return;
      const { index, push, part, text, late: _ } = c.change;
      if (push || list.length === 0) {
        list.push(["X-Injected", text]);
      } else {
        const pair = list[index % list.length];
        if (Array.isArray(pair)) pair[part] = text;
      }
    };
    startResponse(c.status as string, list as Array<[string, string]>);
    if (!c.change?.late) alter();
    return (function* () {
      alter();
      yield bytes(BODY);
    })();
  };
}

/** Fails if `text` has a line for the injected header. */
function assertNoInjection(text: string): void {
  assert.ok(
    !/(^|[\r\n])x-injected\s*:/i.test(text),
    `an injected header line in ${JSON.stringify(text)}`,
  );
}

// ---------------------------------------------------------------------------
// The properties

describe("property: startResponse through toFetchHandler()", () => {
  test("toFetchHandler() answers the app's status or 500, never with an injected header", async () => {
    await fc.assert(
      fc.asyncProperty(responseCase, async (c) => {
        const errors = new MemoryErrorStream();
        const handler = toFetchHandler(appOf(c), { errors });
        const response = await within(
          Promise.resolve(handler(new Request("http://localhost/"))),
          5000,
          "the response",
        );
        let body: string | undefined;
        try {
          body = await within(response.text(), 5000, "the body");
        } catch (error) {
          // A body short of its declared length errors; nothing else may.
          assert.ok(accepted(c) && bodyOf(c) === undefined, String(error));
        }
        const ok = accepted(c);
        if (!ok) {
          assert.equal(response.status, 500);
        } else if (codeOf(c) >= 200 && codeOf(c) <= 599) {
          assert.equal(response.status, codeOf(c));
        } else {
          assert.ok([codeOf(c), 500].includes(response.status));
        }
        for (const [name, value] of response.headers) {
          assert.notEqual(name, INJECTED_NAME);
          assert.ok(!/[\r\n\0]/.test(value), `${name}: ${value}`);
          if (ok && response.status === codeOf(c)) {
            const names = pairsOf(c).map(([n]) => n);
            assert.ok(
              names.includes(name) ||
                ["content-length", "date", "server"].includes(name),
              `${name} was not the app's`,
            );
          }
        }
        if (ok && response.status === codeOf(c) && response.status >= 200) {
          const empty = NULL_BODY.includes(response.status);
          const expected = empty ? "" : bodyOf(c);
          if (expected !== undefined) assert.equal(body, expected);
          else if (body !== undefined) assert.ok(BODY.startsWith(body));
        } else {
          assert.notEqual(body, BODY, "the app's body after a 500");
        }
      }),
      params(300),
    );
  });
});

describe("property: startResponse through BaseCGIHandler", () => {
  /** Runs `app` on a `BaseCGIHandler` over memory; stdout, one char per byte. */
  async function cgi(app: WSGIApplication): Promise<string> {
    const chunks: Uint8Array[] = [];
    const handler = new BaseCGIHandler(
      ReadableStream.from<Uint8Array>([]),
      new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) }),
      new WritableStream<Uint8Array>(),
      setupTestingDefaults({}),
    );
    await within(handler.run(app), 5000, "run()");
    let text = "";
    for (const chunk of chunks) {
      for (const byte of chunk) text += String.fromCharCode(byte);
    }
    return text;
  }

  test("BaseCGIHandler writes exactly the app's valid header lines, or the 500 page", async () => {
    const errorPage = await cgi(() => {
      throw new Error("boom");
    });
    assert.match(errorPage, /^Status: 500 /);
    await fc.assert(
      fc.asyncProperty(responseCase, async (c) => {
        const out = await cgi(appOf(c));
        assertNoInjection(out);
        if (!accepted(c)) {
          assert.equal(out, errorPage);
          return;
        }
        const end = out.indexOf("\r\n\r\n");
        assert.ok(end > 0, JSON.stringify(out));
        const [first, ...lines] = out.slice(0, end).split("\r\n");
        assert.equal(first, `Status: ${c.status}`);
        const sent = lines.filter((l) => !/^content-length:/i.test(l));
        const given = (c.headers as Array<[string, string]>)
          .filter(([name]) => name.toLowerCase() !== "content-length")
          .map(([name, value]) => `${name}: ${value}`);
        assert.deepEqual(sent, given);
        assert.ok(lines.length - sent.length <= 1, "one Content-Length");
        assert.equal(out.slice(end + 4), BODY);
      }),
      params(300),
    );
  });
});

describe("property: startResponse through makeServer on the wire", () => {
  /** Checks one HTTP/1.1 response in `raw` and nothing after it. */
  function parseOne(
    raw: string,
  ): { code: number; names: string[]; body: string; length?: number } {
    const end = raw.indexOf("\r\n\r\n");
    assert.ok(end > 0, `no head in ${JSON.stringify(raw)}`);
    const [statusLine, ...lines] = raw.slice(0, end).split("\r\n");
    const match = /^HTTP\/1\.1 ([0-9]{3}) [^\r\n]*$/.exec(statusLine);
    assert.ok(match, statusLine);
    const names: string[] = [];
    let length: number | undefined;
    let chunked = false;
    for (const line of lines) {
      const header = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+): ?([^\r\n]*)$/.exec(line);
      assert.ok(header, `a bad header line ${JSON.stringify(line)}`);
      const name = header[1].toLowerCase();
      names.push(name);
      if (name === "content-length") length = Number(header[2]);
      if (name === "transfer-encoding") chunked = /chunked/i.test(header[2]);
    }
    let rest = raw.slice(end + 4);
    let body = rest;
    if (chunked) {
      body = "";
      for (;;) {
        const lineEnd = rest.indexOf("\r\n");
        if (lineEnd < 0 && rest === "") break; // cut off: no last chunk
        assert.ok(lineEnd > 0, `a bad chunk in ${JSON.stringify(rest)}`);
        const size = parseInt(rest.slice(0, lineEnd), 16);
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        rest = rest.slice(lineEnd + 2 + size + 2);
        if (size === 0) break;
      }
      assert.equal(rest, "", "bytes after the last chunk");
    } else if (length !== undefined) {
      // no more than declared; fewer only where a short stream was cut off
      assert.ok(rest.length <= length, `the body ${JSON.stringify(rest)}`);
    }
    return { code: Number(match[1]), names, body, length };
  }

  test("makeServer sends exactly one response per request, never an injected line", async () => {
    const errors = new MemoryErrorStream();
    let current: Case | undefined;
    const httpd: WSGIServer = makeServer(
      "127.0.0.1",
      0,
      (environ, startResponse) => appOf(current!)(environ, startResponse),
      {
        quiet: true,
        gracePeriod: 1000,
        handlerClass: class extends WSGIRequestHandler {
          override getStderr(): ErrorStream {
            return errors;
          }
        },
      },
    );
    try {
      await httpd.ready();
      void httpd.serveForever();
      await fc.assert(
        fc.asyncProperty(responseCase, async (c) => {
          current = c;
          const raw = (await exchange(
            httpd.serverPort,
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          )).toString("latin1");
          assertNoInjection(raw);
          assert.equal(raw.match(/HTTP\/1\.[01] [0-9]{3}/g)?.length, 1, raw);
          const { code, names, body, length } = parseOne(raw);
          if (NULL_BODY.includes(code)) {
            // anything but 0 would make a keep-alive client read on
            assert.ok([undefined, 0].includes(length), raw);
          }
          assert.ok(!names.includes(INJECTED_NAME));
          if (!accepted(c)) {
            assert.equal(code, 500);
          } else if (codeOf(c) >= 200 && codeOf(c) <= 599) {
            assert.equal(code, codeOf(c));
          } else {
            assert.ok([codeOf(c), 500].includes(code), raw);
          }
          if (accepted(c) && code === codeOf(c)) {
            const expected = NULL_BODY.includes(code) ? "" : bodyOf(c);
            if (expected !== undefined) assert.equal(body, expected, raw);
            else assert.ok(BODY.startsWith(body), raw);
          }
        }),
        params(150),
      );
    } finally {
      await httpd.shutdown();
    }
  });
});

describe("property: ResponseHeaders", () => {
  /** Fails unless `headers.toString()` has one line per header and the blank line. */
  function assertLines(headers: ResponseHeaders): void {
    const text = headers.toString();
    assert.ok(text.endsWith("\r\n"));
    const lines = text.split(/\r\n|\r|\n/);
    assert.equal(lines.length, headers.length + 2, JSON.stringify(text));
  }

  /** Runs `action`; a TypeError with a message is the documented refusal. */
  function typeErrorOr(action: () => void): boolean {
    try {
      action();
      return true;
    } catch (error) {
      assert.ok(error instanceof TypeError, String(error));
      assert.ok(error.message.length > 0);
      return false;
    }
  }

  test("new ResponseHeaders() throws a TypeError or keeps one line per header", () => {
    fc.assert(
      fc.property(headerList, (list) => {
        let headers: ResponseHeaders | undefined;
        if (
          typeErrorOr(() =>
            headers = new ResponseHeaders(list as Array<[string, string]>)
          )
        ) {
          assertLines(headers!);
        }
      }),
      params(1000),
    );
  });

  test("set(), addHeader() and setDefault() throw a TypeError or keep one line per header", () => {
    const op = fc.record({
      kind: fc.constantFrom("set", "addHeader", "setDefault", "params"),
      name: headerName,
      value: headerValue,
      key: nastyText,
      param: headerValue,
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 6 }), (ops) => {
        const headers = new ResponseHeaders();
        for (const { kind, name, value, key, param } of ops) {
          const n = name as string, v = value as string;
          typeErrorOr(() => {
            if (kind === "set") headers.set(n, v);
            else if (kind === "addHeader") headers.addHeader(n, v);
            else if (kind === "setDefault") headers.setDefault(n, v);
            else headers.addHeader(n, v, { [key]: param as string });
          });
          assertLines(headers);
        }
      }),
      params(1000),
    );
  });
});

describe("property: validator", () => {
  test("validator() refuses bad input with an AssertionError or a TypeError, never more", async () => {
    await fc.assert(
      fc.asyncProperty(responseCase, async (c) => {
        const app = validator(appOf(c), { onWarning: () => {} });
        const environ = setupTestingDefaults({});
        try {
          const body = await within(
            Promise.resolve(app(environ, () => () => Promise.resolve())),
            5000,
            "the validated app",
          );
          const iterator = (body as Iterable<Uint8Array>)[Symbol.iterator]();
          try {
            for (let next = iterator.next(); !next.done;) {
              next = iterator.next();
            }
          } finally {
            (body as { close?(): void }).close?.();
          }
        } catch (error) {
          assert.ok(
            error instanceof AssertionError || error instanceof TypeError,
            `${error}`,
          );
          assert.ok((error as Error).message.length > 0);
          return;
        }
        // What the validator let through, startResponse accepts too.
        assert.ok(accepted(c), JSON.stringify(c, (_, v) => typeof v));
      }),
      params(300),
    );
  });
});
