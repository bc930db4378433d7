// Copyright 2026 the wsgiref authors. MIT license.
/**
 * One Node benchmark server: `node bench/node_server.mjs KIND CASE`, where
 * KIND is `raw` (plain `node:http`), `edge` (the runtime edge alone: the
 * npm build's `node:http` bridge answering with `makeResponse`, no WSGI) or
 * `wsgi` (`makeServer` of the npm build, `npm/`), and CASE is `hello` (13
 * bytes), `64k` (one 64 KiB body) or `stream` (256 MiB in 64 KiB chunks).
 * Every kind sends the same bytes. Prints the port it listens on; SIGTERM
 * stops it.
 *
 * @module
 */

import { createServer } from "node:http";
import process from "node:process";

const [kind, name] = process.argv.slice(2);
const HELLO = new TextEncoder().encode("Hello, world!");
const BLOCK = new Uint8Array(64 * 1024).fill(120);
const STREAM_BLOCKS = (256 * 1024 * 1024) / BLOCK.length;

function rawHandler() {
  switch (name) {
    case "hello":
    case "64k": {
      const body = name === "hello" ? HELLO : BLOCK;
      const headers = {
        "content-type": "text/plain",
        "content-length": String(body.length),
      };
      return (_req, res) => res.writeHead(200, headers).end(body);
    }
    case "stream":
      return (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        let sent = 0;
        const pump = () => {
          while (sent < STREAM_BLOCKS) {
            sent++;
            if (!res.write(BLOCK)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
      };
  }
  throw new Error(`unknown case ${name}`);
}

function wsgiApp() {
  const headers = [["Content-Type", "text/plain"]];
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

function edgeHandler(makeResponse) {
  const headers = { "content-type": "text/plain" };
  switch (name) {
    case "hello":
    case "64k": {
      const body = name === "hello" ? HELLO : BLOCK;
      return () => makeResponse(body, { status: 200, headers });
    }
    case "stream":
      return () => {
        let sent = 0;
        return makeResponse(
          new ReadableStream({
            pull(controller) {
              if (sent++ < STREAM_BLOCKS) controller.enqueue(BLOCK);
              else controller.close();
            },
          }, { highWaterMark: 0 }),
          { status: 200, headers },
        );
      };
  }
  throw new Error(`unknown case ${name}`);
}

let stop;
if (kind === "edge") {
  const { listen, makeResponse } = await import(
    "../npm/esm/_runtime_server.js"
  );
  const server = listen(
    { hostname: "127.0.0.1", port: 0 },
    edgeHandler(makeResponse),
  );
  console.log((await server.ready).port);
  stop = () => server.shutdown();
} else if (kind === "raw") {
  const server = createServer(rawHandler());
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
  stop = () => server.close();
} else {
  const { makeServer } = await import("../npm/esm/simple_server.js");
  const httpd = makeServer("127.0.0.1", 0, wsgiApp(), { quiet: true });
  await httpd.ready();
  console.log(httpd.serverPort);
  httpd.serveForever();
  stop = () => httpd.serverClose();
}
process.once("SIGTERM", () => {
  stop();
  process.exit(0);
});
