// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The Node edge's light response (a web `Response` costs more on Node than a
 * raw answer), free of `node:*` so that it needs no wait for the edge to load.
 *
 * @module
 */

import { BAD_VALUE, isLengthName, isToken, trimValue } from "./_http.ts";
import type { ResponseParts } from "./_runtime_server.ts";

/**
 * A prototype for objects that pass for instances of `Class`
 * (`instanceof` holds): the members in `own` read the object's state; every
 * other member of `Class.prototype` makes the real instance
 * (`materialise`) and asks it.
 */
export function lazyPrototype<S, T extends object>(
  Class: { prototype: T },
  key: symbol,
  materialise: (state: S) => T,
  own: Record<PropertyKey, (state: S) => unknown>,
): T {
  const proto = Class.prototype as Record<PropertyKey, unknown>;
  const members: PropertyDescriptorMap = {};
  for (const name of Reflect.ownKeys(proto)) {
    if (name === "constructor") continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    if (descriptor.get !== undefined) {
      const get = descriptor.get;
      members[name] = {
        get(this: Record<symbol, S>): unknown {
          return get.call(materialise(this[key]));
        },
        configurable: true,
      };
    } else if (typeof descriptor.value === "function") {
      const method = descriptor.value as (...args: unknown[]) => unknown;
      members[name] = {
        value(this: Record<symbol, S>, ...args: unknown[]): unknown {
          return method.apply(materialise(this[key]), args);
        },
        configurable: true,
        writable: true,
      };
    }
  }
  for (const name of Reflect.ownKeys(own)) {
    const get = own[name];
    members[name] = {
      get(this: Record<symbol, S>): unknown {
        return get(this[key]);
      },
      configurable: true,
    };
  }
  return Object.create(proto, members);
}

/** What a light response holds until a real `Response` is needed. */
export interface ResponseState extends ResponseParts {
  body: Uint8Array | ReadableStream<Uint8Array> | null;
  /** The `writeHead` list (with the `Content-Length` of a byte body). */
  head: string[];
  /** The real `Response`, once a member other than these was used. */
  real?: Response;
}

/** The key of a light response's state. */
export const RESPONSE_STATE: unique symbol = Symbol("wsgiref.responseState");

function realResponse(state: ResponseState): Response {
  return state.real ??= new Response(
    state.body as ConstructorParameters<typeof Response>[0],
    { status: state.status, headers: state.headers },
  );
}

const LIGHT_RESPONSE: Response = lazyPrototype(
  Response,
  RESPONSE_STATE,
  realResponse,
  {
    status: (state) => state.status,
    ok: (state) => state.status >= 200 && state.status <= 299,
    statusText: () => "",
  },
);

function checkHeader(name: string, value: string): void {
  if (!isToken(name)) {
    throw new TypeError(`invalid header name: ${JSON.stringify(name)}`);
  }
  if (BAD_VALUE.test(value)) {
    throw new TypeError(`invalid value of header ${name}`);
  }
}

/**
 * A response the Node edge writes straight from `body` (a real `Response`
 * to any other reader, made on first use), checked as `new Response` checks:
 * `RangeError` for a status outside 200–599, else `TypeError`.
 */
export function lightResponse(
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  init: ResponseParts,
): Response {
  const status = Math.trunc(init.status); // WebIDL's unsigned short
  if (!(status >= 200 && status <= 599)) {
    throw new RangeError(
      `status must be an integer from 200 to 599, got ${status}`,
    );
  }
  if (body !== null && (status === 204 || status === 205 || status === 304)) {
    throw new TypeError(`a response with status ${status} cannot have a body`);
  }
  const headers = init.headers;
  const head = checkedHead(status, headers, body);
  const response = Object.create(LIGHT_RESPONSE);
  response[RESPONSE_STATE] = {
    status,
    headers,
    body,
    head,
  } satisfies ResponseState;
  return response;
}

/**
 * Checks `headers` as `new Response` does, and makes the `writeHead` list:
 * values trimmed, `Content-Length` dropped, added or kept as HTTP needs.
 */
function checkedHead(
  status: number,
  headers: ResponseParts["headers"],
  body: Uint8Array | ReadableStream<Uint8Array> | null,
): string[] {
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  const noLength = status === 204 || status === 304;
  // 205 has no content and must say so (RFC 9110, 15.3.6): Content-Length 0,
  // else a keep-alive client reads the next response as its body.
  const reset = status === 205;
  let lengths = 0;
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i][0];
    checkHeader(name, pairs[i][1]);
    if (isLengthName(name)) lengths++;
  }
  const dropLength = noLength || reset;
  const addLength = reset ||
    (lengths === 0 && !noLength && !(body instanceof ReadableStream));
  const list: string[] = new Array(
    (pairs.length - (dropLength ? lengths : 0) + (addLength ? 1 : 0)) * 2,
  );
  let at = 0;
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i][0];
    if (dropLength && lengths !== 0 && isLengthName(name)) continue;
    list[at++] = name;
    list[at++] = trimValue(pairs[i][1]);
  }
  if (addLength) {
    list[at++] = "content-length";
    list[at] = body instanceof Uint8Array ? String(body.length) : "0";
  }
  return list;
}
