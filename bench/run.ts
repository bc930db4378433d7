// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The benchmark: the WSGI layer (`toFetchHandler`) against raw `Deno.serve`
 * serving the same bytes, side by side in one run, with the same load
 * generator (`wrk`, Debian package `wrk`). The server is pinned to core 0
 * and wrk to core 1; kinds alternate each round; medians are reported with
 * the ratio WSGI / raw, the server's CPU time per request, and the server's
 * peak RSS while streaming.
 *
 * ```sh
 * deno task bench [--duration 5] [--rounds 3] [--cases hello,headers,64k,stream]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";

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

/** Headers a browser sends, for the `headers` case (wrk alone sends only Host). */
const BROWSER_HEADERS = [
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language: en-US,en;q=0.5",
  "Accept-Encoding: gzip, deflate, br",
  "Cookie: session=0123456789abcdef; theme=dark",
  "Referer: http://127.0.0.1/index.html",
  "Upgrade-Insecure-Requests: 1",
  "Cache-Control: max-age=0",
];

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

function toMiB(value: number, unit: string): number {
  const scale: Record<string, number> = {
    B: 1 / 1048576,
    KB: 1 / 1024,
    MB: 1,
    GB: 1024,
  };
  return value * (scale[unit] ?? NaN);
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
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(text);
  const total = /(\d+) requests in/.exec(text);
  if (!rps || !transfer || !total) {
    throw new Error(`cannot read wrk's output:\n${text}`);
  }
  return {
    requestsPerSec: Number(rps[1]),
    mibPerSec: toMiB(Number(transfer[1]), transfer[2]),
    requests: Number(total[1]),
  };
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
    const headers = name === "headers" ? BROWSER_HEADERS : [];
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
  "| case | raw req/s | wsgi req/s | ratio | raw MiB/s | wsgi MiB/s | ratio | raw CPU µs/req | wsgi CPU µs/req | raw peak RSS MiB | wsgi peak RSS MiB |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const name of CASES) {
  const samples: Record<string, Sample[]> = { raw: [], wsgi: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ["raw", "wsgi"] : ["wsgi", "raw"];
    for (const kind of order) samples[kind].push(await measure(kind, name));
  }
  const m = (kind: string, key: keyof Sample) =>
    median(samples[kind].map((s) => s[key]));
  const rpsRatio = m("wsgi", "requestsPerSec") / m("raw", "requestsPerSec");
  const mibRatio = m("wsgi", "mibPerSec") / m("raw", "mibPerSec");
  console.log(
    `| ${name} | ${fmt(m("raw", "requestsPerSec"))} | ${
      fmt(m("wsgi", "requestsPerSec"))
    } | ${fmt(rpsRatio, 3)} | ${fmt(m("raw", "mibPerSec"), 1)} | ${
      fmt(m("wsgi", "mibPerSec"), 1)
    } | ${fmt(mibRatio, 3)} | ${fmt(m("raw", "cpuMicrosPerRequest"), 1)} | ${
      fmt(m("wsgi", "cpuMicrosPerRequest"), 1)
    } | ${fmt(Math.max(...samples.raw.map((s) => s.peakRssMiB)), 1)} | ${
      fmt(Math.max(...samples.wsgi.map((s) => s.peakRssMiB)), 1)
    } |`,
  );
}
