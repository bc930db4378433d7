// Copyright 2026 the wsgiref authors. MIT license.
/**
 * FastCGI against HTTP behind the same nginx: one nginx (Debian package
 * `nginx`) in front of either `serveFastCGI(app)` (`fastcgi_pass`, kept
 * connections) or `Deno.serve(toFetchHandler(app))` (`proxy_pass` over
 * HTTP/1.1, kept connections), the same app (a 13-byte hello), loaded by
 * `wrk` (Debian package `wrk`). The app's server runs on core 0, nginx and
 * wrk on core 1; the order alternates each round; medians are reported,
 * and the ratio is the median of each round's fastcgi/http ratio.
 *
 * ```sh
 * deno task bench:fastcgi [--duration 5] [--rounds 3] [--connections 50] [--node]
 * ```
 *
 * `--node` adds `serveFastCGI` on Node (the npm build in `npm/`: run
 * `deno task build:npm` first), to tell the runtime's `node:net` from the
 * rest.
 *
 * `--instructions` counts instead the user-space instructions per request
 * of `serveFastCGI` on Deno (valgrind's callgrind, Debian package
 * `valgrind`: steady on a busy machine): the requests nginx sends for `GET
 * /`, one after another on one kept connection, `--warmup` of them before
 * counting starts and `--requests` counted.
 *
 * Run with `--serve fastcgi|http`, it is the app's server instead: it
 * prints its port and serves until killed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { serveFastCGI } from "../fastcgi.ts";
import { toFetchHandler } from "../handlers.ts";
import type { WSGIApplication } from "../types.ts";
import {
  findOnPath,
  nginxAvailability,
  nginxConfig,
  startNginx,
  stopServer,
} from "../tests/_cgi_servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    serve: { type: "string" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    node: { type: "boolean", default: false },
    instructions: { type: "boolean", default: false },
    requests: { type: "string", default: "4000" },
    warmup: { type: "string", default: "2000" },
  },
});

const HELLO = new TextEncoder().encode("Hello, world!");
const app: WSGIApplication = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [HELLO];
};

/** `--serve fastcgi` on Node, from the npm build. */
const NODE_SERVER = `
const { serveFastCGI } = await import(${
  JSON.stringify(new URL("../npm/esm/fastcgi.js", import.meta.url).href)
});
const HELLO = new TextEncoder().encode("Hello, world!");
const server = await serveFastCGI((_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [HELLO];
}, { port: 0 });
console.log(server.port);
`;

if (values.serve !== undefined) {
  if (values.serve === "fastcgi") {
    const server = await serveFastCGI(app, { port: 0 });
    console.log(server.port);
  } else {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      toFetchHandler(app),
    );
    console.log(server.addr.port);
  }
} else if (values.instructions) {
  await countInstructions();
} else {
  await main();
}

/** The records nginx sends for `GET /` (as \`location\` configures it). */
function nginxRequest(): Uint8Array {
  const record = (type: number, content: Uint8Array) => {
    const padding = -content.length & 7;
    const out = new Uint8Array(8 + content.length + padding);
    out.set([
      1,
      type,
      0,
      1,
      content.length >> 8,
      content.length & 0xff,
      padding,
    ]);
    out.set(content, 8);
    return out;
  };
  const params: Record<string, string> = {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    QUERY_STRING: "",
    SERVER_NAME: "localhost",
    SERVER_PORT: "8080",
    SERVER_PROTOCOL: "HTTP/1.1",
    REMOTE_ADDR: "127.0.0.1",
    HTTP_HOST: "127.0.0.1:8080",
  };
  const bytes: number[] = [];
  for (const [name, value] of Object.entries(params)) {
    bytes.push(name.length, value.length);
    for (const text of [name, value]) {
      for (const char of text) bytes.push(char.charCodeAt(0));
    }
  }
  const parts = [
    record(1, Uint8Array.of(0, 1, 1, 0, 0, 0, 0, 0)),
    record(4, Uint8Array.from(bytes)),
    record(4, new Uint8Array(0)),
    record(5, new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `--instructions`: serveFastCGI's instructions per request (callgrind). */
async function countInstructions(): Promise<void> {
  const { instructionsPerRequest } = await import("./_callgrind.ts");
  const { connect } = await import("node:net");
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  const request = nginxRequest();
  let socket: import("node:net").Socket | undefined;
  // One request at a time: each answer ends with an END_REQUEST record.
  let ended = 0;
  let wake: (() => void) | undefined;
  const send = async (port: number, count: number) => {
    if (socket === undefined) {
      socket = connect(port, "127.0.0.1");
      await new Promise((resolve) => socket!.once("connect", resolve));
      socket.on("data", (chunk: Uint8Array) => {
        for (let at = 0; at + 5 < chunk.length; at++) {
          if (
            chunk[at] === 1 && chunk[at + 1] === 3 && chunk[at + 4] === 0 &&
            chunk[at + 5] === 8
          ) ended++;
        }
        wake?.();
      });
    }
    for (let i = 0; i < count; i++) {
      const target = ended + 1;
      socket.write(request);
      while (ended < target) await new Promise<void>((r) => wake = r);
    }
  };
  const perRequest = await instructionsPerRequest(
    new URL(import.meta.url).pathname,
    ["--serve", "fastcgi"],
    send,
    warmup,
    requests,
  );
  socket?.destroy();
  console.log(
    `serveFastCGI on Deno: ${
      Math.round(perRequest).toLocaleString("en-US")
    } user-space instructions per request (callgrind), ${requests} after ${warmup}`,
  );
}

async function main(): Promise<void> {
  const nginx = await nginxAvailability();
  const wrk = findOnPath("wrk");
  if (nginx.missing || !wrk) {
    console.error(
      `bench:fastcgi: needs nginx and wrk (Debian packages nginx, wrk): ${
        nginx.missing ?? "wrk is not on PATH"
      }`,
    );
    Deno.exit(2);
  }
  const pin = findOnPath("taskset");
  const duration = Number(values.duration);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);

  /** The app's server, on core 0; its port. */
  async function startApp(kind: string) {
    const [program, ...args] = kind === "fastcgi-node"
      ? ["node", "--input-type=module", "-e", NODE_SERVER]
      : [
        Deno.execPath(),
        "run",
        "-A",
        new URL(import.meta.url).pathname,
        "--serve",
        kind,
      ];
    const child = new Deno.Command(pin ? pin : program, {
      args: pin ? ["-c", "0", program, ...args] : args,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the ${kind} server exited`);
      text += value;
    }
    reader.releaseLock();
    child.stdout.cancel().catch(() => {});
    return { child, port: Number(text.trim()) };
  }

  function location(kind: string): string {
    return kind.startsWith("fastcgi")
      ? `    location / {
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param SCRIPT_NAME "";
      fastcgi_param PATH_INFO $uri;
      fastcgi_param QUERY_STRING $query_string;
      fastcgi_param SERVER_NAME $server_name;
      fastcgi_param SERVER_PORT $server_port;
      fastcgi_param SERVER_PROTOCOL $server_protocol;
      fastcgi_param REMOTE_ADDR $remote_addr;
      fastcgi_pass app;
      fastcgi_keep_conn on;
    }`
      : `    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }`;
  }

  async function measure(kind: string): Promise<number> {
    const dir = await Deno.makeTempDir({ prefix: "wsgiref_bench_fastcgi_" });
    const server = await startApp(kind);
    const front = await startNginx(
      nginx.path!,
      dir,
      (port) =>
        nginxConfig(dir, port, location(kind)).replace(
          "  server {",
          `  upstream app { server 127.0.0.1:${server.port}; keepalive 64; }\n  server {`,
        ).replace(
          "error_log " + dir + "/error.log info;",
          `error_log ${dir}/error.log warn;`,
        ),
    );
    try {
      if (pin) {
        await new Deno.Command(pin, {
          args: ["-pc", "1", String(front.child.pid)],
          stdout: "null",
        }).output();
      }
      const run = async (seconds: number) => {
        const args = [
          "-t1",
          `-c${connections}`,
          `-d${seconds}s`,
          `http://127.0.0.1:${front.port}/`,
        ];
        const { stdout } = await new Deno.Command(pin ?? wrk!, {
          args: pin ? ["-c", "1", wrk!, ...args] : args,
        }).output();
        const text = new TextDecoder().decode(stdout);
        const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
        if (!rps || /Non-2xx/.test(text)) throw new Error(`wrk:\n${text}`);
        return Number(rps[1]);
      };
      await run(1); // warm up
      return await run(duration);
    } finally {
      await stopServer(front);
      server.child.kill("SIGTERM");
      await server.child.status;
      await Deno.remove(dir, { recursive: true });
    }
  }

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  };
  const kinds = values.node
    ? ["fastcgi", "http", "fastcgi-node"]
    : ["fastcgi", "http"];
  const samples: Record<string, number[]> = {};
  for (const kind of kinds) samples[kind] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) samples[kind].push(await measure(kind));
  }
  const ratio = median(samples.fastcgi.map((f, i) => f / samples.http[i]));
  console.log(
    `nginx ${nginx.version} in front; wrk -t1 -c${connections}, ${duration}s × ${rounds} rounds${
      pin
        ? ", app on core 0, nginx and wrk on core 1"
        : " (taskset missing: not pinned)"
    }`,
  );
  console.log("| behind nginx | req/s (median) | rounds |");
  console.log("|---|---:|---|");
  const labels: Record<string, string> = {
    fastcgi: "serveFastCGI (fastcgi_pass)",
    http: "Deno.serve(toFetchHandler) (proxy_pass)",
    "fastcgi-node": "serveFastCGI on Node (fastcgi_pass)",
  };
  for (const kind of kinds) {
    const label = labels[kind];
    console.log(
      `| ${label} | ${Math.round(median(samples[kind]))} | ${
        samples[kind].map(Math.round).join(", ")
      } |`,
    );
  }
  console.log(`\nfastcgi/http: ${ratio.toFixed(3)}`);
  if (values.node) {
    const node = median(
      samples["fastcgi-node"].map((f, i) => f / samples.http[i]),
    );
    console.log(`fastcgi on Node/http: ${node.toFixed(3)}`);
  }
}
