// Copyright 2026 the wsgiref authors. MIT license.
/**
 * HTTP/2 for the Node edge (`_runtime_server_node.ts`): with a certificate
 * the server is `node:http2`'s, which negotiates `h2` by ALPN and serves
 * HTTP/1.1 clients too (`allowHTTP1`), as `Deno.serve` does.
 *
 * An HTTP/2 request comes as `node:http2`'s compatibility pair, which the
 * edge drives as it drives `node:http`'s `IncomingMessage` and
 * `ServerResponse`; what differs is settled here:
 * - the pseudo-headers (`:authority`, `:path`…) are not header fields, and
 *   `:authority` is the request's host;
 * - a request has a body unless its headers ended the stream, and is not
 *   `complete` if the stream was reset (reading it fails, as a hang-up);
 * - connection-specific response fields (`Connection`, `Keep-Alive`,
 *   `Transfer-Encoding`…) are illegal in HTTP/2: dropped;
 * - the response tells `writableNeedDrain` (its stream's), `destroyed` and
 *   `writableFinished` as a `ServerResponse` does, so a slow reader holds
 *   the app back and a reset stream is a hang-up;
 * - closing idle connections also sends each HTTP/2 session a GOAWAY (its
 *   streams in flight finish, then it closes), and closing all of them
 *   destroys the sessions.
 *
 * @module
 */

import type {
  IncomingMessage,
  Server as HttpServer,
  ServerResponse,
} from "node:http";
import type {
  Http2SecureServer,
  Http2ServerRequest,
  Http2ServerResponse,
  Http2Session,
  SecureServerOptions,
  ServerHttp2Stream,
} from "node:http2";

/** Fields RFC 9113 section 8.2.2 forbids: Node drops them with a warning. */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);

type Head = string[] | Record<string, string>;

/** `head` without the connection-specific fields (itself if it has none). */
function h2Head(head: Head | undefined): Head | undefined {
  if (Array.isArray(head)) {
    let kept: string[] | undefined;
    for (let i = 0; i < head.length; i += 2) {
      if (CONNECTION_SPECIFIC.has(head[i].toLowerCase())) {
        kept ??= head.slice(0, i);
      } else {
        kept?.push(head[i], head[i + 1]);
      }
    }
    return kept ?? head;
  }
  if (head === undefined) return head;
  const names = Object.keys(head);
  if (!names.some((name) => CONNECTION_SPECIFIC.has(name.toLowerCase()))) {
    return head;
  }
  const kept: Record<string, string> = {};
  for (const name of names) {
    if (!CONNECTION_SPECIFIC.has(name.toLowerCase())) kept[name] = head[name];
  }
  return kept;
}

/** `node:http2`'s compatibility classes, as the edge drives them. */
interface Http2Classes {
  http: typeof import("node:http");
  /** `node:http2`'s TLS server, made with these classes. */
  createServer(
    options: SecureServerOptions,
    onRequest: (req: Http2ServerRequest, res: Http2ServerResponse) => void,
  ): Http2SecureServer;
  Request: abstract new (...args: never[]) => Http2ServerRequest;
  Response: abstract new (...args: never[]) => Http2ServerResponse;
}

/** Set by `loadHttp2`: until a secure server is made, no request is HTTP/2. */
let loaded: Http2Classes | undefined;

/**
 * Imports `node:http` and `node:http2` on first use (a bundler keeps a
 * dynamic `node:` import dynamic, so a bundle loads where they are absent).
 */
async function loadHttp2(): Promise<Http2Classes> {
  if (loaded !== undefined) return loaded;
  const [http, http2] = await Promise.all([
    import("node:http"),
    import("node:http2"),
  ]);
  const { Http2ServerRequest, Http2ServerResponse } = http2;

  /** The compatibility response, with what the edge reads of a `ServerResponse`. */
  class H2Response extends Http2ServerResponse {
    #closed = false;

    constructor(stream: ServerHttp2Stream) {
      super(stream);
      this.once("close", () => this.#closed = true);
    }

    static {
      const writeHead = Http2ServerResponse.prototype.writeHead as (
        this: Http2ServerResponse,
        status: number,
        head?: Head,
      ) => Http2ServerResponse;
      Object.defineProperties(this.prototype, {
        writableNeedDrain: {
          get(this: H2Response): boolean {
            return this.stream.writableNeedDrain;
          },
        },
        // A reset stream is ended by Node, and may finish: only a response
        // the edge ended is whole, so a reset before is a hang-up.
        writableFinished: {
          get(this: H2Response): boolean {
            return this.writableEnded;
          },
        },
        // As a `ServerResponse`'s: true when `close` is emitted (the stream
        // is destroyed a turn before), so a reset is seen as a hang-up.
        destroyed: {
          get(this: H2Response): boolean {
            return this.#closed;
          },
        },
        writeHead: {
          value(this: H2Response, status: number, head?: Head): H2Response {
            writeHead.call(this, status, h2Head(head));
            return this;
          },
        },
      });
    }
  }

  /** The compatibility request, whose `complete` is an `IncomingMessage`'s. */
  class H2Request extends Http2ServerRequest {
    static {
      const complete = Object.getOwnPropertyDescriptor(
        Http2ServerRequest.prototype,
        "complete",
      )!.get!;
      Object.defineProperty(this.prototype, "complete", {
        // Node's is true once the stream closed, even when reset: the body
        // did not arrive whole then, and reading it must fail (a hang-up).
        get(this: H2Request): boolean {
          return !this.aborted && complete.call(this);
        },
      });
    }
  }

  return loaded ??= {
    http,
    createServer: (options, onRequest) =>
      http2.createSecureServer({
        ...options,
        Http2ServerRequest: H2Request,
        Http2ServerResponse: H2Response,
      }, onRequest) as unknown as Http2SecureServer,
    Request: H2Request,
    Response: H2Response,
  };
}

/** The parts of an HTTP/2 request that differ from an HTTP/1 one. */
export interface Http2Parts {
  /** The header fields as received (`[name, value, …]`), without pseudo-headers. */
  raw: string[];
  /** `:authority`, or `""`. */
  authority: string;
  /** Whether a body follows the headers. */
  hasBody: boolean;
}

/** The HTTP/2 parts of `req`, or `undefined` for an HTTP/1 request. */
export function http2Parts(req: IncomingMessage): Http2Parts | undefined {
  const h2 = req as unknown as Http2ServerRequest;
  if (loaded === undefined || !(h2 instanceof loaded.Request)) return undefined;
  const raw: string[] = [];
  const all = h2.rawHeaders;
  for (let i = 0; i < all.length; i += 2) {
    if (all[i].charCodeAt(0) !== 58 /* ":" */) raw.push(all[i], all[i + 1]);
  }
  return {
    raw,
    authority: h2.headers[":authority"] ?? "",
    hasBody: !h2.stream.endAfterHeaders,
  };
}

/** Whether `res` answers an HTTP/2 stream (cutting it off resets the stream). */
export function isHttp2(res: ServerResponse): boolean {
  return loaded !== undefined &&
    (res as unknown) instanceof loaded.Response;
}

/**
 * A TLS server that negotiates `h2` or `http/1.1` and answers both with
 * `onRequest`, driven by the edge as a `node:http` server (the members it
 * uses behave alike).
 *
 * @param tls The certificate chain and private key (PEM).
 * @param maxHeaderSize The largest HTTP/1 request head.
 * @param onRequest The request listener.
 * @returns The server, once `node:http2` is loaded.
 */
export async function createSecureServer(
  tls: { cert?: string; key?: string },
  maxHeaderSize: number,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpServer> {
  const { http, createServer } = await loadHttp2();
  const server = createServer(
    { cert: tls.cert, key: tls.key, allowHTTP1: true },
    onRequest as unknown as (
      req: Http2ServerRequest,
      res: Http2ServerResponse,
    ) => void,
  );
  const sessions = new Set<Http2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  // `node:http`'s HTTP/1 handling reads these from the server (not from
  // the options here); a missing Host is refused by the edge, with a body.
  Object.assign(server, { maxHeaderSize, requireHostHeader: false });
  const http1 = server as unknown as HttpServer;
  const closeIdle = http.Server.prototype.closeIdleConnections;
  const closeAll = http.Server.prototype.closeAllConnections;
  http1.closeIdleConnections = function (this: HttpServer): void {
    closeIdle.call(this);
    for (const session of sessions) session.close();
  };
  http1.closeAllConnections = function (this: HttpServer): void {
    closeAll.call(this);
    for (const session of sessions) session.destroy();
  };
  return http1;
}
