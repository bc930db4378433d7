// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A server's direct path. Most answers are known whole the moment the app
 * returns: one valid `startResponse`, then an array of at most one
 * `Uint8Array`, with no `write()` and nothing to `close()`. For those, a
 * handler, its promises and its response stream are pure cost: the
 * exchange here runs the app itself and makes the very response
 * `FetchHandler` would make (`wholeResponse`), in the same turn.
 *
 * Anything else is handed over, mid-flight, to a handler (the engine): a
 * `write()`, a second or invalid `startResponse`, `excInfo`, an error, a
 * promise, an iterator, a body with `close()`. The handler adopts the
 * environ the app holds and replays what the app did so far (the status
 * and headers it gave, then its result or its error), so it goes on
 * exactly as if it had called the app itself. The `startResponse` and
 * `write` the app holds pass to the handler from then on.
 *
 * @module
 */

import {
  checkResponseHeaders,
  checkStatus,
  copyHeaderPairs,
} from "./_base_handler.ts";
import { AssertionError } from "./_errors.ts";
import { TOKEN_REGEXP } from "./_http.ts";
import {
  cutAt,
  declaredLength,
  EarlySignal,
  isNullBody,
} from "./_fetch_handler.ts";
import { checkHeaderName, checkHeaderValue } from "./headers.ts";
import { isHopByHop } from "./util.ts";
import type {
  ExcInfo,
  ResponseBody,
  StartResponse,
  Write,
  WSGIApplication,
  WSGIEnvironment,
} from "./types.ts";

const EMPTY: Uint8Array<ArrayBuffer> = new Uint8Array(0);

/**
 * Whether the direct path is taken, and how many responses it made. Tests
 * turn it on and off to compare it with the engine, request for request.
 *
 * It is on where it pays: on Node, where the handler's promises and
 * objects cost more than the rest of the answer (hello: 0.79 of raw
 * `node:http` without it, 0.87–0.89 with it). On Deno the engine answers
 * as fast under load and in fewer instructions (hello 108,000 against
 * 114,000 per request under callgrind; 8 headers 133,000 against
 * 164,000), so it stays off there.
 */
export const DIRECT_PATH: { enabled: boolean; answered: number } = {
  enabled: !("Deno" in globalThis),
  answered: 0,
};

/** The part of a handler an exchange hands over to. */
export interface Engine {
  /** The handler's `startResponse`. */
  startResponse: StartResponse;
  /** The handler's `write`. */
  write: Write;
}

/**
 * What the app's `startResponse` and `write` meet once its response was
 * made here: `write` fails as the engine's does after `close()`.
 */
const SPENT: Engine = {
  startResponse(): Write {
    throw new AssertionError(
      "startResponse() after the response was complete",
    );
  },
  write(): Promise<void> {
    throw new AssertionError("write() before start_response()");
  },
};

/** A status that passes `checkStatus`: `NNN `, no control character, Latin-1. */
const PLAIN_STATUS = /^[0-9]{3} [\x20-\x7E\x80-\xFF]*$/;
/** A header value that passes every check: no control but HTAB, Latin-1. */
const PLAIN_VALUE = /^[\t\x20-\x7E\x80-\xFF]*$/;

/**
 * The usual start: a status, header names and values each matched by one
 * pattern that implies every check `isValidStart` makes, and every check
 * of the runtime's `Headers` (`false` only means "look closer").
 */
function isPlainStart(status: unknown, headers: unknown[]): boolean {
  if (typeof status !== "string" || !PLAIN_STATUS.test(status)) return false;
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i];
    if (!Array.isArray(pair) || pair.length !== 2) return false;
    const name: unknown = pair[0];
    const value: unknown = pair[1];
    if (
      typeof name !== "string" || typeof value !== "string" ||
      !TOKEN_REGEXP.test(name) || !PLAIN_VALUE.test(value) ||
      isHopByHop(name) || name.length === 14 // Content-Length: look closer
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Whether `startResponse(status, headers)` passes every check
 * `BaseHandler.startResponse` makes (with `ResponseHeaders` as its
 * `headersClass`): any failure is the engine's to report.
 */
function isValidStart(
  status: unknown,
  headers: unknown,
): headers is Array<[string, string]> {
  if (!Array.isArray(headers)) return false;
  try {
    for (let i = 0; i < headers.length; i++) {
      const pair: unknown = headers[i];
      if (!Array.isArray(pair) || pair.length !== 2) return false;
      checkHeaderValue(checkHeaderName(pair[0]), pair[1]);
    }
    checkStatus(status);
    checkResponseHeaders(headers);
  } catch {
    return false;
  }
  return true;
}

/**
 * One request on the direct path. It owns the environ's `wsgiref.signal`
 * (an `EarlySignal`) until a handler adopts it.
 */
export abstract class DirectExchange<E extends Engine> extends EarlySignal {
  /** The app's status, once it gave a valid one (and no handler took over). */
  status: string | undefined = undefined;
  /** The body's length, once answered here. */
  bytesSent = 0;

  #headers: Array<[string, string]> | undefined = undefined;
  #engine: Engine | undefined = undefined;
  #response: Response | Promise<Response> | undefined = undefined;
  /** Settles the result the engine waits for, when it took over mid-call. */
  #settle:
    | {
      resolve(result: ResponseBody | Promise<ResponseBody>): void;
      reject(error: unknown): void;
    }
    | undefined = undefined;
  #write: Write | undefined = undefined;
  /** Whether the status and headers passed `isPlainStart`. */
  #plain = false;

  /** The `startResponse` the app gets: the engine's, once it took over. */
  readonly startResponse: StartResponse = (
    status: string,
    headers: Array<[string, string]>,
    excInfo?: ExcInfo,
  ): Write => {
    const engine = this.#engine;
    if (engine !== undefined) {
      return engine.startResponse(status, headers, excInfo);
    }
    if (
      (excInfo === undefined || excInfo === null) &&
      this.status === undefined && Array.isArray(headers)
    ) {
      const copy = copyHeaderPairs(headers);
      const plain = isPlainStart(status, copy);
      if (plain || isValidStart(status, copy)) {
        this.status = status;
        this.#headers = copy;
        this.#plain = plain;
        return this.#write ??= (data) =>
          (this.#engine ?? this.#handOverNow()).write(data);
      }
    }
    return this.#handOverNow().startResponse(status, headers, excInfo);
  };

  /**
   * Runs `app`: the response itself when answered here, else the
   * engine's.
   *
   * @param app The WSGI application.
   * @param environ The request's environ.
   * @returns The response, or the engine's promise of it.
   */
  respond(
    app: WSGIApplication,
    environ: WSGIEnvironment,
  ): Response | Promise<Response> {
    let result: ResponseBody | Promise<ResponseBody>;
    try {
      result = app(environ, this.startResponse);
    } catch (error) {
      const settle = this.#settle;
      if (settle === undefined) {
        return this.#handOver(() => {
          throw error;
        });
      }
      settle.reject(error);
      return this.#response!;
    }
    if (this.#engine !== undefined) {
      this.#settle!.resolve(result);
      return this.#response!;
    }
    const status = this.status;
    if (
      status !== undefined && Array.isArray(result) && result.length <= 1 &&
      typeof (result as { close?: unknown }).close !== "function"
    ) {
      const chunk: unknown = result.length === 0 ? EMPTY : result[0];
      if (chunk instanceof Uint8Array) {
        let response: Response | undefined;
        try {
          response = this.wholeResponse(
            status,
            this.#headers!,
            chunk,
            this.#plain,
            environ.REQUEST_METHOD === "HEAD",
          );
        } catch {
          // Refused by the runtime (a status out of its range, a name that
          // is not a token): the engine meets it again, and answers it.
        }
        if (response !== undefined) {
          // What goes on the wire: nothing for HEAD, 204, 205 or 304.
          this.bytesSent = environ.REQUEST_METHOD === "HEAD" ||
              isNullBody(Number(status.slice(0, 3)))
            ? 0
            : cutAt(chunk, declaredLength(this.#headers!)).length;
          this.#engine = SPENT;
          DIRECT_PATH.answered++;
          this.done();
          return response;
        }
      }
    }
    return this.#handOver(() => result);
  }

  /** Hands over to the engine, which replays the app up to `result`. */
  #handOver(
    result: () => ResponseBody | Promise<ResponseBody>,
  ): Response | Promise<Response> {
    const status = this.status;
    const headers = this.#headers;
    // Known before it starts: the app's calls from then on go to it.
    const engine = this.#engine = this.engine();
    return this.#response = this.runEngine(
      engine,
      (_environ, startResponse) => {
        if (status !== undefined) startResponse(status, headers!);
        return result();
      },
    );
  }

  /** Hands over while the app runs: the engine waits for its result. */
  #handOverNow(): Engine {
    const result = new Promise<ResponseBody>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.#handOver(() => result);
    return this.#engine!;
  }

  /**
   * The engine to hand over to: a handler that adopts the environ the app
   * holds.
   *
   * @returns The handler, not yet started.
   */
  protected abstract engine(): E;

  /**
   * Starts `engine`, with `replay` as its app.
   *
   * @param engine The handler `engine()` made.
   * @param replay Replays what the app did so far.
   * @returns The engine's response.
   */
  protected abstract runEngine(
    engine: E,
    replay: WSGIApplication,
  ): Response | Promise<Response>;

  /**
   * The response for a body known whole (see `wholeResponse`).
   *
   * @param status The app's status.
   * @param headers The app's headers (a copy, as the handler keeps).
   * @param whole The body.
   * @param plain Whether every header name is a token and every value
   *   printable Latin-1 (or HTAB): nothing the runtime would refuse.
   * @param head Whether the request is a `HEAD`.
   * @returns The response.
   */
  protected abstract wholeResponse(
    status: string,
    headers: Array<[string, string]>,
    whole: Uint8Array,
    plain: boolean,
    head: boolean,
  ): Response;

  /** Called once a response was made here: the request is over. */
  protected abstract done(): void;
}
