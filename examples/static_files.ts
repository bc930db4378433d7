// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Serves the current directory with `staticFiles` (`@wsgi/wsgiref/static`):
 * validators and `304`, ranges, precompressed siblings, `index.html`, and no
 * way out of the root.
 *
 * ```sh
 * deno run --allow-net --allow-read examples/static_files.ts [port]
 * ```
 *
 * serves the current directory on http://127.0.0.1:8000/ (or the port
 * given).
 *
 * @module
 */

import { makeServer } from "../simple_server.ts";
import { staticFiles } from "../static.ts";

export { staticFiles };

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 8000);
  const root = Deno.cwd();
  const httpd = makeServer("127.0.0.1", port, staticFiles(root));
  // Ctrl-C (and a service manager's SIGTERM): finish what runs, then exit.
  const stop = () => void httpd.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  console.log(
    `Serving ${root} on http://127.0.0.1:${httpd.serverPort}/ (Ctrl-C to stop)`,
  );
  await httpd.serveForever();
}
