// Copyright 2026 the wsgiref authors. MIT license.
/**
 * What each app of `_acceptance_cases.ts` gave, recorded on each runtime
 * from the engine as it was before it became sync-first (and checked then
 * against the server's former direct path, which answered the same). A
 * change here is a change of behaviour: make it on purpose.
 *
 * @module
 */

/** One exchange as recorded (see `Observation`, in text). */
export interface Recorded {
  /** The response as sent, `Date` left out. */
  wire: string;
  /** The index of the environ (`key: how value` lines) in `environs`. */
  environ: number;
  /** What `logRequest` got: `code size`. */
  logged: string[];
  /** The lines of `wsgi.errors` that are not stack frames. */
  errors: string[];
  /** What the app noted. */
  notes: string[];
}

/** The recordings, by runtime. */
export const EXPECTED: Record<
  "Deno" | "Node",
  { environs: string[][]; cases: Record<string, Recorded> }
> = {
  "Deno": {
    "environs": [
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value ""',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_CONNECTION: value "close"',
        'HTTP_HOST: value "127.0.0.1"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "GET"',
        'PATH_INFO: value "/path"',
        'QUERY_STRING: value "q=1"',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request GET http://127.0.0.1/path?q=1",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value "5"',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_CONNECTION: value "close"',
        'HTTP_HOST: value "127.0.0.1"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "POST"',
        'PATH_INFO: value "/echo"',
        'QUERY_STRING: value ""',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request POST http://127.0.0.1/echo",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value ""',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_CONNECTION: value "close"',
        'HTTP_HOST: value "127.0.0.1"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "HEAD"',
        'PATH_INFO: value "/"',
        'QUERY_STRING: value ""',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request HEAD http://127.0.0.1/",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
      [],
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value "5"',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_CONNECTION: value "close"',
        'HTTP_HOST: value "127.0.0.1"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "POST"',
        'PATH_INFO: value "/"',
        'QUERY_STRING: value ""',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request POST http://127.0.0.1/",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
    ],
    "cases": {
      "304": {
        "wire":
          'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nServer: <software>\r\nconnection: close\r\n\r\n',
        "environ": 0,
        "logged": [
          "304 0",
        ],
        "errors": [],
        "notes": [],
      },
      "one chunk": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "no chunk": {
        "wire":
          "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nServer: <software>\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        "environ": 0,
        "logged": [
          "302 0",
        ],
        "errors": [],
        "notes": [],
      },
      "the app's own Content-Length": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "a Content-Length shorter than the body cuts it": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 3\r\nconnection: close\r\n\r\nhel",
        "environ": 0,
        "logged": [
          "200 3",
        ],
        "errors": [],
        "notes": [],
      },
      "a Content-Length that is not a number is a 500": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: Content-Length must be one non-negative integer, got "5x"',
        ],
        "notes": [],
      },
      "a Content-Length longer than a whole body: the body's own goes out": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "204 and its dropped body": {
        "wire":
          "HTTP/1.1 204 No Content\r\nServer: <software>\r\nconnection: close\r\n\r\n",
        "environ": 0,
        "logged": [
          "204 0",
        ],
        "errors": [],
        "notes": [],
      },
      "the app's own Server, repeated names, a tab, a Latin-1 reason": {
        "wire":
          "HTTP/1.1 200 OK\r\nServer: mine/1.0\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Tab: a\tb\r\nX-Latin: caf\u00e9\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
        "environ": 0,
        "logged": [
          "200 2",
        ],
        "errors": [],
        "notes": [],
      },
      "the signal, read during the app": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 6\r\nconnection: close\r\n\r\nsignal",
        "environ": 0,
        "logged": [
          "200 6",
        ],
        "errors": [],
        "notes": [
          "aborted: false",
        ],
      },
      "a POST whose body the app reads (an async app)": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
        "environ": 1,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "HEAD": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 8\r\nconnection: close\r\n\r\n",
        "environ": 2,
        "logged": [
          "200 0",
        ],
        "errors": [],
        "notes": [],
      },
      "write() then an empty list": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n8\r\nwritten \r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 8",
        ],
        "errors": [],
        "notes": [],
      },
      "write() then a chunk": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n10\r\nwritten returned\r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 16",
        ],
        "errors": [],
        "notes": [],
      },
      "a generator that starts the response itself": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n7\r\none two\r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 7",
        ],
        "errors": [],
        "notes": [],
      },
      "two chunks": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n7\r\none two\r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 7",
        ],
        "errors": [],
        "notes": [],
      },
      "a body with close()": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 8\r\nconnection: close\r\n\r\nclosable",
        "environ": 0,
        "logged": [
          "200 8",
        ],
        "errors": [],
        "notes": [
          "closed",
        ],
      },
      "an error before startResponse": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "RangeError: before",
        ],
        "notes": [],
      },
      "an error after startResponse": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "RangeError: after",
        ],
        "notes": [],
      },
      "a malformed status": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "AssertionError: Status message must have a space after code",
        ],
        "notes": [],
      },
      "a hop-by-hop header": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "AssertionError: Hop-by-hop header, 'Connection: close', not allowed",
        ],
        "notes": [],
      },
      "a header value with CR LF": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: Control characters not allowed in headers: "X-Evil" has "\\r" in its value',
        ],
        "notes": [],
      },
      "a header value beyond Latin-1": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: header "X-Name" must hold ISO-8859-1 text only (code points up to U+00FF)',
        ],
        "notes": [],
      },
      "headers that are not a list": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "TypeError: Headers must be a list of name/value tuples",
        ],
        "notes": [],
      },
      "startResponse twice, the error caught": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 10\r\nconnection: close\r\n\r\nfirst wins",
        "environ": 0,
        "logged": [
          "200 10",
        ],
        "errors": [],
        "notes": [
          "AssertionError: Headers already set!",
        ],
      },
      "excInfo replaces the unsent headers": {
        "wire":
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 8\r\nconnection: close\r\n\r\nreplaced",
        "environ": 0,
        "logged": [
          "503 8",
        ],
        "errors": [],
        "notes": [],
      },
      "a status the runtime refuses": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "RangeError: The status provided (600) is not equal to 101 and outside the range [200, 599]",
        ],
        "notes": [],
      },
      "a header name that is not a token": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: header name "Bad Name" must be an RFC 9110 token (letters, digits and !#$%&\'*+-.^_`|~)',
        ],
        "notes": [],
      },
      "a chunk that is not bytes": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: write() argument must be a Uint8Array, got "text"',
        ],
        "notes": [],
      },
      "a body that is not iterable": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nconnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "TypeError: the application must return an iterable of Uint8Array chunks, got number",
        ],
        "notes": [],
      },
      "an async app": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nconnection: close\r\n\r\nlater",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "a request body over maxRequestBodySize": {
        "wire":
          "HTTP/1.1 413 Payload Too Large\r\ncontent-type: text/plain\r\ncontent-length: 22\r\nconnection: close\r\n\r\nRequest body too large",
        "environ": 3,
        "logged": [
          "- 0",
        ],
        "errors": [],
        "notes": [],
      },
      "a request body within maxRequestBodySize": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 4\r\nconnection: close\r\n\r\nfits",
        "environ": 4,
        "logged": [
          "200 4",
        ],
        "errors": [],
        "notes": [],
      },
    },
  },
  "Node": {
    "environs": [
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value ""',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_HOST: value "127.0.0.1"',
        'HTTP_CONNECTION: value "close"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "GET"',
        'PATH_INFO: value "/path"',
        'QUERY_STRING: value "q=1"',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request GET http://127.0.0.1/path?q=1",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value "5"',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_HOST: value "127.0.0.1"',
        'HTTP_CONNECTION: value "close"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "POST"',
        'PATH_INFO: value "/echo"',
        'QUERY_STRING: value ""',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request POST http://127.0.0.1/echo",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value ""',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_HOST: value "127.0.0.1"',
        'HTTP_CONNECTION: value "close"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "HEAD"',
        'PATH_INFO: value "/"',
        'QUERY_STRING: value ""',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request HEAD http://127.0.0.1/",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
      [],
      [
        'SERVER_NAME: value "127.0.0.1"',
        'GATEWAY_INTERFACE: value "CGI/1.1"',
        'SERVER_PORT: value "<port>"',
        'REMOTE_HOST: value ""',
        'CONTENT_LENGTH: value "5"',
        'SCRIPT_NAME: value ""',
        'CONTENT_TYPE: value "text/plain"',
        'HTTP_CONNECTION: value "close"',
        'HTTP_HOST: value "127.0.0.1"',
        'SERVER_PROTOCOL: value "HTTP/1.1"',
        'REQUEST_METHOD: value "POST"',
        'PATH_INFO: value "/"',
        'QUERY_STRING: value ""',
        'REMOTE_ADDR: value "127.0.0.1"',
        "REMOTE_PORT: value string",
        'SERVER_SOFTWARE: value "<software>"',
        "wsgi.input_terminated: value true",
        "wsgiref.request: value Request POST http://127.0.0.1/",
        "wsgiref.signal: accessor AbortSignal aborted=false",
        "wsgi.input: value object WSGIInput",
        "wsgi.errors: value object MemoryErrorStream",
        "wsgi.version: value [1,0]",
        "wsgi.run_once: value false",
        'wsgi.url_scheme: value "http"',
        "wsgi.multithread: value true",
        "wsgi.multiprocess: value false",
        "wsgi.file_wrapper: value function",
        "symbols: 1",
      ],
    ],
    "cases": {
      "304": {
        "wire":
          'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nServer: <software>\r\nConnection: close\r\n\r\n',
        "environ": 0,
        "logged": [
          "304 0",
        ],
        "errors": [],
        "notes": [],
      },
      "one chunk": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nConnection: close\r\n\r\nhello",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "no chunk": {
        "wire":
          "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nServer: <software>\r\ncontent-length: 0\r\nConnection: close\r\n\r\n",
        "environ": 0,
        "logged": [
          "302 0",
        ],
        "errors": [],
        "notes": [],
      },
      "the app's own Content-Length": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nConnection: close\r\n\r\nhello",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "a Content-Length shorter than the body cuts it": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 3\r\nConnection: close\r\n\r\nhel",
        "environ": 0,
        "logged": [
          "200 3",
        ],
        "errors": [],
        "notes": [],
      },
      "a Content-Length that is not a number is a 500": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: Content-Length must be one non-negative integer, got "5x"',
        ],
        "notes": [],
      },
      "a Content-Length longer than a whole body: the body's own goes out": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nConnection: close\r\n\r\nhello",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "204 and its dropped body": {
        "wire":
          "HTTP/1.1 204 No Content\r\nServer: <software>\r\nConnection: close\r\n\r\n",
        "environ": 0,
        "logged": [
          "204 0",
        ],
        "errors": [],
        "notes": [],
      },
      "the app's own Server, repeated names, a tab, a Latin-1 reason": {
        "wire":
          "HTTP/1.1 200 OK\r\nServer: mine/1.0\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Tab: a\tb\r\nX-Latin: caf\u00e9\r\ncontent-length: 2\r\nConnection: close\r\n\r\nok",
        "environ": 0,
        "logged": [
          "200 2",
        ],
        "errors": [],
        "notes": [],
      },
      "the signal, read during the app": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 6\r\nConnection: close\r\n\r\nsignal",
        "environ": 0,
        "logged": [
          "200 6",
        ],
        "errors": [],
        "notes": [
          "aborted: false",
        ],
      },
      "a POST whose body the app reads (an async app)": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nConnection: close\r\n\r\nhello",
        "environ": 1,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "HEAD": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 8\r\nConnection: close\r\n\r\n",
        "environ": 2,
        "logged": [
          "200 0",
        ],
        "errors": [],
        "notes": [],
      },
      "write() then an empty list": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nwritten \r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 8",
        ],
        "errors": [],
        "notes": [],
      },
      "write() then a chunk": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nwritten \r\n8\r\nreturned\r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 16",
        ],
        "errors": [],
        "notes": [],
      },
      "a generator that starts the response itself": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n4\r\none \r\n3\r\ntwo\r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 7",
        ],
        "errors": [],
        "notes": [],
      },
      "two chunks": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n4\r\none \r\n3\r\ntwo\r\n0\r\n\r\n",
        "environ": 0,
        "logged": [
          "200 7",
        ],
        "errors": [],
        "notes": [],
      },
      "a body with close()": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 8\r\nConnection: close\r\n\r\nclosable",
        "environ": 0,
        "logged": [
          "200 8",
        ],
        "errors": [],
        "notes": [
          "closed",
        ],
      },
      "an error before startResponse": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "RangeError: before",
        ],
        "notes": [],
      },
      "an error after startResponse": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "RangeError: after",
        ],
        "notes": [],
      },
      "a malformed status": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "AssertionError: Status message must have a space after code",
        ],
        "notes": [],
      },
      "a hop-by-hop header": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "AssertionError: Hop-by-hop header, 'Connection: close', not allowed",
        ],
        "notes": [],
      },
      "a header value with CR LF": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: Control characters not allowed in headers: "X-Evil" has "\\r" in its value',
        ],
        "notes": [],
      },
      "a header value beyond Latin-1": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: header "X-Name" must hold ISO-8859-1 text only (code points up to U+00FF)',
        ],
        "notes": [],
      },
      "headers that are not a list": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "TypeError: Headers must be a list of name/value tuples",
        ],
        "notes": [],
      },
      "startResponse twice, the error caught": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 10\r\nConnection: close\r\n\r\nfirst wins",
        "environ": 0,
        "logged": [
          "200 10",
        ],
        "errors": [],
        "notes": [
          "AssertionError: Headers already set!",
        ],
      },
      "excInfo replaces the unsent headers": {
        "wire":
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 8\r\nConnection: close\r\n\r\nreplaced",
        "environ": 0,
        "logged": [
          "503 8",
        ],
        "errors": [],
        "notes": [],
      },
      "a status the runtime refuses": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "RangeError: status must be an integer from 200 to 599, got 600",
        ],
        "notes": [],
      },
      "a header name that is not a token": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: header name "Bad Name" must be an RFC 9110 token (letters, digits and !#$%&\'*+-.^_`|~)',
        ],
        "notes": [],
      },
      "a chunk that is not bytes": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          'TypeError: write() argument must be a Uint8Array, got "text"',
        ],
        "notes": [],
      },
      "a body that is not iterable": {
        "wire":
          "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 59\r\nConnection: close\r\n\r\nA server error occurred.  Please contact the administrator.",
        "environ": 0,
        "logged": [
          "500 59",
        ],
        "errors": [
          "TypeError: the application must return an iterable of Uint8Array chunks, got number",
        ],
        "notes": [],
      },
      "an async app": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 5\r\nConnection: close\r\n\r\nlater",
        "environ": 0,
        "logged": [
          "200 5",
        ],
        "errors": [],
        "notes": [],
      },
      "a request body over maxRequestBodySize": {
        "wire":
          "HTTP/1.1 413 Payload Too Large\r\ncontent-type: text/plain\r\ncontent-length: 22\r\nConnection: close\r\n\r\nRequest body too large",
        "environ": 3,
        "logged": [
          "- 0",
        ],
        "errors": [],
        "notes": [],
      },
      "a request body within maxRequestBodySize": {
        "wire":
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: <software>\r\ncontent-length: 4\r\nConnection: close\r\n\r\nfits",
        "environ": 4,
        "logged": [
          "200 4",
        ],
        "errors": [],
        "notes": [],
      },
    },
  },
};
