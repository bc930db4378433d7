// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The package on Bun (npm package `bun`, pinned in package.json), running
 * the sources as they are: `tests/testdata/runtime_app.ts` on `Bun.serve`
 * streams a body, echoes a POST read through `wsgi.input`, answers an app
 * error with the bare 500 page (the traceback on Bun's standard error), and
 * runs a fetch app through `fromFetchHandler`; the same app passes the same
 * checks served by `makeServer` (`tests/testdata/bun_make_server.ts`, on
 * Bun's `node:http`); `examples/bun.ts` serves `examples/hello.ts`. Skipped when `npm ci` installed no working Bun,
 * except under `CI=true`, where that fails.
 *
 * @module
 */

import assert from "node:assert/strict";
import { IN_CI, requireTool } from "./_cgi_servers.ts";
import {
  checkRuntimeApp,
  runtimeAvailability,
  startRuntime,
  waitForOutput,
} from "./_fetch_runtimes.ts";

// `npm ci` links the binary into .bin when bun's install script ran; the
// platform package holds it when the script was not allowed to.
const bun = await runtimeAvailability("bun", [
  "node_modules/.bin/bun",
  "node_modules/@oven/bun-*/bin/bun",
]);
const skip = bun.missing !== undefined && !IN_CI;
if (skip) console.warn(`deno_bun_test.ts: skipped: ${bun.missing}`);

// The same app and checks, on Bun.serve and on makeServer (Bun's node:http).
for (
  const [name, script] of [
    ["toFetchHandler and fromFetchHandler on Bun.serve", "bun_server.ts"],
    ["makeServer on Bun's node:http", "bun_make_server.ts"],
  ]
) {
  Deno.test({
    name: `${name} (Bun ${bun.version ?? "not installed"})`,
    ignore: skip,
    async fn(t) {
      requireTool(bun);
      await using runtime = startRuntime(bun.path!, [
        `tests/testdata/${script}`,
      ]);
      const [, port] = await waitForOutput(runtime, /listening on port (\d+)/);
      await checkRuntimeApp(
        t,
        `http://127.0.0.1:${port}`,
        () => runtime.err.text,
        "127.0.0.1",
      );
    },
  });
}

Deno.test({
  name: "examples/bun.ts serves examples/hello.ts on Bun",
  ignore: skip,
  async fn() {
    requireTool(bun);
    await using runtime = startRuntime(bun.path!, ["examples/bun.ts", "0"]);
    const [, origin] = await waitForOutput(
      runtime,
      /Serving examples\/hello\.ts on (http:\S+)\//,
    );
    const response = await fetch(`${origin}/?name=Ada`);
    assert.equal(await response.text(), "Hello, Ada!\n");
  },
});
