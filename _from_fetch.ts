// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The reverse bridge: a fetch-style handler (`(request) => Response`) run
 * as a WSGI app, under any gateway (`FetchHandler`, the server, CGI).
 * Public through `handlers.ts`.
 *
 * @module
 */

import { REASONS } from "./_http.ts";
import { peek, type ReadResult } from "./_runtime.ts";
import type {
  FromFetchHandlerOptions,
  WSGIApplication,
  WSGIEnvironment,
} from "./types.ts";
import { isHopByHop, requestUri } from "./util.ts";

/**
 * Runs a fetch-style handler as a WSGI app (under `CGIHandler`, say): the
 * environ becomes a `Request`, the `Response` becomes the status, headers
 * (hop-by-hop ones dropped) and a streamed body. A body the fetch handler
 * made whole (a `new Response(text)`: its stream ends right after its first
 * chunk) goes back as a one-chunk array, so the gateway sends its
 * `Content-Length`; a streamed body passes each block on as it comes.
 *
 * The request has `Content-Type` and `Content-Length` only where the client
 * sent them (docs/api.md says how that is told under CGI). Its URL is
 * `requestUri(environ)`; with `stripScriptName`, without `SCRIPT_NAME`, so
 * the fetch handler's routes match `PATH_INFO` alone.
 *
 * @param fetch The fetch handler.
 * @param options `stripScriptName`.
 * @returns The WSGI application.
 *
 * @example Usage
 * ```ts
 * import { fromFetchHandler, toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const app = fromFetchHandler((request) =>
 *   new Response(`you asked for ${new URL(request.url).pathname}`)
 * );
 * const response = await toFetchHandler(app)(new Request("http://localhost/x"));
 * assert.equal(await response.text(), "you asked for /x");
 * ```
 */
export function fromFetchHandler(
  fetch: (request: Request) => Response | Promise<Response>,
  options: FromFetchHandlerOptions = {},
): WSGIApplication {
  const strip = options.stripScriptName === true;
  return async (environ, startResponse) => {
    const response = await fetch(requestFromEnviron(environ, strip));
    const headers: Array<[string, string]> = [];
    for (const [name, value] of response.headers) {
      if (name === "set-cookie" || isHopByHop(name)) continue;
      headers.push([name, value]);
    }
    for (const cookie of response.headers.getSetCookie()) {
      headers.push(["set-cookie", cookie]);
    }
    const reason = response.statusText || REASONS[response.status] ||
      "Unknown";
    startResponse(`${response.status} ${reason}`, headers);
    const body = response.body;
    if (body === null) return [];
    if (environ.REQUEST_METHOD === "HEAD") {
      // A HEAD response has no body, whatever the fetch handler made.
      await body.cancel();
      return [];
    }
    return await wholeOrStream(body);
  };
}

/** How many microtasks a closed stream's last read may take to settle. */
const SETTLE_TICKS = 16;

/**
 * The body as a one-chunk array when its stream ends right after its first
 * chunk within a few microtasks (a `new Response(text)`), so the engine sends
 * its `Content-Length`; else a stream of the same chunks, never delayed.
 */
async function wholeOrStream(
  body: ReadableStream<Uint8Array>,
): Promise<Array<Uint8Array> | ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  const first = await reader.read().catch((error) => {
    reader.releaseLock();
    throw error;
  });
  if (first.done) return [];
  let pending: Promise<ReadResult> | undefined = reader.read();
  const next = await peek(pending, SETTLE_TICKS);
  if (!(next instanceof Error) && next?.done) return [first.value];
  return new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(first.value),
    async pull(controller): Promise<void> {
      const result = await (pending ?? reader.read());
      pending = undefined;
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

function requestFromEnviron(
  environ: WSGIEnvironment,
  stripScriptName: boolean,
): Request {
  const headers = new Headers();
  for (const key in environ) {
    if (!key.startsWith("HTTP_")) continue;
    const value = environ[key as `HTTP_${string}`];
    if (typeof value === "string") {
      headers.append(key.slice(5).replaceAll("_", "-").toLowerCase(), value);
    }
  }
  const method = environ.REQUEST_METHOD;
  const type = environ.CONTENT_TYPE;
  const length = environ.CONTENT_LENGTH;
  const original = environ["wsgiref.request"]?.headers;
  let sentType: boolean;
  let sentLength: boolean;
  if (original !== undefined) {
    // The gateway's own request says what the client sent: the environ's
    // defaults (CONTENT_TYPE "text/plain", CONTENT_LENGTH "") are not sent.
    sentType = !!type && original.has("content-type");
    sentLength = !!length && original.has("content-length");
  } else {
    // lighttpd gives a bodyless GET CONTENT_LENGTH "0", Python's servers
    // give every request a CONTENT_TYPE: each counts only with a body.
    sentLength = !!length &&
      !(length === "0" && (method === "GET" || method === "HEAD"));
    sentType = !!type &&
      ((sentLength && length !== "0") || headers.has("transfer-encoding"));
  }
  if (sentType) headers.set("content-type", type!);
  if (sentLength) headers.set("content-length", length!);
  const hasBody = method !== "GET" && method !== "HEAD";
  const input = environ["wsgi.input"];
  const body = hasBody
    ? new ReadableStream<Uint8Array>({
      async pull(controller): Promise<void> {
        const chunk = await input.read(65536);
        if (chunk.length === 0) controller.close();
        else controller.enqueue(chunk);
      },
    })
    : null;
  const url = stripScriptName
    ? requestUri(Object.create(environ, { SCRIPT_NAME: { value: "" } }))
    : requestUri(environ);
  return new Request(url, {
    method,
    headers,
    body,
    // @ts-ignore: `duplex` is required by fetch for a streamed body.
    duplex: "half",
    signal: environ["wsgiref.signal"],
  });
}
