// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The server's runtime edge where there is no `Deno.serve`: `node:http` (with
 * a certificate, HTTP/2 or HTTP/1.1 by ALPN) behaving as `Deno.serve` does
 * (docs/development.md), with a lazy request in and light responses out.
 *
 * @module
 */

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { peek, pulledStream, type ReadResult } from "./_runtime.ts";
import {
  BAD_REQUEST_TEXT,
  ERROR_HEADERS as PAGE_HEADERS,
  ERROR_TEXT,
  HEADER_PAIRS,
  HOST_REGEXP,
  HTTP_VERSION,
  REQUEST_TARGET,
} from "./_http.ts";
import {
  lazyPrototype,
  RESPONSE_STATE,
  type ResponseState,
} from "./_runtime_response.ts";
import {
  createSecureServer,
  http2Parts,
  isHttp2,
} from "./_runtime_server_node_h2.ts";
import type { Socket } from "node:net";
import type {
  ListenOptions,
  NetAddr,
  RuntimeServer,
  ServeHandler,
  ServeInfo,
} from "./_runtime_server.ts";

/** What `Deno.serve` accepts in a request head. */
const MAX_HEADER_SIZE = 64 * 1024;
/** Microtask turns to wait for a body stream to end before sending headers. */
const PEEK_TURNS = 8;
/** The HTTP versions Deno serves on HTTP/1. */
const OK_VERSION = /^1\.[01]$/;
/** A request target byte that is not printable ASCII: Deno refuses it. */
const BAD_TARGET = /[^\x21-\x7e]/;
const INTERNAL_ERROR = new TextEncoder().encode(ERROR_TEXT);
const BAD_HOST = new TextEncoder().encode(BAD_REQUEST_TEXT);
const BAD_HOST_HEADERS = {
  "content-type": "text/plain;charset=UTF-8",
  "content-length": String(BAD_HOST.length),
  "connection": "close",
};
const REFUSED_HEADERS = { "content-length": "0", "connection": "close" };
/** Responses whose request awaits `100 Continue`. */
const EXPECTING = new WeakSet<ServerResponse>();
const ERROR_HEADERS = {
  ...Object.fromEntries(PAGE_HEADERS),
  "content-length": String(INTERNAL_ERROR.length),
};

/**
 * Listens on `options` with `node:http` (with a certificate, `node:http2`:
 * HTTP/2 or HTTP/1.1 over TLS, by ALPN) and answers each request with
 * `handler`; `node:http` is imported here, so that a bundle loads without it.
 */
export async function listen(
  options: ListenOptions,
  handler: ServeHandler,
): Promise<RuntimeServer> {
  const secure = options.cert !== undefined;
  const scheme = secure ? "https" : "http";
  let addr: NetAddr | undefined;
  let closing = false;
  let fallbackHost = "";

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const state = requestState(req, res, scheme, fallbackHost);
    if (!state) {
      if (state === null) res.writeHead(400, BAD_HOST_HEADERS).end(BAD_HOST);
      else res.writeHead(400, REFUSED_HEADERS).end();
      return;
    }
    const socket = req.socket;
    let response: Response | Promise<Response>;
    try {
      response = handler(lazyRequest(state), peerOf(socket));
    } catch (error) {
      // What Deno.serve's onError gives: the error itself stays server-side.
      return fail(res, error);
    }
    // A response made at once is written in this turn, as a raw answer is.
    if (response instanceof Promise) {
      response.then(
        (made) => answer(res, made, state.hasBody),
        (error) => fail(res, error),
      );
    } else {
      answer(res, response, state.hasBody);
    }
  };

  function answer(
    res: ServerResponse,
    response: Response,
    hasBody: boolean,
  ): void {
    // A body the app never read (a 413…) is not drained: the connection
    // closes after the answer, as on Deno.
    if (
      closing || (hasBody && !res.req.complete && !res.req.readableDidRead)
    ) {
      res.shouldKeepAlive = false;
    }
    try {
      sendResponse(res, response)?.catch((error) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  }

  // `requestState` refuses a missing Host with a text body (Node's has none).
  const nodeOptions = {
    maxHeaderSize: MAX_HEADER_SIZE,
    requireHostHeader: false,
  };
  const server: Server = secure
    ? await createSecureServer(options, MAX_HEADER_SIZE, onRequest)
    : (await import("node:http")).createServer(nodeOptions, onRequest);
  // Node then leaves `100 Continue` to us: sent when the app first reads
  // the body, so an app that answers without reading it spares the upload.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    EXPECTING.add(res);
    onRequest(req, res);
  });

  const ready = new Promise<NetAddr>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.hostname, port: options.port }, () => {
      server.off("error", reject);
      // A later error (EMFILE on accept…) must not end the process.
      server.on("error", () => {});
      const bound = server.address();
      const port = typeof bound === "object" && bound !== null
        ? bound.port
        : options.port;
      addr = { hostname: options.hostname, port };
      fallbackHost = hostForUrl(options.hostname, port);
      resolve(addr);
    });
  });
  // The error reaches whoever awaits `ready`; this copy is for shutdown().
  const listening = ready.then(() => true, () => false);

  let closed: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    return closed ??= (async () => {
      closing = true;
      if (!await listening) return;
      const done = new Promise<void>((resolve) =>
        server.close(() => resolve())
      );
      // Idle connections close now, those in flight once their response is
      // over (a response not yet started says `Connection: close`).
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 20);
      try {
        await done;
      } finally {
        clearInterval(sweep);
      }
    })();
  }

  return {
    get addr(): NetAddr | undefined {
      return addr;
    },
    ready,
    shutdown,
    abandon: () => server.closeAllConnections(),
  };
}

/** A connection's `ServeInfo`, kept on its socket: its peer does not change. */
const PEER = Symbol("wsgiref.peer");

/** The `ServeInfo` of a request on `socket` (one per connection). */
function peerOf(socket: Socket & { [PEER]?: ServeInfo }): ServeInfo {
  let info = socket[PEER];
  if (info === undefined) {
    info = {
      remoteAddr: {
        hostname: socket.remoteAddress ?? "",
        port: socket.remotePort ?? 0,
      },
    };
    // Known once connected; a socket that has none yet is asked again.
    if (socket.remoteAddress !== undefined) socket[PEER] = info;
  }
  return info;
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

// The request

/** What a lazy request holds until a real `Request` is needed. */
interface RequestState {
  /** The URL, once made (or given: an absolute-form target). */
  url?: string;
  /** Whether the scheme is `https`. */
  secure: boolean;
  /** The URL's `host:port` (the Host header's, else the server's). */
  authority: string;
  /** The origin-form target (path and query), or `undefined`. */
  target: string | undefined;
  method: string;
  /** The HTTP version, as Node gives it (`"1.1"`). */
  version: string;
  /** The headers as received: `[name, value, …]` (Node's `rawHeaders`). */
  raw: string[];
  /** The `Headers`, once asked for. */
  headers?: Headers;
  req: IncomingMessage;
  res: ServerResponse;
  hasBody: boolean;
  /** The body stream, once asked for (`null`: no body). */
  body?: ReadableStream<Uint8Array> | null;
  /** The real `Request`, once a member other than these was used. */
  real?: Request;
  /** Aborts `real.signal` when the exchange is over (as on Deno). */
  controller?: AbortController;
}

const REQUEST_STATE = Symbol("wsgiref.requestState");

function requestUrl(state: RequestState): string {
  return state.url ??= (state.secure ? "https://" : "http://") +
    state.authority + state.target;
}

function requestBody(state: RequestState): ReadableStream<Uint8Array> | null {
  if (state.body !== undefined) return state.body;
  const { method } = state;
  const hasBody = state.hasBody && method !== "GET" && method !== "HEAD";
  return state.body = hasBody ? bodyStream(state.req, state.res) : null;
}

function requestHeaders(state: RequestState): Headers {
  if (state.headers !== undefined) return state.headers;
  const headers = state.headers = new Headers();
  const raw = state.raw;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

function realRequest(state: RequestState): Request {
  if (state.real !== undefined) return state.real;
  const body = requestBody(state);
  const controller = state.controller = new AbortController();
  state.res.once("close", () => controller.abort());
  // A stream already being read cannot go into a Request (`body` still gives
  // it). `duplex` is required on Node, and unknown to Deno's types.
  return state.real = new Request(requestUrl(state), {
    method: state.method,
    headers: requestHeaders(state),
    body: body !== null && !body.locked ? body : null,
    duplex: "half",
    signal: controller.signal,
  } as RequestInit);
}

const LAZY_REQUEST: Request = lazyPrototype(
  Request,
  REQUEST_STATE,
  realRequest,
  {
    url: requestUrl,
    method: (state) => state.method,
    headers: requestHeaders,
    body: requestBody,
    // For the environ: the origin-form target (no URL made), and the headers
    // as received until `headers` was read (a caller may change the `Headers`).
    [REQUEST_TARGET]: (state) => state.secure ? undefined : state.target,
    [HTTP_VERSION]: (state) => state.version,
    [HEADER_PAIRS]: (state) =>
      state.headers === undefined ? state.raw : undefined,
  },
);

function lazyRequest(state: RequestState): Request {
  const request = Object.create(LAZY_REQUEST);
  request[REQUEST_STATE] = state;
  return request;
}

/**
 * The request's parts; `undefined` for a target or version Deno refuses,
 * `null` for a bad Host, two Host fields, or none in HTTP/1.1.
 */
function requestState(
  req: IncomingMessage,
  res: ServerResponse,
  scheme: string,
  fallbackHost: string,
): RequestState | null | undefined {
  const target = req.url ?? "";
  const h2 = http2Parts(req);
  // Deno refuses any version but 1.0 and 1.1 (Node takes `HTTP/2.0`…).
  if (
    BAD_TARGET.test(target) ||
    (h2 === undefined && !OK_VERSION.test(req.httpVersion))
  ) {
    return undefined;
  }
  const raw = h2?.raw ?? req.rawHeaders;
  let host = "";
  let hosts = 0;
  let hasBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (name.length === 4 && name.toLowerCase() === "host") {
      // RFC 9112 section 3.2: a second Host field is a 400.
      if (hosts++ !== 0) return null;
      host = value;
    } else if (
      (name.length === 14 && name.toLowerCase() === "content-length" &&
        value !== "0") ||
      (name.length === 17 && name.toLowerCase() === "transfer-encoding")
    ) {
      hasBody = true;
    }
  }
  if (h2 !== undefined) {
    host ||= h2.authority;
    hasBody ||= h2.hasBody;
  }
  // A Host that is not a host (a path, user info…) would change the URL.
  if (host !== "" && !HOST_REGEXP.test(host)) return null;
  // RFC 9112 section 3.2: an HTTP/1.1 request must have a Host field.
  if (hosts === 0 && req.httpVersionMinor === 1) return null;
  const authority = host || fallbackHost;
  let url: string | undefined;
  let path: string | undefined;
  if (target.charCodeAt(0) === 47 /* "/" */) {
    path = target; // the URL is made when first asked for
  } else if (/^https?:\/\//i.test(target) && URL.canParse(target)) {
    url = target; // absolute-form, as a proxy gets it
  } else if (target === "*") {
    url = `${scheme}://${authority}/`; // OPTIONS *
  } else {
    return undefined;
  }
  return {
    url,
    secure: scheme === "https",
    authority,
    target: path,
    method: req.method ?? "GET",
    version: req.httpVersion,
    raw,
    req,
    res,
    hasBody,
  };
}

/**
 * The request body as a pull-based stream: Node's stream is paused whenever
 * the web stream's queue is full, and resumed on the next pull.
 */
function bodyStream(
  req: IncomingMessage,
  res: ServerResponse,
): ReadableStream<Uint8Array> {
  // `Expect: 100-continue`: the go-ahead goes at the first read, as on Deno.
  let expecting = EXPECTING.has(res);
  return pulledStream(req, {
    pull(): void {
      if (expecting) {
        expecting = false;
        EXPECTING.delete(res);
        if (!res.headersSent) res.writeContinue();
      }
    },
    cancel(): void {
      // The app read all it wanted (or too much): discard the rest, and
      // close the connection after the response unless the body ended.
      req.resume();
      if (!req.complete && !res.headersSent) res.shouldKeepAlive = false;
    },
    // A hang-up before the end (Node 20: "aborted", then "close").
    closed: () => req.complete ? undefined : hangUp(),
  });
}

function hangUp(): Error {
  return Object.assign(new Error("the client hung up"), { code: "ECONNRESET" });
}

// The response

/** A header list for `writeHead`, and whether it has `Content-Length`. */
function responseHead(response: Response): {
  list: string[];
  hasLength: boolean;
} {
  const list: string[] = [];
  let hasLength = false;
  // 204 and 304 send none, 205 only 0 (added with the empty body)
  const dropLength = response.status === 204 || response.status === 205 ||
    response.status === 304;
  response.headers.forEach((value, name) => {
    if (name === "content-length") {
      if (dropLength) return;
      hasLength = true;
    }
    list.push(name, value);
  });
  return { list, hasLength };
}

/** Answers a failure: the error page if nothing was sent, else cuts off. */
function fail(res: ServerResponse, error: unknown): void {
  if (res.destroyed) return;
  if (!res.headersSent) {
    res.writeHead(500, ERROR_HEADERS).end(INTERNAL_ERROR);
  } else if (res.socket !== null && !isHttp2(res)) {
    // What was written goes out, then the close shows the body was cut off.
    res.socket.destroySoon();
  } else {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Writes `response`; a light one with its bytes at once, in this turn. */
function sendResponse(
  res: ServerResponse,
  response: Response,
): Promise<void> | undefined {
  const light = (response as { [RESPONSE_STATE]?: ResponseState })[
    RESPONSE_STATE
  ];
  if (light !== undefined && light.real === undefined) {
    const body = light.body;
    if (body === null || body instanceof Uint8Array) {
      res.writeHead(light.status, light.head).end(body ?? undefined);
      return;
    }
    res.writeHead(light.status, light.head);
    return pump(res, body.getReader(), undefined);
  }
  return sendWebResponse(res, response);
}

/** Writes a web `Response`: a body that ends at once goes out whole. */
async function sendWebResponse(
  res: ServerResponse,
  response: Response,
): Promise<void> {
  const status = response.status;
  const { list, hasLength } = responseHead(response);
  const body = response.body;
  if (body === null) {
    if (!hasLength && status !== 204 && status !== 304) {
      list.push("content-length", "0");
    }
    res.writeHead(status, list).end();
    return;
  }
  // A body that ends without waiting (a byte body) goes out whole, with
  // Content-Length; one that waits gets its headers at once, and streams.
  const reader = body.getReader();
  const first = await peek(reader.read(), PEEK_TURNS);
  if (first instanceof Error) return fail(res, first);
  if (first === undefined) {
    res.writeHead(status, list);
    res.flushHeaders();
    return await pump(res, reader, undefined);
  }
  if (first.done) {
    if (!hasLength) list.push("content-length", "0");
    res.writeHead(status, list).end();
    return;
  }
  const pending = reader.read();
  const second = await peek(pending, PEEK_TURNS);
  if (second instanceof Error) return fail(res, second);
  if (second?.done) {
    if (!hasLength) list.push("content-length", String(first.value.length));
    res.writeHead(status, list).end(first.value);
    return;
  }
  res.writeHead(status, list);
  res.write(first.value);
  return await pump(res, reader, second ?? pending);
}

/**
 * Pulls `reader` into `res`, waiting for `drain` when Node's buffer is full;
 * a hang-up cancels the stream, an error of the stream cuts the message off.
 */
async function pump(
  res: ServerResponse,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  next: ReadResult | Promise<ReadResult> | undefined,
): Promise<void> {
  let gone = false;
  let wake: (() => void) | undefined;
  const onClose = (): void => {
    if (!res.writableFinished) {
      gone = true;
      reader.cancel(hangUp()).catch(() => {});
    }
    wake?.();
  };
  if (res.destroyed) {
    // Gone before the body started.
    await reader.cancel(hangUp()).catch(() => {});
    return;
  }
  res.once("close", onClose);
  const drained = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        res.off("drain", done);
        wake = undefined;
        resolve();
      };
      wake = done;
      res.on("drain", done);
    });
  try {
    for (;;) {
      if (res.writableNeedDrain) await drained();
      if (gone) return;
      const result = await (next ?? reader.read());
      next = undefined;
      if (result.done) break;
      if (gone || res.destroyed) return;
      res.write(result.value);
    }
  } catch (error) {
    if (!gone) fail(res, error);
    return;
  } finally {
    res.off("close", onClose);
  }
  res.end();
}
