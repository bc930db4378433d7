// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The engine every handler shares: `BaseHandler` runs a WSGI app for one
 * request and writes its response through the hooks a transport provides.
 * Public through `handlers.ts`.
 *
 * @module
 */

import { formatDateTime } from "./_dates.ts";
import { emptyEnviron } from "./_environ.ts";
import { AssertionError, isClientDisconnect } from "./_errors.ts";
import {
  CONTROL_REGEXP,
  DIGITS_REGEXP,
  ERROR_HEADERS,
  ERROR_STATUS,
  ERROR_TEXT,
  isLengthName,
  isToken,
  NOT_LATIN1_REGEXP,
} from "./_http.ts";
import { ResponseHeaders } from "./headers.ts";
import { describe, typeName } from "./_quote.ts";
import type {
  ErrorStream,
  ExcInfo,
  FileLike,
  FileWrapperFactory,
  InputStream,
  ResponseBody,
  StartResponse,
  Write,
  WSGIApplication,
  WSGIEnvironment,
} from "./types.ts";
import { FileWrapper, guessScheme, isHopByHop } from "./util.ts";

// ---------------------------------------------------------------------------
// Shared constants: never copied per request.

/** `wsgi.version`, shared by every environ. */
export const WSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);
const ERROR_BODY: Uint8Array<ArrayBuffer> = new TextEncoder().encode(
  ERROR_TEXT,
);
const EMPTY_ENVIRON: Readonly<Record<string, unknown>> = Object.freeze({});

/** `wsgi.file_wrapper` functions, one per wrapper class. */
const fileWrapperFactories = new WeakMap<
  typeof FileWrapper,
  FileWrapperFactory
>();

/** `wsgi.file_wrapper` for `cls`: one function per class, for every environ. */
function fileWrapperFactory(
  cls: typeof FileWrapper,
): FileWrapperFactory {
  let factory = fileWrapperFactories.get(cls);
  if (!factory) {
    factory = (filelike: FileLike, blksize?: number) =>
      new cls(filelike, blksize);
    fileWrapperFactories.set(cls, factory);
  }
  return factory;
}

function latin1Bytes(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * `read()` as a string, or `fallback` when it throws: a thrown value may be
 * anything (`Object.create(null)` has no `toString`, a `stack` getter may
 * throw), and every failure must still be logged.
 */
function textOf(read: () => unknown, fallback: string): string {
  try {
    const value = read();
    return typeof value === "string" ? value : String(value);
  } catch {
    return fallback;
  }
}

/** Formats an error as Python's `traceback.print_exception` lays it out. */
function formatException(error: unknown, limit?: number): string {
  if (!(error instanceof Error)) {
    const text = textOf(
      () => String(error),
      textOf(() => Object.prototype.toString.call(error), "(unprintable)"),
    );
    return `Traceback (most recent call last):\nError: ${text}\n`;
  }
  let frames = textOf(() => error.stack ?? "", "").split("\n").filter((
    line,
  ) => /^\s+at /.test(line)).reverse();
  if (limit !== undefined) {
    frames = limit >= 0 ? frames.slice(0, limit) : frames.slice(limit);
  }
  const head = frames.length > 0 || limit === undefined
    ? "Traceback (most recent call last):\n"
    : "";
  const body = frames.map((line) => `  ${line.trim()}\n`).join("");
  const name = textOf(() => error.name, "Error");
  const text = textOf(() => error.message, "(unprintable message)");
  const message = text === "" ? name : `${name}: ${text}`;
  return head + body + message + "\n";
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function noop(): void {}

/** Statuses found good: the same few recur, each checked once. */
const goodStatuses = new Set<string>();

/**
 * Checks a status as `startResponse` does (after storing it): a string of
 * ISO-8859-1 text with no control characters, `"NNN reason"`.
 *
 * @param status The status.
 * @throws {TypeError} For a non-string, a control character or a code
 *   point above U+00FF.
 * @throws {AssertionError} For a status that is not `"NNN "` and more.
 */
export function checkStatus(status: unknown): asserts status is string {
  if (goodStatuses.has(status as string)) return;
  if (typeof status !== "string") {
    throw new TypeError(`Status must be a string, got ${describe(status)}`);
  }
  if (CONTROL_REGEXP.test(status)) {
    throw new TypeError("Control characters are not allowed in status");
  }
  if (NOT_LATIN1_REGEXP.test(status)) {
    throw new TypeError(
      "Status must hold ISO-8859-1 text only (code points up to U+00FF)",
    );
  }
  if (status.length < 4) {
    throw new AssertionError("Status must be at least 4 characters");
  }
  const c0 = status.charCodeAt(0),
    c1 = status.charCodeAt(1),
    c2 = status.charCodeAt(2);
  if (
    c0 < 48 || c0 > 57 || c1 < 48 || c1 > 57 || c2 < 48 || c2 > 57
  ) {
    throw new AssertionError("Status message must begin w/3-digit code");
  }
  if (status[3] !== " ") {
    throw new AssertionError("Status message must have a space after code");
  }
  if (goodStatuses.size < 256) goodStatuses.add(status);
}

/**
 * Checks the headers once copied: token names, ISO-8859-1 values, one
 * all-digits `Content-Length`, no hop-by-hop header.
 */
function checkResponseHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
): void {
  let length: string | undefined;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i][0], value = headers[i][1];
    if (isLengthName(name)) {
      if (length !== undefined || !DIGITS_REGEXP.test(value)) {
        throw new TypeError(
          `Content-Length must be one non-negative integer, got ${
            length === undefined ? "" : `${JSON.stringify(length)} and `
          }${JSON.stringify(value)}`,
        );
      }
      length = value;
    }
    if (!isToken(name)) {
      throw new TypeError(
        `header name ${
          JSON.stringify(name)
        } must be an RFC 9110 token (letters, digits and !#$%&'*+-.^_\`|~)`,
      );
    }
    if (NOT_LATIN1_REGEXP.test(value)) {
      throw new TypeError(
        `header "${name}" must hold ISO-8859-1 text only (code points up to U+00FF)`,
      );
    }
    if (isHopByHop(name)) {
      throw new AssertionError(
        `Hop-by-hop header, '${name}: ${value}', not allowed`,
      );
    }
  }
}

/**
 * The promise every step of the engine returns when it completed at once:
 * the engine goes on in the same turn when it gets this one, and awaits
 * any other. So a handler is synchronous until something is not.
 */
export const RESOLVED: Promise<void> = Promise.resolve();

/**
 * `next()` after `step`: at once when `step` is `RESOLVED`.
 *
 * @param step A step's promise.
 * @param next The next step.
 * @returns The next step's promise.
 */
function then(
  step: Promise<void>,
  next: () => Promise<void> | void,
): Promise<void> {
  if (step === RESOLVED) return next() ?? RESOLVED;
  return step.then(next);
}

/** Runs `body`, with `onError` for a throw or a rejection alike. */
export function attempt(
  body: () => Promise<void>,
  onError: (error: unknown) => Promise<void>,
): Promise<void> {
  let step: Promise<void>;
  try {
    step = body();
  } catch (error) {
    return onError(error);
  }
  return step === RESOLVED ? step : step.then(undefined, onError);
}

/** `RESOLVED` for a value, the promise itself for a promise. */
function settled(value: unknown): Promise<void> {
  return isThenable(value) ? (value as Promise<void>) : RESOLVED;
}

/** The app's list with each pair copied: what was checked is what is sent. */
function copyHeaderPairs<T>(headers: T): T {
  if (!Array.isArray(headers)) return headers;
  const copy = new Array(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const pair: unknown = headers[i];
    copy[i] = Array.isArray(pair) && pair.length === 2
      ? [pair[0], pair[1]]
      : pair;
  }
  return copy as T;
}

// ---------------------------------------------------------------------------

/**
 * The engine: runs a WSGI app for one request and writes its response
 * through the hooks a transport provides (`_write`, `_flush`, `getStdin`,
 * `getStderr`, `addCgiVars`), as Python's `BaseHandler`. One instance runs
 * one request.
 *
 * Subclasses override the prototype methods as in Python, and Python's class
 * attributes are fields with defaults (`errorStatus`, `originServer`, …).
 *
 * @example Usage
 * ```ts
 * import { BaseHandler } from "@wsgi/wsgiref/handlers";
 * import { setupTestingDefaults } from "@wsgi/wsgiref/util";
 * import type { ErrorStream, InputStream } from "@wsgi/wsgiref/types";
 * import assert from "node:assert/strict";
 *
 * class StringHandler extends BaseHandler {
 *   out = "";
 *   #defaults = setupTestingDefaults({});
 *   override originServer = false;
 *   override async _write(data: Uint8Array): Promise<void> {
 *     this.out += new TextDecoder().decode(data);
 *   }
 *   override async _flush(): Promise<void> {}
 *   override getStdin(): InputStream {
 *     return this.#defaults["wsgi.input"];
 *   }
 *   override getStderr(): ErrorStream {
 *     return this.#defaults["wsgi.errors"];
 *   }
 *   override addCgiVars(): void {
 *     Object.assign(this.environ!, { SERVER_PROTOCOL: "HTTP/1.0" });
 *   }
 * }
 *
 * const handler = new StringHandler();
 * await handler.run((_environ, startResponse) => {
 *   startResponse("200 OK", []);
 *   return [new TextEncoder().encode("ok")];
 * });
 * assert.equal(handler.out, "Status: 200 OK\r\nContent-Length: 2\r\n\r\nok");
 * ```
 */
export abstract class BaseHandler {
  /** `wsgi.multithread`. @default {true} */
  wsgiMultithread: boolean = true;
  /** `wsgi.multiprocess`. @default {true} */
  wsgiMultiprocess: boolean = true;
  /** `wsgi.run_once`. @default {false} */
  wsgiRunOnce: boolean = false;
  /** Whether to write an HTTP status line (else a CGI `Status:` line). @default {true} */
  originServer: boolean = true;
  /** The HTTP version of the status line. @default {"1.0"} */
  httpVersion: string = "1.0";
  /** The default `SERVER_SOFTWARE` and `Server` header (origin servers only). @default {undefined} */
  serverSoftware: string | undefined = undefined;
  /**
   * The base of every request's environ. Empty by default: the process
   * environment is never copied into a request unless a CGI handler asks.
   * @default {{}}
   */
  osEnviron: Readonly<Record<string, unknown>> = EMPTY_ENVIRON;
  /** The class behind `wsgi.file_wrapper`; `undefined` disables it. @default {FileWrapper} */
  wsgiFileWrapper: typeof FileWrapper | undefined = FileWrapper;
  /** The class that wraps the response headers. @default {ResponseHeaders} */
  headersClass: typeof ResponseHeaders = ResponseHeaders;
  /** How many stack frames to log with an error; `undefined`: all. @default {undefined} */
  tracebackLimit: number | undefined = undefined;
  /** The status of the error page. @default {"500 Internal Server Error"} */
  errorStatus: string = ERROR_STATUS;
  /** The headers of the error page (copied per use). @default {[["Content-Type", "text/plain"]]} */
  errorHeaders: ReadonlyArray<readonly [string, string]> = ERROR_HEADERS;
  /** The body of the error page. @default {"A server error occurred.  Please contact the administrator."} */
  errorBody: Uint8Array = ERROR_BODY;

  /** The response status, once `startResponse` was called. */
  status: string | undefined = undefined;
  /** The response headers, once `startResponse` was called. */
  headers: ResponseHeaders | undefined = undefined;
  /** Whether the headers were sent. */
  headersSent: boolean = false;
  /** Bytes of body sent so far. */
  bytesSent: number = 0;
  /** What the app returned. */
  result: ResponseBody | undefined = undefined;
  /** The request's environ, once `setupEnviron` ran. */
  environ: WSGIEnvironment | undefined = undefined;

  #boundStart?: StartResponse;
  #boundWrite?: Write;
  #tail?: Promise<void>;
  #closedBody?: ResponseBody;
  #excInfo: ExcInfo = undefined;

  /**
   * Runs `app` for this request: `setupEnviron`, the app, `finishResponse`.
   * A client that hangs up ends it quietly; any other error is handled by
   * `handleError` (logged, and the error page if the headers were unsent).
   *
   * @param app The WSGI application.
   * @returns Resolves when the response is complete.
   * @throws Only an error raised while handling an error (not a hang-up).
   */
  run(app: WSGIApplication): Promise<void> {
    let done: Promise<void>;
    try {
      this.setupEnviron();
      const result = app(this.environ!, this.#startResponseFn());
      if (isThenable(result)) {
        done = result.then((body) => {
          this.result = body;
          return this.finishResponse();
        });
      } else {
        this.result = result;
        done = this.finishResponse();
      }
    } catch (error) {
      return this.#fail(error);
    }
    return done === RESOLVED
      ? done
      : done.then(undefined, (error) => this.#fail(error));
  }

  /** The one place a failure of `run` lands, thrown or rejected. */
  async #fail(error: unknown): Promise<void> {
    // What the app wrote before it failed goes out first, as in Python.
    if (this.#tail !== undefined) await this.#tail.catch(noop);
    if (isClientDisconnect(error)) return;
    try {
      await this.handleError(error);
    } catch (second) {
      await this.close();
      if (isClientDisconnect(second)) return;
      throw second;
    }
  }

  #startResponseFn(): StartResponse {
    return this.#boundStart ??= this.startResponse.bind(this);
  }

  /** Builds `environ`: `osEnviron`, then `addCgiVars()`, then the `wsgi.*` keys. */
  setupEnviron(): void {
    // Object.assign, not a spread: an object sized for an environ.
    const env = this.environ = Object.assign(
      emptyEnviron(),
      this.osEnviron,
    ) as WSGIEnvironment;
    this.addCgiVars();
    env["wsgi.input"] = this.getStdin();
    env["wsgi.errors"] = this.getStderr();
    env["wsgi.version"] = WSGI_VERSION;
    env["wsgi.run_once"] = this.wsgiRunOnce;
    env["wsgi.url_scheme"] = this.getScheme();
    env["wsgi.multithread"] = this.wsgiMultithread;
    env["wsgi.multiprocess"] = this.wsgiMultiprocess;
    if (this.wsgiFileWrapper !== undefined) {
      env["wsgi.file_wrapper"] = fileWrapperFactory(this.wsgiFileWrapper);
    }
    if (
      this.originServer && this.serverSoftware &&
      !("SERVER_SOFTWARE" in env)
    ) {
      env.SERVER_SOFTWARE = this.serverSoftware;
    }
  }

  /**
   * Sends the app's body: every chunk through `write`, then
   * `finishContent`. If that fails, the body is closed (its iterator's
   * `return()` first) and the error is re-thrown; on success, `close()`.
   */
  finishResponse(): Promise<void> {
    const result = this.result!;
    let sent: Promise<void>;
    try {
      sent = this.resultIsFile()
        ? this.sendfile().then((done) =>
          done ? undefined : this.#sendBody(result)
        )
        : this.#sendBody(result);
    } catch (error) {
      return this.#closeBody(result).then(() => Promise.reject(error));
    }
    // No closure on the way that completed at once.
    if (sent === RESOLVED) return this.close();
    return sent.then(
      () => this.close(),
      (error) => this.#closeBody(result).then(() => Promise.reject(error)),
    );
  }

  #sendBody(result: ResponseBody): Promise<void> {
    const written = this._writeBody(result);
    if (written === RESOLVED && this.#tail === undefined) {
      return this.finishContent();
    }
    return written.then(() => this.#tail).then(() => this.finishContent());
  }

  /**
   * Writes every chunk of the body through `write`, in order, each after
   * the previous one was taken (empty chunks are skipped). A transport may
   * override it to look at the body first (`FetchHandler` does).
   *
   * @param result The app's body.
   * @returns Resolves once every chunk was written.
   * @throws {TypeError} If `result` is not iterable.
   */
  _writeBody(result: ResponseBody): Promise<void> {
    if (
      result != null && typeof result !== "string" &&
      typeof (result as Iterable<Uint8Array>)[Symbol.iterator] === "function" &&
      (Array.isArray(result) ||
        typeof (result as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !==
          "function")
    ) {
      return this.#writeChunks(
        (result as Iterable<Uint8Array>)[Symbol.iterator](),
      );
    }
    if (
      result != null &&
      typeof (result as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] ===
        "function"
    ) {
      return this.#writeAsyncChunks(result as AsyncIterable<Uint8Array>);
    }
    return Promise.reject(
      new TypeError(
        `the application must return an iterable of Uint8Array chunks, got ${
          typeName(result)
        }`,
      ),
    );
  }

  /**
   * Writes a sync iterator's chunks, synchronously while `write` completes
   * at once; as `for…of`, an early end (an error, a complete body) calls
   * the iterator's `return()`.
   */
  #writeChunks(iterator: Iterator<Uint8Array>): Promise<void> {
    for (;;) {
      const step = iterator.next();
      if (step.done) return RESOLVED;
      const chunk = step.value;
      if (chunk?.length === 0 && chunk instanceof Uint8Array) continue;
      let written: Promise<void>;
      try {
        written = this.write(chunk);
      } catch (error) {
        iterator.return?.();
        throw error;
      }
      if (written !== RESOLVED) {
        return written.then(
          () => this.#afterChunk(iterator),
          (error) => {
            iterator.return?.();
            throw error;
          },
        );
      }
      if (this._bodyComplete()) {
        iterator.return?.();
        return RESOLVED;
      }
    }
  }

  #afterChunk(iterator: Iterator<Uint8Array>): Promise<void> {
    if (!this._bodyComplete()) return this.#writeChunks(iterator);
    iterator.return?.();
    return RESOLVED;
  }

  async #writeAsyncChunks(result: AsyncIterable<Uint8Array>): Promise<void> {
    for await (const chunk of result) {
      if (chunk?.length !== 0 || !(chunk instanceof Uint8Array)) {
        await this.write(chunk);
        if (this._bodyComplete()) break;
      }
    }
  }

  /**
   * Whether the body is complete before its iterator ends (a transport that
   * stops at a declared `Content-Length` says so); iteration then stops
   * and the body is closed. The default: never.
   *
   * @returns `true` to stop iterating.
   */
  _bodyComplete(): boolean {
    return false;
  }

  #closeBody(body: ResponseBody | undefined): Promise<void> {
    if (body == null || this.#closedBody === body) return RESOLVED;
    if (typeof body.close !== "function") return RESOLVED;
    this.#closedBody = body;
    return attempt(() => settled(body.close!()), (e) => Promise.reject(e));
  }

  /**
   * Whether `result` is the file wrapper's class (so `sendfile` may send it).
   *
   * @returns `true` for a `wsgiFileWrapper` instance.
   */
  resultIsFile(): boolean {
    const cls = this.wsgiFileWrapper;
    return cls !== undefined && this.result instanceof cls;
  }

  /**
   * A transport's fast path for a file body; the default sends nothing.
   *
   * @returns `true` if the body was sent, `false` to iterate it as usual.
   */
  sendfile(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Whether the client understands a status line and headers (not HTTP/0.9). */
  clientIsModern(): boolean {
    const protocol = this.environ?.SERVER_PROTOCOL;
    if (typeof protocol !== "string") {
      throw new AssertionError(
        "SERVER_PROTOCOL must be in the environ to tell the client's HTTP version",
      );
    }
    return protocol.toUpperCase() !== "HTTP/0.9";
  }

  /** `wsgi.url_scheme` for this request: `guessScheme(environ)`. */
  getScheme(): string {
    return guessScheme(this.environ!);
  }

  /**
   * The PEP 3333 `start_response`: checks and stores the status and a shallow
   * copy of the headers, and returns `write`.
   *
   * @param status `"NNN reason"`.
   * @param headers `[name, value]` pairs: strings, no hop-by-hop header.
   * @param excInfo The caught error, to replace unsent headers (or re-throw
   *   it once they were sent).
   * @returns The `write` callable.
   * @throws {AssertionError} For a malformed status, a hop-by-hop header, or
   *   a second call without `excInfo` ("Headers already set!").
   * @throws {TypeError} For a non-string, a control character, or a code
   *   point above U+00FF in the status or a header.
   */
  startResponse(
    status: string,
    headers: Array<[string, string]>,
    excInfo?: ExcInfo,
  ): Write {
    if (excInfo !== undefined && excInfo !== null) {
      if (this.headersSent) throw excInfo;
    } else if (this.headers !== undefined) {
      throw new AssertionError("Headers already set!");
    }
    this.status = status;
    const copy = copyHeaderPairs(headers);
    this.headers = new this.headersClass(copy);
    checkStatus(status);
    checkResponseHeaders(copy);
    return this.#boundWrite ??= this.write.bind(this);
  }

  /**
   * The PEP 3333 `write`: checks `data` and the state synchronously, then
   * queues the bytes in call order (headers first, with the first write).
   * The promise settles when the transport has taken them; it is marked
   * handled, so an app may ignore it.
   *
   * @param data The bytes.
   * @returns Resolves once the transport took the data.
   * @throws {TypeError} If `data` is not a `Uint8Array`.
   * @throws {AssertionError} If `startResponse` was not called yet.
   */
  write(data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(
        `write() argument must be a Uint8Array, got ${describe(data)}`,
      );
    }
    if (!this.status) {
      throw new AssertionError("write() before start_response()");
    }
    const tail = this.#tail;
    let done: Promise<void>;
    if (tail !== undefined) done = tail.then(() => this.#emit(data));
    else {
      try {
        done = this.#emit(data);
      } catch (error) {
        done = Promise.reject(error);
      }
    }
    if (done !== RESOLVED) {
      // Once this write is taken, the next may go at once again; a failed
      // one stays, for the next write and finishResponse to meet.
      this.#tail = done;
      done.then(() => {
        if (this.#tail === done) this.#tail = undefined;
      }, noop);
    }
    return done;
  }

  #emit(data: Uint8Array): Promise<void> {
    if (this.headersSent) this.bytesSent += data.length;
    else {
      this.bytesSent = data.length;
      const sent = this.sendHeaders();
      if (sent !== RESOLVED) return sent.then(() => this.#send(data));
    }
    return this.#send(data);
  }

  #send(data: Uint8Array): Promise<void> {
    const written = this._write(data);
    return written === RESOLVED
      ? this._flush()
      : written.then(() => this._flush());
  }

  /** Sends the headers with `Content-Length: 0` if nothing was sent yet. */
  finishContent(): Promise<void> {
    if (this.headersSent) return RESOLVED;
    if (this.headers === undefined) {
      throw new AssertionError(
        "the application returned without calling start_response()",
      );
    }
    this.headers.setDefault("Content-Length", "0");
    return this.sendHeaders();
  }

  /** Sends the preamble and the headers (`cleanupHeaders` first). */
  sendHeaders(): Promise<void> {
    this.cleanupHeaders();
    this.headersSent = true;
    if (this.originServer && !this.clientIsModern()) return RESOLVED;
    return then(
      this.sendPreamble(),
      () => this._write(this.headers!.toBytes()),
    );
  }

  /** Adds `Content-Length` where it can be known (`setContentLength`). */
  cleanupHeaders(): void {
    if (!this.headers!.has("Content-Length")) this.setContentLength();
  }

  /** Sets `Content-Length` for a body that is an array of one chunk. */
  setContentLength(): void {
    const result = this.result;
    if (Array.isArray(result) && result.length === 1) {
      this.headers!.set("Content-Length", String(this.bytesSent));
    }
  }

  /** Writes the status line with `Date` and `Server` (or a CGI `Status:` line). */
  sendPreamble(): Promise<void> {
    const headers = this.headers!;
    if (!this.originServer) {
      return this._write(latin1Bytes(`Status: ${this.status}\r\n`));
    }
    if (!this.clientIsModern()) return RESOLVED;
    let head = `HTTP/${this.httpVersion} ${this.status}\r\n`;
    if (!headers.has("Date")) {
      head += `Date: ${formatDateTime(Date.now() / 1000)}\r\n`;
    }
    if (this.serverSoftware && !headers.has("Server")) {
      head += `Server: ${this.serverSoftware}\r\n`;
    }
    return this._write(latin1Bytes(head));
  }

  /** Closes the body (once), then resets the state for another request. */
  close(): Promise<void> {
    const result = this.result;
    if (
      result == null || typeof result.close !== "function" ||
      this.#closedBody === result
    ) {
      this.#reset();
      return RESOLVED;
    }
    return then(
      attempt(() => this.#closeBody(result), (error) => {
        this.#reset();
        return Promise.reject(error);
      }),
      () => {
        this.#reset();
        return RESOLVED;
      },
    );
  }

  #reset(): void {
    this.result =
      this.headers =
      this.status =
      this.environ =
        undefined;
    this.bytesSent = 0;
    this.headersSent = false;
    this.#tail = undefined;
  }

  /**
   * Logs `error` and, if the headers were unsent, sends the error page.
   *
   * @param error The error that ended the response.
   */
  async handleError(error: unknown): Promise<void> {
    this.logException(error);
    if (!this.headersSent) {
      this.#excInfo = error ?? new Error(String(error));
      try {
        this.result = this.errorOutput(
          this.environ!,
          this.#startResponseFn(),
        );
      } finally {
        this.#excInfo = undefined;
      }
      await this.finishResponse();
    }
  }

  /**
   * Writes the error's stack, laid out as Python's traceback, to
   * `getStderr()` (`wsgi.errors`), never to the client.
   *
   * @param error The error.
   */
  logException(error: unknown): void {
    const stream = this.environ?.["wsgi.errors"] ?? this.getStderr();
    stream.write(formatException(error, this.tracebackLimit));
    stream.flush();
  }

  /**
   * The error page app: `errorStatus`, `errorHeaders` and `errorBody`,
   * started with the current error as `excInfo`.
   *
   * @param _environ The request's environ.
   * @param startResponse The handler's `startResponse`.
   * @returns The error page's body.
   */
  errorOutput(
    _environ: WSGIEnvironment,
    startResponse: StartResponse,
  ): ResponseBody {
    startResponse(
      this.errorStatus,
      this.errorHeaders.map(([name, value]) => [name, value]),
      this.#excInfo ?? new Error("unknown error"),
    );
    return [this.errorBody];
  }

  /**
   * Writes bytes to the transport (override in a subclass).
   *
   * @param _data The bytes.
   * @returns Resolves once the transport took them.
   */
  _write(_data: Uint8Array): Promise<void> {
    return Promise.reject(new NotImplementedError("_write"));
  }

  /** Flushes the transport (override in a subclass). */
  _flush(): Promise<void> {
    return Promise.reject(new NotImplementedError("_flush"));
  }

  /** The request body (override in a subclass). */
  getStdin(): InputStream {
    throw new NotImplementedError("getStdin");
  }

  /** The error stream (override in a subclass). */
  getStderr(): ErrorStream {
    throw new NotImplementedError("getStderr");
  }

  /** Adds the request's CGI variables to `environ` (override in a subclass). */
  addCgiVars(): void {
    throw new NotImplementedError("addCgiVars");
  }
}

/** A hook that a `BaseHandler` subclass must override was called. */
class NotImplementedError extends Error {
  constructor(method: string) {
    super(`${method}() must be implemented by a subclass`);
    this.name = "NotImplementedError";
  }
}
