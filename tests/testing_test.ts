// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The test client: `buildEnviron`, `runApp`, `Client` in-process, and the
 * same request suite against `makeServer` by URL (Deno.serve under `deno
 * test`, node:http under `node --test`); `CookieJar` against RFC 6265's
 * rules, redirects against RFC 9110 15.4.
 */

import { after, describe, test } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import {
  buildEnviron,
  Client,
  CookieJar,
  runApp,
  type TestResponse,
} from "../testing.ts";
import { AssertionError, validator } from "../validate.ts";
import { makeServer } from "../simple_server.ts";
import { dispatch } from "../dispatch.ts";
import { staticFiles } from "../static.ts";
import type { WSGIApplication, WSGIEnvironment } from "../types.ts";
import { bytes, latin1Bytes } from "./_helpers.ts";

const decoder = new TextDecoder();

/** What the echo app saw, as JSON. */
interface Seen {
  method: string;
  path: string;
  query: string;
  type: string | null;
  length: string | null;
  body: string;
  cookie: string | null;
  host: string | null;
}

let closes = 0;

/** The app every shared test talks to. */
const app: WSGIApplication = async (environ, startResponse) => {
  const path = environ.PATH_INFO;
  const query = new URLSearchParams(environ.QUERY_STRING ?? "");
  const redirect = /^\/redirect\/(\d{3})$/.exec(path);
  if (redirect) {
    startResponse(`${redirect[1]} Moved`, [
      ["Location", query.get("to") ?? "/echo"],
      ["Content-Length", "0"],
    ]);
    return [];
  }
  if (path === "/loop") {
    startResponse("302 Found", [["Location", "/loop"]]);
    return [];
  }
  if (path === "/set") {
    startResponse(
      "200 OK",
      query.getAll("c").map((c) => ["Set-Cookie", c] as [string, string]),
    );
    return [];
  }
  if (path === "/stream") {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    const body = (function* () {
      yield bytes("one,");
      yield bytes("two");
    })();
    return Object.assign(body, { close: () => void closes++ });
  }
  const body = await environ["wsgi.input"].read();
  const seen: Seen = {
    method: environ.REQUEST_METHOD,
    path,
    query: environ.QUERY_STRING ?? "",
    type: environ.CONTENT_TYPE || null,
    length: environ.CONTENT_LENGTH || null,
    body: decoder.decode(body),
    cookie: environ.HTTP_COOKIE ?? null,
    host: environ.HTTP_HOST ?? null,
  };
  startResponse("200 OK", [["Content-Type", "application/json"]]);
  return environ.REQUEST_METHOD === "HEAD" ? [] : [bytes(JSON.stringify(seen))];
};

/** The request suite, run against one client maker. */
function suite(
  name: string,
  withClient: (
    run: (client: Client) => Promise<void>,
    options?: { followRedirects?: boolean; maxRedirects?: number },
  ) => Promise<void>,
): void {
  describe(`Client ${name}`, () => {
    test("each verb sends its method, and the body its Content-Length", async () => {
      await withClient(async (client) => {
        for (const verb of ["post", "put", "patch", "delete"] as const) {
          const seen = await (await client[verb]("/echo", { body: "hi" }))
            .json<Seen>();
          assert.equal(seen.method, verb.toUpperCase());
          assert.equal(seen.body, "hi");
          assert.equal(seen.length, "2");
          assert.equal(seen.type, "text/plain;charset=UTF-8");
        }
        const got =
          await (await client.get("/echo?a=1", { query: { b: [2, 3] } }))
            .json<Seen>();
        assert.equal(got.method, "GET");
        assert.equal(got.query, "a=1&b=2&b=3");
        assert.equal(got.length, null);
        const options = await client.options("/echo");
        assert.equal((await options.json<Seen>()).method, "OPTIONS");
        const custom = await client.request("/echo", { method: "PROPFIND" });
        assert.equal((await custom.json<Seen>()).method, "PROPFIND");
        const head = await client.head("/echo");
        assert.equal(head.statusCode, 200);
        assert.equal(await head.text(), "");
      });
    });

    test("json, form and files set the body and its Content-Type", async () => {
      await withClient(async (client) => {
        const json = await (await client.post("/echo", { json: { a: [1] } }))
          .json<Seen>();
        assert.equal(json.type, "application/json");
        assert.equal(json.body, '{"a":[1]}');
        const form = await (await client.post("/echo", {
          form: { name: "Ada L", tag: ["a", "b"] },
        })).json<Seen>();
        assert.equal(
          form.type,
          "application/x-www-form-urlencoded;charset=UTF-8",
        );
        assert.equal(form.body, "name=Ada+L&tag=a&tag=b");
        const multipart = await (await client.post("/echo", {
          form: { name: "Ada" },
          files: {
            upload: new File(["file text"], "a.txt", { type: "text/plain" }),
          },
        })).json<Seen>();
        const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(
          multipart.type!,
        )![1];
        assert.equal(multipart.length, String(bytes(multipart.body).length));
        assert.ok(multipart.body.startsWith(`--${boundary}\r\n`));
        assert.match(
          multipart.body,
          /name="upload"; filename="a.txt"\r\nContent-Type: text\/plain\r\n\r\nfile text\r\n/,
        );
        assert.match(multipart.body, /name="name"\r\n\r\nAda\r\n/);
      });
    });

    test("the response has its status, headers, and body as text, bytes, JSON or chunks", async () => {
      await withClient(async (client) => {
        const response = await client.get("/stream");
        assert.equal(response.status, "200 OK");
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers.get("content-type"), "text/plain");
        const chunks: string[] = [];
        for await (const chunk of response) chunks.push(decoder.decode(chunk));
        assert.equal(chunks.join(""), "one,two");
        const echo = await client.get("/echo");
        assert.deepEqual(await echo.bytes(), await echo.bytes());
        const again: Uint8Array[] = [];
        for await (const chunk of echo) again.push(chunk);
        assert.deepEqual(again, [await echo.bytes()]);
        assert.equal((await echo.json<Seen>()).path, "/echo");
        assert.equal(typeof await echo.text(), "string");
      });
    });

    test("the jar keeps cookies, sends them by path, and drops expired ones", async () => {
      await withClient(async (client) => {
        const set = (...cookies: string[]) =>
          client.get(
            `/set?${
              cookies.map((c) => `c=${encodeURIComponent(c)}`).join("&")
            }`,
          )
            .then((r) => r.close());
        await set(
          "a=1",
          "b=2; Path=/echo/deep",
          "s=3; Secure",
          "h=4; HttpOnly",
        );
        const cookie = async (path = "/echo") =>
          (await (await client.get(path)).json<Seen>()).cookie;
        assert.equal(await cookie(), "a=1; h=4"); // not Secure over http
        assert.equal(await cookie("/echo/deep/x"), "b=2; a=1; h=4");
        await set("a=; Max-Age=0", "h=; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        assert.equal(await cookie(), null);
        const own = await (await client.get("/echo", { cookies: { x: "y" } }))
          .json<Seen>();
        assert.equal(own.cookie, "x=y");
      });
    });

    for (
      const [code, method, after, body] of [
        [301, "POST", "GET", ""],
        [302, "POST", "GET", ""],
        [303, "PUT", "GET", ""],
        [302, "PUT", "PUT", "data"],
        [307, "POST", "POST", "data"],
        [308, "PUT", "PUT", "data"],
      ] as const
    ) {
      test(`a ${code} after ${method} is followed with ${after}${body ? " and the body" : ""}`, async () => {
        await withClient(async (client) => {
          const response = await client.request(`/redirect/${code}`, {
            method,
            body: "data",
            followRedirects: true,
          });
          const seen = await response.json<Seen>();
          assert.equal(seen.method, after);
          assert.equal(seen.body, body);
          // Without a Content-Type, CONTENT_TYPE is the CGI default.
          assert.equal(
            seen.type,
            body ? "text/plain;charset=UTF-8" : "text/plain",
          );
          assert.deepEqual(response.history.map((r) => r.statusCode), [code]);
          assert.ok(response.url.endsWith("/echo"));
        });
      });
    }

    test("redirects are left alone unless followRedirects", async () => {
      await withClient(async (client) => {
        const response = await client.get("/redirect/302");
        assert.equal(response.statusCode, 302);
        assert.ok(response.headers.get("location")?.endsWith("/echo"));
        assert.deepEqual(response.history, []);
      });
    });

    test("a redirect loop stops at maxRedirects with a clear error", async () => {
      await withClient(async (client) => {
        await assert.rejects(
          client.get("/loop"),
          (error) =>
            error instanceof RangeError &&
            /^more than 3 redirects \(maxRedirects\), the last: 302 .*\/loop -> /
              .test(error.message),
        );
      }, { followRedirects: true, maxRedirects: 3 });
    });
  });
}

suite("in-process", async (run, options) => {
  await run(new Client(app, options));
});

suite("over HTTP (makeServer by URL)", async (run, options) => {
  await using httpd = makeServer("127.0.0.1", 0, app, { quiet: true });
  await httpd.ready();
  void httpd.serveForever();
  await run(new Client(`http://127.0.0.1:${httpd.serverPort}`, options));
});

describe("buildEnviron()", () => {
  test("makes an environ the validator accepts", async () => {
    const environ = await buildEnviron({ method: "POST", json: [1] });
    const checked = validator((_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [];
    });
    const response = await runApp(checked, environ, { validate: false });
    assert.equal(response.status, "200 OK");
    await response.close();
  });

  test("has the server's keys for scheme, host, port and scriptName", async () => {
    const environ = await buildEnviron({
      scheme: "https",
      host: "example.com:8443",
      scriptName: "/app",
      path: "/a/b?x=1",
    });
    assert.equal(environ["wsgi.url_scheme"], "https");
    assert.equal(environ.HTTPS, "on");
    assert.equal(environ.HTTP_HOST, "example.com:8443");
    assert.equal(environ.SERVER_NAME, "example.com");
    assert.equal(environ.SERVER_PORT, "8443");
    assert.equal(environ.SCRIPT_NAME, "/app");
    assert.equal(environ.PATH_INFO, "/a/b");
    assert.equal(environ.QUERY_STRING, "x=1");
    const plain = await buildEnviron();
    assert.equal(plain.REQUEST_METHOD, "GET");
    assert.equal(plain.HTTP_HOST, "localhost");
    assert.equal(plain.SERVER_PORT, "80");
    assert.equal(plain.SCRIPT_NAME, "");
    assert.equal(plain.PATH_INFO, "/");
    assert.equal(plain.CONTENT_LENGTH, "");
  });

  test("a UTF-8 path becomes one code point per byte", async () => {
    const environ = await buildEnviron({ path: "/café" });
    assert.deepEqual(latin1Bytes(environ.PATH_INFO), bytes("/café"));
  });

  test("headers become HTTP_* keys, cookies HTTP_COOKIE", async () => {
    const environ = await buildEnviron({
      headers: { "X-Thing": "1", "Accept": "text/html" },
      cookies: { a: "1", b: "2" },
    });
    assert.equal(environ.HTTP_X_THING, "1");
    assert.equal(environ.HTTP_ACCEPT, "text/html");
    assert.equal(environ.HTTP_COOKIE, "a=1; b=2");
  });

  test("each body kind has its CONTENT_TYPE, CONTENT_LENGTH and wsgi.input", async () => {
    const cases: Array<[Parameters<typeof buildEnviron>[0], string, string]> = [
      [{ body: "héllo" }, "text/plain;charset=UTF-8", "héllo"],
      [{ body: bytes("raw") }, "", "raw"],
      [{ body: "x", headers: { "Content-Type": "text/csv" } }, "text/csv", "x"],
      [{ json: { a: "é" } }, "application/json", '{"a":"é"}'],
      [
        { form: { a: "1 2" } },
        "application/x-www-form-urlencoded;charset=UTF-8",
        "a=1+2",
      ],
    ];
    for (const [options, type, text] of cases) {
      const environ = await buildEnviron({ method: "POST", ...options });
      const body = await environ["wsgi.input"].read();
      assert.equal(
        environ.CONTENT_TYPE || "",
        type === "" ? "text/plain" : type,
      );
      assert.equal(environ.CONTENT_LENGTH, String(body.length));
      assert.equal(decoder.decode(body), text);
    }
  });

  test("a streamed body has no CONTENT_LENGTH and is read to its end", async () => {
    const environ = await buildEnviron({
      method: "PUT",
      body: ReadableStream.from([bytes("a"), bytes("b")]),
    });
    assert.equal(environ.CONTENT_LENGTH, "");
    assert.equal(decoder.decode(await environ["wsgi.input"].read()), "ab");
  });

  test("refuses what cannot be sent, saying what was expected", async () => {
    await assert.rejects(buildEnviron({ method: "POST", body: "a", json: 1 }), {
      name: "TypeError",
      message: "give one of body, json, or form with files, got body and json",
    });
    await assert.rejects(buildEnviron({ json: 1 }), {
      name: "TypeError",
      message: "a GET request carries no body, got json",
    });
    await assert.rejects(buildEnviron({ path: "x" }), {
      name: "RangeError",
      message: 'a path must start with "/" (or be an absolute URL), got "x"',
    });
    await assert.rejects(buildEnviron({ scheme: "ftp" }), {
      name: "RangeError",
      message: 'scheme must be "http" or "https", got "ftp"',
    });
    await assert.rejects(buildEnviron({ scriptName: "/app/" }), RangeError);
  });
});

/** An app whose body is a generator, and counts its close() calls. */
function counted(): {
  app: WSGIApplication;
  closes: () => number;
  pulled: () => number;
} {
  let closed = 0;
  let pulled = 0;
  return {
    closes: () => closed,
    pulled: () => pulled,
    app: (_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      const body = (function* () {
        for (let i = 0; i < 3; i++) {
          pulled++;
          yield bytes(`${i}`);
        }
      })();
      return Object.assign(body, { close: () => void closed++ });
    },
  };
}

describe("Client in-process: close()", () => {
  test("runs once when the body is read", async () => {
    const { app, closes } = counted();
    const response = await new Client(app).get("/");
    assert.equal(await response.text(), "012");
    assert.equal(closes(), 1);
    await response.close();
    assert.equal(closes(), 1);
  });

  test("runs once when the response is closed part-way", async () => {
    const { app, closes, pulled } = counted();
    const response = await new Client(app).get("/");
    for await (const chunk of response) {
      assert.equal(decoder.decode(chunk), "0");
      break;
    }
    assert.equal(closes(), 1);
    assert.ok(pulled() < 3);
    await response.close();
    assert.equal(closes(), 1);
  });

  test("runs once when a response never read is closed", async () => {
    const { app, closes } = counted();
    const response = await new Client(app).get("/");
    assert.equal(closes(), 0);
    await response.close();
    assert.equal(closes(), 1);
  });

  test("reading the body twice as a stream is refused", async () => {
    const { app } = counted();
    const response = await new Client(app).get("/");
    const reader = response.body.getReader();
    await assert.rejects(response.text(), {
      name: "TypeError",
      message: /^the body is being read already/,
    });
    reader.releaseLock();
    await response.close();
  });
});

describe("Client in-process: the validator and the app's errors", () => {
  const bad: WSGIApplication = (_environ, startResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"], [
      "Connection",
      "close",
    ]]);
    return [];
  };

  test("a broken rule rejects the request, naming the rule", async () => {
    await assert.rejects(
      new Client(bad).get("/"),
      (error) =>
        error instanceof AssertionError &&
        /hop-by-hop/i.test(error.message),
    );
  });

  test("a body of strings rejects the request with the validator's message", async () => {
    const client = new Client((_environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return (function* () {
        yield "text" as unknown as Uint8Array;
      })();
    });
    await assert.rejects(
      client.get("/"),
      (error) =>
        error instanceof AssertionError &&
        error.message.startsWith('Iterator yielded non-bytestring ("text")'),
    );
  });

  test("validate: false lets the server's own checks answer", async () => {
    const client = new Client(bad, { validate: false, throwErrors: false });
    const response = await client.get("/");
    assert.equal(response.statusCode, 500);
    assert.match(response.errors, /hop-by-hop/i);
  });

  test("throwErrors: false answers an app's error with the error page", async () => {
    const client = new Client(() => {
      throw new Error("boom");
    }, { throwErrors: false });
    const response = await client.get("/");
    assert.equal(response.status, "500 Internal Server Error");
    assert.match(response.errors, /Error: boom/);
    await assert.rejects(
      new Client(() => {
        throw new Error("boom");
      }).get("/"),
      { message: "boom" },
    );
  });
});

describe("Client in-process: options", () => {
  test("scheme, host, scriptName and default headers reach the environ", async () => {
    let seen: WSGIEnvironment | undefined;
    const client = new Client((environ, startResponse) => {
      seen = environ;
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [];
    }, {
      scheme: "https",
      host: "example.com",
      scriptName: "/app",
      headers: { "X-Default": "1" },
      environ: { REMOTE_ADDR: "10.0.0.1" },
    });
    const response = await client.get("/x");
    await response.close();
    assert.equal(response.url, "https://example.com/app/x");
    assert.equal(seen?.["wsgi.url_scheme"], "https");
    assert.equal(seen?.SCRIPT_NAME, "/app");
    assert.equal(seen?.PATH_INFO, "/x");
    assert.equal(seen?.HTTP_X_DEFAULT, "1");
    assert.equal(seen?.REMOTE_ADDR, "10.0.0.1");
  });

  test("Secure cookies are sent over https; useCookies: false keeps none", async () => {
    const set: WSGIApplication = (environ, startResponse) => {
      startResponse("200 OK", [
        ["Content-Type", "text/plain"],
        ["Set-Cookie", "s=1; Secure"],
      ]);
      return [bytes(String(environ.HTTP_COOKIE))];
    };
    const https = new Client(set, { scheme: "https" });
    await (await https.get("/")).close();
    assert.equal(await (await https.get("/")).text(), "s=1");
    const none = new Client(set, { scheme: "https", useCookies: false });
    await (await none.get("/")).close();
    assert.equal(await (await none.get("/")).text(), "undefined");
    assert.equal(none.cookies.size, 0);
  });

  test("a 307 cannot repeat a streamed body", async () => {
    await assert.rejects(
      new Client(app).post("/redirect/307", {
        body: ReadableStream.from([bytes("x")]),
        followRedirects: true,
      }),
      {
        name: "TypeError",
        message: /^a 307 redirect repeats the request's body/,
      },
    );
  });

  test("a cross-origin redirect drops Authorization", async () => {
    const seen: string[] = [];
    const spy = new Client((environ, startResponse) => {
      seen.push(`${environ.HTTP_HOST} ${environ.HTTP_AUTHORIZATION}`);
      return app(environ, startResponse);
    }, { followRedirects: true });
    await (await spy.get("/redirect/302?to=http://other.test/echo", {
      headers: { Authorization: "Bearer t" },
    })).close();
    assert.deepEqual(seen, ["localhost Bearer t", "other.test undefined"]);
  });

  test("a URL client refuses in-process options", () => {
    assert.throws(() => new Client("http://127.0.0.1:1", { validate: false }), {
      name: "TypeError",
      message:
        "validate: options of an in-process client, not of one given a URL",
    });
  });
});

describe("runApp()", () => {
  test("answers the status, headers and streamed body for an environ", async () => {
    const { app, closes } = counted();
    const response: TestResponse = await runApp(app, await buildEnviron());
    assert.equal(response.status, "200 OK");
    assert.deepEqual(response.headers.items(), [[
      "Content-Type",
      "text/plain",
    ]]);
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push(decoder.decode(chunk));
    assert.deepEqual(chunks, ["0", "1", "2"]);
    await response.close();
    assert.equal(closes(), 1);
  });
});

describe("CookieJar (RFC 6265)", () => {
  const at = "http://www.example.com/docs/a";

  test("Path: defaults to the request's directory, matches whole segments", () => {
    const jar = new CookieJar();
    jar.store("a=1", at);
    jar.store("b=2; Path=/docs/a", at);
    assert.equal(
      jar.get("a", { domain: "www.example.com", path: "/docs" })?.value,
      "1",
    );
    assert.equal(jar.header("http://www.example.com/docs"), "a=1");
    assert.equal(jar.header("http://www.example.com/docsx"), "");
    assert.equal(jar.header("http://www.example.com/docs/a/b"), "b=2; a=1");
    assert.equal(jar.header("http://www.example.com/"), "");
  });

  test("Domain: host-only without it; subdomains with it; a foreign one ignored", () => {
    const jar = new CookieJar();
    const www = "http://www.example.com/";
    jar.store("host=1", www);
    jar.store("dom=2; Domain=.Example.com", www);
    assert.equal(jar.store("evil=3; Domain=other.com", www), undefined);
    assert.equal(jar.header("http://www.example.com/"), "host=1; dom=2");
    assert.equal(jar.header("http://a.example.com/"), "dom=2");
    assert.equal(jar.header("http://example.com/"), "dom=2");
    assert.equal(jar.header("http://notexample.com/"), "");
    assert.equal(jar.header("http://other.com/"), "");
  });

  test("an IP address matches only itself", () => {
    const jar = new CookieJar();
    assert.equal(
      jar.store("a=1; Domain=0.0.1", "http://127.0.0.1/"),
      undefined,
    );
    jar.store("b=1", "http://127.0.0.1/");
    assert.equal(jar.header("http://127.0.0.1/"), "b=1");
  });

  test("Expires and Max-Age: Max-Age wins, either order; past or 0 deletes", () => {
    let now = Date.UTC(2030, 0, 1);
    const jar = new CookieJar({ now: () => now });
    jar.store("a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", at);
    jar.store("b=1; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Max-Age=10", at);
    jar.store("c=1; Expires=Wed, 01 Jan 2031 00:00:00 GMT", at);
    assert.equal(jar.header(at), "a=1; b=1; c=1");
    now += 30_000;
    assert.equal(jar.header(at), "a=1; c=1");
    jar.store("c=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", at);
    jar.store("a=; Max-Age=0", at);
    assert.equal(jar.header(at), "");
    assert.equal(jar.size, 0);
  });

  test("Secure only over https; HttpOnly kept and sent", () => {
    const jar = new CookieJar();
    jar.store("s=1; Secure", "https://example.com/");
    jar.store("h=1; HttpOnly", "https://example.com/");
    assert.equal(jar.header("http://example.com/"), "h=1");
    assert.equal(jar.header("https://example.com/"), "s=1; h=1");
    assert.equal(jar.get("h", { domain: "example.com" })?.httpOnly, true);
  });

  test("a cookie of the same name, domain and path replaces the old in place", () => {
    const jar = new CookieJar();
    jar.store("a=1", "http://x/");
    jar.store("b=1", "http://x/");
    jar.store("a=2", "http://x/");
    assert.equal(jar.header("http://x/"), "a=2; b=1");
    assert.deepEqual([...jar].map((c) => c.name), ["a", "b"]);
  });

  test("fields without '=' or with an empty name are ignored", () => {
    const jar = new CookieJar();
    assert.equal(jar.store("novalue", "http://x/"), undefined);
    assert.equal(jar.store("=v", "http://x/"), undefined);
    assert.equal(jar.size, 0);
  });

  test("set(), get() and delete() by hand, with clear errors", () => {
    const jar = new CookieJar();
    jar.set("a", "1");
    assert.equal(jar.header("http://localhost/x"), "a=1");
    assert.equal(jar.header("http://sub.localhost/x"), "");
    assert.equal(jar.delete("a"), true);
    assert.equal(jar.delete("a"), false);
    assert.throws(() => jar.set("a b", "1"), {
      name: "TypeError",
      message: 'a cookie name must be an HTTP token, got "a b"',
    });
    assert.throws(() => jar.set("a", "1;2"), {
      name: "TypeError",
      message:
        'a cookie value must hold no control character or ";", got "1;2"',
    });
  });
});

describe("dispatch and staticFiles through Client", () => {
  const root = mkdtempSync(join(tmpdir(), "wsgiref-testing-"));
  writeFileSync(join(root, "hello.txt"), "hello, file");
  after(() => rmSync(root, { recursive: true, force: true }));
  const site = dispatch({
    "/api": (environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [bytes(`${environ.SCRIPT_NAME}|${environ.PATH_INFO}`)];
    },
    "/files": staticFiles(root),
  });

  async function check(client: Client): Promise<void> {
    assert.equal(await (await client.get("/api/users")).text(), "/api|/users");
    const missing = await client.get("/nowhere");
    assert.equal(missing.statusCode, 404);
    await missing.close();
    const file = await client.get("/files/hello.txt");
    assert.equal(file.statusCode, 200);
    assert.equal(await file.text(), "hello, file");
    const part = await client.get("/files/hello.txt", {
      headers: { Range: "bytes=0-4" },
    });
    assert.equal(part.status, "206 Partial Content");
    assert.equal(await part.text(), "hello");
  }

  test("in-process", async () => {
    await check(new Client(site));
  });

  test("over HTTP through makeServer", async () => {
    await using httpd = makeServer("127.0.0.1", 0, site, { quiet: true });
    await httpd.ready();
    void httpd.serveForever();
    await check(new Client(`http://127.0.0.1:${httpd.serverPort}`));
  });
});
