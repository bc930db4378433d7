// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Testing WSGI apps without a server, as werkzeug's `werkzeug.test`:
 * {@linkcode buildEnviron} makes a complete environ from a method, a path,
 * headers and a body (JSON, a form, files); {@linkcode Client} sends requests
 * to an app in-process, keeps cookies (RFC 6265) and follows redirects (RFC
 * 9110 15.4); {@linkcode runApp} runs an app for one environ.
 *
 * Requests are built with the web platform (`Request`, `FormData`) and run
 * through the package's own engine, `FetchHandler`, so the environ is the one
 * a server gives, and `validator` checks the app on both sides unless
 * `validate: false`. An error of the app (a broken rule included) rejects the
 * request, with the validator's message, rather than becoming a `500` page.
 *
 * The same `Client` targets a running server when given its URL
 * (`new Client("http://127.0.0.1:8000")`): one test suite can check an app
 * in-process and over HTTP.
 *
 * @example Usage
 * ```ts
 * import { Client } from "@wsgi/wsgiref/testing";
 * import assert from "node:assert/strict";
 *
 * const client = new Client(async (environ, startResponse) => {
 *   const body = await environ["wsgi.input"].read();
 *   startResponse("200 OK", [["Content-Type", "application/json"]]);
 *   return [body];
 * });
 * const response = await client.post("/echo", { json: { a: 1 } });
 * assert.equal(response.status, "200 OK");
 * assert.deepEqual(await response.json(), { a: 1 });
 * ```
 *
 * @module
 */

import { CookieJar } from "./_cookies.ts";
import { mountAt } from "./_environ.ts";
import { MemoryErrorStream } from "./_error_stream.ts";
import { FetchHandler, mountPrefix } from "./_fetch_handler.ts";
import { REASONS } from "./_http.ts";
import { ResponseHeaders } from "./headers.ts";
import { validator, type ValidatorOptions } from "./validate.ts";
import type { ErrorStream, WSGIApplication, WSGIEnvironment } from "./types.ts";

export {
  type Cookie,
  type CookieInit,
  CookieJar,
  type CookieJarOptions,
  type CookieScope,
} from "./_cookies.ts";
export { AssertionError } from "./_errors.ts";
export { ResponseHeaders } from "./headers.ts";
export { type ValidatorOptions, WSGIWarning } from "./validate.ts";
export type * from "./types.ts";

/** Request headers: an object, `[name, value]` pairs, or a `Headers`. */
export type HeadersInput =
  | Readonly<Record<string, string>>
  | ReadonlyArray<readonly [string, string]>
  | Headers;

/** A query value: several values for a name as an array. */
export type QueryValue = string | number | boolean;

/** Query parameters, added after any query the path holds. */
export type QueryInput =
  | string
  | URLSearchParams
  | Readonly<Record<string, QueryValue | readonly QueryValue[]>>
  | ReadonlyArray<readonly [string, string]>;

/** A form field's value: text, or a file (`File`, or a `Blob` named "blob"). */
export type FormValue = string | Blob;

/** A request body as given: sent as is (a stream without `Content-Length`). */
export type BodyInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | FormData
  | URLSearchParams
  | ReadableStream<Uint8Array>;

/** What makes a request, in-process or over HTTP. */
export interface RequestOptions {
  /** Request headers; they win over the client's default ones. */
  headers?: HeadersInput;
  /** Query parameters, appended to the path's own query. */
  query?: QueryInput;
  /**
   * The body as is, with the `Content-Type` the web platform gives it
   * (`text/plain;charset=UTF-8` for a string, multipart for a `FormData`)
   * unless `headers` name one. Only one of `body`, `json` and `form`/`files`.
   */
  body?: BodyInput;
  /** A value sent as JSON (`application/json`). */
  json?: unknown;
  /**
   * Form fields: `application/x-www-form-urlencoded`, or
   * `multipart/form-data` when a value is a `Blob` or `files` is given.
   */
  form?: Readonly<Record<string, FormValue | readonly FormValue[]>>;
  /** Files, sent as `multipart/form-data` with `form`'s fields. */
  files?: Readonly<Record<string, Blob | readonly Blob[]>>;
  /** Cookies for this request alone, added to the `Cookie` field. */
  cookies?: Readonly<Record<string, string>>;
}

/** Options of {@linkcode buildEnviron}. */
export interface EnvironOptions extends RequestOptions {
  /** The request method. @default {"GET"} */
  method?: string;
  /**
   * The path under `scriptName`, with a query if any (`/a?b=1`); UTF-8
   * text is percent-encoded, then decoded to `PATH_INFO`'s bytes. An
   * absolute URL sets the scheme and host as well.
   * @default {"/"}
   */
  path?: string;
  /** `http` or `https` (`wsgi.url_scheme`, `HTTPS`). @default {"http"} */
  scheme?: string;
  /** The host, with a port if any (`Host`, `SERVER_NAME`, `SERVER_PORT`). @default {"localhost"} */
  host?: string;
  /** Where the app is mounted (`SCRIPT_NAME`): `/app`, or `""`. @default {""} */
  scriptName?: string;
  /** More environ keys (`REMOTE_ADDR`, server extensions); the request's win. */
  environ?: Readonly<Record<string, unknown>>;
  /** `wsgi.errors`. @default {a stream that keeps text in memory} */
  errors?: ErrorStream;
}

/** Options of one {@linkcode Client} request. */
export interface ClientRequestOptions extends RequestOptions {
  /** Follows redirects (the client's `followRedirects` by default). */
  followRedirects?: boolean;
}

/** Options of {@linkcode Client}. */
export interface ClientOptions {
  /** Headers sent with every request. */
  headers?: HeadersInput;
  /** Follows redirects by default. @default {false} */
  followRedirects?: boolean;
  /** Redirects followed at most before the request rejects. @default {20} */
  maxRedirects?: number;
  /** Keeps cookies across requests (`client.cookies`). @default {true} */
  useCookies?: boolean;
  /** In-process: `http` or `https`. @default {"http"} */
  scheme?: string;
  /** In-process: the host the requests go to. @default {"localhost"} */
  host?: string;
  /** In-process: where the app is mounted (`SCRIPT_NAME`). @default {""} */
  scriptName?: string;
  /** In-process: more environ keys for every request. */
  environ?: Readonly<Record<string, unknown>>;
  /**
   * In-process: wraps the app in `validator` (`true`, or its options), so
   * every `startResponse` and body rule is checked.
   * @default {true}
   */
  validate?: boolean | ValidatorOptions;
  /**
   * In-process: an error of the app before its headers went out rejects
   * the request with that error; `false` answers it with the error page, as
   * a server does (the stack is in `response.errors`). An error after the
   * headers rejects the body's reads either way.
   * @default {true}
   */
  throwErrors?: boolean;
}

/** Options of {@linkcode runApp}. */
export interface RunAppOptions {
  /** Wraps the app in `validator` (`true`, or its options). @default {true} */
  validate?: boolean | ValidatorOptions;
  /** Rejects with the app's error rather than answering `500`. @default {true} */
  throwErrors?: boolean;
}

/**
 * A response to a test request: in-process or over HTTP, the same shape.
 *
 * The body streams: the app runs as it is read. Read it (`text()`,
 * `bytes()`, `json()`, or `for await`), or `close()` the response: either
 * way the app's `close()` runs, once, before the promise settles. The
 * first three may be called again (the bytes are kept); iteration after
 * them yields the kept bytes.
 */
export interface TestResponse extends AsyncIterable<Uint8Array> {
  /** The status line's code and reason: `"200 OK"`. */
  readonly status: string;
  /** The status code: `200`. */
  readonly statusCode: number;
  /** The response headers; each `Set-Cookie` is kept apart. */
  readonly headers: ResponseHeaders;
  /** The URL requested (after redirects: the last one). */
  readonly url: string;
  /** The redirect responses followed to get here, first first. */
  readonly history: readonly TestResponse[];
  /** In-process: what was written to `wsgi.errors` so far; `""` over HTTP. */
  readonly errors: string;
  /** The body stream (empty for a bodyless response). */
  readonly body: ReadableStream<Uint8Array>;
  /** The whole body. */
  bytes(): Promise<Uint8Array<ArrayBuffer>>;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** The whole body parsed as JSON. */
  json<T = unknown>(): Promise<T>;
  /** Drops the rest of the body; resolves once the app's `close()` ran. */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers about the body, dropped with it (the fetch standard's list). */
const BODY_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
];

type RequestBody = Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null;
type RequestBodyInit = NonNullable<ConstructorParameters<typeof Request>[1]>;

/** A request ready to send, and to send again after a 307 or 308. */
interface Prepared {
  method: string;
  url: URL;
  /** The given headers (default ones and the request's), before `Cookie` and `Host`. */
  headers: Headers;
  body: RequestBody;
  cookies: Readonly<Record<string, string>> | undefined;
}

function checkScheme(scheme: string | undefined): string {
  if (scheme === undefined) return "http";
  if (scheme !== "http" && scheme !== "https") {
    throw new RangeError(
      `scheme must be "http" or "https", got ${JSON.stringify(scheme)}`,
    );
  }
  return scheme;
}

/** `path` (with a query) resolved under `base`, or itself if absolute. */
function resolvePath(path: string, base: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return new URL(path);
  if (!path.startsWith("/")) {
    throw new RangeError(
      `a path must start with "/" (or be an absolute URL), got ${
        JSON.stringify(path)
      }`,
    );
  }
  return new URL(base + path);
}

function appendQuery(url: URL, query: QueryInput | undefined): void {
  if (query === undefined) return;
  let params: URLSearchParams;
  if (typeof query === "string" || query instanceof URLSearchParams) {
    params = new URLSearchParams(query);
  } else if (Array.isArray(query)) {
    params = new URLSearchParams(query as Array<[string, string]>);
  } else {
    params = new URLSearchParams();
    const record = query as Readonly<
      Record<string, QueryValue | readonly QueryValue[]>
    >;
    for (const [name, value] of Object.entries(record)) {
      for (const one of Array.isArray(value) ? value : [value]) {
        params.append(name, String(one));
      }
    }
  }
  const extra = params.toString();
  if (extra === "") return;
  url.search = url.search.length > 1
    ? `${url.search.slice(1)}&${extra}`
    : extra;
}

function mergeHeaders(...sources: Array<HeadersInput | undefined>): Headers {
  const headers = new Headers();
  for (const source of sources) {
    if (source === undefined) continue;
    new Headers(source as Headers).forEach((value, name) =>
      headers.set(name, value)
    );
  }
  return headers;
}

/** The body options as one web body, and the `Content-Type` it implies. */
function bodyOf(
  options: RequestOptions,
): { init: unknown; type?: string; given: string } | undefined {
  const given = (["body", "json", "form", "files"] as const).filter((key) =>
    options[key] !== undefined
  );
  if (
    given.length > 1 &&
    !(given.length === 2 && given[0] === "form" && given[1] === "files")
  ) {
    throw new TypeError(
      `give one of body, json, or form with files, got ${given.join(" and ")}`,
    );
  }
  if (given.length === 0) return undefined;
  if (options.json !== undefined) {
    return {
      init: JSON.stringify(options.json),
      type: "application/json",
      given: "json",
    };
  }
  if (options.body !== undefined) return { init: options.body, given: "body" };
  const fields = Object.entries(options.form ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one) =>
      [name, one] as [string, FormValue]
    )
  );
  const files = Object.entries(options.files ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one) =>
      [name, one] as [string, Blob]
    )
  );
  for (const [name, file] of files) {
    if (!(file instanceof Blob)) {
      throw new TypeError(
        `files.${name} must be a File or a Blob, got ${typeof file}`,
      );
    }
  }
  if (files.length === 0 && fields.every(([, v]) => typeof v === "string")) {
    return {
      init: new URLSearchParams(fields as Array<[string, string]>),
      given: "form",
    };
  }
  const form = new FormData();
  for (const [name, value] of [...fields, ...files]) form.append(name, value);
  return { init: form, given: given.join(" and ") };
}

/** Builds the request's method, URL, headers and body bytes. */
async function prepare(
  method: string,
  url: URL,
  options: RequestOptions,
  defaultHeaders?: HeadersInput,
): Promise<Prepared> {
  appendQuery(url, options.query);
  const headers = mergeHeaders(defaultHeaders, options.headers);
  const body = bodyOf(options);
  let bytes: RequestBody = null;
  if (body !== undefined) {
    method = new Request("http://h/", { method }).method;
    if (method === "GET" || method === "HEAD") {
      throw new TypeError(
        `a ${method} request carries no body, got ${body.given}`,
      );
    }
    if (body.init instanceof ReadableStream) {
      bytes = body.init as ReadableStream<Uint8Array>;
    } else {
      // The platform's encoding: a string as UTF-8, a FormData as multipart.
      const made = new Request("http://h/", {
        method: "POST",
        body: body.init as RequestBodyInit["body"],
      });
      const type = body.type ?? made.headers.get("content-type");
      if (type !== null && !headers.has("content-type")) {
        headers.set("content-type", type);
      }
      bytes = new Uint8Array(await made.arrayBuffer());
      if (!headers.has("content-length")) {
        headers.set("content-length", String(bytes.length));
      }
    }
  }
  return { method, url, headers, body: bytes, cookies: options.cookies };
}

/** The `Cookie` field: the jar's cookies for the URL, then the request's. */
function cookieField(
  prepared: Prepared,
  jar: CookieJar | undefined,
): string {
  const parts: string[] = [];
  const given = prepared.headers.get("cookie");
  if (given !== null) parts.push(given);
  const stored = jar?.header(prepared.url) ?? "";
  if (stored !== "") parts.push(stored);
  for (const [name, value] of Object.entries(prepared.cookies ?? {})) {
    parts.push(`${name}=${value}`);
  }
  return parts.join("; ");
}

/** The web `Request` of a prepared request, with `Cookie` and (in-process) `Host`. */
function toRequest(
  prepared: Prepared,
  jar: CookieJar | undefined,
  inProcess: boolean,
): Request {
  const headers = new Headers(prepared.headers);
  const cookie = cookieField(prepared, jar);
  if (cookie !== "") headers.set("cookie", cookie);
  if (inProcess) {
    if (!headers.has("host")) headers.set("host", prepared.url.host);
  } else {
    // fetch sets these from the URL and the body.
    headers.delete("host");
    headers.delete("content-length");
  }
  const init: RequestBodyInit & { duplex?: string } = {
    method: prepared.method,
    headers,
    body: prepared.body as RequestBodyInit["body"],
  };
  if (prepared.body instanceof ReadableStream) init.duplex = "half";
  return new Request(prepared.url, init);
}

/** What a {@linkcode TestResponse} is made of. */
interface AnswerInit {
  status: string;
  headers: ResponseHeaders;
  body: ReadableStream<Uint8Array> | null;
  url: string;
  finished?: Promise<void>;
  errors?: MemoryErrorStream;
}

const SETTLED: Promise<void> = Promise.resolve();

class Answer implements TestResponse {
  readonly status: string;
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  readonly url: string;
  history: readonly TestResponse[] = [];
  readonly body: ReadableStream<Uint8Array>;
  #finished: Promise<void>;
  #errors?: MemoryErrorStream;
  #bytes?: Uint8Array<ArrayBuffer>;

  constructor(init: AnswerInit) {
    this.status = init.status;
    this.statusCode = Number(init.status.slice(0, 3));
    this.headers = init.headers;
    this.url = init.url;
    this.body = init.body ?? new ReadableStream({ start: (c) => c.close() });
    this.#finished = init.finished ?? SETTLED;
    this.#errors = init.errors;
  }

  get errors(): string {
    return this.#errors?.getValue() ?? "";
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#bytes === undefined) {
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      for await (const chunk of this.#read()) {
        chunks.push(chunk as Uint8Array<ArrayBuffer>);
      }
      this.#bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    }
    return this.#bytes;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const kept = this.#bytes;
    return kept === undefined ? this.#read() : once(kept);
  }

  async close(): Promise<void> {
    if (!this.body.locked) await this.body.cancel();
    await this.#finished;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Reads the body; ending early cancels it. Ends once the app closed. */
  async *#read(): AsyncGenerator<Uint8Array> {
    if (this.body.locked) {
      throw new TypeError(
        "the body is being read already: read a response once (text(), bytes() and json() may be repeated)",
      );
    }
    const reader = this.body.getReader();
    let done = false;
    try {
      while (!done) {
        const chunk = await reader.read();
        done = chunk.done;
        if (!chunk.done && chunk.value.length !== 0) yield chunk.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
      await this.#finished;
    }
  }
}

async function* once(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
}

function statusLine(code: number, reason: string | undefined): string {
  return reason ? `${code} ${reason}` : String(code);
}

/** A `FetchHandler` that keeps what the test wants to see. */
class TestHandler extends FetchHandler {
  /** The status and headers as the app gave them (and the engine completed). */
  sent?: { status: string; headers: Array<[string, string]> };
  /** The first error before the headers went out. */
  failure?: { error: unknown };
  #given?: Readonly<Record<string, unknown>>;

  constructor(
    request: Request,
    errors: ErrorStream,
    options: {
      scriptName?: string;
      environ?: Readonly<Record<string, unknown>>;
      given?: Readonly<Record<string, unknown>>;
    },
  ) {
    super(request, {
      errors,
      scriptName: options.scriptName,
      baseEnviron: options.environ as Record<string, unknown> | undefined,
    });
    this.#given = options.given;
  }

  override setupEnviron(): void {
    if (this.#given === undefined) return super.setupEnviron();
    // runApp: the environ as given (copied: the validator wraps its streams).
    this.environ = { ...this.#given } as WSGIEnvironment;
  }

  override sendHeaders(): Promise<void> {
    const sent = super.sendHeaders();
    this.sent = { status: this.status!, headers: this.headers!.items() };
    return sent;
  }

  override logException(error: unknown): void {
    if (!this.headersSent) this.failure ??= { error };
    super.logException(error);
  }

  /** Runs `app` and makes the test's response. */
  async answer(
    app: WSGIApplication,
    throwErrors: boolean,
    errors: MemoryErrorStream | undefined,
  ): Promise<Answer> {
    const response = await this.respond(app);
    if (throwErrors && this.failure !== undefined) {
      await response.body?.cancel();
      await this.finished;
      throw this.failure.error;
    }
    const sent = this.sent;
    return new Answer({
      status: sent?.status ??
        statusLine(response.status, REASONS[response.status]),
      headers: new ResponseHeaders(sent?.headers ?? [...response.headers]),
      body: response.body,
      url: this.request.url,
      finished: this.finished,
      errors,
    });
  }
}

function checked(
  app: WSGIApplication,
  validate: boolean | ValidatorOptions | undefined,
): WSGIApplication {
  if (typeof app !== "function") {
    throw new TypeError(
      `a WSGI application (a function) is needed, got ${typeof app}`,
    );
  }
  return validate === false
    ? app
    : validator(app, validate === true ? {} : validate);
}

/**
 * Builds a complete environ, as a server would for the request described:
 * the method, the path and query, headers as `HTTP_*`, the body in
 * `wsgi.input` with its `CONTENT_TYPE` and `CONTENT_LENGTH`, cookies in
 * `HTTP_COOKIE`, the scheme, host and mount point (werkzeug's
 * `EnvironBuilder`). The environ passes `validator`.
 *
 * @param options The request: `method`, `path`, `query`, `headers`, one
 *   of `body`, `json`, `form` (with `files`), `cookies`, `scheme`, `host`,
 *   `scriptName`, `environ`, `errors`.
 * @returns The environ.
 * @throws {TypeError} If more than one body is given, a body is given to
 *   `GET` or `HEAD`, or a file is not a `Blob`.
 * @throws {RangeError} If `scheme` is not `http` or `https`, the path does
 *   not start with `/`, or `scriptName` does not start with `/` or ends
 *   with one.
 *
 * @example Usage
 * ```ts
 * import { buildEnviron } from "@wsgi/wsgiref/testing";
 * import assert from "node:assert/strict";
 *
 * const environ = await buildEnviron({
 *   method: "POST",
 *   path: "/caf%C3%A9?a=1",
 *   query: { b: 2 },
 *   form: { name: "Ada" },
 *   scriptName: "/app",
 * });
 * assert.equal(environ.SCRIPT_NAME, "/app");
 * assert.equal(environ.PATH_INFO, "/caf\xc3\xa9"); // one code point per byte
 * assert.equal(environ.QUERY_STRING, "a=1&b=2");
 * assert.equal(environ.CONTENT_TYPE, "application/x-www-form-urlencoded;charset=UTF-8");
 * assert.equal(environ.CONTENT_LENGTH, "8");
 * assert.equal(new TextDecoder().decode(await environ["wsgi.input"].read()), "name=Ada");
 * ```
 */
export async function buildEnviron(
  options: EnvironOptions = {},
): Promise<WSGIEnvironment> {
  const scriptName = mountPrefix({ scriptName: options.scriptName });
  const base = `${checkScheme(options.scheme)}://${
    options.host ?? "localhost"
  }${scriptName}`;
  const url = resolvePath(options.path ?? "/", base);
  const prepared = await prepare(options.method ?? "GET", url, options);
  const handler = new FetchHandler(toRequest(prepared, undefined, true), {
    errors: options.errors ?? new MemoryErrorStream(),
    baseEnviron: options.environ as Record<string, unknown> | undefined,
  });
  handler.setupEnviron();
  const environ = handler.environ!;
  if (
    scriptName !== "" &&
    !mountAt(environ as Record<string, unknown>, scriptName)
  ) {
    throw new RangeError(
      `the path ${JSON.stringify(url.pathname)} is outside scriptName ${
        JSON.stringify(scriptName)
      }`,
    );
  }
  return environ;
}

/**
 * Runs `app` for `environ` and answers with its status, headers and
 * streamed body (werkzeug's `run_wsgi_app`), through the package's engine:
 * the body is closed once it is read or the response is closed.
 *
 * @param app The WSGI application.
 * @param environ The environ, used as given (a shallow copy).
 * @param options `validate` (default `true`), `throwErrors` (default `true`).
 * @returns The response.
 * @throws {TypeError} If `app` is not a function.
 *
 * @example Usage
 * ```ts
 * import { buildEnviron, runApp } from "@wsgi/wsgiref/testing";
 * import assert from "node:assert/strict";
 *
 * const response = await runApp((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(environ.PATH_INFO)];
 * }, await buildEnviron({ path: "/hello" }));
 * assert.equal(response.status, "200 OK");
 * assert.equal(response.headers.get("content-type"), "text/plain");
 * assert.equal(await response.text(), "/hello");
 * ```
 */
export function runApp(
  app: WSGIApplication,
  environ: Readonly<WSGIEnvironment>,
  options: RunAppOptions = {},
): Promise<TestResponse> {
  const run = checked(app, options.validate);
  const errors = environ["wsgi.errors"];
  const handler = new TestHandler(
    new Request("http://localhost/"),
    errors ?? new MemoryErrorStream(),
    { given: environ },
  );
  return handler.answer(
    run,
    options.throwErrors ?? true,
    errors instanceof MemoryErrorStream ? errors : undefined,
  );
}

/**
 * A test client: sends requests to a WSGI app in-process (werkzeug's
 * `Client`), or to a running server when given its URL, and answers with a
 * {@linkcode TestResponse} either way.
 *
 * It keeps cookies across requests (`cookies`, RFC 6265), and follows
 * redirects when asked (RFC 9110 15.4, as `fetch` does): `303` turns any
 * method but `HEAD` into a body-less `GET`, `301` and `302` turn `POST`
 * into `GET`, `307` and `308` repeat the method and body. In-process, the
 * app is wrapped in `validator`, and its errors reject the request.
 *
 * @example Usage
 * ```ts
 * import { Client } from "@wsgi/wsgiref/testing";
 * import assert from "node:assert/strict";
 *
 * const client = new Client((environ, startResponse) => {
 *   if (environ.PATH_INFO === "/login") {
 *     startResponse("303 See Other", [["Location", "/"], ["Set-Cookie", "user=ada; HttpOnly"]]);
 *     return [];
 *   }
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(`hello ${environ.HTTP_COOKIE}`)];
 * });
 * const response = await client.post("/login", { form: { user: "ada" }, followRedirects: true });
 * assert.equal(await response.text(), "hello user=ada");
 * assert.deepEqual(response.history.map((r) => r.statusCode), [303]);
 * assert.equal(client.cookies.get("user")?.httpOnly, true);
 * ```
 *
 * @example Over HTTP
 * ```ts ignore
 * import { Client } from "@wsgi/wsgiref/testing";
 *
 * const client = new Client("http://127.0.0.1:8000");
 * const response = await client.get("/");
 * console.log(response.status, await response.text());
 * ```
 */
export class Client {
  /** The cookies kept across requests. */
  readonly cookies: CookieJar = new CookieJar();
  #app?: WSGIApplication;
  #base: string;
  #scriptName: string;
  #options: ClientOptions;

  /**
   * Makes a client for `target`.
   *
   * @param target A WSGI app (in-process), or a server's URL (its path, if
   *   any, prefixes every request's).
   * @param options `headers`, `followRedirects`, `maxRedirects`,
   *   `useCookies`; in-process also `scheme`, `host`, `scriptName`,
   *   `environ`, `validate`, `throwErrors`.
   * @throws {TypeError} If `target` is neither a function nor a URL, or
   *   in-process options are given with a URL.
   * @throws {RangeError} If `scheme` is not `http` or `https`,
   *   `maxRedirects` is not a non-negative integer, or `scriptName` does
   *   not start with `/` or ends with one.
   */
  constructor(
    target: WSGIApplication | string | URL,
    options: ClientOptions = {},
  ) {
    this.#options = options;
    const max = options.maxRedirects;
    if (max !== undefined && !(Number.isInteger(max) && max >= 0)) {
      throw new RangeError(
        `maxRedirects must be a non-negative integer, got ${String(max)}`,
      );
    }
    if (typeof target === "function") {
      this.#app = checked(target, options.validate);
      this.#scriptName = mountPrefix({ scriptName: options.scriptName });
      this.#base = `${checkScheme(options.scheme)}://${
        options.host ?? "localhost"
      }${this.#scriptName}`;
      return;
    }
    if (typeof target !== "string" && !(target instanceof URL)) {
      throw new TypeError(
        `Client needs a WSGI application or a server's URL, got ${typeof target}`,
      );
    }
    const appOnly = (
      [
        "scheme",
        "host",
        "scriptName",
        "environ",
        "validate",
        "throwErrors",
      ] as const
    ).filter((key) => options[key] !== undefined);
    if (appOnly.length !== 0) {
      throw new TypeError(
        `${
          appOnly.join(", ")
        }: options of an in-process client, not of one given a URL`,
      );
    }
    const url = new URL(target);
    this.#scriptName = "";
    this.#base = url.origin + url.pathname.replace(/\/$/, "");
  }

  /**
   * Sends a `GET` request.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options The request: `headers`, `query`, `cookies`, `followRedirects`.
   * @returns The response.
   */
  get(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request(path, { ...options, method: "GET" });
  }

  /**
   * Sends a `POST` request.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options The request: `headers`, `query`, `body`, `json`, `form`,
   *   `files`, `cookies`, `followRedirects`.
   * @returns The response.
   */
  post(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request(path, { ...options, method: "POST" });
  }

  /**
   * Sends a `PUT` request.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options As for {@linkcode Client.post}.
   * @returns The response.
   */
  put(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request(path, { ...options, method: "PUT" });
  }

  /**
   * Sends a `PATCH` request.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options As for {@linkcode Client.post}.
   * @returns The response.
   */
  patch(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request(path, { ...options, method: "PATCH" });
  }

  /**
   * Sends a `DELETE` request.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options As for {@linkcode Client.post}.
   * @returns The response.
   */
  delete(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request(path, { ...options, method: "DELETE" });
  }

  /**
   * Sends a `HEAD` request.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options As for {@linkcode Client.get}.
   * @returns The response (its body is empty).
   */
  head(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request(path, { ...options, method: "HEAD" });
  }

  /**
   * Sends an `OPTIONS` request.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options As for {@linkcode Client.post}.
   * @returns The response.
   */
  options(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request(path, { ...options, method: "OPTIONS" });
  }

  /**
   * Sends a request with any method.
   *
   * @param path The path (with a query), or an absolute URL.
   * @param options The request, with its `method` (default `GET`).
   * @returns The response; with `followRedirects`, the last one, the
   *   redirects in its `history`.
   * @throws {TypeError} If more than one body is given, a body is given to
   *   `GET` or `HEAD`, or a `307`/`308` would repeat a streamed body.
   * @throws {RangeError} If the path does not start with `/`, or more than
   *   `maxRedirects` redirects would be followed.
   * @throws {Error} In-process, the app's error before its headers (unless
   *   `throwErrors: false`): a `validator` `AssertionError` names the rule.
   */
  async request(
    path: string,
    options: ClientRequestOptions & { method?: string } = {},
  ): Promise<TestResponse> {
    const url = resolvePath(path, this.#base);
    let prepared = await prepare(
      options.method ?? "GET",
      url,
      options,
      this.#options.headers,
    );
    const follow = options.followRedirects ?? this.#options.followRedirects ??
      false;
    const max = this.#options.maxRedirects ?? 20;
    const history: Answer[] = [];
    for (;;) {
      const response = await this.#send(prepared);
      const location = response.headers.get("Location");
      if (
        !follow || !REDIRECTS.has(response.statusCode) || location === undefined
      ) {
        response.history = history;
        return response;
      }
      await response.close();
      history.push(response);
      if (history.length > max) {
        const chain = history.slice(-4).map((r) => `${r.statusCode} ${r.url}`);
        throw new RangeError(
          `more than ${max} redirects (maxRedirects), the last: ${
            chain.join(" -> ")
          } -> ${new URL(location, prepared.url).href}`,
        );
      }
      prepared = redirected(
        prepared,
        response.statusCode,
        new URL(location, prepared.url),
      );
    }
  }

  /** Sends one request, in-process or over HTTP, and stores its cookies. */
  async #send(prepared: Prepared): Promise<Answer> {
    const jar = this.#options.useCookies === false ? undefined : this.cookies;
    const app = this.#app;
    const request = toRequest(prepared, jar, app !== undefined);
    let response: Answer;
    if (app !== undefined) {
      const errors = new MemoryErrorStream();
      const handler = new TestHandler(request, errors, {
        scriptName: this.#scriptName,
        environ: this.#options.environ,
      });
      response = await handler.answer(
        app,
        this.#options.throwErrors ?? true,
        errors,
      );
    } else {
      const fetched = await fetch(request, { redirect: "manual" });
      const pairs: Array<[string, string]> = [];
      fetched.headers.forEach((value, name) => {
        if (name !== "set-cookie") pairs.push([name, value]);
      });
      for (const value of fetched.headers.getSetCookie()) {
        pairs.push(["set-cookie", value]);
      }
      response = new Answer({
        status: statusLine(
          fetched.status,
          fetched.statusText || REASONS[fetched.status],
        ),
        headers: new ResponseHeaders(pairs),
        body: fetched.body,
        url: prepared.url.href,
      });
    }
    if (jar !== undefined) {
      for (const value of response.headers.getAll("Set-Cookie")) {
        jar.store(value, prepared.url);
      }
    }
    return response;
  }
}

/** The request a redirect asks for (RFC 9110 15.4; the fetch standard's rules). */
function redirected(prepared: Prepared, code: number, url: URL): Prepared {
  const headers = new Headers(prepared.headers);
  let { method, body } = prepared;
  if (
    (code === 303 && method !== "HEAD" && method !== "GET") ||
    ((code === 301 || code === 302) && method === "POST")
  ) {
    method = "GET";
    body = null;
    for (const name of BODY_HEADERS) headers.delete(name);
  } else if (body instanceof ReadableStream) {
    throw new TypeError(
      `a ${code} redirect repeats the request's body, which was a stream: give it as bytes or a string to follow it`,
    );
  }
  if (url.origin !== prepared.url.origin) headers.delete("authorization");
  return {
    method,
    url,
    headers,
    body: body ?? null,
    cookies: prepared.cookies,
  };
}
