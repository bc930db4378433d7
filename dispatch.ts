// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Mounting apps under path prefixes, as werkzeug's `DispatcherMiddleware`:
 * `dispatch({ "/": site, "/api": api })` is one WSGI app that hands each
 * request to the app mounted at the longest prefix of its `PATH_INFO`, and
 * moves that prefix from `PATH_INFO` to the end of `SCRIPT_NAME`, so the
 * mounted app sees its own paths and `applicationUri` still names it.
 *
 * Prefixes match whole segments: `/api` takes `/api` and `/api/users`, never
 * `/apix`. A request no prefix takes goes to the app mounted at `/`, or
 * gets `404 Not Found` when there is none.
 *
 * @example Usage
 * ```ts
 * import { dispatch } from "@wsgi/wsgiref/dispatch";
 * import type { WSGIApplication } from "@wsgi/wsgiref/types";
 * import { toFetchHandler } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * const where: WSGIApplication = (environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(`${environ.SCRIPT_NAME}|${environ.PATH_INFO}`)];
 * };
 * const fetch = toFetchHandler(dispatch({ "/api": where, "/api/v2": where }));
 *
 * const text = async (path: string) =>
 *   (await fetch(new Request(`http://localhost${path}`))).text();
 * assert.equal(await text("/api/v2/users"), "/api/v2|/users");
 * assert.equal(await text("/api/v1"), "/api|/v1");
 * assert.equal((await fetch(new Request("http://localhost/apix"))).status, 404);
 * ```
 *
 * @module
 */

import type { WSGIApplication, WSGIEnvironment } from "./types.ts";
import { notFound } from "./_http.ts";

/** The apps to mount, by prefix: `"/"` or `""` for the root, else `/name…`. */
export type Mounts = Readonly<Record<string, WSGIApplication>>;

/**
 * One WSGI app that hands each request to the app mounted at the longest
 * prefix of its `PATH_INFO`, moving the prefix to `SCRIPT_NAME`.
 *
 * A prefix starts with `/` and does not end with one (`"/api"`); `"/"` (or
 * `""`) mounts the app that gets every request no other prefix takes,
 * unchanged. Without one, such a request gets `404 Not Found`. Matching is on
 * whole segments of the decoded `PATH_INFO`, and the environ is changed in
 * place, as every WSGI middleware that mounts apps does.
 *
 * @param mounts The apps, by prefix.
 * @returns The dispatching app.
 * @throws {TypeError} If a mounted value is not a function.
 * @throws {RangeError} If a prefix does not start with `/`, or ends with `/`.
 *
 * @example Usage
 * ```ts
 * import { dispatch } from "@wsgi/wsgiref/dispatch";
 * import type { WSGIApplication } from "@wsgi/wsgiref/types";
 * import { setupTestingDefaults } from "@wsgi/wsgiref/util";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const app = (name: string): WSGIApplication => (environ) => {
 *   seen.push(`${name} ${environ.SCRIPT_NAME} ${environ.PATH_INFO}`);
 *   return [];
 * };
 * const site = dispatch({ "/": app("root"), "/static": app("files") });
 * const request = (path: string) =>
 *   site(
 *     setupTestingDefaults({ SCRIPT_NAME: "/shop", PATH_INFO: path }),
 *     () => async () => {},
 *   );
 *
 * request("/static/a.css");
 * request("/staticx");
 * assert.deepEqual(seen, ["files /shop/static /a.css", "root /shop /staticx"]);
 * ```
 */
export function dispatch(mounts: Mounts): WSGIApplication {
  const apps = new Map<string, WSGIApplication>();
  let root: WSGIApplication = notFound;
  for (const [prefix, app] of Object.entries(mounts)) {
    if (typeof app !== "function") {
      throw new TypeError(
        `dispatch() needs a WSGI application for ${
          JSON.stringify(prefix)
        }, got ${app === null ? "null" : typeof app}`,
      );
    }
    if (prefix === "/" || prefix === "") {
      root = app;
    } else if (!prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new RangeError(
        `dispatch() prefixes must be "/" or start with "/" and not end with "/" (as "/api"), got ${
          JSON.stringify(prefix)
        }`,
      );
    } else {
      apps.set(prefix, app);
    }
  }
  return (environ, startResponse) => {
    const path = typeof environ.PATH_INFO === "string" ? environ.PATH_INFO : "";
    // Longest first: the path itself, then each shorter "/"-bounded prefix.
    for (let end = path.length; end > 0; end = path.lastIndexOf("/", end - 1)) {
      const prefix = end === path.length ? path : path.slice(0, end);
      const app = apps.get(prefix);
      if (app !== undefined) {
        mount(environ, prefix, path.slice(end));
        return app(environ, startResponse);
      }
    }
    return root(environ, startResponse);
  };
}

function mount(environ: WSGIEnvironment, prefix: string, rest: string): void {
  const scriptName = environ.SCRIPT_NAME;
  environ.SCRIPT_NAME = (typeof scriptName === "string" ? scriptName : "") +
    prefix;
  environ.PATH_INFO = rest;
}
