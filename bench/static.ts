// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A large file through `staticFiles`, side by side with the runtime's own
 * file streaming: peak RSS of the server process (`VmHWM`) and MiB/s, for a
 * file of `--size` MiB (default 1024), on Deno (`Deno.serve` with a
 * `Deno.FsFile`'s stream vs `makeServer(staticFiles(root))`) and on Node
 * (`node:http` with `fs.createReadStream` vs the npm build's `makeServer`;
 * run `npm run build` first).
 *
 * ```sh
 * deno task bench:static [--size 1024] [--runtimes deno,node]
 * ```
 *
 * The file is sparse (its pages cost no disk), and the client discards what
 * it reads, so the server's own memory is what is measured.
 *
 * @module
 */

import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "1024" },
    runtimes: { type: "string", default: "deno,node" },
  },
});
const SIZE = Number(values.size) * 1024 * 1024;
const ROOT = await Deno.makeTempDir({ prefix: "wsgiref-bench-static-" });
const FILE = `${ROOT}/big.bin`;
const REPO = new URL("..", import.meta.url).pathname;

const SERVERS: Record<string, { command: string; source: string }> = {
  "deno raw": {
    command: Deno.execPath(),
    source: `
      const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen({ port }) { console.log(port); } },
        async () => new Response((await Deno.open(${
      JSON.stringify(FILE)
    })).readable));`,
  },
  "deno staticFiles": {
    command: Deno.execPath(),
    source: `
      import { makeServer } from "${REPO}simple_server.ts";
      import { staticFiles } from "${REPO}static.ts";
      const httpd = makeServer("127.0.0.1", 0, staticFiles(${
      JSON.stringify(ROOT)
    }), { quiet: true });
      await httpd.ready(); console.log(httpd.serverPort); await httpd.serveForever();`,
  },
  "node raw": {
    command: "node",
    source: `
      import { createServer } from "node:http";
      import { createReadStream } from "node:fs";
      const server = createServer((req, res) => { res.writeHead(200); createReadStream(${
      JSON.stringify(FILE)
    }).pipe(res); });
      server.listen(0, "127.0.0.1", () => console.log(server.address().port));`,
  },
  "node staticFiles": {
    command: "node",
    source: `
      import { makeServer } from "${REPO}npm/esm/simple_server.js";
      import { staticFiles } from "${REPO}npm/esm/static.js";
      const httpd = makeServer("127.0.0.1", 0, staticFiles(${
      JSON.stringify(ROOT)
    }), { quiet: true });
      await httpd.ready(); console.log(httpd.serverPort); await httpd.serveForever();`,
  },
};

/** Peak RSS in MiB of a process, from /proc. */
async function peakRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function measure(kind: string): Promise<{ mibs: number; rss: number }> {
  const { command, source } = SERVERS[kind];
  const script = `${ROOT}/server-${kind.replace(" ", "-")}.mjs`;
  await Deno.writeTextFile(script, source);
  const args = command === "node"
    ? [script]
    : ["run", "-A", "--config", `${REPO}deno.json`, script];
  const child = new Deno.Command(command, { args, stdout: "piped" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await reader.read()).value!.trim());
  try {
    const start = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/big.bin`);
    let received = 0;
    for await (const chunk of response.body!) received += chunk.length;
    const seconds = (performance.now() - start) / 1000;
    if (received !== SIZE) throw new Error(`${kind}: got ${received} bytes`);
    return {
      mibs: SIZE / 1024 / 1024 / seconds,
      rss: await peakRss(child.pid),
    };
  } finally {
    child.kill("SIGKILL");
    await child.status;
    reader.releaseLock();
  }
}

const file = await Deno.open(FILE, { write: true, create: true });
await file.truncate(SIZE);
file.close();
try {
  console.log(`${SIZE / 1024 / 1024} MiB file, one GET each, server peak RSS`);
  console.log("| server | MiB/s | peak RSS (MiB) |\n|---|---:|---:|");
  for (const runtime of values.runtimes.split(",")) {
    for (const kind of [`${runtime} raw`, `${runtime} staticFiles`]) {
      const { mibs, rss } = await measure(kind);
      console.log(`| ${kind} | ${mibs.toFixed(0)} | ${rss.toFixed(1)} |`);
    }
  }
} finally {
  await Deno.remove(ROOT, { recursive: true });
}
