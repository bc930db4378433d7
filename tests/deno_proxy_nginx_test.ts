// Copyright 2026 the wsgiref authors. MIT license.
/**
 * trustProxy() behind a real nginx (Debian package `nginx`), started by the
 * test with a configuration of its own on a free port: nginx connects to
 * the server from 127.0.0.3 (`proxy_bind`), the only trusted address, while
 * the client connects from 127.0.0.1, so a believed `X-Forwarded-For` shows.
 * The client sends spoofed `X-Forwarded-*` and `Forwarded` headers through
 * nginx, and once straight to the server, around the proxy.
 *
 * nginx missing: skipped locally with a message, a failure under `CI=true`.
 *
 * @module
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { trustProxy } from "../proxy.ts";
import { makeServer, type WSGIServer } from "../simple_server.ts";
import { applicationUri } from "../util.ts";
import type { WSGIApplication } from "../types.ts";
import {
  type Availability,
  findOnPath,
  IN_CI,
  nginxConfig,
  output,
  requireTool,
  spawnOnFreePort,
  stop,
  type TextSink,
} from "./_cgi_servers.ts";

/** nginx on PATH, or in /usr/sbin (not on a user's PATH on Debian). */
async function nginxAvailability(): Promise<Availability> {
  let path = findOnPath("nginx");
  try {
    path ??= Deno.statSync("/usr/sbin/nginx").isFile
      ? "/usr/sbin/nginx"
      : undefined;
  } catch {
    // not there either
  }
  if (!path) {
    return { missing: "nginx is not installed (Debian package: nginx)" };
  }
  const version = await output(path, ["-v"]);
  return { path, version: version.text.replace(/^.*\//, "") };
}

const nginx = await nginxAvailability();
if (nginx.missing && !IN_CI) {
  console.warn(`deno_proxy_nginx_test.ts: skipped: ${nginx.missing}`);
}

/** The environ keys the app answers with, as JSON. */
const echo: WSGIApplication = (environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "application/json"]]);
  const keys = [
    "REMOTE_ADDR",
    "REMOTE_PORT",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "HTTP_X_FORWARDED_FOR",
    "wsgi.url_scheme",
  ];
  const seen: Record<string, unknown> = Object.fromEntries(
    keys.map((key) => [key, environ[key]]),
  );
  seen.url = applicationUri(environ);
  seen.trusted = "wsgiref.proxy.orig" in environ;
  return [new TextEncoder().encode(JSON.stringify(seen))];
};

/** X-Forwarded-* under /public/ (prefix stripped); Forwarded under /fwd/. */
const xForwarded = trustProxy(echo, {
  trusted: ["127.0.0.3"],
  for: 1,
  proto: 1,
  host: 1,
  port: 1,
  prefix: 1,
});
const forwarded = trustProxy(echo, {
  trusted: ["127.0.0.3"],
  forwarded: true,
  for: 1,
  proto: 1,
  host: 1,
});
const app: WSGIApplication = (environ, startResponse) =>
  environ.PATH_INFO.startsWith("/fwd/")
    ? forwarded(environ, startResponse)
    : xForwarded(environ, startResponse);

/** The proxy's server block: nginx connects from 127.0.0.3, the one trusted. */
function proxyServer(backend: number): string {
  const upstream = `http://127.0.0.1:${backend}`;
  return `    proxy_bind 127.0.0.3;
    location /public/ {
      proxy_pass ${upstream}/;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Forwarded-Prefix /public;
    }
    location /fwd/ {
      proxy_pass ${upstream};
      proxy_set_header Forwarded "$http_forwarded, for=\\"$remote_addr:$remote_port\\";proto=$scheme;host=\\"$http_host\\"";
    }`;
}

describe(`trustProxy() behind nginx ${nginx.version ?? ""}`, {
  skip: nginx.missing !== undefined && !IN_CI,
}, () => {
  let dir = "";
  let httpd: WSGIServer | undefined;
  let child: Deno.ChildProcess | undefined;
  let stderr: TextSink | undefined;
  let port = 0;

  before(async () => {
    requireTool(nginx);
    dir = await Deno.makeTempDir({ prefix: "wsgiref-nginx-" });
    httpd = makeServer("127.0.0.1", 0, app, { quiet: true });
    void httpd.serveForever();
    const backend = httpd.serverPort;
    ({ port, child, stderr } = await spawnOnFreePort("nginx", async (port) => {
      await Deno.writeTextFile(
        `${dir}/nginx.conf`,
        nginxConfig(dir, port, proxyServer(backend)),
      );
      return new Deno.Command(nginx.path!, {
        args: ["-c", `${dir}/nginx.conf`, "-p", dir, "-e", `${dir}/error.log`],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    }, () => Deno.readTextFile(`${dir}/error.log`).catch(() => "")));
  });

  after(async () => {
    if (child) {
      stop(child);
      await child.status;
      await stderr?.done;
    }
    await httpd?.shutdown();
    httpd?.serverClose();
    if (dir) await Deno.remove(dir, { recursive: true });
  });

  async function get(
    url: string,
    headers: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(url, { headers });
    assert.equal(response.status, 200, await response.clone().text());
    return await response.json();
  }

  test("spoofed X-Forwarded-* headers: only what nginx added is believed", async () => {
    const seen = await get(`http://127.0.0.1:${port}/public/x`, {
      "X-Forwarded-For": "6.6.6.6",
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Port": "444",
      "X-Forwarded-Prefix": "/evil",
      "Forwarded": "for=6.6.6.6;proto=https;host=evil.example",
    });
    assert.deepEqual(seen, {
      REMOTE_ADDR: "127.0.0.1",
      HTTP_HOST: `127.0.0.1:${port}`,
      SERVER_NAME: "127.0.0.1",
      SERVER_PORT: String(port),
      SCRIPT_NAME: "/public",
      PATH_INFO: "/x",
      // As received: the client's value, then nginx's.
      HTTP_X_FORWARDED_FOR: "6.6.6.6, 127.0.0.1",
      "wsgi.url_scheme": "http",
      url: `http://127.0.0.1:${port}/public`,
      trusted: true,
    });
  });

  test("a spoofed Forwarded, even malformed, before nginx's element is not believed", async () => {
    const seen = await get(`http://127.0.0.1:${port}/fwd/y`, {
      "X-Forwarded-For": "6.6.6.6",
      "Forwarded": 'for="6.6.6.6;proto=https;host=evil.example',
    });
    assert.equal(seen.REMOTE_ADDR, "127.0.0.1");
    assert.match(String(seen.REMOTE_PORT), /^[0-9]+$/);
    assert.equal(seen.HTTP_HOST, `127.0.0.1:${port}`);
    assert.equal(seen.SERVER_PORT, String(port));
    assert.equal(seen["wsgi.url_scheme"], "http");
    assert.equal(seen.trusted, true);
  });

  test("a request around nginx: nothing forwarded is believed", async () => {
    const seen = await get(`http://127.0.0.1:${httpd!.serverPort}/x`, {
      "X-Forwarded-For": "6.6.6.6",
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Prefix": "/evil",
    });
    assert.equal(seen.REMOTE_ADDR, "127.0.0.1");
    assert.equal(seen.HTTP_HOST, `127.0.0.1:${httpd!.serverPort}`);
    assert.equal(seen.SCRIPT_NAME, "");
    assert.equal(seen["wsgi.url_scheme"], "http");
    assert.equal(seen.HTTP_X_FORWARDED_FOR, "6.6.6.6");
    assert.equal(seen.trusted, false);
  });
});
