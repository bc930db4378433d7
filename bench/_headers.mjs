// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The request headers a browser sends, for the benchmarks' `headers` case
 * (wrk alone sends only `Host`), for the Deno and the Node drivers alike.
 *
 * @module
 */

/** A browser's request headers, by name. */
/** @type {Readonly<Record<string, string>>} */
export const BROWSER_HEADERS = {
  "User-Agent":
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language": "en-US,en;q=0.5",
  "Accept-Encoding": "gzip, deflate, br",
  "Cookie": "session=0123456789abcdef; theme=dark",
  "Referer": "http://127.0.0.1/index.html",
  "Upgrade-Insecure-Requests": "1",
  "Cache-Control": "max-age=0",
};
