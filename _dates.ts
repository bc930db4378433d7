// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The two date formats of wsgiref: the HTTP date of the `Date` header, and
 * the local time of the request log.
 *
 * @module
 */

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * Formats a time as an RFC 9110 IMF-fixdate, as Python's `format_date_time`.
 *
 * @param timestamp Seconds since the epoch (fractions are dropped).
 * @returns The date, as `Thu, 01 Jan 1970 00:00:00 GMT`.
 * @throws {RangeError} If `timestamp` is not a finite number.
 *
 * @example Usage
 * ```ts
 * import { formatDateTime } from "@wsgi/wsgiref/handlers";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatDateTime(0), "Thu, 01 Jan 1970 00:00:00 GMT");
 * assert.equal(formatDateTime(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
 * ```
 */
export function formatDateTime(timestamp: number): string {
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
    throw new RangeError(
      `timestamp must be a finite number of seconds, got ${String(timestamp)}`,
    );
  }
  const d = new Date(Math.floor(timestamp) * 1000);
  return `${WEEKDAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${
    MONTHS[d.getUTCMonth()]
  } ${String(d.getUTCFullYear()).padStart(4, "0")} ${pad2(d.getUTCHours())}:${
    pad2(d.getUTCMinutes())
  }:${pad2(d.getUTCSeconds())} GMT`;
}

/**
 * The local time as `23/Nov/2026 09:01:30`, as Python's
 * `log_date_time_string`.
 */
export function logDateTimeString(): string {
  const d = new Date();
  return `${pad2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()} ${
    pad2(d.getHours())
  }:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}
