// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A real third-party fetch app (Hono, `testdata/hono_app.ts`) through
 * `fromFetchHandler`, under `makeServer` and under lighttpd's mod_cgi
 * (`testdata/hono_cgi.ts`, with `stripScriptName`), answers each request as
 * the same app served by `Deno.serve` directly: the status, the headers but
 * the hop-by-hop ones and those a server adds (`Date`, `Server`, lighttpd's
 * `Accept-Ranges`), and the body. Deno only
 * (`Deno.serve`, subprocesses).
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { fromFetchHandler } from "../handlers.ts";
import { makeServer } from "../simple_server.ts";
import { isHopByHop } from "../util.ts";
import { app as hono } from "./testdata/hono_app.ts";
import {
  cgiWrapper,
  IN_CI,
  type Lighttpd,
  lighttpdAvailability,
  requireTool,
  startLighttpd,
  stop,
} from "./_cgi_servers.ts";

const HONO_CGI = fileURLToPath(
  new URL("testdata/hono_cgi.ts", import.meta.url),
);

const lighttpd = await lighttpdAvailability();
if (lighttpd.missing && !IN_CI) {
  console.warn(`deno_hono_test.ts: skipped: ${lighttpd.missing}`);
}

/** The requests every gateway answers: a path and how to ask. */
const REQUESTS: Array<[string, RequestInit]> = [
  ["/json", {}],
  ["/users/7?q=x", {}],
  ["/echo", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ list: [1, 2, 3], name: "café" }),
  }],
  ["/stream", {}],
  ["/missing", {}],
  ["/cookies", {}],
  ["/headers", {}],
  ["/headers", {
    method: "POST",
    headers: { "Content-Type": "text/x-test" },
    body: "hello",
  }],
];

/** Headers a server adds of its own (lighttpd: `Accept-Ranges`). */
const SERVERS_OWN = new Set(["date", "server", "accept-ranges"]);

/** What is compared of an answer. */
interface Answer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** The status, the end-to-end headers (sorted) and the body of `path`. */
async function ask(
  client: Deno.HttpClient,
  url: string,
  init: RequestInit,
): Promise<Answer> {
  const response = await fetch(url, {
    ...init,
    client,
    signal: AbortSignal.timeout(30_000),
  });
  const headers = [...response.headers].filter(([name]) =>
    !SERVERS_OWN.has(name) && !isHopByHop(name)
  ).sort(([a, x], [b, y]) => a < b ? -1 : a > b ? 1 : x < y ? -1 : 1);
  return { status: response.status, headers, body: await response.text() };
}

/** Asks every request of `REQUESTS` at `origin` (plus `prefix`). */
async function askAll(origin: string, prefix = ""): Promise<Answer[]> {
  const client = Deno.createHttpClient({});
  try {
    const answers: Answer[] = [];
    for (const [path, init] of REQUESTS) {
      answers.push(await ask(client, `${origin}${prefix}${path}`, init));
    }
    return answers;
  } finally {
    client.close();
  }
}

/** The app served by `Deno.serve` itself: the answers to match. */
async function directAnswers(): Promise<Answer[]> {
  await using direct = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    hono.fetch,
  );
  return await askAll(`http://127.0.0.1:${direct.addr.port}`);
}

/** Checks `answers` against `expected`, request by request. */
function assertSameAnswers(
  answers: Answer[],
  expected: Answer[],
  log = "",
): void {
  for (const [i, [path, init]] of REQUESTS.entries()) {
    assert.deepEqual(
      answers[i],
      expected[i],
      `${init.method ?? "GET"} ${path}${log && `; the server's log:\n${log}`}`,
    );
  }
}

Deno.test("a Hono app through fromFetchHandler under makeServer answers as under Deno.serve", async () => {
  const expected = await directAnswers();
  // The direct answers hold what the bridge must keep.
  assert.ok(expected[0].headers.some(([name]) => name === "content-length"));
  assert.equal(
    expected[6].body,
    '{"method":"GET","content-type":null,"content-length":null}',
  );
  await using server = makeServer(
    "127.0.0.1",
    0,
    fromFetchHandler(hono.fetch),
    {
      quiet: true,
    },
  );
  void server.serveForever();
  assertSameAnswers(
    await askAll(`http://127.0.0.1:${server.serverPort}`),
    expected,
  );
});

Deno.test({
  name:
    `a Hono app through fromFetchHandler under lighttpd's mod_cgi answers as under Deno.serve (${
      lighttpd.version ?? "lighttpd missing"
    })`,
  ignore: lighttpd.missing !== undefined && !IN_CI,
  async fn() {
    requireTool(lighttpd);
    const expected = await directAnswers();
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_hono_cgi_" });
    let server: Lighttpd | undefined;
    try {
      await Deno.mkdir(`${dir}/www/cgi-bin`, { recursive: true });
      const script = `${dir}/www/cgi-bin/hono.cgi`;
      await Deno.writeTextFile(script, await cgiWrapper(HONO_CGI));
      await Deno.chmod(script, 0o755);
      server = await startLighttpd(lighttpd.path!, dir);
      const answers = await askAll(
        `http://127.0.0.1:${server.port}`,
        "/cgi-bin/hono.cgi",
      );
      assertSameAnswers(answers, expected, await server.log());
    } finally {
      if (server) {
        stop(server.child);
        await server.child.status;
        await server.stderr.done;
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
