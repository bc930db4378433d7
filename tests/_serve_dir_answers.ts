// Copyright 2026 the wsgiref authors. MIT license.
// Recorded by scripts/record_serve_dir.ts: do not edit.
import type { ServeDirRecording } from "./_static_tree.ts";

/** What Deno std's serveDir answered to tests/_static_tree.ts's requests. */
export const SERVE_DIR_ANSWERS: ServeDirRecording = {
  "std": "@std/http 1.1.3",
  "answers": [{
    "request": { "method": "GET", "path": "/digits.txt" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "0123456789",
    },
  }, {
    "request": { "method": "HEAD", "path": "/digits.txt" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "",
    },
  }, {
    "request": { "method": "GET", "path": "/style.css" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/css; charset=UTF-8",
        "content-length": "20",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "body { color: red }\n",
    },
  }, {
    "request": { "method": "GET", "path": "/data.json" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "application/json; charset=UTF-8",
        "content-length": "8",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": '{"a":1}\n',
    },
  }, {
    "request": { "method": "GET", "path": "/blob.unknownext" },
    "answer": {
      "status": 200,
      "headers": {
        "content-length": "1",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "?",
    },
  }, {
    "request": { "method": "GET", "path": "/caf%C3%A9.txt" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "7",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "crème\n",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=2-4" },
    },
    "answer": {
      "status": 206,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "3",
        "content-range": "bytes 2-4/10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "234",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=-3" },
    },
    "answer": {
      "status": 206,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "3",
        "content-range": "bytes 7-9/10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "789",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=7-" },
    },
    "answer": {
      "status": 206,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "3",
        "content-range": "bytes 7-9/10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "789",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=8-100" },
    },
    "answer": {
      "status": 206,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "2",
        "content-range": "bytes 8-9/10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "89",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=20-30" },
    },
    "answer": {
      "status": 416,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "21",
        "content-range": "bytes */10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": null,
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=5-2" },
    },
    "answer": {
      "status": 416,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "21",
        "content-range": "bytes */10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": null,
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=0-1,5-6" },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "0123456789",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "items=0-1" },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "0123456789",
    },
  }, {
    "request": {
      "method": "HEAD",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=0-1" },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "If-Modified-Since": "Sun, 09 Sep 2001 01:47:40 GMT" },
    },
    "answer": {
      "status": 304,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": null,
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "If-None-Match": "*" },
    },
    "answer": {
      "status": 304,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": null,
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "If-None-Match": '"x"' },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "0123456789",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "If-Match": '"x"' },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "0123456789",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "If-Unmodified-Since": "Sun, 09 Sep 2001 01:45:40 GMT" },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "0123456789",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/digits.txt",
      "headers": { "Range": "bytes=0-0", "If-Range": '"stale"' },
    },
    "answer": {
      "status": 206,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "1",
        "content-range": "bytes 0-0/10",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "0",
    },
  }, {
    "request": { "method": "GET", "path": "/" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/html; charset=UTF-8",
        "content-length": "14",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "<h1>home</h1>\n",
    },
  }, {
    "request": { "method": "GET", "path": "/docs/" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/html; charset=UTF-8",
        "content-length": "14",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "<h1>docs</h1>\n",
    },
  }, {
    "request": { "method": "GET", "path": "/docs" },
    "answer": {
      "status": 301,
      "headers": {
        "content-length": "0",
        "location": "http://127.0.0.1:39871/docs/",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": { "method": "GET", "path": "/list/" },
    "answer": {
      "status": 404,
      "headers": {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "9",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": { "method": "GET", "path": "/empty/" },
    "answer": {
      "status": 404,
      "headers": {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "9",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": { "method": "GET", "path": "/missing.txt" },
    "answer": {
      "status": 404,
      "headers": {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "9",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": { "method": "GET", "path": "/.env" },
    "answer": {
      "status": 404,
      "headers": {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "9",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": { "method": "GET", "path": "/.git/config" },
    "answer": {
      "status": 404,
      "headers": {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "9",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": { "method": "POST", "path": "/digits.txt" },
    "answer": {
      "status": 405,
      "headers": {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "18",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/app.js",
      "headers": { "Accept-Encoding": "br, gzip" },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/javascript; charset=UTF-8",
        "content-length": "25",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "console.log('identity');\n",
    },
  }, {
    "request": {
      "method": "GET",
      "path": "/app.js",
      "headers": { "Accept-Encoding": "gzip" },
    },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/javascript; charset=UTF-8",
        "content-length": "25",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "console.log('identity');\n",
    },
  }, {
    "request": { "method": "GET", "path": "/alias.css" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/css; charset=UTF-8",
        "content-length": "20",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 09 Sep 2001 01:46:40 GMT",
      },
      "etag": "weak",
      "body": "body { color: red }\n",
    },
  }, {
    "request": { "method": "GET", "path": "/escape.txt" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "27",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 06 Dec 2026 11:25:45 GMT",
      },
      "etag": "weak",
      "body": "TOP-SECRET-OUTSIDE-THE-ROOT",
    },
  }, {
    "request": { "method": "GET", "path": "/escape_dir/secret.txt" },
    "answer": {
      "status": 200,
      "headers": {
        "content-type": "text/plain; charset=UTF-8",
        "content-length": "27",
        "accept-ranges": "bytes",
        "last-modified": "Sun, 06 Dec 2026 11:25:45 GMT",
      },
      "etag": "weak",
      "body": "TOP-SECRET-OUTSIDE-THE-ROOT",
    },
  }, {
    "request": { "method": "GET", "path": "/%2e%2e/secret.txt" },
    "answer": {
      "status": 404,
      "headers": {
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "9",
      },
      "etag": "none",
      "body": null,
    },
  }, {
    "request": { "method": "GET", "path": "/..%2fsecret.txt" },
    "answer": {
      "status": 301,
      "headers": {
        "content-length": "0",
        "location": "http://127.0.0.1:39871/secret.txt",
      },
      "etag": "none",
      "body": null,
    },
  }],
};
