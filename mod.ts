// Copyright 2026 the wsgiref authors. MIT license.
/**
 * wsgiref for TypeScript: a port of Python's `wsgiref`, the WSGI (PEP 3333)
 * reference library, on web-standard streams.
 *
 * - `util`: URL reconstruction, `shiftPathInfo`, testing defaults,
 *   `FileWrapper`, `isHopByHop`.
 * - `headers`: `ResponseHeaders`, a list of response headers.
 * - `handlers`: `BaseHandler` (the engine), `SimpleHandler`, the CGI
 *   handlers, `readEnviron`, and the fetch gateway (`toFetchHandler`).
 * - `simple_server`: `makeServer`, `WSGIServer`, `WSGIRequestHandler`,
 *   `demoApp`, on `Deno.serve` (or `node:http`).
 * - `validate`: `validator`, which checks both sides of the protocol.
 * - `proxy`: `trustProxy`, for an app behind reverse proxies
 *   (`X-Forwarded-*`, `Forwarded`).
 * - `types`: the protocol's types.
 * - `dispatch`: `dispatch`, which mounts apps under path prefixes.
 * - `fastcgi`: `serveFastCGI`, a FastCGI responder behind nginx or lighttpd.
 *
 * @example Usage
 * ```ts
 * import { ResponseHeaders, requestUri, setupTestingDefaults } from "@wsgi/wsgiref";
 * import assert from "node:assert/strict";
 *
 * const environ = setupTestingDefaults({ PATH_INFO: "/hello world" });
 * assert.equal(requestUri(environ), "http://127.0.0.1/hello%20world");
 *
 * const headers = new ResponseHeaders();
 * headers.addHeader("Content-Disposition", "attachment", { filename: "a.txt" });
 * assert.equal(headers.toString(), 'Content-Disposition: attachment; filename="a.txt"\r\n\r\n');
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./util.ts";
export * from "./headers.ts";
export * from "./handlers.ts";
export * from "./simple_server.ts";
export * from "./validate.ts";
export * from "./proxy.ts";
export * from "./dispatch.ts";
export * from "./fastcgi.ts";
