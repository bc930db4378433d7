// Copyright 2026 the wsgiref authors. MIT license.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { WSGIInput } from "../_input.ts";
import { ClientDisconnectedError } from "../_errors.ts";
import { concat, within } from "./_helpers.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Chunk = Uint8Array | string;

function bytes(chunk: Chunk): Uint8Array {
  return typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** What a test source saw: pulls asked of it, and whether it was cancelled. */
interface SourceStats {
  pulls: number;
  cancelled: boolean;
  reason: unknown;
}

/**
 * A pull-based stream of `chunks` that counts pulls (high-water mark 0, so
 * it is pulled only when read) and records cancellation. `error`, if given,
 * errors the stream after the last chunk; `delay` makes each pull wait a
 * macrotask first.
 */
function source(
  chunks: Iterable<Chunk>,
  options: { error?: unknown; delay?: boolean } = {},
): { stream: ReadableStream<Uint8Array>; stats: SourceStats } {
  const stats: SourceStats = { pulls: 0, cancelled: false, reason: undefined };
  const iterator = chunks[Symbol.iterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      stats.pulls++;
      if (options.delay) await new Promise((r) => setTimeout(r, 0));
      const next = iterator.next();
      if (!next.done) controller.enqueue(bytes(next.value));
      else if ("error" in options) controller.error(options.error);
      else controller.close();
    },
    cancel(reason) {
      stats.cancelled = true;
      stats.reason = reason;
    },
  }, { highWaterMark: 0 });
  return { stream, stats };
}

/** Bytes `from` to `to` of a `byteSource`: each is its position mod 251. */
function positions(from: number, to: number): Uint8Array {
  return Uint8Array.from({ length: to - from }, (_, i) => (from + i) % 251);
}

/**
 * A byte stream of `total` bytes (`positions`), handing over at most
 * `piece` bytes a pull, into the reader's buffer when it gave one; records
 * where each such buffer started and its size. `hang`: the last pull never
 * answers.
 */
function byteSource(
  total: number,
  piece: number,
  options: { hang?: boolean } = {},
): {
  stream: ReadableStream<Uint8Array>;
  asked: Array<{ at: number; size: number }>;
} {
  const asked: Array<{ at: number; size: number }> = [];
  let sent = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller) {
      const request = controller.byobRequest;
      if (sent === total) {
        if (options.hang) return new Promise<void>(() => {});
        controller.close();
        request?.respond(0);
        return;
      }
      const bytes = positions(sent, Math.min(total, sent + piece));
      if (request?.view) {
        asked.push({ at: sent, size: request.view.byteLength });
        const n = Math.min(bytes.length, request.view.byteLength);
        new Uint8Array(request.view.buffer, request.view.byteOffset, n)
          .set(bytes.subarray(0, n));
        request.respond(n);
        sent += n;
      } else {
        // Counted first: enqueue() transfers the buffer, leaving it empty.
        sent += bytes.length;
        controller.enqueue(bytes);
      }
    },
  });
  return { stream, asked };
}

/** A `WSGIInput` over `chunks`. */
function input(
  chunks: Iterable<Chunk>,
  options?: { limit?: number; maxSize?: number },
): WSGIInput {
  return new WSGIInput(source(chunks).stream, options);
}

/** A stream whose pulls never finish. */
function hangingSource(): {
  stream: ReadableStream<Uint8Array>;
  stats: SourceStats;
} {
  const stats: SourceStats = { pulls: 0, cancelled: false, reason: undefined };
  const stream = new ReadableStream<Uint8Array>({
    pull() {
      stats.pulls++;
      return new Promise<void>(() => {});
    },
    cancel(reason) {
      stats.cancelled = true;
      stats.reason = reason;
    },
  }, { highWaterMark: 0 });
  return { stream, stats };
}

/** A deterministic pseudo-random generator (xorshift32) in [0, 1). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** Cuts `data` into chunks of 1 byte to 64 KiB, small ones more often. */
function* cut(data: Uint8Array, rand: () => number): Generator<Uint8Array> {
  let at = 0;
  while (at < data.byteLength) {
    const size = 1 + Math.floor(rand() ** 4 * 65536);
    yield data.slice(at, at + size);
    at += size;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe("WSGIInput", () => {
  test("an input without a stream is empty", async () => {
    for (const stream of [undefined, null]) {
      const body = new WSGIInput(stream);
      assert.equal((await body.read()).byteLength, 0);
      assert.equal((await body.read(10)).byteLength, 0);
      assert.equal((await body.readline()).byteLength, 0);
      assert.deepEqual(await body.readlines(), []);
      for await (const _ of body) assert.fail("no lines expected");
      assert.equal(body.bytesRead, 0);
      await body.cancel();
    }
  });

  test("an empty stream is an empty input", async () => {
    const body = input([]);
    assert.deepEqual(await body.read(), new Uint8Array(0));
    assert.deepEqual(await body.readline(), new Uint8Array(0));
  });

  test("read() returns everything, joined across chunks", async () => {
    const body = input(["ab", "", "cde", "f"]);
    assert.equal(text(await body.read()), "abcdef");
    assert.equal(body.bytesRead, 6);
  });

  test("read(undefined) and read(-1) read everything left", async () => {
    const body = input(["abc", "def", "ghi"]);
    assert.equal(text(await body.read(2)), "ab");
    assert.equal(text(await body.read(undefined)), "cdefghi");
    const other = input(["abc", "def"]);
    assert.equal(text(await other.read(1)), "a");
    assert.equal(text(await other.read(-1)), "bcdef");
  });

  test("read(n) assembles bytes across chunk boundaries", async () => {
    const body = input(["ab", "cde", "f", "ghij"]);
    assert.equal(text(await body.read(4)), "abcd");
    assert.equal(text(await body.read(3)), "efg");
    assert.equal(text(await body.read(1)), "h");
    assert.equal(text(await body.read(10)), "ij");
    assert.equal(body.bytesRead, 10);
  });

  test("read(n) pulls only as many chunks as it needs", async () => {
    const { stream, stats } = source(["abc", "def", "ghi"]);
    const body = new WSGIInput(stream);
    assert.equal(text(await body.read(4)), "abcd");
    assert.equal(stats.pulls, 2);
    assert.equal(text(await body.read(2)), "ef");
    assert.equal(stats.pulls, 2);
  });

  test("the stream is not touched before the first read", async () => {
    const { stream, stats } = source(["abc"]);
    const body = new WSGIInput(stream, { limit: 3 });
    await Promise.resolve();
    assert.equal(stream.locked, false);
    assert.equal(stats.pulls, 0);
    assert.equal(text(await body.read()), "abc");
    assert.equal(stream.locked, true);
  });

  test("read(0) resolves empty without taking the stream's reader", async () => {
    const { stream, stats } = source(["abc"]);
    const body = new WSGIInput(stream);
    const data = await body.read(0);
    assert.ok(data instanceof Uint8Array);
    assert.equal(data.byteLength, 0);
    assert.equal((await body.readline(0)).byteLength, 0);
    assert.equal(stream.locked, false);
    assert.equal(stats.pulls, 0);
    assert.equal(text(await body.read(3)), "abc");
  });

  test("reads after the end return empty arrays, again and again", async () => {
    const { stream, stats } = source(["abc"]);
    const body = new WSGIInput(stream);
    assert.equal(text(await body.read()), "abc");
    const pulls = stats.pulls;
    for (let i = 0; i < 3; i++) {
      assert.equal((await body.read()).byteLength, 0);
      assert.equal((await body.read(5)).byteLength, 0);
      assert.equal((await body.readline()).byteLength, 0);
    }
    assert.deepEqual(await body.readlines(), []);
    assert.equal(stats.pulls, pulls);
    assert.equal(body.bytesRead, 3);
  });

  test("limit: the app sees exactly limit bytes and the stream is cancelled", async () => {
    const { stream, stats } = source(["hello", " world", "!!!", "more"]);
    const body = new WSGIInput(stream, { limit: 8 });
    assert.equal(text(await body.read()), "hello wo");
    assert.equal(stats.pulls, 2);
    assert.equal(stats.cancelled, true);
    assert.equal((await body.read()).byteLength, 0);
    assert.equal(stats.pulls, 2);
    assert.equal(body.bytesRead, 8);
  });

  test("readline(3) answers from the chunk in hand, without waiting for more", async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // The first chunk, then a body that stays open.
        if (pulls++ === 0) controller.enqueue(bytes("abcdef"));
        else return new Promise<void>(() => {});
      },
    }, { highWaterMark: 0 });
    const body = new WSGIInput(stream);
    assert.equal(
      text(await within(body.readline(3), 1000, "readline(3)")),
      "abc",
    );
    assert.equal(text(await within(body.readline(3), 1000, "again")), "def");
  });

  test("limit: readline() stops at limit too", async () => {
    const body = input(["ab\ncd", "ef\ngh\n"], { limit: 7 });
    assert.equal(text(await body.readline()), "ab\n");
    assert.equal(text(await body.readline()), "cdef");
    assert.equal((await body.readline()).byteLength, 0);
  });

  test("limit on a chunk boundary stops without another pull", async () => {
    const { stream, stats } = source(["abc", "def", "ghi"]);
    const body = new WSGIInput(stream, { limit: 6 });
    assert.equal(text(await body.read()), "abcdef");
    assert.equal(stats.pulls, 2);
    assert.equal((await body.read(1)).byteLength, 0);
    assert.equal(stats.pulls, 2);
  });

  test("limit 0 never touches the stream", async () => {
    const { stream, stats } = source(["abc"]);
    const body = new WSGIInput(stream, { limit: 0 });
    assert.equal((await body.read()).byteLength, 0);
    assert.equal((await body.readline()).byteLength, 0);
    assert.equal(stream.locked, false);
    assert.equal(stats.pulls, 0);
  });

  test("a body shorter than limit simply ends", async () => {
    const { stream, stats } = source(["abc", "de"]);
    const body = new WSGIInput(stream, { limit: 100 });
    assert.equal(text(await body.read(50)), "abcde");
    assert.equal((await body.read()).byteLength, 0);
    assert.equal(stats.cancelled, false);
  });

  test("declared: a body shorter than its declared limit is a hang-up (ClientDisconnectedError), each read", async () => {
    const { stream } = source(["abc", "de"]);
    const body = new WSGIInput(stream, { limit: 100, declared: true });
    assert.equal(text(await body.read(5)), "abcde");
    await assert.rejects(body.read(), ClientDisconnectedError);
    await assert.rejects(body.read(1), ClientDisconnectedError);
    const whole = new WSGIInput(source(["abc"]).stream, {
      limit: 3,
      declared: true,
    });
    assert.equal(text(await whole.read()), "abc");
    assert.equal((await whole.read()).byteLength, 0);
  });

  test("readline() joins a line split over several chunks", async () => {
    const body = input([
      "GET",
      " /a",
      "bc HT",
      "TP/1.1\r",
      "\nHost: x\n",
      "\n",
    ]);
    assert.equal(text(await body.readline()), "GET /abc HTTP/1.1\r\n");
    assert.equal(text(await body.readline()), "Host: x\n");
    assert.equal(text(await body.readline()), "\n");
    assert.equal((await body.readline()).byteLength, 0);
  });

  test("readline() returns several lines out of one chunk", async () => {
    const body = input(["a\nbb\nccc\n"]);
    assert.equal(text(await body.readline()), "a\n");
    assert.equal(text(await body.readline()), "bb\n");
    assert.equal(text(await body.readline()), "ccc\n");
    assert.equal((await body.readline()).byteLength, 0);
  });

  test("readline(size) returns at most size bytes", async () => {
    const body = input(["abc", "defg\nhi", "\n"]);
    assert.equal(text(await body.readline(2)), "ab");
    assert.equal(text(await body.readline(4)), "cdef");
    assert.equal(text(await body.readline(2)), "g\n");
    assert.equal(text(await body.readline(3)), "hi\n");
    assert.equal((await body.readline(3)).byteLength, 0);
  });

  test("readline(size) with the newline just past size leaves it", async () => {
    const body = input(["abc\n"]);
    assert.equal(text(await body.readline(3)), "abc");
    assert.equal(text(await body.readline(-1)), "\n");
  });

  test("readline() returns the last line without a newline", async () => {
    const body = input(["one\ntw", "o"]);
    assert.equal(text(await body.readline()), "one\n");
    assert.equal(text(await body.readline()), "two");
    assert.equal((await body.readline()).byteLength, 0);
  });

  test("reads and readlines mix in order", async () => {
    const body = input(["ab\ncd", "\nef"]);
    assert.equal(text(await body.read(1)), "a");
    assert.equal(text(await body.readline()), "b\n");
    assert.equal(text(await body.read(3)), "cd\n");
    assert.equal(text(await body.readline()), "ef");
  });

  test("readlines() reads all lines", async () => {
    const lines = await input(["a\nb", "b\nccc", "\nd"]).readlines();
    assert.deepEqual(lines.map(text), ["a\n", "bb\n", "ccc\n", "d"]);
  });

  test("readlines(hint) stops once the lines add up to hint bytes", async () => {
    const chunks = ["a\nbb\n", "ccc\n", "dddd\n"];
    const cases: Array<[number | undefined, string[]]> = [
      [undefined, ["a\n", "bb\n", "ccc\n", "dddd\n"]],
      [0, ["a\n", "bb\n", "ccc\n", "dddd\n"]],
      [-1, ["a\n", "bb\n", "ccc\n", "dddd\n"]],
      [1, ["a\n"]],
      [2, ["a\n"]],
      [3, ["a\n", "bb\n"]],
      [5, ["a\n", "bb\n"]],
      [6, ["a\n", "bb\n", "ccc\n"]],
      [100, ["a\n", "bb\n", "ccc\n", "dddd\n"]],
    ];
    for (const [hint, expected] of cases) {
      const lines = await input(chunks).readlines(hint);
      assert.deepEqual(lines.map(text), expected, `hint ${hint}`);
    }
    const body = input(chunks);
    assert.deepEqual((await body.readlines(3)).map(text), ["a\n", "bb\n"]);
    assert.deepEqual((await body.readlines()).map(text), ["ccc\n", "dddd\n"]);
  });

  test("async iteration yields lines until the end", async () => {
    const body = input(["x=1\ny", "=2\n", "\nlast"]);
    const lines: string[] = [];
    for await (const line of body) lines.push(text(line));
    assert.deepEqual(lines, ["x=1\n", "y=2\n", "\n", "last"]);
    assert.equal((await body.read()).byteLength, 0);
  });

  test("maxSize: a larger unbounded body rejects with RangeError", async () => {
    const { stream, stats } = source(["0123456789", "0123456789", "x"]);
    const body = new WSGIInput(stream, { maxSize: 15 });
    assert.equal(text(await body.read(5)), "01234");
    await assert.rejects(body.read(), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.equal(
        error.message,
        "request body is larger than maxRequestBodySize (15 bytes)",
      );
      return true;
    });
    assert.equal(stats.cancelled, true);
    assert.ok(stats.reason instanceof RangeError);
    await assert.rejects(body.read(1), RangeError);
    await assert.rejects(body.readline(), RangeError);
  });

  test("maxSize: a body of exactly maxSize bytes is read", async () => {
    const body = input(["0123456789", "01234"], { maxSize: 15 });
    assert.equal(text(await body.read()), "012345678901234");
  });

  test("maxSize does not count bytes past limit", async () => {
    const body = input(["0123456789", "0123456789"], {
      limit: 12,
      maxSize: 12,
    });
    assert.equal(text(await body.read()), "012345678901");
  });

  test("an error from the stream rejects the read, and later reads", async () => {
    const failure = new Error("connection reset");
    const { stream } = source(["abc"], { error: failure });
    const body = new WSGIInput(stream);
    assert.equal(text(await body.read(2)), "ab");
    await assert.rejects(body.read(), (error) => error === failure);
    await assert.rejects(body.read(1), (error) => error === failure);
    await assert.rejects(body.readlines(), (error) => error === failure);
  });

  test("a chunk that is not bytes rejects with TypeError", async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue("text");
        controller.close();
      },
    }) as unknown as ReadableStream<Uint8Array>;
    const body = new WSGIInput(stream);
    await assert.rejects(body.read(), {
      name: "TypeError",
      message: 'wsgi.input stream must yield Uint8Array chunks, got "text"',
    });
  });

  test("concurrent reads resolve with bytes in call order", async () => {
    const { stream } = source(["ab", "c\nde", "fg", "hij\n", "k"], {
      delay: true,
    });
    const body = new WSGIInput(stream);
    const results = await Promise.all([
      body.read(3),
      body.readline(),
      body.read(0),
      body.read(4),
      body.readlines(),
      body.read(),
      body.readline(),
    ]);
    assert.deepEqual(results.slice(0, 4).map((r) => text(r as Uint8Array)), [
      "abc",
      "\n",
      "",
      "defg",
    ]);
    assert.deepEqual((results[4] as Uint8Array[]).map(text), ["hij\n", "k"]);
    assert.equal((results[5] as Uint8Array).byteLength, 0);
    assert.equal((results[6] as Uint8Array).byteLength, 0);
  });

  test("a size that is not an integer is a TypeError", async () => {
    const { stream, stats } = source(["abc"]);
    const body = new WSGIInput(stream);
    const bad: Array<[unknown, string]> = [
      [1.5, "1.5"],
      [NaN, "NaN"],
      [Infinity, "Infinity"],
      ["3", '"3"'],
      [null, "null"],
      [3n, "bigint"],
      [{}, "object"],
    ];
    for (const [size, shown] of bad) {
      const n = size as number;
      await assert.rejects(body.read(n), {
        name: "TypeError",
        message: `read() size must be an integer or undefined, got ${shown}`,
      });
      await assert.rejects(body.readline(n), {
        name: "TypeError",
        message:
          `readline() size must be an integer or undefined, got ${shown}`,
      });
      await assert.rejects(body.readlines(n), {
        name: "TypeError",
        message:
          `readlines() hint must be an integer or undefined, got ${shown}`,
      });
    }
    assert.equal(stream.locked, false);
    assert.equal(stats.pulls, 0);
    assert.equal(text(await body.read()), "abc");
  });

  test("bad options throw at construction", () => {
    assert.throws(() => new WSGIInput(null, { limit: -1 }), {
      name: "RangeError",
      message: "limit must be a non-negative integer, got -1",
    });
    assert.throws(() => new WSGIInput(null, { maxSize: 1.5 }), RangeError);
    assert.throws(
      () => new WSGIInput(null, { limit: "10" as unknown as number }),
      {
        name: "TypeError",
        message: 'limit must be a non-negative integer, got "10"',
      },
    );
    new WSGIInput(null, { limit: Infinity, maxSize: Infinity });
  });

  test("cancel() cancels the source and makes later reads empty", async () => {
    const { stream, stats } = source(["abc", "def", "ghi"]);
    const body = new WSGIInput(stream);
    assert.equal(text(await body.read(4)), "abcd");
    await body.cancel("done");
    assert.equal(stats.cancelled, true);
    assert.equal(stats.reason, "done");
    assert.equal((await body.read()).byteLength, 0);
    assert.equal((await body.readline()).byteLength, 0);
    assert.deepEqual(await body.readlines(), []);
    assert.equal(body.bytesRead, 4);
    await body.cancel();
  });

  test("cancel() before any read cancels the unlocked stream", async () => {
    const { stream, stats } = source(["abc"]);
    const body = new WSGIInput(stream);
    await body.cancel();
    assert.equal(stats.cancelled, true);
    assert.equal(stats.pulls, 0);
    assert.equal((await body.read()).byteLength, 0);
  });

  test("cancel() leaves a stream locked by someone else alone", async () => {
    const { stream, stats } = source(["abc"]);
    const reader = stream.getReader();
    const body = new WSGIInput(stream);
    await body.cancel();
    assert.equal(stats.cancelled, false);
    reader.releaseLock();
  });

  test("cancel() ends a read that waits for the stream", async () => {
    const { stream, stats } = hangingSource();
    const body = new WSGIInput(stream);
    const pending = body.read(10);
    const queued = body.readline();
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(stats.pulls, 1);
    await body.cancel();
    assert.equal(stats.cancelled, true);
    assert.equal((await pending).byteLength, 0);
    assert.equal((await queued).byteLength, 0);
  });

  test("cancel() never throws, even on an errored stream", async () => {
    const failure = new Error("boom");
    const body = new WSGIInput(source([], { error: failure }).stream);
    await assert.rejects(body.read(), (error) => error === failure);
    await body.cancel();
    assert.equal((await body.read()).byteLength, 0);
  });

  test("returned arrays are fresh copies backed by their own ArrayBuffer", async () => {
    const first = encoder.encode("abcdef");
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    shared.set(encoder.encode("wxyz"));
    const body = new WSGIInput(source([first, shared]).stream);
    const a = await body.read(2);
    const b = await body.read(6);
    first.fill(0);
    shared.fill(0);
    assert.equal(text(a), "ab");
    assert.equal(text(b), "cdefwx");
    for (const data of [a, b, await body.read()]) {
      assert.ok(data.buffer instanceof ArrayBuffer);
      assert.equal(data.byteOffset, 0);
      assert.equal(data.buffer.byteLength, data.byteLength);
    }
  });

  test("read(n) hands over a whole chunk of n bytes that fills its own buffer, uncopied", async () => {
    const block = new Uint8Array(65536).fill(120);
    const part = new Uint8Array(8).subarray(0, 4);
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    const body = new WSGIInput(source([block, part, shared]).stream);
    assert.equal(await body.read(65536), block);
    // A view into a larger buffer, or a shared one, is copied.
    const copied = [await body.read(4), await body.read(4)];
    for (const data of copied) {
      assert.ok(data.buffer instanceof ArrayBuffer);
      assert.equal(data.buffer.byteLength, 4);
    }
    assert.equal(body.bytesRead, 65544);
    assert.equal((await body.read()).byteLength, 0);
  });

  test("read(65536) on a byte stream has it fill one buffer, handed over uncopied", async () => {
    const { stream, asked } = byteSource(100_000, 1000);
    const body = new WSGIInput(stream, { limit: 70_000 });
    const first = await within(body.read(65536), 5000, "read(65536)");
    assert.ok(sameBytes(first, positions(0, 65536)));
    assert.equal(first.buffer.byteLength, 65536);
    const rest = await within(body.read(), 5000, "read()");
    assert.ok(sameBytes(rest, positions(65536, 70_000)));
    // The first buffer was asked for whole, then what was left of it.
    assert.deepEqual(asked.slice(0, 2), [
      { at: 0, size: 65536 },
      { at: 1000, size: 64536 },
    ]);
  });

  test("readline() and a short read() on a byte stream wait for no full buffer", async () => {
    // Byte 10 (a newline) is at position 10, the end of the first piece.
    const { stream } = byteSource(12, 11, { hang: true });
    const body = new WSGIInput(stream);
    const line = await within(body.readline(), 5000, "readline()");
    assert.ok(sameBytes(line, positions(0, 11)));
    const closed = byteSource(5, 3);
    const short = new WSGIInput(closed.stream);
    const data = await within(short.read(65536), 5000, "read(65536)");
    assert.ok(sameBytes(data, positions(0, 5)));
    assert.equal(data.buffer.byteLength, 5);
  });

  test("chunks that are views into a larger buffer are read correctly", async () => {
    const backing = encoder.encode("XXhello\nworldXX");
    const chunks = [backing.subarray(2, 8), backing.subarray(8, 13)];
    const body = input(chunks);
    assert.equal(text(await body.readline()), "hello\n");
    const rest = await body.read();
    assert.equal(text(rest), "world");
    assert.equal(rest.buffer.byteLength, 5);
  });

  test("bytesRead counts the bytes handed to the app", async () => {
    const body = input(["ab\n", "cdef"]);
    assert.equal(body.bytesRead, 0);
    await body.readline();
    assert.equal(body.bytesRead, 3);
    await body.read(2);
    assert.equal(body.bytesRead, 5);
    await body.read();
    assert.equal(body.bytesRead, 7);
  });

  test("8 MiB in chunks of 1 byte to 64 KiB, read in pieces, matches the source", async () => {
    const rand = random(42);
    const data = new Uint8Array(8 * 1024 * 1024);
    for (let i = 0; i < data.byteLength; i++) data[i] = rand() * 256;
    const body = new WSGIInput(source(cut(data, rand)).stream, {
      limit: data.byteLength,
    });
    const parts: Uint8Array[] = [];
    for (;;) {
      const size = 1 + Math.floor(rand() ** 2 * 200_000);
      const part = await body.read(size);
      if (part.byteLength === 0) break;
      assert.ok(part.byteLength <= size);
      parts.push(part);
    }
    assert.equal(body.bytesRead, data.byteLength);
    assert.ok(sameBytes(concat(parts), data));
  });

  test("a large body read by lines matches the source", async () => {
    const rand = random(7);
    const data = new Uint8Array(2 * 1024 * 1024);
    for (let i = 0; i < data.byteLength; i++) {
      data[i] = rand() < 0.001 ? 10 : 97 + Math.floor(rand() * 26);
    }
    const body = new WSGIInput(source(cut(data, rand)).stream);
    const lines: Uint8Array[] = [];
    for await (const line of body) {
      const newline = line.indexOf(10);
      assert.ok(newline === -1 || newline === line.byteLength - 1);
      lines.push(line);
    }
    assert.ok(lines.length > 1000);
    assert.ok(sameBytes(concat(lines), data));
  });

  test("a large body read with read() at once matches the source", async () => {
    const rand = random(3);
    const data = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < data.byteLength; i++) data[i] = rand() * 256;
    const body = new WSGIInput(source(cut(data, rand)).stream);
    assert.ok(sameBytes(await body.read(), data));
  });
});
