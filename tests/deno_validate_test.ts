// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The parts of `validate.ts` that need a child process: the findings Python's
 * `wsgiref.validate` shares with ours, side by side with Python 3's own
 * messages, and the garbage-collection fallback for a body never closed (in
 * a child `deno` with `--expose-gc`). Deno only.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AssertionError, validator, type WSGIWarning } from "../validate.ts";
import { setupTestingDefaults } from "../util.ts";
import type {
  ResponseBody,
  StartResponse,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";

const VALIDATE = import.meta.resolve("../validate.ts");
const UTIL = import.meta.resolve("../util.ts");
const IN_CI = Deno.env.get("CI") !== undefined;
const decoder = new TextDecoder();

async function findPython(): Promise<string | undefined> {
  for (const dir of ["/usr/bin", ...(Deno.env.get("PATH") ?? "").split(":")]) {
    try {
      const info = await Deno.stat(`${dir}/python3`);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) {
        return `${dir}/python3`;
      }
    } catch {
      // not there
    }
  }
  return undefined;
}

const python = await findPython();
if (python === undefined && !IN_CI) {
  console.warn("deno_validate_test.ts: Python side skipped: no python3");
}

// ---------------------------------------------------------------------------
// Side by side with Python's wsgiref.validate

/** Python's side: `run(...)` gives the finding's message, or the first warning's. */
const PYTHON_PRELUDE = `
import json, sys, io, warnings
from wsgiref.validate import validator
from wsgiref.util import setup_testing_defaults
sys.stderr = io.StringIO()  # IteratorWrapper.__del__ writes there

def env(drop=(), **changes):
    e = {'QUERY_STRING': '', 'SCRIPT_NAME': '', 'PATH_INFO': '/'}
    e.update(changes)
    setup_testing_defaults(e)
    for key in drop:
        e.pop(key, None)
    return e

def sr(status, headers, exc_info=None):
    return lambda data: None

def start(status, headers=[('Content-Type', 'text/plain')], body=[b'x']):
    def app(environ, start_response):
        start_response(status, headers)
        return body
    return app

def run(app, environ=None, args=None, after=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            lint = validator(app)
            if args is not None:
                lint(*args)
                return None
            it = lint(environ if environ is not None else env(), sr)
            if after is not None:
                after(it)
            else:
                for _ in it:
                    pass
                it.close()
        except AssertionError as e:
            return str(e)
        if caught:
            return str(caught[0].message)
    return None

def read_after_close(it):
    it.close()
    next(it)

def use(action):
    def app(environ, start_response):
        action(environ)
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return []
    return app

def lazy(environ, start_response):
    yield b'x'

results = {}
`;

const TEXT: Array<[string, string]> = [["Content-Type", "text/plain"]];

function starting(
  status: string,
  headers: unknown = TEXT,
  body: unknown = [new Uint8Array([120])],
): WSGIApplication {
  return ((_environ: WSGIEnvironment, startResponse: StartResponse) => {
    startResponse(status, headers as Array<[string, string]>);
    return body as ResponseBody;
  }) as WSGIApplication;
}

function env(
  changes: Record<string, unknown> = {},
  drop: string[] = [],
): WSGIEnvironment {
  const environ = setupTestingDefaults({
    QUERY_STRING: "",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    ...changes,
  });
  for (const key of drop) delete (environ as Record<string, unknown>)[key];
  return environ;
}

const sr = (() => () => Promise.resolve()) as unknown as StartResponse;

/** Our side: the finding's message, or the first warning's. */
async function run(
  app: WSGIApplication,
  environ: WSGIEnvironment = env(),
  after?: (body: ResponseBody) => unknown,
): Promise<string | undefined> {
  const warnings: WSGIWarning[] = [];
  try {
    const body = await validator(app, {
      onWarning: (w) => void warnings.push(w),
    })(environ, sr);
    if (after) {
      await after(body);
    } else {
      for await (const _ of body as AsyncIterable<Uint8Array>) {
        // drain
      }
      await body.close?.();
    }
  } catch (error) {
    assert.ok(error instanceof AssertionError, String(error));
    return error.message;
  }
  return warnings[0]?.message;
}

function use(action: (environ: WSGIEnvironment) => void): WSGIApplication {
  return (environ, startResponse) => {
    action(environ);
    startResponse("200 OK", TEXT);
    return [];
  };
}

interface Case {
  name: string;
  /** A Python expression giving the message. */
  py: string;
  ts: () => Promise<string | undefined>;
}

/**
 * The checks both validators make. Python's message must equal ours, or
 * begin it (where ours says more), once Python's `'…'` reprs read as ours
 * (`"…"`) and `None` as `null`.
 */
const CASES: Case[] = [
  {
    name: "a status code of four characters",
    py: `run(start('200OK'))`,
    ts: () => run(starting("200OK")),
  },
  {
    name: "a status code below 100",
    py: `run(start('099 Low'))`,
    ts: () => run(starting("099 Low")),
  },
  {
    name: "a Status header",
    py:
      `run(start('200 OK', [('Status', '200 OK'), ('Content-Type', 'text/plain')]))`,
    ts: () => run(starting("200 OK", [["Status", "200 OK"], ...TEXT])),
  },
  {
    name: "a header name with a colon",
    py: `run(start('200 OK', [('a:b', 'c'), ('Content-Type', 'text/plain')]))`,
    ts: () => run(starting("200 OK", [["a:b", "c"], ...TEXT])),
  },
  {
    name: "a header name with a space",
    py: `run(start('200 OK', [('X A', 'c'), ('Content-Type', 'text/plain')]))`,
    ts: () => run(starting("200 OK", [["X A", "c"], ...TEXT])),
  },
  {
    name: "a header value with control characters",
    py:
      `run(start('200 OK', [('Content-Type', 'text/plain'), ('X', 'b\\x1fc\\x00')]))`,
    ts: () => run(starting("200 OK", [...TEXT, ["X", "b\x1fc\x00"]])),
  },
  {
    name: "a header value with CRLF",
    py:
      `run(start('200 OK', [('Content-Type', 'text/plain'), ('X', 'a\\r\\nb')]))`,
    ts: () => run(starting("200 OK", [...TEXT, ["X", "a\r\nb"]])),
  },
  {
    name: "a Content-Type in a 204 response",
    py: `run(start('204 No Content', body=[]))`,
    ts: () => run(starting("204 No Content", TEXT, [])),
  },
  {
    name: "a Content-Type in a 304 response",
    py: `run(start('304 Not Modified', body=[]))`,
    ts: () => run(starting("304 Not Modified", TEXT, [])),
  },
  {
    name: "no body",
    py: `run(start('200 OK', body=None))`,
    ts: () => run(starting("200 OK", TEXT, null)),
  },
  {
    name: "a string body",
    py: `run(start('200 OK', body='abc'))`,
    ts: () => run(starting("200 OK", TEXT, "abc")),
  },
  {
    name: "a string chunk",
    py: `run(start('200 OK', body=['y']))`,
    ts: () => run(starting("200 OK", TEXT, ["y"])),
  },
  {
    name: "a lazy body that never calls start_response",
    py: `run(lazy)`,
    ts: () =>
      run(() =>
        (function* () {
          yield new Uint8Array([120]);
        })()
      ),
  },
  {
    name: "the iterator read after close()",
    py: `run(start('200 OK'), after=read_after_close)`,
    ts: () =>
      run(starting("200 OK"), env(), async (body) => {
        await body.close?.();
        (body as Iterable<Uint8Array>)[Symbol.iterator]().next();
      }),
  },
  {
    name: "wsgi.input.close()",
    py: `run(use(lambda e: e['wsgi.input'].close()))`,
    ts: () =>
      run(
        use((e) => (e["wsgi.input"] as unknown as { close(): void }).close()),
      ),
  },
  {
    name: "wsgi.errors.close()",
    py: `run(use(lambda e: e['wsgi.errors'].close()))`,
    ts: () =>
      run(
        use((e) => (e["wsgi.errors"] as unknown as { close(): void }).close()),
      ),
  },
  {
    name: "one argument to the app",
    py: `run(start('200 OK'), args=(env(),))`,
    ts: () => {
      try {
        (validator(starting("200 OK")) as (...args: unknown[]) => unknown)(
          env(),
        );
      } catch (error) {
        return Promise.resolve((error as Error).message);
      }
      return Promise.resolve(undefined);
    },
  },
  {
    name: "a missing REQUEST_METHOD",
    py: `run(start('200 OK'), env(drop=['REQUEST_METHOD']))`,
    ts: () => run(starting("200 OK"), env({}, ["REQUEST_METHOD"])),
  },
  {
    name: "HTTP_CONTENT_TYPE",
    py: `run(start('200 OK'), env(HTTP_CONTENT_TYPE='text/plain'))`,
    ts: () => run(starting("200 OK"), env({ HTTP_CONTENT_TYPE: "text/plain" })),
  },
  {
    name: "HTTP_CONTENT_LENGTH",
    py: `run(start('200 OK'), env(HTTP_CONTENT_LENGTH='1'))`,
    ts: () => run(starting("200 OK"), env({ HTTP_CONTENT_LENGTH: "1" })),
  },
  {
    name: "an unknown wsgi.url_scheme",
    py: `run(start('200 OK'), env(**{'wsgi.url_scheme': 'ftp'}))`,
    ts: () => run(starting("200 OK"), env({ "wsgi.url_scheme": "ftp" })),
  },
  {
    name: "a wsgi.input without read",
    py: `run(start('200 OK'), env(**{'wsgi.input': None}))`,
    ts: () => run(starting("200 OK"), env({ "wsgi.input": null })),
  },
  {
    name: "a SCRIPT_NAME without a leading slash",
    py: `run(start('200 OK'), env(SCRIPT_NAME='app'))`,
    ts: () => run(starting("200 OK"), env({ SCRIPT_NAME: "app" })),
  },
  {
    name: "a PATH_INFO without a leading slash",
    py: `run(start('200 OK'), env(PATH_INFO='x'))`,
    ts: () => run(starting("200 OK"), env({ PATH_INFO: "x" })),
  },
  {
    name: "a negative CONTENT_LENGTH",
    py: `run(start('200 OK'), env(CONTENT_LENGTH='-1'))`,
    ts: () => run(starting("200 OK"), env({ CONTENT_LENGTH: "-1" })),
  },
  {
    name: "SCRIPT_NAME '/'",
    py: `run(start('200 OK'), env(SCRIPT_NAME='/'))`,
    ts: () => run(starting("200 OK"), env({ SCRIPT_NAME: "/" })),
  },
  {
    name: "a missing QUERY_STRING (a warning)",
    py: `run(start('200 OK'), env(drop=['QUERY_STRING']))`,
    ts: () => run(starting("200 OK"), env({}, ["QUERY_STRING"])),
  },
  {
    name: "an unknown REQUEST_METHOD (a warning)",
    py: `run(start('200 OK'), env(REQUEST_METHOD='FOO'))`,
    ts: () => run(starting("200 OK"), env({ REQUEST_METHOD: "FOO" })),
  },
];

/** Python's reprs read as ours. */
function normalize(message: string): string {
  return message.replaceAll("'", '"').replace(/\bNone\b/g, "null");
}

describe("the findings Python's validator shares, side by side with Python 3", {
  skip: python === undefined && !IN_CI,
}, () => {
  let results: Record<string, string | null> = {};

  test("Python's wsgiref.validate runs every case", async () => {
    const script = PYTHON_PRELUDE +
      CASES.map((c) => `results[${JSON.stringify(c.name)}] = ${c.py}\n`)
        .join("") +
      "print(json.dumps(results))\n";
    const output = await new Deno.Command(python!, {
      args: ["-c", script],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, decoder.decode(output.stderr));
    results = JSON.parse(decoder.decode(output.stdout));
    assert.equal(Object.keys(results).length, CASES.length);
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const theirs = results[c.name];
      assert.ok(typeof theirs === "string", `Python found nothing: ${theirs}`);
      const ours = await c.ts();
      assert.ok(ours !== undefined, "we found nothing");
      const expected = normalize(theirs);
      assert.ok(
        normalize(ours).startsWith(expected),
        `ours:    ${ours}\nPython:  ${theirs}`,
      );
    });
  }
});

// ---------------------------------------------------------------------------
// A server that never calls close()

describe("a body the server never closes", () => {
  test("is reported when it is garbage collected, as Python does (best effort)", async () => {
    const code = `
      import { validator } from ${JSON.stringify(VALIDATE)};
      import { setupTestingDefaults } from ${JSON.stringify(UTIL)};
      const found = [];
      function serveWithoutClose(onWarning) {
        const app = validator((_environ, startResponse) => {
          startResponse("200 OK", [["Content-Type", "text/plain"]]);
          return [new Uint8Array([120])];
        }, onWarning ? { onWarning } : {});
        const body = app(
          setupTestingDefaults({ QUERY_STRING: "" }),
          () => () => Promise.resolve(),
        );
        for (const _ of body) { /* sent, never closed */ }
      }
      serveWithoutClose((w) => found.push(w.name + ": " + w.message));
      serveWithoutClose(); // the default: stderr
      for (let i = 0; i < 10 && found.length === 0; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (let i = 0; i < 3; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(JSON.stringify(found));
    `;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--v8-flags=--expose-gc", code],
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = decoder.decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.deepEqual(JSON.parse(decoder.decode(output.stdout)), [
      "WSGIWarning: Iterator garbage collected without being closed",
    ]);
    assert.match(
      stderr,
      /^WSGIWarning: Iterator garbage collected without being closed$/m,
    );
  });
});
