// Copyright 2026 the wsgiref authors. MIT license.
/**
 * "Serve the current directory", done right: a WSGI app that serves the
 * files under one root directory and nothing else.
 *
 * ```sh
 * deno run --allow-net --allow-read examples/static_files.ts [port]
 * ```
 *
 * serves the current directory on http://127.0.0.1:8000/ (or the port
 * given). In a program of your own, `staticFiles(root)` makes the app:
 *
 * | request                                                   | answer                                                     |
 * | --------------------------------------------------------- | ---------------------------------------------------------- |
 * | `GET`/`HEAD` of a regular file                            | `200`, its bytes as a `FileWrapper` body                   |
 * | a directory, with a trailing `/`                          | its `index.html`, else `404`                               |
 * | a directory without the `/`                               | `301` to `./name/` when it has an `index.html`, else `404` |
 * | a missing file, a dotfile (`.git`, `.env`)                | `404`                                                      |
 * | a symlink that leads out of the root                      | `404`, as if it were not there                             |
 * | `..` or `.` segments (decoded), `\`, NUL, `C:`, bad UTF-8 | `400`                                                      |
 * | any other method                                          | `405` with `Allow: GET, HEAD`                              |
 *
 * `Content-Type` comes from the file name, by the `mime` package (its
 * standard types; `application/octet-stream` when it knows none), with no
 * charset added: a text file's encoding is not known. `Content-Length` is
 * the size of the opened file; a file that grows meanwhile is cut at that
 * size. The body is `environ["wsgi.file_wrapper"]` (or a `FileWrapper`)
 * over the open `Deno.FsFile`: the server streams it with backpressure and
 * closes the file when the response ends, whether the client read it all or
 * hung up.
 *
 * How a path stays inside the root: the server hands `PATH_INFO` already
 * percent-decoded (`%2e%2e` is `..`, `%2f` is `/`, `%5c` is `\`). This
 * package's servers resolve `/../` and `/%2e%2e/` as the URL parser does,
 * but no parser resolves `..%2f`, and other servers (Python's
 * `simple_server`, a CGI server) resolve nothing, so the app relies on none
 * of it. Every check is on the decoded bytes, and nothing is decoded twice.
 * The path is split on `/` and each segment must be a plain name: `..` and
 * `.`, a backslash (a separator on Windows), NUL, and a drive letter are
 * refused; the segments are then joined under the root, never resolved on
 * their own, so `//etc/passwd` means `ROOT/etc/passwd`. Last, the result
 * goes through `Deno.realPath` and must still lie under the root's own real
 * path, which catches symlinks (and junctions) that lead out. The file
 * opened is that real path; a symlink swapped in after the check (a race
 * with someone who can write under the root) is out of scope.
 *
 * @module
 */

import mime from "npm:mime@4.1.2";
import { join, relative, sep } from "node:path";
import type {
  ResponseBody,
  StartResponse,
  WSGIApplication,
  WSGIEnvironment,
} from "../types.ts";
import { FileWrapper } from "../util.ts";
import { makeServer } from "../simple_server.ts";

/** Options of `staticFiles`. */
export interface StaticFilesOptions {
  /** The file a directory serves, or `false` for none. @default {"index.html"} */
  index?: string | false;
  /** Serve names that begin with `.` (`.env`, `.git/`…). @default {false} */
  dotfiles?: boolean;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });
const WINDOWS = Deno.build.os === "windows";
const TEXT: Array<[string, string]> = [
  ["Content-Type", "text/plain; charset=utf-8"],
];

/** A drive letter (`C:`): refused in any segment (Windows also refuses any `:`). */
const DRIVE = /^[A-Za-z]:/;

function plain(
  startResponse: StartResponse,
  status: string,
  extra: Array<[string, string]> = [],
): ResponseBody {
  startResponse(status, [...TEXT, ...extra]);
  return [encoder.encode(status.slice(4) + "\n")];
}

/**
 * The decoded path's segments, as UTF-8 names, or `undefined` if the path
 * is malformed (a `..` or `.` segment, `\`, NUL, a drive letter, bytes that
 * are not UTF-8). Empty segments (`//`) are dropped.
 */
function segmentsOf(pathInfo: string): string[] | undefined {
  // PEP 3333: one code point per byte. Back to the bytes, then UTF-8.
  const bytes = new Uint8Array(pathInfo.length);
  for (let i = 0; i < pathInfo.length; i++) {
    const code = pathInfo.charCodeAt(i);
    if (code > 0xff) return undefined;
    bytes[i] = code;
  }
  let path: string;
  try {
    path = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (path.includes("\0") || path.includes("\\")) return undefined;
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "") continue;
    if (segment === "." || segment === "..") return undefined;
    if (DRIVE.test(segment) || (WINDOWS && segment.includes(":"))) {
      return undefined;
    }
    segments.push(segment);
  }
  return segments;
}

/** OS errors that mean "nothing to serve here", by their `code`. */
const NOT_FOUND_CODES = new Set([
  "ENOENT",
  "ENOTDIR",
  "ENAMETOOLONG",
  "ELOOP",
  "EACCES",
]);

function isNotFound(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound ||
    error instanceof Deno.errors.NotADirectory ||
    error instanceof Deno.errors.FilesystemLoop ||
    error instanceof Deno.errors.PermissionDenied ||
    NOT_FOUND_CODES.has((error as { code?: string })?.code ?? "");
}

/**
 * Makes a WSGI app that serves the files under `root` (see the module
 * doc for every rule).
 *
 * @param root The directory to serve; it must exist.
 * @param options `index`, `dotfiles`.
 * @returns The app.
 * @throws {Deno.errors.NotFound} If `root` does not exist.
 * @throws {TypeError} If `root` is not a directory.
 */
export function staticFiles(
  root: string,
  options: StaticFilesOptions = {},
): WSGIApplication {
  const rootReal = Deno.realPathSync(root);
  if (!Deno.statSync(rootReal).isDirectory) {
    throw new TypeError(`root must be a directory, got ${root}`);
  }
  const prefix = rootReal.endsWith(sep) ? rootReal : rootReal + sep;
  const index = options.index ?? "index.html";
  const dotfiles = options.dotfiles ?? false;

  /** Whether `real` lies under the root, and shows no dotfile if refused. */
  function allowed(real: string): boolean {
    if (real !== rootReal && !real.startsWith(prefix)) return false;
    if (dotfiles) return true;
    return !relative(rootReal, real).split(sep).some((s) => s.startsWith("."));
  }

  /** The real path of `path` if it is allowed, else `undefined`. */
  async function resolve(path: string): Promise<string | undefined> {
    try {
      const real = await Deno.realPath(path);
      return allowed(real) ? real : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  return async function serveStatic(
    environ: WSGIEnvironment,
    startResponse: StartResponse,
  ): Promise<ResponseBody> {
    const method = environ.REQUEST_METHOD;
    if (method !== "GET" && method !== "HEAD") {
      return plain(startResponse, "405 Method Not Allowed", [
        ["Allow", "GET, HEAD"],
      ]);
    }
    const pathInfo = environ.PATH_INFO || "/";
    const segments = segmentsOf(pathInfo);
    if (segments === undefined) return plain(startResponse, "400 Bad Request");
    if (!dotfiles && segments.some((s) => s.startsWith("."))) {
      return plain(startResponse, "404 Not Found");
    }

    let real = await resolve(join(rootReal, ...segments));
    if (real === undefined) return plain(startResponse, "404 Not Found");
    let info = await Deno.stat(real);
    if (info.isDirectory) {
      const page = index === false
        ? undefined
        : await resolve(join(real, index));
      const pageInfo = page === undefined ? undefined : await Deno.stat(page);
      if (page === undefined || !pageInfo!.isFile) {
        return plain(startResponse, "404 Not Found");
      }
      if (!pathInfo.endsWith("/")) {
        // Relative, so no host and no `//` can steer it elsewhere.
        const name = encodeURIComponent(segments.at(-1) ?? "");
        return plain(startResponse, "301 Moved Permanently", [
          ["Location", `./${name}/`],
        ]);
      }
      [real, info] = [page, pageInfo!];
    }
    if (!info.isFile) return plain(startResponse, "404 Not Found");

    const headers: Array<[string, string]> = [
      ["Content-Type", mime.getType(real) ?? "application/octet-stream"],
      ["X-Content-Type-Options", "nosniff"],
    ];
    if (method === "HEAD") {
      startResponse("200 OK", [
        ...headers,
        ["Content-Length", String(info.size)],
      ]);
      return [];
    }
    let file: Deno.FsFile;
    try {
      file = await Deno.open(real, { read: true });
    } catch (error) {
      if (isNotFound(error)) return plain(startResponse, "404 Not Found");
      throw error;
    }
    try {
      // The opened file's own size: the one the body will have.
      const { size } = await file.stat();
      startResponse("200 OK", [...headers, ["Content-Length", String(size)]]);
      const wrap = environ["wsgi.file_wrapper"];
      return wrap ? wrap(file) : new FileWrapper(file);
    } catch (error) {
      file.close();
      throw error;
    }
  };
}

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 8000);
  const root = Deno.cwd();
  const httpd = makeServer("127.0.0.1", port, staticFiles(root));
  // Ctrl-C (and a service manager's SIGTERM): finish what runs, then exit.
  const stop = () => void httpd.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  console.log(
    `Serving ${root} on http://127.0.0.1:${httpd.serverPort}/ (Ctrl-C to stop)`,
  );
  await httpd.serveForever();
}
