// Copyright 2026 the wsgiref authors. MIT license.
/**
 * FastCGI 1.0 records: the constants of the specification, the encoding of
 * records and name-value pairs, and a reader that takes records out of a
 * connection's bytes one at a time. Used by `fastcgi.ts` only.
 *
 * @module
 */

/** The one protocol version. */
export const FCGI_VERSION_1 = 1;
/** Bytes of a record's header. */
export const HEADER_LENGTH = 8;
/** The most content one record carries (a 16-bit length). */
export const MAX_CONTENT_LENGTH = 65535;

/** Record types (FastCGI 1.0, section 8). */
export const BEGIN_REQUEST = 1;
export const ABORT_REQUEST = 2;
export const END_REQUEST = 3;
export const PARAMS = 4;
export const STDIN = 5;
export const STDOUT = 6;
export const STDERR = 7;
export const DATA = 8;
export const GET_VALUES = 9;
export const GET_VALUES_RESULT = 10;
export const UNKNOWN_TYPE = 11;

/** `BEGIN_REQUEST` roles and flags. */
export const RESPONDER = 1;
export const KEEP_CONN = 1;

/** `END_REQUEST` protocol statuses. */
export const REQUEST_COMPLETE = 0;
export const OVERLOADED = 2;
export const UNKNOWN_ROLE = 3;

/** A peer broke the protocol: its connection is closed. */
export class FastCGIProtocolError extends Error {
  /**
   * Makes the error.
   *
   * @param message What was wrong, and what was expected.
   */
  constructor(message: string) {
    super(message);
    this.name = "FastCGIProtocolError";
  }
}

/** One record's header. */
export interface RecordHeader {
  type: number;
  requestId: number;
  contentLength: number;
  paddingLength: number;
}

const EMPTY = new Uint8Array(0);
const PADDING = new Uint8Array(8);

/** Bytes of the records that carry `length` bytes of content. */
export function recordsLength(length: number): number {
  const full = Math.floor(length / MAX_CONTENT_LENGTH);
  const rest = length - full * MAX_CONTENT_LENGTH;
  let total = full * (HEADER_LENGTH + MAX_CONTENT_LENGTH + 1);
  if (rest > 0 || full === 0) total += HEADER_LENGTH + rest + (-rest & 7);
  return total;
}

/**
 * Writes the records of stream `type` for `data` into `out` at `at`: as
 * many as 65535-byte pieces need (one, empty, for empty `data`), each padded
 * to a multiple of 8 bytes as the specification recommends.
 *
 * @returns Where the next byte goes.
 */
export function writeRecords(
  out: Uint8Array,
  at: number,
  type: number,
  requestId: number,
  data: Uint8Array,
): number {
  let offset = 0;
  do {
    const length = Math.min(data.length - offset, MAX_CONTENT_LENGTH);
    const padding = -length & 7;
    out[at] = FCGI_VERSION_1;
    out[at + 1] = type;
    out[at + 2] = requestId >> 8;
    out[at + 3] = requestId & 0xff;
    out[at + 4] = length >> 8;
    out[at + 5] = length & 0xff;
    out[at + 6] = padding;
    out[at + 7] = 0;
    out.set(
      length === data.length ? data : data.subarray(offset, offset + length),
      at + HEADER_LENGTH,
    );
    out.fill(
      0,
      at + HEADER_LENGTH + length,
      at + HEADER_LENGTH + length + padding,
    );
    at += HEADER_LENGTH + length + padding;
    offset += length;
  } while (offset < data.length);
  return at;
}

/**
 * The records of stream `type` for `data`, in one array.
 *
 * @param type The record type.
 * @param requestId The request.
 * @param data The content; empty makes the stream's closing record.
 * @returns The bytes to send.
 */
export function encodeRecords(
  type: number,
  requestId: number,
  data: Uint8Array = EMPTY,
): Uint8Array {
  const out = new Uint8Array(recordsLength(data.length));
  writeRecords(out, 0, type, requestId, data);
  return out;
}

/** The header of one record, for content sent separately (no copy). */
export function recordHeader(
  type: number,
  requestId: number,
  length: number,
): Uint8Array {
  return Uint8Array.of(
    FCGI_VERSION_1,
    type,
    requestId >> 8,
    requestId & 0xff,
    length >> 8,
    length & 0xff,
    -length & 7,
    0,
  );
}

/** Zero bytes to pad `length` bytes of content to a multiple of 8. */
export function padding(length: number): Uint8Array {
  return PADDING.subarray(0, -length & 7);
}

/** An `END_REQUEST` record. */
export function endRequest(
  requestId: number,
  appStatus: number,
  protocolStatus: number,
): Uint8Array {
  const body = new Uint8Array(8);
  new DataView(body.buffer).setUint32(0, appStatus >>> 0);
  body[4] = protocolStatus;
  return encodeRecords(END_REQUEST, requestId, body);
}

/** An `UNKNOWN_TYPE` record for a record of `type`. */
export function unknownType(type: number): Uint8Array {
  const body = new Uint8Array(8);
  body[0] = type;
  return encodeRecords(UNKNOWN_TYPE, 0, body);
}

function pairLength(bytes: Uint8Array, at: number): [number, number] {
  if (at >= bytes.length) throw truncatedPairs();
  const first = bytes[at];
  if (first < 0x80) return [first, at + 1];
  if (at + 4 > bytes.length) throw truncatedPairs();
  const length = ((first & 0x7f) << 24 | bytes[at + 1] << 16 |
    bytes[at + 2] << 8 | bytes[at + 3]) >>> 0;
  return [length, at + 4];
}

function truncatedPairs(): FastCGIProtocolError {
  return new FastCGIProtocolError(
    "a FastCGI name-value pair must fit in its stream, got one cut short",
  );
}

/** Bytes as a string of ISO-8859-1 code points, one per byte (PEP 3333). */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  // Most names and values are short: a loop beats spreading a view.
  if (end - start <= 32) {
    let text = "";
    for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
    return text;
  }
  let text = "";
  for (let i = start; i < end; i += 8192) {
    text += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[],
    );
  }
  return text;
}

/**
 * Decodes name-value pairs (a `PARAMS` or `GET_VALUES` stream), each byte
 * one code point.
 *
 * @throws {FastCGIProtocolError} For a pair cut short.
 */
export function decodePairs(bytes: Uint8Array): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let at = 0;
  while (at < bytes.length) {
    let nameLength, valueLength;
    [nameLength, at] = pairLength(bytes, at);
    [valueLength, at] = pairLength(bytes, at);
    const end = at + nameLength + valueLength;
    if (end > bytes.length) throw truncatedPairs();
    pairs.push([
      latin1(bytes, at, at + nameLength),
      latin1(bytes, at + nameLength, end),
    ]);
    at = end;
  }
  return pairs;
}

/** Encodes name-value pairs of ISO-8859-1 (here: ASCII) strings. */
export function encodePairs(pairs: Iterable<[string, string]>): Uint8Array {
  const parts: number[] = [];
  const length = (n: number) => {
    if (n < 0x80) parts.push(n);
    else parts.push(n >>> 24 | 0x80, n >> 16 & 0xff, n >> 8 & 0xff, n & 0xff);
  };
  for (const [name, value] of pairs) {
    length(name.length);
    length(value.length);
    for (const text of [name, value]) {
      for (let i = 0; i < text.length; i++) parts.push(text.charCodeAt(i));
    }
  }
  return Uint8Array.from(parts);
}

/**
 * Takes records out of a connection's bytes: `push` what arrives, then
 * `next()` until it returns `undefined` (a record is not complete yet).
 * It holds at most one record and the rest of the last chunk pushed.
 */
export class RecordReader {
  #buffer: Uint8Array = EMPTY;
  #at = 0;
  /** The content of the record `next()` returned last (a view, not a copy). */
  content: Uint8Array = EMPTY;

  /** Adds bytes read from the connection. */
  push(chunk: Uint8Array): void {
    if (this.#at >= this.#buffer.length) {
      this.#buffer = chunk;
    } else {
      const rest = this.#buffer.subarray(this.#at);
      const joined = new Uint8Array(rest.length + chunk.length);
      joined.set(rest);
      joined.set(chunk, rest.length);
      this.#buffer = joined;
    }
    this.#at = 0;
  }

  /** Bytes pushed and not yet taken. */
  get buffered(): number {
    return this.#buffer.length - this.#at;
  }

  /**
   * The next complete record's header, without taking it.
   *
   * @returns `undefined` until the whole record has arrived.
   * @throws {FastCGIProtocolError} For a version other than 1.
   */
  peek(): RecordHeader | undefined {
    const buffer = this.#buffer;
    const at = this.#at;
    if (buffer.length - at < HEADER_LENGTH) return undefined;
    if (buffer[at] !== FCGI_VERSION_1) {
      throw new FastCGIProtocolError(
        `FastCGI record version must be 1, got ${buffer[at]}`,
      );
    }
    const contentLength = buffer[at + 4] << 8 | buffer[at + 5];
    const paddingLength = buffer[at + 6];
    if (
      buffer.length - at < HEADER_LENGTH + contentLength + paddingLength
    ) return undefined;
    return {
      type: buffer[at + 1],
      requestId: buffer[at + 2] << 8 | buffer[at + 3],
      contentLength,
      paddingLength,
    };
  }

  /** Takes the record `peek()` returned; its content is in `content`. */
  take(header: RecordHeader): void {
    const start = this.#at + HEADER_LENGTH;
    this.content = this.#buffer.subarray(
      start,
      start + header.contentLength,
    );
    this.#at = start + header.contentLength + header.paddingLength;
    if (this.#at === this.#buffer.length) {
      this.#buffer = EMPTY;
      this.#at = 0;
    }
  }
}
