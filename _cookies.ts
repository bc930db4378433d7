// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The test client's cookie jar: `Set-Cookie` stored and `Cookie` built by
 * the user-agent rules of RFC 6265 section 5 (domain-match, path-match,
 * expiry, `Secure` only over https, `HttpOnly` kept and sent). Public
 * through `testing.ts`.
 *
 * @module
 */

import { TOKEN_REGEXP } from "./_http.ts";

/** One stored cookie (RFC 6265 5.3). */
export interface Cookie {
  /** The cookie's name. */
  name: string;
  /** The cookie's value, as the server sent it. */
  value: string;
  /** The host (host-only) or the domain it is sent to: lower-case, no leading dot. */
  domain: string;
  /** Sent to `domain` alone (no `Domain` attribute), not to its subdomains. */
  hostOnly: boolean;
  /** Sent for this path and the paths under it. */
  path: string;
  /** When it expires, in milliseconds since the epoch; `undefined` for a session cookie. */
  expires: number | undefined;
  /** Sent over https only. */
  secure: boolean;
  /** Not for scripts; the test client still sends it, as a browser does. */
  httpOnly: boolean;
}

/** Options of {@linkcode CookieJar}. */
export interface CookieJarOptions {
  /**
   * The clock, in milliseconds since the epoch (a test moves it to expire
   * cookies).
   * @default {Date.now}
   */
  now?: () => number;
}

/** Where a cookie lives, for {@linkcode CookieJar.get} and `delete`. */
export interface CookieScope {
  /** The cookie's domain (or host). @default {"localhost"} */
  domain?: string;
  /** The cookie's path. @default {"/"} */
  path?: string;
}

/** A cookie set by hand: {@linkcode CookieJar.set}. */
export interface CookieInit extends CookieScope {
  /** A domain cookie (sent to subdomains too) rather than a host-only one. @default {false} */
  includeSubdomains?: boolean;
  /** Expiry, as a `Date` or milliseconds since the epoch. @default {a session cookie} */
  expires?: Date | number;
  /** Sent over https only. @default {false} */
  secure?: boolean;
  /** The `HttpOnly` flag. @default {false} */
  httpOnly?: boolean;
}

// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x1F\x7F;]/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether `host` domain-matches `domain` (RFC 6265 5.1.3). */
function domainMatch(host: string, domain: string): boolean {
  return host === domain ||
    (host.endsWith("." + domain) && !IPV4.test(host) && !host.startsWith("["));
}

/** Whether `path` path-matches `cookiePath` (RFC 6265 5.1.4). */
function pathMatch(path: string, cookiePath: string): boolean {
  return path === cookiePath ||
    (path.startsWith(cookiePath) &&
      (cookiePath.endsWith("/") || path.charCodeAt(cookiePath.length) === 47));
}

/** The default path of a request path (RFC 6265 5.1.4): its directory. */
function defaultPath(path: string): string {
  const last = path.lastIndexOf("/");
  return !path.startsWith("/") || last <= 0 ? "/" : path.slice(0, last);
}

/**
 * A cookie jar with a browser's rules (RFC 6265): the test client keeps
 * one across requests. `store` takes a `Set-Cookie` field received from a
 * URL; `header` gives the `Cookie` field for a URL.
 *
 * Not checked: public suffixes (`Domain=com` is refused only when the host
 * does not end with it), and RFC 6265bis' `SameSite` and cookie prefixes.
 *
 * @example Usage
 * ```ts
 * import { CookieJar } from "@wsgi/wsgiref/testing";
 * import assert from "node:assert/strict";
 *
 * const jar = new CookieJar();
 * jar.store("sid=1; Path=/app; HttpOnly", "http://example.com/app/login");
 * jar.store("theme=dark; Domain=example.com", "http://example.com/");
 * assert.equal(jar.header("http://www.example.com/app/x"), "theme=dark");
 * assert.equal(jar.header("http://example.com/app/x"), "sid=1; theme=dark");
 * jar.store("sid=; Path=/app; Max-Age=0", "http://example.com/app");
 * assert.equal(jar.get("sid", { domain: "example.com", path: "/app" }), undefined);
 * ```
 */
export class CookieJar implements Iterable<Cookie> {
  /** In creation order: a replaced cookie keeps its place (RFC 6265 5.3). */
  #cookies: Cookie[] = [];
  #now: () => number;

  /**
   * Makes an empty jar.
   *
   * @param options `now`: the clock.
   */
  constructor(options: CookieJarOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** How many cookies are stored (expired ones included until next used). */
  get size(): number {
    return this.#cookies.length;
  }

  /** Iterates over the stored cookies that have not expired, oldest first. */
  [Symbol.iterator](): Iterator<Cookie> {
    this.#purge();
    return this.#cookies.values();
  }

  /**
   * Stores the cookie of one `Set-Cookie` field value received from `url`,
   * or deletes the stored one it expires (RFC 6265 5.2 and 5.3).
   *
   * @param setCookie One `Set-Cookie` field value.
   * @param url The URL of the request that received it.
   * @returns The cookie stored, or `undefined` when the field is ignored
   *   (no `=`, an empty name, a `Domain` the host does not match) or
   *   expires the cookie.
   */
  store(setCookie: string, url: string | URL): Cookie | undefined {
    const where = new URL(url);
    const host = where.hostname.toLowerCase();
    const [pair, ...attributes] = setCookie.split(";");
    const equals = pair.indexOf("=");
    if (equals === -1) return undefined;
    const name = pair.slice(0, equals).trim();
    if (name === "") return undefined;
    const cookie: Cookie = {
      name,
      value: pair.slice(equals + 1).trim(),
      domain: host,
      hostOnly: true,
      path: defaultPath(where.pathname),
      expires: undefined,
      secure: false,
      httpOnly: false,
    };
    let maxAge: number | undefined;
    let expires: number | undefined;
    let domain = "";
    for (const attribute of attributes) {
      const at = attribute.indexOf("=");
      const key = (at === -1 ? attribute : attribute.slice(0, at)).trim()
        .toLowerCase();
      const value = at === -1 ? "" : attribute.slice(at + 1).trim();
      if (key === "expires") {
        const time = Date.parse(value);
        if (!Number.isNaN(time)) expires = time;
      } else if (key === "max-age") {
        if (/^-?\d+$/.test(value)) {
          const seconds = Number(value);
          maxAge = seconds <= 0 ? -Infinity : this.#now() + seconds * 1000;
        }
      } else if (key === "domain") {
        if (value !== "") domain = value.replace(/^\./, "").toLowerCase();
      } else if (key === "path") {
        cookie.path = value.startsWith("/")
          ? value
          : defaultPath(where.pathname);
      } else if (key === "secure") {
        cookie.secure = true;
      } else if (key === "httponly") {
        cookie.httpOnly = true;
      }
    }
    if (domain !== "") {
      if (!domainMatch(host, domain)) return undefined;
      cookie.domain = domain;
      cookie.hostOnly = false;
    }
    // Max-Age wins over Expires, in whichever order they came.
    cookie.expires = maxAge ?? expires;
    return this.#put(cookie);
  }

  /**
   * The `Cookie` field for a request to `url`: the cookies whose domain and
   * path match, `Secure` ones only for https, longest path first, then
   * oldest first (RFC 6265 5.4).
   *
   * @param url The request's URL.
   * @returns The field value; `""` when no cookie matches.
   */
  header(url: string | URL): string {
    const where = new URL(url);
    const host = where.hostname.toLowerCase();
    const https = where.protocol === "https:";
    this.#purge();
    return this.#cookies
      .filter((cookie) =>
        (cookie.hostOnly
          ? host === cookie.domain
          : domainMatch(host, cookie.domain)) &&
        pathMatch(where.pathname, cookie.path) &&
        (https || !cookie.secure)
      )
      // A stable sort: equal paths keep creation order.
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join("; ");
  }

  /**
   * The stored cookie named `name` in a scope, if it has not expired.
   *
   * @param name The cookie's name.
   * @param scope `domain` (default `"localhost"`) and `path` (default `"/"`).
   * @returns The cookie, or `undefined`.
   */
  get(name: string, scope: CookieScope = {}): Cookie | undefined {
    this.#purge();
    const domain = (scope.domain ?? "localhost").toLowerCase();
    const path = scope.path ?? "/";
    return this.#cookies.find((c) =>
      c.name === name && c.domain === domain && c.path === path
    );
  }

  /**
   * Stores a cookie by hand, as if a server had set it.
   *
   * @param name The cookie's name: an HTTP token.
   * @param value Its value: no control characters, no `;`.
   * @param init `domain` (default `"localhost"`), `path` (default `"/"`),
   *   `includeSubdomains`, `expires`, `secure`, `httpOnly`.
   * @returns The cookie stored.
   * @throws {TypeError} If the name is not a token or the value holds a
   *   control character or `;`.
   */
  set(name: string, value: string, init: CookieInit = {}): Cookie {
    if (!TOKEN_REGEXP.test(name)) {
      throw new TypeError(
        `a cookie name must be an HTTP token, got ${JSON.stringify(name)}`,
      );
    }
    if (BAD_VALUE.test(value)) {
      throw new TypeError(
        `a cookie value must hold no control character or ";", got ${
          JSON.stringify(value)
        }`,
      );
    }
    const expires = init.expires;
    return this.#put({
      name,
      value,
      domain: (init.domain ?? "localhost").replace(/^\./, "").toLowerCase(),
      hostOnly: !init.includeSubdomains,
      path: init.path ?? "/",
      expires: expires instanceof Date ? expires.getTime() : expires,
      secure: init.secure ?? false,
      httpOnly: init.httpOnly ?? false,
    })!;
  }

  /**
   * Deletes the cookie named `name` in a scope.
   *
   * @param name The cookie's name.
   * @param scope `domain` (default `"localhost"`) and `path` (default `"/"`).
   * @returns Whether there was one.
   */
  delete(name: string, scope: CookieScope = {}): boolean {
    const found = this.get(name, scope);
    if (found !== undefined) {
      this.#cookies.splice(this.#cookies.indexOf(found), 1);
    }
    return found !== undefined;
  }

  /** Deletes every cookie. */
  clear(): void {
    this.#cookies = [];
  }

  /** Replaces the cookie of the same name, domain and path, or adds it. */
  #put(cookie: Cookie): Cookie | undefined {
    const old = this.#cookies.findIndex((c) =>
      c.name === cookie.name && c.domain === cookie.domain &&
      c.path === cookie.path
    );
    const expired = cookie.expires !== undefined &&
      cookie.expires <= this.#now();
    if (expired) {
      if (old !== -1) this.#cookies.splice(old, 1);
      return undefined;
    }
    if (old === -1) this.#cookies.push(cookie);
    else this.#cookies[old] = cookie;
    return cookie;
  }

  #purge(): void {
    const now = this.#now();
    this.#cookies = this.#cookies.filter((c) =>
      c.expires === undefined || c.expires > now
    );
  }
}
