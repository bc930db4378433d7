// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The acceptance test of the one engine: every app of
 * `_acceptance_cases.ts` (sync, async, thrown, written, closed, refused) is
 * served by `makeServer`, and all a user can see must be what was recorded
 * (`_acceptance_expected.ts`): the bytes on the wire, the environ, the log,
 * the errors, what the app observed. Runs on Deno and on Node.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { makeServer } from "../simple_server.ts";
import { CASES, get, observe } from "./_acceptance_cases.ts";
import { EXPECTED } from "./_acceptance_expected.ts";
import { bytes, exchange } from "./_helpers.ts";

const RUNTIME = "Deno" in globalThis ? "Deno" : "Node";

describe(`the one engine answers each app as recorded (${RUNTIME})`, () => {
  const expected = EXPECTED[RUNTIME];
  test("every app has its recording", () => {
    assert.deepEqual(
      CASES.map((c) => c.name).sort(),
      Object.keys(expected.cases).sort(),
    );
  });
  for (const c of CASES) {
    test(c.name, async () => {
      const seen = await observe(c);
      const recorded = expected.cases[c.name];
      assert.deepEqual({
        wire: seen.wire,
        environ: seen.environ.map(([key, value]) => `${key}: ${value}`),
        logged: seen.logged.map(([code, size]) => `${code} ${size}`),
        errors: seen.errors,
        notes: seen.notes,
      }, {
        ...recorded,
        environ: expected.environs[recorded.environ],
      });
      assert.match(seen.wire, /^HTTP\/1\.1 \d{3} /);
    });
  }
});

test(`write() after a response made at once fails, as after close() (${RUNTIME})`, async () => {
  let late: ((data: Uint8Array) => unknown) | undefined;
  const httpd = makeServer("127.0.0.1", 0, (_e, startResponse) => {
    late = startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return [bytes("done")];
  }, { quiet: true });
  await httpd.ready();
  void httpd.serveForever();
  try {
    const wire = await exchange(httpd.serverPort, get("/"));
    assert.match(wire.toString(), /\r\n\r\ndone$/);
    assert.throws(() => late!(bytes("late")), {
      name: "AssertionError",
      message: "write() before start_response()",
    });
  } finally {
    await httpd.shutdown();
  }
});
