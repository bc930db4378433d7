// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A FastCGI 1.0 responder: {@linkcode serveFastCGI} serves a WSGI app to a
 * web server (nginx's `fastcgi_pass`, lighttpd's `mod_fastcgi`, Apache's
 * `mod_proxy_fcgi`) on a TCP port or a Unix socket, on Deno and Node alike
 * (`node:net`).
 *
 * - Each request runs on the same engine as every other handler: `PARAMS`
 *   become the environ (each byte one code point, as PEP 3333 wants),
 *   `STDIN` is `wsgi.input`, the response goes out in `STDOUT` records as
 *   the app produces it, `wsgi.errors` in `STDERR` records (the web
 *   server's error log), and `END_REQUEST` carries the app's status (`0`,
 *   or `1` after an error of the app).
 * - Several requests may share a connection (`FCGI_MPXS_CONNS` is `1`), and
 *   a connection is kept when the web server asks (`FCGI_KEEP_CONN`).
 * - `ABORT_REQUEST` ends the request at once: `END_REQUEST` goes out, the
 *   app's writes fail, its body is closed once, and
 *   `environ["wsgiref.signal"]` aborts.
 * - Memory stays bounded although FastCGI has no flow control: a request
 *   holds at most `maxStdinBuffer` bytes of `STDIN` (plus one record) that
 *   its app has not read. When the next record is `STDIN` for a request
 *   that is full, the server stops reading the connection until that app
 *   reads (or finishes, or the request is aborted). Records that came
 *   before it were handled, and every request's output goes on; but the
 *   other requests' later input waits behind it, since one TCP stream
 *   cannot be read out of order.
 * - Only peers on `allow` may connect (default: loopback); Unix socket
 *   peers always may. A record that breaks the protocol (another version,
 *   a bad length, a `PARAMS` stream over `maxParamsSize`, a connection
 *   cut inside a record) closes that connection and is logged; the server
 *   goes on. A record of a type it does not know gets `UNKNOWN_TYPE`, as
 *   the specification says, and the connection goes on.
 *
 * @example Usage
 * ```ts
 * import { serveFastCGI } from "@wsgi/wsgiref/fastcgi";
 * import assert from "node:assert/strict";
 *
 * await using server = await serveFastCGI((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("Hello from FastCGI")];
 * }, { port: 0 });
 * assert.ok(server.port! > 0); // nginx: fastcgi_pass 127.0.0.1:PORT;
 * ```
 *
 * @module
 */

import { BaseHandler, RESOLVED } from "./_base_handler.ts";
import { STDERR as PROCESS_STDERR } from "./_error_stream.ts";
import { ClientDisconnectedError } from "./_errors.ts";
import {
  ABORT_REQUEST,
  BEGIN_REQUEST,
  DATA,
  decodePairs,
  encodePairs,
  encodeRecords,
  endRequest,
  FastCGIProtocolError,
  GET_VALUES,
  GET_VALUES_RESULT,
  KEEP_CONN,
  OVERLOADED,
  PARAMS,
  RecordReader,
  REQUEST_COMPLETE,
  RESPONDER,
  STDERR,
  STDIN,
  STDOUT,
  UNKNOWN_ROLE,
  unknownType,
} from "./_fastcgi_records.ts";
import { contentLength } from "./_http.ts";
import { WSGIInput } from "./_input.ts";
import { listenNet, type NetListener, type NetSocket } from "./_runtime_net.ts";
import type { ErrorStream, InputStream, WSGIApplication } from "./types.ts";

/** Options of {@linkcode serveFastCGI}: a `port` or a `path`, and limits. */
export interface FastCGIOptions {
  /** The TCP port to listen on; `0` picks a free one. */
  port?: number;
  /** The address to listen on with `port`. @default {"127.0.0.1"} */
  hostname?: string;
  /** A Unix socket's path to listen on, instead of `port`. */
  path?: string;
  /**
   * The peers that may connect: IP addresses and CIDR blocks
   * (`"10.0.0.0/8"`, `"::1"`). Unix socket peers always may.
   * @default {["127.0.0.0/8", "::1"]}
   */
  allow?: string[];
  /** `FCGI_MAX_CONNS`: connections at once; more are closed. @default {100} */
  maxConnections?: number;
  /**
   * `FCGI_MAX_REQS`: requests at once, over all connections; more get
   * `END_REQUEST` with `FCGI_OVERLOADED`.
   * @default {1000}
   */
  maxRequests?: number;
  /** Bytes of `STDIN` a request may hold unread before the connection waits. @default {65536} */
  maxStdinBuffer?: number;
  /** Bytes a request's `PARAMS` may take; more closes the connection. @default {1048576} */
  maxParamsSize?: number;
  /** Where the server logs refused peers and protocol errors. @default {the process's stderr} */
  errors?: ErrorStream;
  /** Milliseconds `shutdown()` lets running requests finish. @default {10000} */
  gracePeriod?: number;
  /** Aborting it is `shutdown()`. */
  signal?: AbortSignal;
}

const DEFAULT_ALLOW = ["127.0.0.0/8", "::1"];
/** Bytes queued for a connection that are written at once, not at the turn's end. */
const FLUSH_AT = 64 * 1024;

// ---------------------------------------------------------------------------
// The allow-list

/** An address as bytes: 4 for IPv4 (IPv4-mapped IPv6 too), 16 for IPv6. */
function parseAddress(text: string): Uint8Array | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const bytes = v4.slice(1).map(Number);
    return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : undefined;
  }
  if (!text.includes(":") || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const four = parseAddress(dotted[1]);
    if (four?.length !== 4) return undefined;
    tail = [four[0] << 8 | four[1], four[2] << 8 | four[3]];
    text = text.slice(0, dotted.index + 1) + "0";
    tail.length && (text = text.slice(0, -2) || ":");
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => part === "" ? [] : part.split(":");
  const head = groups(halves[0]), rest = groups(halves[1] ?? "");
  if (
    [...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))
  ) return undefined;
  const missing = 8 - head.length - rest.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const words = [
    ...head.map((g) => parseInt(g, 16)),
    ...new Array(halves.length === 1 ? 0 : missing).fill(0),
    ...rest.map((g) => parseInt(g, 16)),
    ...tail,
  ];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  // ::ffff:a.b.c.d is the IPv4 peer a.b.c.d (a dual-stack listener's view).
  if (
    bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff &&
    bytes[11] === 0xff
  ) return bytes.slice(12);
  return bytes;
}

interface Block {
  bytes: Uint8Array;
  bits: number;
}

function parseBlock(entry: string): Block {
  const [address, prefix, extra] = String(entry).split("/");
  const bytes = parseAddress(address);
  const max = bytes ? bytes.length * 8 : 0;
  const bits = prefix === undefined ? max : Number(prefix);
  if (
    !bytes || extra !== undefined || !/^\d*$/.test(prefix ?? "") ||
    prefix === "" || !Number.isInteger(bits) || bits > max
  ) {
    throw new TypeError(
      `allow entries must be IP addresses or CIDR blocks ("10.0.0.0/8", "::1"), got ${
        JSON.stringify(entry)
      }`,
    );
  }
  return { bytes, bits };
}

function allowed(blocks: Block[], address: string | undefined): boolean {
  if (address === undefined) return true; // a Unix socket
  const bytes = parseAddress(address);
  if (!bytes) return false;
  return blocks.some(({ bytes: block, bits }) => {
    if (block.length !== bytes.length) return false;
    let i = 0;
    for (; bits >= 8; bits -= 8, i++) if (block[i] !== bytes[i]) return false;
    return bits === 0 || ((block[i] ^ bytes[i]) >> (8 - bits)) === 0;
  });
}

// ---------------------------------------------------------------------------
// Options

function checkCount(
  value: number | undefined,
  name: string,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(
      `${name} must be an integer of at least ${min}, got ${value}`,
    );
  }
  return value;
}

interface Settings {
  blocks: Block[];
  maxConnections: number;
  maxRequests: number;
  maxStdinBuffer: number;
  maxParamsSize: number;
  errors: ErrorStream;
}

// ---------------------------------------------------------------------------
// One request

const encoder = new TextEncoder();

/**
 * A request on a connection: its `PARAMS` while they arrive, its `STDIN`
 * until the app reads it, and its output records.
 */
class FastCGIRequest {
  readonly id: number;
  readonly keepConn: boolean;
  readonly #connection: Connection;
  #params: Uint8Array[] = [];
  #paramsSize = 0;
  started = false;
  /** Counted in the server's running requests. */
  admitted = false;
  /** END_REQUEST was sent (or the connection is gone): no more output. */
  done = false;
  appStatus = 0;
  #stdin: Uint8Array[] = [];
  /** Bytes of STDIN held for the app. */
  buffered = 0;
  #stdinEnded = false;
  /** The app stopped reading (its input hit CONTENT_LENGTH): drop the rest. */
  #discard = false;
  #wake?: () => void;
  #stderrUsed = false;
  #controller?: AbortController;

  constructor(connection: Connection, id: number, keepConn: boolean) {
    this.#connection = connection;
    this.id = id;
    this.keepConn = keepConn;
  }

  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  /** Whether the next STDIN record must wait until the app reads. */
  get stdinFull(): boolean {
    return !this.#discard && this.buffered >= this.#connection.maxStdinBuffer;
  }

  addParams(content: Uint8Array, limit: number): boolean {
    if (content.length === 0) return true;
    this.#paramsSize += content.length;
    if (this.#paramsSize > limit) {
      throw new FastCGIProtocolError(
        `a request's FastCGI PARAMS must take at most maxParamsSize (${limit} bytes), got more`,
      );
    }
    this.#params.push(new Uint8Array(content)); // a copy: Buffer#slice is a view
    return false;
  }

  /** The environ's CGI variables, from `PARAMS`. */
  takeParams(): Record<string, string> {
    const params = this.#params;
    const all = params.length === 1 ? params[0] : concat(params);
    this.#params = [];
    const vars: Record<string, string> = {};
    for (const [name, value] of decodePairs(all)) vars[name] = value;
    return vars;
  }

  addStdin(content: Uint8Array): void {
    if (content.length === 0) this.#stdinEnded = true;
    else if (!this.#discard) {
      this.#stdin.push(new Uint8Array(content));
      this.buffered += content.length;
      this.#connection.inputChanged(content.length);
    }
    this.#wakeReader();
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #drop(): void {
    this.#connection.inputChanged(-this.buffered);
    this.#stdin = [];
    this.buffered = 0;
  }

  /** `STDIN` as a stream the app pulls: each pull frees room. */
  stdinStream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (
          this.#stdin.length === 0 && !this.#stdinEnded && !this.done
        ) {
          await new Promise<void>((resolve) => this.#wake = resolve);
        }
        const chunk = this.#stdin.shift();
        if (chunk !== undefined) {
          this.buffered -= chunk.length;
          this.#connection.inputChanged(-chunk.length);
          this.#connection.stdinTaken(this);
          controller.enqueue(chunk);
        } else if (this.#stdinEnded) controller.close();
        else controller.error(new ClientDisconnectedError());
      },
      cancel: () => {
        this.#discard = true;
        this.#drop();
        this.#connection.stdinTaken(this);
      },
    }, { highWaterMark: 0 });
  }

  /** Sends `data` as records of stream `type`. */
  send(type: number, data: Uint8Array): Promise<void> {
    if (this.done) return Promise.reject(new ClientDisconnectedError());
    if (type === STDERR) this.#stderrUsed = true;
    return this.#connection.send(encodeRecords(type, this.id, data));
  }

  /**
   * Ends the request: the streams' closing records and `END_REQUEST`
   * (unless `sendEnd` is false: the connection is gone), then frees it.
   */
  end(protocolStatus = REQUEST_COMPLETE, sendEnd = true): void {
    if (this.done) return;
    this.done = true;
    if (sendEnd) {
      const parts: Uint8Array[] = [];
      if (this.started) {
        parts.push(encodeRecords(STDOUT, this.id));
        if (this.#stderrUsed) parts.push(encodeRecords(STDERR, this.id));
      }
      parts.push(endRequest(this.id, this.appStatus, protocolStatus));
      this.#connection.send(parts.length === 1 ? parts[0] : concat(parts))
        .catch(() => {});
    }
    this.#drop();
    this.#wakeReader();
    this.#connection.requestEnded(this);
  }

  /** `ABORT_REQUEST`, or the connection lost: the app is told. */
  abort(sendEnd: boolean): void {
    if (this.done) return;
    this.end(REQUEST_COMPLETE, sendEnd);
    this.#controller?.abort(new ClientDisconnectedError());
  }
}

/** `wsgi.errors` as `STDERR` records of one request. */
class RecordErrorStream implements ErrorStream {
  readonly #request: FastCGIRequest;

  constructor(request: FastCGIRequest) {
    this.#request = request;
  }

  write(s: string): void {
    const text = String(s);
    if (text === "" || this.#request.done) return;
    this.#request.send(STDERR, encoder.encode(text)).catch(() => {});
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  flush(): void {}
}

// The keys PEP 3333 requires, where a web server left them out (as flup).
const REQUIRED_DEFAULTS: Record<string, string> = {
  REQUEST_METHOD: "GET",
  SCRIPT_NAME: "",
  PATH_INFO: "",
  QUERY_STRING: "",
  SERVER_NAME: "localhost",
  SERVER_PORT: "80",
  SERVER_PROTOCOL: "HTTP/1.0",
};

/** `wsgi.input`, made on first use: most requests never read a body. */
class LazyInput implements InputStream {
  readonly #make: () => InputStream;
  #input?: InputStream;

  constructor(make: () => InputStream) {
    this.#make = make;
  }

  #get(): InputStream {
    return this.#input ??= this.#make();
  }

  read(size?: number): Promise<Uint8Array<ArrayBuffer>> {
    return this.#get().read(size);
  }

  readline(size?: number): Promise<Uint8Array<ArrayBuffer>> {
    return this.#get().readline(size);
  }

  readlines(hint?: number): Promise<Uint8Array<ArrayBuffer>[]> {
    return this.#get().readlines(hint);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array<ArrayBuffer>> {
    return this.#get()[Symbol.asyncIterator]();
  }
}

/** The engine for one FastCGI request: CGI output in `STDOUT` records. */
class FastCGIHandler extends BaseHandler {
  override originServer: boolean = false;
  override wsgiMultiprocess: boolean = false;
  readonly #request: FastCGIRequest;
  readonly #vars: Record<string, string>;
  #input?: InputStream;
  #errors?: ErrorStream;
  /** The `Status:` line and headers, sent with the first body bytes. */
  #head?: Uint8Array;

  constructor(request: FastCGIRequest, vars: Record<string, string>) {
    super();
    this.#request = request;
    this.#vars = vars;
  }

  override addCgiVars(): void {
    const environ = this.environ!;
    Object.assign(environ, REQUIRED_DEFAULTS, this.#vars);
    environ["wsgi.input_terminated"] = true;
    const request = this.#request;
    Object.defineProperty(environ, "wsgiref.signal", {
      get: () => request.signal,
      enumerable: true,
      configurable: true,
    });
  }

  override getStdin(): InputStream {
    return this.#input ??= new LazyInput(() =>
      new WSGIInput(this.#request.stdinStream(), {
        limit: contentLength(this.#vars),
      })
    );
  }

  override getStderr(): ErrorStream {
    return this.#errors ??= new RecordErrorStream(this.#request);
  }

  /** Holds the `Status:` line and the headers for the first body bytes. */
  override sendHeaders(): Promise<void> {
    this.cleanupHeaders();
    this.headersSent = true;
    const status = `Status: ${this.status}\r\n`;
    const headers = this.headers!.toBytes();
    const head = new Uint8Array(status.length + headers.length);
    for (let i = 0; i < status.length; i++) head[i] = status.charCodeAt(i);
    head.set(headers, status.length);
    this.#head = head;
    return RESOLVED;
  }

  override _write(data: Uint8Array): Promise<void> {
    const head = this.#head;
    if (head === undefined) return this.#request.send(STDOUT, data);
    this.#head = undefined;
    return this.#request.send(STDOUT, concat([head, data]));
  }

  override _flush(): Promise<void> {
    return RESOLVED;
  }

  /** Sends what is held back (a response with no body). */
  flushHead(): Promise<void> {
    const head = this.#head;
    this.#head = undefined;
    if (head === undefined || this.#request.done) return RESOLVED;
    return this.#request.send(STDOUT, head);
  }

  override handleError(error: unknown): Promise<void> {
    this.#request.appStatus = 1;
    return super.handleError(error);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// One connection

/** A web server's connection: its records in, the responses out. */
class Connection {
  readonly #server: Responder;
  readonly #socket: NetSocket;
  readonly #settings: Settings;
  readonly #reader = new RecordReader();
  readonly #requests = new Map<number, FastCGIRequest>();
  /** The request whose full STDIN stopped the reading. */
  #blockedOn?: FastCGIRequest;
  #drain?: { promise: Promise<void>; resolve(): void; reject(e: Error): void };
  /** The last write found the socket's buffer full: senders wait for drain. */
  #needDrain = false;
  /** Bytes queued by `send` in this turn. */
  #out: Uint8Array[] = [];
  #outLength = 0;
  #flushQueued = false;
  closed = false;
  #ending = false;
  /** Bytes in the reader, as last counted in `bufferedInput`. */
  #unparsed = 0;
  #paused = false;

  constructor(server: Responder, socket: NetSocket) {
    this.#server = server;
    this.#socket = socket;
    this.#settings = server.settings;
    socket.on("data", (chunk) => this.#onData(chunk));
    socket.on("drain", () => this.#onDrain());
    socket.on("end", () => {
      if (this.#reader.buffered > 0) {
        this.#fail(
          new FastCGIProtocolError(
            "a FastCGI record must arrive whole, got a connection closed inside one",
          ),
        );
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => this.#onClose());
  }

  get maxStdinBuffer(): number {
    return this.#settings.maxStdinBuffer;
  }

  get idle(): boolean {
    return this.#requests.size === 0;
  }

  inputChanged(delta: number): void {
    this.#server.bufferedInput += delta;
  }

  /** The app took STDIN from `request`: read on if it was the one waited for. */
  stdinTaken(request: FastCGIRequest): void {
    if (this.#blockedOn !== request || request.stdinFull) return;
    this.#blockedOn = undefined;
    if (this.closed) return;
    this.#process();
    this.#countUnparsed();
  }

  /**
   * Queues `bytes` for the connection: what is queued in one turn goes out
   * in one write (a response's records, the answers to one read), as a
   * socket's `cork()` on Deno costs a slow `writev`.
   */
  send(bytes: Uint8Array): Promise<void> {
    if (this.closed || this.#socket.destroyed) {
      return Promise.reject(new ClientDisconnectedError());
    }
    this.#out.push(bytes);
    this.#outLength += bytes.length;
    if (this.#outLength >= FLUSH_AT) this.#flush();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushQueuedOut);
    }
    if (!this.#needDrain) return RESOLVED;
    if (this.#drain === undefined) {
      let resolve!: () => void, reject!: (e: Error) => void;
      const promise = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      promise.catch(() => {});
      this.#drain = { promise, resolve, reject };
    }
    return this.#drain.promise;
  }

  readonly #flushQueuedOut = (): void => {
    this.#flushQueued = false;
    this.#flush();
  };

  /** Writes what is queued, in one piece. */
  #flush(): void {
    const out = this.#out;
    if (out.length === 0) return;
    const bytes = out.length === 1 ? out[0] : concat(out);
    this.#out = [];
    this.#outLength = 0;
    if (this.#socket.destroyed) return;
    if (!this.#socket.write(bytes)) this.#needDrain = true;
  }

  #onDrain(): void {
    this.#needDrain = false;
    const drain = this.#drain;
    this.#drain = undefined;
    drain?.resolve();
  }

  #onData(chunk: Uint8Array): void {
    if (this.closed) return;
    this.#reader.push(chunk);
    this.#process();
    this.#countUnparsed();
  }

  /** Keeps the server's `bufferedInput` up to date with the reader's bytes. */
  #countUnparsed(): void {
    const now = this.closed ? 0 : this.#reader.buffered;
    this.inputChanged(now - this.#unparsed);
    this.#unparsed = now;
  }

  #process(): void {
    if (this.#blockedOn !== undefined) return;
    const reader = this.#reader;
    try {
      for (;;) {
        if (this.closed) return;
        const header = reader.peek();
        if (header === undefined) {
          // Read on only once what was read is parsed: the reader then
          // holds less than a record (and what one read brings).
          if (this.#paused) {
            this.#paused = false;
            this.#socket.resume();
          }
          return;
        }
        if (header.type === STDIN) {
          const request = this.#requests.get(header.requestId);
          if (request?.stdinFull) {
            this.#blockedOn = request;
            if (!this.#paused) {
              this.#paused = true;
              this.#socket.pause();
            }
            return;
          }
        }
        reader.take(header);
        this.#handle(header.type, header.requestId, reader.content);
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #handle(type: number, id: number, content: Uint8Array): void {
    if (type === GET_VALUES && id === 0) return this.#getValues(content);
    const known = type === BEGIN_REQUEST || type === ABORT_REQUEST ||
      type === PARAMS || type === STDIN || type === DATA;
    if (!known) {
      this.send(unknownType(type)).catch(() => {});
      return;
    }
    if (id === 0) {
      throw new FastCGIProtocolError(
        `a FastCGI record of type ${type} must carry a request ID, got 0`,
      );
    }
    if (type === BEGIN_REQUEST) return this.#begin(id, content);
    const request = this.#requests.get(id);
    // Records of a request that is not active are ignored (one that ended
    // or was aborted may still have some on the way).
    if (request === undefined) return;
    if (type === PARAMS) {
      if (request.started) return;
      if (request.addParams(content, this.#settings.maxParamsSize)) {
        this.#start(request);
      }
    } else if (type === STDIN) {
      if (!request.started) {
        throw new FastCGIProtocolError(
          `FastCGI STDIN must follow the end of PARAMS, got it before for request ${id}`,
        );
      }
      request.addStdin(content);
    } else if (type === ABORT_REQUEST) request.abort(true);
    // DATA is the Filter role's stream: a responder has none.
  }

  #begin(id: number, content: Uint8Array): void {
    if (content.length !== 8) {
      throw new FastCGIProtocolError(
        `a FastCGI BEGIN_REQUEST record must hold 8 bytes, got ${content.length}`,
      );
    }
    if (this.#requests.has(id)) {
      throw new FastCGIProtocolError(
        `a FastCGI BEGIN_REQUEST must name a request ID not in use, got ${id} again`,
      );
    }
    const role = content[0] << 8 | content[1];
    const request = new FastCGIRequest(
      this,
      id,
      (content[2] & KEEP_CONN) !== 0,
    );
    this.#requests.set(id, request);
    if (role !== RESPONDER) request.end(UNKNOWN_ROLE);
    else if (!this.#server.admit()) request.end(OVERLOADED);
    else request.admitted = true;
  }

  #start(request: FastCGIRequest): void {
    request.started = true;
    const handler = new FastCGIHandler(request, request.takeParams());
    const finish = () => {
      const flushed = handler.flushHead();
      const end = () => request.end();
      if (flushed === RESOLVED) end();
      else flushed.then(end, end);
    };
    const done = handler.run(this.#server.app);
    if (done === RESOLVED) finish();
    else {
      done.then(finish, (error) => {
        request.appStatus = 1;
        this.#server.log(
          `FastCGI: request ${request.id} failed while handling an error: ${
            error instanceof Error ? error.stack : String(error)
          }\n`,
        );
        finish();
      });
    }
  }

  #getValues(content: Uint8Array): void {
    const values: Record<string, string> = {
      FCGI_MAX_CONNS: String(this.#settings.maxConnections),
      FCGI_MAX_REQS: String(this.#settings.maxRequests),
      FCGI_MPXS_CONNS: "1",
    };
    const answer: Array<[string, string]> = [];
    for (const [name] of decodePairs(content)) {
      if (Object.hasOwn(values, name)) answer.push([name, values[name]]);
    }
    this.send(encodeRecords(GET_VALUES_RESULT, 0, encodePairs(answer)))
      .catch(() => {});
  }

  requestEnded(request: FastCGIRequest): void {
    if (this.#requests.get(request.id) !== request) return;
    this.#requests.delete(request.id);
    if (request.admitted) this.#server.release();
    if (this.#blockedOn === request) this.stdinTaken(request);
    if (!request.keepConn || this.#ending) this.end();
  }

  /** Closes the connection once no request is active and its writes went out. */
  end(): void {
    this.#ending = true;
    if (this.closed || this.#requests.size > 0) return;
    this.#flush();
    this.closed = true;
    this.#socket.end(() => this.#socket.destroy());
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.closed = true;
    this.#socket.destroy();
  }

  #fail(error: unknown): void {
    if (this.closed) return;
    const where = this.#socket.remoteAddress ?? "a Unix socket";
    this.#server.log(
      `FastCGI: closing the connection from ${where}: ${
        error instanceof Error ? error.message : String(error)
      }\n`,
    );
    this.#flush();
    this.closed = true;
    for (const request of [...this.#requests.values()]) request.abort(false);
    this.#socket.end(() => this.#socket.destroy());
  }

  #onClose(): void {
    this.closed = true;
    this.#out = [];
    this.#outLength = 0;
    this.#countUnparsed();
    for (const request of [...this.#requests.values()]) request.abort(false);
    const drain = this.#drain;
    this.#drain = undefined;
    drain?.reject(new ClientDisconnectedError());
    this.#server.closed(this);
  }
}

// ---------------------------------------------------------------------------
// The server

/**
 * A running FastCGI responder, made by {@linkcode serveFastCGI}.
 *
 * @example Usage
 * ```ts
 * import { serveFastCGI } from "@wsgi/wsgiref/fastcgi";
 * import assert from "node:assert/strict";
 *
 * const server = await serveFastCGI(() => [], { port: 0 });
 * assert.equal(typeof server.port, "number");
 * assert.equal(server.bufferedInput, 0);
 * await server.shutdown();
 * ```
 */
export interface FastCGIServer extends AsyncDisposable {
  /** The bound TCP port (`undefined` on a Unix socket). */
  readonly port: number | undefined;
  /** The Unix socket's path (`undefined` on TCP). */
  readonly path: string | undefined;
  /**
   * Bytes read from web servers that no app has taken yet, over all
   * connections: `STDIN` waiting for its app (at most `maxStdinBuffer`
   * plus one record per request) and records not yet parsed (at most a
   * record and a read per connection).
   */
  readonly bufferedInput: number;
  /**
   * Stops at once: no more connections, and every open one is closed (its
   * requests' apps see a hang-up).
   *
   * @returns Once the listener and every connection closed.
   */
  close(): Promise<void>;
  /**
   * Stops gracefully: no more connections or requests; idle connections
   * close, running requests finish (for `gracePeriod` at most), then
   * `close()`.
   *
   * @returns Once everything closed.
   */
  shutdown(): Promise<void>;
}

/** The server's state, shared by its connections. */
class Responder implements FastCGIServer {
  readonly app: WSGIApplication;
  readonly settings: Settings;
  readonly port: number | undefined;
  readonly path: string | undefined;
  /** `shutdown()` was called: no new requests, connections end. */
  draining = false;
  bufferedInput = 0;
  readonly #listener: NetListener;
  readonly #connections = new Set<Connection>();
  readonly #gracePeriod: number;
  #running = 0;
  #allClosed?: () => void;
  #stopped?: Promise<void>;

  constructor(
    app: WSGIApplication,
    settings: Settings,
    listener: NetListener,
    path: string | undefined,
    gracePeriod: number,
  ) {
    this.app = app;
    this.settings = settings;
    this.#listener = listener;
    this.port = listener.port;
    this.path = path;
    this.#gracePeriod = gracePeriod;
  }

  accept(socket: NetSocket): void {
    const settings = this.settings;
    if (this.draining) return socket.destroy();
    if (!allowed(settings.blocks, socket.remoteAddress)) {
      this.log(
        `FastCGI: refused a connection from ${socket.remoteAddress}: not in the allow list\n`,
      );
      return socket.destroy();
    }
    if (this.#connections.size >= settings.maxConnections) {
      return socket.destroy();
    }
    this.#connections.add(new Connection(this, socket));
  }

  /** A request wants to run: `false` when at `maxRequests` or draining. */
  admit(): boolean {
    if (this.draining || this.#running >= this.settings.maxRequests) {
      return false;
    }
    this.#running++;
    return true;
  }

  /** An admitted request ended. */
  release(): void {
    this.#running--;
  }

  log(text: string): void {
    try {
      this.settings.errors.write(text);
      this.settings.errors.flush();
    } catch {
      // Logging must not break the server.
    }
  }

  closed(connection: Connection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0) this.#allClosed?.();
  }

  async close(): Promise<void> {
    this.draining = true;
    const closed = this.#whenAllClosed();
    for (const connection of this.#connections) connection.destroy();
    await Promise.all([this.#listener.close(), closed]);
  }

  shutdown(): Promise<void> {
    return this.#stopped ??= this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    this.draining = true;
    const closed = this.#whenAllClosed();
    const listening = this.#listener.close();
    for (const connection of this.#connections) connection.end();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#gracePeriod);
    });
    await Promise.race([closed, grace]);
    clearTimeout(timer);
    await this.close();
    await listening;
  }

  #whenAllClosed(): Promise<void> {
    if (this.#connections.size === 0) return RESOLVED;
    return new Promise((resolve) => this.#allClosed = resolve);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/**
 * Serves `app` over FastCGI 1.0, as a responder, on a TCP port (`port`,
 * `0` picks a free one; on `hostname`, default `127.0.0.1`) or a Unix
 * socket (`path`).
 *
 * @param app The WSGI application.
 * @param options Where to listen, who may connect, and the limits.
 * @returns The server, once it listens.
 * @throws {TypeError} Without exactly one of `port` and `path`, or with a
 *   bad `allow` entry.
 * @throws {RangeError} For a limit that is not a positive integer.
 *
 * @example Usage
 * ```ts
 * import { serveFastCGI } from "@wsgi/wsgiref/fastcgi";
 * import assert from "node:assert/strict";
 *
 * // nginx: location / { include fastcgi_params; fastcgi_pass 127.0.0.1:9000; }
 * await using server = await serveFastCGI((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(`You asked for ${environ.PATH_INFO}`)];
 * }, { port: 0, allow: ["127.0.0.1", "10.0.0.0/8"] });
 * assert.ok(server.port! > 0);
 * ```
 */
export async function serveFastCGI(
  app: WSGIApplication,
  options: FastCGIOptions,
): Promise<FastCGIServer> {
  if (typeof app !== "function") {
    throw new TypeError(
      `app must be a WSGI application (a function), got ${typeof app}`,
    );
  }
  const hasPort = options?.port !== undefined;
  const hasPath = options?.path !== undefined;
  if (hasPort === hasPath) {
    throw new TypeError(
      "serveFastCGI() needs exactly one of port (a TCP port) and path (a Unix socket)",
    );
  }
  if (hasPort) checkCount(options.port, "port", 0, 0);
  const settings: Settings = {
    blocks: (options.allow ?? DEFAULT_ALLOW).map(parseBlock),
    maxConnections: checkCount(options.maxConnections, "maxConnections", 100),
    maxRequests: checkCount(options.maxRequests, "maxRequests", 1000),
    maxStdinBuffer: checkCount(options.maxStdinBuffer, "maxStdinBuffer", 65536),
    maxParamsSize: checkCount(options.maxParamsSize, "maxParamsSize", 1 << 20),
    errors: options.errors ?? PROCESS_STDERR,
  };
  const grace = checkCount(options.gracePeriod, "gracePeriod", 10_000, 0);
  options.signal?.throwIfAborted();
  // Connections accepted before the server object exists wait for it.
  const early: NetSocket[] = [];
  let accept = (socket: NetSocket): unknown => early.push(socket);
  const listener = await listenNet(
    hasPath
      ? { path: options.path! }
      : { hostname: options.hostname ?? "127.0.0.1", port: options.port! },
    (socket) => accept(socket),
  );
  const server = new Responder(app, settings, listener, options.path, grace);
  accept = (socket) => server.accept(socket);
  for (const socket of early) server.accept(socket);
  options.signal?.addEventListener("abort", () => server.shutdown(), {
    once: true,
  });
  return server;
}
