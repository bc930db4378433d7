#!/usr/bin/env node
// Copyright 2026 the wsgiref authors. MIT license.
// A clone's `npx wsgiref-serve` (package.json "bin"): runs the command of the
// npm build, or says to build it first. A file of the repository, so that npx
// links it even before the build (npx remembers a bin it could not link).
import { existsSync } from "node:fs";
import process from "node:process";

const built = new URL("../npm/esm/bin/wsgiref-serve.js", import.meta.url);
if (!existsSync(built)) {
  console.error(
    "wsgiref-serve: run `npm run build` first: it builds the command " +
      "(npm/esm/bin/wsgiref-serve.js) and examples/hello.ts " +
      "(npm/esm/examples/hello.js)",
  );
  process.exit(2);
}
await import(built.href);
