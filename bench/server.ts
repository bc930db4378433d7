// Copyright 2026 the wsgiref authors. MIT license.
/**
 * One benchmark server: `deno run -A bench/server.ts KIND CASE`, where KIND
 * is `raw` (plain `Deno.serve`) or `wsgi` (`toFetchHandler`), and CASE is
 * `hello` (13 bytes), `64k` (one 64 KiB body) or `stream` (256 MiB in 64 KiB
 * chunks). Both kinds send the same bytes. Prints the port it listens on.
 *
 * @module
 */

import { toFetchHandler } from "../handlers.ts";
import type { WSGIApplication } from "../types.ts";

const [kind, name] = Deno.args;
const HELLO = new TextEncoder().encode("Hello, world!");
const BLOCK = new Uint8Array(64 * 1024).fill(120);
const STREAM_BLOCKS = (256 * 1024 * 1024) / BLOCK.length;
const TEXT = { "content-type": "text/plain" };

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

const handler = kind === "raw" ? rawHandler() : toFetchHandler(wsgiApp());
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen({ port }) {
    console.log(port);
  },
}, handler);
await server.finished;
