# Copyright 2026 the wsgiref authors. MIT license.
"""CPython's own wsgiref.simple_server, for deno_differential_test.ts.

Usage: python3 differential_server.py

Serves APP (below) with `wsgiref.simple_server.make_server('127.0.0.1', 0,
app)`, one request at a time (`handle_request()` in a loop, as the module's
own demo does), and prints the port on a line of its own once it listens.
It runs until it is killed. The request log is silenced; an app error's
traceback goes to stderr, as simple_server writes it.

The test runs the same app, route for route, on our makeServer: keep the two
in step (`differentialApp` in deno_differential_test.ts).
"""

import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

# The environ keys /env echoes, one `KEY=value` line each (`KEY absent`).
ENV_KEYS = [
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "SERVER_SOFTWARE",
    "GATEWAY_INTERFACE",
    "REMOTE_ADDR",
    "REMOTE_PORT",
    "REMOTE_HOST",
    "HTTPS",
    "HTTP_HOST",
    "HTTP_X_CUSTOM",
    "HTTP_X_DUP",
    "HTTP_X_UNDER",
    "HTTP_COOKIE",
    "HTTP_CONTENT_TYPE",
    "HTTP_CONTENT_LENGTH",
    "wsgi.version",
    "wsgi.url_scheme",
    "wsgi.multithread",
    "wsgi.multiprocess",
    "wsgi.run_once",
    "wsgi.input_terminated",
]


def show(value):
    """A value as text, the same way on both sides."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ".".join(str(v) for v in value)
    return str(value)


TEXT = [("Content-Type", "text/plain; charset=utf-8")]


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/hello":
        start_response("200 OK", list(TEXT))
        return [b"Hello, world!\n"]
    if path.startswith("/env"):
        lines = []
        for key in ENV_KEYS:
            value = environ.get(key)
            lines.append(f"{key} absent" if value is None else f"{key}={show(value)}")
        start_response("200 OK", list(TEXT))
        return [("\n".join(lines) + "\n").encode("latin-1")]
    if path == "/post":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        start_response("200 OK", [
            ("Content-Type", environ.get("CONTENT_TYPE") or "application/octet-stream"),
            ("X-Received", str(len(body))),
        ])
        return [body]
    if path == "/status404":
        start_response("404 Not Found", list(TEXT))
        return [b"nope\n"]
    if path == "/reason":
        start_response("200 Fine Thanks", list(TEXT))
        return [b"fine\n"]
    if path == "/headers":
        start_response("200 OK", [
            ("Content-Type", "text/plain"),
            ("X-One", "1"),
            ("Set-Cookie", "a=1; Path=/"),
            ("Set-Cookie", "b=2; HttpOnly"),
            ("X-Multi", "x"),
            ("X-Multi", "y"),
            ("Cache-Control", "no-store"),
        ])
        return [b"headers\n"]
    if path == "/latin1":
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Latin", "caf\xe9")])
        return [b"ok\n"]
    if path == "/error":
        raise RuntimeError("boom before start_response")
    if path == "/gen":
        start_response("200 OK", list(TEXT))

        def chunks():
            yield b"one\n"
            yield b"two\n"
            yield b"three\n"

        return chunks()
    if path == "/lazy":

        def lazy():
            start_response("200 OK", list(TEXT))
            yield b"lazy\n"

        return lazy()
    if path == "/length":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "6")])
        return [b"abc", b"def"]
    if path == "/write":
        write = start_response("200 OK", list(TEXT))
        write(b"written\n")
        return [b"returned\n"]
    if path == "/empty":
        start_response("200 OK", list(TEXT))
        return []
    if path == "/nocontent":
        start_response("204 No Content", [])
        return []
    if path == "/redirect":
        start_response("302 Found", [("Location", "/hello")])
        return []
    if path.startswith("/utf8/"):
        start_response("200 OK", list(TEXT))
        return [path.encode("latin-1")]
    start_response("404 Not Found", list(TEXT))
    return [b"not found: " + path.encode("latin-1")]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    with make_server("127.0.0.1", 0, app, handler_class=QuietHandler) as httpd:
        print(httpd.server_port, flush=True)
        try:
            while True:
                httpd.handle_request()
        except KeyboardInterrupt:
            sys.exit(0)
