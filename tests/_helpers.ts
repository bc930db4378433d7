// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Helpers the test files share: bytes from text, waiting, and time limits
 * that make a hung test fail instead of hanging the run.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { connect, type Socket } from "node:net";

const encoder = new TextEncoder();

/** The UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Resolves after `ms` milliseconds (0: the next macrotask). */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `chunks` joined into one array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** `data` as text, one code point per byte (ISO-8859-1). */
export function latin1(data: Uint8Array): string {
  let text = "";
  for (let i = 0; i < data.length; i += 8192) {
    text += String.fromCharCode(...data.subarray(i, i + 8192));
  }
  return text;
}

/** `text` as bytes, one byte per code point (ISO-8859-1, as PEP 3333 strings). */
export function latin1Bytes(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** A `WritableStream` that keeps what it is given, for a handler's stdout or stderr. */
export class MemorySink {
  readonly chunks: Uint8Array[] = [];
  readonly writable: WritableStream<Uint8Array>;

  constructor(strategy?: QueuingStrategy<Uint8Array>) {
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        this.chunks.push(chunk.slice());
      },
    }, strategy);
  }

  /** Everything written, one code point per byte. */
  latin1(): string {
    return latin1(concat(this.chunks));
  }

  /** Everything written, decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(concat(this.chunks));
  }
}

/** A promise and its `resolve`, to hold an app at a point of our choosing. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

/** `promise`, or a rejection after `ms`: a hung test fails instead. */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms: ${what}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every few ms until it holds, or fails after `ms`. */
export async function until(
  condition: () => boolean,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await tick(5);
  }
}

/** A TCP connection to `port` on 127.0.0.1, once connected. */
export async function open(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Everything the server sends until it closes the connection. */
export async function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of socket) chunks.push(chunk as Buffer);
  } catch {
    // a reset after the data: what arrived is the answer
  }
  return Buffer.concat(chunks);
}

/**
 * Sends `request` (which should ask for `Connection: close`) to
 * 127.0.0.1:`port` and reads the whole answer.
 */
export async function exchange(
  port: number,
  request: string | Uint8Array,
): Promise<Buffer> {
  const socket = await open(port);
  socket.write(request);
  return await within(readAll(socket), 10_000, "the response");
}

/**
 * An app module's source (for a server started as a child process): a
 * body that never ends, one chunk every 200 ms (so a cut body is closed
 * well after the cut), whose `close()` writes the line `close()` to stderr.
 */
export const NEVER_ENDING_APP = `import process from "node:process";
const chunk = new TextEncoder().encode("x".repeat(1024));
export default (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        yield chunk;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    close() {
      process.stderr.write("close()\\n");
    },
  };
};
`;

/**
 * Raw request targets a static file app must answer with 400 or 404, never
 * with a file outside its root (`secret.txt` beside it; `escape.txt` and
 * `escape_dir` symlinks that lead out).
 */
export const ESCAPES = [
  "/../secret.txt",
  "/../../../../../../etc/passwd",
  "/%2e%2e/secret.txt",
  "/%2E%2E/secret.txt",
  "/.%2e/secret.txt",
  "/..%2fsecret.txt",
  "/%2e%2e%2fsecret.txt",
  "/nested/..%2f..%2f..%2fsecret.txt",
  "/%2e%2e%5csecret.txt",
  "/..%5csecret.txt",
  "/..\\secret.txt",
  "/nested/../../secret.txt",
  "/./../secret.txt",
  "//etc/passwd",
  "/%2fetc%2fpasswd",
  "///etc/passwd",
  "/C:/etc/passwd",
  "/C:%5cWindows%5cwin.ini",
  "/c:/secret.txt",
  "/%00",
  "/index.html%00.png",
  "/secret.txt%00",
  "/%c0%ae%c0%ae/secret.txt", // overlong UTF-8 "..": not UTF-8 at all
  "/escape.txt",
  "/escape_dir/secret.txt",
  "/escape_dir/../escape_dir/secret.txt",
  "/.env",
  "/%2eenv",
  "/.git/config",
];
