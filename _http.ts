// Copyright 2026 the wsgiref authors. MIT license.
/**
 * HTTP's syntax rules (RFC 9110), each defined once for every module that
 * checks them.
 *
 * @module
 */

/** A token (RFC 9110 section 5.6.2): a header name, a method. */
export const TOKEN_REGEXP: RegExp = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A Host field value (RFC 9110 section 7.2; RFC 3986's `host [":" port]`):
 * a registered name or IPv4 address, or an IP literal in brackets, then an
 * optional port. A path, `?`, `#`, user info or a space is refused: it
 * would change what the request URL means.
 */
export const HOST_REGEXP: RegExp =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]+)(?::[0-9]*)?$/;

/** The body of the runtime edge's own `400 Bad Request`. */
export const BAD_REQUEST_TEXT = "Bad Request: invalid Host header\n";
