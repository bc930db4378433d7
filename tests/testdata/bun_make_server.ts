// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `runtime_wsgi_app.ts` served by `makeServer` on Bun (whose `node:http`
 * it runs on), on a port Bun picks: prints `listening on port N`, and
 * serves until killed. Run by `tests/deno_bun_test.ts`.
 *
 * @module
 */

import { makeServer } from "../../simple_server.ts";
import { app } from "./runtime_wsgi_app.ts";

const server = makeServer("127.0.0.1", 0, app);
await server.ready();
console.log(`listening on port ${server.serverPort}`);
await server.serveForever();
