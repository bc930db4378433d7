// Copyright 2026 the wsgiref authors. MIT license.
// What Deno declares and the npm build's TypeScript (lib ES2023 and
// @types/node 20) does not: seen by tsc only (tsconfig.npm.json), excluded
// from Deno, which has its own declarations.

interface ImportMeta {
  /** `true` in the module Deno was started with; undefined on Node 20. */
  main?: boolean;
}
