// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The runtime edge of the server on Node (and any runtime with `node:http`
 * but no `Deno.serve`): a small bridge from `node:http` to a fetch handler,
 * loaded by `_runtime_server.ts` only when not on Deno.
 *
 * What it keeps of `Deno.serve`'s behaviour, so the server acts the same:
 * - The request body is a pull-based `ReadableStream`: the socket is read
 *   only as the app reads `wsgi.input` (Node's own 16 KiB buffer aside).
 * - The response body is pulled one chunk at a time, and the next pull
 *   waits for `drain`: a client that does not read stops the app.
 * - A client that hangs up cancels the response stream (so the app's
 *   `close()` runs, once); a body stream that errors aborts the message
 *   (the client sees it cut off).
 * - A body known whole (it ends without waiting) goes out with
 *   `Content-Length`, HEAD included; anything else is chunked (HTTP/1.1) or
 *   close-delimited (HTTP/1.0).
 * - The canonical reason phrase; no `Content-Length` on 204 and 304; a
 *   request target with raw bytes outside printable ASCII gets an empty 400
 *   before any handler runs; request heads up to 64 KiB.
 * - `shutdown()` stops accepting, closes idle keep-alive connections, lets
 *   responses in flight finish (then closes their connections), and
 *   settles once every connection is closed.
 *
 * @module
 */

import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type {
  ListenOptions,
  NetAddr,
  RuntimeServer,
  ServeHandler,
} from "./_runtime_server.ts";

/** What `Deno.serve` accepts in a request head. */
const MAX_HEADER_SIZE = 64 * 1024;
/** Microtask turns to wait for a body stream to end before sending headers. */
const PEEK_TURNS = 8;
/** A request target byte that is not printable ASCII: Deno refuses it. */
const BAD_TARGET = /[^\x21-\x7e]/;
const INTERNAL_ERROR = new TextEncoder().encode("Internal Server Error");

/**
 * Listens on `options` with `node:http` (`node:https` with a certificate)
 * and answers each request with `handler`.
 *
 * @param options Where to listen, and TLS.
 * @param handler The fetch handler.
 * @returns The server; `addr` is known once `ready` settles.
 */
export function listen(
  options: ListenOptions,
  handler: ServeHandler,
): RuntimeServer {
  const secure = options.cert !== undefined;
  const scheme = secure ? "https" : "http";
  let addr: NetAddr | undefined;
  let closing = false;
  let fallbackHost = "";

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void serveOne(req, res);
  };

  async function serveOne(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const request = toRequest(req, scheme, fallbackHost);
    if (request === undefined) {
      res.writeHead(400, { "content-length": "0" }).end();
      return;
    }
    const socket = req.socket;
    let response: Response;
    try {
      response = await handler(request, {
        remoteAddr: {
          hostname: socket.remoteAddress ?? "",
          port: socket.remotePort ?? 0,
        },
      });
    } catch {
      // What Deno.serve's onError gives: the error itself stays server-side.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, {
          "content-type": "text/plain;charset=UTF-8",
          "content-length": String(INTERNAL_ERROR.length),
        }).end(INTERNAL_ERROR);
      }
      return;
    }
    if (closing) res.shouldKeepAlive = false;
    await sendResponse(res, response);
  }

  const nodeOptions = { maxHeaderSize: MAX_HEADER_SIZE };
  const server: Server = secure
    ? createHttpsServer(
      { ...nodeOptions, cert: options.cert, key: options.key },
      onRequest,
    )
    : createHttpServer(nodeOptions, onRequest);

  const ready = new Promise<NetAddr>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen({ host: options.hostname, port: options.port }, () => {
      server.off("error", onError);
      const bound = server.address();
      const port = typeof bound === "object" && bound !== null
        ? bound.port
        : options.port;
      addr = { hostname: options.hostname, port };
      fallbackHost = hostForUrl(options.hostname, port);
      resolve(addr);
    });
  });
  // A listen error reaches whoever awaits `ready`; this copy is only for
  // `shutdown()`.
  const listening = ready.then(() => true, () => false);

  let closed: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    return closed ??= (async () => {
      closing = true;
      if (!await listening) return;
      const done = new Promise<void>((resolve) =>
        server.close(() => resolve())
      );
      // Connections idle now close; those in flight close after their
      // response (`shouldKeepAlive` above, and `closeIdleConnections` as
      // each one finishes).
      server.closeIdleConnections();
      for (const res of inFlight) res.shouldKeepAlive = false;
      await done;
    })();
  }

  const inFlight = new Set<ServerResponse>();
  server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once("close", () => {
      inFlight.delete(res);
      // The connection turns idle just after: close it then.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    get addr(): NetAddr | undefined {
      return addr;
    },
    ready,
    shutdown,
  };
}

/** `host:port` for a URL, with brackets for an IPv6 address. */
function hostForUrl(hostname: string, port: number): string {
  const host = hostname === "0.0.0.0" || hostname === ""
    ? "localhost"
    : hostname === "::"
    ? "[::1]"
    : hostname.includes(":")
    ? `[${hostname}]`
    : hostname;
  return `${host}:${port}`;
}

/** The web `Request` for a Node request, or `undefined` for a bad target. */
function toRequest(
  req: IncomingMessage,
  scheme: string,
  fallbackHost: string,
): Request | undefined {
  const target = req.url ?? "";
  if (BAD_TARGET.test(target)) return undefined;
  const raw = req.rawHeaders;
  const headers = new Headers();
  let host = "";
  let hasBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    headers.append(name, value);
    if (name.length === 4 && host === "" && name.toLowerCase() === "host") {
      host = value;
    } else if (
      (name.length === 14 && name.toLowerCase() === "content-length" &&
        value !== "0") ||
      (name.length === 17 && name.toLowerCase() === "transfer-encoding")
    ) {
      hasBody = true;
    }
  }
  const method = req.method ?? "GET";
  let url: string;
  if (target.charCodeAt(0) === 47 /* "/" */) {
    url = `${scheme}://${host || fallbackHost}${target}`;
  } else if (/^https?:\/\//i.test(target)) {
    url = target; // absolute-form, as a proxy gets it
  } else {
    url = `${scheme}://${host || fallbackHost}/`; // "*" (OPTIONS)
  }
  const body = hasBody && method !== "GET" && method !== "HEAD"
    ? bodyStream(req)
    : null;
  try {
    // `duplex` is required with a stream body on Node, unknown to Deno's types.
    return new Request(url, {
      method,
      headers,
      body,
      duplex: "half",
    } as RequestInit);
  } catch {
    return undefined; // an unparsable URL or Host
  }
}

/**
 * The request body as a pull-based stream: Node's stream is paused whenever
 * the web stream's queue is full, and resumed on the next pull.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller): void {
      req.pause();
      req.on("data", (chunk: Uint8Array) => {
        if (cancelled) return;
        controller.enqueue(
          new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        );
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => {
        if (!cancelled) controller.close();
      });
      req.once("error", (error) => {
        if (!cancelled) controller.error(error);
      });
      // A hang-up before the end: Node 20 emits "aborted", then "close".
      req.once("close", () => {
        if (!cancelled && !req.complete) {
          cancelled = true;
          controller.error(
            Object.assign(new Error("the client hung up"), {
              code: "ECONNRESET",
            }),
          );
        }
      });
    },
    pull(): void {
      req.resume();
    },
    cancel(): void {
      // The app read all it wanted (or too much): discard the rest, and
      // close the connection after the response unless the body ended.
      cancelled = true;
      req.resume();
      if (!req.complete) {
        const res = (req as { res?: ServerResponse }).res;
        if (res && !res.headersSent) res.shouldKeepAlive = false;
      }
    },
  });
}

type ReadResult = Awaited<
  ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>
>;

/**
 * How `promise` settled if it did within a few microtask turns (a body
 * known whole ends that fast), else `undefined`.
 */
async function peek(
  promise: Promise<ReadResult>,
): Promise<ReadResult | Error | undefined> {
  let outcome: ReadResult | Error | undefined;
  promise.then(
    (result) => outcome = result,
    (error) =>
      outcome = error instanceof Error ? error : new Error(String(error)),
  );
  for (let i = 0; i < PEEK_TURNS && outcome === undefined; i++) await null;
  return outcome;
}

/** The response's headers as Node's flat `[name, value, …]` list. */
function flatHeaders(
  response: Response,
  status: number,
): { list: string[]; hasLength: boolean } {
  const list: string[] = [];
  let hasLength = false;
  const noLength = status === 204 || status === 304;
  response.headers.forEach((value, name) => {
    if (name === "content-length") {
      if (noLength) return;
      hasLength = true;
    }
    list.push(name, value);
  });
  return { list, hasLength };
}

/** Writes `response` to `res`: status, headers, then the body, pulled. */
async function sendResponse(
  res: ServerResponse,
  response: Response,
): Promise<void> {
  const status = response.status;
  const { list, hasLength } = flatHeaders(response, status);
  const body = response.body;
  if (body === null) {
    if (!hasLength && status !== 204 && status !== 304) {
      list.push("content-length", "0");
    }
    res.writeHead(status, list).end();
    return;
  }
  const reader = body.getReader();
  let gone = false;
  let wake: (() => void) | undefined;
  res.once("close", () => {
    if (!res.writableFinished) {
      gone = true;
      reader.cancel(
        Object.assign(new Error("the client hung up"), { code: "ECONNRESET" }),
      ).catch(() => {});
    }
    wake?.();
  });
  const fail = (error: unknown): void => {
    // The body failed: abort the message, so the client sees it cut off.
    if (!res.headersSent) {
      res.writeHead(500, {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": String(INTERNAL_ERROR.length),
      }).end(INTERNAL_ERROR);
    } else {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };

  // A body that ends without waiting (a byte body) goes out whole, with
  // Content-Length; one that waits gets its headers at once, and streams.
  let pending = reader.read();
  let first = await peek(pending);
  if (first instanceof Error) return fail(first);
  if (first === undefined) {
    res.writeHead(status, list);
    res.flushHeaders();
  } else if (first.done) {
    if (!hasLength) list.push("content-length", "0");
    res.writeHead(status, list).end();
    return;
  } else {
    pending = reader.read();
    const second = await peek(pending);
    if (second instanceof Error) return fail(second);
    if (second?.done) {
      if (!hasLength) list.push("content-length", String(first.value.length));
      res.writeHead(status, list).end(first.value);
      return;
    }
    res.writeHead(status, list);
    if (!res.write(first.value)) await drained();
    first = second;
  }

  function drained(): Promise<void> {
    if (gone) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        res.off("drain", done);
        wake = undefined;
        resolve();
      };
      wake = done;
      res.on("drain", done);
    });
  }

  try {
    let result = first ?? await pending;
    for (;;) {
      if (gone) return;
      if (result.done) break;
      if (!res.write(result.value)) await drained();
      if (gone) return;
      result = await reader.read();
    }
  } catch (error) {
    if (!gone) fail(error);
    return;
  }
  res.end();
}
