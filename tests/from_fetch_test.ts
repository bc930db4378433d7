// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The reverse bridge (`fromFetchHandler`): the `Request` a fetch app sees
 * under each gateway (the fetch gateway, a CGI handler with a server's CGI
 * variables), and the response it gives back. Runtime-neutral: no `Deno.*`.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BaseCGIHandler,
  fromFetchHandler,
  toFetchHandler,
} from "../handlers.ts";
import { makeServer } from "../simple_server.ts";
import type { FromFetchHandlerOptions } from "../types.ts";
import { Hono } from "hono";
import { bytes, gate, within } from "./_helpers.ts";

const decoder = new TextDecoder();

/** What the fetch app saw of a request. */
interface Seen {
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** A fetch app that records its request, then answers `response()`. */
function recorder(
  response: () => Response = () => new Response("ok"),
): { seen: Seen[]; fetch: (request: Request) => Promise<Response> } {
  const seen: Seen[] = [];
  return {
    seen,
    async fetch(request) {
      seen.push({
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body: request.body === null ? null : await request.text(),
      });
      return response();
    },
  };
}

/**
 * Runs `fetch` behind `fromFetchHandler` under `BaseCGIHandler` with these
 * CGI variables (as a CGI server sets them): the CGI output as text.
 */
async function underCgi(
  fetch: (request: Request) => Response | Promise<Response>,
  vars: Record<string, string>,
  input: Uint8Array = new Uint8Array(0),
  options?: FromFetchHandlerOptions,
): Promise<string> {
  let out = "";
  const handler = new BaseCGIHandler(
    ReadableStream.from([input]),
    new WritableStream({
      write: (chunk) => void (out += decoder.decode(chunk)),
    }),
    new WritableStream(),
    {
      SERVER_NAME: "localhost",
      SERVER_PORT: "80",
      SERVER_PROTOCOL: "HTTP/1.1",
      SCRIPT_NAME: "",
      PATH_INFO: "/",
      QUERY_STRING: "",
      ...vars,
    },
  );
  await handler.run(fromFetchHandler(fetch, options));
  return out;
}

describe("fromFetchHandler() request headers", () => {
  test("under the fetch gateway, a request without Content-Type or Content-Length gets none", async () => {
    const { seen, fetch } = recorder();
    const gateway = toFetchHandler(fromFetchHandler(fetch));
    await (await gateway(new Request("http://h/a"))).text();
    await (await gateway(new Request("http://h/a", { method: "DELETE" })))
      .text();
    assert.equal(seen[0].headers["content-type"], undefined);
    assert.equal(seen[0].headers["content-length"], undefined);
    assert.equal(seen[1].headers["content-type"], undefined);
    assert.equal(seen[1].headers["content-length"], undefined);
  });

  test("under the fetch gateway, the client's own Content-Type and Content-Length are kept", async () => {
    const { seen, fetch } = recorder();
    const gateway = toFetchHandler(fromFetchHandler(fetch));
    await (await gateway(
      new Request("http://h/a", {
        method: "POST",
        // As a server's request has it (`new Request` adds none).
        headers: { "Content-Type": "application/json", "Content-Length": "7" },
        body: '{"a":1}',
      }),
    )).text();
    await (await gateway(
      new Request("http://h/a", {
        headers: { "Content-Type": "text/x-odd" },
      }),
    )).text();
    assert.equal(seen[0].headers["content-type"], "application/json");
    assert.equal(seen[0].headers["content-length"], "7");
    assert.equal(seen[0].body, '{"a":1}');
    assert.equal(seen[1].headers["content-type"], "text/x-odd");
  });

  test("under CGI, a GET with CONTENT_LENGTH 0 (lighttpd) or a default CONTENT_TYPE (Python) gets neither", async () => {
    const { seen, fetch } = recorder();
    await underCgi(fetch, { REQUEST_METHOD: "GET", CONTENT_LENGTH: "0" });
    await underCgi(fetch, {
      REQUEST_METHOD: "GET",
      CONTENT_LENGTH: "",
      CONTENT_TYPE: "text/plain",
    });
    await underCgi(fetch, {
      REQUEST_METHOD: "HEAD",
      CONTENT_LENGTH: "0",
      CONTENT_TYPE: "text/plain",
    });
    for (const { headers } of seen) {
      assert.equal(headers["content-type"], undefined);
      assert.equal(headers["content-length"], undefined);
    }
  });

  test("under CGI, a request with a body keeps its CONTENT_TYPE and CONTENT_LENGTH", async () => {
    const { seen, fetch } = recorder();
    await underCgi(fetch, {
      REQUEST_METHOD: "POST",
      CONTENT_LENGTH: "5",
      CONTENT_TYPE: "text/x-test",
    }, bytes("hello"));
    await underCgi(fetch, {
      REQUEST_METHOD: "POST",
      CONTENT_LENGTH: "0",
    });
    assert.equal(seen[0].headers["content-type"], "text/x-test");
    assert.equal(seen[0].headers["content-length"], "5");
    assert.equal(seen[0].body, "hello");
    assert.equal(seen[1].headers["content-length"], "0");
    assert.equal(seen[1].headers["content-type"], undefined);
  });

  test("under makeServer, a GET gets no Content-Type nor Content-Length", async () => {
    const { seen, fetch } = recorder();
    await using server = makeServer("127.0.0.1", 0, fromFetchHandler(fetch), {
      quiet: true,
    });
    void server.serveForever();
    await server.ready();
    const origin = `http://127.0.0.1:${server.serverPort}`;
    await (await globalThis.fetch(`${origin}/a`)).text();
    await (await globalThis.fetch(`${origin}/a`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "[]",
    })).text();
    assert.equal(seen[0].headers["content-type"], undefined);
    assert.equal(seen[0].headers["content-length"], undefined);
    assert.equal(seen[1].headers["content-type"], "application/json");
    assert.equal(seen[1].headers["content-length"], "2");
  });
});

describe("fromFetchHandler() response body", () => {
  const json = () =>
    new Response('{"a":1}', {
      headers: { "Content-Type": "application/json" },
    });
  const closedStream = () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(bytes("whole"));
          controller.close();
        },
      }),
    );

  test("keeps a whole body's Content-Length under CGI", async () => {
    for (const [make, length] of [[json, 7], [closedStream, 5]] as const) {
      const out = await underCgi(make, { REQUEST_METHOD: "GET" });
      assert.match(out, new RegExp(`^content-length: ${length}\r$`, "im"));
    }
  });

  test("keeps a whole body's Content-Length under makeServer", async () => {
    await using server = makeServer("127.0.0.1", 0, fromFetchHandler(json), {
      quiet: true,
    });
    void server.serveForever();
    await server.ready();
    const response = await fetch(`http://127.0.0.1:${server.serverPort}/`);
    assert.equal(response.headers.get("content-length"), "7");
    assert.equal(response.headers.get("transfer-encoding"), null);
    assert.equal(await response.text(), '{"a":1}');
  });

  test("keeps the Response's own Content-Length on a streamed body", async () => {
    const out = await underCgi(
      () =>
        new Response(ReadableStream.from([bytes("ab"), bytes("cd")]), {
          headers: { "Content-Length": "4" },
        }),
      { REQUEST_METHOD: "GET" },
    );
    assert.match(out, /^content-length: 4\r$/im);
    assert.ok(out.endsWith("\r\n\r\nabcd"));
  });

  test("passes a streamed body's first block on before the next exists", async () => {
    const second = gate();
    let sent = false;
    const app = fromFetchHandler(() =>
      new Response(
        new ReadableStream({
          async pull(controller) {
            if (!sent) {
              sent = true;
              controller.enqueue(bytes("first"));
              return;
            }
            await second.promise;
            controller.enqueue(bytes("second"));
            controller.close();
          },
        }),
      )
    );
    const response = await toFetchHandler(app)(new Request("http://h/"));
    assert.equal(response.headers.get("content-length"), null);
    const reader = response.body!.getReader();
    const first = await within(reader.read(), 1000, "the first block");
    assert.equal(decoder.decode(first.value), "first");
    second.open();
    assert.equal(decoder.decode((await reader.read()).value), "second");
    assert.equal((await reader.read()).done, true);
  });
});

describe("fromFetchHandler() stripScriptName", () => {
  const cgi = {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "/cgi-bin/app.cgi",
    PATH_INFO: "/users/7",
    QUERY_STRING: "x=1",
  };

  test("by default the URL is the full one, SCRIPT_NAME included", async () => {
    const { seen, fetch } = recorder();
    await underCgi(fetch, cgi);
    assert.equal(seen[0].url, "http://localhost/cgi-bin/app.cgi/users/7?x=1");
  });

  test("stripScriptName: the URL's path is PATH_INFO alone", async () => {
    const { seen, fetch } = recorder();
    const strip = { stripScriptName: true };
    await underCgi(fetch, cgi, undefined, strip);
    await underCgi(fetch, { ...cgi, PATH_INFO: "" }, undefined, strip);
    await underCgi(fetch, { ...cgi, PATH_INFO: "/a b" }, undefined, strip);
    assert.deepEqual(seen.map(({ url }) => url), [
      "http://localhost/users/7?x=1",
      "http://localhost/?x=1",
      "http://localhost/a%20b?x=1",
    ]);
  });

  test("stripScriptName: a Hono app's routes match under a CGI script", async () => {
    const hono = new Hono();
    hono.get("/users/:id", (c) => c.text(`user ${c.req.param("id")}`));
    assert.match(await underCgi(hono.fetch, cgi), /^Status: 404/);
    const out = await underCgi(hono.fetch, cgi, undefined, {
      stripScriptName: true,
    });
    assert.match(out, /^Status: 200 OK\r\n/);
    assert.ok(out.endsWith("\r\n\r\nuser 7"));
  });
});
