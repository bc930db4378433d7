// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The soak on Node: `bench/soak.ts` transpiled (the TypeScript compiler from
 * npm) next to the npm build, as `npm/esm/bench/soak.js`, so that it imports
 * the built package, then run in a Node of its own (the compiler stays out of
 * the memory it measures) with `--expose-gc`, so the soak can check the heap
 * after a forced GC. The arguments are the soak's:
 *
 * ```sh
 * npm run soak:node -- --seconds 60   # npm run build && node bench/soak_node.mjs
 * ```
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import process from "node:process";
import ts from "typescript";

const source = fileURLToPath(new URL("soak.ts", import.meta.url));
const esm = fileURLToPath(new URL("../npm/esm/", import.meta.url));
if (!existsSync(`${esm}simple_server.js`)) {
  console.error("soak_node: no npm build; run `npm run build` first");
  process.exit(2);
}
const { outputText } = ts.transpileModule(await readFile(source, "utf8"), {
  fileName: source,
  compilerOptions: {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    rewriteRelativeImportExtensions: true,
  },
});
await mkdir(`${esm}bench`, { recursive: true });
const out = `${esm}bench/soak.js`;
await writeFile(out, outputText);
const { status } = spawnSync(
  process.execPath,
  ["--expose-gc", out, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
process.exit(status ?? 1);
