// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The app of `cgi_app.ts` under `IISCGIHandler`: IIS (in its default
 * configuration) repeats the script's path at the start of `PATH_INFO`, so a
 * request for `/app.cgi/echo` arrives with `SCRIPT_NAME=/app.cgi` and
 * `PATH_INFO=/app.cgi/echo`; this handler strips the prefix again and the
 * app sees `PATH_INFO=/echo`.
 *
 * ```sh
 * REQUEST_METHOD=GET SCRIPT_NAME=/app.cgi PATH_INFO=/app.cgi/echo \
 *   SERVER_PROTOCOL=HTTP/1.1 deno run --allow-env examples/cgi_iis_app.ts
 * ```
 *
 * @module
 */

import { IISCGIHandler } from "../handlers.ts";
import { app } from "./cgi_app.ts";

if (import.meta.main) {
  await new IISCGIHandler().run(app);
}
