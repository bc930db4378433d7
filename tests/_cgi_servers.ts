// Copyright 2026 the wsgiref authors. MIT license.
/**
 * What the Deno-only tests that run CGI programs under real servers share:
 * finding a server, a free port, starting lighttpd with mod_cgi, and the
 * CGI wrapper (examples/cgi_app.cgi) for a Deno program; the nginx test
 * (deno_proxy_nginx_test.ts) uses the first two and `spawnOnFreePort`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/** examples/cgi_app.cgi: runs a Deno program as a CGI program. */
export const WRAPPER: string = fileURLToPath(
  new URL("../examples/cgi_app.cgi", import.meta.url),
);
const NODE_MODULES = fileURLToPath(
  new URL("../node_modules", import.meta.url),
);
/** Under `CI=true`, a missing server fails its test instead of skipping it. */
export const IN_CI: boolean = Deno.env.get("CI") === "true";

const decoder = new TextDecoder();

/** The full path of an executable on PATH, like `command -v`. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) {
        return `${dir}/${name}`;
      }
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Runs a command to its end; its output as text. */
export async function output(
  command: string,
  args: string[],
): Promise<{ code: number; text: string }> {
  const result = await new Deno.Command(command, { args, stdin: "null" })
    .output();
  const text = decoder.decode(result.stdout) + decoder.decode(result.stderr);
  return { code: result.code, text: text.trim() };
}

/** A server program: where it is, or why its tests cannot run. */
export interface Availability {
  /** The executable. */
  path?: string;
  /** Its version, for the test's name. */
  version?: string;
  /** Why it cannot run: skips its tests locally, fails them under `CI=true`. */
  missing?: string;
}

/** `findOnPath`, then /usr/sbin and /sbin (not on a non-root user's PATH). */
export function findProgram(name: string): string | undefined {
  const found = findOnPath(name);
  if (found) return found;
  for (const dir of ["/usr/sbin", "/sbin"]) {
    try {
      if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not there
    }
  }
  return undefined;
}

export async function lighttpdAvailability(): Promise<Availability> {
  const lighttpd = findProgram("lighttpd");
  if (!lighttpd) {
    return { missing: "lighttpd is not on PATH (Debian package: lighttpd)" };
  }
  const version = await output(lighttpd, ["-v"]);
  return { path: lighttpd, version: version.text.split(" ")[0] };
}

/** Throws under `CI=true` when a server is missing (locally it is skipped). */
export function requireTool(availability: Availability): void {
  if (availability.missing) {
    assert.fail(`CI=true, so this must run, but ${availability.missing}`);
  }
}

/** Waits `ms` milliseconds. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `read` until its text includes `needle` (or the time is up). */
export async function waitForText(
  read: () => string | Promise<string>,
  needle: string,
  timeoutMs = 5000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = await read();
  while (!text.includes(needle) && Date.now() < deadline) {
    await sleep(50);
    text = await read();
  }
  return text;
}

/** Collects a stream's text as it arrives, until it ends. */
export class TextSink {
  text = "";
  done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = this.#collect(stream);
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      this.text += chunk;
    }
  }
}

/** A free TCP port on 127.0.0.1 (free when this returns, at least). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Waits until 127.0.0.1:`port` accepts connections, or `child` exits. */
export async function waitForPort(
  port: number,
  child: Deno.ChildProcess,
  timeoutMs = 10_000,
): Promise<void> {
  let exited = false;
  const watch = (async () => {
    await child.status;
    exited = true;
  })();
  const deadline = Date.now() + timeoutMs;
  while (!exited && Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await Promise.race([sleep(50), watch]);
    }
  }
  throw new Error(
    exited
      ? "the server exited before it listened"
      : `nothing listens on port ${port} after ${timeoutMs} ms`,
  );
}

/** Sends SIGTERM to `child`, unless it has exited already. */
export function stop(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGTERM");
  } catch {
    // already gone
  }
}

/** Quotes a string for /bin/sh. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A minimal lighttpd configuration: mod_cgi for `*.cgi`, logs in `dir`. */
function lighttpdConfig(dir: string, port: number): string {
  const q = (text: string) => JSON.stringify(text);
  return [
    `server.modules = ("mod_cgi", "mod_setenv")`,
    `server.bind = "127.0.0.1"`,
    `server.port = ${port}`,
    `server.document-root = ${q(`${dir}/www`)}`,
    `server.errorlog = ${q(`${dir}/error.log`)}`,
    // CGI stderr: in the foreground (-D) lighttpd would leave it on its own
    // stderr; breakagelog is the log lighttpd keeps for it.
    `server.breakagelog = ${q(`${dir}/cgi-stderr.log`)}`,
    `server.upload-dirs = (${q(dir)})`,
    `cgi.assign = (".cgi" => "")`,
    // Pass the program's output on as it comes (by default lighttpd keeps
    // the whole body, and sends it with a Content-Length of its own).
    `server.stream-response-body = 2`,
    // lighttpd gives a CGI program no HOME and no TMPDIR: TMPDIR tells the
    // wrapper where to keep Deno's cache (inside this test's temp dir).
    `setenv.add-environment = ("TMPDIR" => ${q(dir)})`,
    "",
  ].join("\n");
}

/** A lighttpd serving `dir/www` (its CGI programs) on a free port. */
export interface Lighttpd {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** The server process. */
  child: Deno.ChildProcess;
  /** Its standard error. */
  stderr: TextSink;
  /** The error log and the CGI programs' standard error. */
  log(): Promise<string>;
}

/**
 * Starts a server on a free port: `spawn(port)` writes its configuration
 * and starts it (stderr piped), `log()` reads its log for the error when it
 * did not start. The free port may be taken before the server binds it:
 * three tries.
 */
export async function spawnOnFreePort(
  name: string,
  spawn: (port: number) => Promise<Deno.ChildProcess>,
  log: () => Promise<string>,
): Promise<{ port: number; child: Deno.ChildProcess; stderr: TextSink }> {
  for (let attempt = 1;; attempt++) {
    const port = freePort();
    const child = await spawn(port);
    const stderr = new TextSink(child.stderr);
    try {
      await waitForPort(port, child);
      return { port, child, stderr };
    } catch (error) {
      stop(child);
      await child.status;
      await stderr.done;
      if (attempt === 3) {
        throw new Error(
          `${name} did not start: ${error}\n${stderr.text}\n${await log()}`,
        );
      }
    }
  }
}

/**
 * Starts `lighttpd` (found by `lighttpdAvailability`) for `dir/www`, with
 * its configuration and logs in `dir`; stop it with `stop(child)`.
 */
export async function startLighttpd(
  path: string,
  dir: string,
  config: (dir: string, port: number) => string = lighttpdConfig,
): Promise<Lighttpd> {
  const log = async () =>
    await Deno.readTextFile(`${dir}/error.log`) +
    await Deno.readTextFile(`${dir}/cgi-stderr.log`).catch(() => "");
  return await startOnFreePort("lighttpd", dir, log, async (port) => {
    await Deno.writeTextFile(`${dir}/lighttpd.conf`, config(dir, port));
    // -D: in the foreground, so killing this process stops the server.
    // No server.username: it runs as the current user, root included
    // (as in CI), and so does the CGI program.
    return new Deno.Command(path, {
      args: ["-D", "-f", `${dir}/lighttpd.conf`],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  });
}

/**
 * Starts a server with `spawn(port)` on a free port (`spawnOnFreePort`),
 * its error log at `dir/error.log`.
 */
async function startOnFreePort(
  name: string,
  dir: string,
  log: () => Promise<string>,
  spawn: (port: number) => Promise<Deno.ChildProcess>,
): Promise<Lighttpd> {
  await Deno.writeTextFile(`${dir}/error.log`, "");
  return { ...await spawnOnFreePort(name, spawn, log), log };
}

/** Stops a server started here and waits until it is gone. */
export async function stopServer(
  server: Pick<Lighttpd, "child" | "stderr"> | undefined,
): Promise<void> {
  if (server === undefined) return;
  stop(server.child);
  await server.child.status;
  await server.stderr.done;
}

/**
 * The CGI program for the Deno program `app`: examples/cgi_app.cgi with
 * its `app=` line naming `app` and its `modules=` line the repository's
 * node_modules (a copy finds nothing next to itself, and `app` may be
 * anywhere in the repository).
 */
export async function cgiWrapper(app: string): Promise<string> {
  const wrapper = await Deno.readTextFile(WRAPPER);
  const appLine = /^app=.*$/m;
  const modulesLine = /^modules=.*$/m;
  assert.match(wrapper, appLine, "examples/cgi_app.cgi sets app= on a line");
  assert.match(wrapper, modulesLine, "and modules= on a line");
  return wrapper.replace(appLine, `app=${shellQuote(app)}`)
    .replace(modulesLine, `modules=${shellQuote(NODE_MODULES)}`);
}

export async function nginxAvailability(): Promise<Availability> {
  const nginx = findProgram("nginx");
  if (!nginx) return { missing: "nginx is not found (Debian package: nginx)" };
  const version = await output(nginx, ["-v"]);
  return { path: nginx, version: version.text.replace(/^nginx version: /, "") };
}

/**
 * An nginx configuration for a test: in the foreground, one process as the
 * current user, every path in `dir`, listening on 127.0.0.1:`port`, with
 * `server` (directives) as its one server's body.
 */
export function nginxConfig(dir: string, port: number, server: string): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
${server}
  }
}
`;
}

/** A running nginx: its port, process, standard error and error log. */
export type Nginx = Lighttpd;

/**
 * Starts `nginx` with the configuration `config(port)` (see `nginxConfig`)
 * in `dir`, on a free port; stop it with `stop(child)`.
 */
export async function startNginx(
  path: string,
  dir: string,
  config: (port: number) => string,
): Promise<Nginx> {
  const log = () => Deno.readTextFile(`${dir}/error.log`);
  return await startOnFreePort("nginx", dir, log, async (port) => {
    await Deno.writeTextFile(`${dir}/nginx.conf`, config(port));
    // -e: the log before the configuration is read (else /var/log/nginx).
    return new Deno.Command(path, {
      args: ["-p", dir, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  });
}
