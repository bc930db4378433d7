// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The runtime edge for the file system, as `static.ts` needs it: real paths,
 * stat, directory listings, files opened for positioned reads, and a file's
 * SHA-256. `node:fs` and `node:crypto`, which Deno, Node and Bun all have.
 *
 * @module
 */

import { open, readdir, realpath } from "node:fs/promises";
import { realpathSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { sep } from "node:path";

export { join, relative, sep } from "node:path";

/** What `static.ts` needs of a file's metadata. */
export interface FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  /** Milliseconds since the epoch. */
  mtimeMs: number;
}

/** A file opened for reading. */
export interface OpenFile {
  info: FileInfo;
  /** Reads up to `length` bytes at `position`; fewer only at the end. */
  read(length: number, position: number): Promise<Uint8Array<ArrayBuffer>>;
  close(): Promise<void>;
}

/** Whether `path` is a separator-free name on this platform. */
export const WINDOWS: boolean = sep === "\\";

/** OS errors that mean "nothing to serve here". */
const NOT_FOUND_CODES = new Set([
  "ENOENT",
  "ENOTDIR",
  "ENAMETOOLONG",
  "ELOOP",
  "EACCES",
  "EPERM",
  "EISDIR",
]);

/**
 * Whether `error` says the path is not there (or not ours to read).
 *
 * @param error What a file operation threw.
 * @returns `true` for a missing, unreadable or looping path.
 */
export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && NOT_FOUND_CODES.has(code);
}

/**
 * The real path of a directory, checked at start-up.
 *
 * @param path The directory.
 * @returns Its real path.
 * @throws {TypeError} If it is not a directory (its own error if missing).
 */
export function realDirectorySync(path: string): string {
  const real = realpathSync(path);
  if (!statSync(real).isDirectory()) {
    throw new TypeError(`root must be a directory, got ${path}`);
  }
  return real;
}

/**
 * The real path of `path`, or `undefined` if it is not there.
 *
 * @param path A path.
 * @returns Its real path.
 */
export async function realPath(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * `path` opened for reading, with its metadata, or `undefined` if it is not
 * there.
 *
 * @param path A real path.
 * @returns The open file.
 */
export async function openFile(path: string): Promise<OpenFile | undefined> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    const file = handle;
    return {
      info: {
        isFile: stats.isFile(),
        isDirectory: stats.isDirectory(),
        size: stats.size,
        mtimeMs: stats.mtimeMs,
      },
      async read(length, position) {
        const buffer = new Uint8Array(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await file.read(
            buffer,
            filled,
            length - filled,
            position + filled,
          );
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return filled === length ? buffer : buffer.slice(0, filled);
      },
      close: () => file.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The entries of a directory: name, and whether each is a directory.
 *
 * @param path A real directory path.
 * @returns The entries, in no set order.
 */
export async function listDirectory(
  path: string,
): Promise<Array<{ name: string; isDirectory: boolean }>> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries.map((entry) => ({
    name: entry.name,
    isDirectory: entry.isDirectory(),
  }));
}

/**
 * The SHA-256 of an open file's first `size` bytes, as base64url.
 *
 * @param file The open file.
 * @param size How many bytes to hash.
 * @returns The digest.
 */
export async function hashFile(file: OpenFile, size: number): Promise<string> {
  const hash = createHash("sha256");
  for (let position = 0; position < size; position += 65536) {
    hash.update(await file.read(Math.min(65536, size - position), position));
  }
  return hash.digest("base64url");
}
