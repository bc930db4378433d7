// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The fetch gateway: a WSGI app for a web `Request`, answered with a web
 * `Response`. `FetchHandler` is a `BaseHandler` (the one engine): its
 * `_write` feeds a pull-based response body, so each block reaches the
 * client as soon as it is yielded, a slow client slows the app, and a client
 * that hangs up cancels the stream and ends the app. Public through
 * `handlers.ts`.
 *
 * @module
 */

import { attempt, BaseHandler, RESOLVED } from "./_base_handler.ts";
import { addRequestVars, type ConnectionInfo, mountAt } from "./_environ.ts";
import {
  AssertionError,
  ClientDisconnectedError,
  isClientDisconnect,
  RequestBodyTooLargeError,
} from "./_errors.ts";
import { STDERR } from "./_error_stream.ts";
import {
  contentLength,
  DIGITS_REGEXP,
  ERROR_HEADERS,
  headersRecord,
  isLengthName,
  isNullBody,
  notFound,
} from "./_http.ts";
import { isBodyError, WSGIInput } from "./_input.ts";
import type {
  ErrorStream,
  FetchHandlerOptions,
  InputStream,
  ResponseBody,
  WSGIApplication,
} from "./types.ts";

const EMPTY: Uint8Array<ArrayBuffer> = new Uint8Array(0);
const TOO_LARGE_BODY = new TextEncoder().encode("Request body too large");
const BAD_BODY = new TextEncoder().encode("Bad Request: malformed body");

function statusCode(status: string): number {
  return (status.charCodeAt(0) - 48) * 100 + (status.charCodeAt(1) - 48) * 10 +
    (status.charCodeAt(2) - 48);
}

/**
 * The client's address from a runtime's second argument: `info.remoteAddr`
 * of `Deno.serve` (or anything shaped like it), or Bun's
 * `server.requestIP(request)`.
 */
function remoteAddrOf(
  info: unknown,
  request: Request,
): { hostname: string; port: number } | undefined {
  const bun = info as {
    requestIP?: (request: Request) => { address?: unknown; port?: unknown };
  };
  if (typeof bun?.requestIP === "function") {
    const ip = bun.requestIP(request);
    return typeof ip?.address === "string" && typeof ip.port === "number"
      ? { hostname: ip.address, port: ip.port }
      : undefined;
  }
  const addr = (info as { remoteAddr?: { hostname?: unknown; port?: unknown } })
    ?.remoteAddr;
  if (
    addr != null && typeof addr.hostname === "string" &&
    typeof addr.port === "number"
  ) {
    return addr as { hostname: string; port: number };
  }
  return undefined;
}

function checkMaxSize(value: unknown): number {
  if (value === undefined) return Infinity;
  if (
    typeof value !== "number" ||
    !(value === Infinity || (Number.isInteger(value) && value >= 0))
  ) {
    throw new RangeError(
      `maxRequestBodySize must be a non-negative integer, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The mount prefix of `options`: `scriptName`, else `baseEnviron`'s
 * `SCRIPT_NAME`; `""` for none.
 *
 * @param options The options.
 * @returns The prefix.
 * @throws {TypeError} If it is not a string.
 * @throws {RangeError} If it does not start with `/`, or ends with `/`.
 */
export function mountPrefix(
  options: { scriptName?: unknown; baseEnviron?: Record<string, unknown> },
): string {
  const own = options.scriptName !== undefined;
  const value = own ? options.scriptName : options.baseEnviron?.SCRIPT_NAME;
  if (value === undefined || value === "") return "";
  const name = own ? "scriptName" : "baseEnviron.SCRIPT_NAME";
  if (typeof value !== "string") {
    throw new TypeError(`${name} must be a string, got ${typeof value}`);
  }
  if (!value.startsWith("/") || value.endsWith("/")) {
    throw new RangeError(
      `${name} must start with "/" and not end with "/" (as "/wsgi"), got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

/**
 * `app` mounted at `scriptName`: the prefix moves from `PATH_INFO` to
 * `SCRIPT_NAME`, and a request outside it gets `404` without `app`.
 */
export function mountApp(
  app: WSGIApplication,
  scriptName: string,
): WSGIApplication {
  return (environ, startResponse) =>
    mountAt(environ as Record<string, unknown>, scriptName)
      ? app(environ, startResponse)
      : notFound(environ, startResponse);
}

/** The environ's key for its handler, read by `wsgiref.signal`'s getter. */
const OWNER: unique symbol = Symbol("wsgiref.handler");

/**
 * Drops from `pairs`, in place, every `Content-Length` when the body is
 * bytes: the runtime sets the bytes' own length (and builds a response with
 * only `Content-Type` much faster). The bytes were cut at a declared length;
 * one longer than the bytes would leave the client waiting for more. To
 * `HEAD` (no body goes out) a declared length other than the bytes' stands.
 */
function dropLength(
  pairs: Array<[string, string]>,
  bodyLength: number,
  head: boolean,
): void {
  const length = head ? String(bodyLength) : undefined;
  let kept = 0;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    if (!isLengthName(pair[0]) || (head && pair[1] !== length)) {
      pairs[kept++] = pair;
    }
  }
  pairs.length = kept;
}

/** Whether a header name is `Server`, in any case. */
function isServerName(name: string): boolean {
  return name.length === 6 &&
    (name === "Server" || name.toLowerCase() === "server");
}

/** A write that waits for the response stream to pull it. */
interface PendingChunk {
  data: Uint8Array;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Runs a WSGI app for one web `Request` and answers with a web `Response`.
 *
 * `respond(app)` settles as soon as the headers would be sent (or with the
 * error page); `finished` settles after the body's `close()`, whatever
 * happened. The runtime sends the canonical reason phrase and `Date`; a
 * body known whole goes out with its `Content-Length` (docs/api.md).
 *
 * @example Usage
 * ```ts
 * import { FetchHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const handler = new FetchHandler(new Request("http://localhost/hello?x=1"));
 * const response = await handler.respond((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(`${environ.PATH_INFO}?${environ.QUERY_STRING}`)];
 * });
 * assert.equal(response.status, 200);
 * assert.equal(response.headers.get("content-type"), "text/plain");
 * assert.equal(await response.text(), "/hello?x=1");
 * await handler.finished;
 * ```
 */
export class FetchHandler extends BaseHandler {
  /** One process serves every request (`deno serve --parallel` aside). @default {false} */
  override wsgiMultiprocess: boolean = false;
  /** The request being answered. */
  readonly request: Request;

  #maxSize: number;
  #mount: string;
  #errors: ErrorStream;
  #baseEnviron: Record<string, unknown> | undefined;
  #info: ConnectionInfo;
  #input?: WSGIInput;
  #signal?: AbortController;
  /** Why the client went away, once it did. */
  #goneWith?: ClientDisconnectedError;

  /** The response once made, as a promise (made when first asked for). */
  #response?: Promise<Response>;
  /** The response once made, before `respond` returned. */
  #made?: Response;
  #resolveResponse?: (response: Response) => void;
  #finished?: Promise<void>;
  #resolveFinished?: () => void;
  #responded = false;
  #closed = false;

  /** The whole body, when it is known before the headers go out. */
  #whole?: Uint8Array;
  /** Bytes the app declared in `Content-Length`, if it did. */
  #declared = -1;
  #ending = false;
  #controller?: ReadableStreamDefaultController<Uint8Array>;
  #pending?: PendingChunk;
  #pull?: () => void;
  #gone = false;
  /** A response that carries no body (HEAD, 1xx, 204, 304): set with the headers. */
  #bodyless = false;

  /**
   * Makes a handler for `request`.
   *
   * @param request The request.
   * @param options `maxRequestBodySize`, `errors`, `baseEnviron`, `remoteAddr`,
   *   `scriptName` (the mount prefix: see `toFetchHandler`).
   * @param info What the runtime passes as its second argument: a
   *   `remoteAddr` with `hostname` and `port` (`Deno.serve`), or a
   *   `requestIP(request)` method (Bun's server), fills `REMOTE_ADDR` and
   *   `REMOTE_PORT`; anything else is ignored.
   * @throws {RangeError} If `maxRequestBodySize` is not a non-negative
   *   integer, or `scriptName` does not start with `/` or ends with `/`.
   * @throws {TypeError} If `scriptName` is not a string.
   */
  constructor(
    request: Request,
    options: FetchHandlerOptions = {},
    info?: unknown,
  ) {
    super();
    this.request = request;
    if (options.multiprocess !== undefined) {
      this.wsgiMultiprocess = options.multiprocess;
    }
    this.#maxSize = checkMaxSize(options.maxRequestBodySize);
    this.#mount = mountPrefix(options);
    this.#errors = options.errors ?? STDERR;
    this.#baseEnviron = options.baseEnviron;
    this.#info = {
      remoteAddr: remoteAddrOf(info, request) ?? options.remoteAddr,
      serverName: options.baseEnviron?.SERVER_NAME as string | undefined,
      serverPort: options.baseEnviron?.SERVER_PORT as string | undefined,
    };
  }

  /**
   * Runs `app` and settles with the `Response` as soon as the headers would
   * be sent; the body streams on from there.
   *
   * @param app The WSGI application.
   * @returns The response.
   */
  respond(app: WSGIApplication): Promise<Response> {
    const driven = this.#drive(app);
    if (this.#resolveFinished !== undefined) driven.then(this.#resolveFinished);
    else this.#finished = driven;
    return this.#response ??= this.#made !== undefined
      ? Promise.resolve(this.#made)
      : new Promise((resolve) => this.#resolveResponse = resolve);
  }

  /**
   * The response, once made: as soon as the app answered when it answered
   * at once, before `respond()` settles (a server hands it on in the same
   * turn).
   */
  get response(): Response | undefined {
    return this.#made;
  }

  /** Settles after the body's `close()`, whatever happened. */
  get finished(): Promise<void> {
    return this.#finished ??= new Promise((resolve) =>
      this.#resolveFinished = resolve
    );
  }

  /**
   * Runs `app` to the end: `respond`, then `finished`.
   *
   * @param app The WSGI application.
   * @returns Resolves when the response is complete.
   */
  override async run(app: WSGIApplication): Promise<void> {
    await this.respond(app);
    await this.finished;
  }

  /** Runs the app; at once while it and its body are synchronous. */
  #drive(app: WSGIApplication): Promise<void> {
    // No limit, no lookup: a header read costs a runtime call on Deno.
    const length = this.#maxSize === Infinity ? undefined : contentLength({
      CONTENT_LENGTH: this.request.headers.get("content-length"),
    });
    if (length !== undefined && length > this.#maxSize) {
      this.#answer(
        this._makeResponse(TOO_LARGE_BODY, {
          status: 413,
          headers: { "content-type": "text/plain" },
        }),
      );
      return this.#end();
    }
    const ran = super.run(
      this.#mount === "" ? app : mountApp(app, this.#mount),
    );
    if (ran === RESOLVED) return this.#end();
    return ran.then(() => this.#end(), (error) => {
      // An error while handling an error: nothing more can be sent.
      this.#abortBody(error);
      return this.#end();
    });
  }

  /** The response is over: it has an answer, and `close()` ran. */
  #end(): Promise<void> {
    if (!this.#responded) {
      this.#answer(
        this._makeResponse(this.errorBody.slice(), {
          status: 500,
          headers: Object.fromEntries(ERROR_HEADERS),
        }),
      );
    }
    if (this.#closed) return RESOLVED;
    // Every path ends in close() (where a server logs), even one that
    // never reached it (a 413, an error after the headers, a hang-up).
    return attempt(() => this.close(), () => RESOLVED);
  }

  /**
   * Closes the body (once) and resets the handler; the response is over.
   *
   * @returns Resolves once the body's `close()` did.
   */
  override close(): Promise<void> {
    this.#closed = true;
    return super.close();
  }

  #answer(response: Response): void {
    this.#responded = true;
    this.#made = response;
    this.#resolveResponse?.(response);
  }

  /**
   * Adds the request's CGI variables (`addRequestVars`) and the gateway's
   * own keys: `wsgi.input_terminated`, `wsgiref.request`, `wsgiref.signal`.
   */
  override addCgiVars(): void {
    const environ = this.environ as unknown as Record<PropertyKey, unknown>;
    this.addRequestVars(environ as Record<string, unknown>);
    environ["wsgi.input_terminated"] = true;
    environ["wsgiref.request"] = this.request;
    // Made when first read (an AbortController is dear), by one shared
    // accessor that finds its handler through a symbol key.
    environ[OWNER] = this;
    Object.defineProperty(environ, "wsgiref.signal", FetchHandler.#SIGNAL);
  }

  /** `wsgiref.signal`: a getter shared by every environ, and a setter. */
  static #SIGNAL: PropertyDescriptor = {
    get(this: Record<PropertyKey, unknown>): AbortSignal | undefined {
      const owner = this[OWNER];
      return owner instanceof FetchHandler ? owner.#signalOf() : undefined;
    },
    set(this: Record<PropertyKey, unknown>, value: unknown): void {
      Object.defineProperty(this, "wsgiref.signal", {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
    enumerable: true,
    configurable: true,
  };

  #signalOf(): AbortSignal {
    if (this.#signal === undefined) {
      this.#signal = new AbortController();
      if (this.#goneWith !== undefined) this.#signal.abort(this.#goneWith);
    }
    return this.#signal.signal;
  }

  /**
   * Makes a `Response`: `new Response(body, init)` (with the headers as an
   * object when their names are unique, the runtime's fast path). A server
   * whose runtime writes a lighter object of its own overrides it (the Node
   * server does: there a web `Response` with a body costs more than a raw
   * answer).
   *
   * @param body The bytes, the body stream, or `null`.
   * @param init The status and the headers: the app's as `[name, value]`
   *   pairs, in order; the gateway's own 413 page's as an object.
   * @returns The response.
   */
  _makeResponse(
    body: Uint8Array | ReadableStream<Uint8Array> | null,
    init: {
      status: number;
      headers: Record<string, string> | Array<[string, string]>;
    },
  ): Response {
    const headers = init.headers;
    return new Response(
      body as ConstructorParameters<typeof Response>[0],
      {
        status: init.status,
        headers: Array.isArray(headers) ? headersRecord(headers) : headers,
      },
    );
  }

  /**
   * Adds the request's CGI variables to `environ`: `baseEnviron`, then the
   * request's method, path, query, headers… A server overrides it to build
   * them its own way.
   *
   * @param environ The environ being built.
   */
  addRequestVars(environ: Record<string, unknown>): void {
    if (this.#baseEnviron !== undefined) {
      Object.assign(environ, this.#baseEnviron);
    }
    addRequestVars(environ, this.request, this.#info);
  }

  /** `wsgi.input`: the request body, read lazily, never past `CONTENT_LENGTH`. */
  override getStdin(): InputStream {
    return this.#input ??= new WSGIInput(this.request.body, {
      limit: contentLength(this.environ as Record<string, unknown>),
      maxSize: this.#maxSize,
      declared: true,
    });
  }

  /** `wsgi.errors`: the `errors` option, else standard error. */
  override getStderr(): ErrorStream {
    return this.#errors;
  }

  /**
   * Sends a body whose length is known at once (an array of at most one
   * chunk, or a sync iterable that is done right after its first non-empty
   * chunk) as bytes with `Content-Length`; anything else streams.
   *
   * @param result The app's body.
   * @returns Resolves once every chunk was taken.
   */
  override _writeBody(result: ResponseBody): Promise<void> {
    // Once the app called write(), the headers are out and the body streams.
    if (Array.isArray(result) && result.length <= 1 && !this.headersSent) {
      const chunk = result.length === 0 ? EMPTY : result[0];
      if (!(chunk instanceof Uint8Array)) return this.write(chunk); // TypeError
      if (this.status === undefined) return RESOLVED; // finishContent says why
      this.#whole = chunk;
      this.bytesSent = chunk.length;
      return RESOLVED;
    }
    if (
      result != null && !Array.isArray(result) &&
      typeof (result as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !==
        "function" &&
      typeof (result as Iterable<Uint8Array>)[Symbol.iterator] === "function"
    ) {
      return this.#writeSyncBody(result as Iterable<Uint8Array>);
    }
    return super._writeBody(result);
  }

  /** A sync iterable: whole if done after its first non-empty chunk. */
  #writeSyncBody(result: Iterable<Uint8Array>): Promise<void> {
    const iterator = result[Symbol.iterator]();
    let first: IteratorResult<Uint8Array>;
    let second: IteratorResult<Uint8Array>;
    try {
      first = iterator.next();
      while (!first.done && first.value?.length === 0) first = iterator.next();
      if (first.done) return RESOLVED;
      second = iterator.next();
    } catch (error) {
      iterator.return?.();
      throw error;
    }
    if (
      second.done && first.value instanceof Uint8Array &&
      this.status !== undefined && !this.headersSent
    ) {
      this.#whole = first.value;
      this.bytesSent = first.value.length;
      return RESOLVED;
    }
    const taken = [first, second];
    const rest: Iterator<Uint8Array> = {
      next: () => taken.shift() ?? iterator.next(),
      return: (value) => iterator.return?.(value) ?? { done: true, value },
    };
    return super._writeBody({ [Symbol.iterator]: () => rest });
  }

  /**
   * Whether the app's declared `Content-Length` was reached: iteration
   * stops there, and the body is closed.
   *
   * @returns `true` once that many bytes were sent.
   */
  override _bodyComplete(): boolean {
    return this.#bodyless ||
      (this.#declared >= 0 && this.bytesSent >= this.#declared);
  }

  /**
   * Queues `data` for the response body (nothing, once the response is
   * known to have none: `HEAD`, 204, 304).
   *
   * @param data The bytes.
   * @returns Resolves when the stream pulled them.
   */
  override write(data: Uint8Array): Promise<void> {
    // Nothing of a bodyless response's body is sent, or counted.
    if (this.#bodyless && data instanceof Uint8Array) return RESOLVED;
    return super.write(data);
  }

  /**
   * Adds `Content-Length` for a body known whole, and reads the app's own.
   */
  override setContentLength(): void {
    if (this.#whole !== undefined) {
      this.headers!.set("Content-Length", String(this.#whole.length));
    }
  }

  /** Makes the `Response` (status, headers, and the body or its stream). */
  override sendHeaders(): Promise<void> {
    this.cleanupHeaders();
    const headers = this.headers!;
    const pairs = headers.items();
    // One look: the app's declared length (the first), any length at all,
    // and a Server of the app's.
    let lengths = 0;
    let server = false;
    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i][0];
      if (isLengthName(name)) {
        if (lengths++ === 0) {
          const value = pairs[i][1];
          if (DIGITS_REGEXP.test(value)) this.#declared = Number(value);
        }
      } else if (isServerName(name)) server = true;
    }
    if (this.serverSoftware && !server) {
      headers.set("Server", this.serverSoftware);
      pairs.push(["Server", this.serverSoftware]);
    }
    const code = statusCode(this.status!);
    const head = this.environ!.REQUEST_METHOD === "HEAD";
    let body: Uint8Array | ReadableStream<Uint8Array> | null;
    if (isNullBody(code)) {
      // A null-body status: `Response` refuses a body, so what the app
      // sends is dropped (`_write` skips it once `#whole` is set).
      body = null;
      this.#whole ??= EMPTY;
    } else if (this.#whole !== undefined) {
      const whole = this.#whole, declared = this.#declared;
      // Cut at the app's declared Content-Length.
      body = declared >= 0 && whole.length > declared
        ? whole.subarray(0, declared)
        : whole;
      this.bytesSent = body.length;
    } else if (this.#ending) {
      body = null;
    } else {
      body = this.#makeStream();
    }
    // 204 and 205 carry no content, so no length of any (RFC 9110 8.6,
    // 15.3.6); a 304's may be the selected representation's.
    if (lengths > 0) {
      if (body instanceof Uint8Array) dropLength(pairs, body.length, head);
      else if (code === 204 || code === 205) dropLength(pairs, 0, false);
    }
    const response = this._makeResponse(body, {
      status: code,
      headers: pairs,
    });
    if (body === null || head) {
      // The runtime sends no body: the app's iteration stops here.
      this.#bodyless = true;
      this.bytesSent = 0;
    }
    this.headersSent = true;
    this.#answer(response);
    return RESOLVED;
  }

  #makeStream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => {
        const pending = this.#pending;
        if (pending !== undefined) {
          this.#pending = undefined;
          controller.enqueue(pending.data);
          pending.resolve();
          return;
        }
        return new Promise<void>((resolve) => this.#pull = resolve);
      },
      cancel: (reason) => this.#hangUp(reason),
    }, { highWaterMark: 0 });
  }

  /**
   * Cancels the response, as a forced shutdown does: `wsgiref.signal`
   * aborts, the body stream errors (the client sees it cut off), and the
   * app's next write rejects with `ClientDisconnectedError`, so its body is
   * closed.
   *
   * @param reason Why.
   */
  abort(
    reason: unknown = new ClientDisconnectedError(
      "the server is shutting down",
    ),
  ): void {
    if (this.#gone) return;
    const controller = this.#controller;
    this.#hangUp(reason);
    try {
      controller?.error(reason);
    } catch {
      // already closed
    }
  }

  #hangUp(reason: unknown): void {
    this.#gone = true;
    this.#controller = undefined;
    const error = new ClientDisconnectedError(undefined, { cause: reason });
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
    this.#pull?.();
    this.#pull = undefined;
    this.#goneWith = error;
    this.#signal?.abort(error);
  }

  /**
   * Hands `data` to the response stream; resolves when the stream pulled
   * it (at once, if a pull is waiting).
   *
   * @param data The bytes.
   * @returns Resolves once the client side took the bytes.
   */
  override _write(data: Uint8Array): Promise<void> {
    if (this.#gone) return Promise.reject(new ClientDisconnectedError());
    // `bytesSent` counts `data` already: cut it at a declared length.
    const over = this.#declared < 0 ? 0 : this.bytesSent - this.#declared;
    if (over > 0) {
      data = data.subarray(0, Math.max(0, data.length - over));
      this.bytesSent = this.#declared;
    }
    if (this.#whole !== undefined || data.length === 0) return RESOLVED;
    const pull = this.#pull;
    if (pull !== undefined) {
      this.#pull = undefined;
      this.#controller!.enqueue(data);
      pull();
      return RESOLVED;
    }
    return new Promise((resolve, reject) => {
      this.#pending = { data, resolve, reject };
    });
  }

  /** Nothing to flush: `_write` resolves when the stream pulled. */
  override _flush(): Promise<void> {
    return RESOLVED;
  }

  /** Sends the headers if unsent, then ends the body stream. */
  override finishContent(): Promise<void> {
    this.#ending = true;
    // A whole body goes out with the headers (and its own length).
    if (
      this.#whole !== undefined && this.headers !== undefined &&
      !this.headersSent
    ) {
      return this.sendHeaders();
    }
    const sent = super.finishContent();
    return sent === RESOLVED
      ? this.#endStream()
      : sent.then(() => this.#endStream());
  }

  /** Ends the body stream, if the body streams. */
  #endStream(): Promise<void> {
    const controller = this.#controller;
    if (controller === undefined) return RESOLVED;
    if (this.#declared > this.bytesSent && !this.#bodyless) {
      // Ended short of its Content-Length: handleError cuts the message
      // off, so the connection is not reused for a response out of step.
      throw new AssertionError(
        `the body ended after ${this.bytesSent} of the ${this.#declared} bytes its Content-Length declared`,
      );
    }
    if (!this.#gone) {
      this.#controller = undefined;
      controller.close();
    }
    return RESOLVED;
  }

  /**
   * Logs `error`; answers `413` for a request body over
   * `maxRequestBodySize`, `400` for a request body the runtime could not
   * read (a malformed chunked body, where the runtime reports it as a read
   * error), else the error page, if the headers are unsent; else aborts
   * the response body, so the client sees it was cut off.
   *
   * @param error The error that ended the response.
   */
  override async handleError(error: unknown): Promise<void> {
    if (!this.headersSent) {
      const tooLarge = error instanceof RequestBodyTooLargeError;
      // A hang-up is no bad request (and nobody reads the answer).
      if (
        tooLarge || (isBodyError(error) && !isClientDisconnect(error))
      ) {
        this.logException(error);
        const status = this.errorStatus;
        const body = this.errorBody;
        this.errorStatus = tooLarge
          ? "413 Content Too Large"
          : "400 Bad Request";
        this.errorBody = tooLarge ? TOO_LARGE_BODY : BAD_BODY;
        try {
          this.#whole = undefined;
          this.result = this.errorOutput(
            this.environ!,
            this.startResponse.bind(this),
          );
        } finally {
          this.errorStatus = status;
          this.errorBody = body;
        }
        return await this.finishResponse();
      }
      this.#whole = undefined;
      this.#ending = false;
      return await super.handleError(error);
    }
    this.logException(error);
    this.#abortBody(error);
  }

  #abortBody(error: unknown): void {
    const controller = this.#controller;
    this.#controller = undefined;
    if (controller !== undefined && !this.#gone) {
      controller.error(
        error instanceof Error ? error : new AssertionError(String(error)),
      );
    }
  }
}

/**
 * Wraps a WSGI app as a fetch handler: `(request, info?) => Response |
 * Promise<Response>` (the `Response` itself when the app answered at once),
 * for `Deno.serve`, `deno serve` (`export default { fetch }`), Bun, Workers
 * or Hono. `info.remoteAddr` (Deno's `hostname` and `port`), or Bun's
 * `server.requestIP(request)`, fills `REMOTE_ADDR` and `REMOTE_PORT`.
 *
 * Mounted under a prefix (`app.all("/wsgi/*", …)` in Hono), give it as
 * `scriptName`: `SCRIPT_NAME` is the prefix, `PATH_INFO` the rest, and a
 * request outside the prefix gets `404` without the app.
 *
 * It knows only the request: `HTTPS` follows `request.url`'s scheme, and
 * the `Host` field is the runtime's to check (docs/api.md says more).
 *
 * @param app The WSGI application.
 * @param options `maxRequestBodySize`, `errors`, `baseEnviron`, `remoteAddr`,
 *   `scriptName`.
 * @returns The fetch handler.
 * @throws {RangeError} If `maxRequestBodySize` is not a non-negative
 *   integer, or `scriptName` does not start with `/` or ends with `/`.
 * @throws {TypeError} If `scriptName` is not a string.
 *
 * @example Usage
 * ```ts
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const fetch = toFetchHandler((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(`Hello ${environ.REQUEST_METHOD}`)];
 * });
 * const response = await fetch(new Request("http://localhost/"));
 * assert.equal(await response.text(), "Hello GET");
 * // Deno.serve(fetch) serves it.
 * ```
 *
 * @example Mounted under a prefix
 * ```ts
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import { requestUri } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const fetch = toFetchHandler((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   const where = `${environ.SCRIPT_NAME} ${environ.PATH_INFO} ${requestUri(environ)}`;
 *   return [new TextEncoder().encode(where)];
 * }, { scriptName: "/wsgi" });
 * const response = await fetch(new Request("http://localhost/wsgi/a"));
 * assert.equal(await response.text(), "/wsgi /a http://localhost/wsgi/a");
 * assert.equal((await fetch(new Request("http://localhost/wsgix"))).status, 404);
 * ```
 */
export function toFetchHandler(
  app: WSGIApplication,
  options: FetchHandlerOptions = {},
): (request: Request, info?: unknown) => Response | Promise<Response> {
  checkMaxSize(options.maxRequestBodySize);
  mountPrefix(options);
  return (request, info) => {
    const handler = new FetchHandler(request, options, info);
    const response = handler.respond(app);
    return handler.response ?? response;
  };
}
