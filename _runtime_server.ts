// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The runtime edge of the server: listens for HTTP on `Deno.serve`, or on
 * `node:http` elsewhere (`_runtime_server_node.ts`, imported only when not
 * on Deno, so Deno never loads `node:http`), and answers each request with
 * a fetch handler. Nothing else in the server touches `Deno.*` or `node:*`.
 *
 * @module
 */

import {
  BAD_REQUEST_TEXT,
  ERROR_HEADERS,
  ERROR_TEXT,
  headersRecord,
  HOST_REGEXP,
} from "./_http.ts";
import { lightResponse } from "./_runtime_response.ts";

/** An address a server listens on, or a client connects from. */
export interface NetAddr {
  /** The host name or IP address. */
  hostname: string;
  /** The port. */
  port: number;
}

/** What the runtime passes a fetch handler besides the request. */
export interface ServeInfo {
  remoteAddr: NetAddr;
}

/** How to listen. */
export interface ListenOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM certificate chain, for TLS. */
  cert?: string;
  /** PEM private key, for TLS. */
  key?: string;
}

/** A listening server. */
export interface RuntimeServer {
  /** The bound address, once known (at once on Deno). */
  readonly addr: NetAddr | undefined;
  /** Settles with the bound address once listening. */
  readonly ready: Promise<NetAddr>;
  /** Stops accepting, waits for responses in flight, then closes. */
  shutdown(): Promise<void>;
  /**
   * After `shutdown()` has waited long enough: closes the connections left
   * (a client that stopped reading), so none keeps the process alive.
   */
  abandon(): void;
}

/** The status and headers of a response, as `new Response` takes them. */
export interface ResponseParts {
  status: number;
  headers: Record<string, string> | Array<[string, string]>;
}

/** A fetch-style request handler. */
export type ServeHandler = (
  request: Request,
  info: ServeInfo,
) => Response | Promise<Response>;

interface DenoServe {
  serve(
    options: ListenOptions & {
      onListen?(addr: NetAddr): void;
      onError?(error: unknown): Response;
    },
    handler: ServeHandler,
  ): { addr: NetAddr; shutdown(): Promise<void>; unref(): void };
}

const deno = (globalThis as { Deno?: DenoServe }).Deno;

/**
 * Listens on `options` and answers requests with `handler`. On Deno the
 * port is bound before this returns; elsewhere `addr` is known once `ready`
 * settles, and `ready` rejects if the server cannot listen (or the runtime
 * has no `node:http`).
 */
export function listen(
  options: ListenOptions,
  handler: ServeHandler,
): RuntimeServer {
  if (!deno) return listenElsewhere(options, handler);
  const tls = options.cert !== undefined
    ? { cert: options.cert, key: options.key }
    : {};
  const server = deno.serve({
    hostname: options.hostname,
    port: options.port,
    ...tls,
    onListen() {},
    onError: () =>
      new Response(ERROR_TEXT, {
        status: 500,
        headers: Object.fromEntries(ERROR_HEADERS),
      }),
  }, (request, info) => {
    // Deno.serve lets a Host that is not a host through (RFC 9112 section
    // 3.2); a missing one is served (a web Request has no version).
    const host = request.headers.get("host");
    if (host !== null && host !== "" && !HOST_REGEXP.test(host)) {
      return new Response(BAD_REQUEST_TEXT, {
        status: 400,
        headers: { connection: "close" },
      });
    }
    return handler(request, info);
  });
  const addr = server.addr;
  return {
    addr,
    ready: Promise.resolve(addr),
    shutdown: () => server.shutdown(),
    // Deno cannot cut a connection waiting for its client: only unref.
    abandon: () => server.unref(),
  };
}

/**
 * The `Response` for `listen`'s server to send: a web one on Deno, a light
 * one elsewhere (`lightResponse`); either throws as `new Response` does.
 */
export function makeResponse(
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  init: ResponseParts,
): Response {
  if (!deno) return lightResponse(body, init);
  const headers = init.headers;
  return new Response(body as ConstructorParameters<typeof Response>[0], {
    status: init.status,
    headers: Array.isArray(headers) ? headersRecord(headers) : headers,
  });
}

/** `listen` on `node:http`, loaded on first use. */
function listenElsewhere(
  options: ListenOptions,
  handler: ServeHandler,
): RuntimeServer {
  const server = import("./_runtime_server_node.ts").then((node) =>
    node.listen(options, handler)
  );
  let addr: NetAddr | undefined;
  const ready = server.then((s) => s.ready).then((bound) => addr = bound);
  return {
    get addr(): NetAddr | undefined {
      return addr;
    },
    ready,
    async shutdown(): Promise<void> {
      const running = await server.catch(() => undefined); // never listened
      await running?.shutdown();
    },
    abandon(): void {
      server.then((running) => running.abandon(), () => {});
    },
  };
}
