// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `examples/hello.ts` on Bun (npm package `bun`), served by `Bun.serve`
 * through `toFetchHandler`, on 127.0.0.1 (port 8000, or the one given):
 *
 * ```sh
 * bun examples/bun.ts [port]
 * ```
 *
 * Bun runs the TypeScript sources as they are. A module whose default
 * export is `{ fetch }` works too (`bun server.ts` serves it): see the
 * README's "Deploying" section.
 *
 * @module
 */

import { toFetchHandler } from "../handlers.ts";
import app from "./hello.ts";

// Bun's own global; a Bun project has it from @types/bun.
declare const Bun: {
  argv: string[];
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request, server: unknown) => Response | Promise<Response>;
  }): { port: number };
};

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(Bun.argv[2] ?? 8000),
  // Bun passes its server: REMOTE_ADDR comes from server.requestIP().
  fetch: toFetchHandler(app),
});
console.log(`Serving examples/hello.ts on http://127.0.0.1:${server.port}/`);
