// Copyright 2026 the wsgiref authors. MIT license.
/**
 * trustProxy(): werkzeug's ProxyFix cases (tests/middleware/test_proxy_fix.py)
 * ported, each header's count on its own, RFC 7239 `Forwarded`, spoofing,
 * a peer that is not trusted, and malformed values.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { trustProxy, type TrustProxyOptions } from "../proxy.ts";
import { toFetchHandler } from "../handlers.ts";
import { makeServer } from "../simple_server.ts";
import { validator } from "../validate.ts";
import { applicationUri, setupTestingDefaults } from "../util.ts";
import type { StartResponse, WSGIEnvironment } from "../types.ts";
import { exchange } from "./_helpers.ts";

const NOOP: StartResponse = () => async () => {};

/** The environ the app behind `trustProxy(options)` sees for `environ`. */
async function seen(
  options: TrustProxyOptions,
  environ: WSGIEnvironment,
): Promise<WSGIEnvironment> {
  let got: WSGIEnvironment | undefined;
  const app = trustProxy((env, startResponse) => {
    got = env;
    startResponse("204 No Content", []);
    return [];
  }, options);
  await app(environ, NOOP);
  assert.ok(got, "the app ran");
  return got;
}

/** A complete environ from a proxy on 127.0.0.1, `HTTP_HOST` only if given. */
function fromProxy(keys: Record<string, string>): WSGIEnvironment {
  const environ = setupTestingDefaults({
    REMOTE_ADDR: "127.0.0.1",
    REMOTE_PORT: "50000",
    SERVER_NAME: "localhost",
    ...keys,
  });
  if (!("HTTP_HOST" in keys)) delete environ.HTTP_HOST;
  return environ;
}

/** The CGI keys of an environ (what a test compares). */
function cgi(environ: WSGIEnvironment): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(environ).filter(([key]) => !key.includes(".")),
  );
}

/** werkzeug's keyword arguments as our options (its defaults: for and proto 1). */
function werkzeug(kwargs: Record<string, number>): TrustProxyOptions {
  const options: TrustProxyOptions = {
    trusted: ["192.168.0.0/24"],
    for: 1,
    proto: 1,
  };
  for (const [key, value] of Object.entries(kwargs)) {
    const name = key.slice(2) as "for" | "proto" | "host" | "port" | "prefix";
    options[name] = value;
  }
  return options;
}

describe("trustProxy() passes werkzeug's ProxyFix cases", () => {
  // [id, kwargs, environ, url_root]; each app asserts REMOTE_ADDR 192.168.0.1.
  const cases: Array<
    [string, Record<string, number>, Record<string, string>, string]
  > = [
    ["for", {}, {
      REMOTE_ADDR: "192.168.0.2",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: "192.168.0.1",
      HTTP_X_FORWARDED_PROTO: "https",
    }, "https://spam/"],
    ["proto", { x_proto: 1 }, {
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_PROTO: "https",
    }, "https://spam/"],
    ["host", { x_host: 1 }, {
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_HOST: "eggs",
    }, "http://eggs/"],
    ["port, host without port", { x_port: 1 }, {
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_PORT: "8080",
    }, "http://spam:8080/"],
    ["port, host with port", { x_port: 1 }, {
      HTTP_HOST: "spam:9000",
      HTTP_X_FORWARDED_PORT: "8080",
    }, "http://spam:8080/"],
    ["port, name", { x_port: 1 }, {
      SERVER_NAME: "spam",
      SERVER_PORT: "9000",
      HTTP_X_FORWARDED_PORT: "8080",
    }, "http://spam:8080/"],
    ["prefix", { x_prefix: 1 }, {
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_PREFIX: "/eggs",
    }, "http://spam/eggs/"],
    ["all", { x_for: 1, x_proto: 1, x_host: 1, x_port: 1, x_prefix: 1 }, {
      REMOTE_ADDR: "192.168.0.2",
      HTTP_HOST: "spam:9000",
      HTTP_X_FORWARDED_FOR: "192.168.0.1",
      HTTP_X_FORWARDED_PROTO: "https",
      HTTP_X_FORWARDED_HOST: "eggs",
      HTTP_X_FORWARDED_PORT: "443",
      HTTP_X_FORWARDED_PREFIX: "/ham",
    }, "https://eggs/ham/"],
    ["multiple for", { x_for: 2 }, {
      REMOTE_ADDR: "192.168.0.3",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: "192.168.0.1, 192.168.0.2",
    }, "http://spam/"],
    ["ignore 0", { x_for: 0 }, {
      REMOTE_ADDR: "192.168.0.1",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: "192.168.0.2",
    }, "http://spam/"],
    ["ignore len < trusted", { x_for: 3 }, {
      REMOTE_ADDR: "192.168.0.1",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: "192.168.0.3, 192.168.0.2",
    }, "http://spam/"],
    ["ignore untrusted", {}, {
      REMOTE_ADDR: "192.168.0.2",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: "192.168.0.3, 192.168.0.1",
    }, "http://spam/"],
    ["ignore empty", { x_for: 2 }, {
      REMOTE_ADDR: "192.168.0.1",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: ", 192.168.0.3",
    }, "http://spam/"],
    ["prefix < for", { x_for: 2, x_prefix: 1 }, {
      REMOTE_ADDR: "192.168.0.2",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: "192.168.0.1, 192.168.0.3",
      HTTP_X_FORWARDED_PREFIX: "/ham, /eggs",
    }, "http://spam/eggs/"],
    ["ipv6 host", { x_host: 1 }, {
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_HOST: "[2001:db8::a]",
    }, "http://[2001:db8::a]/"],
    ["ipv6 port, host without port", { x_port: 1 }, {
      HTTP_HOST: "[2001:db8::a]",
      HTTP_X_FORWARDED_PORT: "8080",
    }, "http://[2001:db8::a]:8080/"],
    ["ipv6 - port, host with port", { x_port: 1 }, {
      HTTP_HOST: "[2001:db8::a]:9000",
      HTTP_X_FORWARDED_PORT: "8080",
    }, "http://[2001:db8::a]:8080/"],
  ];
  for (const [id, kwargs, base, urlRoot] of cases) {
    test(`werkzeug case "${id}" gives ${urlRoot}`, async () => {
      const environ = await seen(
        werkzeug(kwargs),
        fromProxy({ REMOTE_ADDR: "192.168.0.1", ...base }),
      );
      assert.equal(environ.REMOTE_ADDR, "192.168.0.1");
      assert.equal(applicationUri(environ).replace(/\/?$/, "/"), urlRoot);
    });
  }
});

describe("trustProxy() reads each header with its own count", () => {
  // Two values in every header, so a count read from the wrong option shows.
  const headers = {
    HTTP_HOST: "spam",
    HTTP_X_FORWARDED_FOR: "203.0.113.1, 203.0.113.2",
    HTTP_X_FORWARDED_PROTO: "https, http",
    HTTP_X_FORWARDED_HOST: "far.example, near.example",
    HTTP_X_FORWARDED_PORT: "8001, 8002",
    HTTP_X_FORWARDED_PREFIX: "/far, /near",
  };
  const expected = {
    for: { REMOTE_ADDR: "203.0.113.1" },
    proto: {
      "wsgi.url_scheme": "https",
      HTTPS: "on",
      SERVER_NAME: "spam",
      SERVER_PORT: "443",
    },
    host: {
      HTTP_HOST: "far.example",
      SERVER_NAME: "far.example",
      SERVER_PORT: "80",
    },
    port: { HTTP_HOST: "spam:8001", SERVER_NAME: "spam", SERVER_PORT: "8001" },
    prefix: { SCRIPT_NAME: "/far" },
  };
  for (const [name, changes] of Object.entries(expected)) {
    test(`${name}: 2 changes only what X-Forwarded-${name} sets`, async () => {
      const before = fromProxy(headers);
      const want: Record<string, unknown> = {
        ...cgi(before),
        "wsgi.url_scheme": before["wsgi.url_scheme"],
        ...changes,
      };
      if (name === "for") delete want.REMOTE_PORT;
      const environ = await seen(
        { for: 0, proto: 0, host: 0, port: 0, prefix: 0, [name]: 2 },
        fromProxy(headers),
      );
      assert.deepEqual(
        { ...cgi(environ), "wsgi.url_scheme": environ["wsgi.url_scheme"] },
        want,
      );
    });
  }

  test("prefix: 1 with for: 2 takes the prefix's own last value", async () => {
    const environ = await seen({ for: 2, prefix: 1 }, fromProxy(headers));
    assert.equal(environ.SCRIPT_NAME, "/near");
    assert.equal(environ.REMOTE_ADDR, "203.0.113.1");
  });

  test("for: 1 with prefix: 2 takes the address's own last value", async () => {
    const environ = await seen({ for: 1, prefix: 2 }, fromProxy(headers));
    assert.equal(environ.REMOTE_ADDR, "203.0.113.2");
    assert.equal(environ.SCRIPT_NAME, "/far");
  });
});

describe("trustProxy() defaults", () => {
  test("trust loopback and for: 1 only: a forwarded proto is not believed", async () => {
    const environ = await seen(
      {},
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_X_FORWARDED_FOR: "203.0.113.7",
        HTTP_X_FORWARDED_PROTO: "https",
        HTTP_X_FORWARDED_HOST: "eggs",
        HTTP_X_FORWARDED_PORT: "8080",
        HTTP_X_FORWARDED_PREFIX: "/ham",
      }),
    );
    assert.equal(environ.REMOTE_ADDR, "203.0.113.7");
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal(environ.HTTP_HOST, "spam");
    assert.equal(environ.SERVER_PORT, "80");
    assert.equal(environ.SCRIPT_NAME, "");
  });

  for (const peer of ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"]) {
    test(`a peer at ${peer} is trusted by default`, async () => {
      const environ = await seen(
        {},
        fromProxy({ REMOTE_ADDR: peer, HTTP_X_FORWARDED_FOR: "203.0.113.7" }),
      );
      assert.equal(environ.REMOTE_ADDR, "203.0.113.7");
    });
  }

  for (const peer of ["128.0.0.1", "::2", "::ffff:10.0.0.1", "10.0.0.1"]) {
    test(`a peer at ${peer} is not trusted by default`, async () => {
      const environ = await seen(
        {},
        fromProxy({ REMOTE_ADDR: peer, HTTP_X_FORWARDED_FOR: "203.0.113.7" }),
      );
      assert.equal(environ.REMOTE_ADDR, peer);
    });
  }
});

describe("trustProxy() with a peer that is not trusted", () => {
  test("a request around the proxy changes nothing at all", async () => {
    const keys = {
      REMOTE_ADDR: "198.51.100.9",
      HTTP_HOST: "spam",
      HTTP_X_FORWARDED_FOR: "6.6.6.6",
      HTTP_X_FORWARDED_PROTO: "https",
      HTTP_X_FORWARDED_HOST: "evil.example",
      HTTP_X_FORWARDED_PORT: "444",
      HTTP_X_FORWARDED_PREFIX: "/evil",
      HTTP_FORWARDED: "for=6.6.6.6;proto=https;host=evil.example",
    };
    const all = { for: 1, proto: 1, host: 1, port: 1, prefix: 1 };
    for (const forwarded of [false, true]) {
      const before = fromProxy(keys);
      const environ = await seen({ ...all, forwarded }, fromProxy(keys));
      assert.deepEqual({ ...environ }, {
        ...before,
        "wsgi.input": environ["wsgi.input"],
        "wsgi.errors": environ["wsgi.errors"],
      });
      assert.equal("wsgiref.proxy.orig" in environ, false);
    }
  });

  test("a request with no REMOTE_ADDR changes nothing", async () => {
    const environ = fromProxy({ HTTP_X_FORWARDED_FOR: "6.6.6.6" });
    delete environ.REMOTE_ADDR;
    const after = await seen({}, environ);
    assert.equal(after.REMOTE_ADDR, undefined);
    assert.equal("wsgiref.proxy.orig" in after, false);
  });

  test("a REMOTE_ADDR that is not an address is not trusted", async () => {
    for (const peer of ["localhost", "", "127.0.0.1.5", "::1::"]) {
      const environ = await seen(
        { trusted: ["0.0.0.0/0", "::/0"] },
        fromProxy({ REMOTE_ADDR: peer, HTTP_X_FORWARDED_FOR: "6.6.6.6" }),
      );
      assert.equal(environ.REMOTE_ADDR, peer);
    }
  });
});

describe("trustProxy()'s trusted ranges", () => {
  const table: Array<[string[], string, boolean]> = [
    [["10.0.0.0/8"], "10.255.255.255", true],
    [["10.0.0.0/8"], "11.0.0.0", false],
    [["192.168.1.0/25"], "192.168.1.127", true],
    [["192.168.1.0/25"], "192.168.1.128", false],
    [["192.168.1.77"], "192.168.1.77", true],
    [["192.168.1.77"], "192.168.1.78", false],
    [["192.168.1.77"], "::ffff:192.168.1.77", true],
    [["::ffff:192.168.0.0/112"], "192.168.3.4", true],
    [["2001:db8::/32"], "2001:db8:ffff::1", true],
    [["2001:db8::/32"], "2001:db9::1", false],
    [["2001:db8::/33"], "2001:db8:7fff::1", true],
    [["2001:db8::/33"], "2001:db8:8000::1", false],
    [["fe80::/10"], "fe80::1%eth0", true],
    [["0.0.0.0/0"], "203.0.113.1", true],
    [["0.0.0.0/0"], "2001:db8::1", false],
    [["::/0"], "2001:db8::1", true],
    [["2001:db8:0:0:0:0:0:1"], "2001:db8::1", true],
    [["2001:db8::1.2.3.4"], "2001:db8::102:304", true],
    [[], "127.0.0.1", false],
  ];
  for (const [trusted, peer, believed] of table) {
    test(`${JSON.stringify(trusted)} ${believed ? "holds" : "does not hold"} ${peer}`, async () => {
      const environ = await seen(
        { trusted },
        fromProxy({ REMOTE_ADDR: peer, HTTP_X_FORWARDED_FOR: "203.0.113.7" }),
      );
      assert.equal(environ.REMOTE_ADDR, believed ? "203.0.113.7" : peer);
    });
  }

  test("an entry that is not an address or a range is a SyntaxError", () => {
    for (
      const entry of [
        "localhost",
        "10.0.0",
        "1.2.3.4.5",
        "01.2.3.4",
        "::1::",
        "1:2:3:4:5:6:7:8:9",
        "/8",
        "10.0.0.0/",
      ]
    ) {
      assert.throws(
        () => trustProxy(() => [], { trusted: [entry] }),
        entry === "10.0.0.0/" ? RangeError : SyntaxError,
        entry,
      );
    }
  });

  test("a prefix length too long is a RangeError", () => {
    assert.throws(
      () => trustProxy(() => [], { trusted: ["10.0.0.0/33"] }),
      {
        name: "RangeError",
        message:
          'the prefix length of "10.0.0.0/33" must be an integer from 0 to 32, got "33"',
      },
    );
    assert.throws(
      () => trustProxy(() => [], { trusted: ["::/129"] }),
      RangeError,
    );
  });

  test("trusted that is not an array of strings is a TypeError", () => {
    assert.throws(
      () =>
        trustProxy(() => [], {
          trusted: "127.0.0.1" as unknown as string[],
        }),
      TypeError,
    );
    assert.throws(
      () => trustProxy(() => [], { trusted: [1 as unknown as string] }),
      TypeError,
    );
  });

  test("a count that is not a non-negative integer is a RangeError", () => {
    for (const name of ["for", "proto", "host", "port", "prefix"]) {
      for (const value of [-1, 1.5, NaN, Infinity]) {
        assert.throws(
          () => trustProxy(() => [], { [name]: value }),
          {
            name: "RangeError",
            message: `${name} must be a non-negative integer, got ${value}`,
          },
        );
      }
    }
  });
});

describe("trustProxy() and spoofing", () => {
  test("a client's X-Forwarded-For before the proxy's is never believed", async () => {
    // nginx's $proxy_add_x_forwarded_for appends the peer to what the client sent.
    const environ = await seen(
      {},
      fromProxy({ HTTP_X_FORWARDED_FOR: "6.6.6.6, 203.0.113.7" }),
    );
    assert.equal(environ.REMOTE_ADDR, "203.0.113.7");
  });

  test("a client's malformed values left of the trusted hop are not read", async () => {
    const environ = await seen(
      { forwarded: true, for: 1, proto: 1, host: 1 },
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_FORWARDED:
          'for="6.6.6.6;proto=https, for=203.0.113.7;proto=http;host=eggs',
      }),
    );
    assert.equal(environ.REMOTE_ADDR, "203.0.113.7");
    assert.equal(environ.HTTP_HOST, "eggs");
    assert.equal(environ["wsgi.url_scheme"], "http");
  });

  test("Forwarded is ignored unless forwarded: true", async () => {
    const environ = await seen(
      { proto: 1, host: 1 },
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_X_FORWARDED_FOR: "203.0.113.7",
        HTTP_FORWARDED: "for=6.6.6.6;proto=https;host=evil.example",
      }),
    );
    assert.equal(environ.REMOTE_ADDR, "203.0.113.7");
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal(environ.HTTP_HOST, "spam");
  });

  test("X-Forwarded-For, -Proto and -Host are ignored when forwarded: true", async () => {
    const environ = await seen(
      { forwarded: true, proto: 1, host: 1 },
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_X_FORWARDED_FOR: "6.6.6.6",
        HTTP_X_FORWARDED_PROTO: "https",
        HTTP_X_FORWARDED_HOST: "evil.example",
        HTTP_FORWARDED: "for=203.0.113.7",
      }),
    );
    assert.equal(environ.REMOTE_ADDR, "203.0.113.7");
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal(environ.HTTP_HOST, "spam");
  });

  test("X-Forwarded-Port and -Prefix still count when forwarded: true", async () => {
    const environ = await seen(
      { forwarded: true, port: 1, prefix: 1 },
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_X_FORWARDED_PORT: "8080",
        HTTP_X_FORWARDED_PREFIX: "/ham",
        HTTP_FORWARDED: "for=203.0.113.7",
      }),
    );
    assert.equal(environ.HTTP_HOST, "spam:8080");
    assert.equal(environ.SCRIPT_NAME, "/ham");
  });

  test("through the fetch gateway, the app sees the proxy's client", async () => {
    const handler = toFetchHandler(
      trustProxy(
        validator((environ, startResponse) => {
          startResponse("200 OK", [["Content-Type", "text/plain"]]);
          return [
            new TextEncoder().encode(
              `${environ.REMOTE_ADDR} ${environ["wsgi.url_scheme"]} ${
                environ.REMOTE_PORT ?? "-"
              }`,
            ),
          ];
        }),
        { proto: 1 },
      ),
      { remoteAddr: { hostname: "127.0.0.1", port: 50000 } },
    );
    const response = await handler(
      new Request("http://localhost/", {
        headers: {
          "X-Forwarded-For": "6.6.6.6, 203.0.113.7",
          "X-Forwarded-Proto": "javascript, https",
        },
      }),
    );
    assert.equal(await response.text(), "203.0.113.7 https -");
  });
});

describe("trustProxy() under makeServer", () => {
  // The peer's address as this runtime's server gives it (Node may map it).
  for (const trusted of [["127.0.0.1"], ["::1"]]) {
    const believed = trusted[0] === "127.0.0.1";
    test(`a peer on 127.0.0.1 is ${believed ? "" : "not "}in ${trusted[0]}`, async () => {
      const httpd = makeServer(
        "127.0.0.1",
        0,
        trustProxy((environ, startResponse) => {
          startResponse("200 OK", [["Content-Type", "text/plain"]]);
          return [new TextEncoder().encode(`[${environ.REMOTE_ADDR}]`)];
        }, { trusted }),
        { quiet: true },
      );
      await httpd.ready();
      void httpd.serveForever();
      try {
        const raw = await exchange(
          httpd.serverPort,
          "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6, 203.0.113.7\r\nConnection: close\r\n\r\n",
        );
        assert.match(
          raw.toString("latin1"),
          believed ? /\[203\.0\.113\.7\]$/ : /\[(::ffff:)?127\.0\.0\.1\]$/,
        );
      } finally {
        await httpd.shutdown();
        httpd.serverClose();
      }
    });
  }
});

describe("trustProxy() reads RFC 7239 Forwarded", () => {
  const options: TrustProxyOptions = {
    forwarded: true,
    for: 1,
    proto: 1,
    host: 1,
  };
  const table: Array<[string, Record<string, string | undefined>]> = [
    ["for=192.0.2.60;proto=https;by=203.0.113.43", {
      REMOTE_ADDR: "192.0.2.60",
      REMOTE_PORT: undefined,
      "wsgi.url_scheme": "https",
    }],
    ['for="[2001:db8::1]:4711"', {
      REMOTE_ADDR: "2001:db8::1",
      REMOTE_PORT: "4711",
    }],
    ['for="[2001:db8:cafe::17]"', { REMOTE_ADDR: "2001:db8:cafe::17" }],
    ['for="192.0.2.43:47011"', {
      REMOTE_ADDR: "192.0.2.43",
      REMOTE_PORT: "47011",
    }],
    ["for=_hidden", { REMOTE_ADDR: "_hidden", REMOTE_PORT: undefined }],
    ['For="_gazonk"', { REMOTE_ADDR: "_gazonk" }],
    ["for=unknown", { REMOTE_ADDR: "unknown", REMOTE_PORT: undefined }],
    ['for="[2001:db8::1]:_port"', {
      REMOTE_ADDR: "2001:db8::1",
      REMOTE_PORT: undefined,
    }],
    ['host="eggs:8443"; proto=HTTPS', {
      HTTP_HOST: "eggs:8443",
      SERVER_NAME: "eggs",
      SERVER_PORT: "8443",
      "wsgi.url_scheme": "https",
      HTTPS: "on",
    }],
    ['host="[2001:db8::a]"', {
      HTTP_HOST: "[2001:db8::a]",
      SERVER_NAME: "[2001:db8::a]",
      SERVER_PORT: "80",
    }],
    ['host="e\\ggs"', { HTTP_HOST: "eggs" }],
    ["for=6.6.6.6, for=192.0.2.43", { REMOTE_ADDR: "192.0.2.43" }],
    ["for=6.6.6.6,for=192.0.2.43 , ", { REMOTE_ADDR: "127.0.0.1" }],
    [";for=192.0.2.43;;", { REMOTE_ADDR: "192.0.2.43" }],
  ];
  for (const [value, want] of table) {
    test(`Forwarded: ${value}`, async () => {
      const environ = await seen(
        options,
        fromProxy({ HTTP_HOST: "spam", HTTP_FORWARDED: value }),
      );
      for (const [key, expected] of Object.entries(want)) {
        assert.equal(environ[key], expected, key);
      }
    });
  }

  test("each parameter's count counts elements from the right", async () => {
    const environ = await seen(
      { forwarded: true, for: 2, proto: 1, host: 3 },
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_FORWARDED:
          "for=192.0.2.1;host=far.example, for=192.0.2.2;proto=https, for=127.0.0.1;proto=http",
      }),
    );
    assert.equal(environ.REMOTE_ADDR, "192.0.2.2");
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal(environ.HTTP_HOST, "far.example");
  });

  test("a quoted value's escaped quote does not end it", async () => {
    const environ = await seen(
      options,
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_FORWARDED: 'for=192.0.2.9;host="x\\";for=6.6.6.6"',
      }),
    );
    assert.equal(environ.REMOTE_ADDR, "192.0.2.9");
    assert.equal(environ.HTTP_HOST, "spam");
  });

  test("a malformed element ends the list: nothing left of it is read", async () => {
    const environ = await seen(
      { forwarded: true, for: 6 },
      fromProxy({ HTTP_FORWARDED: "for=192.0.2.1,for=" }),
    );
    assert.equal(environ.REMOTE_ADDR, "127.0.0.1");
  });

  test("an element without the parameter changes nothing", async () => {
    const environ = await seen(
      options,
      fromProxy({ HTTP_HOST: "spam", HTTP_FORWARDED: "proto=https" }),
    );
    assert.equal(environ.REMOTE_ADDR, "127.0.0.1");
    assert.equal(environ["wsgi.url_scheme"], "https");
  });

  const malformed = [
    "for=192.0.2.43:80", // a port needs quotes
    "for=[2001:db8::1]", // so do brackets
    'for="[2001:db8::1"',
    'for="[1.2.3.4]"',
    "for=1.1.1.1;for=2.2.2.2", // a repeated parameter
    "for=", // no value
    "=1.2.3.4",
    "for 1.2.3.4",
    'for="1.2.3.4',
    "for=1.2.3.4 x=y",
    "for=localhost",
    'for="203.0.113.7:0"',
    'for="203.0.113.7:65536"',
  ];
  for (const value of malformed) {
    test(`a malformed Forwarded: ${value} is not believed`, async () => {
      const environ = await seen(
        options,
        fromProxy({ HTTP_HOST: "spam", HTTP_FORWARDED: value }),
      );
      assert.equal(environ.REMOTE_ADDR, "127.0.0.1");
      assert.equal(environ.REMOTE_PORT, "50000");
    });
  }

  test("a malformed proto or host in Forwarded is not believed", async () => {
    for (const value of ["proto=ftp", 'host="a b"', 'host="evil/path"']) {
      const environ = await seen(
        options,
        fromProxy({ HTTP_HOST: "spam", HTTP_FORWARDED: value }),
      );
      assert.equal(environ["wsgi.url_scheme"], "http", value);
      assert.equal(environ.HTTP_HOST, "spam", value);
    }
  });
});

describe("trustProxy() ignores malformed X-Forwarded-* values", () => {
  const all = { for: 1, proto: 1, host: 1, port: 1, prefix: 1 };
  const table: Array<[string, string]> = [
    ["HTTP_X_FORWARDED_FOR", "not-an-address"],
    ["HTTP_X_FORWARDED_FOR", "256.1.1.1"],
    ["HTTP_X_FORWARDED_FOR", "1.2.3.4:99999"],
    ["HTTP_X_FORWARDED_FOR", "[1.2.3.4]"],
    ["HTTP_X_FORWARDED_FOR", "2001:db8::1::2"],
    ["HTTP_X_FORWARDED_FOR", "6.6.6.6,"],
    ["HTTP_X_FORWARDED_PROTO", "javascript"],
    ["HTTP_X_FORWARDED_PROTO", "https x"],
    ["HTTP_X_FORWARDED_HOST", "evil.example/path"],
    ["HTTP_X_FORWARDED_HOST", "user@evil.example"],
    ["HTTP_X_FORWARDED_HOST", "evil.example:99999"],
    ["HTTP_X_FORWARDED_HOST", "2001:db8::1"],
    ["HTTP_X_FORWARDED_PORT", "0"],
    ["HTTP_X_FORWARDED_PORT", "65536"],
    ["HTTP_X_FORWARDED_PORT", "80a"],
    ["HTTP_X_FORWARDED_PORT", "-1"],
    ["HTTP_X_FORWARDED_PORT", "   "],
    ["HTTP_X_FORWARDED_PREFIX", "ham"],
    ["HTTP_X_FORWARDED_PREFIX", "//evil.example"],
    ["HTTP_X_FORWARDED_PREFIX", "/a/../b"],
    ["HTTP_X_FORWARDED_PREFIX", "/a/%2e%2e"],
    ["HTTP_X_FORWARDED_PREFIX", "/a%2fb"],
    ["HTTP_X_FORWARDED_PREFIX", "/a?x=1"],
    ["HTTP_X_FORWARDED_PREFIX", "/a#x"],
    ["HTTP_X_FORWARDED_PREFIX", "/a b"],
  ];
  for (const [key, value] of table) {
    test(`${key}: ${JSON.stringify(value)} changes nothing`, async () => {
      const before = fromProxy({ HTTP_HOST: "spam", [key]: value });
      const environ = await seen(
        all,
        fromProxy({ HTTP_HOST: "spam", [key]: value }),
      );
      assert.deepEqual(cgi(environ), cgi(before));
      assert.equal(environ["wsgi.url_scheme"], "http");
    });
  }

  test("a bad host does not stop a good port", async () => {
    const environ = await seen(
      { host: 1, port: 1 },
      fromProxy({
        HTTP_HOST: "spam",
        HTTP_X_FORWARDED_HOST: "evil/path",
        HTTP_X_FORWARDED_PORT: "8080",
      }),
    );
    assert.equal(environ.HTTP_HOST, "spam:8080");
    assert.equal(environ.SERVER_PORT, "8080");
  });
});

describe("trustProxy() sets the public origin", () => {
  test("X-Forwarded-Proto: https sets HTTPS and the default port", async () => {
    const environ = await seen(
      { proto: 1 },
      fromProxy({ HTTP_HOST: "example.com", HTTP_X_FORWARDED_PROTO: "HTTPS" }),
    );
    assert.equal(environ["wsgi.url_scheme"], "https");
    assert.equal(environ.HTTPS, "on");
    assert.equal(environ.SERVER_NAME, "example.com");
    assert.equal(environ.SERVER_PORT, "443");
  });

  test("X-Forwarded-Proto: http removes HTTPS", async () => {
    const environ = await seen(
      { proto: 1 },
      fromProxy({
        HTTPS: "on",
        HTTP_HOST: "example.com",
        HTTP_X_FORWARDED_PROTO: "http",
      }),
    );
    assert.equal(environ["wsgi.url_scheme"], "http");
    assert.equal("HTTPS" in environ, false);
    assert.equal(environ.SERVER_PORT, "80");
  });

  test("a forwarded port equal to the scheme's default leaves HTTP_HOST without one", async () => {
    const environ = await seen(
      { proto: 1, port: 1 },
      fromProxy({
        HTTP_HOST: "example.com:8000",
        HTTP_X_FORWARDED_PROTO: "https",
        HTTP_X_FORWARDED_PORT: "443",
      }),
    );
    assert.equal(environ.HTTP_HOST, "example.com");
    assert.equal(environ.SERVER_PORT, "443");
  });

  test("a forwarded prefix is decoded as SCRIPT_NAME, without a trailing slash", async () => {
    for (
      const [value, want] of [
        ["/ham/", "/ham"],
        ["/", ""],
        ["/caf%C3%A9/x", "/caf\xc3\xa9/x"],
      ]
    ) {
      const environ = await seen(
        { prefix: 1 },
        fromProxy({ HTTP_X_FORWARDED_PREFIX: value }),
      );
      assert.equal(environ.SCRIPT_NAME, want, value);
    }
  });

  test("a for with a port sets REMOTE_PORT; without one, REMOTE_PORT goes", async () => {
    for (
      const [value, addr, port] of [
        ["203.0.113.7:4711", "203.0.113.7", "4711"],
        ["[2001:db8::1]:4711", "2001:db8::1", "4711"],
        ["2001:db8::1", "2001:db8::1", undefined],
        ["203.0.113.7", "203.0.113.7", undefined],
      ]
    ) {
      const environ = await seen(
        {},
        fromProxy({ HTTP_X_FORWARDED_FOR: value as string }),
      );
      assert.equal(environ.REMOTE_ADDR, addr, value);
      assert.equal(environ.REMOTE_PORT, port, value);
    }
  });

  test("the originals are kept under wsgiref.proxy.orig", async () => {
    const environ = await seen(
      { for: 1, proto: 1, host: 1, prefix: 1 },
      fromProxy({
        SCRIPT_NAME: "/app",
        HTTP_HOST: "127.0.0.1:8000",
        SERVER_PORT: "8000",
        HTTP_X_FORWARDED_FOR: "203.0.113.7",
        HTTP_X_FORWARDED_PROTO: "https",
        HTTP_X_FORWARDED_HOST: "example.com",
        HTTP_X_FORWARDED_PREFIX: "/public",
      }),
    );
    assert.deepEqual(environ["wsgiref.proxy.orig"], {
      REMOTE_ADDR: "127.0.0.1",
      REMOTE_PORT: "50000",
      "wsgi.url_scheme": "http",
      HTTPS: undefined,
      HTTP_HOST: "127.0.0.1:8000",
      SERVER_NAME: "localhost",
      SERVER_PORT: "8000",
      SCRIPT_NAME: "/app",
    });
    assert.equal(applicationUri(environ), "https://example.com/public");
    assert.equal(environ.SERVER_NAME, "example.com");
    assert.equal(environ.SERVER_PORT, "443");
  });

  test("a trusted peer gets wsgiref.proxy.orig even with no forwarded header", async () => {
    const environ = await seen({}, fromProxy({}));
    assert.equal(
      (environ["wsgiref.proxy.orig"] as Record<string, string>).REMOTE_ADDR,
      "127.0.0.1",
    );
    assert.equal(environ.REMOTE_PORT, "50000");
  });
});
