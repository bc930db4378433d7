// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The soak: mixed traffic against `makeServer` for a while, checking every
 * answer, counting `close()` per request, and sampling RSS and the JS heap
 * each second.
 *
 * ```sh
 * deno task soak --seconds 60          # deno run -A --v8-flags=--expose-gc bench/soak.ts
 * npm run soak:node -- --seconds 60    # the same file over the npm build, on Node
 * ```
 *
 * Options: `--seconds N` (default 60), `--clients N` concurrent clients
 * (default 4), `--kinds get,post,…` (default all: get, post, stream,
 * hangup, throw, badheader, head), `--heap-margin MiB` (default 16),
 * `--json` (the report as JSON instead of a table).
 *
 * It exits 1 on a wrong answer, a client error, a body whose `close()` did
 * not run exactly once, or a heap that keeps growing: the median heap after
 * a forced GC over the last third of the samples exceeds the first third's
 * by more than the margin (checked only where `gc()` is exposed: Deno with
 * `--v8-flags=--expose-gc`, Node with `--expose-gc`).
 *
 * @module
 */

import process from "node:process";
import { connect } from "node:net";
import { makeServer, WSGIRequestHandler } from "../simple_server.ts";
import type {
  ErrorStream,
  ResponseBody,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";

const KINDS = [
  "get",
  "post",
  "stream",
  "hangup",
  "throw",
  "badheader",
  "head",
] as const;
type Kind = typeof KINDS[number];

interface Options {
  seconds: number;
  clients: number;
  kinds: Kind[];
  heapMargin: number;
  json: boolean;
}

function usage(message: string): never {
  console.error(`soak: ${message}`);
  process.exit(2);
}

function parseArgs(args: string[]): Options {
  const options: Options = {
    seconds: 60,
    clients: 4,
    kinds: [...KINDS],
    heapMargin: 16,
    json: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const number = () => {
      const value = Number(args[++i]);
      if (!(value > 0)) usage(`${arg} needs a positive number`);
      return value;
    };
    if (arg === "--seconds") options.seconds = number();
    else if (arg === "--clients") options.clients = Math.floor(number());
    else if (arg === "--heap-margin") options.heapMargin = number();
    else if (arg === "--json") options.json = true;
    else if (arg === "--kinds") {
      const kinds = (args[++i] ?? "").split(",");
      for (const kind of kinds) {
        if (!(KINDS as readonly string[]).includes(kind)) {
          usage(`unknown kind ${kind}; kinds: ${KINDS.join(",")}`);
        }
      }
      options.kinds = kinds as Kind[];
    } else usage(`unknown argument ${arg}`);
  }
  return options;
}

// ---------------------------------------------------------------------------
// The server side: one app, a route per kind, every body counted

const HELLO = new TextEncoder().encode("hello");
const BLOCK = new Uint8Array(16 * 1024).fill(120);
/** A streamed answer: 16 blocks (256 KiB). */
const STREAM_BLOCKS = 16;
/** What a hang-up asks for (64 MiB); the client leaves after 64 KiB. */
const HANGUP_BLOCKS = 4096;
const HANGUP_READ = 64 * 1024;

/** `close()` calls per request id; a body is counted when made. */
const closes = new Map<number, number>();

/** `chunks` as a WSGI body whose `close()` is counted under `id`. */
function counted(
  id: number,
  chunks: () => Iterator<Uint8Array>,
): ResponseBody {
  closes.set(id, 0);
  return {
    [Symbol.iterator]: chunks,
    close() {
      closes.set(id, (closes.get(id) ?? 0) + 1);
    },
  };
}

function* blocks(count: number): Iterator<Uint8Array> {
  for (let i = 0; i < count; i++) yield BLOCK;
}

const app: WSGIApplication = async (environ: WSGIEnvironment, start) => {
  const id = Number(/id=([0-9]+)/.exec(String(environ.QUERY_STRING))?.[1]);
  const text = [["Content-Type", "text/plain"]] as Array<[string, string]>;
  switch (environ.PATH_INFO) {
    case "/get":
      start("200 OK", text);
      return counted(id, () => [HELLO][Symbol.iterator]());
    case "/post": {
      const data = await environ["wsgi.input"].read();
      start("200 OK", text);
      const answer = new TextEncoder().encode(`${data.length}:${sum(data)}`);
      return counted(id, () => [answer][Symbol.iterator]());
    }
    case "/stream":
      start("200 OK", text);
      return counted(id, () => blocks(STREAM_BLOCKS));
    case "/hangup":
      start("200 OK", text);
      return counted(id, () => blocks(HANGUP_BLOCKS));
    case "/throw":
      throw new Error("soak: an app that throws");
    case "/badheader":
      start("200 OK", [["X-Bad", "a\r\nX-Injected: 1"]]);
      return counted(id, () => [HELLO][Symbol.iterator]());
    default:
      start("404 Not Found", text);
      return [];
  }
};

/** A 32-bit sum of `data`'s bytes, to check an upload arrived whole. */
function sum(data: Uint8Array): number {
  let total = 0;
  for (const byte of data) total = (total + byte) >>> 0;
  return total;
}

/** Counts what the server logs (tracebacks of the 500s) instead of printing it. */
class Quiet extends WSGIRequestHandler {
  override getStderr(): ErrorStream {
    return {
      write: () => {},
      writelines: () => {},
      flush: () => {},
    };
  }
}

// ---------------------------------------------------------------------------
// The clients

interface Counts {
  requests: number;
  kinds: Record<Kind, number>;
  wrong: number;
  errors: number;
  firstProblems: string[];
}

/** A small seeded PRNG (mulberry32), so runs are alike. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request of `kind`; a message if the answer was wrong. */
async function request(
  base: string,
  kind: Kind,
  id: number,
  rand: () => number,
): Promise<string | undefined> {
  const url = `${base}/${kind}?id=${id}`;
  switch (kind) {
    case "get": {
      const response = await fetch(url);
      const body = await response.text();
      return response.status === 200 && body === "hello"
        ? undefined
        : `get: ${response.status} ${JSON.stringify(body.slice(0, 80))}`;
    }
    case "head": {
      const response = await fetch(url.replace("/head", "/get"), {
        method: "HEAD",
      });
      const body = await response.arrayBuffer();
      return response.status === 200 && body.byteLength === 0 &&
          response.headers.get("content-length") === "5"
        ? undefined
        : `head: ${response.status}, ${body.byteLength} bytes, length ${
          response.headers.get("content-length")
        }`;
    }
    case "post": {
      const data = new Uint8Array(Math.floor(rand() * 128 * 1024));
      for (let i = 0; i < data.length; i += 97) data[i] = (i * 31) & 0xff;
      const response = await fetch(url, { method: "POST", body: data });
      const body = await response.text();
      const expected = `${data.length}:${sum(data)}`;
      return response.status === 200 && body === expected
        ? undefined
        : `post: ${response.status} ${body.slice(0, 80)}, expected ${expected}`;
    }
    case "stream": {
      const response = await fetch(url);
      const body = new Uint8Array(await response.arrayBuffer());
      return response.status === 200 &&
          body.length === STREAM_BLOCKS * BLOCK.length &&
          body.every((byte) => byte === 120)
        ? undefined
        : `stream: ${response.status}, ${body.length} bytes`;
    }
    case "throw":
    case "badheader": {
      const response = await fetch(url);
      const body = await response.text();
      return response.status === 500 && !response.headers.has("x-injected") &&
          !body.includes("hello")
        ? undefined
        : `${kind}: ${response.status} ${JSON.stringify(body.slice(0, 80))}`;
    }
    case "hangup":
      return await hangUp(base, id);
  }
}

/** Asks for a long body, reads some of it, and hangs up. */
function hangUp(base: string, id: number): Promise<string | undefined> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = 0;
    let done = false;
    const finish = (problem?: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(problem);
    };
    socket.on("connect", () => {
      socket.write(`GET /hangup?id=${id} HTTP/1.1\r\nHost: soak\r\n\r\n`);
    });
    socket.on("data", (chunk: Uint8Array) => {
      if (received === 0 && !/^HTTP\/1\.1 200 /.test(String(chunk))) {
        finish(`hangup: ${JSON.stringify(String(chunk).slice(0, 40))}`);
      }
      received += chunk.length;
      if (received >= HANGUP_READ) finish();
    });
    socket.on("error", (error) => finish(`hangup: ${error.message}`));
    socket.on("close", () => finish(`hangup: closed after ${received} bytes`));
  });
}

/** One client: requests of the given kinds, in turn, until `deadline`. */
async function client(
  base: string,
  options: Options,
  counts: Counts,
  seed: number,
  deadline: number,
  nextId: () => number,
): Promise<void> {
  const rand = random(seed);
  let turn = seed;
  while (Date.now() < deadline) {
    const kind = options.kinds[turn++ % options.kinds.length];
    counts.requests++;
    counts.kinds[kind]++;
    try {
      const problem = await request(base, kind, nextId(), rand);
      if (problem !== undefined) {
        counts.wrong++;
        if (counts.firstProblems.length < 5) counts.firstProblems.push(problem);
      }
    } catch (error) {
      counts.errors++;
      if (counts.firstProblems.length < 5) {
        counts.firstProblems.push(`${kind}: ${error}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Memory

interface Sample {
  rss: number;
  heap: number;
}

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

function sample(): Sample {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heap: heapUsed };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Whether the heap kept growing: last third's median over the first's, in MiB. */
function heapGrowth(samples: Sample[]): number {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const first = median(samples.slice(0, third).map((s) => s.heap));
  const last = median(samples.slice(-third).map((s) => s.heap));
  return (last - first) / MiB;
}

// ---------------------------------------------------------------------------
// The run

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const httpd = makeServer("127.0.0.1", 0, app, {
    quiet: true,
    handlerClass: Quiet,
    gracePeriod: 2000,
  });
  await httpd.ready();
  const serving = httpd.serveForever();
  const base = `http://127.0.0.1:${httpd.serverPort}`;

  const counts: Counts = {
    requests: 0,
    kinds: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>,
    wrong: 0,
    errors: 0,
    firstProblems: [],
  };
  const samples: Sample[] = [sample()];
  const sampler = setInterval(() => samples.push(sample()), 1000);
  const deadline = Date.now() + options.seconds * 1000;
  let id = 0;
  await Promise.all(
    Array.from(
      { length: options.clients },
      (_, i) => client(base, options, counts, i, deadline, () => ++id),
    ),
  );
  // Hang-ups close their bodies once the server sees the socket go.
  const settle = Date.now() + 5000;
  while (
    [...closes.values()].some((n) => n === 0) && Date.now() < settle
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  clearInterval(sampler);
  samples.push(sample());
  httpd.shutdown();
  await serving;

  const bodies = closes.size;
  const closedOnce = [...closes.values()].filter((n) => n === 1).length;
  const growth = heapGrowth(samples);
  const heapChecked = gc !== undefined;
  const failures: string[] = [];
  if (counts.wrong > 0) failures.push(`${counts.wrong} wrong answers`);
  if (counts.errors > 0) failures.push(`${counts.errors} client errors`);
  if (closedOnce !== bodies) {
    failures.push(`${bodies - closedOnce} of ${bodies} bodies not closed once`);
  }
  if (heapChecked && growth > options.heapMargin) {
    failures.push(
      `the heap grew by ${
        growth.toFixed(1)
      } MiB (margin ${options.heapMargin})`,
    );
  }
  const mib = (n: number) => Number((n / MiB).toFixed(1));
  const report = {
    runtime: "Deno" in globalThis ? "Deno" : `Node ${process.version}`,
    seconds: options.seconds,
    clients: options.clients,
    requests: counts.requests,
    kinds: counts.kinds,
    wrong: counts.wrong,
    errors: counts.errors,
    bodies,
    closedOnce,
    rssMiB: {
      start: mib(samples[0].rss),
      peak: mib(Math.max(...samples.map((s) => s.rss))),
      end: mib(samples.at(-1)!.rss),
    },
    heapMiB: {
      start: mib(samples[0].heap),
      peak: mib(Math.max(...samples.map((s) => s.heap))),
      end: mib(samples.at(-1)!.heap),
      growth: Number(growth.toFixed(1)),
      afterGC: heapChecked,
    },
    /** Each second's RSS and heap, MiB. */
    series: {
      rss: samples.map((s) => mib(s.rss)),
      heap: samples.map((s) => mib(s.heap)),
    },
    problems: counts.firstProblems,
    failures,
  };
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const rows: Array<[string, string]> = [
      ["runtime", report.runtime],
      ["seconds, clients", `${options.seconds}, ${options.clients}`],
      ["requests", String(counts.requests)],
      ...KINDS.filter((k) => counts.kinds[k] > 0).map((
        k,
      ): [string, string] => [`  ${k}`, String(counts.kinds[k])]),
      ["wrong answers", String(counts.wrong)],
      ["client errors", String(counts.errors)],
      ["bodies, closed once", `${bodies}, ${closedOnce}`],
      [
        "RSS MiB start/peak/end",
        `${report.rssMiB.start} / ${report.rssMiB.peak} / ${report.rssMiB.end}`,
      ],
      [
        `heap MiB start/peak/end${heapChecked ? " (after GC)" : ""}`,
        `${report.heapMiB.start} / ${report.heapMiB.peak} / ${report.heapMiB.end}`,
      ],
      [
        "heap growth MiB (last third - first)",
        heapChecked ? String(report.heapMiB.growth) : "not checked (no gc())",
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [key, value] of rows) {
      console.log(`${key.padEnd(width)}  ${value}`);
    }
    for (const problem of counts.firstProblems) {
      console.log(`problem: ${problem}`);
    }
    console.log(
      failures.length === 0 ? "PASS" : `FAIL: ${failures.join("; ")}`,
    );
  }
  return failures.length === 0 ? 0 : 1;
}

// Exits explicitly: a fetch client's pooled connections may hold Node open.
process.exit(await main());
