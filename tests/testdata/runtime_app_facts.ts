// Copyright 2026 the wsgiref authors. MIT license.
/**
 * What `runtime_app.ts` sends, for the tests that check it.
 *
 * @module
 */

/** How many chunks `/stream` sends. */
export const STREAM_CHUNKS = 6;
/** The size of each chunk of `/stream`. */
export const CHUNK_SIZE = 64 * 1024;
/** The message of the error `/boom` throws: it must not reach the client. */
export const SECRET = "secret-token-4711";
