// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The benchmark: the WSGI layer (`toFetchHandler`) against raw `Deno.serve`
 * serving the same bytes, side by side in one run, with the same load
 * generator (`wrk`, Debian package `wrk`). A third server, the floor, is raw
 * `Deno.serve` that also reads what any gateway must read of a request (URL,
 * method, headers, client address): `wsgi/floor` is the WSGI layer's own
 * cost, `floor/raw` the runtime's cost of handing the request over. The
 * server is pinned to core 0 and wrk to core 1; the order of the kinds
 * alternates each round; medians are reported (ratios are the median of
 * each round's ratio), with the server's CPU time per request and its peak
 * RSS.
 *
 * ```sh
 * deno task bench [--duration 5] [--rounds 3] [--cases hello,headers,64k,stream]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BROWSER_HEADERS } from "./_headers.mjs";
import { readWrk } from "./_tools.mjs";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    cases: { type: "string", default: "hello,headers,64k,stream" },
    connections: { type: "string", default: "50" },
  },
});
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const CASES = values.cases!.split(",");
const CONNECTIONS = Number(values.connections);

/** The `headers` case's request headers, as wrk's `-H` arguments. */
const BROWSER_HEADER_LINES = Object.entries(BROWSER_HEADERS).map(
  ([name, value]) => `${name}: ${value}`,
);

function which(tool: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${tool}`] })
      .outputSync().success;
  } catch {
    return false;
  }
}

if (!which("wrk")) {
  console.error(
    "bench: needs wrk (Debian package wrk: apt-get install -y wrk)",
  );
  Deno.exit(2);
}
const pin = which("taskset");

interface Server {
  pid: number;
  port: number;
  child: Deno.ChildProcess;
}

async function startServer(kind: string, name: string): Promise<Server> {
  const args = [
    "run",
    "-A",
    new URL("./server.ts", import.meta.url).pathname,
    kind,
    name,
  ];
  const command = pin
    ? new Deno.Command("taskset", {
      args: ["-c", "0", Deno.execPath(), ...args],
      stdout: "piped",
      stderr: "inherit",
    })
    : new Deno.Command(Deno.execPath(), {
      args,
      stdout: "piped",
      stderr: "inherit",
    });
  const child = command.spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server ${kind} ${name} exited`);
    text += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return { pid: child.pid, port: Number(text.trim()), child };
}

async function stopServer(server: Server): Promise<void> {
  server.child.kill("SIGTERM");
  await server.child.status;
}

function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in ticks of 10 ms
}

function peakRssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface WrkResult {
  requestsPerSec: number;
  mibPerSec: number;
  requests: number;
}

async function wrk(
  port: number,
  seconds: number,
  connections: number,
  headers: string[] = [],
): Promise<WrkResult> {
  const args = [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    ...headers.flatMap((h) => ["-H", h]),
    `http://127.0.0.1:${port}/`,
  ];
  const command = pin
    ? new Deno.Command("taskset", { args: ["-c", "1", "wrk", ...args] })
    : new Deno.Command("wrk", { args });
  const { stdout } = await command.output();
  const text = new TextDecoder().decode(stdout);
  return readWrk(text);
}

interface Sample {
  requestsPerSec: number;
  mibPerSec: number;
  cpuMicrosPerRequest: number;
  peakRssMiB: number;
}

async function measure(kind: string, name: string): Promise<Sample> {
  const server = await startServer(kind, name === "headers" ? "hello" : name);
  try {
    const headers = name === "headers" ? BROWSER_HEADER_LINES : [];
    const connections = name === "stream" ? 1 : CONNECTIONS;
    await wrk(server.port, 1, connections, headers); // warm up
    await Deno.writeTextFile(`/proc/${server.pid}/clear_refs`, "5").catch(
      () => {},
    );
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });

console.log(
  `wrk -t1 -c${CONNECTIONS} (stream: -c1), ${DURATION}s × ${ROUNDS} rounds, server on core 0, wrk on core 1${
    pin ? "" : " (taskset missing: not pinned)"
  }`,
);
console.log(
  "| case | raw req/s | floor req/s | wsgi req/s | wsgi/raw | wsgi/floor | raw CPU µs/req | floor CPU µs/req | wsgi CPU µs/req | raw MiB/s | wsgi MiB/s | MiB/s wsgi/raw | wsgi peak RSS MiB |",
);
console.log(
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
);
for (const name of CASES) {
  // The floor (Deno.serve reading the request as any gateway must) says
  // how much of the gap is the runtime's; streaming has no per-request part.
  const kinds = name === "stream" ? ["raw", "wsgi"] : ["raw", "floor", "wsgi"];
  const samples: Record<string, Sample[]> = { raw: [], floor: [], wsgi: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) samples[kind].push(await measure(kind, name));
  }
  const m = (kind: string, key: keyof Sample) =>
    samples[kind].length === 0 ? NaN : median(samples[kind].map((s) => s[key]));
  // Ratios within a round, then their median: drift between rounds cancels.
  const ratio = (a: string, b: string, key: keyof Sample) =>
    samples[a].length === 0 || samples[b].length === 0
      ? NaN
      : median(samples[a].map((s, i) => s[key] / samples[b][i][key]));
  const cell = (n: number, digits = 0) =>
    Number.isNaN(n) ? "–" : fmt(n, digits);
  console.log(
    "| " + [
      name,
      cell(m("raw", "requestsPerSec")),
      cell(m("floor", "requestsPerSec")),
      cell(m("wsgi", "requestsPerSec")),
      cell(ratio("wsgi", "raw", "requestsPerSec"), 3),
      cell(ratio("wsgi", "floor", "requestsPerSec"), 3),
      cell(m("raw", "cpuMicrosPerRequest"), 1),
      cell(m("floor", "cpuMicrosPerRequest"), 1),
      cell(m("wsgi", "cpuMicrosPerRequest"), 1),
      cell(m("raw", "mibPerSec"), 1),
      cell(m("wsgi", "mibPerSec"), 1),
      cell(ratio("wsgi", "raw", "mibPerSec"), 3),
      cell(Math.max(...samples.wsgi.map((s) => s.peakRssMiB)), 1),
    ].join(" | ") + " |",
  );
}
