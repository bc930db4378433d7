// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The npm build (in place of dnt, which cannot be installed here): compiles
 * the sources with the TypeScript compiler from npm (`tsconfig.npm.json`)
 * to `npm/`, a package Node 20 can use as it is:
 *
 * - `npm/esm/`: ES modules, `.d.ts` types and source maps (sources inlined);
 *   `npm/esm/bin/wsgiref-serve.js`, the package's command;
 * - `npm/esm/tests/`: the tests that run on Node (all but `tests/deno_*`),
 *   compiled with the sources and importing the package's own files; not
 *   packed;
 * - `npm/esm/examples/`: the examples that run on Node (`hello.js`),
 *   transpiled only (they use `Deno` when run directly), so that a clone can
 *   serve them: `npx wsgiref-serve npm/esm/examples/hello.js`; not packed;
 * - `npm/package.json`, generated from `deno.json` (name, version, license,
 *   exports), then checked against it: the build fails if an export is
 *   missing, extra, or points to a file that was not built;
 * - `npm/README.md` (from `docs/npm-README.md`, the package's README for
 *   Node users) and `npm/LICENSE`.
 *
 * ```sh
 * deno task build:npm      # or: npm run build
 * ```
 *
 * @module
 */

import {
  chmod,
  copyFile,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "npm");
const ESM = join(OUT, "esm");
/** The command the package installs, and its source. */
const BIN = { name: "wsgiref-serve", source: "bin/wsgiref-serve.ts" };
/** The examples Node can serve (their default export is the app). */
const EXAMPLES = ["examples/hello.ts"];

/** What the build uses of the TypeScript compiler's API. */
interface TypeScript {
  transpileModule(
    source: string,
    options: { compilerOptions: Record<string, unknown>; fileName: string },
  ): { outputText: string };
  ModuleKind: { ESNext: unknown };
  ScriptTarget: { ES2022: unknown };
}

interface DenoConfig {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  imports?: Record<string, string>;
}

/**
 * The package's runtime dependencies: deno.json's `npm:` imports
 * (`"mime": "npm:mime@4.1.2"` becomes `"mime": "4.1.2"`).
 */
function npmDependencies(config: DenoConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, target] of Object.entries(config.imports ?? {})) {
    const match = /^npm:(@?[^@]+)@(.+)$/.exec(target);
    if (match === null || match[1] !== name) {
      fail(`deno.json import ${name} must be "npm:${name}@VERSION"`);
    }
    out[name] = match[2];
  }
  return out;
}

/** What the npm `package.json` gives for one entry point. */
interface ExportTarget {
  types: string;
  default: string;
}

function fail(message: string): never {
  console.error(`build_npm: ${message}`);
  process.exit(1);
}

/** `./util.ts` → `./esm/util.js` (or `.d.ts`). */
function built(source: string, extension: ".js" | ".d.ts"): string {
  if (!/^\.\/[^/].*\.ts$/.test(source)) {
    fail(`deno.json export ${source} is not a ./*.ts file`);
  }
  return `./esm/${source.slice(2, -3)}${extension}`;
}

function npmExports(config: DenoConfig): Record<string, ExportTarget> {
  const out: Record<string, ExportTarget> = {};
  for (const [key, source] of Object.entries(config.exports)) {
    out[key] = { types: built(source, ".d.ts"), default: built(source, ".js") };
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Every way the npm package's exports could drift from deno.json. */
async function checkExports(config: DenoConfig): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(OUT, "package.json"), "utf8"));
  const problems: string[] = [];
  const expected = npmExports(config);
  for (const key of Object.keys(pkg.exports ?? {})) {
    if (!(key in expected)) {
      problems.push(`npm export ${key} is not in deno.json`);
    }
  }
  for (const [key, target] of Object.entries(expected)) {
    const actual = pkg.exports?.[key];
    if (actual === undefined) {
      problems.push(`deno.json export ${key} is missing from package.json`);
      continue;
    }
    if (JSON.stringify(actual) !== JSON.stringify(target)) {
      problems.push(
        `npm export ${key} is ${JSON.stringify(actual)}, expected ${
          JSON.stringify(target)
        }`,
      );
    }
    for (const file of [target.types, target.default]) {
      if (!await exists(join(OUT, file))) {
        problems.push(`npm export ${key}: ${file} was not built`);
      }
    }
  }
  for (const field of ["name", "version", "license"] as const) {
    if (pkg[field] !== config[field]) {
      problems.push(
        `package.json ${field} ${
          JSON.stringify(pkg[field])
        } differs from deno.json's ${JSON.stringify(config[field])}`,
      );
    }
  }
  return problems;
}

/** The `.d.ts` files keep `./x.ts` specifiers (tsc rewrites only the JS). */
async function rewriteDeclarations(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await rewriteDeclarations(path);
    } else if (entry.name.endsWith(".d.ts")) {
      const text = await readFile(path, "utf8");
      const fixed = text.replace(
        /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g,
        "$1$2.js$3",
      );
      if (fixed !== text) await writeFile(path, fixed);
    }
  }
}

const config: DenoConfig = JSON.parse(
  await readFile(join(ROOT, "deno.json"), "utf8"),
);
for (const field of ["name", "version", "license", "exports"] as const) {
  if (!config[field]) fail(`deno.json has no ${field}`);
}

await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });

const tsc = spawnSync(
  "node",
  [
    join(ROOT, "node_modules/typescript/bin/tsc"),
    "-p",
    join(ROOT, "tsconfig.npm.json"),
  ],
  { stdio: "inherit" },
);
if (tsc.error) fail(`cannot run tsc: ${tsc.error.message}`);
if (tsc.status !== 0) fail(`tsc failed (exit code ${tsc.status})`);
await rewriteDeclarations(ESM);

// Transpiled, not type-checked: run directly, an example uses `Deno`, which
// the Node build does not declare; on Node only its default export is used.
const ts: TypeScript = createRequire(join(ROOT, "package.json"))("typescript");
await mkdir(join(ESM, "examples"), { recursive: true });
for (const example of EXAMPLES) {
  const { outputText } = ts.transpileModule(
    await readFile(join(ROOT, example), "utf8"),
    {
      fileName: example,
      compilerOptions: {
        // ES modules, as the package is ("type": "module").
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        rewriteRelativeImportExtensions: true,
      },
    },
  );
  await writeFile(join(ESM, example.replace(/\.ts$/, ".js")), outputText);
}

const binTarget = `./esm/${BIN.source.slice(0, -3)}.js`;
const pkg = {
  name: config.name,
  version: config.version,
  description:
    "Python's wsgiref (PEP 3333) for TypeScript: WSGI handlers, CGI, and a server on web streams (Deno and Node)",
  license: config.license,
  keywords: ["wsgi", "pep3333", "wsgiref", "cgi", "http", "server", "fetch"],
  homepage: `https://jsr.io/${config.name}`,
  type: "module",
  engines: { node: ">=20" },
  exports: npmExports(config),
  dependencies: npmDependencies(config),
  bin: { [BIN.name]: binTarget },
  // The tests built in esm/tests/ stay out of the package.
  files: ["esm/*.js", "esm/*.js.map", "esm/*.d.ts", "esm/bin/"],
};
await writeFile(join(OUT, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
// The package's own README: the repository's is for Deno and contributors.
await copyFile(join(ROOT, "docs/npm-README.md"), join(OUT, "README.md"));
await copyFile(join(ROOT, "LICENSE"), join(OUT, "LICENSE"));
await chmod(join(OUT, binTarget), 0o755);

const problems = await checkExports(config);
if (!await exists(join(OUT, binTarget))) {
  problems.push(`bin ${BIN.name}: ${binTarget} was not built`);
}
if (problems.length > 0) {
  fail(
    `npm/package.json drifted from deno.json:\n  ${problems.join("\n  ")}`,
  );
}
console.log(
  `build_npm: npm/ holds ${config.name}@${config.version} (${
    Object.keys(config.exports).length
  } entry points, bin ${BIN.name}) and the Node tests in npm/esm/tests/`,
);
