// Copyright 2026 the wsgiref authors. MIT license.
/**
 * One benchmark server: `deno run -A bench/server.ts KIND CASE`, where KIND
 * is `raw` (plain `Deno.serve`), `floor` (plain `Deno.serve` that reads what
 * any gateway must read of a request: its URL, method, headers and client
 * address), `floor-server` (the floor with the `Server` header
 * `makeServer` sends: a second header costs `Deno.serve` itself), `wsgi`
 * (`toFetchHandler`) or `server` (`makeServer`, quiet),
 * and CASE is `hello` (13 bytes),
 * `64k` (one 64 KiB body) or `stream` (256 MiB in 64 KiB chunks). Every kind
 * sends the same bytes. Prints the port it listens on.
 *
 * @module
 */

import { toFetchHandler } from "../handlers.ts";
import { makeServer, SOFTWARE_VERSION } from "../simple_server.ts";
import type { WSGIApplication } from "../types.ts";

const [kind, name] = Deno.args;
const HELLO = new TextEncoder().encode("Hello, world!");
const BLOCK = new Uint8Array(64 * 1024).fill(120);
const STREAM_BLOCKS = (256 * 1024 * 1024) / BLOCK.length;
const TEXT: Record<string, string> = kind === "floor-server"
  ? { "content-type": "text/plain", "server": SOFTWARE_VERSION }
  : { "content-type": "text/plain" };

function rawHandler(): (request: Request) => Response {
  switch (name) {
    case "hello":
      return () => new Response(HELLO, { headers: TEXT });
    case "64k":
      return () => new Response(BLOCK, { headers: TEXT });
    case "stream":
      return () => {
        let sent = 0;
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent++ < STREAM_BLOCKS) controller.enqueue(BLOCK);
              else controller.close();
            },
          }, { highWaterMark: 0 }),
          { headers: TEXT },
        );
      };
  }
  throw new Error(`unknown case ${name}`);
}

/** What a gateway reads of every request, kept where the optimiser sees it used. */
let seen = 0;
function readRequest(
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
): void {
  seen += request.url.length + request.method.length +
    info.remoteAddr.hostname.length;
  request.headers.forEach((value, name) => {
    seen += value.length + name.length;
  });
}

function floorHandler(): Deno.ServeHandler {
  const raw = rawHandler();
  return (request, info) => {
    readRequest(request, info as Deno.ServeHandlerInfo<Deno.NetAddr>);
    return raw(request);
  };
}

function wsgiApp(): WSGIApplication {
  const headers: Array<[string, string]> = [["Content-Type", "text/plain"]];
  switch (name) {
    case "hello":
      return (_environ, startResponse) => {
        startResponse("200 OK", headers);
        return [HELLO];
      };
    case "64k":
      return (_environ, startResponse) => {
        startResponse("200 OK", headers);
        return [BLOCK];
      };
    case "stream":
      return function* (_environ, startResponse) {
        startResponse("200 OK", headers);
        for (let i = 0; i < STREAM_BLOCKS; i++) yield BLOCK;
      };
  }
  throw new Error(`unknown case ${name}`);
}

if (kind === "server") {
  // simple_server's makeServer, quiet (no log line per request).
  const httpd = makeServer("127.0.0.1", 0, wsgiApp(), { quiet: true });
  console.log(httpd.serverPort);
  await httpd.serveForever();
} else {
  const handler = kind === "raw"
    ? rawHandler()
    : kind === "floor" || kind === "floor-server"
    ? floorHandler()
    : toFetchHandler(wsgiApp());
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen({ port }) {
      console.log(port);
    },
  }, handler);
  await server.finished;
}
if (seen < 0) console.log(seen);
