// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `dispatch()`: the longest whole-segment prefix wins, the prefix moves from
 * `PATH_INFO` to the end of `SCRIPT_NAME`, the root app takes the rest
 * unchanged, `404` without one; in process and over HTTP through
 * `makeServer` (Deno.serve under `deno test`, node:http under `node --test`).
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { dispatch } from "../dispatch.ts";
import { toFetchHandler } from "../handlers.ts";
import { makeServer } from "../simple_server.ts";
import { applicationUri, setupTestingDefaults } from "../util.ts";
import type { WSGIApplication, WSGIEnvironment } from "../types.ts";

/** An app that answers `name SCRIPT_NAME|PATH_INFO|applicationUri`. */
function where(name: string): WSGIApplication {
  return (environ, startResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    const text = `${name} ${environ.SCRIPT_NAME}|${environ.PATH_INFO}|${
      applicationUri(environ)
    }`;
    return [new TextEncoder().encode(text)];
  };
}

const site = dispatch({
  "/": where("root"),
  "/api": where("api"),
  "/api/v2": where("v2"),
  "/static files": where("files"),
});

async function get(
  app: WSGIApplication,
  path: string,
  init?: RequestInit,
): Promise<[number, string]> {
  const response = await toFetchHandler(app)(
    new Request(`http://localhost${path}`, init),
  );
  return [response.status, await response.text()];
}

describe("dispatch()", () => {
  test("the longest prefix wins, and moves to SCRIPT_NAME", async () => {
    assert.deepEqual(await get(site, "/api/v2/users?x=1"), [
      200,
      "v2 /api/v2|/users|http://localhost/api/v2",
    ]);
    assert.deepEqual(await get(site, "/api/v1/users"), [
      200,
      "api /api|/v1/users|http://localhost/api",
    ]);
  });

  test("a prefix matches whole segments only", async () => {
    assert.deepEqual(await get(site, "/apix/users"), [
      200,
      "root |/apix/users|http://localhost/",
    ]);
    assert.deepEqual(await get(site, "/api/v2x"), [
      200,
      "api /api|/v2x|http://localhost/api",
    ]);
  });

  test("the prefix itself leaves PATH_INFO empty; with a slash, /", async () => {
    assert.deepEqual(await get(site, "/api"), [
      200,
      "api /api||http://localhost/api",
    ]);
    assert.deepEqual(await get(site, "/api/"), [
      200,
      "api /api|/|http://localhost/api",
    ]);
  });

  test("the root app gets every other request unchanged", async () => {
    assert.deepEqual(await get(site, "/"), [
      200,
      "root |/|http://localhost/",
    ]);
    assert.deepEqual(await get(site, "/a/b/c"), [
      200,
      "root |/a/b/c|http://localhost/",
    ]);
  });

  test("prefixes match the decoded PATH_INFO", async () => {
    assert.deepEqual(await get(site, "/static%20files/a.css"), [
      200,
      "files /static files|/a.css|http://localhost/static%20files",
    ]);
  });

  test("without a root app, an unmatched request gets 404 and no app runs", async () => {
    let calls = 0;
    const counted: WSGIApplication = (environ, startResponse) => {
      calls++;
      return where("api")(environ, startResponse);
    };
    const apis = dispatch({ "/api": counted });
    const response = await toFetchHandler(apis)(
      new Request("http://localhost/other"),
    );
    assert.equal(response.status, 404);
    assert.equal(response.headers.get("content-type"), "text/plain");
    assert.equal(await response.text(), "Not Found");
    assert.deepEqual(await get(apis, "/"), [404, "Not Found"]);
    assert.equal(calls, 0);
    assert.deepEqual(await get(apis, "/api/x"), [
      200,
      "api /api|/x|http://localhost/api",
    ]);
    assert.equal(calls, 1);
  });

  test("an existing SCRIPT_NAME is kept, the prefix appended", () => {
    const seen: WSGIEnvironment[] = [];
    const app = dispatch({
      "/blog": (environ) => {
        seen.push(environ);
        return [];
      },
    });
    app(
      setupTestingDefaults({ SCRIPT_NAME: "/site", PATH_INFO: "/blog/2026" }),
      () => async () => {},
    );
    assert.equal(seen[0].SCRIPT_NAME, "/site/blog");
    assert.equal(seen[0].PATH_INFO, "/2026");
  });

  test("dispatchers nest: each moves its own prefix", async () => {
    const nested = dispatch({
      "/a": dispatch({ "/b": where("inner"), "/": where("a-root") }),
    });
    assert.deepEqual(await get(nested, "/a/b/c"), [
      200,
      "inner /a/b|/c|http://localhost/a/b",
    ]);
    assert.deepEqual(await get(nested, "/a/c"), [
      200,
      "a-root /a|/c|http://localhost/a",
    ]);
  });

  test("the mounted app's request body, method and query are its own", async () => {
    const echo = dispatch({
      "/echo": (environ, startResponse) => {
        const input = environ["wsgi.input"];
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        return (async function* () {
          yield new TextEncoder().encode(
            `${environ.REQUEST_METHOD} ${environ.QUERY_STRING} `,
          );
          yield await input.read();
        })();
      },
    });
    assert.deepEqual(
      await get(echo, "/echo/x?q=1", { method: "POST", body: "payload" }),
      [200, "POST q=1 payload"],
    );
  });

  test("a bad prefix or a mounted value that is no app is refused at once", () => {
    for (const prefix of ["api", "/api/", "//"]) {
      assert.throws(
        () => dispatch({ [prefix]: where("x") }),
        {
          name: "RangeError",
          message:
            `dispatch() prefixes must be "/" or start with "/" and not end with "/" (as "/api"), got ${
              JSON.stringify(prefix)
            }`,
        },
      );
    }
    assert.throws(
      () => dispatch({ "/api": "app" as unknown as WSGIApplication }),
      {
        name: "TypeError",
        message: 'dispatch() needs a WSGI application for "/api", got string',
      },
    );
  });

  test("over HTTP through makeServer, under a server's own scriptName", async () => {
    await using httpd = makeServer("127.0.0.1", 0, site, {
      quiet: true,
      scriptName: "/shop",
    });
    await httpd.ready();
    void httpd.serveForever();
    const base = `http://127.0.0.1:${httpd.serverPort}`;
    const text = async (path: string) => {
      const response = await fetch(base + path);
      return [response.status, await response.text()];
    };
    assert.deepEqual(await text("/shop/api/v2/x"), [
      200,
      `v2 /shop/api/v2|/x|${base}/shop/api/v2`,
    ]);
    assert.deepEqual(await text("/shop/static%20files/"), [
      200,
      `files /shop/static files|/|${base}/shop/static%20files`,
    ]);
    assert.deepEqual(await text("/shop/other"), [
      200,
      `root /shop|/other|${base}/shop`,
    ]);
    assert.deepEqual(await text("/elsewhere"), [404, "Not Found"]);
  });
});
