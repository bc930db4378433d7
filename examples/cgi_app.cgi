#!/bin/sh
# Copyright 2026 the wsgiref authors. MIT license.
#
# The program a CGI server runs: cgi_app.ts on the Deno that `npm ci` put in
# this repository's node_modules (no global Deno needed). To serve it from a
# server's cgi-bin, copy this file there and set `app` to the full path of
# cgi_app.ts (or of cgi_iis_app.ts, for IIS).
app="$(dirname "$0")/cgi_app.ts"

# npm's wrapper links the binary to node_modules/deno/deno on its first run;
# right after `npm ci` it is only in the platform's package.
modules="$(dirname "$app")/../node_modules"
deno="$modules/deno/deno"
[ -x "$deno" ] || for deno in "$modules"/@deno/*/deno; do :; done

# A CGI child may run as `nobody`, with no HOME for Deno's cache: keep it in a
# private temp dir (never in a shared one another user could have planted).
if [ -z "${DENO_DIR:-}" ]; then
  DENO_DIR="${TMPDIR:-/tmp}/deno-cgi-$(id -u)"
  { mkdir -p -m 700 "$DENO_DIR" && [ -O "$DENO_DIR" ]; } 2>/dev/null ||
    DENO_DIR="$(mktemp -d)"
fi
export DENO_DIR DENO_NO_UPDATE_CHECK=1 NO_COLOR=1

# --allow-env only: the handler reads the request from the environment. (Deno
# 2.9 lets a program read /proc/self/environ only under --allow-all, so
# --allow-read would grant file access and gain nothing.)
exec "$deno" run --quiet --no-prompt --allow-env "$app"
