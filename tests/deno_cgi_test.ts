// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `examples/cgi_app.ts` as a real CGI program: behind Python's
 * `http.server --cgi` and behind lighttpd's mod_cgi, each started on
 * 127.0.0.1 at a free port and reached with `fetch`, and run directly with a
 * crafted CGI environment. Deno only (subprocesses, `Deno.*`).
 *
 * A server that is not installed is skipped with a message naming its Debian
 * package, except under `CI=true`, where a missing server fails the test.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  type Availability,
  cgiWrapper,
  findOnPath,
  IN_CI,
  type Lighttpd,
  lighttpdAvailability,
  output,
  requireTool,
  startLighttpd,
  stop,
  TextSink,
  waitForText,
  WRAPPER,
} from "./_cgi_servers.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const EXAMPLES = `${REPO}examples/`;
const PY_SERVER = fileURLToPath(
  new URL("testdata/cgi_http_server.py", import.meta.url),
);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const ERROR_PAGE =
  "A server error occurred.  Please contact the administrator.";
const BOOM = "the /boom route fails on purpose";

// ---------------------------------------------------------------------------
// Tools

async function pythonAvailability(): Promise<Availability> {
  const python3 = findOnPath("python3");
  if (!python3) {
    return { missing: "python3 is not on PATH (Debian package: python3)" };
  }
  const probe = await output(python3, [
    "-c",
    "import http.server, sys\n" +
    "print(sys.version.split()[0])\n" +
    "sys.exit(0 if hasattr(http.server, 'CGIHTTPRequestHandler') else 3)",
  ]);
  if (probe.code !== 0) {
    return {
      missing: `python3 ${probe.text} has no CGI server (http.server ` +
        `dropped CGIHTTPRequestHandler in 3.15; Debian package: python3)`,
    };
  }
  return { path: python3, version: `Python ${probe.text}` };
}

const python = await pythonAvailability();
const lighttpd = await lighttpdAvailability();
for (const { missing } of [python, lighttpd]) {
  if (missing && !IN_CI) console.warn(`deno_cgi_test.ts: skipped: ${missing}`);
}

// ---------------------------------------------------------------------------
// Helpers

/**
 * Makes `DIR/cgi-bin/` with the two CGI programs: copies of
 * examples/cgi_app.cgi whose `app=` line names the repository's
 * `cgi_app.ts` and `cgi_iis_app.ts` (a copy finds neither next to itself),
 * made executable here rather than trusting the checkout's file modes.
 */
async function makeCgiBin(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/cgi-bin`, { recursive: true });
  for (const name of ["cgi_app", "cgi_iis_app"]) {
    const path = `${dir}/cgi-bin/${name}.cgi`;
    await Deno.writeTextFile(path, await cgiWrapper(`${EXAMPLES}${name}.ts`));
    await Deno.chmod(path, 0o755);
  }
}

/** A running CGI server, as the shared checks see it. */
interface CgiServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** Closes the HTTP client's pooled connections. */
  client: Deno.HttpClient;
  /** The status the app set: from `Status:` (http.server) or the HTTP status. */
  statusOf(response: Response): string;
  /** Everything the server logged so far, CGI stderr included. */
  log(): string | Promise<string>;
}

/** The HTTP status line of a response, as `"404 Not Found"`. */
function httpStatus(response: Response): string {
  return `${response.status} ${response.statusText}`;
}

/** Fetches through `server`; the body as bytes (always consumed). */
async function request(
  server: CgiServer,
  path: string,
  init: RequestInit = {},
): Promise<{ response: Response; body: Uint8Array }> {
  const response = await fetch(`${server.origin}${path}`, {
    ...init,
    client: server.client,
    signal: AbortSignal.timeout(30_000),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body };
}

/** The request's echo as the app words it. */
function echo(method: string, pathInfo: string, query: string): string {
  return `REQUEST_METHOD: ${method}\nPATH_INFO: ${pathInfo}\nQUERY_STRING: ${query}\n`;
}

/** A body with every byte value, UTF-8 text, and some length. */
function binaryBody(size: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 7 + (i >> 8)) & 0xff;
  const text = encoder.encode("café ☕ \r\n\0");
  if (size >= text.length) body.set(text);
  return body;
}

// ---------------------------------------------------------------------------
// The checks every server passes

async function checkServer(
  t: Deno.TestContext,
  server: CgiServer,
): Promise<void> {
  const app = "/cgi-bin/cgi_app.cgi";

  await t.step("GET with a query string", async () => {
    const { response, body } = await request(
      server,
      `${app}/echo?a=1&b=%C3%A9+x`,
    );
    assert.equal(server.statusOf(response), "200 OK");
    assert.equal(
      response.headers.get("content-type"),
      "text/plain; charset=utf-8",
    );
    assert.equal(
      decoder.decode(body),
      echo("GET", "/echo", "a=1&b=%C3%A9+x"),
    );
  });

  await t.step("POST: the body echoed byte for byte", async () => {
    for (const size of [0, 300, 256 * 1024]) {
      const sent = binaryBody(size);
      const { response, body } = await request(server, `${app}/echo`, {
        method: "POST",
        headers: { "Content-Type": "application/x-test; charset=binary" },
        body: sent,
      });
      assert.equal(server.statusOf(response), "200 OK");
      assert.equal(
        response.headers.get("content-type"),
        "application/x-test; charset=binary",
      );
      assert.equal(response.headers.get("content-length"), String(size));
      assert.deepEqual(body, sent, `a body of ${size} bytes`);
    }
  });

  await t.step("a UTF-8 PATH_INFO comes back as the same UTF-8", async () => {
    const { response, body } = await request(server, `${app}/caf%C3%A9`);
    assert.equal(server.statusOf(response), "200 OK");
    assert.deepEqual(body, encoder.encode(echo("GET", "/café", "")));
  });

  await t.step("the app's own 404", async () => {
    const { response, body } = await request(server, `${app}/missing`);
    assert.equal(server.statusOf(response), "404 Not Found");
    assert.equal(decoder.decode(body), "Not Found: /missing\n");
  });

  await t.step(
    "an app that throws: the 500 page, the stack in the log",
    async () => {
      const { response, body } = await request(server, `${app}/boom`);
      assert.equal(server.statusOf(response), "500 Internal Server Error");
      assert.equal(response.headers.get("content-type"), "text/plain");
      assert.equal(decoder.decode(body), ERROR_PAGE);
      const log = await waitForText(() => server.log(), BOOM);
      assert.ok(
        log.includes(`Error: ${BOOM}`),
        `the error in the log:\n${log}`,
      );
      assert.match(log, /Traceback \(most recent call last\)/);
      assert.match(log, /examples\/cgi_app\.ts:\d+:\d+/, "a stack frame");
    },
  );

  await t.step(
    "IISCGIHandler strips a SCRIPT_NAME repeated in PATH_INFO",
    async () => {
      const iis = "/cgi-bin/cgi_iis_app.cgi";
      // What IIS sends: SCRIPT_NAME=/cgi-bin/cgi_iis_app.cgi and PATH_INFO
      // starting with it again (here the server gets a URL that says so).
      let { body } = await request(server, `${iis}${iis}/echo?x=1`);
      assert.equal(decoder.decode(body), echo("GET", "/echo", "x=1"));
      ({ body } = await request(server, `${iis}/echo`));
      assert.equal(decoder.decode(body), echo("GET", "/echo", ""));
      ({ body } = await request(server, iis + iis));
      assert.equal(decoder.decode(body), echo("GET", "", ""));
      // The plain CGIHandler leaves PATH_INFO as the server gave it.
      ({ body } = await request(server, `${app}${app}/echo`));
      assert.equal(decoder.decode(body), echo("GET", `${app}/echo`, ""));
    },
  );
}

// ---------------------------------------------------------------------------
// Python's http.server

Deno.test({
  name: `examples/cgi_app.cgi behind Python's http.server --cgi (${
    python.version ?? "python3 missing"
  })`,
  ignore: python.missing !== undefined && !IN_CI,
  async fn(t) {
    requireTool(python);
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_cgi_py_" });
    const client = Deno.createHttpClient({});
    let child: Deno.ChildProcess | undefined;
    let stdout: TextSink | undefined;
    let stderr: TextSink | undefined;
    try {
      await makeCgiBin(`${dir}/www`);
      child = new Deno.Command(python.path!, {
        args: [PY_SERVER, `${dir}/www`],
        // TMPDIR: where the wrapper keeps Deno's cache (the server drops HOME).
        env: { TMPDIR: dir, PYTHONUNBUFFERED: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      stdout = new TextSink(child.stdout);
      stderr = new TextSink(child.stderr);
      const port = Number(
        (await waitForText(() => stdout!.text, "\n", 10_000)).trim(),
      );
      assert.ok(
        Number.isInteger(port) && port > 0,
        `the server's port, got ${JSON.stringify(stdout.text)}; ` +
          `stderr:\n${stderr.text}`,
      );
      const sink = stderr;
      await checkServer(t, {
        origin: `http://127.0.0.1:${port}`,
        client,
        statusOf(response) {
          // http.server answers "200 Script output follows" itself and
          // passes the script's Status: line on as a header.
          assert.equal(response.status, 200);
          return response.headers.get("status") ?? httpStatus(response);
        },
        log: () => sink.text,
      });
    } finally {
      client.close();
      if (child) {
        stop(child);
        await child.status;
      }
      await stdout?.done;
      await stderr?.done;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// ---------------------------------------------------------------------------
// lighttpd

Deno.test({
  name: `examples/cgi_app.cgi behind lighttpd's mod_cgi (${
    lighttpd.version ?? "lighttpd missing"
  })`,
  ignore: lighttpd.missing !== undefined && !IN_CI,
  async fn(t) {
    requireTool(lighttpd);
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_cgi_lighttpd_" });
    const client = Deno.createHttpClient({});
    let server: Lighttpd | undefined;
    try {
      await makeCgiBin(`${dir}/www`);
      server = await startLighttpd(lighttpd.path!, dir);
      await checkServer(t, {
        origin: `http://127.0.0.1:${server.port}`,
        client,
        statusOf(response) {
          // lighttpd turns the script's Status: line into the HTTP status.
          assert.equal(response.headers.get("status"), null);
          return httpStatus(response);
        },
        log: server.log,
      });
    } finally {
      client.close();
      if (server) {
        stop(server.child);
        await server.child.status;
        await server.stderr.done;
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// ---------------------------------------------------------------------------
// No server: the CGI program run directly

/** The CGI variables every direct run gets. */
const REQUEST = {
  SERVER_NAME: "localhost",
  SERVER_PORT: "80",
  SERVER_PROTOCOL: "HTTP/1.1",
  SCRIPT_NAME: "/cgi-bin/cgi_app.cgi",
};

/**
 * Runs the CGI program `script` as a CGI server would: `/bin/sh script` (no
 * reliance on the checkout's executable bit), only the CGI variables in the
 * environment (no HOME, no PATH; TMPDIR=`dir` for Deno's cache), `input` on
 * stdin.
 */
async function runCgi(
  dir: string,
  script: string,
  vars: Record<string, string>,
  input: Uint8Array = new Uint8Array(),
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  const child = new Deno.Command("/bin/sh", {
    args: [script],
    clearEnv: true,
    env: { ...REQUEST, TMPDIR: dir, ...vars },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(input);
  await writer.close();
  const result = await child.output();
  return {
    code: result.code,
    stdout: result.stdout,
    stderr: decoder.decode(result.stderr),
  };
}

/** Runs `fn` with a temp dir, removed afterwards. */
async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "wsgiref_cgi_direct_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The bytes of a CGI response with these headers and body. */
function cgiResponse(
  status: string,
  headers: Array<[string, string]>,
  body: Uint8Array,
): Uint8Array {
  const head = [`Status: ${status}`, ...headers.map(([k, v]) => `${k}: ${v}`)]
    .map((line) => `${line}\r\n`).join("") + "\r\n";
  const bytes = encoder.encode(head);
  const all = new Uint8Array(bytes.length + body.length);
  all.set(bytes);
  all.set(body, bytes.length);
  return all;
}

Deno.test("examples/cgi_app.cgi run directly writes the exact CGI response", async (t) => {
  await withTempDir(async (dir) => {
    const run = (vars: Record<string, string>, input?: Uint8Array) =>
      runCgi(dir, WRAPPER, vars, input);

    await t.step("POST: the body and its Content-Type", async () => {
      const body = binaryBody(1000);
      const result = await run({
        REQUEST_METHOD: "POST",
        PATH_INFO: "/echo",
        CONTENT_TYPE: "application/x-test",
        CONTENT_LENGTH: String(body.length),
      }, body);
      assert.equal(result.stderr, "");
      assert.equal(result.code, 0);
      assert.deepEqual(
        result.stdout,
        cgiResponse("200 OK", [
          ["Content-Type", "application/x-test"],
          ["Content-Length", "1000"],
        ], body),
      );
    });

    await t.step(
      "the wrapper keeps Deno's cache in a private dir",
      async () => {
        // No HOME and no DENO_DIR: the wrapper made one under TMPDIR.
        const cache = await Deno.stat(`${dir}/deno-cgi-${Deno.uid()}`);
        assert.ok(cache.isDirectory);
        assert.equal((cache.mode ?? 0) & 0o777, 0o700);
      },
    );

    await t.step("POST: wsgi.input stops at CONTENT_LENGTH", async () => {
      const result = await run({
        REQUEST_METHOD: "POST",
        PATH_INFO: "/echo",
        CONTENT_LENGTH: "5",
      }, encoder.encode("hello, and more than that"));
      assert.deepEqual(
        result.stdout,
        cgiResponse("200 OK", [
          ["Content-Type", "application/octet-stream"],
          ["Content-Length", "5"],
        ], encoder.encode("hello")),
      );
    });

    await t.step("GET: a UTF-8 PATH_INFO and a query string", async () => {
      const result = await run({
        REQUEST_METHOD: "GET",
        PATH_INFO: "/café",
        QUERY_STRING: "q=%E2%98%95",
      });
      const body = encoder.encode(echo("GET", "/café", "q=%E2%98%95"));
      assert.equal(result.stderr, "");
      assert.deepEqual(
        result.stdout,
        cgiResponse("200 OK", [
          ["Content-Type", "text/plain; charset=utf-8"],
          ["Content-Length", String(body.length)],
        ], body),
      );
    });

    await t.step("the app's own 404", async () => {
      const result = await run({
        REQUEST_METHOD: "GET",
        PATH_INFO: "/missing",
      });
      assert.deepEqual(
        result.stdout,
        cgiResponse("404 Not Found", [
          ["Content-Type", "text/plain; charset=utf-8"],
          ["Content-Length", "20"],
        ], encoder.encode("Not Found: /missing\n")),
      );
    });

    await t.step(
      "an app that throws: the 500 page, the stack on stderr",
      async () => {
        const result = await run({ REQUEST_METHOD: "GET", PATH_INFO: "/boom" });
        assert.equal(result.code, 0);
        assert.deepEqual(
          result.stdout,
          cgiResponse("500 Internal Server Error", [
            ["Content-Type", "text/plain"],
            ["Content-Length", "59"],
          ], encoder.encode(ERROR_PAGE)),
        );
        assert.match(result.stderr, /^Traceback \(most recent call last\):\n/);
        assert.match(result.stderr, /examples\/cgi_app\.ts:\d+:\d+/);
        assert.ok(result.stderr.endsWith(`\nError: ${BOOM}\n`), result.stderr);
      },
    );
  });
});

Deno.test("examples/cgi_iis_app.ts fixes PATH_INFO as Python's IISCGIHandler", async () => {
  // CPython's cases: SCRIPT_NAME, PATH_INFO, the PATH_INFO the app sees.
  const rows: Array<[string, string, string]> = [
    ["/app", "/app/foo", "/foo"],
    ["/app", "/app", ""],
    ["/app", "/app/", "/"],
    ["/app", "/application/x", "/application/x"],
    ["/app", "/other", "/other"],
    ["", "/x", "/x"],
    ["/app", "", ""],
  ];
  await withTempDir(async (dir) => {
    await makeCgiBin(dir);
    const script = `${dir}/cgi-bin/cgi_iis_app.cgi`;
    // One run first fills Deno's cache; then the rest side by side.
    const vars = ([scriptName, path]: [string, string, string]) => ({
      REQUEST_METHOD: "GET",
      SCRIPT_NAME: scriptName,
      PATH_INFO: path,
    });
    const first = await runCgi(dir, script, vars(rows[0]));
    const rest = await Promise.all(
      rows.slice(1).map((row) => runCgi(dir, script, vars(row))),
    );
    for (const [i, result] of [first, ...rest].entries()) {
      const [scriptName, path, expected] = rows[i];
      const where = `SCRIPT_NAME=${scriptName} PATH_INFO=${path}`;
      const body = encoder.encode(echo("GET", expected, ""));
      assert.equal(result.stderr, "", where);
      assert.deepEqual(
        result.stdout,
        cgiResponse("200 OK", [
          ["Content-Type", "text/plain; charset=utf-8"],
          ["Content-Length", String(body.length)],
        ], body),
        where,
      );
    }
  });
});
