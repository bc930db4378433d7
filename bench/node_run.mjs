// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The Node benchmark: the WSGI layer (`makeServer` of the npm build, on
 * `node:http`) against raw `node:http` serving the same bytes, side by side
 * in one run, with the same load generator (`wrk`, Debian package `wrk`);
 * between them, the runtime edge alone (the `node:http` bridge answering a
 * fetch handler, no WSGI), to tell the bridge's cost from the engine's.
 * The server is pinned to core 0 and wrk to core 1; kinds take turns in
 * each round (order rotating); medians are reported, with the ratios to
 * raw (each the median of the rounds' own ratios, so drift between rounds
 * cancels; the stream's is its MiB/s ratio), the server's CPU time per
 * request (all its threads, from /proc), and its peak RSS.
 *
 * ```sh
 * npm run bench:node -- [--duration 5] [--rounds 3] [--cases hello,headers,64k,stream]
 * ```
 *
 * @module
 */

import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  cpuSeconds,
  fmt,
  median,
  peakRssMiB,
  pin,
  readWrk,
  resetPeakRss,
  runPinned,
  startServer,
  stopServer,
  which,
} from "./_tools.mjs";
import { BROWSER_HEADERS } from "./_headers.mjs";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    cases: { type: "string", default: "hello,headers,64k,stream" },
    connections: { type: "string", default: "50" },
  },
});
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const CASES = values.cases.split(",");
const CONNECTIONS = Number(values.connections);
const SERVER = fileURLToPath(new URL("./node_server.mjs", import.meta.url));

/** The `headers` case's request headers, as wrk's `-H` arguments. */
const BROWSER_HEADER_LINES = Object.entries(BROWSER_HEADERS).map(
  ([name, value]) => `${name}: ${value}`,
);

if (!which("wrk")) {
  console.error(
    "bench: needs wrk (Debian package wrk: apt-get install -y wrk)",
  );
  process.exit(2);
}

async function wrk(port, seconds, connections, headers = []) {
  const text = await runPinned("wrk", [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    ...headers.flatMap((h) => ["-H", h]),
    `http://127.0.0.1:${port}/`,
  ]);
  return readWrk(text);
}

async function measure(kind, name) {
  const server = await startServer([
    SERVER,
    kind,
    name === "headers" ? "hello" : name,
  ]);
  try {
    const headers = name === "headers" ? BROWSER_HEADER_LINES : [];
    const connections = name === "stream" ? 1 : CONNECTIONS;
    await wrk(server.port, 1, connections, headers); // warm up
    resetPeakRss(server.pid);
    const before = cpuSeconds(server.pid);
    const result = await wrk(server.port, DURATION, connections, headers);
    const cpu = cpuSeconds(server.pid) - before;
    return {
      requestsPerSec: result.requestsPerSec,
      mibPerSec: result.mibPerSec,
      cpuMicrosPerRequest: (cpu * 1e6) / result.requests,
      peakRssMiB: peakRssMiB(server.pid),
    };
  } finally {
    await stopServer(server);
  }
}

console.log(
  `Node ${process.versions.node}: wrk -t1 -c${CONNECTIONS} (stream: -c1), ${DURATION}s × ${ROUNDS} rounds, server on core 0, wrk on core 1${
    pin ? "" : " (taskset missing: not pinned)"
  }`,
);
const KINDS = ["raw", "edge", "wsgi"];
console.log(
  "| case | raw req/s | edge req/s | wsgi req/s | edge/raw | wsgi/raw | raw MiB/s | edge MiB/s | wsgi MiB/s | raw CPU µs/req | edge CPU µs/req | wsgi CPU µs/req | raw peak RSS MiB | wsgi peak RSS MiB |",
);
console.log(
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
);
for (const name of CASES) {
  const samples = { raw: [], edge: [], wsgi: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);
    for (const kind of order) samples[kind].push(await measure(kind, name));
  }
  const m = (kind, key) => median(samples[kind].map((s) => s[key]));
  // Ratios within a round, then their median: drift between rounds cancels.
  const ratio = (a, b, key) =>
    fmt(median(samples[a].map((s, i) => s[key] / samples[b][i][key])), 3);
  // A stream is a handful of requests per run: compare its throughput.
  const rate = name === "stream" ? "mibPerSec" : "requestsPerSec";
  const rps = (kind) => fmt(m(kind, "requestsPerSec"));
  const mib = (kind) => fmt(m(kind, "mibPerSec"), 1);
  const cpu = (kind) => fmt(m(kind, "cpuMicrosPerRequest"), 1);
  const rss = (kind) =>
    fmt(Math.max(...samples[kind].map((s) => s.peakRssMiB)), 1);
  console.log(
    "| " + [
      name,
      rps("raw"),
      rps("edge"),
      rps("wsgi"),
      ratio("edge", "raw", rate),
      ratio("wsgi", "raw", rate),
      mib("raw"),
      mib("edge"),
      mib("wsgi"),
      cpu("raw"),
      cpu("edge"),
      cpu("wsgi"),
      rss("raw"),
      rss("wsgi"),
    ].join(" | ") + " |",
  );
}
