// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The runnable examples, run: `examples/hello.ts` on `makeServer` and as a
 * program, `examples/parallel.ts`'s `fetch` called directly, and
 * `examples/static_files.ts` serving a temporary directory, attacked with
 * every way out of its root we know of, sent as raw request lines (a `fetch`
 * client would normalise `/../` and `%2e%2e` before sending, and servers
 * other than ours pass them on as they are). Deno only
 * (`Deno.connect`, files, subprocesses), so `Deno.test` with its sanitizers:
 * every server, connection, file and child process is closed by the end of
 * each test.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { makeServer, type WSGIServer } from "../simple_server.ts";
import { toFetchHandler } from "../handlers.ts";
import type { FileLike, WSGIApplication, WSGIEnvironment } from "../types.ts";
import hello from "../examples/hello.ts";
import parallel from "../examples/parallel.ts";
import { staticFiles } from "../examples/static_files.ts";
import { ESCAPES } from "./_helpers.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EXAMPLES = fileURLToPath(new URL("../examples/", import.meta.url));

// ---------------------------------------------------------------------------
// Helpers

/** Deno 2.9 leaves the sanitizers off unless asked: leaks fail these tests. */
const SANITIZED = { sanitizeOps: true, sanitizeResources: true } as const;

/** Waits `ms` milliseconds. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A response as it came over the wire. */
interface RawResponse {
  /** The status code. */
  status: number;
  /** Header names lower-cased, values as sent. */
  headers: Map<string, string>;
  /** The body bytes (de-chunked). */
  body: Uint8Array;
}

/** Removes HTTP/1.1 chunked framing. */
function dechunk(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    const end = data.indexOf(10, i);
    const size = parseInt(decoder.decode(data.subarray(i, end)), 16);
    if (!(size > 0)) return Uint8Array.from(out);
    out.push(...data.subarray(end + 1, end + 1 + size));
    i = end + 1 + size + 2;
  }
}

/**
 * Sends `target` as a raw request line (no client-side normalisation) and reads
 * the response to the end of the connection.
 */
async function rawGet(
  port: number,
  target: string,
  method = "GET",
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      "Connection: close\r\n\r\n";
    await conn.write(Uint8Array.from(head, (c) => c.charCodeAt(0)));
    const parts: Uint8Array[] = [];
    for await (const chunk of conn.readable) parts.push(chunk);
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      data.set(part, offset);
      offset += part.length;
    }
    const split = data.findIndex((_, i) =>
      data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 &&
      data[i + 3] === 10
    );
    assert.ok(split > 0, `no response head for ${target}`);
    const lines = String.fromCharCode(...data.subarray(0, split)).split("\r\n");
    const status = Number(lines[0].split(" ")[1]);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      headers.set(
        line.slice(0, colon).toLowerCase(),
        line.slice(colon + 1).trim(),
      );
    }
    let body: Uint8Array = data.subarray(split + 4);
    if (headers.get("transfer-encoding") === "chunked") body = dechunk(body);
    return { status, headers, body };
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the reader already
    }
  }
}

/** `fetch` of `path` on the server with `client`, the body read whole. */
async function get(
  client: Deno.HttpClient,
  httpd: WSGIServer,
  path: string,
  init?: RequestInit,
): Promise<{ response: Response; body: Uint8Array }> {
  const response = await fetch(
    `http://127.0.0.1:${httpd.serverPort}${path}`,
    { redirect: "manual", client, ...init },
  );
  return { response, body: new Uint8Array(await response.arrayBuffer()) };
}

/** Polls `check` until it is true, or fails after `timeoutMs`. */
async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await sleep(10);
  }
}

/**
 * Runs an example as a program with `args` (port 0), waits for its
 * "Serving … on http://127.0.0.1:PORT/" line, and gives the port and a
 * `stop()` that sends SIGINT and returns the exit code.
 */
async function runExample(
  file: string,
  flags: string[],
  cwd: string,
): Promise<{ port: number; line: string; stop(): Promise<number> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, `${EXAMPLES}${file}`, "0"],
    cwd,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) break;
      text += value;
    }
  } catch (error) {
    child.kill();
    throw error;
  }
  const line = text.split("\n")[0];
  const match = line.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
  if (!match) {
    child.kill();
    await child.status;
    await lines.cancel();
    assert.fail(`${file} printed no address: ${line}\n${await stderr}`);
  }
  return {
    port: Number(match[1]),
    line,
    async stop(): Promise<number> {
      child.kill("SIGINT");
      const { code } = await child.status;
      await lines.cancel();
      await stderr;
      return code;
    },
  };
}
// ---------------------------------------------------------------------------
// hello.ts and parallel.ts

Deno.test({
  name: "examples/hello.ts greets on makeServer, by name from the query",
  ...SANITIZED,
}, async () => {
  const client = Deno.createHttpClient({});
  try {
    await using httpd = makeServer("127.0.0.1", 0, hello, { quiet: true });
    httpd.serveForever();
    const plain = await get(client, httpd, "/");
    assert.equal(plain.response.status, 200);
    assert.equal(
      plain.response.headers.get("content-type"),
      "text/plain; charset=utf-8",
    );
    assert.equal(decoder.decode(plain.body), "Hello, world!\n");
    const named = await get(client, httpd, "/any/path?name=%C3%89va");
    assert.equal(decoder.decode(named.body), "Hello, Éva!\n");
    assert.equal(
      named.response.headers.get("content-length"),
      String(encoder.encode("Hello, Éva!\n").length),
    );
  } finally {
    client.close();
  }
});

Deno.test({
  name:
    "examples/hello.ts run as a program prints its address, serves, and stops on SIGINT",
  ...SANITIZED,
}, async () => {
  const client = Deno.createHttpClient({});
  const program = await runExample("hello.ts", ["--allow-net"], EXAMPLES);
  try {
    assert.match(program.line, /^Serving examples\/hello\.ts on http:/);
    const response = await fetch(`http://127.0.0.1:${program.port}/?name=x`, {
      client,
    });
    assert.equal(await response.text(), "Hello, x!\n");
  } finally {
    client.close();
    assert.equal(await program.stop(), 0);
  }
});

Deno.test({
  name: "examples/parallel.ts: its default export's fetch runs hello.ts",
  ...SANITIZED,
}, async () => {
  const response = await parallel.fetch(
    new Request("http://localhost/?name=Ada"),
    { remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 } },
  );
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "Hello, Ada!\n");
});

// ---------------------------------------------------------------------------
// static_files.ts

/** A PNG signature, then every byte value twice: no text decoding survives. */
const BINARY = new Uint8Array(8 + 512);
BINARY.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
for (let i = 0; i < 512; i++) BINARY[8 + i] = i & 0xff;

const SECRET = "TOP-SECRET-OUTSIDE-THE-ROOT";

/** The tree served: ROOT/… and, beside it, what must never be served. */
async function makeTree(tmp: string): Promise<Uint8Array> {
  const root = `${tmp}/root`;
  await Deno.mkdir(`${root}/nested/deeper`, { recursive: true });
  await Deno.mkdir(`${root}/docs`);
  await Deno.mkdir(`${root}/empty_dir`);
  await Deno.mkdir(`${root}/.git`);
  await Deno.writeTextFile(`${root}/index.html`, "<h1>home</h1>\n");
  await Deno.writeTextFile(`${root}/style.css`, "body { color: red }\n");
  await Deno.writeFile(`${root}/image.png`, BINARY);
  await Deno.writeTextFile(`${root}/nested/deeper/data.json`, '{"a":1}\n');
  await Deno.writeTextFile(`${root}/docs/index.html`, "<h1>docs</h1>\n");
  await Deno.writeTextFile(`${root}/café.txt`, "crème\n");
  await Deno.writeTextFile(`${root}/blob.unknownext`, "?");
  await Deno.writeTextFile(`${root}/.env`, `${SECRET}\n`);
  await Deno.writeTextFile(`${root}/.git/config`, `${SECRET}\n`);
  await Deno.writeTextFile(`${tmp}/secret.txt`, `${SECRET}\n`);
  await Deno.mkdir(`${tmp}/outside`);
  await Deno.writeTextFile(`${tmp}/outside/secret.txt`, `${SECRET}\n`);
  // Symlinks: two lead out of the root, one stays inside it.
  await Deno.symlink(`${tmp}/secret.txt`, `${root}/escape.txt`);
  await Deno.symlink("../outside", `${root}/escape_dir`);
  await Deno.symlink("style.css", `${root}/alias.css`);
  // Big enough to take many reads, and an odd size.
  const big = new Uint8Array(3 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i += 65536) {
    crypto.getRandomValues(big.subarray(i, Math.min(i + 65536, big.length)));
  }
  await Deno.writeFile(`${root}/big.bin`, big);
  return big;
}

Deno.test({
  name: "examples/static_files.ts serves its root, and nothing outside it",
  ...SANITIZED,
}, async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "wsgiref_static_" });
  const root = `${tmp}/root`;
  const client = Deno.createHttpClient({});
  const big = await makeTree(tmp);
  const httpd = makeServer("127.0.0.1", 0, staticFiles(root), { quiet: true });
  const serving = httpd.serveForever();
  try {
    const text = (s: string) => encoder.encode(s);
    const files: Array<[string, string, Uint8Array]> = [
      ["/index.html", "text/html; charset=utf-8", text("<h1>home</h1>\n")],
      ["/", "text/html; charset=utf-8", text("<h1>home</h1>\n")],
      ["/style.css", "text/css; charset=utf-8", text("body { color: red }\n")],
      ["/image.png", "image/png", BINARY],
      [
        "/nested/deeper/data.json",
        "application/json; charset=utf-8",
        text('{"a":1}\n'),
      ],
      ["/docs/", "text/html; charset=utf-8", text("<h1>docs</h1>\n")],
      ["/caf%C3%A9.txt", "text/plain; charset=utf-8", text("crème\n")],
      ["/blob.unknownext", "application/octet-stream", text("?")],
      ["/alias.css", "text/css; charset=utf-8", text("body { color: red }\n")],
      [
        "//nested//deeper/data.json",
        "application/json; charset=utf-8",
        text('{"a":1}\n'),
      ],
      ["/big.bin", "application/octet-stream", big],
    ];
    for (const [path, type, expected] of files) {
      await t.step(
        `GET ${path}: ${type}, exact bytes, Content-Length`,
        async () => {
          const { response, body } = await get(client, httpd, path);
          assert.equal(response.status, 200);
          assert.equal(response.headers.get("content-type"), type);
          assert.equal(
            response.headers.get("x-content-type-options"),
            "nosniff",
          );
          assert.equal(
            response.headers.get("content-length"),
            String(expected.length),
          );
          assert.deepEqual(body, expected);
        },
      );
    }

    await t.step(
      "HEAD sends the headers and Content-Length, and no body",
      async () => {
        const response = await rawGet(httpd.serverPort, "/image.png", "HEAD");
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), "image/png");
        assert.equal(
          response.headers.get("content-length"),
          String(BINARY.length),
        );
        assert.equal(response.body.length, 0);
      },
    );

    await t.step("other methods get 405 with Allow", async () => {
      for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
        const { response } = await get(client, httpd, "/index.html", {
          method,
        });
        assert.equal(response.status, 405, method);
        assert.equal(response.headers.get("allow"), "GET, HEAD");
      }
    });

    await t.step(
      "missing files, bare directories, dotfiles and symlinks out are 404",
      async () => {
        for (
          const path of [
            "/missing.txt",
            "/nested/missing/x",
            "/index.html/x", // a file is not a directory
            "/nested", // a directory without index.html
            "/nested/",
            "/empty_dir/",
            "/.env", // dotfiles stay hidden
            "/.git/config",
            "/escape.txt", // symlinks out of the root
            "/escape_dir/secret.txt",
            "/escape_dir/",
          ]
        ) {
          const { response, body } = await get(client, httpd, path);
          assert.equal(response.status, 404, path);
          assert.ok(!decoder.decode(body).includes(SECRET), path);
        }
      },
    );

    await t.step(
      "a directory with index.html, asked without its slash, redirects",
      async () => {
        const { response } = await get(client, httpd, "/docs?x=1");
        assert.equal(response.status, 301);
        assert.equal(response.headers.get("location"), "./docs/");
        const target = new URL(
          "./docs/",
          `http://127.0.0.1:${httpd.serverPort}/docs`,
        );
        const followed = await fetch(target, { client });
        assert.equal(await followed.text(), "<h1>docs</h1>\n");
      },
    );

    await t.step(
      "the raw requests reach the app: a naive app leaks",
      async () => {
        // The control experiment: these requests, against an app that just
        // joins PATH_INFO to the root, do read outside it, so the attacks
        // below are real ones, and the 400/404 answers are static_files.ts's
        // doing. (Our server resolves `/../` and `/%2e%2e/` itself, as the
        // URL parser does; no parser resolves `..%2f`, and Python's
        // simple_server or a CGI server resolve nothing at all.)
        const naive: WSGIApplication = async (environ, startResponse) => {
          try {
            const data = await Deno.readFile(root + environ.PATH_INFO);
            startResponse("200 OK", [["Content-Type", "text/plain"]]);
            return [data];
          } catch {
            startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
            return [];
          }
        };
        await using server = makeServer("127.0.0.1", 0, naive, { quiet: true });
        server.serveForever();
        for (
          const target of [
            "/..%2fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/nested/..%2f..%2fsecret.txt",
            "/escape.txt",
          ]
        ) {
          const response = await rawGet(server.serverPort, target);
          assert.equal(response.status, 200, target);
          assert.ok(decoder.decode(response.body).includes(SECRET), target);
        }
      },
    );

    for (const target of ESCAPES) {
      await t.step(
        `raw "GET ${target}" stays in the root (400 or 404)`,
        async () => {
          const response = await rawGet(httpd.serverPort, target);
          assert.ok(
            response.status === 400 || response.status === 404,
            `${target}: ${response.status}`,
          );
          const body = decoder.decode(response.body);
          assert.ok(!body.includes(SECRET), target);
          assert.ok(!body.includes("root:"), target);
        },
      );
    }

    await t.step(
      "an absolute path inside the URL stays under the root",
      async () => {
        for (const target of [`/${tmp}/secret.txt`, `/%2f${tmp}/secret.txt`]) {
          const response = await rawGet(httpd.serverPort, target);
          assert.equal(response.status, 404, target);
        }
      },
    );

    await t.step(
      "the file is closed when the response ends, and on a client hang-up",
      async () => {
        // The process's open files, as the kernel lists them (Linux).
        const isOpen = (name: string) => {
          for (const fd of Deno.readDirSync("/proc/self/fd")) {
            try {
              if (Deno.readLinkSync(`/proc/self/fd/${fd.name}`) === name) {
                return true;
              }
            } catch {
              // closed while listing
            }
          }
          return false;
        };
        const opened: FileLike[] = [];
        const app = staticFiles(root);
        const spy: WSGIApplication = (environ, startResponse) => {
          const wrap = environ["wsgi.file_wrapper"]!;
          environ["wsgi.file_wrapper"] = (
            filelike: FileLike,
            size?: number,
          ) => {
            opened.push(filelike);
            return wrap(filelike, size);
          };
          return app(environ, startResponse);
        };
        await using server = makeServer("127.0.0.1", 0, spy, { quiet: true });
        server.serveForever();

        const whole = await get(client, server, "/style.css");
        assert.equal(whole.response.status, 200);
        assert.equal(opened.length, 1);
        const css = Deno.realPathSync(`${root}/style.css`);
        await eventually(() => !isOpen(css), "closed after a full read");

        const response = await fetch(
          `http://127.0.0.1:${server.serverPort}/big.bin`,
          { client },
        );
        const reader = response.body!.getReader();
        const first = await reader.read();
        assert.ok(!first.done && first.value.length > 0);
        const bin = Deno.realPathSync(`${root}/big.bin`);
        assert.ok(isOpen(bin), "open while the body streams");
        await reader.cancel();
        assert.equal(opened.length, 2);
        await eventually(() => !isOpen(bin), "closed after a hang-up");
      },
    );

    await t.step(
      "without wsgi.file_wrapper, the app makes its own FileWrapper",
      async () => {
        const app = staticFiles(root);
        const fetchHandler = toFetchHandler((environ, startResponse) => {
          delete (environ as Partial<WSGIEnvironment>)["wsgi.file_wrapper"];
          return app(environ, startResponse);
        });
        const response = await fetchHandler(
          new Request("http://localhost/image.png"),
        );
        assert.equal(response.status, 200);
        assert.deepEqual(new Uint8Array(await response.arrayBuffer()), BINARY);
      },
    );

    await t.step(
      "staticFiles() refuses a root that is missing or not a directory",
      () => {
        assert.throws(() => staticFiles(`${tmp}/nope`), { code: "ENOENT" });
        assert.throws(() => staticFiles(`${tmp}/secret.txt`), TypeError);
      },
    );

    await t.step(
      "run as a program, it serves the current directory",
      async () => {
        const program = await runExample(
          "static_files.ts",
          ["--allow-net", "--allow-read"],
          root,
        );
        try {
          assert.ok(program.line.startsWith(`Serving ${root} on http:`));
          const response = await fetch(
            `http://127.0.0.1:${program.port}/image.png`,
            { client },
          );
          assert.deepEqual(
            new Uint8Array(await response.arrayBuffer()),
            BINARY,
          );
          const escape = await rawGet(program.port, "/..%2fsecret.txt");
          assert.equal(escape.status, 400);
        } finally {
          assert.equal(await program.stop(), 0);
        }
      },
    );
  } finally {
    client.close();
    await httpd.shutdown();
    await serving;
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test({
  name: "static.ts's MIME package is pinned in deno.json as package.json does",
  ...SANITIZED,
}, async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  const pinned = /^npm:mime@(.+)$/.exec(config.imports.mime)?.[1];
  const manifest = JSON.parse(
    await Deno.readTextFile(new URL("../package.json", import.meta.url)),
  );
  assert.match(manifest.devDependencies.mime, /^\d+\.\d+\.\d+$/);
  assert.equal(pinned, manifest.devDependencies.mime);
});
