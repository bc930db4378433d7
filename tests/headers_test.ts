// Copyright 2026 the wsgiref authors. MIT license.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  checkHeaderName,
  checkHeaderValue,
  ResponseHeaders,
} from "../headers.ts";

type Pairs = Array<[string, string]>;

/** Python's `test.support.control_characters_c0()`: `\x00`–`\x1F` and `\x7F`. */
const CONTROL_CHARACTERS_C0: string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  "\x7F",
];

/** How a character reads in a test name. */
function show(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** Lets the tests pass what the types forbid, as a JavaScript caller could. */
function untyped<T>(value: unknown): T {
  return value as T;
}

describe("ResponseHeaders: CPython HeaderTests", () => {
  test("testMappingInterface: length, keys, values, items and lookups ignore case", () => {
    const pairs: Pairs = [["x", "y"]];
    assert.equal(new ResponseHeaders().length, 0);
    assert.equal(new ResponseHeaders([]).length, 0);
    assert.equal(new ResponseHeaders(pairs.slice()).length, 1);
    assert.deepEqual(new ResponseHeaders(pairs.slice()).keys(), ["x"]);
    assert.deepEqual(new ResponseHeaders(pairs.slice()).values(), ["y"]);
    assert.deepEqual(new ResponseHeaders(pairs.slice()).items(), pairs);
    assert.notEqual(new ResponseHeaders(pairs).items(), pairs);

    const h = new ResponseHeaders();
    h.delete("foo"); // a missing header is not an error
    h.set("Foo", "bar");
    const lookups: Array<(name: string) => unknown> = [
      (name) => h.has(name),
      (name) => h.get(name),
      (name) => h.getAll(name).length > 0,
    ];
    for (const lookup of lookups) {
      assert.ok(lookup("foo"));
      assert.ok(lookup("Foo"));
      assert.ok(lookup("FOO"));
      assert.ok(!lookup("bar"));
    }
    assert.equal(h.get("foo"), "bar");
    h.set("foo", "baz");
    assert.equal(h.get("FOO"), "baz");
    assert.deepEqual(h.getAll("foo"), ["baz"]);

    assert.equal(h.get("foo", "whee"), "baz");
    assert.equal(h.get("zoo", "whee"), "whee");
    assert.equal(h.setDefault("foo", "whee"), "baz");
    assert.equal(h.setDefault("zoo", "whee"), "whee");
    assert.equal(h.get("foo"), "baz");
    assert.equal(h.get("zoo"), "whee");
  });

  test("testRequireList: a string is not a list of headers", () => {
    assert.throws(() => new ResponseHeaders(untyped("foo")), {
      name: "TypeError",
      message: "Headers must be a list of name/value tuples",
    });
  });

  test("testExtras: toString() and addHeader() with parameters", () => {
    const h = new ResponseHeaders();
    assert.equal(h.toString(), "\r\n");
    h.addHeader("foo", "bar", { baz: "spam" });
    assert.equal(h.get("foo"), 'bar; baz="spam"');
    assert.equal(h.toString(), 'foo: bar; baz="spam"\r\n\r\n');
    h.addHeader("Foo", "bar", { cheese: null });
    assert.deepEqual(h.getAll("foo"), ['bar; baz="spam"', "bar; cheese"]);
    assert.equal(
      h.toString(),
      'foo: bar; baz="spam"\r\nFoo: bar; cheese\r\n\r\n',
    );
  });

  describe("testRaisesControlCharacters", () => {
    for (const c0 of CONTROL_CHARACTERS_C0) {
      const allowedInValues = c0 === "\t";
      test(
        `${show(c0)} is rejected in names${
          allowedInValues ? " but allowed in values" : ", values and parameters"
        }`,
        () => {
          const headers = new ResponseHeaders();
          assert.throws(() => headers.set(`key${c0}`, "val"), TypeError);
          assert.throws(
            () => headers.addHeader(`key${c0}`, "val", { param: "param" }),
            TypeError,
          );
          if (allowedInValues) {
            headers.set("key", "val\t");
            headers.addHeader("key", "val\t");
            headers.setDefault("key", "val\t");
            assert.deepEqual(headers.getAll("key"), ["val\t", "val\t"]);
          } else {
            assert.throws(() => headers.set("key", `val${c0}`), TypeError);
            assert.throws(
              () => headers.addHeader("key", `val${c0}`, { param: "param" }),
              TypeError,
            );
            assert.throws(
              () => headers.addHeader("key", "val", { param: `param${c0}` }),
              TypeError,
            );
          }
        },
      );
    }
  });
});

describe("ResponseHeaders.addHeader()", () => {
  // CPYTHON_NOTES 1.3.1, "Real outputs": the value Python stores.
  const rows: Array<{
    name: string;
    value: string | null | undefined;
    params?: Record<string, string | null | undefined>;
    stored: string;
  }> = [
    {
      name: "Content-Disposition",
      value: "attachment",
      params: { filename: "bud.gif" },
      stored: 'attachment; filename="bud.gif"',
    },
    { name: "X", value: null, params: { a: "b" }, stored: 'a="b"' },
    { name: "X", value: undefined, params: { a: "b" }, stored: 'a="b"' },
    {
      name: "X",
      value: "v",
      params: { a: null, b_c: "d e", quote_me: 'a"b\\c', empty: "" },
      stored: 'v; a; b-c="d e"; quote-me="a\\"b\\\\c"; empty',
    },
    { name: "Y", value: "", stored: "" },
    { name: "Z", value: "", params: { p: "q" }, stored: '; p="q"' },
    { name: "Z2", value: null, stored: "" },
    { name: "Z3", value: undefined, params: {}, stored: "" },
    {
      name: "T",
      value: "v",
      params: { tok: "simple", sp: "with space", semi: "a;b", eq: "a=b" },
      stored: 'v; tok="simple"; sp="with space"; semi="a;b"; eq="a=b"',
    },
    {
      name: "K",
      value: "v",
      params: { z: "1", a: "2", m: null },
      stored: 'v; z="1"; a="2"; m',
    },
    {
      name: "U",
      value: "v",
      params: { a_b_c: undefined },
      stored: "v; a-b-c",
    },
  ];
  for (const { name, value, params, stored } of rows) {
    test(
      `addHeader(${JSON.stringify(name)}, ${
        value === undefined ? "undefined" : JSON.stringify(value)
      }, ${JSON.stringify(params)}) stores ${JSON.stringify(stored)}`,
      () => {
        const list: Pairs = [];
        new ResponseHeaders(list).addHeader(name, value, params);
        assert.deepEqual(list, [[name, stored]]);
      },
    );
  }

  test("addHeader() appends, never replaces", () => {
    const h = new ResponseHeaders([["X", "1"]]);
    h.addHeader("x", "2");
    assert.deepEqual(h.items(), [["X", "1"], ["x", "2"]]);
  });

  test("str() of the table's headers matches Python's, with `Y: ` for an empty value", () => {
    const h = new ResponseHeaders();
    h.addHeader("Content-Disposition", "attachment", { filename: "bud.gif" });
    h.addHeader("X", null, { a: "b" });
    h.addHeader("Y", "");
    assert.equal(
      h.toString(),
      'Content-Disposition: attachment; filename="bud.gif"\r\nX: a="b"\r\nY: \r\n\r\n',
    );
  });

  test("addHeader() checks everything before adding anything", () => {
    const list: Pairs = [];
    const h = new ResponseHeaders(list);
    assert.throws(
      () => h.addHeader("X", "v", { good: "1", bad: "a\nb" }),
      TypeError,
    );
    assert.deepEqual(list, []);
  });

  test("addHeader() reports a bad name before a bad value", () => {
    assert.throws(() => new ResponseHeaders().addHeader("a\nb", "c\nd"), {
      name: "TypeError",
      message:
        'Control characters not allowed in headers: "a\\nb" has "\\n" in its name',
    });
  });
});

describe("ResponseHeaders: invalid headers throw TypeError", () => {
  test("the constructor takes only arrays, with Python's message", () => {
    for (const value of [{}, "ab", new Map(), null, 1]) {
      assert.throws(() => new ResponseHeaders(untyped(value)), {
        name: "TypeError",
        message: "Headers must be a list of name/value tuples",
      });
    }
  });

  test("the constructor takes only [name, value] pairs", () => {
    const rows: Array<[unknown, string]> = [
      [
        [["a", "b", "c"]],
        "header at index 0 must be a [name, value] pair, got array of length 3",
      ],
      [
        [["a", "b"], ["a"]],
        "header at index 1 must be a [name, value] pair, got array of length 1",
      ],
      [
        ["ab"],
        "header at index 0 must be a [name, value] pair, got string",
      ],
      [
        [{ 0: "a", 1: "b", length: 2 }],
        "header at index 0 must be a [name, value] pair, got Object",
      ],
    ];
    for (const [headers, message] of rows) {
      assert.throws(() => new ResponseHeaders(untyped(headers)), {
        name: "TypeError",
        message,
      });
    }
  });

  test("the constructor checks types and control characters in every pair", () => {
    const rows: Array<[unknown, string]> = [
      [
        [[new Uint8Array([0x61]), "b"]],
        "header name must be a string, got Uint8Array",
      ],
      [[["a", 1]], 'header value for "a" must be a string, got number'],
      [[["a", null]], 'header value for "a" must be a string, got null'],
      [
        [["ok", "1"], ["a", "b\r\nSet-Cookie: x"]],
        'Control characters not allowed in headers: "a" has "\\r" in its value',
      ],
      [
        [["a\tb", "v"]],
        'Control characters not allowed in headers: "a\\tb" has "\\t" in its name',
      ],
      [
        [["a", "b\x7F"]],
        'Control characters not allowed in headers: "a" has "\\x7f" in its value',
      ],
    ];
    for (const [headers, message] of rows) {
      assert.throws(() => new ResponseHeaders(untyped(headers)), {
        name: "TypeError",
        message,
      });
    }
  });

  test("the constructor accepts HTAB in a value", () => {
    assert.equal(new ResponseHeaders([["a", "b\tc"]]).get("a"), "b\tc");
  });

  for (const c of ["\r", "\n", "\x00", "\t", "\x7F", "\x1F"]) {
    test(`set() rejects ${show(c)} in a name`, () => {
      assert.throws(() => new ResponseHeaders().set(`a${c}b`, "v"), TypeError);
    });
  }

  for (const c of ["\r", "\n", "\x00", "\x7F", "\x1F"]) {
    test(`set() rejects ${show(c)} in a value`, () => {
      assert.throws(() => new ResponseHeaders().set("n", `a${c}b`), TypeError);
    });
  }

  test("set() accepts HTAB in a value", () => {
    const h = new ResponseHeaders();
    h.set("n", "a\tb");
    assert.equal(h.get("n"), "a\tb");
  });

  test("C1 controls, U+2028, space and non-Latin-1 pass until toBytes()", () => {
    const h = new ResponseHeaders();
    h.set("a\x80b", "v");
    h.set("n", "a\x85b");
    h.set("l", "a\u2028b");
    h.set("s p", "a b");
    h.set("e", "€");
    assert.deepEqual(h.keys(), ["a\x80b", "n", "l", "s p", "e"]);
    assert.equal(h.toString().length > 0, true);
  });

  const lookups: Array<[string, (h: ResponseHeaders) => unknown]> = [
    ['get("a\\nb")', (h) => h.get("a\nb")],
    ['get("a\\tb")', (h) => h.get("a\tb")],
    ['has("a\\nb")', (h) => h.has("a\nb")],
    ['delete("a\\rb")', (h) => h.delete("a\rb")],
    ['getAll("a\\x00")', (h) => h.getAll("a\x00")],
    ['setDefault("a\\x00", "v")', (h) => h.setDefault("a\x00", "v")],
    [
      'setDefault("a", "v\\x00") of a missing header',
      (h) => h.setDefault("a", "v\x00"),
    ],
  ];
  for (const [call, lookup] of lookups) {
    test(`${call} throws TypeError`, () => {
      assert.throws(() => lookup(new ResponseHeaders()), TypeError);
    });
  }

  test('setDefault() of a header whose value is "" returns "" and adds nothing', () => {
    const pairs: Array<[string, string]> = [["X-Empty", ""]];
    const h = new ResponseHeaders(pairs);
    assert.equal(h.setDefault("x-empty", "fallback"), "");
    assert.deepEqual(pairs, [["X-Empty", ""]]);
  });

  test("setDefault() does not check the value of a header that is present", () => {
    assert.equal(
      new ResponseHeaders([["a", "x"]]).setDefault("a", "v\x00"),
      "x",
    );
  });

  const params: Array<[string, Record<string, string | null>]> = [
    ["\\x01 in a parameter name", { "p\x01": "x" }],
    ["HTAB in a parameter name", { "p\t": "x" }],
    ["HTAB in the name of a parameter without value", { "p\t": null }],
    ["\\n in a parameter value", { p: "x\ny" }],
  ];
  for (const [what, param] of params) {
    test(`addHeader() rejects ${what}`, () => {
      assert.throws(
        () => new ResponseHeaders().addHeader("a", "v", param),
        TypeError,
      );
    });
  }

  test("addHeader() accepts HTAB in a parameter value", () => {
    const h = new ResponseHeaders();
    h.addHeader("a", "v", { p: "x\ty" });
    assert.equal(h.get("a"), 'v; p="x\ty"');
  });

  test("addHeader() messages name the header and the parameter", () => {
    const h = new ResponseHeaders();
    assert.throws(() => h.addHeader("a", "v", { "p\x01": "x" }), {
      name: "TypeError",
      message:
        'Control characters not allowed in headers: "a" has "\\x01" in the name of its parameter "p\\x01"',
    });
    assert.throws(() => h.addHeader("a", "v", { p: "x\ny" }), {
      name: "TypeError",
      message:
        'Control characters not allowed in headers: "a" has "\\n" in the value of its parameter "p"',
    });
    assert.throws(() => h.addHeader("a", "v", untyped({ p: 1 })), {
      name: "TypeError",
      message:
        'parameter "p" of header "a" must be a string, null or undefined, got number',
    });
    assert.throws(() => h.addHeader("x", untyped(new Uint8Array(1))), {
      name: "TypeError",
      message:
        'header value for "x" must be a string, null or undefined, got Uint8Array',
    });
  });

  const nonStrings: Array<[string, (h: ResponseHeaders) => unknown, string]> = [
    [
      "set(1, 'y')",
      (h) => h.set(untyped(1), "y"),
      "header name must be a string, got number",
    ],
    [
      "get(1)",
      (h) => h.get(untyped(1)),
      "header name must be a string, got number",
    ],
    [
      "has(undefined)",
      (h) => h.has(untyped(undefined)),
      "header name must be a string, got undefined",
    ],
    [
      "setDefault(1, 'v')",
      (h) => h.setDefault(untyped(1), "v"),
      "header name must be a string, got number",
    ],
    [
      "set('x', bytes)",
      (h) => h.set("x", untyped(new Uint8Array([0x79]))),
      'header value for "x" must be a string, got Uint8Array',
    ],
    [
      "set('x', 1)",
      (h) => h.set("x", untyped(1)),
      'header value for "x" must be a string, got number',
    ],
    [
      "setDefault('n', 1)",
      (h) => h.setDefault("n", untyped(1)),
      'header value for "n" must be a string, got number',
    ],
    [
      "addHeader(1, 'y')",
      (h) => h.addHeader(untyped(1), "y"),
      "header name must be a string, got number",
    ],
  ];
  for (const [call, action, message] of nonStrings) {
    test(`${call} throws TypeError: ${message}`, () => {
      assert.throws(() => action(new ResponseHeaders()), {
        name: "TypeError",
        message,
      });
    });
  }

  test("set() deletes the old headers before it checks the value, as Python", () => {
    const list: Pairs = [["A", "1"], ["B", "2"], ["a", "3"]];
    const h = new ResponseHeaders(list);
    assert.throws(() => h.set("a", "x\r\ny"), TypeError);
    assert.deepEqual(list, [["B", "2"]]);
  });

  test("set() with an invalid name changes nothing", () => {
    const list: Pairs = [["A", "1"]];
    assert.throws(
      () => new ResponseHeaders(list).set("A\n", "2"),
      TypeError,
    );
    assert.deepEqual(list, [["A", "1"]]);
  });
});

describe("ResponseHeaders: the list it wraps", () => {
  test("wraps the caller's array by reference, both ways", () => {
    const list: Pairs = [["A", "1"]];
    const h = new ResponseHeaders(list);
    h.set("B", "2");
    h.addHeader("C", "3");
    assert.equal(h.setDefault("D", "4"), "4");
    assert.deepEqual(list, [["A", "1"], ["B", "2"], ["C", "3"], ["D", "4"]]);
    h.delete("a");
    assert.deepEqual(list, [["B", "2"], ["C", "3"], ["D", "4"]]);
    list.push(["E", "5"]);
    assert.equal(h.get("e"), "5");
    assert.equal(h.length, 4);
  });

  test("delete() removes every match in place", () => {
    const list: Pairs = [["A", "1"], ["B", "2"], ["a", "3"], ["A", "4"]];
    const h = new ResponseHeaders(list);
    h.delete("A");
    assert.deepEqual(list, [["B", "2"]]);
    assert.equal(h.length, 1);
  });

  test("set() removes every match and appends at the end", () => {
    const h = new ResponseHeaders([["a", "1"], ["B", "2"], ["A", "3"]]);
    h.set("A", "4");
    assert.deepEqual(h.items(), [["B", "2"], ["A", "4"]]);
  });

  test("each instance without an argument gets its own array", () => {
    const one = new ResponseHeaders();
    const two = new ResponseHeaders();
    one.set("A", "1");
    assert.equal(two.length, 0);
  });

  test("items() is a copy: changing it or its pairs leaves the headers alone", () => {
    const list: Pairs = [["A", "1"]];
    const h = new ResponseHeaders(list);
    const items = h.items();
    assert.notEqual(items, list);
    items.push(["B", "2"]);
    items[0][1] = "changed";
    assert.deepEqual(list, [["A", "1"]]);
    assert.deepEqual(h.items(), [["A", "1"]]);
  });

  test("keys() and values() keep order, case and duplicates", () => {
    const h = new ResponseHeaders([["A", "1"], ["b", "2"], ["a", "3"]]);
    assert.deepEqual(h.keys(), ["A", "b", "a"]);
    assert.deepEqual(h.values(), ["1", "2", "3"]);
    assert.equal(h.length, 3);
  });

  test("names match as Python's str.lower() does, U+0130 and Latin-1 included", () => {
    // "İ".lower() is "i̇" (two code units): the one name whose length
    // changes in lower case. Python: Headers([("İx", "1")])["i̇x"] == "1".
    const headers = new ResponseHeaders([
      ["\u0130x", "1"],
      ["\u00C9t\u00C9", "2"],
      ["Ab", "3"],
    ]);
    assert.equal(headers.get("i\u0307x"), "1");
    assert.equal(headers.get("\u0130X"), "1");
    assert.equal(headers.get("\u00E9t\u00E9"), "2");
    assert.equal(headers.get("AB"), "3");
    assert.equal(headers.get("abc"), undefined);
    assert.equal(headers.get("a"), undefined);
    headers.delete("I\u0307X");
    assert.deepEqual(headers.keys(), ["\u00C9t\u00C9", "Ab"]);
  });

  test("has() is true for a header with an empty value", () => {
    const h = new ResponseHeaders([["X", ""]]);
    assert.equal(h.has("x"), true);
    assert.equal(h.get("x"), "");
  });

  test("get() returns the first match; getAll() every match in order", () => {
    const h = new ResponseHeaders([["A", "1"], ["B", "2"], ["a", "3"]]);
    assert.equal(h.get("a"), "1");
    assert.deepEqual(h.getAll("A"), ["1", "3"]);
    assert.deepEqual(h.getAll("C"), []);
    assert.equal(h.get("C"), undefined);
    assert.equal(h.get("C", null), null);
  });
});

describe("ResponseHeaders: iteration and output", () => {
  test("iterating yields copies of the pairs in order", () => {
    const list: Pairs = [["A", "1"], ["B", "2"]];
    const h = new ResponseHeaders(list);
    const pairs = [...h];
    assert.deepEqual(pairs, list);
    assert.notEqual(pairs[0], list[0]);
  });

  test("the fetch API's Headers and Response take it directly", () => {
    const h = new ResponseHeaders([
      ["Content-Type", "text/plain"],
      ["Set-Cookie", "a=1"],
      ["Set-Cookie", "b=2"],
    ]);
    // lib.dom types HeadersInit as an array or a record; runtimes take any iterable.
    const init = h as Iterable<[string, string]> as ConstructorParameters<
      typeof Headers
    >[0];
    const headers = new Headers(init);
    assert.equal(headers.get("content-type"), "text/plain");
    assert.deepEqual(headers.getSetCookie(), ["a=1", "b=2"]);
    const response = new Response(null, { headers: init });
    assert.equal(response.headers.get("Content-Type"), "text/plain");
    assert.equal(new Headers(h.items()).get("set-cookie"), "a=1, b=2");
  });

  test("toString() gives `Name: value` lines and a blank line", () => {
    assert.equal(new ResponseHeaders().toString(), "\r\n");
    assert.equal(
      new ResponseHeaders([["A", "1"], ["b", ""], ["C", "x\ty"]]).toString(),
      "A: 1\r\nb: \r\nC: x\ty\r\n\r\n",
    );
    assert.equal(String(new ResponseHeaders([["A", "€"]])), "A: €\r\n\r\n");
  });

  test("toBytes() is the ISO-8859-1 encoding of toString()", () => {
    assert.deepEqual(
      new ResponseHeaders().toBytes(),
      new Uint8Array([0x0d, 0x0a]),
    );
    const h = new ResponseHeaders([["A", "1"], ["\xC9", "\x80\xFF"]]);
    const bytes = h.toBytes();
    assert.ok(bytes.buffer instanceof ArrayBuffer);
    assert.deepEqual(
      bytes,
      new Uint8Array([
        ...[0x41, 0x3a, 0x20, 0x31, 0x0d, 0x0a],
        ...[0xc9, 0x3a, 0x20, 0x80, 0xff, 0x0d, 0x0a],
        ...[0x0d, 0x0a],
      ]),
    );
    const text = h.toString();
    assert.deepEqual(
      bytes,
      Uint8Array.from(text, (c) => c.charCodeAt(0)),
    );
  });

  test("toBytes() throws TypeError naming the header for a code point above U+00FF", () => {
    assert.throws(() => new ResponseHeaders([["X-Price", "5 €"]]).toBytes(), {
      name: "TypeError",
      message:
        'header "X-Price" has "€" (U+20AC) in its value, but headers must be ISO-8859-1 (U+0000 to U+00FF)',
    });
    assert.throws(() => new ResponseHeaders([["X-😀", "v"]]).toBytes(), {
      name: "TypeError",
      message:
        'header "X-😀" has "😀" (U+1F600) in its name, but headers must be ISO-8859-1 (U+0000 to U+00FF)',
    });
    assert.throws(
      () => new ResponseHeaders([["A", "\u0100"]]).toBytes(),
      TypeError,
    );
  });

  test("JSON.stringify() gives the pairs", () => {
    const h = new ResponseHeaders([["A", "1"], ["B", "2"]]);
    assert.equal(JSON.stringify(h), '[["A","1"],["B","2"]]');
  });
});

describe("checkHeaderName() and checkHeaderValue()", () => {
  test("return valid text unchanged", () => {
    assert.equal(checkHeaderName("Content-Type"), "Content-Type");
    assert.equal(checkHeaderName(""), "");
    assert.equal(checkHeaderName("\x80\xFF€"), "\x80\xFF€");
    assert.equal(checkHeaderValue("X", "a\tb"), "a\tb");
    assert.equal(checkHeaderValue("X", ""), "");
  });

  for (const c0 of CONTROL_CHARACTERS_C0) {
    test(
      `checkHeaderName() rejects ${show(c0)}; checkHeaderValue() ${
        c0 === "\t" ? "allows" : "rejects"
      } it`,
      () => {
        assert.throws(() => checkHeaderName(`a${c0}`), TypeError);
        if (c0 === "\t") {
          assert.equal(checkHeaderValue("X", `a${c0}`), `a${c0}`);
        } else {
          assert.throws(() => checkHeaderValue("X", `a${c0}`), TypeError);
        }
      },
    );
  }

  test("messages say what was wrong and name the header", () => {
    assert.throws(() => checkHeaderName(null), {
      name: "TypeError",
      message: "header name must be a string, got null",
    });
    assert.throws(() => checkHeaderName("X-Bad\r"), {
      name: "TypeError",
      message:
        'Control characters not allowed in headers: "X-Bad\\r" has "\\r" in its name',
    });
    assert.throws(() => checkHeaderValue("X", ["a"]), {
      name: "TypeError",
      message: 'header value for "X" must be a string, got array of length 1',
    });
    assert.throws(() => checkHeaderValue("X-Bad", "a\r\nb"), {
      name: "TypeError",
      message:
        'Control characters not allowed in headers: "X-Bad" has "\\r" in its value',
    });
  });
});
