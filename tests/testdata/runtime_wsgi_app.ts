// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The WSGI app the other runtimes serve in `tests/deno_bun_test.ts` and
 * `tests/deno_workerd_test.ts` (as a fetch handler, `runtime_app.ts`, or
 * with `makeServer` on Bun, `bun_make_server.ts`), with nothing of any
 * runtime in it:
 *
 * - `GET /stream`: `STREAM_CHUNKS` chunks of `CHUNK_SIZE` bytes, `a`, `b`…,
 *   each after a pause (no `Content-Length`); the numbers and `SECRET` are
 *   in `runtime_app_facts.ts`;
 * - `POST /echo`: the request body, read through `wsgi.input`, sent back;
 *   `X-Content-Length` and `X-Content-Type` tell what the environ said;
 * - `GET /boom`: the app throws an error whose message is `SECRET`;
 * - `/fetch/…`: a fetch app through `fromFetchHandler`, mounted at `/fetch`
 *   (`stripScriptName`): it answers its method, path and body;
 * - `GET /environ`: a few environ values as JSON.
 *
 * @module
 */

import { fromFetchHandler } from "../../handlers.ts";
import type { WSGIApplication } from "../../types.ts";
import { shiftPathInfo } from "../../util.ts";
import { CHUNK_SIZE, SECRET, STREAM_CHUNKS } from "./runtime_app_facts.ts";

const encoder = new TextEncoder();

const fetchApp = fromFetchHandler(async (request) => {
  const path = new URL(request.url).pathname;
  return new Response(`${request.method} ${path} ${await request.text()}`, {
    headers: { "Content-Type": "text/plain" },
  });
}, { stripScriptName: true });

async function* stream(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < STREAM_CHUNKS; i++) {
    yield new Uint8Array(CHUNK_SIZE).fill(0x61 + i);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The app. */
export const app: WSGIApplication = async (environ, startResponse) => {
  if (environ.PATH_INFO?.startsWith("/fetch/")) {
    shiftPathInfo(environ);
    return fetchApp(environ, startResponse);
  }
  switch (environ.PATH_INFO) {
    case "/stream":
      startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
      return stream();
    case "/echo": {
      const body = await environ["wsgi.input"].read();
      startResponse("200 OK", [
        ["Content-Type", "application/octet-stream"],
        ["X-Content-Length", String(environ.CONTENT_LENGTH)],
        ["X-Content-Type", String(environ.CONTENT_TYPE)],
      ]);
      return [body];
    }
    case "/boom":
      throw new Error(SECRET);
    case "/environ": {
      const keys = [
        "REQUEST_METHOD",
        "QUERY_STRING",
        "REMOTE_ADDR",
        "wsgi.url_scheme",
      ];
      const picked = Object.fromEntries(keys.map((key) => [key, environ[key]]));
      startResponse("200 OK", [["Content-Type", "application/json"]]);
      return [encoder.encode(JSON.stringify(picked))];
    }
  }
  startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
  return [encoder.encode("Not Found")];
};
