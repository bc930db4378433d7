// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `examples/hello.ts` on Deno's own server, one worker per CPU core:
 *
 * ```sh
 * deno serve --parallel --host 127.0.0.1 --port 8000 examples/parallel.ts
 * ```
 *
 * (`deno serve` listens on every interface, `0.0.0.0`, unless `--host` says
 * otherwise.)
 *
 * `deno serve` takes a module whose default export has a `fetch` method;
 * `toFetchHandler` turns any WSGI app into one. Each worker has its own
 * isolate, so module-level state is per worker, not shared: keep shared
 * state in a database or `Deno.Kv`, as with several processes.
 *
 * @module
 */

import { toFetchHandler } from "../handlers.ts";
import app from "./hello.ts";

export default {
  // Each worker is its own isolate: tell the app (wsgi.multiprocess).
  fetch: toFetchHandler(app, { multiprocess: true }),
} satisfies Deno.ServeDefaultExport;
