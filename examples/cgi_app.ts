// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A WSGI app served as a CGI script by `CGIHandler`: the server starts the
 * script once per request, with the request in environment variables and the
 * body on standard input; the script writes `Status:`, the headers and the
 * body to standard output, and its errors to standard error (the server's
 * error log).
 *
 * | request                    | answer                                                   |
 * | -------------------------- | -------------------------------------------------------- |
 * | `GET /missing`             | the app's own `404 Not Found`                            |
 * | `GET /boom`                | the app throws: the 500 page; the stack goes to the log  |
 * | `POST` anywhere            | the body, byte for byte, with the request's Content-Type |
 * | `GET /echo?a=1`, any other | `REQUEST_METHOD`, `PATH_INFO`, `QUERY_STRING` as text    |
 * | `GET /caf%C3%A9`           | `PATH_INFO: /café`: UTF-8 in, the same UTF-8 out         |
 *
 * A server runs it through `cgi_app.cgi`, which finds the repository's Deno.
 * By hand:
 *
 * ```sh
 * REQUEST_METHOD=GET PATH_INFO=/echo QUERY_STRING=a=1 SERVER_PROTOCOL=HTTP/1.1 \
 *   deno run --allow-env examples/cgi_app.ts
 * ```
 *
 * `cgi_iis_app.ts` serves the same app under `IISCGIHandler`.
 *
 * @module
 */

import {
  CGIHandler,
  type ResponseBody,
  type StartResponse,
  type WSGIEnvironment,
} from "../handlers.ts";

/**
 * PEP 3333 strings hold bytes, one code point (0–255) per byte: a UTF-8 path
 * `/café` arrives as `"/cafÃ©"`. Turning each code point back into its byte
 * gives the client exactly the bytes the server received.
 */
function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

// One header list for every text answer: startResponse copies it.
const TEXT: Array<[string, string]> = [
  ["Content-Type", "text/plain; charset=utf-8"],
];

/** The app: a WSGI callable, as a server or a test would call it. */
export async function app(
  environ: WSGIEnvironment,
  startResponse: StartResponse,
): Promise<ResponseBody> {
  const path = environ.PATH_INFO ?? ""; // a server may leave out an empty one
  if (path === "/boom") {
    // The client gets only the handler's "500 Internal Server Error" page;
    // the stack goes to wsgi.errors, which CGIHandler writes to stderr.
    throw new Error("the /boom route fails on purpose");
  }
  if (path === "/missing") {
    startResponse("404 Not Found", TEXT);
    return [bytes(`Not Found: ${path}\n`)];
  }
  if (environ.REQUEST_METHOD === "POST") {
    const body = await environ["wsgi.input"].read();
    const type = environ.CONTENT_TYPE || "application/octet-stream";
    startResponse("200 OK", [["Content-Type", type]]);
    return [body];
  }
  const text = ["REQUEST_METHOD", "PATH_INFO", "QUERY_STRING"]
    .map((key) => `${key}: ${environ[key] ?? ""}\n`).join("");
  startResponse("200 OK", TEXT);
  return [bytes(text)];
}

if (import.meta.main) {
  await new CGIHandler().run(app);
}
