// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The npm package in child Node processes, where what keeps a process alive
 * shows: a server that shut down lets its process exit by itself, whatever
 * its app and clients do; a CGI script (`CGIHandler`) exits once it read
 * `CONTENT_LENGTH` bytes, and takes a closed standard output as a hang-up.
 * It needs the npm build (`npm run build`), so it runs under `node --test`
 * only; `deno test` skips it (the server's Deno tests are in
 * `deno_simple_server_test.ts`).
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { until, within } from "./_helpers.ts";

const ON_NODE = !("Deno" in globalThis);
const SKIP = !ON_NODE && "runs on the npm build, under node --test";
/** A module of the npm build, from this file's `npm/esm/tests/`. */
const built = (name: string): string =>
  JSON.stringify(new URL(`../${name}`, import.meta.url).href);

interface Child {
  child: ChildProcess;
  stdout: () => Buffer;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs `source` as an ES module in a child Node, from a temp dir. */
function runModule(
  dir: string,
  source: string,
  env: Record<string, string> = {},
): Child {
  const path = join(dir, "main.mjs");
  writeFileSync(path, source);
  const child = spawn(process.execPath, [path], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr!.setEncoding("utf8").on("data", (text) => err += text);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code))
  );
  return {
    child,
    stdout: () => Buffer.concat(out),
    stderr: () => err,
    exited,
  };
}

/** Runs `fn` with a temp dir, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wsgiref_process_"));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits for `run` to exit, killing it if it takes longer than `ms`. */
async function exitWithin(run: Child, ms: number): Promise<number | null> {
  try {
    return await within(run.exited, ms, `the child's exit; ${run.stderr()}`);
  } catch (error) {
    run.child.kill("SIGKILL");
    await run.exited;
    throw error;
  }
}

/**
 * A server process with `app` (source text) and gracePeriod 300: it prints
 * its port, and shuts down when its standard input closes. It never calls
 * `exit()`: it ends once nothing keeps it alive.
 */
function serverSource(app: string): string {
  return `import { makeServer } from ${built("simple_server.js")};
const httpd = makeServer("127.0.0.1", 0, ${app}, {
  quiet: true,
  gracePeriod: 300,
});
await httpd.ready();
console.log(httpd.serverPort);
const serving = httpd.serveForever();
process.stdin.resume();
process.stdin.once("end", async () => {
  process.stdin.pause();
  await httpd.shutdown();
  await serving;
});
`;
}

async function portOf(run: Child): Promise<number> {
  await until(
    () => run.stdout().includes("\n") || run.child.exitCode !== null,
    10_000,
    "the port",
  );
  const port = Number(run.stdout().toString());
  assert.ok(port > 0, `no port; stderr: ${run.stderr()}`);
  return port;
}

describe("a server process after shutdown", { skip: SKIP }, () => {
  test("an app that never answers: its client gets 503 and the process exits by itself", async () => {
    await withTempDir(async (dir) => {
      const run = runModule(dir, serverSource("() => new Promise(() => {})"));
      const port = await portOf(run);
      const waiting = fetch(`http://127.0.0.1:${port}/`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      run.child.stdin!.end();
      const response = await within(waiting, 5000, "the response");
      assert.equal(response.status, 503);
      await response.body?.cancel();
      assert.equal(await exitWithin(run, 5000), 0);
    });
  });

  test("a client that never reads a 128 MiB stream: cut off, and the process exits by itself", async () => {
    await withTempDir(async (dir) => {
      const run = runModule(
        dir,
        serverSource(`(_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
  const chunk = new Uint8Array(1 << 20);
  return (function* () {
    for (let i = 0; i < 128; i++) yield chunk;
  })();
}`),
      );
      const port = await portOf(run);
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      const closed = new Promise((resolve) => socket.once("close", resolve));
      try {
        socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        socket.pause(); // never reads
        await new Promise((resolve) => setTimeout(resolve, 300));
        run.child.stdin!.end();
        assert.equal(await exitWithin(run, 5000), 0);
        socket.resume(); // to see the end, which the server sent
        await within(closed, 2000, "the connection's close");
      } finally {
        socket.destroy();
      }
    });
  });
});

/** A CGI script: `CGIHandler` running `app` (source text). */
function cgiSource(app: string): string {
  return `import { CGIHandler } from ${built("handlers.js")};
await new CGIHandler().run(${app});
`;
}

describe("CGIHandler in a CGI script on Node", { skip: SKIP }, () => {
  test("exits once it read CONTENT_LENGTH bytes, standard input left open", async () => {
    await withTempDir(async (dir) => {
      const run = runModule(
        dir,
        cgiSource(`async (environ, startResponse) => {
  const body = await environ["wsgi.input"].read();
  startResponse("200 OK", [["Content-Type", "application/octet-stream"]]);
  return [body];
}`),
        { REQUEST_METHOD: "POST", CONTENT_LENGTH: "10" },
      );
      try {
        run.child.stdin!.write("0123456789"); // and never closed
        assert.equal(await exitWithin(run, 5000), 0);
        assert.equal(
          run.stdout().toString("latin1"),
          "Status: 200 OK\r\nContent-Type: application/octet-stream\r\n" +
            "Content-Length: 10\r\n\r\n0123456789",
        );
        assert.equal(run.stderr(), "");
      } finally {
        run.child.stdin!.destroy();
      }
    });
  });

  test("a standard output closed early is a hang-up: close() runs once, exit 0", async () => {
    await withTempDir(async (dir) => {
      const run = runModule(
        dir,
        cgiSource(`(_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  const chunk = new TextEncoder().encode("x".repeat(1000) + "\\n");
  return {
    *[Symbol.iterator]() {
      for (;;) yield chunk;
    },
    close() {
      process.stderr.write("close()\\n");
    },
  };
}`),
        { REQUEST_METHOD: "GET" },
      );
      run.child.stdin!.end();
      // As \`| head -c 100\` does: read a little, then close the pipe.
      await until(() => run.stdout().length >= 100, 5000, "the first bytes");
      run.child.stdout!.destroy();
      assert.equal(await exitWithin(run, 5000), 0);
      assert.equal(run.stderr(), "close()\n");
    });
  });
});
