#!/usr/bin/env node
// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The npm package's command, `wsgiref-serve`: `simple_server`'s command line
 * on Node, where `import.meta.main` does not exist. Same arguments, output
 * and exit codes as `deno run -A simple_server.ts`:
 *
 * ```sh
 * npx wsgiref-serve [--host H] [--port P] [app.js[:export]]
 * ```
 *
 * @module
 */

import { main } from "../_cli.ts";
import { demoApp, makeServer } from "../simple_server.ts";

// Not awaited: `require()` refuses a module with a top-level await, and so
// would a tool that loads every module of the package.
void main({ demoApp, makeServer, program: "wsgiref-serve" });
