# Copyright 2026 the wsgiref authors. MIT license.
"""Python's CGI server (`python3 -m http.server --cgi`) for deno_cgi_test.ts.

Usage: python3 cgi_http_server.py DIRECTORY

Serves DIRECTORY on 127.0.0.1 at a free port (so no race for one), runs the
programs in its cgi-bin/ as CGI, and prints the port on a line of its own
once it listens. A CGI program's stderr is this process's stderr.

One change from `-m http.server --cgi`: the CGI child keeps the server's
user. On Linux http.server forks, and a server running as root (as CI does)
switches the child to `nobody` before it runs the program; the program, the
example, every module it imports, the Deno binary and every directory above
them would then have to be readable by `nobody`, which a checkout under a
private home or a 0700 temp dir is not. So `nobody_uid` answers our own uid.

The other way out, `have_fork = False` (subprocess, as on Windows), is not
used: that mode reads the request body with a single unbuffered
`rfile.read(n)` (`rbufsize = 0`), which returns what one recv() gave, so a
POST body over about 64 KiB reaches the program cut short (Python 3.11).
"""

import functools
import http.server
import os
import sys

handler_class = getattr(http.server, "CGIHTTPRequestHandler", None)
if handler_class is None:
    sys.exit("this Python's http.server has no CGI support (removed in 3.15)")
http.server.nobody_uid = os.getuid

# A CGI child of a real server has no HOME (lighttpd passes none): the
# wrapper must cope, so do not hand it ours.
for name in ("HOME", "DENO_DIR"):
    os.environ.pop(name, None)

handler = functools.partial(handler_class, directory=sys.argv[1])
with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
    print(server.server_address[1], flush=True)
    server.serve_forever()
