// Copyright 2026 the wsgiref authors. MIT license.
/**
 * What the Deno-only tests of the other fetch runtimes (Bun, workerd) share:
 * finding the runtime's binary that `npm ci` installed, starting it and
 * reading what it prints, and the checks every runtime must pass over HTTP
 * with `tests/testdata/runtime_app.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type Availability, output, stop, TextSink } from "./_cgi_servers.ts";
import {
  CHUNK_SIZE,
  SECRET,
  STREAM_CHUNKS,
} from "./testdata/runtime_app_facts.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ERROR_PAGE =
  "A server error occurred.  Please contact the administrator.";

/**
 * The first of `candidates` (paths under the repository) that answers
 * `--version`: `npm ci` links the binary into `node_modules/.bin` when the
 * package's install script ran, and the platform package holds it when not.
 *
 * @param pkg The npm package, named in the reason a test is skipped.
 * @param candidates Where to look, first first; `*` matches a directory.
 */
export async function runtimeAvailability(
  pkg: string,
  candidates: string[],
): Promise<Availability> {
  for (const candidate of candidates) {
    for (const path of expand(`${ROOT}${candidate}`)) {
      const version = await output(path, ["--version"]).catch(() => undefined);
      if (version?.code === 0) return { path, version: version.text };
    }
  }
  return {
    missing: `${candidates.join(" or ")} does not run: \`npm ci\` installs ` +
      `it (npm package: ${pkg})`,
  };
}

/** The paths `pattern` matches, with at most one `*` for a directory. */
function expand(pattern: string): string[] {
  const star = pattern.indexOf("*");
  if (star < 0) return [pattern];
  const dir = pattern.slice(0, pattern.lastIndexOf("/", star) + 1);
  const rest = pattern.slice(pattern.indexOf("/", star));
  const prefix = pattern.slice(dir.length, star);
  try {
    return [...Deno.readDirSync(dir)]
      .filter((entry) => entry.name.startsWith(prefix))
      .map((entry) => `${dir}${entry.name}${rest}`).sort();
  } catch {
    return [];
  }
}

/** A runtime started by `startRuntime`: stop it with `await using`. */
export interface RuntimeProcess extends AsyncDisposable {
  /** Its standard output and error, as they arrive. */
  readonly out: TextSink;
  readonly err: TextSink;
  /** Whether it has exited. */
  readonly exited: () => boolean;
}

/** Starts `path args…` in `cwd`, its output collected. */
export function startRuntime(
  path: string,
  args: string[],
  cwd = ROOT,
): RuntimeProcess {
  const child = new Deno.Command(path, {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = new TextSink(child.stdout);
  const err = new TextSink(child.stderr);
  let exited = false;
  const status = child.status.then(() => exited = true);
  return {
    out,
    err,
    exited: () => exited,
    async [Symbol.asyncDispose](): Promise<void> {
      stop(child);
      await status;
      await Promise.all([out.done, err.done]);
    },
  };
}

/** Waits (10 s at most) until `pattern` matches what `runtime` printed. */
export async function waitForOutput(
  runtime: RuntimeProcess,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = pattern.exec(runtime.out.text + runtime.err.text);
    if (match) return match;
    if (runtime.exited() || Date.now() > deadline) {
      throw new Error(
        `expected ${pattern} in the output, got:\n${runtime.out.text}` +
          runtime.err.text,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `url`'s answer, with a time limit. */
function ask(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
}

/**
 * The checks each runtime passes serving `tests/testdata/runtime_app.ts` at
 * `origin`, as steps of `t`; `printed` is what the runtime printed so far
 * (where `wsgi.errors` goes), `remoteAddr` the `REMOTE_ADDR` it tells.
 */
export async function checkRuntimeApp(
  t: Deno.TestContext,
  origin: string,
  printed: () => string,
  remoteAddr: string | undefined,
): Promise<void> {
  await t.step(
    "a streamed body arrives whole, with no Content-Length",
    async () => {
      const response = await ask(`${origin}/stream`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-length"), null);
      const body = new Uint8Array(await response.arrayBuffer());
      assert.equal(body.length, STREAM_CHUNKS * CHUNK_SIZE);
      for (let i = 0; i < STREAM_CHUNKS; i++) {
        const chunk = body.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
        assert.ok(chunk.every((byte) => byte === 0x61 + i), `chunk ${i}`);
      }
    },
  );

  await t.step("a POST body read through wsgi.input comes back", async () => {
    const sent = new Uint8Array(300_000).map((_, i) => i % 251);
    const response = await ask(`${origin}/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/x-test" },
      body: sent,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-content-length"), "300000");
    assert.equal(response.headers.get("x-content-type"), "application/x-test");
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), sent);
  });

  await t.step("an app error is a 500 page that tells nothing", async () => {
    const response = await ask(`${origin}/boom`);
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.equal(body, ERROR_PAGE);
    assert.ok(!body.includes(SECRET));
    // The traceback went to wsgi.errors: the runtime's standard error.
    const deadline = Date.now() + 5000;
    while (!printed().includes(SECRET) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(printed(), new RegExp(`Error: ${SECRET}`));
  });

  await t.step(
    "a fetch app runs as a WSGI app (fromFetchHandler)",
    async () => {
      const response = await ask(`${origin}/fetch/users/1`, {
        method: "PUT",
        body: "ping",
      });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "PUT /users/1 ping");
    },
  );

  await t.step("the environ comes from the request", async () => {
    const response = await ask(`${origin}/environ?a=1`);
    assert.deepEqual(await response.json(), {
      REQUEST_METHOD: "GET",
      QUERY_STRING: "a=1",
      ...remoteAddr === undefined ? {} : { REMOTE_ADDR: remoteAddr },
      "wsgi.url_scheme": "http",
    });
  });
}
