// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `runtime_app.ts` on `Bun.serve`, on a port Bun picks: prints
 * `listening on port N`. Run by `tests/deno_bun_test.ts`.
 *
 * @module
 */

import app from "./runtime_app.ts";

// Bun's global, for `deno check` (a Bun project has @types/bun).
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch: typeof app.fetch;
  }): { port: number };
};

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
console.log(`listening on port ${server.port}`);
