// Copyright 2026 the wsgiref authors. MIT license.
/**
 * One server of the streaming benchmark (`bench/stream.mjs`), on Deno or on
 * Node: `deno run -A bench/stream_server.mjs KIND CASE` or
 * `node bench/stream_server.mjs KIND CASE`. KIND is `raw` (plain
 * `Deno.serve`, or plain `node:http`), `fetch` (Deno only: `toFetchHandler`
 * under `Deno.serve`) or `server` (`makeServer`, quiet; on Node the npm
 * build's, `npm/`). CASE is `stream` (`GET /N` answers N MiB in 64 KiB chunks: a
 * pulled `ReadableStream`, `res.write` with `drain`, or a WSGI generator) or
 * `upload` (reads the request body to its end: `request.body`, `req`'s
 * `data` events, or `wsgi.input.read(65536)` until empty; answers with the
 * byte count). Prints the port it listens on.
 *
 * @module
 */

import process from "node:process";

const [kind, name] = process.argv.slice(2);
const DENO = "Deno" in globalThis;
const BLOCK = new Uint8Array(64 * 1024).fill(120);
const TEXT = { "content-type": "text/plain" };

if (!["stream", "upload"].includes(name)) {
  throw new Error(`usage: stream_server.mjs raw|fetch|server stream|upload`);
}

/** The blocks a stream of `/N` (N MiB) sends. */
function blocks(path) {
  return (Number(path.slice(path.lastIndexOf("/") + 1)) * 1048576) /
    BLOCK.length;
}

/** The WSGI app: the same bytes, or the same reading, as the raw server. */
function wsgiApp() {
  const headers = [["Content-Type", "text/plain"]];
  if (name === "stream") {
    return function* (environ, startResponse) {
      startResponse("200 OK", headers);
      const count = blocks(environ.PATH_INFO);
      for (let i = 0; i < count; i++) yield BLOCK;
    };
  }
  return async (environ, startResponse) => {
    const input = environ["wsgi.input"];
    let received = 0;
    for (;;) {
      const chunk = await input.read(65536);
      if (chunk.length === 0) break;
      received += chunk.length;
    }
    startResponse("200 OK", headers);
    return [new TextEncoder().encode(String(received))];
  };
}

/** Raw `Deno.serve`'s handler. */
function denoHandler() {
  if (name === "stream") {
    return (request) => {
      const count = blocks(new URL(request.url).pathname);
      let sent = 0;
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (sent++ < count) controller.enqueue(BLOCK);
            else controller.close();
          },
        }, { highWaterMark: 0 }),
        { headers: TEXT },
      );
    };
  }
  return async (request) => {
    let received = 0;
    for await (const chunk of request.body ?? []) received += chunk.length;
    return new Response(String(received), { headers: TEXT });
  };
}

/** Raw `node:http`'s handler. */
function nodeHandler() {
  if (name === "stream") {
    return (req, res) => {
      const count = blocks(req.url);
      res.writeHead(200, TEXT);
      let sent = 0;
      const pump = () => {
        while (sent < count) {
          sent++;
          if (!res.write(BLOCK)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    };
  }
  return (req, res) => {
    let received = 0;
    req.on("data", (chunk) => received += chunk.length);
    req.once("end", () => res.writeHead(200, TEXT).end(String(received)));
  };
}

if (kind === "server") {
  const { makeServer } = await import(
    DENO ? "../simple_server.ts" : "../npm/esm/simple_server.js"
  );
  const httpd = makeServer("127.0.0.1", 0, wsgiApp(), { quiet: true });
  await httpd.ready();
  console.log(httpd.serverPort);
  httpd.serveForever();
} else if (DENO) {
  const handler = kind === "raw"
    ? denoHandler()
    : (await import("../handlers.ts")).toFetchHandler(wsgiApp());
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(port),
  }, handler);
} else if (kind === "raw") {
  const { createServer } = await import("node:http");
  const server = createServer(nodeHandler());
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
} else {
  throw new Error(`unknown kind ${kind} on Node`);
}
