// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A simple HTTP server for WSGI apps, as Python's `wsgiref.simple_server`,
 * on `Deno.serve`: {@linkcode makeServer}, {@linkcode WSGIServer},
 * {@linkcode WSGIRequestHandler} and {@linkcode demoApp}. Requests run
 * concurrently, bodies stream both ways with backpressure, and
 * `shutdown()` is graceful.
 *
 * Run it as a program to serve the demo app, or your own:
 *
 * ```sh
 * deno run -A simple_server.ts [--host H] [--port P] [--grace-period MS] [app.ts[:export]]
 * ```
 *
 * Its differences from Python's, by design (no reverse DNS lookup, a
 * WHATWG-normalised `PATH_INFO`, …), are listed in the README.
 *
 * @example Usage
 * ```ts
 * import { demoApp, makeServer } from "@wsgi/wsgiref/simple_server";
 * import assert from "node:assert/strict";
 *
 * await using httpd = makeServer("127.0.0.1", 0, demoApp, { quiet: true });
 * httpd.serveForever(); // settles at shutdown, when `httpd` is disposed
 * const response = await fetch(`http://127.0.0.1:${httpd.serverPort}/xyz?abc`);
 * const text = await response.text();
 * assert.ok(text.startsWith("Hello world!\n\n"));
 * assert.ok(text.includes("PATH_INFO = '/xyz'\n"));
 * ```
 *
 * @module
 */

import { RESOLVED } from "./_base_handler.ts";
import { logDateTimeString } from "./_dates.ts";
import { addRequestVars, requestProtocol } from "./_environ.ts";
import { STDERR } from "./_error_stream.ts";
import { escapeChar, hexEscape } from "./_quote.ts";
import { FetchHandler, mountApp, mountPrefix } from "./_fetch_handler.ts";
import { runtimeVersion } from "./_runtime.ts";
import {
  listen,
  makeResponse,
  type NetAddr,
  type ResponseParts,
  type RuntimeServer,
  type ServeInfo,
} from "./_runtime_server.ts";
import type {
  ErrorStream,
  FetchHandlerOptions,
  ResponseBody,
  StartResponse,
  WSGIApplication,
  WSGIEnvironment,
} from "./types.ts";

export type { NetAddr } from "./_runtime_server.ts";

/** The server's name and version, as Python's `server_version`. */
export const SERVER_VERSION = "WSGIServer/0.2";
/** The runtime's name and version, as Python's `sys_version`. */
export const SYS_VERSION: string = runtimeVersion();
/** `SERVER_SOFTWARE` and the `Server` header. */
export const SOFTWARE_VERSION: string = `${SERVER_VERSION} ${SYS_VERSION}`;

/** Escapes control characters and `\` as Python's `log_message` does. */
// deno-lint-ignore no-control-regex
const LOG_ESCAPED = /[\x00-\x1f\x7f-\x9f\\]/g;

function escapeControl(text: string): string {
  return text.replace(LOG_ESCAPED, (c) => c === "\\" ? "\\\\" : hexEscape(c));
}

/** Fills `%s` and `%d` of `format` with `args`, as Python's `%` operator. */
function formatMessage(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%[sd%]/g, (spec) => {
    if (spec === "%%") return "%";
    const value = args[i++];
    return spec === "%d" ? String(Math.trunc(Number(value))) : String(value);
  });
}

/**
 * Options of `makeServer` and `WSGIServer`; `maxRequestBodySize` and
 * `scriptName` (the mount prefix) as for `toFetchHandler`.
 */
export interface ServerOptions
  extends Pick<FetchHandlerOptions, "maxRequestBodySize" | "scriptName"> {
  /** The server class. @default {WSGIServer} */
  serverClass?: typeof WSGIServer;
  /** The request handler class. @default {WSGIRequestHandler} */
  handlerClass?: typeof WSGIRequestHandler;
  /** Aborting it shuts the server down (`shutdown()`). */
  signal?: AbortSignal;
  /** Called once the server listens, with its address. */
  onListen?(addr: NetAddr): void;
  /** PEM certificate chain: serve HTTPS (`wsgi.url_scheme` `https`, `HTTPS=on`). */
  cert?: string;
  /** PEM private key, with `cert`. */
  key?: string;
  /** How long `shutdown()` lets running requests finish, in ms. @default {10000} */
  gracePeriod?: number;
  /** Log no request lines (the base `logMessage` writes nothing). @default {false} */
  quiet?: boolean;
}

/** How long a forced close waits for the runtime after cancelling, in ms. */
const FORCED_CLOSE_WAIT = 1000;

/** The answer to a request the server will not serve (shutting down). */
function unavailable(): Response {
  return new Response("Service Unavailable", { status: 503 });
}

/** Whether `promise` settles within `ms`; the timer ends with the race. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

interface Queued {
  request: Request;
  info: ServeInfo;
  resolve(response: Response | Promise<Response>): void;
}

/**
 * An HTTP server for one WSGI app, on `Deno.serve`. It listens as soon as
 * it is made; `serveForever()` serves requests concurrently until
 * `shutdown()`, and `handleRequest()` serves exactly one. Requests that
 * arrive while neither runs wait, like a listen backlog.
 *
 * @example Usage
 * ```ts
 * import { WSGIServer } from "@wsgi/wsgiref/simple_server";
 * import assert from "node:assert/strict";
 *
 * await using server = new WSGIServer(["127.0.0.1", 0], undefined, { quiet: true });
 * server.setApp((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("one")];
 * });
 * const served = server.handleRequest();
 * const response = await fetch(`http://127.0.0.1:${server.serverPort}/`);
 * assert.equal(await response.text(), "one");
 * await served;
 * ```
 */
export class WSGIServer {
  /** The app, as Python's `application`. */
  application: WSGIApplication | undefined = undefined;
  /** `SERVER_NAME`: the host given (no reverse DNS lookup). */
  serverName: string;
  /** The bound port (valid after `ready()` on Node). */
  serverPort: number;
  /** The environ keys every request starts from. */
  baseEnviron: Record<string, unknown> = {};
  /** The request handler class. */
  readonly handlerClass: typeof WSGIRequestHandler;
  /** How long `shutdown()` lets running requests finish, in ms. */
  readonly gracePeriod: number;
  /** The largest request body accepted, in bytes. */
  readonly maxRequestBodySize: number;
  /** The mount prefix (`ServerOptions.scriptName`), `""` for none. */
  readonly scriptName: string;
  /** Whether request lines are logged. */
  readonly quiet: boolean;
  /** Whether the server speaks TLS. */
  readonly secure: boolean;

  #server: RuntimeServer;
  #serving = false;
  #backlog: Queued[] = [];
  #wake?: () => void;
  #active = new Set<WSGIRequestHandler>();
  /** Answers, with `503`, each request whose response is still unmade. */
  #unanswered = new Set<() => void>();
  #stopped: Promise<void>;
  #stop!: () => void;
  #shutdown?: Promise<void>;

  /**
   * Listens on `serverAddress` at once.
   *
   * @param serverAddress `[host, port]`; port 0 picks a free port.
   * @param handlerClass The request handler class.
   * @param options TLS, `signal`, `onListen`, `gracePeriod`, …
   * @throws {RangeError} For a bad port or `gracePeriod`, or a `scriptName`
   *   that does not start with `/` or ends with `/`.
   * @throws {TypeError} For a `scriptName` that is not a string.
   */
  constructor(
    serverAddress: readonly [string, number],
    handlerClass: typeof WSGIRequestHandler = WSGIRequestHandler,
    options: ServerOptions = {},
  ) {
    const [host, port] = serverAddress;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(
        `port must be an integer from 0 to 65535, got ${port}`,
      );
    }
    const grace = options.gracePeriod ?? 10_000;
    if (typeof grace !== "number" || !(grace >= 0)) {
      throw new RangeError(
        `gracePeriod must be a non-negative number of ms, got ${String(grace)}`,
      );
    }
    this.handlerClass = handlerClass;
    this.gracePeriod = grace;
    this.maxRequestBodySize = options.maxRequestBodySize ?? Infinity;
    this.scriptName = mountPrefix({ scriptName: options.scriptName });
    this.quiet = options.quiet ?? false;
    this.secure = options.cert !== undefined;
    this.serverName = host;
    this.#stopped = new Promise((resolve) => this.#stop = resolve);
    this.#server = listen({
      hostname: host === "" ? "0.0.0.0" : host,
      port,
      cert: options.cert,
      key: options.key,
    }, this.#dispatch);
    this.serverPort = this.#server.addr?.port ?? port;
    this.setupEnviron();
    const onListen = options.onListen;
    this.#server.ready.then((addr) => {
      this.serverPort = addr.port;
      this.baseEnviron.SERVER_PORT = String(addr.port);
      onListen?.(addr);
    }, () => {}); // a listen error reaches the caller through ready()
    if (options.signal?.aborted) void this.shutdown();
    options.signal?.addEventListener("abort", () => void this.shutdown(), {
      once: true,
    });
  }

  /** Settles once the port is known (already settled on Deno). */
  async ready(): Promise<WSGIServer> {
    await this.#server.ready;
    return this;
  }

  /** Makes `baseEnviron`, as Python's `setup_environ`. */
  setupEnviron(): void {
    const env: Record<string, unknown> = this.baseEnviron = {};
    env.SERVER_NAME = this.serverName;
    env.GATEWAY_INTERFACE = "CGI/1.1";
    env.SERVER_PORT = String(this.serverPort);
    env.REMOTE_HOST = "";
    env.CONTENT_LENGTH = "";
    env.SCRIPT_NAME = "";
  }

  /** The app. */
  getApp(): WSGIApplication | undefined {
    return this.application;
  }

  /**
   * Sets the app.
   *
   * @param application The WSGI application.
   */
  setApp(application: WSGIApplication): void {
    this.application = application;
  }

  #dispatch = (
    request: Request,
    info: ServeInfo,
  ): Response | Promise<Response> => {
    if (this.#serving) return this.#run(this.#handlerFor(request, info));
    return new Promise<Response>((resolve) => {
      this.#backlog.push({ request, info, resolve });
      this.#wake?.();
    });
  };

  /** A new handler for a request (a constructor that throws is logged). */
  #handlerFor(request: Request, info: ServeInfo): WSGIRequestHandler {
    try {
      return new this.handlerClass(request, info?.remoteAddr, this);
    } catch (error) {
      let stderr: ErrorStream = STDERR;
      try {
        stderr = this.handlerClass.prototype.getStderr();
      } catch {
        // A getStderr that needs an instance: standard error.
      }
      logHandlerError(stderr, info?.remoteAddr, error);
      throw error;
    }
  }

  /** Runs a request's handler: its response, at once if it was made at once. */
  #run(handler: WSGIRequestHandler): Response | Promise<Response> {
    let response: Promise<Response>;
    try {
      response = handler.handle();
    } catch (error) {
      logHandlerError(handler.getStderr(), handler.clientAddress, error);
      throw error;
    }
    // Active (a forced shutdown aborts it) until its response is over.
    const finished = handler.finished;
    if (finished !== RESOLVED) {
      const active = this.#active;
      active.add(handler);
      const release = () => active.delete(handler);
      finished.then(release, release);
    }
    const made = handler.handle === WSGIRequestHandler.prototype.handle
      ? handler.response
      : undefined;
    return made ?? this.#byDeadline(response);
  }

  /** `response`, or a `503` if still unmade when the grace period ends. */
  #byDeadline(response: Promise<Response>): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      const cut = (): void => resolve(unavailable());
      this.#unanswered.add(cut);
      response.then((made) => {
        this.#unanswered.delete(cut);
        resolve(made);
      }, (error) => {
        this.#unanswered.delete(cut);
        reject(error);
      });
    });
  }

  /** Serves a queued request; a handler that fails gets the runtime's 500. */
  #serveQueued(queued: Queued): WSGIRequestHandler | undefined {
    let handler: WSGIRequestHandler | undefined;
    try {
      handler = this.#handlerFor(queued.request, queued.info);
      queued.resolve(this.#run(handler));
    } catch (error) {
      queued.resolve(Promise.reject(error));
    }
    return handler;
  }

  /**
   * Serves requests, concurrently, until `shutdown()`.
   *
   * @returns Settles once the server was shut down.
   */
  async serveForever(): Promise<void> {
    if (this.#shutdown === undefined) {
      this.#serving = true;
      for (const queued of this.#backlog.splice(0)) this.#serveQueued(queued);
    }
    await this.#stopped;
  }

  /**
   * Serves exactly one request (waiting for one if none is queued), then
   * returns once its response is complete.
   *
   * @returns Settles after the request, or at shutdown.
   */
  async handleRequest(): Promise<void> {
    let queued = this.#backlog.shift();
    while (queued === undefined) {
      if (this.#shutdown !== undefined) return;
      await Promise.race([
        new Promise<void>((resolve) => this.#wake = resolve),
        this.#stopped,
      ]);
      this.#wake = undefined;
      queued = this.#backlog.shift();
    }
    await this.#serveQueued(queued)?.finished;
  }

  /**
   * Shuts down gracefully: stops accepting, lets running requests finish for
   * `gracePeriod`, then answers the unanswered (and queued) ones `503`, cuts
   * off the bodies being sent, and closes the connections left within one
   * more second (docs/api.md has the details).
   *
   * @returns Settles once the server is closed.
   */
  shutdown(): Promise<void> {
    return this.#shutdown ??= this.#shutDown(this.gracePeriod);
  }

  async #shutDown(grace: number): Promise<void> {
    this.#serving = false;
    for (const queued of this.#backlog.splice(0)) {
      queued.resolve(Promise.resolve(unavailable()));
    }
    const closed = this.#server.shutdown();
    try {
      if (!await within(closed, grace)) {
        const cut = [...this.#active];
        for (const handler of cut) handler.abort();
        for (const answer of this.#unanswered) answer();
        // Give each cut body's close() and the runtime a moment, no more.
        const finished = cut.map((handler) => handler.finished.catch(() => {}));
        await within(Promise.all([closed, ...finished]), FORCED_CLOSE_WAIT);
        this.#server.abandon();
      }
    } finally {
      this.#active.clear();
      this.#unanswered.clear();
      this.#stop();
    }
  }

  /**
   * Closes the server now: running requests are cancelled at once.
   *
   * @returns Settles once the server is closed.
   */
  serverClose(): Promise<void> {
    return this.#shutdown ??= this.#shutDown(0);
  }

  /** `shutdown()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/** `FetchHandler` with `getEnviron()`'s environ and a log line at `close()`. */
class ServerHandler extends FetchHandler {
  override serverSoftware: string | undefined = SOFTWARE_VERSION;
  readonly requestHandler: WSGIRequestHandler;
  #logged = false;

  constructor(requestHandler: WSGIRequestHandler) {
    super(
      requestHandler.request,
      {
        errors: requestHandler.getStderr(),
        maxRequestBodySize: requestHandler.server.maxRequestBodySize,
      },
      requestHandler.clientAddress
        ? { remoteAddr: requestHandler.clientAddress }
        : undefined,
    );
    this.requestHandler = requestHandler;
  }

  /** The request's variables: `getEnviron()`'s. */
  override addRequestVars(environ: Record<string, unknown>): void {
    const requestHandler = this.requestHandler;
    if (requestHandler.getEnviron === WSGIRequestHandler.prototype.getEnviron) {
      fillEnviron(requestHandler, environ);
    } else {
      Object.assign(environ, requestHandler.getEnviron());
    }
  }

  /** The response the runtime edge writes fastest (a light one on Node). */
  override _makeResponse(
    body: Uint8Array | ReadableStream<Uint8Array> | null,
    init: ResponseParts,
  ): Response {
    return makeResponse(body, init);
  }

  /** Logs the request (once), then closes as `FetchHandler` does. */
  override close(): Promise<void> {
    if (!this.#logged) {
      this.#logged = true;
      const handler = this.requestHandler;
      try {
        logResponse(handler, this.status, this.bytesSent);
      } catch (error) {
        // A logRequest or logMessage that throws, reported as socketserver does.
        logHandlerError(handler.getStderr(), handler.clientAddress, error);
      }
    }
    return super.close();
  }
}

/** Logs a finished response through the request handler's `logRequest`. */
function logResponse(
  requestHandler: WSGIRequestHandler,
  status: string | undefined,
  bytesSent: number,
): void {
  // Quiet, with the default logRequest and logMessage: nothing to write.
  if (
    requestHandler.server.quiet &&
    requestHandler.logRequest === WSGIRequestHandler.prototype.logRequest &&
    requestHandler.logMessage === WSGIRequestHandler.prototype.logMessage
  ) {
    return;
  }
  requestHandler.logRequest(status?.split(" ", 1)[0] ?? "-", bytesSent);
}

/**
 * Handles one request for a `WSGIServer`: builds the environ
 * (`getEnviron`), runs the app, and logs a Common Log Format line.
 *
 * @example Usage
 * ```ts
 * import { WSGIRequestHandler, makeServer } from "@wsgi/wsgiref/simple_server";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * class QuietHandler extends WSGIRequestHandler {
 *   override logMessage(format: string, ...args: unknown[]): void {
 *     lines.push(format);
 *   }
 * }
 * await using httpd = makeServer("127.0.0.1", 0, (environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(String(environ.HTTP_X_NAME))];
 * }, { handlerClass: QuietHandler });
 * httpd.serveForever();
 * const response = await fetch(`http://127.0.0.1:${httpd.serverPort}/`, {
 *   headers: { "X-Name": "ada", "X_Name": "spoof" },
 * });
 * assert.equal(await response.text(), "ada");
 * ```
 */
export class WSGIRequestHandler {
  /** The request. */
  readonly request: Request;
  /** The client's address, if known. */
  readonly clientAddress: NetAddr | undefined;
  /** The server. */
  readonly server: WSGIServer;
  /** `SERVER_SOFTWARE`. @default {"WSGIServer/0.2 Deno/<version>"} */
  serverVersion: string = SOFTWARE_VERSION;

  #handler?: ServerHandler;

  /**
   * Makes the handler for one request.
   *
   * @param request The request.
   * @param clientAddress The client's address.
   * @param server The server.
   */
  constructor(
    request: Request,
    clientAddress: NetAddr | undefined,
    server: WSGIServer,
  ) {
    this.request = request;
    this.clientAddress = clientAddress;
    this.server = server;
  }

  /**
   * Runs the server's app for the request.
   *
   * @returns The response, as soon as its headers are known.
   */
  handle(): Promise<Response> {
    const mount = this.server.scriptName;
    const app = this.server.getApp() ?? missingApp;
    const handler = this.#handler = new ServerHandler(this);
    return handler.respond(mount === "" ? app : mountApp(app, mount));
  }

  /**
   * The response, once made: before `handle()` settles when the app
   * answered at once.
   */
  get response(): Response | undefined {
    return this.#handler?.response;
  }

  /** Cancels the response (a forced shutdown): see `FetchHandler.abort`. */
  abort(): void {
    this.#handler?.abort();
  }

  /** Settles once the response is complete and logged. */
  get finished(): Promise<void> {
    return this.#handler?.finished ?? RESOLVED;
  }

  /**
   * The request's CGI variables, with Python's keys and defaults.
   *
   * @returns A new object (the `wsgi.*` keys are added by the handler).
   */
  getEnviron(): Record<string, unknown> {
    const env: Record<string, unknown> = {};
    fillEnviron(this, env);
    return env;
  }

  /** `wsgi.errors`: the process's standard error. */
  getStderr(): ErrorStream {
    return STDERR;
  }

  /** The request line, as `GET /path?query HTTP/1.1`. */
  get requestline(): string {
    const url = this.request.url;
    const start = url.indexOf("/", url.indexOf("://") + 3);
    const target = start === -1 ? "/" : url.slice(start);
    return `${this.request.method} ${target} ${requestProtocol(this.request)}`;
  }

  /**
   * Logs the request: `"GET / HTTP/1.1" 200 11`.
   *
   * @param code The status code.
   * @param size The body's size in bytes.
   */
  logRequest(code: string | number = "-", size: string | number = "-"): void {
    this.logMessage('"%s" %s %s', this.requestline, code, size);
  }

  /**
   * Writes one log line to stderr, as Python's `log_message`: the client's
   * address, the local time, and the message with control characters
   * escaped. Override it to silence or redirect the log.
   *
   * @param format A `%s` format.
   * @param args The values.
   */
  logMessage(format: string, ...args: unknown[]): void {
    if (this.server.quiet) return;
    const message = escapeControl(formatMessage(format, args));
    this.getStderr().write(
      `${this.addressString()} - - [${logDateTimeString()}] ${message}\n`,
    );
  }

  /** The client's address, for the log. */
  addressString(): string {
    return this.clientAddress?.hostname ?? "-";
  }
}

/** Logs an error of a handler class as Python's socketserver `handle_error`. */
function logHandlerError(
  stderr: ErrorStream,
  from: NetAddr | undefined,
  error: unknown,
): void {
  const rule = "-".repeat(40);
  stderr.write(
    `${rule}\nException occurred during processing of request from ${
      from ? `${from.hostname}:${from.port}` : "an unknown client"
    }\n${
      error instanceof Error ? error.stack ?? String(error) : String(error)
    }\n${rule}\n`,
  );
  stderr.flush();
}

/** Writes `getEnviron`'s keys into `env`. */
function fillEnviron(
  requestHandler: WSGIRequestHandler,
  env: Record<string, unknown>,
): void {
  const server = requestHandler.server;
  // Object.assign, not a spread (docs/npm.md).
  Object.assign(env, server.baseEnviron);
  addRequestVars(env, requestHandler.request, {
    serverName: server.serverName,
    serverPort: String(server.serverPort),
    remoteAddr: requestHandler.clientAddress,
    // The connection's scheme, never the request target's.
    secure: server.secure,
  });
  env.SERVER_SOFTWARE = requestHandler.serverVersion;
}

const missingApp: WSGIApplication = () => {
  throw new Error("no application: call setApp(app) before serving");
};

/** What Python's `repr` escapes in a string: `\`, quotes, the unprintable. */
// deno-lint-ignore no-control-regex
const PY_ESCAPED = /[\x00-\x1f\x7f-\xa0\xad\\'"]/g;

/** Python's `repr()` of a value, for `demoApp`. */
function pyRepr(value: unknown): string {
  if (typeof value === "string") {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escape = (c: string): string =>
      c === quote ? "\\" + c : c === "'" || c === '"' ? c : escapeChar(c);
    return quote + value.replace(PY_ESCAPED, escape) + quote;
  }
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === undefined || value === null) return "None";
  if (typeof value === "number" || typeof value === "bigint") {
    return String(value);
  }
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    return Object.isFrozen(value)
      ? `(${items.join(", ")}${items.length === 1 ? "," : ""})`
      : `[${items.join(", ")}]`;
  }
  if (typeof value === "function") {
    return `<function ${value.name || "<anonymous>"}>`;
  }
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return `<${name || "object"} object>`;
}

const demoEncoder = new TextEncoder();

/**
 * The demo app: `Hello world!`, a blank line, then each environ key and the
 * Python `repr` of its value, sorted, as Python's `demo_app` (to `HEAD`, the
 * same headers and no body).
 *
 * @param environ The environ.
 * @param startResponse `start_response`.
 * @returns The page, UTF-8.
 *
 * @example Usage
 * ```ts
 * import { demoApp } from "@wsgi/wsgiref/simple_server";
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const response = await toFetchHandler(demoApp)(new Request("http://localhost/xyz?abc"));
 * const text = await response.text();
 * assert.ok(text.startsWith("Hello world!\n\n"));
 * assert.ok(text.includes("QUERY_STRING = 'abc'\n"));
 * ```
 */
export function demoApp(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
): ResponseBody {
  let text = "Hello world!\n\n";
  const keys = Object.keys(environ).sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  for (const key of keys) text += `${key} = ${pyRepr(environ[key])}\n`;
  const body = demoEncoder.encode(text);
  if (environ.REQUEST_METHOD === "HEAD") {
    // The length a GET would have, and no body.
    startResponse("200 OK", [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", String(body.length)],
    ]);
    return [];
  }
  startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
  return [body];
}

/**
 * Makes a `WSGIServer` for `app`, listening on `host` and `port` at once,
 * as Python's `make_server`.
 *
 * @param host The address to bind (`""`: every interface).
 * @param port The port; 0 picks a free one (see `serverPort`).
 * @param app The WSGI application.
 * @param options `serverClass`, `handlerClass`, `signal`, `onListen`, TLS,
 *   `gracePeriod`, `maxRequestBodySize`, `scriptName` (the mount prefix).
 * @returns The server, listening.
 *
 * @example Usage
 * ```ts
 * import { makeServer } from "@wsgi/wsgiref/simple_server";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * const httpd = makeServer("127.0.0.1", 0, (_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("hi")];
 * }, { signal: controller.signal, quiet: true });
 * const serving = httpd.serveForever();
 * const response = await fetch(`http://127.0.0.1:${httpd.serverPort}/`);
 * assert.equal(await response.text(), "hi");
 * controller.abort();
 * await serving;
 * ```
 */
export function makeServer(
  host: string,
  port: number,
  app: WSGIApplication,
  options: ServerOptions = {},
): WSGIServer {
  const ServerClass = options.serverClass ?? WSGIServer;
  const server = new ServerClass(
    [host, port],
    options.handlerClass ?? WSGIRequestHandler,
    options,
  );
  server.setApp(app);
  return server;
}

if (import.meta.main) {
  // Not awaited: an app module the CLI loads may import this one (and
  // `require()` refuses a module with a top-level await).
  import("./_cli.ts").then(({ main }) => main({ demoApp, makeServer }));
}
