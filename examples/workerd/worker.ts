// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A greeting (`/?name=Ada`, as `examples/hello.ts`) as a worker for workerd,
 * the runtime of Cloudflare Workers (npm package `workerd`): a module whose
 * default export is `{ fetch }`. workerd runs one JavaScript module, so
 * bundle it first; then `config.capnp` beside it serves it on
 * 127.0.0.1:8000:
 *
 * ```sh
 * deno bundle --platform browser -o examples/workerd/worker.js examples/workerd/worker.ts
 * npx workerd serve examples/workerd/config.capnp
 * ```
 *
 * It imports `handlers.ts` alone: the server (`simple_server.ts`, which
 * `examples/hello.ts` runs when started directly) would bring `node:http`
 * into the bundle, which workerd has only with Node's APIs on. workerd has
 * no process environment and no `Deno.serve`: `wsgi.errors` (the traceback
 * of an app error) goes to its standard error, or to `console.error` where
 * Node's APIs are off.
 *
 * @module
 */

import { toFetchHandler } from "../../handlers.ts";
import type {
  ResponseBody,
  StartResponse,
  WSGIEnvironment,
} from "../../types.ts";

function app(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
): ResponseBody {
  const name = new URLSearchParams(environ.QUERY_STRING).get("name");
  startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
  return [new TextEncoder().encode(`Hello, ${name || "world"}!\n`)];
}

export default { fetch: toFetchHandler(app) };
