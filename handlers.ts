// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Base classes for servers and gateways, as Python's `wsgiref.handlers`:
 * one engine, {@linkcode BaseHandler}, that runs a WSGI app for one request
 * and writes its response, and the transports built on it —
 * {@linkcode SimpleHandler} (web streams in and out, an HTTP origin server),
 * {@linkcode BaseCGIHandler}, {@linkcode CGIHandler} and
 * {@linkcode IISCGIHandler} (a `Status:` line, for CGI).
 *
 * Every write is awaited (backpressure), the body is closed exactly once, and
 * an error gives the `errorStatus` page, or cuts a response already started.
 *
 * @example Usage
 * ```ts
 * import { SimpleHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * let text = "";
 * const decoder = new TextDecoder();
 * const stdout = new WritableStream<Uint8Array>({
 *   write: (chunk) => void (text += decoder.decode(chunk)),
 * });
 * const handler = new SimpleHandler(
 *   new ReadableStream(),
 *   stdout,
 *   new WritableStream(),
 *   { SERVER_PROTOCOL: "HTTP/1.0", REQUEST_METHOD: "GET" },
 * );
 * await handler.run((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("hi")];
 * });
 * assert.match(text, /^HTTP\/1\.0 200 OK\r\nDate: .+ GMT\r\n/);
 * assert.ok(text.endsWith("Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"));
 * ```
 *
 * @module
 */

import { ClientDisconnectedError, isClientDisconnect } from "./_errors.ts";
import { BaseHandler } from "./_base_handler.ts";
import { WritableErrorStream } from "./_error_stream.ts";
import { contentLength } from "./_http.ts";
import { WSGIInput } from "./_input.ts";
import {
  processEnv,
  rawProcessEnv,
  stderrStream,
  stdinStream,
  stdoutStream,
} from "./_runtime.ts";
import type { ErrorStream, InputStream, WSGIApplication } from "./types.ts";

export { AssertionError, ClientDisconnectedError } from "./_errors.ts";
export { BaseHandler } from "./_base_handler.ts";
export { formatDateTime } from "./_dates.ts";
export { FetchHandler, toFetchHandler } from "./_fetch_handler.ts";
export { fromFetchHandler } from "./_from_fetch.ts";
export type * from "./types.ts";

/** Options of `SimpleHandler` and the CGI handlers. */
export interface SimpleHandlerOptions {
  /** `wsgi.multithread`. @default {true} */
  multithread?: boolean;
  /** `wsgi.multiprocess`. @default {false} */
  multiprocess?: boolean;
}

/**
 * An HTTP origin server handler over web streams: the request body from
 * `stdin`, the response (status line, headers, body) to `stdout`, errors to
 * `stderr`, and the request's CGI variables from `environ`.
 *
 * `wsgi.input` never reads past `CONTENT_LENGTH` when it is given. Every
 * write waits for `stdout` to take the bytes.
 *
 * @example Usage
 * ```ts
 * import { SimpleHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * const handler = new SimpleHandler(
 *   ReadableStream.from([new TextEncoder().encode("ping")]),
 *   new WritableStream({ write: (c) => void (out += new TextDecoder().decode(c)) }),
 *   new WritableStream(),
 *   { SERVER_PROTOCOL: "HTTP/1.1", REQUEST_METHOD: "POST", CONTENT_LENGTH: "4" },
 * );
 * await handler.run(async (environ, startResponse) => {
 *   const body = await environ["wsgi.input"].read();
 *   startResponse("200 OK", [["Date", "Thu, 01 Jan 1970 00:00:00 GMT"]]);
 *   return [body];
 * });
 * assert.equal(out, "HTTP/1.0 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Length: 4\r\n\r\nping");
 * ```
 */
export class SimpleHandler extends BaseHandler {
  /** The request body stream. */
  stdin: ReadableStream<Uint8Array>;
  /** Where the response goes. */
  stdout: WritableStream<Uint8Array>;
  /** Where errors go. */
  stderr: WritableStream<Uint8Array>;
  /** The request's CGI variables (not copied). */
  baseEnv: Record<string, unknown>;

  #input?: InputStream;
  #errors?: WritableErrorStream;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;

  /**
   * Makes a handler for one request.
   *
   * @param stdin The request body.
   * @param stdout Where the response goes.
   * @param stderr Where errors go (UTF-8 text).
   * @param environ The request's CGI variables.
   * @param options `multithread` (default `true`), `multiprocess` (default `false`).
   */
  constructor(
    stdin: ReadableStream<Uint8Array>,
    stdout: WritableStream<Uint8Array>,
    stderr: WritableStream<Uint8Array>,
    environ: Record<string, unknown>,
    options: SimpleHandlerOptions = {},
  ) {
    super();
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.baseEnv = environ;
    this.wsgiMultithread = options.multithread ?? true;
    this.wsgiMultiprocess = options.multiprocess ?? false;
  }

  /**
   * Runs `app`, then waits for the error output and releases the streams'
   * locks (the streams stay open).
   *
   * @param app The WSGI application.
   * @returns Resolves when the response was written.
   */
  override async run(app: WSGIApplication): Promise<void> {
    try {
      await super.run(app);
    } finally {
      await this.#errors?.release();
      this.#errors = undefined;
      this.#writer?.releaseLock();
      this.#writer = undefined;
    }
  }

  /** `wsgi.input` over `stdin`, limited to `CONTENT_LENGTH`. */
  override getStdin(): InputStream {
    return this.#input ??= new WSGIInput(this.stdin, {
      limit: contentLength(this.baseEnv),
    });
  }

  /** `wsgi.errors` over `stderr`. */
  override getStderr(): ErrorStream {
    return this.#errors ??= new WritableErrorStream(this.stderr);
  }

  /** Copies `environ` (the constructor's) into the request's environ. */
  override addCgiVars(): void {
    Object.assign(this.environ!, this.baseEnv);
  }

  /**
   * Writes to `stdout` and waits until it took the bytes.
   *
   * @param data The bytes.
   * @returns Resolves when `stdout` took them.
   */
  override async _write(data: Uint8Array): Promise<void> {
    const writer = this.#writer ??= this.stdout.getWriter();
    try {
      await writer.write(data);
    } catch (error) {
      if (isClientDisconnect(error)) {
        throw new ClientDisconnectedError(undefined, { cause: error });
      }
      throw error;
    }
  }

  /** Nothing to do: each `_write` already waits for `stdout`. */
  override async _flush(): Promise<void> {}
}

/**
 * A CGI-style handler over web streams: like {@linkcode SimpleHandler}, but
 * it writes a CGI `Status:` line instead of an HTTP status line, and never
 * adds `Date` or `Server`.
 *
 * @example Usage
 * ```ts
 * import { BaseCGIHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * const handler = new BaseCGIHandler(
 *   new ReadableStream(),
 *   new WritableStream({ write: (c) => void (out += new TextDecoder().decode(c)) }),
 *   new WritableStream(),
 *   { SERVER_PROTOCOL: "HTTP/1.1", REQUEST_METHOD: "GET" },
 * );
 * await handler.run((_environ, startResponse) => {
 *   startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("nope")];
 * });
 * assert.equal(out, "Status: 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nnope");
 * ```
 */
export class BaseCGIHandler extends SimpleHandler {
  /** CGI: a `Status:` line. @default {false} */
  override originServer: boolean = false;
}

/** A CGI script's process serves one request at a time. */
const CGI_OPTIONS = { multithread: false, multiprocess: true };

/**
 * Runs an app as a CGI script: the request from the process's environment
 * (`readEnviron()`) and standard input, the response to standard output.
 * On Deno it needs `--allow-env` (and `--allow-all` for the exact bytes of
 * a variable that is not UTF-8).
 *
 * @example Usage
 * ```ts ignore
 * import { CGIHandler } from "@wsgi/wsgiref/handlers";
 *
 * await new CGIHandler().run((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("Hello from CGI")];
 * });
 * ```
 */
export class CGIHandler extends BaseCGIHandler {
  /** A CGI script serves one request. @default {true} */
  override wsgiRunOnce: boolean = true;

  /**
   * Makes a handler over the process's standard streams and environment.
   *
   * @throws {Error} On Deno without `--allow-env`, saying so.
   */
  constructor() {
    const environ = readEnviron();
    super(stdinStream(), stdoutStream(), stderrStream(), environ, CGI_OPTIONS);
  }
}

/**
 * A CGI handler for IIS, which puts the script's path in front of
 * `PATH_INFO`: this handler strips that prefix again.
 *
 * @example Usage
 * ```ts ignore
 * import { IISCGIHandler } from "@wsgi/wsgiref/handlers";
 *
 * // SCRIPT_NAME=/app PATH_INFO=/app/foo: the app sees PATH_INFO=/foo
 * await new IISCGIHandler().run((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(environ.PATH_INFO)];
 * });
 * ```
 */
export class IISCGIHandler extends BaseCGIHandler {
  /** A CGI script serves one request. @default {true} */
  override wsgiRunOnce: boolean = true;

  /**
   * Makes a handler over the process's standard streams and environment,
   * with `PATH_INFO` fixed.
   *
   * @throws {Error} On Deno without `--allow-env`, saying so.
   */
  constructor() {
    const environ = readEnviron();
    fixIisPathInfo(environ);
    super(stdinStream(), stdoutStream(), stderrStream(), environ, CGI_OPTIONS);
  }
}

/**
 * Strips IIS's duplicated `SCRIPT_NAME` prefix from `PATH_INFO`, in place.
 *
 * @param environ CGI variables.
 */
export function fixIisPathInfo(environ: Record<string, string>): void {
  const path = environ.PATH_INFO ?? "";
  const script = environ.SCRIPT_NAME ?? "";
  if ((path + "/").startsWith(script + "/")) {
    environ.PATH_INFO = path.slice(script.length);
  }
}

const REQUEST_KEYS = new Set(
  ("SCRIPT_NAME PATH_INFO QUERY_STRING REQUEST_METHOD AUTH_TYPE CONTENT_TYPE " +
    "CONTENT_LENGTH HTTPS REMOTE_USER REMOTE_IDENT").split(" "),
);

function needsTranscode(key: string): boolean {
  while (key.startsWith("REDIRECT_")) key = key.slice(9);
  return REQUEST_KEYS.has(key) || key.startsWith("HTTP_") ||
    key.startsWith("SSL_");
}

const utf8 = new TextEncoder();
// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7F]/;

function bytesToLatin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/**
 * The process environment with the request's variables transcoded to
 * PEP 3333 "bytes in unicode" (each UTF-8 byte one code point), as Python's
 * `read_environ`: `SCRIPT_NAME`, `PATH_INFO`, `QUERY_STRING`,
 * `REQUEST_METHOD`, `AUTH_TYPE`, `CONTENT_TYPE`, `CONTENT_LENGTH`, `HTTPS`,
 * `REMOTE_USER`, `REMOTE_IDENT`, `HTTP_*`, `SSL_*`, and their `REDIRECT_`
 * forms. Other variables are copied as they are.
 *
 * Exact for UTF-8 values; on Linux a value that is not valid UTF-8 is read
 * from `/proc/self/environ` byte for byte, where permitted (Deno allows it
 * only with `--allow-all`; without it such a value is missing).
 *
 * @returns A new object.
 * @throws {Error} On Deno without `--allow-env`, saying so.
 *
 * @example Usage
 * ```ts ignore
 * import { readEnviron } from "@wsgi/wsgiref/handlers";
 *
 * // PATH_INFO=/café in the environment
 * console.log(readEnviron().PATH_INFO); // "/cafÃ©"
 * ```
 */
export function readEnviron(): Record<string, string> {
  const env = processEnv();
  // A value decoded lossily (U+FFFD) or dropped (Deno) comes from /proc.
  const raw = rawProcessEnv();
  for (const key of new Set([...Object.keys(env), ...(raw?.keys() ?? [])])) {
    if (!needsTranscode(key)) continue;
    const value = env[key];
    const bytes = raw?.get(key);
    if (
      bytes !== undefined && (value === undefined || value.includes("\uFFFD"))
    ) {
      env[key] = bytesToLatin1(bytes);
    } else if (value !== undefined && NON_ASCII.test(value)) {
      env[key] = bytesToLatin1(utf8.encode(value));
    }
  }
  return env;
}
