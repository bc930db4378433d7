// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The app the fetch runtimes serve in `tests/deno_bun_test.ts` and
 * `tests/deno_workerd_test.ts`: `export default { fetch }` over the WSGI app
 * of `runtime_wsgi_app.ts`, with nothing of any runtime in it, so the same
 * module runs on Bun as it is and on workerd bundled (workerd takes every
 * export of a worker for an entry point, so this module exports only the
 * worker).
 *
 * @module
 */

import { toFetchHandler } from "../../handlers.ts";
import { app } from "./runtime_wsgi_app.ts";

export default { fetch: toFetchHandler(app) };
