// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The smallest useful WSGI app: it greets, by name when the query asks
 * (`/?name=Ada`). Its default export is the app itself, so any WSGI server
 * of this package runs it:
 *
 * ```sh
 * deno run --allow-net examples/hello.ts [port]      # this file's own server
 * deno run -A simple_server.ts examples/hello.ts     # the package's CLI
 * deno serve --parallel --host 127.0.0.1 examples/parallel.ts   # every core
 * ```
 *
 * Run directly, it serves itself with `makeServer` on 127.0.0.1 (port 8000,
 * or the one given), prints where it listens and the request log, and stops
 * cleanly on Ctrl-C or SIGTERM.
 *
 * @module
 */

import type { ResponseBody, StartResponse, WSGIEnvironment } from "../types.ts";
import { makeServer } from "../simple_server.ts";

const encoder = new TextEncoder();

/**
 * Greets: `Hello, world!`, or `Hello, Ada!` for `?name=Ada` (the name is
 * UTF-8, percent-encoded as usual in a query).
 *
 * @param environ The request.
 * @param startResponse `start_response`.
 * @returns The greeting, UTF-8.
 */
export default function app(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
): ResponseBody {
  // QUERY_STRING is the raw query: URLSearchParams decodes its UTF-8.
  const name = new URLSearchParams(environ.QUERY_STRING ?? "").get("name") ||
    "world";
  startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
  return [encoder.encode(`Hello, ${name}!\n`)];
}

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 8000);
  const httpd = makeServer("127.0.0.1", port, app);
  // Ctrl-C (and a service manager's SIGTERM): finish what runs, then exit.
  const stop = () => void httpd.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  console.log(
    `Serving examples/hello.ts on http://127.0.0.1:${httpd.serverPort}/ ` +
      "(Ctrl-C to stop)",
  );
  await httpd.serveForever();
}
