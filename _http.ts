// Copyright 2026 the wsgiref authors. MIT license.
/**
 * HTTP's syntax rules (RFC 9110), each defined once for every module that
 * checks them.
 *
 * @module
 */

/** A token (RFC 9110 section 5.6.2): a header name, a method. */
export const TOKEN_REGEXP: RegExp = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
