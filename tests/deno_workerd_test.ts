// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The package on workerd, the runtime of Cloudflare Workers (npm package
 * `workerd`, pinned in package.json), as a worker bundled by `deno bundle
 * --platform browser` into one module, served with the configuration of
 * `examples/workerd/config.capnp` on a free port:
 * `tests/testdata/runtime_app.ts` streams a body, echoes a POST read through
 * `wsgi.input`, answers an app error with the bare 500 page (the traceback
 * on workerd's standard error, through `console.error`), and runs a fetch app
 * through `fromFetchHandler`; `examples/workerd/worker.ts` serves its
 * greeting; and every entry point loads, with and without Node's APIs
 * (`nodejs_compat`), what needs a process or a server handled, not crashed
 * on. Skipped
 * when `npm ci` installed no working workerd, except under `CI=true`, where
 * that fails.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, IN_CI, requireTool } from "./_cgi_servers.ts";
import {
  checkRuntimeApp,
  runtimeAvailability,
  type RuntimeProcess,
  startRuntime,
} from "./_fetch_runtimes.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONFIG = join(ROOT, "examples/workerd/config.capnp");
const EXAMPLE_ADDRESS = `address = "127.0.0.1:8000"`;

// `.bin/workerd` is the binary when workerd's install script ran, and a
// Node wrapper that finds it in the platform package when not.
const workerd = await runtimeAvailability("workerd", [
  "node_modules/.bin/workerd",
  "node_modules/@cloudflare/workerd-*/bin/workerd",
]);
const skip = workerd.missing !== undefined && !IN_CI;
if (skip) console.warn(`deno_workerd_test.ts: skipped: ${workerd.missing}`);

/** `entry` bundled into one module, `dir/worker.js`, as workerd needs. */
async function bundle(entry: string, dir: string): Promise<void> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "browser",
      "-o",
      join(dir, "worker.js"),
      join(ROOT, entry),
    ],
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(result.stderr);
  assert.ok(result.success, `deno bundle ${entry} failed:\n${text}`);
}

/**
 * workerd serving `dir/worker.js` with the example's configuration on a
 * free port (`edit` changes the rest); its origin and process.
 */
async function serve(
  dir: string,
  edit: (config: string) => string = (config) => config,
): Promise<{ origin: string; runtime: RuntimeProcess }> {
  const example = await Deno.readTextFile(CONFIG);
  assert.ok(example.includes(EXAMPLE_ADDRESS), `${CONFIG} listens on 8000`);
  // workerd cannot listen on port 0: a free port, tried again if taken.
  for (let attempt = 1;; attempt++) {
    const port = freePort();
    const address = `address = "127.0.0.1:${port}"`;
    const config = join(dir, "config.capnp");
    await Deno.writeTextFile(
      config,
      edit(example.replace(EXAMPLE_ADDRESS, address)),
    );
    const runtime = startRuntime(workerd.path!, ["serve", config], dir);
    const origin = `http://127.0.0.1:${port}`;
    try {
      await waitForPort(origin, runtime);
      return { origin, runtime };
    } catch (error) {
      await runtime[Symbol.asyncDispose]();
      if (attempt === 3) throw error;
    }
  }
}

/** Waits (10 s at most) until `origin` answers, or `runtime` exits. */
async function waitForPort(
  origin: string,
  runtime: RuntimeProcess,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const response = await fetch(`${origin}/`);
      await response.body?.cancel();
      return;
    } catch (error) {
      if (runtime.exited() || Date.now() > deadline) {
        throw new Error(
          `workerd did not answer: ${error}\n${runtime.out.text}${runtime.err.text}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

Deno.test({
  name: `toFetchHandler and fromFetchHandler on workerd (${
    workerd.version ?? "not installed"
  })`,
  ignore: skip,
  async fn(t) {
    requireTool(workerd);
    await using dir = await tempDir();
    await bundle("tests/testdata/runtime_app.ts", dir.path);
    const { origin, runtime } = await serve(dir.path);
    await using _ = runtime;
    await checkRuntimeApp(
      t,
      origin,
      () => runtime.out.text + runtime.err.text,
      undefined,
    );
  },
});

Deno.test({
  name: "examples/workerd/worker.ts, bundled, serves its greeting on workerd",
  ignore: skip,
  async fn() {
    requireTool(workerd);
    await using dir = await tempDir();
    await bundle("examples/workerd/worker.ts", dir.path);
    // Nothing of Node in it: it loads whatever Node APIs workerd gives.
    const code = await Deno.readTextFile(join(dir.path, "worker.js"));
    assert.doesNotMatch(code, /^import [^\n]*["']node:|\bimport\(["']node:/m);
    const { origin, runtime } = await serve(dir.path);
    await using _ = runtime;
    const response = await fetch(`${origin}/?name=Ada`);
    assert.equal(await response.text(), "Hello, Ada!\n");
  },
});

Deno.test({
  name: "every entry point loads on workerd, with and without nodejs_compat",
  ignore: skip,
  async fn(t) {
    requireTool(workerd);
    await using dir = await tempDir();
    await bundle("tests/testdata/workerd_modules.ts", dir.path);
    for (
      const [name, edit, cgi] of [
        ["as configured", (config: string) => config, { value: "object" }],
        [
          "with nodejs_compat before it was the default (a process without versions or streams)",
          (config: string) =>
            config.replace(
              /compatibilityDate = "[^"]*"/,
              `compatibilityDate = "2025-01-01", compatibilityFlags = ` +
                `["nodejs_compat", "enable_nodejs_http_modules"]`,
            ),
          {
            threw: "Error: this runtime has no standard input: " +
              "expected Deno or Node",
          },
        ],
        [
          "with no Node APIs at all (an early compatibility date, no nodejs_compat): no node: import runs before a server is made",
          (config: string) =>
            config.replace(
              /compatibilityDate = "[^"]*"/,
              `compatibilityDate = "2024-01-01"`,
            ),
          {
            threw: "Error: this runtime has no standard input: " +
              "expected Deno or Node",
          },
        ],
      ] as const
    ) {
      await t.step(name, async () => {
        const { origin, runtime } = await serve(dir.path, edit);
        await using _ = runtime;
        const answers = await (await fetch(origin)).json();
        assert.ok(answers.exports > 20, JSON.stringify(answers));
        assert.deepEqual(answers.readEnviron, { value: 0 });
        assert.deepEqual(answers.CGIHandler, cgi);
        assert.deepEqual(answers.errorPage, { value: 500 });
        assert.equal(typeof answers.makeServer.threw, "string");
        assert.match(answers.SYS_VERSION, /^\S+$/);
      });
    }
  },
});

/** A temporary directory, removed at the end of its `await using` block. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "wsgiref_workerd_" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}
