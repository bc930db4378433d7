// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The soak on Node (`bench/soak_node.mjs`, over the npm build) for 10
 * seconds, as a child process: every answer right, every body closed once,
 * a heap that does not keep growing. It needs the build, so it runs under
 * `node --test` only; `deno test` skips it (`deno_soak_test.ts` is the Deno
 * twin).
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ON_NODE = !("Deno" in globalThis);
/** `bench/soak_node.mjs` of the repository, from this file's `npm/esm/tests/`. */
const SOAK = fileURLToPath(
  new URL("../../../bench/soak_node.mjs", import.meta.url),
);

test(
  "the soak runs 10 s of mixed traffic on Node with every answer right and every body closed once",
  { skip: !ON_NODE && "runs on the npm build, under node --test" },
  async () => {
    const child = spawn(
      process.execPath,
      [SOAK, "--seconds", "10", "--clients", "2", "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (text) => out += text);
    child.stderr.setEncoding("utf8").on("data", (text) => err += text);
    const code = await new Promise<number | null>((resolve) =>
      child.once("close", resolve)
    );
    assert.equal(code, 0, `${out}\n${err}`);
    const report = JSON.parse(out);
    assert.deepEqual(report.failures, []);
    assert.equal(report.closedOnce, report.bodies);
    assert.ok(report.heapMiB.afterGC, "the heap was measured after a GC");
    for (const [kind, count] of Object.entries(report.kinds)) {
      assert.ok((count as number) > 0, `no ${kind} request`);
    }
  },
);
