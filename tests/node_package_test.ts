// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The npm package as a user gets it: `npm pack` on the build (`npm/`), the
 * tarball installed (npm's cache first) into a fresh temporary Node project
 * made by `npm init -y` (its one dependency, `mime`, for `/static`), each
 * entry point loaded by its package name with `require()` from CommonJS and
 * `import` from ES modules (`.mjs`, or a `"type": "module"` package), no
 * module of the package with a top-level await, a server started from it and
 * a page fetched, the `wsgiref-serve` command run from `node_modules/.bin`
 * and by `npx`, which stops it with SIGTERM, and a TypeScript consumer type-checked against the
 * package's `.d.ts` files. It needs the npm build and npm, so it runs under
 * `node --test` only; `deno test` skips it.
 *
 * @module
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { until } from "./_helpers.ts";

const ON_NODE = !("Deno" in globalThis);
const SKIP = !ON_NODE && "runs on the npm build, under node --test";
/** `npm/`, from this file's `npm/esm/tests/`. */
const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));
/** The repository, for its TypeScript compiler and `@types/node`. */
const REPO = fileURLToPath(new URL("../../../", import.meta.url));

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, { types: string; default: string }>;
  bin: Record<string, string>;
}

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

/** What the test uses of the TypeScript compiler's parser. */
interface TsNode {
  getStart(file: TsNode): number;
}
interface TypeScript {
  createSourceFile(name: string, text: string, target: number): TsNode & {
    getLineAndCharacterOfPosition(pos: number): { line: number };
  };
  forEachChild(node: TsNode, visit: (child: TsNode) => void): void;
  isFunctionLike(node: TsNode): boolean;
  isAwaitExpression(node: TsNode): boolean;
  isForOfStatement(node: TsNode): node is TsNode & { awaitModifier?: TsNode };
  ScriptTarget: { Latest: number };
}

/**
 * The lines (1-based) of the top-level `await`s (and `for await`) in a
 * module: Node 20.19+ `require()`s an ES module only if it has none.
 */
function topLevelAwaits(ts: TypeScript, name: string, text: string): number[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest);
  const lines: number[] = [];
  const visit = (node: TsNode): void => {
    if (ts.isFunctionLike(node)) return;
    if (
      ts.isAwaitExpression(node) ||
      (ts.isForOfStatement(node) && node.awaitModifier)
    ) {
      lines.push(
        file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1,
      );
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return lines;
}

function npm(args: string[], cwd: string): string {
  return execFileSync(NPM, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
}

describe("the npm tarball in a fresh Node project", { skip: SKIP }, () => {
  let project = "";
  let pkg: PackageJson;
  let packed: PackResult;

  before(() => {
    project = mkdtempSync(join(tmpdir(), "wsgiref_consumer_"));
    pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8"));
    const output = npm(
      ["pack", "--json", "--pack-destination", project],
      PACKAGE_DIR,
    );
    packed = JSON.parse(output)[0];
    // As a new user starts: npm 11 makes it "type": "commonjs".
    npm(["init", "-y"], project);
    npm(
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        join(project, packed.filename),
      ],
      project,
    );
  });

  after(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  test("the tarball holds the modules, types, maps, bin, README and LICENSE; no tests", () => {
    const files = packed.files.map((file) => file.path).sort();
    for (
      const path of [
        "package.json",
        "README.md",
        "LICENSE",
        "esm/mod.js",
        "esm/mod.d.ts",
        "esm/mod.js.map",
        "esm/bin/wsgiref-serve.js",
        "esm/_runtime_server_node.js",
      ]
    ) {
      assert.ok(files.includes(path), `${path} is packed`);
    }
    for (const [key, target] of Object.entries(pkg.exports)) {
      assert.ok(files.includes(target.default.slice(2)), `${key}: its module`);
      assert.ok(files.includes(target.types.slice(2)), `${key}: its types`);
    }
    assert.deepEqual(files.filter((path) => path.includes("tests/")), []);
  });

  test("every entry point imports by name, exporting what the build does", () => {
    const script = `
      const pkg = ${JSON.stringify(pkg)};
      const out = {};
      for (const key of Object.keys(pkg.exports)) {
        const ns = await import(pkg.name + key.slice(1));
        out[key] = Object.keys(ns).sort();
      }
      console.log(JSON.stringify(out));
    `;
    const installed = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: project,
        encoding: "utf8",
      }),
    );
    assert.deepEqual(Object.keys(installed), Object.keys(pkg.exports));
    assert.ok(installed["."].includes("makeServer"));
    assert.ok(installed["./handlers"].includes("CGIHandler"));
    // Left out of "." by design (README's Modules table says why): /static
    // needs a file system (the root loads on workerd), /testing is for tests.
    // Names they share with another entry point (AssertionError) are in ".".
    const apart = ["./static", "./testing"];
    const elsewhere = new Set(
      Object.entries(installed)
        .filter(([key]) => key !== "." && !apart.includes(key))
        .flatMap(([, names]) => names as string[]),
    );
    for (const [key, names] of Object.entries(installed)) {
      for (const name of names as string[]) {
        assert.equal(
          installed["."].includes(name),
          !apart.includes(key) || elsewhere.has(name),
          `${key} ${name} in "."`,
        );
      }
    }
  });

  test('every entry point loads with require() (CommonJS) and import (.mjs, "type": "module")', () => {
    const keys = Object.keys(pkg.exports);
    const names = keys.map((key) => pkg.name + key.slice(1));
    const load = (verb: string): string =>
      names.map((name) =>
        `out[${JSON.stringify(name)}] = Object.keys(${verb}(${
          JSON.stringify(name)
        })).sort();\n`
      ).join("");
    // require() from the project's own .js files (CommonJS after npm init -y).
    writeFileSync(
      join(project, "load_require.js"),
      `const out = {};\n${load("require")}console.log(JSON.stringify(out));\n`,
    );
    const esm = `const out = {};\n${
      load("await import")
    }console.log(JSON.stringify(out));\n`;
    writeFileSync(join(project, "load_import.mjs"), esm);
    mkdirSync(join(project, "esm"), { recursive: true });
    writeFileSync(
      join(project, "esm", "package.json"),
      JSON.stringify({ type: "module" }),
    );
    writeFileSync(join(project, "esm", "load_import.js"), esm);
    const results = ["load_require.js", "load_import.mjs", "esm/load_import.js"]
      .map((script) => {
        const result = spawnSync(process.execPath, [script], {
          cwd: project,
          encoding: "utf8",
        });
        assert.equal(result.status, 0, `${script}: ${result.stderr}`);
        return JSON.parse(result.stdout) as Record<string, string[]>;
      });
    assert.deepEqual(Object.keys(results[0]), names);
    assert.ok(results[0]["@wsgi/wsgiref"].includes("makeServer"));
    assert.ok(results[0]["@wsgi/wsgiref/simple_server"].includes("demoApp"));
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });

  test("no module of the package has a top-level await (require() refuses them)", () => {
    const ts: TypeScript = createRequire(join(REPO, "package.json"))(
      "typescript",
    );
    const modules = packed.files.map((file) => file.path).filter((path) =>
      path.endsWith(".js")
    );
    assert.ok(modules.includes("esm/bin/wsgiref-serve.js"));
    assert.ok(modules.includes("esm/simple_server.js"));
    const found: string[] = [];
    for (const path of modules) {
      const text = readFileSync(
        join(project, "node_modules", pkg.name, path),
        "utf8",
      );
      for (const line of topLevelAwaits(ts, path, text)) {
        found.push(`${path}:${line}`);
      }
    }
    assert.deepEqual(found, []);
    // The parser does find one: the check can fail.
    assert.deepEqual(
      topLevelAwaits(ts, "x.js", "f();\nawait g();\nasync () => await h();"),
      [2],
    );
  });

  test("npx wsgiref-serve serves the project's app; SIGTERM to npx stops the server", async () => {
    // CommonJS, as npm init -y makes the project; it records the server's pid.
    writeFileSync(
      join(project, "app.js"),
      `require("node:fs").writeFileSync(__dirname + "/server.pid", String(process.pid));
module.exports = function app(environ, startResponse) {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [new TextEncoder().encode("project app " + environ.PATH_INFO)];
};
`,
    );
    const npx = spawn(NPX, [
      "--offline",
      "wsgiref-serve",
      "--port",
      "0",
      "app.js",
    ], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
    let out = "";
    let err = "";
    npx.stdout.setEncoding("utf8").on("data", (text) => out += text);
    npx.stderr.setEncoding("utf8").on("data", (text) => err += text);
    // "close": npx and every process holding its pipes (the server) ended.
    const closed = new Promise<void>((resolve) =>
      npx.once("close", () => resolve())
    );
    let serverPid = 0;
    try {
      const pattern = /^Serving HTTP on 127\.0\.0\.1 port (\d+) \.\.\.$/m;
      await until(
        () => pattern.test(out) || npx.exitCode !== null,
        20_000,
        "the Serving line",
      );
      const port = Number(pattern.exec(out)?.[1]);
      assert.ok(port, `no Serving line; stderr: ${err}`);
      serverPid = Number(readFileSync(join(project, "server.pid"), "utf8"));
      assert.notEqual(serverPid, npx.pid);
      const response = await fetch(`http://127.0.0.1:${port}/here`);
      assert.equal(await response.text(), "project app /here");

      npx.kill("SIGTERM");
      await until(() => !alive(serverPid), 10_000, "the server's exit");
      await closed;
      assert.match(err, /^Shutting down \.\.\.$/m);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
    } finally {
      if (serverPid && alive(serverPid)) process.kill(serverPid, "SIGKILL");
      if (npx.exitCode === null) npx.kill("SIGKILL");
    }
  });

  test("a server from the installed package answers a fetch", () => {
    const script = `
      import { demoApp, makeServer } from "@wsgi/wsgiref/simple_server";
      import { toFetchHandler } from "@wsgi/wsgiref/handlers";
      const httpd = makeServer("127.0.0.1", 0, demoApp, { quiet: true });
      await httpd.ready();
      const serving = httpd.serveForever();
      try {
        const response = await fetch(\`http://127.0.0.1:\${httpd.serverPort}/page?x=1\`);
        const direct = await toFetchHandler(demoApp)(new Request("http://h/direct"));
        console.log(JSON.stringify({
          status: response.status,
          length: response.headers.get("content-length"),
          text: await response.text(),
          direct: await direct.text(),
        }));
      } finally {
        await httpd.shutdown();
        await serving;
      }
    `;
    const result = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: project,
        encoding: "utf8",
        timeout: 20_000,
      }),
    );
    assert.equal(result.status, 200);
    assert.ok(result.text.startsWith("Hello world!\n\n"));
    assert.match(result.text, /^PATH_INFO = '\/page'$/m);
    assert.match(result.text, /^QUERY_STRING = 'x=1'$/m);
    assert.equal(
      Number(result.length),
      new TextEncoder().encode(result.text).length,
    );
    assert.match(result.direct, /^PATH_INFO = '\/direct'$/m);
  });

  test("its bin, wsgiref-serve, is installed and runs", () => {
    const bin = join(project, "node_modules", ".bin", Object.keys(pkg.bin)[0]);
    const help = spawnSync(bin, ["--help"], { encoding: "utf8" });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: wsgiref-serve /);
  });

  test("a TypeScript consumer type-checks against the package's .d.ts", () => {
    const imports = Object.keys(pkg.exports).map((key, i) =>
      `import * as entry${i} from "${pkg.name}${key.slice(1)}";\n` +
      `void entry${i};\n`
    ).join("");
    // In a "type": "module" folder: the consumer uses a top-level await.
    const dir = join(project, "esm");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ type: "module" }),
    );
    writeFileSync(
      join(dir, "consumer.ts"),
      `${imports}
import { makeServer, ResponseHeaders, type WSGIApplication } from "@wsgi/wsgiref";
import { toFetchHandler } from "@wsgi/wsgiref/handlers";
import type { WSGIEnvironment } from "@wsgi/wsgiref/types";

const app: WSGIApplication = (environ: WSGIEnvironment, startResponse) => {
  const headers = new ResponseHeaders([["Content-Type", "text/plain"]]);
  startResponse("200 OK", headers.items());
  return [new TextEncoder().encode(environ.PATH_INFO)];
};
const httpd = makeServer("127.0.0.1", 0, app, { quiet: true });
const port: number = httpd.serverPort;
const handler: (request: Request) => Response | Promise<Response> =
  toFetchHandler(app);
// @ts-expect-error: a string is not a ResponseBody
const bad: WSGIApplication = () => "not bytes";
void [port, handler, bad];
await httpd.shutdown();
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          types: ["node"],
          typeRoots: [join(REPO, "node_modules", "@types")],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ["consumer.ts"],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
      { cwd: dir, encoding: "utf8" },
    );
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });
});

/** Whether the process `pid` still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
