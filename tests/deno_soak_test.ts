// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The soak (`bench/soak.ts`) for 10 seconds, on Deno, as a child process:
 * mixed traffic against `makeServer` with every answer checked, `close()`
 * run exactly once per body, and a heap that does not keep growing. The
 * load is modest (two clients) so the test stays steady on a small machine.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";

const SOAK = new URL("../bench/soak.ts", import.meta.url);

test("the soak runs 10 s of mixed traffic on Deno with every answer right and every body closed once", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      SOAK.pathname,
      "--seconds",
      "10",
      "--clients",
      "2",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `${text}\n${new TextDecoder().decode(stderr)}`);
  const report = JSON.parse(text);
  assert.deepEqual(report.failures, []);
  assert.equal(report.wrong, 0);
  assert.equal(report.errors, 0);
  assert.equal(report.closedOnce, report.bodies);
  assert.ok(report.heapMiB.afterGC, "the heap was measured after a GC");
  for (const [kind, count] of Object.entries(report.kinds)) {
    assert.ok((count as number) > 0, `no ${kind} request`);
  }
});
