// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The error classes shared by the handlers and the validator, defined once so
 * that every module re-exports the same binding.
 *
 * @module
 */

/**
 * A violation of the WSGI protocol (PEP 3333): a bad status, a hop-by-hop
 * header, `"Headers already set!"`, a validator finding. The message keeps
 * Python's wording where Python has one.
 *
 * @example Usage
 * ```ts
 * import { AssertionError } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const error = new AssertionError("Headers already set!");
 * assert.ok(error instanceof Error);
 * assert.equal(error.name, "AssertionError");
 * ```
 */
export class AssertionError extends Error {
  /** `"AssertionError"`. */
  override name = "AssertionError";
}

/**
 * The client hung up before the response was complete. `run()` handles it
 * quietly: it is not logged as an error, and the body's `close()` still runs.
 *
 * @example Usage
 * ```ts
 * import { ClientDisconnectedError } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const error = new ClientDisconnectedError();
 * assert.equal(error.name, "ClientDisconnectedError");
 * assert.equal(error.message, "the client disconnected");
 * ```
 */
export class ClientDisconnectedError extends Error {
  /**
   * Makes the error.
   *
   * @param message What happened.
   * @param options The `cause`, if any (the transport's own error).
   */
  constructor(message = "the client disconnected", options?: ErrorOptions) {
    super(message, options);
    this.name = "ClientDisconnectedError";
  }
}

/**
 * The request body grew past the server's `maxRequestBodySize`: a
 * `RangeError`, so that a server can answer `413` instead of `500`.
 */
export class RequestBodyTooLargeError extends RangeError {
  override name = "RequestBodyTooLargeError";

  constructor(maxSize: number) {
    super(`request body is larger than maxRequestBodySize (${maxSize} bytes)`);
  }
}

/** Error codes and names by which runtimes report a peer that went away. */
const DISCONNECT_CODES = new Set(
  ("EPIPE ECONNRESET ECONNABORTED ERR_STREAM_PREMATURE_CLOSE " +
    "ERR_STREAM_DESTROYED BrokenPipe ConnectionReset ConnectionAborted")
    .split(" "),
);

/**
 * Whether `error` means the client went away: a `ClientDisconnectedError`,
 * Deno's `BrokenPipe`/`ConnectionReset`/`ConnectionAborted`, or Node's
 * `EPIPE`/`ECONNRESET`.
 */
export function isClientDisconnect(error: unknown): boolean {
  if (error instanceof ClientDisconnectedError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return DISCONNECT_CODES.has(error.name) ||
    (typeof code === "string" && DISCONNECT_CODES.has(code));
}
