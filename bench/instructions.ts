// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The steady benchmark for a noisy machine: user-space instructions per
 * request of each benchmark server (`bench/server.ts`: `raw`, `floor`,
 * `floor-server`, `wsgi`, `server`), counted by valgrind's callgrind (Debian package `valgrind`).
 * Instruction counts do not depend on what else the machine is doing, so
 * two runs agree to about 1 %. Kernel time (the socket writes, the same
 * for every kind) is not counted: the ratios here are those of the work
 * each kind adds, not of throughput.
 *
 * Each server runs under callgrind with counting off; it gets `--warmup`
 * requests (so the JIT has settled), then counting is switched on for
 * `--requests` more, sent one after another on one keep-alive connection.
 *
 * ```sh
 * deno run -A bench/instructions.ts [--case hello|headers|64k] [--requests 4000] [--warmup 2000]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BROWSER_HEADERS } from "./_headers.mjs";
import { instructionsPerRequest } from "./_callgrind.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    case: { type: "string", default: "hello" },
    requests: { type: "string", default: "4000" },
    warmup: { type: "string", default: "2000" },
    kinds: { type: "string", default: "raw,floor,wsgi,floor-server,server" },
  },
});
const CASE = values.case!;
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const KINDS = values.kinds!.split(",");

async function send(port: number, count: number): Promise<void> {
  const headers = CASE === "headers" ? BROWSER_HEADERS : {};
  for (let i = 0; i < count; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers });
    await response.arrayBuffer();
  }
}

/** User-space instructions per request of one kind of server. */
function measure(kind: string): Promise<number> {
  return instructionsPerRequest(
    new URL("./server.ts", import.meta.url).pathname,
    [kind, CASE === "headers" ? "hello" : CASE],
    send,
    WARMUP,
    REQUESTS,
  );
}

const counts: Record<string, number> = {};
for (const kind of KINDS) counts[kind] = await measure(kind);

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
console.log(
  `case ${CASE}: user-space instructions per request (callgrind), ${REQUESTS} requests after ${WARMUP}`,
);
console.log(
  `| kind | instructions/request | ÷ raw |${
    "floor" in counts ? " ÷ floor (+ Server for server) |" : ""
  }`,
);
console.log(`|---|---:|---:|${"floor" in counts ? "---:|" : ""}`);
for (const kind of KINDS) {
  const cells = [kind, fmt(counts[kind]), fmt(counts[kind] / counts.raw, 2)];
  // makeServer sends a Server header: its floor is the floor that does too.
  const floor = kind === "server" && "floor-server" in counts
    ? counts["floor-server"]
    : counts.floor;
  if ("floor" in counts) cells.push(fmt(counts[kind] / floor, 2));
  console.log(`| ${cells.join(" | ")} |`);
}
