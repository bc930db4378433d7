// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The tests' own FastCGI client (web server side), written apart from
 * `_fastcgi_records.ts` so that a mistake there cannot hide itself: it
 * sends records, multiplexes requests on one connection (nginx and lighttpd
 * never do), and collects each request's records until `END_REQUEST`.
 * Runs on Deno and Node (`node:net`).
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { concat } from "./_helpers.ts";

export const BEGIN_REQUEST = 1;
export const ABORT_REQUEST = 2;
export const END_REQUEST = 3;
export const PARAMS = 4;
export const STDIN = 5;
export const STDOUT = 6;
export const STDERR = 7;
export const GET_VALUES = 9;
export const GET_VALUES_RESULT = 10;
export const UNKNOWN_TYPE = 11;

/** One record as received. */
export interface Received {
  type: number;
  requestId: number;
  content: Uint8Array;
  /** `performance.now()` when it arrived. */
  at: number;
}

/** One request's answer: its records, up to and with `END_REQUEST`. */
export interface Answer {
  /** The `STDOUT` records' contents, in order (the empty last one left out). */
  stdout: Uint8Array[];
  /** When each `STDOUT` record arrived. */
  stdoutTimes: number[];
  /** The `STDERR` text. */
  stderr: string;
  appStatus: number;
  protocolStatus: number;
  /** Whether `STDOUT` and, if used, `STDERR` ended with an empty record. */
  streamsClosed: boolean;
}

/** A CGI response split up: `Status:`, the headers, the body. */
export interface CgiResponse {
  status: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

const decoder = new TextDecoder();
const latin1 = new TextDecoder("latin1");

/** A record's bytes, padded to a multiple of 8. */
export function record(
  type: number,
  requestId: number,
  content: Uint8Array = new Uint8Array(0),
  version = 1,
): Uint8Array {
  if (content.length > 65535) throw new RangeError("record too long");
  const padding = (8 - content.length % 8) % 8;
  const out = new Uint8Array(8 + content.length + padding);
  out.set([
    version,
    type,
    requestId >> 8,
    requestId & 255,
    content.length >> 8,
    content.length & 255,
    padding,
    0,
  ]);
  out.set(content, 8);
  return out;
}

/** Name-value pairs (ASCII or ISO-8859-1 strings). */
export function pairs(entries: Record<string, string>): Uint8Array {
  const out: number[] = [];
  const length = (n: number) =>
    n < 128
      ? out.push(n)
      : out.push((n >>> 24) | 128, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  for (const [name, value] of Object.entries(entries)) {
    length(name.length);
    length(value.length);
    for (const c of name + value) out.push(c.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

/** Parses name-value pairs. */
export function parsePairs(bytes: Uint8Array): Record<string, string> {
  const result: Record<string, string> = {};
  let at = 0;
  const length = () => {
    if (bytes[at] < 128) return bytes[at++];
    const n = ((bytes[at] & 127) << 24) | (bytes[at + 1] << 16) |
      (bytes[at + 2] << 8) | bytes[at + 3];
    at += 4;
    return n;
  };
  while (at < bytes.length) {
    const n = length(), v = length();
    const name = latin1.decode(bytes.subarray(at, at + n));
    result[name] = latin1.decode(bytes.subarray(at + n, at + n + v));
    at += n + v;
  }
  return result;
}

/** Splits a CGI response (`Status:` and headers, a blank line, the body). */
export function parseCgi(bytes: Uint8Array): CgiResponse {
  let end = -1;
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (
      bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 &&
      bytes[i + 3] === 10
    ) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`no end of headers in ${latin1.decode(bytes)}`);
  const lines = latin1.decode(bytes.subarray(0, end)).split("\r\n");
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const status = headers.find(([name]) => name === "Status")?.[1] ?? "";
  return {
    status,
    headers: headers.filter(([name]) => name !== "Status"),
    body: bytes.subarray(end + 4),
  };
}

/** A connection to a FastCGI server. */
export class FastCGIClient {
  readonly socket: Socket;
  /** Every record received, in order. */
  readonly received: Received[] = [];
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
  #buffer: Uint8Array = new Uint8Array(0);
  #waiters: Array<() => void> = [];
  #isClosed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.#isClosed = true;
        this.#wake();
        resolve();
      });
    });
  }

  /** Connects to `127.0.0.1:port`, or to the Unix socket at `path`. */
  static connect(
    where: { port: number } | { path: string },
  ): Promise<FastCGIClient> {
    return new Promise((resolve, reject) => {
      const socket = "port" in where
        ? connect(where.port, "127.0.0.1")
        : connect(where.path);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new FastCGIClient(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  #onData(chunk: Uint8Array): void {
    this.#buffer = concat([this.#buffer, chunk]);
    for (;;) {
      const b = this.#buffer;
      if (b.length < 8) break;
      const length = (b[4] << 8) | b[5];
      const total = 8 + length + b[6];
      if (b.length < total) break;
      this.received.push({
        type: b[1],
        requestId: (b[2] << 8) | b[3],
        content: b.slice(8, 8 + length),
        at: performance.now(),
      });
      this.#buffer = b.subarray(total);
    }
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `found` returns something, or the connection closes. */
  async until<T>(
    found: () => T | undefined,
    timeoutMs = 10_000,
  ): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = found();
      if (value !== undefined || this.#isClosed) return value;
      if (Date.now() > deadline) {
        throw new Error("timed out waiting for records");
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, 100);
      });
      clearTimeout(timer);
    }
  }

  /** Sends bytes; resolves once the socket took them (backpressure). */
  send(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.write(bytes)) resolve();
      else {
        const onClose = () => reject(new Error("connection closed"));
        this.socket.once("close", onClose);
        this.socket.once("drain", () => {
          this.socket.off("close", onClose);
          resolve();
        });
      }
    });
  }

  /** `BEGIN_REQUEST` (responder unless `role` says otherwise). */
  begin(id: number, keepConn = true, role = 1): Promise<void> {
    return this.send(
      record(
        BEGIN_REQUEST,
        id,
        Uint8Array.of(0, role, keepConn ? 1 : 0, 0, 0, 0, 0, 0),
      ),
    );
  }

  /** The `PARAMS` stream, closing record included. */
  params(id: number, vars: Record<string, string>): Promise<void> {
    const bytes = pairs(vars);
    return this.send(concat([record(PARAMS, id, bytes), record(PARAMS, id)]));
  }

  /** `STDIN` records of at most `size` bytes each; `end` adds the empty one. */
  async stdin(
    id: number,
    data: Uint8Array,
    end = true,
    size = 65535,
  ): Promise<void> {
    for (let at = 0; at < data.length; at += size) {
      await this.send(record(STDIN, id, data.subarray(at, at + size)));
    }
    if (end) await this.send(record(STDIN, id));
  }

  /** A whole request: `BEGIN_REQUEST`, `PARAMS`, `STDIN`. */
  async request(
    id: number,
    vars: Record<string, string>,
    body: Uint8Array = new Uint8Array(0),
    keepConn = true,
  ): Promise<void> {
    await this.begin(id, keepConn);
    await this.params(id, vars);
    await this.stdin(id, body);
  }

  /** Request `id`'s records until `END_REQUEST` (`undefined`: connection closed first). */
  async answer(id: number, timeoutMs?: number): Promise<Answer | undefined> {
    const end = await this.until(
      () =>
        this.received.find((r) => r.requestId === id && r.type === END_REQUEST),
      timeoutMs,
    );
    if (end === undefined) return undefined;
    const mine = this.received.filter((r) => r.requestId === id);
    // Records of an ID reused later are not this answer's.
    const upTo = mine.slice(0, mine.indexOf(end) + 1);
    for (const r of upTo) this.received.splice(this.received.indexOf(r), 1);
    const stdout = upTo.filter((r) => r.type === STDOUT);
    const stderr = upTo.filter((r) => r.type === STDERR);
    const view = new DataView(end.content.buffer, end.content.byteOffset);
    return {
      stdout: stdout.filter((r) => r.content.length > 0).map((r) => r.content),
      stdoutTimes: stdout.filter((r) => r.content.length > 0).map((r) => r.at),
      stderr: decoder.decode(concat(stderr.map((r) => r.content))),
      appStatus: view.getUint32(0),
      protocolStatus: end.content[4],
      streamsClosed: stdout.at(-1)?.content.length === 0 &&
        (stderr.length === 0 || stderr.at(-1)?.content.length === 0),
    };
  }

  /** The response of request `id`, parsed. */
  async response(id: number): Promise<CgiResponse & Answer> {
    const answer = await this.answer(id);
    if (answer === undefined) {
      throw new Error(`no END_REQUEST for request ${id}`);
    }
    return { ...answer, ...parseCgi(concat(answer.stdout)) };
  }

  /** Closes the connection. */
  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}
