// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `serveFastCGI` behind real web servers: nginx (`fastcgi_pass`) and
 * lighttpd (`mod_fastcgi`), each started on 127.0.0.1 at a free port. The
 * probe's cases (the environ, a POST body, a streamed response, an app
 * error, a client that hangs up) must answer as the same app does under
 * the fetch gateway (`Deno.serve(toFetchHandler(app))`). Deno only
 * (subprocesses).
 *
 * A server that is not installed is skipped with a message naming its
 * Debian package, except under `CI=true`, where it fails the test.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { serveFastCGI } from "../fastcgi.ts";
import { toFetchHandler } from "../handlers.ts";
import type {
  ResponseBody,
  StartResponse,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";
import {
  type Availability,
  findOnPath,
  IN_CI,
  lighttpdAvailability,
  type Nginx,
  nginxAvailability,
  nginxConfig,
  requireTool,
  startLighttpd,
  startNginx,
  stopServer,
  waitForText,
} from "./_cgi_servers.ts";
import { bytes, until, within } from "./_helpers.ts";

const nginx = await nginxAvailability();
const lighttpd = await lighttpdAvailability();
const curl = findOnPath("curl");
for (const { missing } of [nginx, lighttpd]) {
  if (missing && !IN_CI) {
    console.warn(`deno_fastcgi_servers_test.ts: skipped: ${missing}`);
  }
}

const BOOM = "the /boom route fails on purpose";
/** nginx's own fastcgi_params, as /etc/nginx has it. */
const FASTCGI_PARAMS = fileURLToPath(
  new URL("testdata/fastcgi_params", import.meta.url),
);

/** Holds `/stream` after its first chunk until the test has read it. */
let streamGate: { promise: Promise<void>; open(): void } | undefined;
/** How many times `/forever`'s body was closed. */
let foreverClosed = 0;

/** The probe: one route per case. */
const probe: WSGIApplication = async (
  environ: WSGIEnvironment,
  startResponse: StartResponse,
): Promise<ResponseBody> => {
  const path = environ.PATH_INFO;
  if (path === "/boom") throw new Error(BOOM);
  if (path === "/echo") {
    const body = await environ["wsgi.input"].read();
    startResponse("200 OK", [[
      "Content-Type",
      environ.CONTENT_TYPE || "application/octet-stream",
    ]]);
    return [body];
  }
  if (path === "/stream") {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    const gate = streamGate;
    return (async function* () {
      yield bytes("first\n");
      await gate?.promise;
      yield bytes("second\n");
    })();
  }
  if (path === "/forever") {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return {
      async *[Symbol.asyncIterator]() {
        for (let i = 0;; i++) {
          yield bytes(`tick ${i}\n`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      close() {
        foreverClosed++;
      },
    };
  }
  const keys = [
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    // Not CONTENT_TYPE and CONTENT_LENGTH: for a GET, the gateway gives
    // Python's defaults ("text/plain", ""), a web server its own.
    "HTTP_X_PROBE",
    "wsgi.url_scheme",
  ];
  const text = keys.map((key) => `${key}=${environ[key] ?? ""}\n`).join("");
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [Uint8Array.from(text, (c) => c.charCodeAt(0))];
};

/** What a case's answer is compared on. */
interface Seen {
  status: number;
  type: string | null;
  body: string;
}

async function get(
  origin: string,
  path: string,
  init?: RequestInit,
): Promise<Seen> {
  const response = await fetch(origin + path, {
    ...init,
    signal: AbortSignal.timeout(30_000),
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: await response.text(),
  };
}

/** The cases, through `origin` and through the fetch gateway, side by side. */
async function checkAgainstGateway(
  t: Deno.TestContext,
  origin: string,
  log: () => Promise<string>,
): Promise<void> {
  await using gateway = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    // Quiet: the gateway's own log of /boom is not what is checked.
    toFetchHandler(probe, {
      errors: { write() {}, writelines() {}, flush() {} },
    }),
  );
  const direct = `http://127.0.0.1:${gateway.addr.port}`;
  const both = async (path: string, init?: () => RequestInit) => {
    const behind = await get(origin, path, init?.());
    const reference = await get(direct, path, init?.());
    assert.deepEqual(behind, reference, `${path}: as under the fetch gateway`);
    return behind;
  };

  await t.step(
    "the environ: method, path (UTF-8), query, a header",
    async () => {
      const seen = await both("/caf%C3%A9/x?a=1&b=%C3%A9", () => ({
        headers: { "X-Probe": "yes" },
      }));
      assert.equal(seen.status, 200);
      assert.ok(seen.body.includes("PATH_INFO=/café/x\n"), seen.body);
      assert.ok(seen.body.includes("QUERY_STRING=a=1&b=%C3%A9\n"), seen.body);
      assert.ok(seen.body.includes("HTTP_X_PROBE=yes\n"), seen.body);
    },
  );

  await t.step("a POST body, echoed byte for byte", async () => {
    const body = "x".repeat(300_000) + "café";
    const seen = await both("/echo", () => ({
      method: "POST",
      headers: { "Content-Type": "application/x-test" },
      body,
    }));
    assert.equal(seen.status, 200);
    assert.equal(seen.type, "application/x-test");
    assert.equal(seen.body, body);
  });

  await t.step(
    "a streamed response: the first chunk arrives before the app goes on",
    async () => {
      for (const base of [origin, direct]) {
        let open!: () => void;
        streamGate = {
          promise: new Promise<void>((resolve) => open = resolve),
          open: () => open(),
        };
        const response = await fetch(`${base}/stream`, {
          signal: AbortSignal.timeout(30_000),
        });
        const reader = response.body!.pipeThrough(new TextDecoderStream())
          .getReader();
        let text = "";
        while (!text.includes("first\n")) {
          const { value, done } = await within(
            reader.read(),
            10_000,
            `${base}: the first chunk`,
          );
          if (done) break;
          text += value;
        }
        assert.equal(text, "first\n", `${base}: only what the app produced`);
        streamGate.open();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
        assert.equal(text, "first\nsecond\n");
        streamGate = undefined;
      }
    },
  );

  await t.step(
    "an app error: the 500 page, the stack in the server's log",
    async () => {
      const seen = await both("/boom");
      assert.equal(seen.status, 500);
      assert.equal(
        seen.body,
        "A server error occurred.  Please contact the administrator.",
      );
      const text = await waitForText(log, BOOM);
      assert.ok(text.includes(BOOM), `the error in the log:\n${text}`);
    },
  );

  await t.step("a client that hangs up: the app's close() runs", async () => {
    if (!curl) {
      if (IN_CI) assert.fail("curl is not on PATH (Debian package: curl)");
      return;
    }
    for (const base of [origin, direct]) {
      const before = foreverClosed;
      const result = await new Deno.Command(curl, {
        args: ["-sS", "--max-time", "1", "-o", "/dev/null", `${base}/forever`],
        stdout: "null",
        stderr: "null",
      }).output();
      assert.equal(result.code, 28, "curl stopped at --max-time");
      await until(() => foreverClosed > before, 10_000, `${base}: close()`);
      assert.equal(foreverClosed, before + 1, "close() once");
    }
  });
}

/** The location block the README shows, with the FastCGI port. */
function nginxLocation(fcgiPort: number): string {
  return `    location / {
      include ${FASTCGI_PARAMS};
      fastcgi_param SCRIPT_NAME "";
      fastcgi_param PATH_INFO $uri;
      fastcgi_pass 127.0.0.1:${fcgiPort};
      fastcgi_keep_conn on;
      fastcgi_buffering off;
    }`;
}

async function serverTest(
  t: Deno.TestContext,
  availability: Availability,
  start: (dir: string, fcgiPort: number) => Promise<Nginx>,
): Promise<void> {
  requireTool(availability);
  const dir = await Deno.makeTempDir({ prefix: "wsgiref_fastcgi_" });
  await using fcgi = await serveFastCGI(probe, { port: 0 });
  let server: Nginx | undefined;
  try {
    server = await start(dir, fcgi.port!);
    await checkAgainstGateway(t, `http://127.0.0.1:${server.port}`, server.log);
  } finally {
    await stopServer(server);
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    `serveFastCGI() behind nginx's fastcgi_pass answers as the fetch gateway (${
      nginx.version ?? "nginx missing"
    })`,
  ignore: nginx.missing !== undefined && !IN_CI,
  async fn(t) {
    await serverTest(t, nginx, (dir, fcgiPort) =>
      startNginx(
        nginx.path!,
        dir,
        (port) => nginxConfig(dir, port, nginxLocation(fcgiPort)),
      ));
  },
});

Deno.test({
  name:
    `serveFastCGI() behind lighttpd's mod_fastcgi answers as the fetch gateway (${
      lighttpd.version ?? "lighttpd missing"
    })`,
  ignore: lighttpd.missing !== undefined && !IN_CI,
  async fn(t) {
    await serverTest(
      t,
      lighttpd,
      (dir, fcgiPort) =>
        startLighttpd(lighttpd.path!, dir, (dir, port) => {
          const q = (text: string) => JSON.stringify(text);
          return [
            `server.modules = ("mod_fastcgi")`,
            `server.bind = "127.0.0.1"`,
            `server.port = ${port}`,
            `server.document-root = ${q(dir)}`,
            `server.errorlog = ${q(`${dir}/error.log`)}`,
            `server.upload-dirs = (${q(dir)})`,
            `server.stream-response-body = 2`,
            `fastcgi.server = ("/" => ((`,
            `  "host" => "127.0.0.1", "port" => ${fcgiPort},`,
            `  "check-local" => "disable", "fix-root-scriptname" => "enable"`,
            `)))`,
            "",
          ].join("\n");
        }),
    );
  },
});
