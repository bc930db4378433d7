// Copyright 2026 the wsgiref authors. MIT license.
/**
 * `staticFiles()`: validators and conditional requests (RFC 9110 section
 * 13), ranges (section 14), precompressed siblings, directories, options,
 * the fallback app, and no escape from the root; in process under the
 * validator, and over HTTP through `makeServer` (Deno.serve under
 * `deno test`, node:http under `node --test`).
 *
 * @module
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  HASHED_NAME_REGEXP,
  staticFiles,
  type StaticFilesOptions,
} from "../static.ts";
import { toFetchHandler } from "../handlers.ts";
import { makeServer } from "../simple_server.ts";
import { validator } from "../validate.ts";
import { formatDateTime } from "../_dates.ts";
import { FileWrapper, setupTestingDefaults } from "../util.ts";
import type { WSGIApplication } from "../types.ts";
import { ESCAPES, exchange } from "./_helpers.ts";
import {
  DIGITS,
  makeStaticTree,
  MTIME,
  recordAnswer,
  SECRET,
  type TreeAnswer,
  type TreeRequest,
} from "./_static_tree.ts";
import { SERVE_DIR_ANSWERS } from "./_serve_dir_answers.ts";

let tmp: string;
let root: string;

before(() => {
  ({ tmp, root } = makeStaticTree());
});

after(() => rmSync(tmp, { recursive: true, force: true }));

/** The app under the validator, as a fetch handler. */
function site(options: StaticFilesOptions = {}) {
  return toFetchHandler(validator(staticFiles(root, options)));
}

async function get(
  path: string,
  headers: Record<string, string> = {},
  options: StaticFilesOptions = {},
  method = "GET",
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await site(options)(
    new Request(`http://localhost${path}`, { headers, method }),
  );
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
}

describe("staticFiles(): files", () => {
  test("serves a file's bytes with its type, length and validators", async () => {
    const r = await get("/digits.txt");
    assert.equal(r.status, 200);
    assert.equal(r.text, DIGITS);
    assert.equal(r.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(r.headers.get("content-length"), "10");
    assert.equal(r.headers.get("etag"), `"a-${(MTIME * 1000).toString(16)}"`);
    assert.equal(r.headers.get("last-modified"), formatDateTime(MTIME));
    assert.equal(r.headers.get("accept-ranges"), "bytes");
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("cache-control"), null);
  });

  test("Content-Type comes from mime, with charset=utf-8 for text only", async () => {
    const types: Array<[string, string]> = [
      ["/index.html", "text/html; charset=utf-8"],
      ["/style.css", "text/css; charset=utf-8"],
      ["/data.json", "application/json; charset=utf-8"],
      ["/only.js", "text/javascript; charset=utf-8"],
      ["/blob.unknownext", "application/octet-stream"],
      ["/caf%C3%A9.txt", "text/plain; charset=utf-8"],
    ];
    for (const [path, type] of types) {
      assert.equal((await get(path)).headers.get("content-type"), type, path);
    }
  });

  test("HEAD answers GET's headers and no body", async () => {
    const full = await get("/digits.txt");
    const head = await get("/digits.txt", {}, {}, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    for (const name of ["content-type", "content-length", "etag"]) {
      assert.equal(head.headers.get(name), full.headers.get(name), name);
    }
  });

  test("the body is a FileWrapper, read in 16 KiB steps", () => {
    const environ = setupTestingDefaults({ PATH_INFO: "/digits.txt" });
    delete (environ as Record<string, unknown>)["wsgi.file_wrapper"];
    return (async () => {
      const body = await staticFiles(root)(environ, () => async () => {});
      assert.ok(body instanceof FileWrapper);
      assert.equal(body.blksize, 16384);
      const chunks = [];
      for await (const chunk of body) chunks.push(chunk);
      assert.equal(new TextDecoder().decode(chunks[0]), DIGITS);
      await body.close();
    })();
  });

  test('etag: "hash" is the content\'s SHA-256, and follows the content', async () => {
    const path = join(root, "changing.txt");
    writeFileSync(path, "first");
    const hash = (text: string) =>
      `"${createHash("sha256").update(text).digest("base64url")}"`;
    const app = site({ etag: "hash" });
    const tag = async () =>
      (await app(new Request("http://localhost/changing.txt"))).headers.get(
        "etag",
      );
    assert.equal(await tag(), hash("first"));
    assert.equal(await tag(), hash("first"));
    writeFileSync(path, "second!");
    assert.equal(await tag(), hash("second!"));
    rmSync(path);
  });
});

describe("staticFiles(): conditional requests", () => {
  const etag = `"a-${(MTIME * 1000).toString(16)}"`;
  const later = formatDateTime(MTIME + 60);
  const earlier = formatDateTime(MTIME - 60);

  test("If-None-Match with the tag (in a list, weak, or *) answers 304", async () => {
    for (
      const value of [etag, `"x", ${etag}`, `W/${etag}`, "*", ` ${etag} `]
    ) {
      const r = await get("/digits.txt", { "If-None-Match": value });
      assert.equal(r.status, 304, value);
      assert.equal(r.text, "");
      assert.equal(r.headers.get("etag"), etag);
      assert.equal(r.headers.get("last-modified"), formatDateTime(MTIME));
      // Only the length a 200 would have, never the gateway's default 0.
      assert.equal(r.headers.get("content-length"), "10");
    }
    const other = await get("/digits.txt", { "If-None-Match": '"other"' });
    assert.equal(other.status, 200);
    assert.equal(other.text, DIGITS);
  });

  test("If-Modified-Since at or after the time answers 304; before, or malformed, 200", async () => {
    const at = formatDateTime(MTIME);
    assert.equal(
      (await get("/digits.txt", { "If-Modified-Since": at })).status,
      304,
    );
    assert.equal(
      (await get("/digits.txt", { "If-Modified-Since": later })).status,
      304,
    );
    assert.equal(
      (await get("/digits.txt", { "If-Modified-Since": earlier })).status,
      200,
    );
    assert.equal(
      (await get("/digits.txt", { "If-Modified-Since": "yesterday" })).status,
      200,
    );
  });

  test("If-None-Match wins over If-Modified-Since", async () => {
    const r = await get("/digits.txt", {
      "If-None-Match": '"other"',
      "If-Modified-Since": later,
    });
    assert.equal(r.status, 200);
  });

  test("If-Match needs a strong match, else 412", async () => {
    assert.equal((await get("/digits.txt", { "If-Match": etag })).status, 200);
    assert.equal((await get("/digits.txt", { "If-Match": "*" })).status, 200);
    const weak = await get("/digits.txt", { "If-Match": `W/${etag}` });
    assert.equal(weak.status, 412);
    assert.equal(weak.text, "Precondition Failed\n");
    assert.equal((await get("/digits.txt", { "If-Match": '"x"' })).status, 412);
  });

  test("If-Unmodified-Since before the time answers 412, and yields to If-Match", async () => {
    assert.equal(
      (await get("/digits.txt", { "If-Unmodified-Since": earlier })).status,
      412,
    );
    assert.equal(
      (await get("/digits.txt", { "If-Unmodified-Since": later })).status,
      200,
    );
    assert.equal(
      (await get("/digits.txt", {
        "If-Match": etag,
        "If-Unmodified-Since": earlier,
      })).status,
      200,
    );
  });
});

describe("staticFiles(): ranges", () => {
  async function range(value: string, extra: Record<string, string> = {}) {
    return await get("/digits.txt", { Range: value, ...extra });
  }

  test("one range: 206 with Content-Range and its bytes", async () => {
    const cases: Array<[string, string, string]> = [
      ["bytes=2-4", "bytes 2-4/10", "234"],
      ["bytes=7-", "bytes 7-9/10", "789"],
      ["bytes=-3", "bytes 7-9/10", "789"],
      ["bytes=8-100", "bytes 8-9/10", "89"],
      ["bytes=-100", "bytes 0-9/10", DIGITS],
      ["BYTES = 0-0", "bytes 0-0/10", "0"],
    ];
    for (const [value, contentRange, text] of cases) {
      const r = await range(value);
      assert.equal(r.status, 206, value);
      assert.equal(r.headers.get("content-range"), contentRange, value);
      assert.equal(r.headers.get("content-length"), String(text.length));
      assert.equal(r.text, text, value);
    }
  });

  test("a range past the end answers 416 with bytes */size", async () => {
    for (const value of ["bytes=10-", "bytes=20-30", "bytes=-0"]) {
      const r = await range(value);
      assert.equal(r.status, 416, value);
      assert.equal(r.headers.get("content-range"), "bytes */10");
    }
  });

  test("a malformed Range or another unit is ignored: the whole file", async () => {
    for (
      const value of [
        "bytes=5-2",
        "items=0-1",
        "bytes=a-b",
        "bytes=-",
        "bytes=",
      ]
    ) {
      const r = await range(value);
      assert.equal(r.status, 200, value);
      assert.equal(r.text, DIGITS);
    }
  });

  test("several ranges: multipart/byteranges, each part with its Content-Range", async () => {
    const r = await range("bytes=0-1, 5-6, -1");
    assert.equal(r.status, 206);
    const type = r.headers.get("content-type")!;
    const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(type)![1];
    assert.equal(r.headers.get("content-length"), String(r.text.length));
    const part = (range: string, text: string) =>
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Range: bytes ${range}/10\r\n\r\n${text}`;
    assert.equal(
      r.text,
      [part("0-1", "01"), part("5-6", "56"), part("9-9", "9")].join("\r\n") +
        `\r\n--${boundary}--\r\n`,
    );
  });

  test("overlapping ranges are merged", async () => {
    const r = await range("bytes=0-3, 2-5");
    assert.equal(r.status, 206);
    assert.equal(r.headers.get("content-range"), "bytes 0-5/10");
    assert.equal(r.text, "012345");
  });

  test("If-Range: the current tag or date lets the range apply; else the whole file", async () => {
    const fresh = await get("/digits.txt");
    const etag = fresh.headers.get("etag")!;
    assert.equal((await range("bytes=0-0", { "If-Range": etag })).status, 206);
    assert.equal(
      (await range("bytes=0-0", { "If-Range": formatDateTime(MTIME) })).status,
      206,
    );
    for (const stale of ['"old"', `W/${etag}`, formatDateTime(MTIME - 1)]) {
      const r = await range("bytes=0-0", { "If-Range": stale });
      assert.equal(r.status, 200, stale);
      assert.equal(r.text, DIGITS);
    }
  });

  test("HEAD ignores Range", async () => {
    const r = await get("/digits.txt", { Range: "bytes=0-1" }, {}, "HEAD");
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-length"), "10");
  });
});

describe("staticFiles(): precompressed siblings", () => {
  test("Accept-Encoding picks .br or .gz, with Content-Encoding and Vary", async () => {
    const cases: Array<[string, string, string | null]> = [
      ["br, gzip", "BROTLI-BYTES", "br"],
      ["gzip, deflate", "GZIP-BYTES", "gzip"],
      ["gzip;q=1, br;q=0.5", "GZIP-BYTES", "gzip"],
      ["br;q=0, gzip;q=0", "console.log('identity');\n", null],
      ["*", "BROTLI-BYTES", "br"],
      ["identity", "console.log('identity');\n", null],
    ];
    for (const [accept, text, encoding] of cases) {
      const r = await get("/app.js", { "Accept-Encoding": accept });
      assert.equal(r.status, 200, accept);
      assert.equal(r.text, text, accept);
      assert.equal(r.headers.get("content-encoding"), encoding, accept);
      assert.equal(r.headers.get("vary"), "Accept-Encoding", accept);
      assert.equal(
        r.headers.get("content-type"),
        "text/javascript; charset=utf-8",
      );
    }
  });

  test("each encoding has its own ETag; no siblings, no Vary; off by option", async () => {
    const identity = await get("/app.js");
    const br = await get("/app.js", { "Accept-Encoding": "br" });
    const gzip = await get("/app.js", { "Accept-Encoding": "gzip" });
    const tags = new Set(
      [identity, br, gzip].map((r) => r.headers.get("etag")),
    );
    assert.equal(tags.size, 3);
    assert.equal((await get("/only.js")).headers.get("vary"), null);
    const off = await get(
      "/app.js",
      { "Accept-Encoding": "br" },
      { precompressed: false },
    );
    assert.equal(off.text, "console.log('identity');\n");
    assert.equal(off.headers.get("vary"), null);
  });
});

describe("staticFiles(): directories and options", () => {
  test("a directory serves index.html; without its slash, a 301 to ./name/", async () => {
    assert.equal((await get("/")).text, "<h1>home</h1>\n");
    const docs = await get("/docs/");
    assert.equal(docs.text, "<h1>docs</h1>\n");
    assert.equal(docs.headers.get("content-type"), "text/html; charset=utf-8");
    const moved = await get("/docs?x=1");
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get("location"), "./docs/");
    assert.equal((await get("/empty/")).status, 404);
    assert.equal((await get("/docs/", {}, { index: false })).status, 404);
  });

  test("listing: names escaped, dotfiles left out; off by default", async () => {
    assert.equal((await get("/list/")).status, 404);
    const r = await get("/list/", {}, { listing: true });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(r.text, /<title>Index of \/list\/<\/title>/);
    assert.ok(
      r.text.includes(
        '<li><a href="./%3Ca%26b%3E.txt">&lt;a&amp;b&gt;.txt</a></li>',
      ),
    );
    assert.ok(r.text.includes('<li><a href="./b.txt">b.txt</a></li>'));
    assert.ok(r.text.includes('<li><a href="./sub/">sub/</a></li>'));
    assert.ok(!r.text.includes(".hidden"));
    assert.ok(!r.text.includes("<a&b>"));
  });

  test("Cache-Control by option, immutable for hashed names", async () => {
    const plain = await get("/style.css", {}, { cacheControl: "no-cache" });
    assert.equal(plain.headers.get("cache-control"), "no-cache");
    const hashed = await get("/assets/app.3f2a9c1b.js", {}, {
      cacheControl: "no-cache",
      immutable: HASHED_NAME_REGEXP,
    });
    assert.equal(
      hashed.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    assert.ok(HASHED_NAME_REGEXP.test("app-0123abcd.css"));
    assert.ok(!HASHED_NAME_REGEXP.test("app.css"));
  });

  test("dotfiles are 404 unless allowed", async () => {
    assert.equal((await get("/.env")).status, 404);
    assert.equal((await get("/.git/config")).status, 404);
    const allowed = await get("/.env", {}, { dotfiles: true });
    assert.equal(allowed.text, SECRET);
  });

  test("other methods get 405 with Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const r = await get("/digits.txt", {}, {}, method);
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.get("allow"), "GET, HEAD");
    }
  });

  test("fallback: every request not served goes to the app", async () => {
    const seen: string[] = [];
    const fallback: WSGIApplication = (environ, startResponse) => {
      seen.push(`${environ.REQUEST_METHOD} ${environ.PATH_INFO}`);
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [new TextEncoder().encode("app")];
    };
    const options = { fallback };
    assert.equal((await get("/digits.txt", {}, options)).text, DIGITS);
    assert.equal((await get("/missing", {}, options)).text, "app");
    assert.equal((await get("/.env", {}, options)).text, "app");
    assert.equal((await get("/digits.txt", {}, options, "POST")).text, "app");
    assert.equal((await get("/%2e%2e%2fsecret.txt", {}, options)).text, "app");
    assert.deepEqual(seen, [
      "GET /missing",
      "GET /.env",
      "POST /digits.txt",
      "GET /../secret.txt",
    ]);
  });

  test("a root that is missing or not a directory is refused at once", () => {
    assert.throws(() => staticFiles(join(tmp, "nope")), { code: "ENOENT" });
    assert.throws(() => staticFiles(join(tmp, "secret.txt")), {
      name: "TypeError",
      message: `root must be a directory, got ${join(tmp, "secret.txt")}`,
    });
  });
});

describe("staticFiles(): over HTTP through makeServer", () => {
  test("serves, ranges, 304s, and nothing outside the root", async () => {
    await using httpd = makeServer("127.0.0.1", 0, staticFiles(root), {
      quiet: true,
    });
    await httpd.ready();
    void httpd.serveForever();
    const raw = async (target: string, headers = "") => {
      const answer = (await exchange(
        httpd.serverPort,
        `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`,
      )).toString("latin1");
      return {
        status: Number(answer.slice(9, 12)),
        head: answer.slice(0, answer.indexOf("\r\n\r\n")),
        body: answer.slice(answer.indexOf("\r\n\r\n") + 4),
      };
    };
    const whole = await raw("/digits.txt");
    assert.equal(whole.status, 200);
    assert.equal(whole.body, DIGITS);
    assert.match(whole.head, /\r\ncontent-length: 10/i);
    const part = await raw("/digits.txt", "Range: bytes=3-5\r\n");
    assert.equal(part.status, 206);
    assert.equal(part.body, "345");
    const etag = /\r\netag: (\S+)/i.exec(whole.head)![1];
    const cached = await raw("/digits.txt", `If-None-Match: ${etag}\r\n`);
    assert.equal(cached.status, 304);
    assert.equal(cached.body, "");
    assert.equal((await raw("/alias.css")).body, "body { color: red }\n");
    for (const target of [...ESCAPES, `/${tmp}/secret.txt`]) {
      const r = await raw(target);
      assert.ok(r.status === 400 || r.status === 404, `${target}: ${r.status}`);
      assert.ok(!r.body.includes(SECRET), target);
      assert.ok(!r.body.includes("root:"), target);
    }
  });
});

/** Each way `staticFiles` answers otherwise than Deno std's `serveDir`, and why. */
const DIFFERENCES: Record<
  string,
  { theirs: Partial<TreeAnswer>; ours: Partial<TreeAnswer>; why: string }
> = {
  "GET /blob.unknownext": {
    theirs: { headers: {} },
    ours: { headers: { "content-type": "application/octet-stream" } },
    why: "an unknown type is said, not left to the client to sniff",
  },
  'GET /digits.txt {"Range":"bytes=20-30"}': {
    theirs: {
      headers: {
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
    },
    ours: { headers: {} },
    why:
      "a 416 is the short error page with Content-Range, not the file's metadata",
  },
  'GET /digits.txt {"Range":"bytes=5-2"}': {
    theirs: { status: 416 },
    ours: { status: 200, body: DIGITS },
    why:
      "RFC 9110 14.2: an invalid range is ignored; 416 is for valid ranges past the end",
  },
  'GET /digits.txt {"Range":"bytes=0-1,5-6"}': {
    theirs: { status: 200, body: DIGITS },
    ours: { status: 206 },
    why: "several ranges go out as multipart/byteranges (RFC 9110 14.6)",
  },
  'GET /digits.txt {"If-Modified-Since":"Sun, 09 Sep 2001 01:47:40 GMT"}': {
    theirs: {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "accept-ranges": "bytes",
      },
    },
    ours: { headers: { "content-length": "10" } },
    why:
      "RFC 9110 15.4.5: a 304 carries the validators, not the content's metadata",
  },
  'GET /digits.txt {"If-None-Match":"*"}': {
    theirs: {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "accept-ranges": "bytes",
      },
    },
    ours: { headers: { "content-length": "10" } },
    why: "RFC 9110 15.4.5, as above",
  },
  'GET /digits.txt {"If-Match":"\\"x\\""}': {
    theirs: { status: 200, body: DIGITS },
    ours: { status: 412 },
    why: "RFC 9110 13.1.1: If-Match that matches nothing answers 412",
  },
  'GET /digits.txt {"If-Unmodified-Since":"Sun, 09 Sep 2001 01:45:40 GMT"}': {
    theirs: { status: 200, body: DIGITS },
    ours: { status: 412 },
    why: "RFC 9110 13.1.4: modified since that date answers 412",
  },
  'GET /digits.txt {"Range":"bytes=0-0","If-Range":"\\"stale\\""}': {
    theirs: { status: 206, body: "0" },
    ours: { status: 200, body: DIGITS },
    why:
      "RFC 9110 13.1.5: a stale If-Range gets the whole file, never a part of a newer one",
  },
  "GET /docs": {
    theirs: { headers: { location: "http://127.0.0.1:PORT/docs/" } },
    ours: {
      headers: {
        location: "./docs/",
        "content-type": "text/plain; charset=utf-8",
      },
    },
    why: "a relative Location: a forged Host header cannot send the client " +
      "elsewhere (and a short text body, for a client that does not follow)",
  },
  "POST /digits.txt": {
    theirs: { headers: {} },
    ours: { headers: { allow: "GET, HEAD" } },
    why: "RFC 9110 15.5.6: a 405 must say what is allowed",
  },
  'GET /app.js {"Accept-Encoding":"br, gzip"}': {
    theirs: { body: "console.log('identity');\n" },
    ours: {
      body: "BROTLI-BYTES",
      headers: {
        "content-length": "12",
        "content-encoding": "br",
        vary: "Accept-Encoding",
      },
    },
    why: "a precompressed sibling the client takes is served, with Vary",
  },
  'GET /app.js {"Accept-Encoding":"gzip"}': {
    theirs: { body: "console.log('identity');\n" },
    ours: {
      body: "GZIP-BYTES",
      headers: {
        "content-length": "10",
        "content-encoding": "gzip",
        vary: "Accept-Encoding",
      },
    },
    why: "the same, in gzip",
  },
  "GET /escape.txt": {
    theirs: { status: 200, body: SECRET },
    ours: { status: 404 },
    why:
      "a symlink that leads out of the root is not served: serveDir leaks the file",
  },
  "GET /escape_dir/secret.txt": {
    theirs: { status: 200, body: SECRET },
    ours: { status: 404 },
    why: "the same, through a directory symlink",
  },
  "GET /..%2fsecret.txt": {
    theirs: {
      status: 301,
      headers: { location: "http://127.0.0.1:PORT/secret.txt" },
    },
    ours: { status: 400 },
    why: "a path with .. in it is refused, not resolved into another URL",
  },
};

function keyOf(request: TreeRequest): string {
  const headers = request.headers ? ` ${JSON.stringify(request.headers)}` : "";
  return `${request.method} ${request.path}${headers}`;
}

/** What is compared of an answer: lower-case types, no port in a Location. */
function normal(answer: TreeAnswer): TreeAnswer {
  const headers = { ...answer.headers };
  if (headers["content-type"]) {
    headers["content-type"] = headers["content-type"].toLowerCase()
      .replace(/;\s*/, "; ");
  }
  if (headers.location) {
    headers.location = headers.location.replace(/:\d+\//, ":PORT/");
  }
  return { ...answer, headers };
}

describe("staticFiles() beside Deno std's serveDir", () => {
  test("answers as serveDir does on the same tree, but for each listed difference", async () => {
    const recorded = SERVE_DIR_ANSWERS;
    assert.match(recorded.std, /^@std\/http \d/);
    const app = toFetchHandler(staticFiles(root));
    const unused = new Set(Object.keys(DIFFERENCES));
    for (const { request, answer } of recorded.answers) {
      const key = keyOf(request);
      const response = await app(
        new Request(`http://localhost${request.path}`, {
          method: request.method,
          headers: request.headers,
        }),
      );
      const ours = normal(await recordAnswer(response));
      const theirs = normal(answer);
      const listed = DIFFERENCES[key];
      unused.delete(key);
      // Every file answer: a strong ETag where serveDir's is weak, so that
      // If-Range and If-Match (strong comparisons) can match at all.
      if (theirs.etag === "weak") {
        const validated = [200, 206, 304].includes(ours.status);
        assert.equal(ours.etag, validated ? "strong" : "none", key);
      }
      // Lengths the runtime sets from the bytes are not in our headers here.
      if (ours.headers["content-length"] === undefined) {
        delete theirs.headers["content-length"];
      }
      const status = listed?.ours.status ?? theirs.status;
      assert.equal(ours.status, status, key);
      if (listed?.theirs.status !== undefined) {
        assert.equal(theirs.status, listed.theirs.status, `${key} (recorded)`);
      }
      const body = listed?.ours.body ?? theirs.body;
      if (ours.body !== null && body !== null) {
        assert.equal(ours.body, body, key);
      }
      if (listed?.theirs.body !== undefined) {
        assert.equal(theirs.body, listed.theirs.body, `${key} (recorded)`);
      }
      if (listed?.ours.status !== undefined) continue; // another answer
      for (
        const name of new Set([
          ...Object.keys(ours.headers),
          ...Object.keys(theirs.headers),
        ])
      ) {
        const expected = listed?.ours.headers && name in listed.ours.headers
          ? listed.ours.headers[name]
          : listed?.theirs.headers && name in listed.theirs.headers
          ? undefined
          : theirs.headers[name];
        assert.equal(ours.headers[name], expected, `${key}: ${name}`);
        if (listed?.theirs.headers && name in listed.theirs.headers) {
          assert.equal(
            theirs.headers[name],
            listed.theirs.headers[name],
            `${key}: ${name} (recorded)`,
          );
        }
      }
    }
    assert.deepEqual([...unused], [], "differences listed for no request");
  });
});
