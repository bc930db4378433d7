// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The types of the WSGI protocol (PEP 3333), as Python's `wsgiref.types`
 * names them: the environ, `startResponse`, the app and its body, and the
 * `wsgi.input` / `wsgi.errors` streams.
 *
 * Strings in the environ and in headers are PEP 3333 "native strings": every
 * code point is 0–255 and stands for one byte (ISO-8859-1). Bodies are bytes
 * (`Uint8Array`).
 *
 * @example Usage
 * ```ts
 * import type { WSGIApplication } from "@wsgi/wsgiref/types";
 * import assert from "node:assert/strict";
 *
 * const app: WSGIApplication = (_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("Hello world!")];
 * };
 * assert.equal(typeof app, "function");
 * ```
 *
 * @module
 */

/**
 * `wsgi.input`: the request body, read asynchronously.
 *
 * `read(n)` resolves with exactly `n` bytes unless the input ends first;
 * `read()` or a negative size reads all that is left; after the end every
 * read resolves with an empty array. Async iteration yields lines.
 */
export interface InputStream {
  /** Reads up to `size` bytes; no size or a negative one reads everything left. */
  read(size?: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Reads one line, up to and including `\n`, and at most `size` bytes. */
  readline(size?: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Reads lines until the input ends or more than `hint` bytes were read. */
  readlines(hint?: number): Promise<Uint8Array<ArrayBuffer>[]>;
  /** Iterates over the lines of the input. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array<ArrayBuffer>>;
}

/** `wsgi.errors`: a text stream for error output, written synchronously. */
export interface ErrorStream {
  /** Writes a string. */
  write(s: string): void;
  /** Writes each string in turn (no newlines are added). */
  writelines(lines: Iterable<string>): void;
  /** Flushes buffered output, if any. */
  flush(): void;
}

/**
 * What `FileWrapper` reads, checked in this order: a `ReadableStream`;
 * anything with a `readable` stream (a `Deno.FsFile`); an (async) iterable of
 * chunks; an object with a Python-style `read(size)` (an empty chunk ends it).
 */
export type FileLike =
  | ReadableStream<Uint8Array>
  | { readable: ReadableStream<Uint8Array> }
  | Iterable<Uint8Array>
  | AsyncIterable<Uint8Array>
  | { read(size: number): Uint8Array | Promise<Uint8Array> };

/** `wsgi.file_wrapper`: wraps a file-like object as a response body. */
export type FileWrapperFactory = (
  filelike: FileLike,
  blksize?: number,
) => ResponseBody;

/**
 * The WSGI environment: CGI variables plus the `wsgi.*` keys of PEP 3333.
 *
 * An interface, so that servers and apps can augment it.
 */
export interface WSGIEnvironment {
  /** `GET`, `POST`, … */
  REQUEST_METHOD: string;
  /** The part of the URL path that leads to the app; may be empty. */
  SCRIPT_NAME: string;
  /** The rest of the URL path, percent-decoded; may be empty. */
  PATH_INFO: string;
  /** The query string, without `?`. */
  QUERY_STRING?: string;
  /** The request's `Content-Type`. */
  CONTENT_TYPE?: string;
  /** The request's `Content-Length`, as a string. */
  CONTENT_LENGTH?: string;
  /** The server's host name. */
  SERVER_NAME: string;
  /** The server's port, as a string. */
  SERVER_PORT: string;
  /** `HTTP/1.0`, `HTTP/1.1`, … */
  SERVER_PROTOCOL: string;
  /** Always `[1, 0]`. */
  "wsgi.version": readonly [1, 0];
  /** `http` or `https`. */
  "wsgi.url_scheme": string;
  /** The request body. */
  "wsgi.input": InputStream;
  /** Where errors are written. */
  "wsgi.errors": ErrorStream;
  /** Whether other requests may run at the same time in this process. */
  "wsgi.multithread": boolean;
  /** Whether other processes may run the same app. */
  "wsgi.multiprocess": boolean;
  /** Whether the app runs once in this process (CGI). */
  "wsgi.run_once": boolean;
  /** Wraps a file-like object as a body a server may send quickly. */
  "wsgi.file_wrapper"?: FileWrapperFactory;
  /** `true` when `wsgi.input` ends by itself (reading to the end is safe). */
  "wsgi.input_terminated"?: boolean;
  /** The original web `Request` (fetch gateway). */
  "wsgiref.request"?: Request;
  /** Aborts only on a client hang-up or a forced shutdown. */
  "wsgiref.signal"?: AbortSignal;
  /** Request headers, as `HTTP_NAME_WITH_UNDERSCORES`. */
  [key: `HTTP_${string}`]: string | undefined;
  /** Server extensions. */
  [key: string]: unknown;
}

/** The caught error, in place of Python's `(type, value, traceback)`. */
export type ExcInfo = unknown;

/**
 * The `write` callable `startResponse` returns. It queues `data` and
 * resolves once the transport has taken it; ignoring the promise is safe.
 */
export type Write = (data: Uint8Array) => Promise<void>;

/** The `start_response` callable of PEP 3333. */
export type StartResponse = (
  status: string,
  headers: Array<[string, string]>,
  excInfo?: ExcInfo,
) => Write;

/**
 * What an app returns: an (async) iterable of byte chunks, optionally with a
 * `close()` that the server calls exactly once when the response ends.
 */
export type ResponseBody =
  & (Iterable<Uint8Array> | AsyncIterable<Uint8Array>)
  & { close?(): void | Promise<void> };

/** A WSGI application. */
export type WSGIApplication = (
  environ: WSGIEnvironment,
  startResponse: StartResponse,
) => ResponseBody | Promise<ResponseBody>;

/** Options of `FetchHandler` and `toFetchHandler`. */
export interface FetchHandlerOptions {
  /**
   * The largest request body accepted, in bytes: a larger `Content-Length`
   * gets `413` before the app runs; a chunked body that grows past it makes
   * `wsgi.input` reads reject with `RangeError`.
   * @default {Infinity}
   */
  maxRequestBodySize?: number;
  /**
   * `wsgi.multiprocess`: set it when several processes or isolates serve
   * the app (`deno serve --parallel`).
   * @default {false}
   */
  multiprocess?: boolean;
  /** The `wsgi.errors` stream. @default {a stream that writes to stderr} */
  errors?: ErrorStream;
  /**
   * Extra environ keys for every request (server extensions, `SERVER_NAME`…).
   * A `SCRIPT_NAME` here is the mount prefix, as `scriptName`.
   */
  baseEnviron?: Record<string, unknown>;
  /**
   * The mount prefix: where the app sits under the server's root (`/wsgi`).
   * It becomes `SCRIPT_NAME`, and the rest of the path `PATH_INFO`, so
   * `applicationUri` and `requestUri` are right; a request outside it
   * (`/wsgix` is outside `/wsgi`) gets `404` before the app runs. It starts
   * with `/` and does not end with one; it is compared with the decoded
   * path, as `PATH_INFO` holds it. Wins over `baseEnviron.SCRIPT_NAME`.
   * @default {""}
   */
  scriptName?: string;
  /** The client's address, when no `info.remoteAddr` is given. */
  remoteAddr?: { hostname: string; port: number };
}

/** Options of `fromFetchHandler`. */
export interface FromFetchHandlerOptions {
  /**
   * Leaves `SCRIPT_NAME` out of the request's URL, so the fetch handler
   * sees `PATH_INFO` as its path, as if served at the root: a router's
   * routes then match under a CGI script at `/cgi-bin/app.cgi`. By default
   * the URL is the full one (`requestUri(environ)`).
   * @default {false}
   */
  stripScriptName?: boolean;
}
