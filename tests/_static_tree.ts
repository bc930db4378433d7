// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The directory `staticFiles` is tested on (and Deno std's `serveDir`
 * recorded on, by `scripts/record_serve_dir.ts`), and the requests both
 * answered.
 *
 * @module
 */

import {
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What lies beside the root, and in dotfiles: never served. */
export const SECRET = "TOP-SECRET-OUTSIDE-THE-ROOT";
/** The content of `digits.txt`, for ranges. */
export const DIGITS = "0123456789";
/** Every file's modification time: 2001-09-09T01:46:40Z, whole seconds. */
export const MTIME = 1_000_000_000;

/**
 * Makes the tree in a new temporary directory: `ROOT/…`, with `secret.txt`
 * and `outside/` beside it, and symlinks that lead out of the root.
 */
export function makeStaticTree(): { tmp: string; root: string } {
  const tmp = mkdtempSync(join(tmpdir(), "wsgiref-static-"));
  const root = join(tmp, "root");
  for (const dir of ["docs", "empty", "list/sub", ".git", "assets"]) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  const files: Record<string, string> = {
    "index.html": "<h1>home</h1>\n",
    "digits.txt": DIGITS,
    "style.css": "body { color: red }\n",
    "data.json": '{"a":1}\n',
    "blob.unknownext": "?",
    "café.txt": "crème\n",
    "docs/index.html": "<h1>docs</h1>\n",
    "list/b.txt": "b",
    "list/<a&b>.txt": "escaped",
    "list/.hidden": SECRET,
    "app.js": "console.log('identity');\n",
    "app.js.br": "BROTLI-BYTES",
    "app.js.gz": "GZIP-BYTES",
    "only.js": "no siblings",
    "assets/app.3f2a9c1b.js": "hashed",
    ".env": SECRET,
    ".git/config": SECRET,
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(root, name), text);
    utimesSync(join(root, name), MTIME, MTIME);
  }
  writeFileSync(join(tmp, "secret.txt"), SECRET);
  mkdirSync(join(tmp, "outside"));
  writeFileSync(join(tmp, "outside", "secret.txt"), SECRET);
  symlinkSync(join(tmp, "secret.txt"), join(root, "escape.txt"));
  symlinkSync("../outside", join(root, "escape_dir"));
  symlinkSync("style.css", join(root, "alias.css"));
  return { tmp, root };
}

/** One request of the comparison with `serveDir`. */
export interface TreeRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
}

const LATER = "Sun, 09 Sep 2001 01:47:40 GMT";

/** The requests both servers answer, in order. */
export const SERVE_DIR_REQUESTS: TreeRequest[] = [
  { method: "GET", path: "/digits.txt" },
  { method: "HEAD", path: "/digits.txt" },
  { method: "GET", path: "/style.css" },
  { method: "GET", path: "/data.json" },
  { method: "GET", path: "/blob.unknownext" },
  { method: "GET", path: "/caf%C3%A9.txt" },
  { method: "GET", path: "/digits.txt", headers: { Range: "bytes=2-4" } },
  { method: "GET", path: "/digits.txt", headers: { Range: "bytes=-3" } },
  { method: "GET", path: "/digits.txt", headers: { Range: "bytes=7-" } },
  { method: "GET", path: "/digits.txt", headers: { Range: "bytes=8-100" } },
  { method: "GET", path: "/digits.txt", headers: { Range: "bytes=20-30" } },
  { method: "GET", path: "/digits.txt", headers: { Range: "bytes=5-2" } },
  { method: "GET", path: "/digits.txt", headers: { Range: "bytes=0-1,5-6" } },
  { method: "GET", path: "/digits.txt", headers: { Range: "items=0-1" } },
  { method: "HEAD", path: "/digits.txt", headers: { Range: "bytes=0-1" } },
  {
    method: "GET",
    path: "/digits.txt",
    headers: { "If-Modified-Since": LATER },
  },
  { method: "GET", path: "/digits.txt", headers: { "If-None-Match": "*" } },
  { method: "GET", path: "/digits.txt", headers: { "If-None-Match": '"x"' } },
  { method: "GET", path: "/digits.txt", headers: { "If-Match": '"x"' } },
  {
    method: "GET",
    path: "/digits.txt",
    headers: { "If-Unmodified-Since": "Sun, 09 Sep 2001 01:45:40 GMT" },
  },
  {
    method: "GET",
    path: "/digits.txt",
    headers: { Range: "bytes=0-0", "If-Range": '"stale"' },
  },
  { method: "GET", path: "/" },
  { method: "GET", path: "/docs/" },
  { method: "GET", path: "/docs" },
  { method: "GET", path: "/list/" },
  { method: "GET", path: "/empty/" },
  { method: "GET", path: "/missing.txt" },
  { method: "GET", path: "/.env" },
  { method: "GET", path: "/.git/config" },
  { method: "POST", path: "/digits.txt" },
  {
    method: "GET",
    path: "/app.js",
    headers: { "Accept-Encoding": "br, gzip" },
  },
  { method: "GET", path: "/app.js", headers: { "Accept-Encoding": "gzip" } },
  { method: "GET", path: "/alias.css" },
  { method: "GET", path: "/escape.txt" },
  { method: "GET", path: "/escape_dir/secret.txt" },
  { method: "GET", path: "/%2e%2e/secret.txt" },
  { method: "GET", path: "/..%2fsecret.txt" },
];

/** The headers compared (the rest, `date` and `server` among them, vary). */
export const COMPARED_HEADERS = [
  "content-type",
  "content-length",
  "content-range",
  "content-encoding",
  "accept-ranges",
  "last-modified",
  "location",
  "vary",
  "allow",
];

/** One recorded answer: the status, the compared headers, the kind of `ETag`, the body. */
export interface TreeAnswer {
  status: number;
  headers: Record<string, string>;
  /** `"weak"`, `"strong"` or `"none"`. */
  etag: string;
  /** The body as text, or `null` for a body not compared (an error page, a listing). */
  body: string | null;
}

/**
 * What a server answered, reduced to what is compared.
 *
 * @param response The answer.
 * @returns Its record.
 */
export async function recordAnswer(response: Response): Promise<TreeAnswer> {
  const headers: Record<string, string> = {};
  for (const name of COMPARED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const etag = response.headers.get("etag");
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const compared = response.status < 300 && !type.startsWith("multipart/") &&
    !text.includes("<!DOCTYPE html>");
  return {
    status: response.status,
    headers,
    etag: etag === null ? "none" : etag.startsWith("W/") ? "weak" : "strong",
    body: compared ? text : null,
  };
}

/** A recording of `scripts/record_serve_dir.ts`. */
export interface ServeDirRecording {
  std: string;
  answers: Array<{ request: TreeRequest; answer: TreeAnswer }>;
}
