// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `hono_app.ts` as a CGI program: `fromFetchHandler` under `CGIHandler`,
 * the script's own path (`SCRIPT_NAME`) left out of the URL Hono routes.
 *
 * @module
 */

import { CGIHandler, fromFetchHandler } from "../../handlers.ts";
import { app } from "./hono_app.ts";

await new CGIHandler().run(
  fromFetchHandler(app.fetch, { stripScriptName: true }),
);
