// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The streaming benchmark: a long streamed response and a long upload,
 * through the WSGI layer and through the raw runtime, side by side in one
 * run, on the runtime that runs this script (`deno task bench:stream`, or
 * `npm run bench:stream:node`). The client is `curl` (Debian package
 * `curl`): it reads the response into `/dev/null`, and uploads a sparse file
 * (streamed, with its `Content-Length`). The server (`stream_server.mjs`) is
 * pinned to core 0 and curl to core 1; each measured transfer follows a
 * short warm-up on the same server. Kinds take turns in each round (order
 * rotating); per transfer: MiB/s, the server's CPU seconds per GiB (all its
 * threads, from /proc) and its peak RSS during the transfer (the kernel's
 * mark reset after the warm-up, `VmHWM` read after). Ratios are the median
 * of each round's own ratio, so drift between rounds cancels.
 *
 * ```sh
 * deno task bench:stream [--stream-mib 2048] [--upload-mib 512] [--rounds 3]
 * npm run bench:stream:node -- [the same options]
 * ```
 *
 * @module
 */

import {
  closeSync,
  openSync,
  readSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  cpuSeconds,
  fmt,
  median,
  peakRssMiB,
  pin,
  resetPeakRss,
  runPinned,
  startServer,
  stopServer,
  which,
} from "./_tools.mjs";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    "stream-mib": { type: "string", default: "2048" },
    "upload-mib": { type: "string", default: "512" },
    "warmup-mib": { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    cases: { type: "string", default: "stream,upload" },
  },
});
const SIZES = {
  stream: Number(values["stream-mib"]),
  upload: Number(values["upload-mib"]),
};
const WARMUP_MIB = Number(values["warmup-mib"]);
const ROUNDS = Number(values.rounds);
const CASES = values.cases.split(",");
const DENO = "Deno" in globalThis;
const SERVER = fileURLToPath(new URL("./stream_server.mjs", import.meta.url));
// On Deno, toFetchHandler under Deno.serve, and makeServer.
const KINDS = DENO ? ["raw", "fetch", "server"] : ["raw", "server"];

if (!which("curl")) {
  console.error("bench: needs curl (Debian package curl)");
  process.exit(2);
}

/**
 * Sparse files of each upload size (zeros, no disk I/O), read through once:
 * curl's first read of a hole fills the page cache, at a cost of its own.
 */
const files = new Map();
function uploadFile(mib) {
  let path = files.get(mib);
  if (path === undefined) {
    path = join(tmpdir(), `wsgiref-bench-upload-${process.pid}-${mib}`);
    writeFileSync(path, "");
    truncateSync(path, mib * 1024 * 1024);
    files.set(mib, path);
    const fd = openSync(path, "r");
    const buffer = new Uint8Array(1 << 20);
    while (readSync(fd, buffer) > 0);
    closeSync(fd);
  }
  return path;
}

/** One transfer with curl: the bytes moved and the seconds it took. */
async function curl(port, name, mib) {
  const url = `http://127.0.0.1:${port}/${mib}`;
  const args = name === "stream"
    ? ["-sS", "-o", "/dev/null", url]
    : ["-sS", "-X", "POST", "-H", "Expect:", "-T", uploadFile(mib), url];
  args.push(
    "-w",
    "\n%{http_code} %{size_download} %{size_upload} %{time_total}",
  );
  const text = await runPinned("curl", args);
  const lines = text.split("\n");
  const [status, down, up, seconds] = lines.pop().split(" ").map(Number);
  const bytes = name === "stream" ? down : up;
  // The upload's answer is the byte count the server read.
  const counted = name === "stream" ? down : Number(lines.join(""));
  if (status !== 200 || bytes !== mib * 1048576 || counted !== bytes) {
    throw new Error(`bad ${name} transfer of ${mib} MiB: ${text}`);
  }
  return { mib, seconds };
}

async function measure(kind, name) {
  const server = await startServer(
    DENO ? ["run", "-A", SERVER, kind, name] : [SERVER, kind, name],
  );
  try {
    await curl(server.port, name, WARMUP_MIB);
    resetPeakRss(server.pid);
    const before = cpuSeconds(server.pid);
    const { mib, seconds } = await curl(server.port, name, SIZES[name]);
    const cpu = cpuSeconds(server.pid) - before;
    return {
      mibPerSec: mib / seconds,
      cpuPerGiB: (cpu * 1024) / mib,
      peakRssMiB: peakRssMiB(server.pid),
    };
  } finally {
    await stopServer(server);
  }
}

const runtime = DENO
  ? `Deno ${Deno.version.deno}`
  : `Node ${process.versions.node}`;
console.log(
  `${runtime}: curl, ${ROUNDS} rounds, server on core 0, curl on core 1${
    pin ? "" : " (taskset missing: not pinned)"
  }`,
);
const others = KINDS.slice(1);
console.log(
  "| case | " + [
    ...KINDS.map((k) => `${k} MiB/s`),
    ...others.map((k) => `${k}/raw`),
    ...KINDS.map((k) => `${k} CPU s/GiB`),
    ...KINDS.map((k) => `${k} peak RSS MiB`),
  ].join(" | ") + " |",
);
console.log("|---|" + "---:|".repeat(KINDS.length * 4 - 1));
try {
  for (const name of CASES) {
    if (name === "upload") {
      uploadFile(WARMUP_MIB);
      uploadFile(SIZES.upload);
    }
    const samples = Object.fromEntries(KINDS.map((kind) => [kind, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);
      for (const kind of order) samples[kind].push(await measure(kind, name));
    }
    const m = (kind, key) => median(samples[kind].map((s) => s[key]));
    const ratio = (kind) =>
      median(
        samples[kind].map((s, i) => s.mibPerSec / samples.raw[i].mibPerSec),
      );
    const peak = (kind) => Math.max(...samples[kind].map((s) => s.peakRssMiB));
    console.log(
      "| " + [
        `${name} (${SIZES[name]} MiB)`,
        ...KINDS.map((k) => fmt(m(k, "mibPerSec"))),
        ...others.map((k) => fmt(ratio(k), 3)),
        ...KINDS.map((k) => fmt(m(k, "cpuPerGiB"), 2)),
        ...KINDS.map((k) => fmt(peak(k), 1)),
      ].join(" | ") + " |",
    );
  }
} finally {
  for (const path of files.values()) rmSync(path, { force: true });
}
