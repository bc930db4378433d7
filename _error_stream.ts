// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `wsgi.errors` streams: one that keeps text in memory (for tests and
 * `setupTestingDefaults`), and one that writes UTF-8 text, in order, to a
 * `WritableStream`.
 *
 * @module
 */

import { writeStderr } from "./_runtime.ts";
import type { ErrorStream } from "./types.ts";

/** What every stream here shares: `writelines` writes in turn, `flush` waits for nothing. */
abstract class TextStream implements ErrorStream {
  abstract write(s: string): void;

  /** Writes each string in turn. */
  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  /** Does nothing: nothing is held back. */
  flush(): void {}
}

/** An `ErrorStream` that keeps what is written in memory, like Python's `StringIO`. */
export class MemoryErrorStream extends TextStream {
  #parts: string[] = [];

  /** Appends `s`. */
  write(s: string): void {
    this.#parts.push(String(s));
  }

  /** Everything written so far. */
  getValue(): string {
    const value = this.#parts.join("");
    this.#parts = [value];
    return value;
  }
}

const encoder = new TextEncoder();

/**
 * An `ErrorStream` over a `WritableStream<Uint8Array>`: `write` is
 * synchronous and the bytes go out in call order. A failing sink is ignored
 * after the first error: error output must never break a response.
 */
export class WritableErrorStream extends TextStream {
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #pending: Promise<void> = Promise.resolve();
  #failed = false;

  /** Wraps `stream`, locking it. */
  constructor(stream: WritableStream<Uint8Array>) {
    super();
    this.#writer = stream.getWriter();
  }

  /** Queues the UTF-8 bytes of `s`. */
  write(s: string): void {
    if (this.#failed) return;
    const bytes = encoder.encode(String(s));
    const writer = this.#writer;
    this.#pending = this.#pending.then(() => writer.write(bytes)).catch(() => {
      this.#failed = true;
    });
  }

  /** Waits for pending writes, then releases the stream's lock. */
  async release(): Promise<void> {
    await this.#pending;
    this.#writer.releaseLock();
  }
}

/** An `ErrorStream` that writes to the process's standard error at once. */
class StderrStream extends TextStream {
  /** Writes `s`. */
  write(s: string): void {
    writeStderr(String(s));
  }
}

/** The shared standard error stream. */
export const STDERR: ErrorStream = new StderrStream();
