// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The environ of a request (`_environ.ts`): a request that carries its
 * headers as received (`HEADER_PAIRS`, what the Node server gives) gets the
 * same environ as one whose `Headers` are read, without those `Headers`
 * being made; one that carries its target (`REQUEST_TARGET`) the same as
 * one whose URL is read, without that URL being made.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addRequestVars } from "../_environ.ts";
import { HEADER_PAIRS, REQUEST_TARGET } from "../_http.ts";

const URL_ = "http://example.test:8080/a%20b?x=1";
const INFO = { remoteAddr: { hostname: "10.0.0.1", port: 5050 } };

/** The environ of a request whose `Headers` hold `pairs`. */
function viaHeaders(pairs: string[], method = "GET"): Record<string, unknown> {
  const headers = new Headers();
  for (let i = 0; i < pairs.length; i += 2) {
    headers.append(pairs[i], pairs[i + 1]);
  }
  const environ: Record<string, unknown> = { CONTENT_LENGTH: "default" };
  addRequestVars(
    environ,
    { url: URL_, method, headers } as unknown as Request,
    INFO,
  );
  return environ;
}

/** The environ of a request that carries `pairs` as received. */
function viaPairs(pairs: string[], method = "GET"): Record<string, unknown> {
  const request = {
    url: URL_,
    method,
    get headers(): Headers {
      throw new Error("the Headers were read");
    },
    [HEADER_PAIRS]: pairs,
  };
  const environ: Record<string, unknown> = { CONTENT_LENGTH: "default" };
  addRequestVars(environ, request as unknown as Request, INFO);
  return environ;
}

/** The environ as sorted entries: the key order may differ. */
function entries(environ: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(environ).sort(([a], [b]) => a < b ? -1 : 1);
}

describe("an environ from headers as received", () => {
  const cases: Record<string, string[]> = {
    "no headers": [],
    "a Host with a port": ["Host", "example.test:8080"],
    "repeated headers joined with ', ', in order, whatever the case": [
      "X-Multi",
      "one",
      "x-multi",
      "two",
      "X-MULTI",
      "three",
    ],
    "values trimmed of spaces and tabs": ["X-Pad", " \tpadded\t ", "X-E", ""],
    "a name holding '_' dropped": ["X_Forwarded_For", "spoof", "X-A", "1"],
    "Content-Type and Content-Length": [
      "Content-Type",
      "text/html",
      "Content-Length",
      "42",
    ],
    "repeated Content-Type joined": [
      "Content-Type",
      "text/a",
      "content-type",
      "text/b",
    ],
    "a chunked body: no CONTENT_LENGTH": ["Transfer-Encoding", "chunked"],
    "repeated Host headers joined": ["Host", "a.test", "Host", "b.test"],
    "ISO-8859-1 values kept as they are": ["X-Latin", "caf\u00e9"],
  };
  for (const [name, pairs] of Object.entries(cases)) {
    test(name, () => {
      for (const method of ["GET", "POST"]) {
        assert.deepEqual(
          entries(viaPairs(pairs, method)),
          entries(viaHeaders(pairs, method)),
        );
      }
    });
  }

  // (Cookie is not compared: `Headers.append` joins it with ", " on Deno,
  // "; " on Node; the server's rule is "; ", as in both runtimes' servers.)
  test("the values a user relies on", () => {
    const environ = viaPairs([
      "Host",
      "example.test:8080",
      "Cookie",
      "a=1",
      "COOKIE",
      "b=2",
      "X-Multi",
      "one",
      "x-multi",
      "two",
      "X_Name",
      "spoof",
      "Content-Length",
      "3",
    ], "POST");
    assert.equal(environ.HTTP_HOST, "example.test:8080");
    assert.equal(environ.HTTP_COOKIE, "a=1; b=2");
    assert.equal(environ.HTTP_X_MULTI, "one, two");
    assert.equal("HTTP_X_NAME" in environ, false);
    assert.equal(environ.CONTENT_LENGTH, "3");
    assert.equal(environ.CONTENT_TYPE, "text/plain");
    assert.equal(environ.PATH_INFO, "/a b");
    assert.equal(environ.QUERY_STRING, "x=1");
  });

  test("a repeated header set in a server default is replaced, not joined", () => {
    const environ: Record<string, unknown> = { HTTP_X_A: "default" };
    addRequestVars(
      environ,
      {
        url: URL_,
        method: "GET",
        [HEADER_PAIRS]: ["X-A", "1", "X-A", "2"],
      } as unknown as Request,
      INFO,
    );
    assert.equal(environ.HTTP_X_A, "1, 2");
  });
});

describe("an environ from the request target as received", () => {
  const SERVER = { ...INFO, serverName: "example.test", serverPort: "8080" };
  const targets = [
    "/",
    "/a%20b?x=1&y=%20",
    "/a/../b/./c",
    "/a/%2e%2E/b",
    "//double//slashes",
    "/back\\slash",
    "/caf%E9?q",
    "/with#fragment?not-query",
    "/path?query#fragment",
    "/?",
    "/%zz",
  ];
  for (const target of targets) {
    test(JSON.stringify(target), () => {
      const viaUrl: Record<string, unknown> = {};
      addRequestVars(viaUrl, {
        url: `http://example.test:8080${target}`,
        method: "GET",
        [HEADER_PAIRS]: ["Host", "example.test:8080"],
      } as unknown as Request, SERVER);
      const viaTarget: Record<string, unknown> = {};
      addRequestVars(viaTarget, {
        get url(): string {
          throw new Error("the URL was made");
        },
        method: "GET",
        [HEADER_PAIRS]: ["Host", "example.test:8080"],
        [REQUEST_TARGET]: target,
      } as unknown as Request, SERVER);
      assert.deepEqual(entries(viaTarget), entries(viaUrl));
    });
  }

  test("without the server's name and port, the URL is read after all", () => {
    const environ: Record<string, unknown> = {};
    addRequestVars(environ, {
      url: "http://other.test:9090/p?q=1",
      method: "GET",
      [HEADER_PAIRS]: [],
      [REQUEST_TARGET]: "/p?q=1",
    } as unknown as Request, INFO);
    assert.equal(environ.SERVER_NAME, "other.test");
    assert.equal(environ.SERVER_PORT, "9090");
    assert.equal(environ.PATH_INFO, "/p");
    assert.equal(environ.QUERY_STRING, "q=1");
  });
});

describe("addRequestVars: the scheme", () => {
  const rows: Array<[string, boolean | undefined, string | undefined]> = [
    ["https://bank.example/login", false, undefined], // the connection: plain
    ["http://h/", true, "on"], // the connection: TLS
    ["https://h/", undefined, "on"], // nothing known: the URL's
    ["http://h/", undefined, undefined],
  ];
  for (const [url, secure, https] of rows) {
    test(`HTTPS is ${https ?? "absent"} for ${url} with secure ${secure}`, () => {
      const environ: Record<string, unknown> = {};
      addRequestVars(environ, new Request(url), { secure });
      assert.equal(environ.HTTPS, https);
    });
  }
});
