// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The npm package's command, `wsgiref-serve` (`bin/wsgiref-serve.ts`), in a
 * child Node process: it serves the demo app or an app module's export,
 * prints what Python prints, logs each request, drains and exits 0 on
 * SIGTERM, and exits 2 on a usage mistake. It needs the npm build (`npm run
 * build`), so it runs under `node --test` only; `deno test` skips it (the
 * Deno command line is tested by `deno_simple_server_test.ts`).
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { NEVER_ENDING_APP, until } from "./_helpers.ts";

const ON_NODE = !("Deno" in globalThis);
const SKIP = !ON_NODE && "runs on the npm build, under node --test";
/** `npm/esm/bin/wsgiref-serve.js`, next to this file's `npm/esm/tests/`. */
const BIN = fileURLToPath(new URL("../bin/wsgiref-serve.js", import.meta.url));
/** The repository (a clone), from this file's `npm/esm/tests/`. */
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";
/** Node 22.18+ and 23.6+ load TypeScript as is; Node 20 cannot. */
const STRIPS_TYPES =
  (process.features as { typescript?: string | false }).typescript;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(
  args: string[],
  cwd?: string,
  command: string[] = [process.execPath, BIN],
): Run {
  const child = spawn(command[0], [...command.slice(1), ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that the test can stop npx and its children.
    detached: command[0] !== process.execPath,
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (text) => out += text);
  child.stderr!.setEncoding("utf8").on("data", (text) => err += text);
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => resolve(code))
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the "Serving HTTP on H port P ..." line; returns the port. */
async function servingPort(server: Run): Promise<number> {
  const pattern = /^Serving HTTP on 127\.0\.0\.1 port (\d+) \.\.\.$/m;
  await until(
    () => pattern.test(server.stdout()) || server.child.exitCode !== null,
    10_000,
    "the Serving line",
  );
  const match = pattern.exec(server.stdout());
  assert.ok(match, `no Serving line; stderr: ${server.stderr()}`);
  return Number(match[1]);
}

describe("wsgiref-serve, the npm package's command", { skip: SKIP }, () => {
  test("serves the demo app; SIGTERM drains and exits 0, the request logged", async () => {
    const server = run(["--port", "0"]);
    try {
      const port = await servingPort(server);
      const response = await fetch(`http://127.0.0.1:${port}/xyz?abc`);
      const text = await response.text();
      assert.equal(response.status, 200);
      assert.ok(text.startsWith("Hello world!\n\n"), text);
      assert.match(text, /^PATH_INFO = '\/xyz'$/m);
      assert.match(text, /^SERVER_SOFTWARE = 'WSGIServer\/0\.2 Node\//m);
    } finally {
      server.child.kill("SIGTERM");
    }
    assert.equal(await server.exited, 0);
    assert.match(
      server.stderr(),
      /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/xyz\?abc HTTP\/1\.1" 200 \d+$/m,
    );
  });

  test("serves a module's named export: app.js:name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsgiref_bin_"));
    try {
      writeFileSync(
        join(dir, "app.mjs"),
        `export function other(environ, startResponse) {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [new TextEncoder().encode("other " + environ.PATH_INFO)];
}
`,
      );
      const server = run(["--port", "0", "app.mjs:other"], dir);
      try {
        const port = await servingPort(server);
        const response = await fetch(`http://127.0.0.1:${port}/p`);
        assert.equal(await response.text(), "other /p");
      } finally {
        server.child.kill("SIGTERM");
      }
      assert.equal(await server.exited, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("SIGTERM past --grace-period: a never-ending body is cut off, its close() runs once, and it exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsgiref_bin_"));
    try {
      writeFileSync(join(dir, "app.mjs"), NEVER_ENDING_APP);
      const server = run(
        ["--port", "0", "--grace-period", "300", "app.mjs"],
        dir,
      );
      let started = 0;
      try {
        const port = await servingPort(server);
        const response = await fetch(`http://127.0.0.1:${port}/`);
        const reader = response.body!.getReader();
        await reader.read();
        // Keep reading, until it is cut off.
        (async () => {
          while (!(await reader.read()).done) {
            // more
          }
        })().catch(() => {});
      } finally {
        server.child.kill("SIGTERM");
        started = Date.now();
      }
      assert.equal(await server.exited, 0, server.stderr());
      assert.ok(Date.now() - started < 300 + 3000, "exited soon after");
      assert.equal(server.stderr().match(/^close\(\)$/gm)?.length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--help prints the usage and exits 0; mistakes exit 2", async () => {
    const help = run(["--help"]);
    assert.equal(await help.exited, 0);
    assert.match(help.stdout(), /^Usage: wsgiref-serve /);

    for (
      const [args, message] of [
        [["--bogus"], /bogus/],
        [["--port", "http"], /--port must be an integer/],
        [["--grace-period", "1.5"], /--grace-period must be a non-negative/],
        [["missing_module.mjs"], /cannot load the app module/],
      ] as const
    ) {
      const bad = run([...args]);
      assert.equal(await bad.exited, 2, args.join(" "));
      assert.match(bad.stderr(), message);
      assert.match(bad.stderr(), /^wsgiref-serve: /, args.join(" "));
      assert.match(bad.stderr(), /Usage: wsgiref-serve /);
    }
  });

  test("an unknown option: our own message, quotes balanced", async () => {
    const bad = run(["--nope"]);
    assert.equal(await bad.exited, 2);
    assert.equal(
      bad.stderr().split("\n")[0],
      "wsgiref-serve: unknown option --nope",
    );
  });

  test(
    "a .ts module on a Node that cannot run TypeScript: says what to do",
    { skip: STRIPS_TYPES ? "this Node runs TypeScript" : false },
    async () => {
      const bad = run([join(REPO, "examples", "hello.ts")]);
      assert.equal(await bad.exited, 2);
      const first = bad.stderr().split("\n")[0];
      assert.match(first, /hello\.ts: this Node cannot run TypeScript; /);
      assert.match(first, /compiled to JavaScript, or use Node 22\.18/);
      assert.match(first, /`npm run build` compiles examples\//);
      assert.doesNotMatch(bad.stderr(), /ERR_UNKNOWN_FILE_EXTENSION/);
    },
  );

  test("in a clone before the build, the clone's wsgiref-serve says to build first", async () => {
    // The launcher package.json's "bin" names, in a copy with no npm/ beside it.
    const dir = mkdtempSync(join(tmpdir(), "wsgiref_clone_"));
    try {
      mkdirSync(join(dir, "scripts"));
      const launcher = join(dir, "scripts", "wsgiref_serve.mjs");
      copyFileSync(join(REPO, "scripts", "wsgiref_serve.mjs"), launcher);
      const bare = run(["--port", "0"], dir, [process.execPath, launcher]);
      assert.equal(await bare.exited, 2);
      assert.match(bare.stderr(), /^wsgiref-serve: run `npm run build` first/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("in a clone, after the build: npx wsgiref-serve npm/esm/examples/hello.js", async () => {
    const server = run(
      [
        "--offline",
        "wsgiref-serve",
        "--port",
        "0",
        "npm/esm/examples/hello.js",
      ],
      REPO,
      [NPX],
    );
    try {
      const port = await servingPort(server);
      const response = await fetch(`http://127.0.0.1:${port}/?name=Ada`);
      assert.equal(await response.text(), "Hello, Ada!\n");
    } finally {
      // As Ctrl-C does: the whole group, npx and the server.
      process.kill(-server.child.pid!, "SIGTERM");
    }
    await server.exited;
    assert.match(server.stderr(), /^Shutting down \.\.\.$/m);
  });
});
