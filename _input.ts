// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `wsgi.input` over a web `ReadableStream`: the request body as Python's
 * `io.BufferedReader` presents it to a WSGI app (PEP 3333), with async reads.
 *
 * @module
 */

import {
  ClientDisconnectedError,
  RequestBodyTooLargeError,
} from "./_errors.ts";
import { describe } from "./_quote.ts";

import type { InputStream } from "./types.ts";

/** Errors the request body's stream failed with (not this module's own). */
const BODY_ERRORS = new WeakSet<object>();

/**
 * Whether `error` is one a request body's stream failed with while
 * `wsgi.input` read it (a malformed chunked body, a hang-up…), rather than
 * an error of the app or of `wsgi.input`'s own checks.
 */
export function isBodyError(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    BODY_ERRORS.has(error);
}

/** Options of {@linkcode WSGIInput}. */
export interface WSGIInputOptions {
  /** Bytes read at most (`CONTENT_LENGTH`); `Infinity` or none: no limit. */
  limit?: number;
  /** Past this many bytes, reads reject with a `RangeError`. */
  maxSize?: number;
  /** `limit` is promised (`Content-Length`): ending short is a hang-up. */
  declared?: boolean;
}

const LF = 10;
/** The buffer a byte stream fills per read (Deno's own chunk size). */
const CHUNK = 65536;

/** Checks a read size: `undefined` or an integer; negative means "no limit". */
function checkSize(value: unknown, what: string): number {
  if (value === undefined) return Infinity;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    // An object by its `typeof`, a number or a string as written.
    const shown = typeof value === "object" && value !== null
      ? "object"
      : describe(value);
    throw new TypeError(
      `${what} must be an integer or undefined, got ${shown}`,
    );
  }
  return value < 0 ? Infinity : value;
}

/** Checks a byte-count option: `undefined`, `Infinity` or an integer >= 0. */
function checkOption(value: unknown, name: string): number {
  if (value === undefined || value === Infinity) return Infinity;
  const message = `${name} must be a non-negative integer, got ${
    describe(value)
  }`;
  if (typeof value !== "number") throw new TypeError(message);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(message);
  return value;
}

/** A chunk from the stream as a plain `Uint8Array` view (no copy). */
function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array && value.constructor === Uint8Array) {
    return value;
  }
  // Subclasses (Node's Buffer) override slice/subarray; use a plain view.
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new TypeError(
    `wsgi.input stream must yield Uint8Array chunks, got ${describe(value)}`,
  );
}

/**
 * One input, two readers: a byte stream's BYOB reader (it fills our own
 * buffers), any other stream's default reader.
 */
function readerOf(
  stream: ReadableStream<Uint8Array>,
): ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader {
  try {
    return stream.getReader({ mode: "byob" });
  } catch {
    return stream.getReader();
  }
}

/** Whether `chunk` spans the whole of an `ArrayBuffer` of its own. */
function ownsBuffer(chunk: Uint8Array): chunk is Uint8Array<ArrayBuffer> {
  return chunk.byteOffset === 0 && chunk.buffer instanceof ArrayBuffer &&
    chunk.buffer.byteLength === chunk.byteLength;
}

/** The queue's start: one settled promise shared by every input. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * `wsgi.input`: a request body read with Python's `BufferedReader`
 * semantics, never past `limit`; it takes the stream's reader at the first
 * read that needs bytes, and every array it gives is fresh.
 */
export class WSGIInput implements InputStream {
  #stream: ReadableStream<Uint8Array> | null;
  #reader:
    | ReadableStreamDefaultReader<Uint8Array>
    | ReadableStreamBYOBReader
    | null = null;
  #limit: number;
  #maxSize: number;
  #declared: boolean;
  /** Buffered chunks; the live ones are `#chunks[#head..]`. */
  #chunks: Uint8Array[] = [];
  #head = 0;
  /** Bytes of `#chunks[#head]` already handed out. */
  #offset = 0;
  #buffered = 0;
  /** Bytes taken from the stream (after cutting at `limit`). */
  #received = 0;
  #bytesRead = 0;
  /** No more bytes will come from the stream. */
  #ended = false;
  #cancelled = false;
  #error: { error: unknown } | null = null;
  /** Settles when the last queued operation has finished; never rejects. */
  #tail: Promise<void> = SETTLED;

  /** Wraps `stream` (none: an empty input) without reading from it. */
  constructor(
    stream?: ReadableStream<Uint8Array> | null,
    options: WSGIInputOptions = {},
  ) {
    this.#stream = stream ?? null;
    this.#limit = checkOption(options.limit, "limit");
    this.#declared = options.declared === true;
    this.#maxSize = checkOption(options.maxSize, "maxSize");
    if (this.#stream === null) this.#ended = true;
  }

  /** Bytes handed to the app so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /**
   * Reads `size` bytes (`undefined` or negative: all that is left), fewer
   * only at the end; `read(0)` never touches the stream.
   */
  async read(size?: number): Promise<Uint8Array<ArrayBuffer>> {
    const n = checkSize(size, "read() size");
    if (n === 0) return new Uint8Array(0);
    return await this.#serialize(() => this.#read(n));
  }

  /** Reads one line: up to and including `\n`, and at most `size` bytes. */
  async readline(size?: number): Promise<Uint8Array<ArrayBuffer>> {
    const n = checkSize(size, "readline() size");
    if (n === 0) return new Uint8Array(0);
    return await this.#serialize(() => this.#readline(n));
  }

  /** Reads lines until the end or, as in Python, `hint` bytes or more. */
  async readlines(hint?: number): Promise<Uint8Array<ArrayBuffer>[]> {
    let total = checkSize(hint, "readlines() hint");
    if (total === 0) total = Infinity;
    return await this.#serialize(async () => {
      const lines: Uint8Array<ArrayBuffer>[] = [];
      let n = 0;
      while (n < total) {
        const line = await this.#readline(Infinity);
        if (line.byteLength === 0) break;
        lines.push(line);
        n += line.byteLength;
      }
      return lines;
    });
  }

  /** The lines of the input, as `for line in wsgi.input` gives them. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array<ArrayBuffer>> {
    for (;;) {
      const line = await this.readline();
      if (line.byteLength === 0) return;
      yield line;
    }
  }

  /**
   * Cancels the stream (unless another reader locked it) and drops what is
   * buffered: reads, even those waiting, resolve empty. Never rejects.
   */
  async cancel(reason?: unknown): Promise<void> {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#ended = true;
    this.#error = null;
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#buffered = 0;
    // Never throws: the stream may have errored already.
    const target = this.#reader ?? (this.#stream?.locked ? null : this.#stream);
    await target?.cancel(reason).catch(() => {});
  }

  /** Runs `task` once every operation queued before it has settled. */
  async #serialize<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let done!: () => void;
    this.#tail = new Promise<void>((resolve) => done = resolve);
    try {
      await previous;
      if (this.#error !== null) throw this.#error.error;
      return await task();
    } finally {
      done();
    }
  }

  async #read(n: number): Promise<Uint8Array<ArrayBuffer>> {
    while (this.#buffered < n && await this.#fill(n - this.#buffered, true));
    if (this.#cancelled) return new Uint8Array(0);
    return this.#take(Math.min(n, this.#buffered));
  }

  async #readline(max: number): Promise<Uint8Array<ArrayBuffer>> {
    let index = this.#head;
    let start = this.#offset;
    /** Bytes in the chunks before `index` (from `#offset` on). */
    let scanned = 0;
    for (;;) {
      if (index < this.#chunks.length) {
        const chunk = this.#chunks[index];
        const room = max - scanned;
        const end = chunk.byteLength - start > room
          ? start + room
          : chunk.byteLength;
        const found = end === chunk.byteLength
          ? chunk.indexOf(LF, start)
          : chunk.subarray(0, end).indexOf(LF, start);
        if (found !== -1) return this.#take(scanned + found - start + 1);
        scanned += end - start;
        if (scanned >= max) return this.#take(max);
        index++;
        start = 0;
      } else if (!await this.#fill()) {
        if (this.#cancelled) return new Uint8Array(0);
        return this.#take(scanned);
      }
    }
  }

  /**
   * Buffers the next non-empty chunk of the stream (on a byte stream, `want`
   * bytes at once if `full`, at most CHUNK); `false` at the end.
   */
  async #fill(want: number = CHUNK, full = false): Promise<boolean> {
    if (this.#ended) return false;
    if (this.#received >= this.#limit) {
      this.#ended = true;
      return false;
    }
    try {
      if (this.#reader === null) this.#reader = readerOf(this.#stream!);
      for (;;) {
        let value: unknown;
        try {
          value = await this.#next(want, full);
        } catch (error) {
          if (typeof error === "object" && error !== null) {
            BODY_ERRORS.add(error);
          }
          throw error;
        }
        if (this.#cancelled) return false;
        if (value === undefined) {
          this.#ended = true;
          // Deno's HTTP/2 ends a reset stream's body without an error.
          if (
            this.#declared && this.#received < this.#limit &&
            this.#limit !== Infinity
          ) {
            const error = new ClientDisconnectedError(
              `the request body must hold its Content-Length (${this.#limit} bytes), got ${this.#received} before it ended`,
            );
            BODY_ERRORS.add(error);
            throw error;
          }
          return false;
        }
        let chunk = toBytes(value);
        if (chunk.byteLength === 0) continue;
        const room = this.#limit - this.#received;
        if (chunk.byteLength >= room) {
          this.#ended = true;
          if (chunk.byteLength > room) {
            chunk = chunk.subarray(0, room);
            this.#reader.cancel().catch(() => {});
          }
        }
        this.#received += chunk.byteLength;
        if (this.#received > this.#maxSize) {
          throw new RequestBodyTooLargeError(this.#maxSize);
        }
        this.#chunks.push(chunk);
        this.#buffered += chunk.byteLength;
        return true;
      }
    } catch (error) {
      if (this.#cancelled) return false;
      this.#ended = true;
      this.#error = { error };
      this.#reader?.cancel(error).catch(() => {});
      throw error;
    }
  }

  /**
   * The stream's next chunk, `undefined` at its end; a byte stream fills a
   * CHUNK buffer (to `want` bytes if `full`, so a `read(n)` is not copied).
   */
  async #next(want: number, full: boolean): Promise<unknown> {
    const reader = this.#reader!;
    if (!(reader instanceof ReadableStreamBYOBReader)) {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    }
    // A whole CHUNK to start: Deno 2.9.5's request body fails on tiny views.
    let buffer = new ArrayBuffer(CHUNK);
    const size = Math.min(want, CHUNK, this.#limit - this.#received);
    let filled = 0;
    do {
      const { done, value } = await reader.read(
        new Uint8Array(buffer, filled, CHUNK - filled),
      );
      if (value === undefined) return undefined; // cancelled
      buffer = value.buffer as ArrayBuffer;
      filled += value.byteLength;
      if (done) {
        if (filled === 0) return undefined;
        this.#ended = true;
        break;
      }
    } while (full && filled < size);
    // A short chunk keeps no CHUNK-sized buffer alive: memory stays bounded.
    if (filled < CHUNK / 4) return new Uint8Array(buffer.slice(0, filled));
    return new Uint8Array(buffer, 0, filled);
  }

  /** Hands out the first `n` buffered bytes: the head chunk, or a copy. */
  #take(n: number): Uint8Array<ArrayBuffer> {
    const first = this.#chunks[this.#head];
    let out: Uint8Array<ArrayBuffer>;
    if (this.#offset === 0 && first?.byteLength === n && ownsBuffer(first)) {
      out = first;
      this.#head++;
    } else {
      out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.#chunks[this.#head];
        const available = chunk.byteLength - this.#offset;
        const count = available < n - filled ? available : n - filled;
        out.set(
          count === chunk.byteLength
            ? chunk
            : chunk.subarray(this.#offset, this.#offset + count),
          filled,
        );
        filled += count;
        if (count === available) {
          this.#head++;
          this.#offset = 0;
        } else {
          this.#offset += count;
        }
      }
    }
    this.#buffered -= n;
    this.#bytesRead += n;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}
