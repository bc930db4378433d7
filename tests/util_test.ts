// Copyright 2026 the wsgiref authors. MIT license.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  applicationUri,
  FileWrapper,
  guessScheme,
  HOP_BY_HOP_HEADERS,
  isHopByHop,
  requestUri,
  setupTestingDefaults,
  shiftPathInfo,
} from "../util.ts";
import type {
  FileLike,
  FileWrapperFactory,
  ResponseBody,
  WSGIEnvironment,
} from "../types.ts";
import { MemoryErrorStream } from "../_error_stream.ts";
import { WSGIInput } from "../_input.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

/** Collects the chunks of an async iterable as strings. */
async function texts(iterable: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of iterable) out.push(decoder.decode(chunk));
  return out;
}

/** Collects the chunk lengths of an async iterable. */
async function lengths(iterable: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of iterable) out.push(chunk.length);
  return out;
}

/** A Python-style file over bytes: `read(size)`, `close()`, `closed`. */
class BytesFile {
  #data: Uint8Array;
  #pos = 0;
  closed = false;
  reads: number[] = [];

  constructor(data: Uint8Array) {
    this.#data = data;
  }

  read(size: number): Uint8Array {
    if (this.closed) throw new Error("I/O operation on closed file.");
    this.reads.push(size);
    const chunk = this.#data.subarray(this.#pos, this.#pos + size);
    this.#pos += chunk.length;
    return chunk;
  }

  close(): void {
    this.closed = true;
  }
}

/** A stream of the given chunks (`ReadableStream.from` is not in every lib). */
function streamOf<T>(chunks: Iterable<T>): ReadableStream<T> {
  const iterator = chunks[Symbol.iterator]();
  return new ReadableStream<T>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

/** A stream of the given chunks that records pulls and cancellation. */
function recordingStream(
  chunks: Uint8Array[],
  highWaterMark = 0,
): {
  stream: ReadableStream<Uint8Array>;
  pulls: () => number;
  cancelled: () => boolean;
} {
  let pulls = 0;
  let cancelled = false;
  const queue = [...chunks];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      const next = queue.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark });
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

/** Python's `str.title()`, for the ASCII header names of testHopByHop. */
function title(text: string): string {
  return text.toLowerCase().replace(
    /(^|[^a-z])([a-z])/g,
    (_, before: string, letter: string) => before + letter.toUpperCase(),
  );
}

const ABSENT = Symbol("absent");
type Maybe = string | typeof ABSENT;

/** An environ holding only the keys whose value is not `ABSENT`. */
function pathEnviron(
  scriptName: Maybe,
  pathInfo: Maybe,
): Partial<WSGIEnvironment> {
  const environ: Partial<WSGIEnvironment> = {};
  if (scriptName !== ABSENT) environ.SCRIPT_NAME = scriptName;
  if (pathInfo !== ABSENT) environ.PATH_INFO = pathInfo;
  return environ;
}

const show = (value: Maybe | undefined): string =>
  value === ABSENT ? "(absent)" : JSON.stringify(value) ?? "undefined";

// ---------------------------------------------------------------------------
// CPython Lib/test/test_wsgiref.py, UtilityTests 11–19

describe("CPython UtilityTests", () => {
  /** checkShift: both keys present, then setupTestingDefaults, then shift. */
  function checkShift(
    snIn: string,
    piIn: string,
    part: string | undefined,
    snOut: string,
    piOut: string,
  ): void {
    const environ = setupTestingDefaults({
      SCRIPT_NAME: snIn,
      PATH_INFO: piIn,
    });
    assert.equal(shiftPathInfo(environ), part);
    assert.equal(environ.PATH_INFO, piOut);
    assert.equal(environ.SCRIPT_NAME, snOut);
  }

  test("testSimpleShifts: shiftPathInfo() moves one segment", () => {
    checkShift("", "/", "", "/", "");
    checkShift("", "/x", "x", "/x", "");
    checkShift("/", "", undefined, "/", "");
    checkShift("/a", "/x/y", "x", "/a/x", "/y");
    checkShift("/a", "/x/", "x", "/a/x", "/");
  });

  test("testNormalizedShifts: shiftPathInfo() normalises . .. and //", () => {
    checkShift("/a/b", "/../y", "..", "/a", "/y");
    checkShift("", "/../y", "..", "", "/y");
    checkShift("/a/b", "//y", "y", "/a/b/y", "");
    checkShift("/a/b", "//y/", "y", "/a/b/y", "/");
    checkShift("/a/b", "/./y", "y", "/a/b/y", "");
    checkShift("/a/b", "/./y/", "y", "/a/b/y", "/");
    checkShift("/a/b", "///./..//y/.//", "..", "/a", "/y/");
    checkShift("/a/b", "///", "", "/a/b/", "");
    checkShift("/a/b", "/.//", "", "/a/b/", "");
    checkShift("/a/b", "/x//", "x", "/a/b/x", "/");
    checkShift("/a/b", "/.", undefined, "/a/b", "");
  });

  const defaults: Array<[string, unknown]> = [
    ["SERVER_NAME", "127.0.0.1"],
    ["SERVER_PORT", "80"],
    ["SERVER_PROTOCOL", "HTTP/1.0"],
    ["HTTP_HOST", "127.0.0.1"],
    ["REQUEST_METHOD", "GET"],
    ["SCRIPT_NAME", ""],
    ["PATH_INFO", "/"],
    ["wsgi.version", [1, 0]],
    ["wsgi.run_once", false],
    ["wsgi.multithread", false],
    ["wsgi.multiprocess", false],
    ["wsgi.url_scheme", "http"],
  ];

  test("testDefaults: setupTestingDefaults() fills every key of {}", () => {
    for (const [key, value] of defaults) {
      const environ: Record<string, unknown> = {};
      setupTestingDefaults(environ);
      assert.deepEqual(environ[key], value, key);
    }
    const environ: Record<string, unknown> = {};
    setupTestingDefaults(environ);
    assert.ok(environ["wsgi.input"] instanceof WSGIInput);
    assert.ok(environ["wsgi.errors"] instanceof MemoryErrorStream);
  });

  test("testDefaults: setupTestingDefaults() keeps a key preset to null or undefined", () => {
    const keys = [...defaults.map(([key]) => key), "wsgi.input", "wsgi.errors"];
    for (const key of keys) {
      for (const preset of [null, undefined]) {
        const environ: Record<string, unknown> = { [key]: preset };
        setupTestingDefaults(environ);
        assert.ok(key in environ, key);
        assert.equal(environ[key], preset, `${key} preset to ${preset}`);
      }
    }
  });

  test("testCrossDefaults: setupTestingDefaults() derives keys from others", () => {
    const check = (key: string, value: string, kw: Record<string, unknown>) => {
      setupTestingDefaults(kw);
      assert.equal(kw[key], value, `${key} for ${JSON.stringify(kw[key])}`);
    };
    check("HTTP_HOST", "foo.bar", { SERVER_NAME: "foo.bar" });
    check("wsgi.url_scheme", "https", { HTTPS: "on" });
    check("wsgi.url_scheme", "https", { HTTPS: "1" });
    check("wsgi.url_scheme", "https", { HTTPS: "yes" });
    check("wsgi.url_scheme", "http", { HTTPS: "foo" });
    check("SERVER_PORT", "80", { HTTPS: "foo" });
    check("SERVER_PORT", "443", { HTTPS: "on" });
  });

  test("testGuessScheme: guessScheme() reads HTTPS", () => {
    assert.equal(guessScheme({}), "http");
    assert.equal(guessScheme({ HTTPS: "foo" }), "http");
    assert.equal(guessScheme({ HTTPS: "on" }), "https");
    assert.equal(guessScheme({ HTTPS: "yes" }), "https");
    assert.equal(guessScheme({ HTTPS: "1" }), "https");
  });

  test("testAppURIs: applicationUri() after setupTestingDefaults()", () => {
    const check = (uri: string, kw: Record<string, unknown>) => {
      assert.equal(applicationUri(setupTestingDefaults(kw)), uri);
    };
    check("http://127.0.0.1/", {});
    check("http://127.0.0.1/spam", { SCRIPT_NAME: "/spam" });
    check("http://127.0.0.1/sp%E4m", { SCRIPT_NAME: "/sp\xe4m" });
    check("http://spam.example.com:2071/", {
      HTTP_HOST: "spam.example.com:2071",
      SERVER_PORT: "2071",
    });
    check("http://spam.example.com/", { SERVER_NAME: "spam.example.com" });
    check("http://127.0.0.1/", {
      HTTP_HOST: "127.0.0.1",
      SERVER_NAME: "spam.example.com",
    });
    check("https://127.0.0.1/", { HTTPS: "on" });
    check("http://127.0.0.1:8000/", { SERVER_PORT: "8000", HTTP_HOST: null });
    check("http://127.0.0.1:8000/", {
      SERVER_PORT: "8000",
      HTTP_HOST: undefined,
    });
  });

  test("testReqURIs: requestUri() after setupTestingDefaults()", () => {
    const check = (
      uri: string,
      kw: Record<string, unknown>,
      query = true,
    ) => {
      assert.equal(requestUri(setupTestingDefaults(kw), query), uri);
    };
    check("http://127.0.0.1/", {});
    check("http://127.0.0.1/spam", { SCRIPT_NAME: "/spam" });
    check("http://127.0.0.1/sp%E4m", { SCRIPT_NAME: "/sp\xe4m" });
    check("http://127.0.0.1/spammity/spam", {
      SCRIPT_NAME: "/spammity",
      PATH_INFO: "/spam",
    });
    check("http://127.0.0.1/spammity/sp%E4m", {
      SCRIPT_NAME: "/spammity",
      PATH_INFO: "/sp\xe4m",
    });
    check("http://127.0.0.1/spammity/spam;ham", {
      SCRIPT_NAME: "/spammity",
      PATH_INFO: "/spam;ham",
    });
    check("http://127.0.0.1/spammity/spam;cookie=1234,5678", {
      SCRIPT_NAME: "/spammity",
      PATH_INFO: "/spam;cookie=1234,5678",
    });
    check("http://127.0.0.1/spammity/spam?say=ni", {
      SCRIPT_NAME: "/spammity",
      PATH_INFO: "/spam",
      QUERY_STRING: "say=ni",
    });
    check("http://127.0.0.1/spammity/spam?s%E4y=ni", {
      SCRIPT_NAME: "/spammity",
      PATH_INFO: "/spam",
      QUERY_STRING: "s%E4y=ni",
    });
    check("http://127.0.0.1/spammity/spam", {
      SCRIPT_NAME: "/spammity",
      PATH_INFO: "/spam",
      QUERY_STRING: "say=ni",
    }, false);
  });

  test("testFileWrapper: FileWrapper reads read(size) blocks and delegates close()", async () => {
    const text = "xyz".repeat(50);
    // compare_generic_iter: the iterator is its own iterable, yields the
    // matches in order, then ends.
    const wrapper = new FileWrapper(new BytesFile(bytes(text)), 120);
    const it = wrapper[Symbol.asyncIterator]();
    assert.equal(it[Symbol.asyncIterator](), it);
    for (const match of ["xyz".repeat(40), "xyz".repeat(10)]) {
      const result = await it.next();
      assert.equal(result.done, false);
      assert.equal(decoder.decode(result.value as Uint8Array), match);
    }
    assert.equal((await it.next()).done, true);

    const file = new BytesFile(bytes(text));
    const fw = new FileWrapper(file, 120);
    assert.equal(fw.filelike, file);
    assert.equal(fw.blksize, 120);
    assert.equal(file.closed, false);
    await texts(fw);
    assert.equal(file.closed, false);
    await fw.close();
    assert.equal(file.closed, true);
  });

  test("testHopByHop: isHopByHop() in as-is, title, upper and lower case", () => {
    const hop =
      "Connection Keep-Alive Proxy-Authenticate Proxy-Authorization " +
      "TE Trailers Transfer-Encoding Upgrade";
    const notHop = "Accept Cache-Control Date Pragma Trailer Via Warning";
    for (const name of hop.split(" ")) {
      for (
        const alt of [name, title(name), name.toUpperCase(), name.toLowerCase()]
      ) {
        assert.equal(isHopByHop(alt), true, alt);
      }
    }
    for (const name of notHop.split(" ")) {
      for (
        const alt of [name, title(name), name.toUpperCase(), name.toLowerCase()]
      ) {
        assert.equal(isHopByHop(alt), false, alt);
      }
    }
  });
});

// ---------------------------------------------------------------------------
// shiftPathInfo()

describe("shiftPathInfo()", () => {
  // [SCRIPT_NAME in, PATH_INFO in, returns, SCRIPT_NAME out, PATH_INFO out],
  // every row checked against Python 3.11's shift_path_info.
  const rows: Array<[Maybe, Maybe, string | undefined, Maybe, Maybe]> = [
    ["", "/", "", "/", ""],
    ["", "/x", "x", "/x", ""],
    ["/", "", undefined, "/", ""],
    ["/a", "/x/y", "x", "/a/x", "/y"],
    ["/a", "/x/", "x", "/a/x", "/"],
    ["/a/b", "/../y", "..", "/a", "/y"],
    ["", "/../y", "..", "", "/y"],
    ["/a/b", "//y", "y", "/a/b/y", ""],
    ["/a/b", "//y/", "y", "/a/b/y", "/"],
    ["/a/b", "/./y", "y", "/a/b/y", ""],
    ["/a/b", "/./y/", "y", "/a/b/y", "/"],
    ["/a/b", "///./..//y/.//", "..", "/a", "/y/"],
    ["/a/b", "///", "", "/a/b/", ""],
    ["/a/b", "/.//", "", "/a/b/", ""],
    ["/a/b", "/x//", "x", "/a/b/x", "/"],
    ["/a/b", "/.", undefined, "/a/b", ""],
    ["", "", undefined, "", ""],
    [ABSENT, ABSENT, undefined, ABSENT, ABSENT],
    [ABSENT, "/x", "x", "/x", ""],
    ["", "x/y", "y", "/y", "x"],
    ["/a/b", "/..", "..", "/a", ""],
    ["/a/b", "/../", "..", "/a", "/"],
    ["", "/..", "..", "", ""],
    ["/a/b", "/../..", "..", "/a", "/.."],
    ["/a", "/./", "", "/a/", ""],
    ["/a", "/.", undefined, "/a", ""],
    ["/a/", "/x", "x", "/a/x", ""],
    ["/a//", "/x", "x", "/a/x", ""],
    ["a", "/x", "x", "a/x", ""],
    ["/a/./b", "/x", "x", "/a/b/x", ""],
    ["/a/../b", "/x", "x", "/b/x", ""],
    ["//a", "/x", "x", "//a/x", ""],
    ["///a", "/x", "x", "/a/x", ""],
    ["", "//", "", "/", ""],
    ["", "/./", "", "/", ""],
    ["", "/.", undefined, "", ""],
    ["/", "/", "", "/", ""],
    ["/", "/x", "x", "//x", ""],
    ["/a", "/", "", "/a/", ""],
    ["/a", "//", "", "/a/", ""],
    ["/a", "/x/./y", "x", "/a/x", "/y"],
    ["/a", "/x/../y", "x", "/a/x", "/../y"],
    ["/a", "/x/y/", "x", "/a/x", "/y/"],
    ["/a", "/ x /y", " x ", "/a/ x ", "/y"],
    ["/a", "/%2F/y", "%2F", "/a/%2F", "/y"],
    ["/a", "/x;p/y", "x;p", "/a/x;p", "/y"],
    ["/a", "/.../y", "...", "/a/...", "/y"],
    ["/a", "/..x/y", "..x", "/a/..x", "/y"],
    ["a", "/..", "..", ".", ""],
    [".", "/.", undefined, ".", ""],
    ["..", "/x", "x", "../x", ""],
    ["a/b", "/../..", "..", "a", "/.."],
    ["", "/x/.", "x", "/x", "/."],
    ["", "/x/..", "x", "/x", "/.."],
    ["", "/./.", undefined, "", ""],
    ["", "/././x", "x", "/x", ""],
  ];

  for (const [snIn, piIn, part, snOut, piOut] of rows) {
    test(
      `shiftPathInfo() turns SCRIPT_NAME ${show(snIn)} + PATH_INFO ${
        show(piIn)
      } into ${show(part)}, ${show(snOut)}, ${show(piOut)}`,
      () => {
        const environ = pathEnviron(snIn, piIn);
        assert.equal(shiftPathInfo(environ), part);
        assert.deepEqual(environ, pathEnviron(snOut, piOut));
      },
    );
  }

  test("shiftPathInfo() keeps two leading slashes of SCRIPT_NAME", () => {
    const environ = { SCRIPT_NAME: "//a", PATH_INFO: "/x" };
    assert.equal(shiftPathInfo(environ), "x");
    assert.equal(environ.SCRIPT_NAME, "//a/x");
  });

  test("shiftPathInfo() collapses three leading slashes of SCRIPT_NAME to one", () => {
    const environ = { SCRIPT_NAME: "///a", PATH_INFO: "/x" };
    assert.equal(shiftPathInfo(environ), "x");
    assert.equal(environ.SCRIPT_NAME, "/a/x");
  });

  test("shiftPathInfo() drops .. at the root but keeps it in a relative SCRIPT_NAME", () => {
    const root = { SCRIPT_NAME: "", PATH_INFO: "/../y" };
    assert.equal(shiftPathInfo(root), "..");
    assert.deepEqual(root, { SCRIPT_NAME: "", PATH_INFO: "/y" });
    const relative = { SCRIPT_NAME: "..", PATH_INFO: "/.." };
    assert.equal(shiftPathInfo(relative), "..");
    assert.deepEqual(relative, { SCRIPT_NAME: "../..", PATH_INFO: "" });
  });

  test("shiftPathInfo() turns a relative SCRIPT_NAME that empties into .", () => {
    const environ = { SCRIPT_NAME: "a", PATH_INFO: "/.." };
    assert.equal(shiftPathInfo(environ), "..");
    assert.equal(environ.SCRIPT_NAME, ".");
  });

  test("shiftPathInfo() walks a whole path down to undefined", () => {
    const environ = setupTestingDefaults({ PATH_INFO: "/a/b/" });
    const parts: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) parts.push(shiftPathInfo(environ));
    assert.deepEqual(parts, ["a", "b", "", undefined]);
    assert.equal(environ.SCRIPT_NAME, "/a/b/");
    assert.equal(environ.PATH_INFO, "");
  });

  test("shiftPathInfo() throws RangeError for a PATH_INFO without a slash and changes nothing", () => {
    const environ = { SCRIPT_NAME: "", PATH_INFO: "x" };
    assert.throws(() => shiftPathInfo(environ), {
      name: "RangeError",
      message: 'shiftPathInfo() needs a PATH_INFO with a "/", got "x"',
    });
    assert.deepEqual(environ, { SCRIPT_NAME: "", PATH_INFO: "x" });
  });

  test("shiftPathInfo() returns undefined for a PATH_INFO of null or undefined", () => {
    for (const value of [null, undefined]) {
      const environ: Record<string, unknown> = { PATH_INFO: value };
      assert.equal(
        shiftPathInfo(environ as Partial<WSGIEnvironment>),
        undefined,
      );
      assert.deepEqual(environ, { PATH_INFO: value });
    }
  });

  test("shiftPathInfo() throws TypeError for a non-string SCRIPT_NAME or PATH_INFO", () => {
    const badScript = { SCRIPT_NAME: null, PATH_INFO: "/x" };
    assert.throws(
      () => shiftPathInfo(badScript as unknown as Partial<WSGIEnvironment>),
      { name: "TypeError", message: /SCRIPT_NAME.*null/ },
    );
    const badPath = { PATH_INFO: 5 };
    assert.throws(
      () => shiftPathInfo(badPath as unknown as Partial<WSGIEnvironment>),
      { name: "TypeError", message: /PATH_INFO.*number/ },
    );
  });
});

// ---------------------------------------------------------------------------
// applicationUri() and requestUri()

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i))
  .join("");
const PRINTABLE = Array.from(
  { length: 0x7f - 0x20 },
  (_, i) => String.fromCharCode(0x20 + i),
).join("");

// urllib.parse.quote(ALL_BYTES, encoding="latin1"), from Python 3.11.
const QUOTED_SCRIPT_NAME = "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F" +
  "%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F%20%21%22%23%24%25%26%27" +
  "%28%29%2A%2B%2C-./0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
  "%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~%7F%80%81%82%83%84%85" +
  "%86%87%88%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D" +
  "%9E%9F%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5" +
  "%B6%B7%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%CD" +
  "%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF%E0%E1%E2%E3%E4%E5" +
  "%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD" +
  "%FE%FF";
// urllib.parse.quote(ALL_BYTES, safe="/;=,", encoding="latin1").
const QUOTED_PATH_INFO = QUOTED_SCRIPT_NAME.replace("%2C", ",")
  .replace("%3B", ";").replace("%3D", "=");

const BASE: Readonly<Partial<WSGIEnvironment>> = {
  "wsgi.url_scheme": "http",
  SERVER_NAME: "example.com",
  SERVER_PORT: "80",
};

describe("applicationUri()", () => {
  const rows: Array<[string, Record<string, unknown>, string]> = [
    ["omits port 80 for http", {}, "http://example.com/"],
    [
      "adds any other port for http",
      { SERVER_PORT: "8080" },
      "http://example.com:8080/",
    ],
    [
      "omits port 443 for https",
      { "wsgi.url_scheme": "https", SERVER_PORT: "443" },
      "https://example.com/",
    ],
    [
      "adds port 80 for https",
      { "wsgi.url_scheme": "https", SERVER_PORT: "80" },
      "https://example.com:80/",
    ],
    [
      "omits port 80 for any scheme but https",
      { "wsgi.url_scheme": "ftp", SERVER_PORT: "80" },
      "ftp://example.com/",
    ],
    [
      "adds port 21 for ftp",
      { "wsgi.url_scheme": "ftp", SERVER_PORT: "21" },
      "ftp://example.com:21/",
    ],
    [
      "uses HTTP_HOST verbatim, whatever SERVER_PORT says",
      { HTTP_HOST: "h:99", SERVER_PORT: "8080" },
      "http://h:99/",
    ],
    [
      "ignores an empty HTTP_HOST",
      { HTTP_HOST: "" },
      "http://example.com/",
    ],
    [
      "ignores a null HTTP_HOST",
      { HTTP_HOST: null },
      "http://example.com/",
    ],
    [
      "needs no SERVER_NAME or SERVER_PORT with HTTP_HOST",
      { HTTP_HOST: "h", SERVER_NAME: undefined, SERVER_PORT: undefined },
      "http://h/",
    ],
    [
      "quotes a space in SCRIPT_NAME",
      { SCRIPT_NAME: "/a b" },
      "http://example.com/a%20b",
    ],
    [
      "quotes ISO-8859-1 bytes in uppercase hex",
      { SCRIPT_NAME: "/sp\xe4m" },
      "http://example.com/sp%E4m",
    ],
    [
      "quotes control characters",
      { SCRIPT_NAME: "/\x00\x7f\n" },
      "http://example.com/%00%7F%0A",
    ],
    [
      "inserts no slash before a relative SCRIPT_NAME",
      { SCRIPT_NAME: "a" },
      "http://example.coma",
    ],
    ["keeps a SCRIPT_NAME of /", { SCRIPT_NAME: "/" }, "http://example.com/"],
    [
      "turns an empty SCRIPT_NAME into /",
      { SCRIPT_NAME: "" },
      "http://example.com/",
    ],
    [
      "turns a null SCRIPT_NAME into /",
      { SCRIPT_NAME: null },
      "http://example.com/",
    ],
    [
      "quotes all printable ASCII but A-Z a-z 0-9 _ . - ~ /",
      { SCRIPT_NAME: "/" + PRINTABLE },
      "http://example.com/%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-./0123456789" +
      "%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60" +
      "abcdefghijklmnopqrstuvwxyz%7B%7C%7D~",
    ],
    [
      "quotes every byte 0-255 as Python's quote() does",
      { SCRIPT_NAME: ALL_BYTES },
      "http://example.com" + QUOTED_SCRIPT_NAME,
    ],
    [
      "does not recognise already quoted text",
      { SCRIPT_NAME: "/a%2Fb" },
      "http://example.com/a%252Fb",
    ],
  ];
  for (const [behaviour, extra, uri] of rows) {
    test(`applicationUri() ${behaviour}`, () => {
      const environ = { ...BASE, ...extra } as Partial<WSGIEnvironment>;
      assert.equal(applicationUri(environ), uri);
    });
  }

  test("applicationUri() throws TypeError naming a missing wsgi.url_scheme", () => {
    assert.throws(
      () => applicationUri({ SERVER_NAME: "x", SERVER_PORT: "80" }),
      {
        name: "TypeError",
        message:
          'applicationUri() needs environ["wsgi.url_scheme"], which is missing',
      },
    );
  });

  test("applicationUri() throws TypeError naming a missing SERVER_NAME or SERVER_PORT", () => {
    assert.throws(
      () => applicationUri({ "wsgi.url_scheme": "http", SERVER_PORT: "80" }),
      {
        name: "TypeError",
        message: /environ\["SERVER_NAME"\], which is missing/,
      },
    );
    assert.throws(
      () => applicationUri({ "wsgi.url_scheme": "http", SERVER_NAME: "x" }),
      {
        name: "TypeError",
        message: /environ\["SERVER_PORT"\], which is missing/,
      },
    );
  });

  test("applicationUri() throws TypeError for a SERVER_PORT that is a number", () => {
    const environ = { ...BASE, SERVER_PORT: 80 };
    assert.throws(
      () => applicationUri(environ as unknown as Partial<WSGIEnvironment>),
      {
        name: "TypeError",
        message: 'environ["SERVER_PORT"] must be a string, got number',
      },
    );
  });

  test("applicationUri() throws TypeError for a code point above U+00FF", () => {
    assert.throws(() => applicationUri({ ...BASE, SCRIPT_NAME: "/s/\u20ac" }), {
      name: "TypeError",
      message: "SCRIPT_NAME: can't encode character '\\u20ac' in position 3 " +
        "as ISO-8859-1: ordinal not in range(256)",
    });
    assert.throws(
      () => applicationUri({ ...BASE, SCRIPT_NAME: "/\u{1f600}/\u20ac" }),
      {
        name: "TypeError",
        message:
          "SCRIPT_NAME: can't encode character '\\U0001f600' in position 1 " +
          "as ISO-8859-1: ordinal not in range(256)",
      },
    );
  });
});

describe("requestUri()", () => {
  const rows: Array<[string, Record<string, unknown>, string, string]> = [
    [
      "gives the application URI for an empty path",
      {},
      "http://example.com/",
      "http://example.com/",
    ],
    [
      "quotes spaces in SCRIPT_NAME and PATH_INFO",
      { SCRIPT_NAME: "/a b", PATH_INFO: "/c d" },
      "http://example.com/a%20b/c%20d",
      "http://example.com/a%20b/c%20d",
    ],
    [
      "keeps ; = and , in PATH_INFO but quotes the rest of printable ASCII",
      { SCRIPT_NAME: "/s", PATH_INFO: "/" + PRINTABLE },
      "http://example.com/s/%20%21%22%23%24%25%26%27%28%29%2A%2B,-./0123456789" +
      "%3A;%3C=%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60" +
      "abcdefghijklmnopqrstuvwxyz%7B%7C%7D~",
      "http://example.com/s/%20%21%22%23%24%25%26%27%28%29%2A%2B,-./0123456789" +
      "%3A;%3C=%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60" +
      "abcdefghijklmnopqrstuvwxyz%7B%7C%7D~",
    ],
    [
      "quotes every byte 0-255 of PATH_INFO as Python's quote() does",
      { SCRIPT_NAME: "/s", PATH_INFO: ALL_BYTES },
      "http://example.com/s" + QUOTED_PATH_INFO,
      "http://example.com/s" + QUOTED_PATH_INFO,
    ],
    [
      "drops the first character of PATH_INFO when SCRIPT_NAME is empty",
      { SCRIPT_NAME: "", PATH_INFO: "x" },
      "http://example.com/",
      "http://example.com/",
    ],
    [
      "appends the query string verbatim",
      { PATH_INFO: "/x", QUERY_STRING: "a=1&b=%20 c" },
      "http://example.com/x?a=1&b=%20 c",
      "http://example.com/x",
    ],
    [
      "appends no ? for an empty query string",
      { PATH_INFO: "/x", QUERY_STRING: "" },
      "http://example.com/x",
      "http://example.com/x",
    ],
    [
      "quotes ISO-8859-1 bytes of both paths",
      { SCRIPT_NAME: "/\xe9\xff", PATH_INFO: "/\xe9" },
      "http://example.com/%E9%FF/%E9",
      "http://example.com/%E9%FF/%E9",
    ],
    [
      "quotes % again",
      { SCRIPT_NAME: "/a", PATH_INFO: "/%2F" },
      "http://example.com/a/%252F",
      "http://example.com/a/%252F",
    ],
    [
      "joins a relative SCRIPT_NAME and PATH_INFO as they are",
      { SCRIPT_NAME: "a", PATH_INFO: "b" },
      "http://example.comab",
      "http://example.comab",
    ],
    [
      "keeps the slash of SCRIPT_NAME / before PATH_INFO",
      { SCRIPT_NAME: "/", PATH_INFO: "/x" },
      "http://example.com//x",
      "http://example.com//x",
    ],
    [
      "treats a missing PATH_INFO as empty",
      { SCRIPT_NAME: "/s", QUERY_STRING: "q" },
      "http://example.com/s?q",
      "http://example.com/s",
    ],
  ];
  for (const [behaviour, extra, uri, withoutQuery] of rows) {
    test(`requestUri() ${behaviour}`, () => {
      const environ = { ...BASE, ...extra } as Partial<WSGIEnvironment>;
      assert.equal(requestUri(environ), uri);
      assert.equal(requestUri(environ, true), uri);
      assert.equal(requestUri(environ, false), withoutQuery);
    });
  }

  test("requestUri() throws TypeError for a code point above U+00FF in PATH_INFO", () => {
    assert.throws(
      () => requestUri({ ...BASE, SCRIPT_NAME: "/s", PATH_INFO: "/\u20ac" }),
      {
        name: "TypeError",
        message: "PATH_INFO: can't encode character '\\u20ac' in position 1 " +
          "as ISO-8859-1: ordinal not in range(256)",
      },
    );
  });

  test("requestUri() throws TypeError for a null PATH_INFO", () => {
    const environ = { ...BASE, PATH_INFO: null };
    assert.throws(
      () => requestUri(environ as unknown as Partial<WSGIEnvironment>),
      { name: "TypeError", message: /PATH_INFO.*null/ },
    );
  });
});

// ---------------------------------------------------------------------------
// guessScheme()

describe("guessScheme()", () => {
  for (const value of ["1", "yes", "on"]) {
    test(`guessScheme() gives https for HTTPS ${JSON.stringify(value)}`, () => {
      assert.equal(guessScheme({ HTTPS: value }), "https");
    });
  }
  for (const value of ["YES", " on", 1, "off", "ON", "true", "", null, true]) {
    test(`guessScheme() gives http for HTTPS ${JSON.stringify(value)}`, () => {
      assert.equal(guessScheme({ HTTPS: value }), "http");
    });
  }
  test("guessScheme() gives http without HTTPS", () => {
    assert.equal(guessScheme({}), "http");
  });
});

// ---------------------------------------------------------------------------
// setupTestingDefaults()

describe("setupTestingDefaults()", () => {
  test("setupTestingDefaults() adds the keys in Python's order", () => {
    assert.deepEqual(Object.keys(setupTestingDefaults({})), [
      "SERVER_NAME",
      "SERVER_PROTOCOL",
      "HTTP_HOST",
      "REQUEST_METHOD",
      "SCRIPT_NAME",
      "PATH_INFO",
      "wsgi.version",
      "wsgi.run_once",
      "wsgi.multithread",
      "wsgi.multiprocess",
      "wsgi.input",
      "wsgi.errors",
      "wsgi.url_scheme",
      "SERVER_PORT",
    ]);
  });

  test("setupTestingDefaults() returns the same object", () => {
    const environ: Record<string, unknown> = {};
    assert.equal(setupTestingDefaults(environ), environ);
  });

  test("setupTestingDefaults() gives a frozen wsgi.version [1, 0]", () => {
    const version = setupTestingDefaults({})["wsgi.version"];
    assert.deepEqual(version, [1, 0]);
    assert.ok(Object.isFrozen(version));
  });

  test("setupTestingDefaults() gives a fresh, empty wsgi.input and wsgi.errors each time", async () => {
    const a = setupTestingDefaults({});
    const b = setupTestingDefaults({});
    assert.notEqual(a["wsgi.input"], b["wsgi.input"]);
    assert.notEqual(a["wsgi.errors"], b["wsgi.errors"]);
    assert.deepEqual(await a["wsgi.input"].read(), new Uint8Array());
    const errors = a["wsgi.errors"] as MemoryErrorStream;
    assert.equal(errors.getValue(), "");
    errors.write("oops");
    assert.equal(errors.getValue(), "oops");
  });

  test("setupTestingDefaults() copies a given SERVER_NAME into HTTP_HOST", () => {
    assert.equal(setupTestingDefaults({ SERVER_NAME: "foo" }).HTTP_HOST, "foo");
  });

  test("setupTestingDefaults() copies a null SERVER_NAME into HTTP_HOST", () => {
    const environ = setupTestingDefaults({ SERVER_NAME: null });
    assert.equal(environ.HTTP_HOST, null);
  });

  test("setupTestingDefaults() adds no PATH_INFO when SCRIPT_NAME is there", () => {
    const environ = setupTestingDefaults({ SCRIPT_NAME: "/x" });
    assert.equal(environ.SCRIPT_NAME, "/x");
    assert.equal("PATH_INFO" in environ, false);
  });

  test("setupTestingDefaults() adds no SCRIPT_NAME when PATH_INFO is there", () => {
    const environ = setupTestingDefaults({ PATH_INFO: "/x" });
    assert.equal(environ.PATH_INFO, "/x");
    assert.equal("SCRIPT_NAME" in environ, false);
  });

  test("setupTestingDefaults() never overwrites an empty string", () => {
    const environ = setupTestingDefaults({
      SERVER_NAME: "",
      REQUEST_METHOD: "",
    });
    assert.equal(environ.SERVER_NAME, "");
    assert.equal(environ.HTTP_HOST, "");
    assert.equal(environ.REQUEST_METHOD, "");
  });

  test("setupTestingDefaults() sets SERVER_PORT from a preset wsgi.url_scheme, not HTTPS", () => {
    const environ = setupTestingDefaults({
      "wsgi.url_scheme": "http",
      HTTPS: "on",
    });
    assert.equal(environ.SERVER_PORT, "80");
  });

  test("setupTestingDefaults() sets SERVER_PORT 443 for https", () => {
    const environ = setupTestingDefaults({ "wsgi.url_scheme": "https" });
    assert.equal(environ.SERVER_PORT, "443");
  });

  test("setupTestingDefaults() sets no SERVER_PORT for another scheme", () => {
    const environ = setupTestingDefaults({ "wsgi.url_scheme": "ftp" });
    assert.equal("SERVER_PORT" in environ, false);
  });

  test("setupTestingDefaults() keeps a given SERVER_PORT", () => {
    assert.equal(
      setupTestingDefaults({ SERVER_PORT: "8000" }).SERVER_PORT,
      "8000",
    );
  });

  test("setupTestingDefaults() gives boolean false for run_once, multithread, multiprocess", () => {
    const environ = setupTestingDefaults({});
    assert.equal(environ["wsgi.run_once"], false);
    assert.equal(environ["wsgi.multithread"], false);
    assert.equal(environ["wsgi.multiprocess"], false);
  });

  test("setupTestingDefaults() completes an environ that the URI functions accept", () => {
    const environ: WSGIEnvironment = setupTestingDefaults({});
    assert.equal(requestUri(environ), "http://127.0.0.1/");
  });
});

// ---------------------------------------------------------------------------
// isHopByHop()

describe("isHopByHop()", () => {
  test("HOP_BY_HOP_HEADERS holds the eight lower-case names", () => {
    assert.deepEqual([...HOP_BY_HOP_HEADERS].sort(), [
      "connection",
      "keep-alive",
      "proxy-authenticate",
      "proxy-authorization",
      "te",
      "trailers",
      "transfer-encoding",
      "upgrade",
    ]);
  });

  for (
    const name of [
      "Trailer",
      "Proxy-Connection",
      "Host",
      "Content-Length",
      "",
      "te ",
    ]
  ) {
    test(`isHopByHop() is false for ${JSON.stringify(name)}`, () => {
      assert.equal(isHopByHop(name), false);
    });
  }

  test("isHopByHop() ignores case", () => {
    assert.equal(isHopByHop("CONNECTION"), true);
    assert.equal(isHopByHop("Te"), true);
    assert.equal(isHopByHop("tRaNsFeR-eNcOdInG"), true);
  });

  test("isHopByHop() throws TypeError for a non-string", () => {
    assert.throws(() => isHopByHop(5 as unknown as string), TypeError);
  });
});

// ---------------------------------------------------------------------------
// FileWrapper

describe("FileWrapper", () => {
  const abc = (): Uint8Array[] => [bytes("ab"), bytes("c"), bytes("def")];

  test("FileWrapper reads a ReadableStream in its own chunk sizes", async () => {
    const big = new Uint8Array(10000);
    const stream = streamOf([bytes("ab"), big, bytes("c")]);
    assert.deepEqual(await lengths(new FileWrapper(stream, 3)), [2, 10000, 1]);
  });

  test("FileWrapper reads the readable stream of an object", async () => {
    const file = { readable: streamOf(abc()) };
    assert.deepEqual(await texts(new FileWrapper(file)), ["ab", "c", "def"]);
  });

  test("FileWrapper prefers readable over read() (a Deno.FsFile has both)", async () => {
    let reads = 0;
    const file = {
      readable: streamOf(abc()),
      read(_p: number): Uint8Array {
        reads++;
        return new Uint8Array();
      },
    };
    assert.deepEqual(await texts(new FileWrapper(file)), ["ab", "c", "def"]);
    assert.equal(reads, 0);
  });

  test("FileWrapper reads a sync iterable", async () => {
    assert.deepEqual(await texts(new FileWrapper(abc())), ["ab", "c", "def"]);
    function* gen(): Generator<Uint8Array> {
      yield* abc();
    }
    assert.deepEqual(await texts(new FileWrapper(gen())), ["ab", "c", "def"]);
  });

  test("FileWrapper reads an async iterable", async () => {
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield* abc();
    }
    assert.deepEqual(await texts(new FileWrapper(gen())), ["ab", "c", "def"]);
  });

  test("FileWrapper reads a sync read(size) in blksize blocks", async () => {
    const file = new BytesFile(bytes("abcdefghij"));
    assert.deepEqual(await texts(new FileWrapper(file, 4)), [
      "abcd",
      "efgh",
      "ij",
    ]);
    assert.deepEqual(file.reads, [4, 4, 4, 4]);
  });

  test("FileWrapper reads an async read(size)", async () => {
    const inner = new BytesFile(bytes("abcdefghij"));
    const file = {
      read: async (size: number): Promise<Uint8Array> => {
        await Promise.resolve();
        return inner.read(size);
      },
    };
    assert.deepEqual(await texts(new FileWrapper(file, 4)), [
      "abcd",
      "efgh",
      "ij",
    ]);
  });

  test("FileWrapper splits 10000 bytes into 8192 + 1808 by default", async () => {
    const file = new BytesFile(new Uint8Array(10000));
    const wrapper = new FileWrapper(file);
    assert.equal(wrapper.blksize, 8192);
    assert.deepEqual(await lengths(wrapper), [8192, 1808]);
  });

  test("FileWrapper ends a read(size) source at a falsy chunk", async () => {
    for (const end of [new Uint8Array(), null, undefined, ""]) {
      let calls = 0;
      const file = {
        read: (_size: number) =>
          (calls++ === 0 ? bytes("x") : end) as Uint8Array,
      };
      assert.deepEqual(await texts(new FileWrapper(file)), ["x"]);
    }
  });

  test("FileWrapper is not resumable after the end of each kind of source", async () => {
    const sources: Array<() => FileLike> = [
      () => streamOf(abc()),
      () => ({ readable: streamOf(abc()) }),
      () => abc(),
      () =>
        (async function* (): AsyncGenerator<Uint8Array> {
          yield* abc();
        })(),
      () => new BytesFile(bytes("abcdef")),
    ];
    for (const make of sources) {
      const wrapper = new FileWrapper(make());
      assert.equal((await texts(wrapper)).join(""), "abcdef");
      assert.deepEqual(await texts(wrapper), []);
    }
  });

  test("FileWrapper does not read past an empty chunk, unlike Python", async () => {
    const chunks = [bytes("ab"), new Uint8Array(), bytes("cd")];
    const file = {
      read: (_size: number) => chunks.shift() ?? new Uint8Array(),
    };
    const wrapper = new FileWrapper(file);
    assert.deepEqual(await texts(wrapper), ["ab"]);
    assert.deepEqual(await texts(wrapper), []);
    assert.equal(chunks.length, 1);
  });

  test("FileWrapper continues where a loop broke off", async () => {
    const kinds: Array<() => FileLike> = [
      () => streamOf(abc()),
      () => abc(),
      () => new BytesFile(bytes("abcdef")),
    ];
    for (const make of kinds) {
      const wrapper = new FileWrapper(make(), 2);
      for await (const chunk of wrapper) {
        assert.equal(decoder.decode(chunk), "ab");
        break;
      }
      assert.equal((await texts(wrapper)).join(""), "cdef");
    }
  });

  test("FileWrapper reads no more than one block ahead", async () => {
    const { stream, pulls } = recordingStream(abc());
    const it = new FileWrapper(stream)[Symbol.asyncIterator]();
    await it.next();
    assert.equal(pulls(), 1);
    await it.next();
    assert.equal(pulls(), 2);

    let nexts = 0;
    const iterable: Iterable<Uint8Array> = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: bytes(String(nexts++)) }),
      }),
    };
    const it2 = new FileWrapper(iterable)[Symbol.asyncIterator]();
    await it2.next();
    assert.equal(nexts, 1);

    const file = new BytesFile(new Uint8Array(100));
    const it3 = new FileWrapper(file, 10)[Symbol.asyncIterator]();
    await it3.next();
    assert.deepEqual(file.reads, [10]);
  });

  test("FileWrapper yields chunks over an ArrayBuffer, copying a shared one", async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(3));
    shared.set([1, 2, 3]);
    const it = new FileWrapper([shared])[Symbol.asyncIterator]();
    const chunk = (await it.next()).value as Uint8Array;
    assert.ok(chunk.buffer instanceof ArrayBuffer);
    assert.deepEqual([...chunk], [1, 2, 3]);
  });

  test("FileWrapper passes a Uint8Array from read() through as it is", async () => {
    const data = bytes("abc");
    const wrapper = new FileWrapper({ read: () => data }, 3);
    const it = wrapper[Symbol.asyncIterator]();
    assert.equal((await it.next()).value, data);
  });

  test("FileWrapper throws TypeError when read() gives a non-Uint8Array", async () => {
    for (const value of ["abc", 5, [1, 2], new ArrayBuffer(2)]) {
      const file = { read: (_size: number) => value as unknown as Uint8Array };
      await assert.rejects(texts(new FileWrapper(file)), {
        name: "TypeError",
        message: /^FileWrapper chunks must be Uint8Array, got /,
      });
    }
  });

  test("FileWrapper throws TypeError when a stream or iterable gives a non-Uint8Array", async () => {
    const stream = streamOf(["text"]) as unknown as ReadableStream<
      Uint8Array
    >;
    await assert.rejects(texts(new FileWrapper(stream)), TypeError);
    assert.equal(stream.locked, false);
    const iterable = ["text"] as unknown as Iterable<Uint8Array>;
    await assert.rejects(texts(new FileWrapper(iterable)), {
      name: "TypeError",
      message: "FileWrapper chunks must be Uint8Array, got string",
    });
  });

  test("FileWrapper passes errors of the source through", async () => {
    const file = {
      read(): Uint8Array {
        throw new Error("disk on fire");
      },
    };
    await assert.rejects(texts(new FileWrapper(file)), {
      message: "disk on fire",
    });
  });

  for (const blksize of [0, -1, 1.5, NaN, Infinity]) {
    test(`FileWrapper throws RangeError for blksize ${blksize}`, () => {
      assert.throws(() => new FileWrapper([], blksize), {
        name: "RangeError",
        message: `blksize must be a positive integer, got ${blksize}`,
      });
    });
  }

  test("FileWrapper throws TypeError for a blksize that is not a number", () => {
    assert.throws(() => new FileWrapper([], "8" as unknown as number), {
      name: "TypeError",
      message: "blksize must be a positive integer, got string",
    });
  });

  test("FileWrapper throws TypeError for something that is not file-like", () => {
    for (const value of [{}, null, 5, { readable: true }]) {
      assert.throws(
        () => new FileWrapper(value as unknown as FileLike),
        TypeError,
      );
    }
  });

  test("FileWrapper is a ResponseBody and makes a wsgi.file_wrapper", async () => {
    const factory: FileWrapperFactory = (filelike, blksize) =>
      new FileWrapper(filelike, blksize);
    const body: ResponseBody = factory(abc(), 4);
    assert.ok(body instanceof FileWrapper);
    await body.close?.();
  });

  // close()

  test("FileWrapper.close() cancels a ReadableStream, twice without harm", async () => {
    const { stream, cancelled } = recordingStream(abc());
    const wrapper = new FileWrapper(stream);
    await wrapper.close();
    await wrapper.close();
    assert.equal(cancelled(), true);
    assert.deepEqual(await texts(wrapper), []);
  });

  test("FileWrapper.close() cancels a ReadableStream locked by its own reader", async () => {
    const { stream, cancelled } = recordingStream(abc());
    const wrapper = new FileWrapper(stream);
    const it = wrapper[Symbol.asyncIterator]();
    assert.equal(decoder.decode((await it.next()).value as Uint8Array), "ab");
    assert.equal(stream.locked, true);
    await wrapper.close();
    assert.equal(cancelled(), true);
    assert.equal(stream.locked, false);
    assert.equal((await it.next()).done, true);
  });

  test("FileWrapper.close() ends a pending read of a stream", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: () => new Promise<void>(() => {}),
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    const wrapper = new FileWrapper(stream);
    const it = wrapper[Symbol.asyncIterator]();
    const pending = it.next();
    await wrapper.close();
    assert.equal((await pending).done, true);
    assert.equal(cancelled, true);
  });

  test("FileWrapper.close() tolerates a stream already closed or errored", async () => {
    const done = new FileWrapper(streamOf(abc()));
    await texts(done);
    await done.close();

    const errored = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.error(new Error("broken"));
      },
    });
    const wrapper = new FileWrapper(errored);
    await assert.rejects(texts(wrapper), { message: "broken" });
    await wrapper.close();
  });

  test("FileWrapper.close() leaves alone a stream that someone else locked", async () => {
    const { stream, cancelled } = recordingStream(abc());
    const wrapper = new FileWrapper(stream);
    const reader = stream.getReader();
    await wrapper.close();
    assert.equal(cancelled(), false);
    reader.releaseLock();
  });

  test("FileWrapper.close() calls close() of an object with a readable stream", async () => {
    const { stream, cancelled } = recordingStream(abc());
    let closes = 0;
    const file = {
      readable: stream,
      close() {
        closes++;
      },
    };
    const wrapper = new FileWrapper(file);
    await wrapper.close();
    await wrapper.close();
    assert.equal(closes, 1);
    assert.equal(cancelled(), false);
  });

  test("FileWrapper.close() cancels our reader, then closes a file mid-read", async () => {
    const { stream, cancelled } = recordingStream(abc());
    let closes = 0;
    const file = {
      readable: stream,
      close() {
        closes++;
      },
    };
    const wrapper = new FileWrapper(file);
    await wrapper[Symbol.asyncIterator]().next();
    await wrapper.close();
    assert.equal(cancelled(), true);
    assert.equal(closes, 1);
    assert.equal(stream.locked, false);
  });

  test("FileWrapper.close() tolerates a file already closed (Deno BadResource)", async () => {
    let closed = false;
    const file = {
      readable: streamOf(abc()),
      close() {
        if (closed) {
          const error = new Error("Bad resource ID");
          error.name = "BadResource";
          throw error;
        }
        closed = true;
      },
    };
    file.close();
    await new FileWrapper(file).close();
  });

  test("FileWrapper.close() passes other errors of the source's close() through", async () => {
    const file = {
      read: () => new Uint8Array(),
      close() {
        throw new Error("flush failed");
      },
    };
    await assert.rejects(new FileWrapper(file).close(), {
      message: "flush failed",
    });
  });

  test("FileWrapper.close() cancels the readable of an object without close()", async () => {
    const { stream, cancelled } = recordingStream(abc());
    await new FileWrapper({ readable: stream }).close();
    assert.equal(cancelled(), true);
  });

  test("FileWrapper.close() returns the active iterator of a sync iterable", async () => {
    let finished = false;
    function* gen(): Generator<Uint8Array> {
      try {
        yield* abc();
      } finally {
        finished = true;
      }
    }
    const wrapper = new FileWrapper(gen());
    const it = wrapper[Symbol.asyncIterator]();
    await it.next();
    await wrapper.close();
    await wrapper.close();
    assert.equal(finished, true);
    assert.equal((await it.next()).done, true);
  });

  test("FileWrapper.close() returns the active iterator of an async iterable", async () => {
    let finished = false;
    async function* gen(): AsyncGenerator<Uint8Array> {
      try {
        yield* abc();
      } finally {
        finished = true;
      }
    }
    const wrapper = new FileWrapper(gen());
    await wrapper[Symbol.asyncIterator]().next();
    await wrapper.close();
    assert.equal(finished, true);
    assert.deepEqual(await texts(wrapper), []);
  });

  test("FileWrapper.close() calls close() of an iterable", async () => {
    let closes = 0;
    const iterable = Object.assign(abc(), {
      close() {
        closes++;
      },
    });
    const wrapper = new FileWrapper(iterable);
    await texts(wrapper);
    await wrapper.close();
    await wrapper.close();
    assert.equal(closes, 1);
  });

  test("FileWrapper.close() calls close() of a read(size) object once", async () => {
    const file = new BytesFile(bytes("abc"));
    const wrapper = new FileWrapper(file);
    await wrapper.close();
    await wrapper.close();
    assert.equal(file.closed, true);
    assert.deepEqual(await texts(wrapper), []);
  });

  test("FileWrapper.close() does nothing more for a read(size) object without close()", async () => {
    const wrapper = new FileWrapper({ read: () => new Uint8Array() });
    await wrapper.close();
    await wrapper.close();
  });

  test("FileWrapper.close() drops a chunk that arrives after it", async () => {
    let resolve!: (chunk: Uint8Array) => void;
    const file = {
      read: () => new Promise<Uint8Array>((r) => (resolve = r)),
    };
    const wrapper = new FileWrapper(file);
    const pending = wrapper[Symbol.asyncIterator]().next();
    await Promise.resolve();
    await wrapper.close();
    resolve(bytes("late"));
    assert.equal((await pending).done, true);
  });
});
