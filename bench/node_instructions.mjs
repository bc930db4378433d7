// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The steady Node benchmark for a noisy machine: user-space instructions
 * per request of each Node benchmark server (`bench/node_server.mjs`:
 * `raw`, `edge`, `wsgi`), counted by valgrind's callgrind (Debian package
 * `valgrind`), as `bench/instructions.ts` does for Deno. Each server runs
 * under callgrind with counting off, gets `--warmup` requests, then
 * counting is switched on for `--requests` more, sent one after another on
 * one keep-alive connection. Only the main thread is counted: V8 compiles
 * and marks on helper threads, whose share after the warm-up varies from
 * run to run. Kernel time is not counted either. Counts still move by a
 * few percent between runs (how much is optimised by then varies): compare
 * kinds measured in the same run.
 *
 * `--names N` lists each kind's N costliest functions, JavaScript ones by
 * name (V8's `--perf-basic-prof` map); `--keep PREFIX` keeps each kind's
 * callgrind file as `PREFIX.KIND`, for `callgrind_annotate`.
 *
 * ```sh
 * npm run bench:node:instructions -- [--case hello|headers|64k] [--requests 2000] [--warmup 4000] [--kinds raw,edge,wsgi] [--names 40] [--keep /tmp/cg]
 * ```
 *
 * @module
 */

import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BROWSER_HEADERS } from "./_headers.mjs";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    case: { type: "string", default: "hello" },
    requests: { type: "string", default: "2000" },
    warmup: { type: "string", default: "4000" },
    kinds: { type: "string", default: "raw,edge,wsgi" },
    keep: { type: "string" },
    names: { type: "string" },
  },
});
const CASE = values.case;
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const KINDS = values.kinds.split(",");
/** Where to keep each kind's callgrind file (`PREFIX.KIND`), for callgrind_annotate. */
const KEEP = values.keep;
/** How many functions to list by name, each kind (0: none). */
const NAMES = Number(values.names ?? 0);
const SERVER = fileURLToPath(new URL("./node_server.mjs", import.meta.url));

for (const tool of ["valgrind", "callgrind_control", "callgrind_annotate"]) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
  } catch {
    console.error(
      `bench: needs ${tool} (Debian package valgrind: apt-get install -y valgrind)`,
    );
    process.exit(2);
  }
}

/** Sends `count` GETs one after another on one keep-alive connection. */
async function send(port, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = CASE === "headers" ? BROWSER_HEADERS : {};
  const get = () =>
    new Promise((resolve, reject) => {
      request(
        { host: "127.0.0.1", port, path: "/", agent, headers },
        (res) => {
          res.on("data", () => {}).on("end", resolve).on("error", reject);
        },
      ).on("error", reject).end();
    });
  try {
    for (let i = 0; i < count; i++) {
      // Under valgrind the server's keep-alive timeout may close the
      // connection just as a request goes out on it: sent again.
      await get().catch((error) => {
        if (error.code !== "ECONNRESET") throw error;
        return get();
      });
    }
  } finally {
    agent.destroy();
  }
}

/** User-space instructions per request of one kind of server. */
async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), "wsgiref-callgrind-"));
  try {
    const child = spawn("valgrind", [
      "--tool=callgrind",
      "--instr-atstart=no",
      // The main thread alone: V8 compiles on other threads, and how much
      // it still compiles after the warm-up varies from run to run.
      "--separate-threads=yes",
      `--callgrind-out-file=${dir}/out.%p`,
      process.execPath,
      // Names the JIT's code in /tmp/perf-PID.map, for `--names`.
      ...(NAMES > 0 ? ["--perf-basic-prof"] : []),
      SERVER,
      kind,
      CASE === "headers" ? "hello" : CASE,
    ], { stdio: ["ignore", "pipe", "ignore"] });
    const port = await new Promise((resolve, reject) => {
      let text = "";
      child.stdout.setEncoding("utf8").on("data", (chunk) => {
        text += chunk;
        if (text.includes("\n")) resolve(Number(text.trim()));
      });
      child.once("exit", () => reject(new Error(`server ${kind} exited`)));
    });
    await send(port, WARMUP);
    execFileSync("callgrind_control", ["-i", "on", String(child.pid)], {
      stdio: "ignore",
    });
    await send(port, REQUESTS);
    execFileSync("callgrind_control", ["-d", String(child.pid)], {
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    // The dump of thread 1, the main thread (not the final file).
    const name = readdirSync(dir).find((file) => file.endsWith(".1-01"));
    if (name === undefined) throw new Error(`no callgrind dump for ${kind}`);
    if (KEEP) copyFileSync(join(dir, name), `${KEEP}.${kind}`);
    const annotated = execFileSync("callgrind_annotate", [
      ...(NAMES > 0 ? ["--threshold=100"] : []),
      join(dir, name),
    ], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const total = Number(
      /([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS/.exec(annotated)[1]
        .replaceAll(",", ""),
    );
    if (NAMES > 0) printNames(kind, child.pid, annotated);
    return total / REQUESTS;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });

/**
 * Prints the `NAMES` functions that ran the most instructions: callgrind
 * knows the JIT's code only by address, which the map V8 wrote
 * (`--perf-basic-prof`) names.
 */
function printNames(kind, pid, annotated) {
  const mapFile = `/tmp/perf-${pid}.map`;
  const ranges = readFileSync(mapFile, "utf8").split("\n").flatMap((line) => {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    return match
      ? [[parseInt(match[1], 16), parseInt(match[2], 16), match[3]]]
      : [];
  }).sort((a, b) => a[0] - b[0]);
  rmSync(mapFile, { force: true });
  const nameOf = (address) => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid][0] <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    const range = ranges[hi];
    return range && address < range[0] + range[1] ? range[2] : "(JIT, unnamed)";
  };
  const totals = new Map();
  for (const line of annotated.split("\n")) {
    const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S+?):(\S+)/.exec(line);
    if (!match) continue;
    const count = Number(match[1].replaceAll(",", ""));
    const symbol = match[3];
    const name = /^0x[0-9a-f]+$/.test(symbol)
      ? nameOf(parseInt(symbol, 16))
      : symbol.replace(/\(.*$/, "");
    totals.set(name, (totals.get(name) ?? 0) + count);
  }
  console.log(`${kind}: instructions per request by function`);
  for (
    const [name, count] of [...totals].sort((a, b) => b[1] - a[1]).slice(
      0,
      NAMES,
    )
  ) {
    console.log(`${fmt(count / REQUESTS).padStart(8)}  ${name}`);
  }
}

const counts = {};
for (const kind of KINDS) counts[kind] = await measure(kind);

console.log(
  `Node ${process.versions.node}, case ${CASE}: user-space instructions per request (callgrind), ${REQUESTS} requests after ${WARMUP}`,
);
console.log(
  `| kind | instructions/request |${"raw" in counts ? " ÷ raw |" : ""}`,
);
console.log(`|---|---:|${"raw" in counts ? "---:|" : ""}`);
for (const kind of KINDS) {
  const cells = [kind, fmt(counts[kind])];
  if ("raw" in counts) cells.push(fmt(counts[kind] / counts.raw, 2));
  console.log(`| ${cells.join(" | ")} |`);
}
