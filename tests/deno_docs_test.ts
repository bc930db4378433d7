// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Every code block the documents show is run, as written: README.md,
 * CONTRIBUTING.md and every `.md` under `docs/`.
 *
 * A fenced block whose language is `ts` or `js` (without `ignore`) is a doc
 * test: `deno test --doc` type-checks and runs it. Any other block (`sh`,
 * `json`, `ts ignore` for a server…) needs an annotation on the line just
 * before it, which says how to run and check it; a block with neither fails
 * this test, naming its file and line. An annotation is one HTML comment of
 * steps, run in order:
 *
 * ```md
 * <!-- doc-test: in my-app; save server.ts; start deno run -A server.ts; get http://127.0.0.1:8000/ Hello -->
 * ```
 *
 * | step            | does                                                                      |
 * | --------------- | ------------------------------------------------------------------------- |
 * | `in DIR`        | work in the sandbox's `DIR` (made if missing; default `wsgiref`)          |
 * | `copy PATH`     | copy the sandbox's file `PATH` into `DIR`                                 |
 * | `save NAME`     | write the block to `DIR/NAME`                                             |
 * | `run`           | run the block as one `bash -e` script in `DIR`; it must exit 0            |
 * | `exec CMD`      | run `CMD` the same way (for a block saved as a file)                      |
 * | `expect TEXT`   | the server, or else the last `run`/`exec`, printed `TEXT` (any stream)      |
 * | `start [CMD]`   | start the block (or `CMD`), a server, until the block's checks are done   |
 * | `stop [CODE]`   | SIGTERM to the server now; it must exit (with `CODE`, if given)           |
 * | `get URL TEXT`  | `URL` answers 2xx with `TEXT` in its body (retried while the server starts) |
 * | `scripts [WHY]` | each line is `npm ci` (run) or an npm script / deno task (must exist)     |
 * | `skip WHY`      | not run; the test is reported skipped with `WHY`                          |
 *
 * The sandbox is a temporary directory holding `wsgiref/`, a copy of this
 * repository's files (tracked and new ones, as `git ls-files` lists them,
 * with their working-tree content), and the users' own projects beside it.
 * Blocks run in document order (README.md first), sharing the sandbox, so a
 * later block can use what an earlier one installed or built. `npm` runs
 * from its cache (the lock file's packages are there once the repository's
 * own `npm ci` ran); `deno` is the Deno running this test. A server is
 * stopped with SIGTERM to its process group (npm's Deno wrapper does not pass
 * the signal on): by a `stop` step, which checks that one SIGTERM is enough,
 * or else at the end of its block.
 *
 * @module
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The npm package's README (scripts/build_npm.ts): its links are the package's. */
const NPM_README = "docs/npm-README.md";
const decoder = new TextDecoder();

/** One step of an annotation: its verb and the rest of its text. */
interface Step {
  verb: string;
  arg: string;
}

/** A fenced code block of a document. */
interface Block {
  /** The document, relative to the repository. */
  file: string;
  /** The line of the opening fence (1-based). */
  line: number;
  /** The info string's first word (`sh`, `ts`…). */
  lang: string;
  /** Whether the info string says `ignore` (not a doc test). */
  ignore: boolean;
  text: string;
  /** The annotation's steps, if it has one. */
  steps?: Step[];
}

const VERBS = new Set([
  "in",
  "copy",
  "save",
  "run",
  "exec",
  "expect",
  "start",
  "get",
  "stop",
  "scripts",
  "skip",
]);
const DOC_TEST_LANGS = new Set([
  "ts",
  "js",
  "tsx",
  "jsx",
  "typescript",
  "javascript",
]);
const ANNOTATION = /^<!--\s*doc-test:(.*?)-->\s*$/;
const FENCE = /^\s*(`{3,}|~{3,})\s*(.*)$/;

/** The documents: README.md first, then CONTRIBUTING.md, then docs/. */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, "docs"), { recursive: true })
    .map(String).filter((path) => path.endsWith(".md"))
    .map((path) => join("docs", path)).sort();
  return ["README.md", "CONTRIBUTING.md", ...docs]
    .filter((file) => existsSync(join(ROOT, file)));
}

/** The fenced blocks of one document, each with its annotation's steps. */
function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, fence, info] = open;
    const start = i;
    while (++i < lines.length && !lines[i].trimStart().startsWith(fence));
    const words = info.trim().split(/\s+/);
    let before = start - 1;
    while (before >= 0 && lines[before].trim() === "") before--;
    const annotation = before >= 0 ? ANNOTATION.exec(lines[before]) : null;
    blocks.push({
      file,
      line: start + 1,
      lang: words[0] ?? "",
      ignore: words.includes("ignore"),
      text: lines.slice(start + 1, i).join("\n") + "\n",
      steps: annotation?.[1].split(";").map((step) => step.trim())
        .filter(Boolean).map((step) => {
          const space = step.search(/\s/);
          // `scripts: why` reads better than `scripts why`: both work.
          const verb = (space < 0 ? step : step.slice(0, space)).replace(
            /:$/,
            "",
          );
          return { verb, arg: space < 0 ? "" : step.slice(space + 1).trim() };
        }),
    });
  }
  return blocks;
}

function where(block: Block): string {
  return `${block.file}:${block.line}`;
}

/** What is wrong with a block's coverage, or `undefined` if it is run. */
function problemOf(block: Block): string | undefined {
  if (block.steps === undefined) {
    if (DOC_TEST_LANGS.has(block.lang) && !block.ignore) return undefined;
    return `${where(block)}: a \`\`\`${block.lang} block with no ` +
      "<!-- doc-test: … --> annotation before it (see tests/deno_docs_test.ts)";
  }
  const unknown = block.steps.filter((step) => !VERBS.has(step.verb));
  if (unknown.length > 0) {
    return `${where(block)}: unknown doc-test step ${
      unknown.map((step) => JSON.stringify(step.verb)).join(", ")
    }`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Processes

/**
 * Commands see the Deno running this test first, the tools the repository's
 * `npm ci` installed (Bun, workerd) last, and npm preferring its cache.
 */
const ENV = {
  ...Deno.env.toObject(),
  PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}:${
    join(ROOT, "node_modules", ".bin")
  }`,
  DENO_NO_UPDATE_CHECK: "1",
  RUST_BACKTRACE: "0",
  NO_COLOR: "1",
  npm_config_prefer_offline: "true",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
};

/** A shell script in a process group of its own, its output collected. */
class Job {
  readonly #child: Deno.ChildProcess;
  readonly #chunks: Uint8Array[] = [];
  readonly #reading: Promise<unknown>;
  readonly status: Promise<Deno.CommandStatus>;
  exited = false;

  constructor(script: string, cwd: string) {
    // setsid: the script and all it starts (npm, then Deno) form one group.
    this.#child = new Deno.Command("setsid", {
      args: ["bash", "-e", "-c", script],
      cwd,
      env: ENV,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = Promise.all(
      [this.#child.stdout, this.#child.stderr].map(async (stream) => {
        for await (const chunk of stream) this.#chunks.push(chunk);
      }),
    );
    this.status = this.#child.status.then(async (status) => {
      this.exited = true;
      await this.#reading;
      return status;
    });
  }

  /** Everything printed so far, stdout and stderr interleaved. */
  get output(): string {
    return this.#chunks.map((chunk) => decoder.decode(chunk)).join("");
  }

  /** Signals the whole group (it may be gone already). */
  signal(signal: Deno.Signal): void {
    try {
      Deno.kill(-this.#child.pid, signal);
    } catch {
      // already exited
    }
  }

  /** The status, or `undefined` after `ms`. */
  async wait(ms: number): Promise<Deno.CommandStatus | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([this.status, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * SIGTERM, then SIGKILL if the group is still there after `ms`; with
   * `twice`, a second SIGTERM after 5 s, as a user would press Ctrl-C again.
   */
  async stop(ms = 15_000, twice = false): Promise<boolean> {
    this.signal("SIGTERM");
    if (twice && await this.wait(5000)) return true;
    if (twice) this.signal("SIGTERM");
    if (await this.wait(ms)) return true;
    this.signal("SIGKILL");
    await this.status;
    return false;
  }
}

/** Runs `script` to its end (at most `ms`); it must exit 0. */
async function runScript(script: string, cwd: string, ms = 180_000) {
  const job = new Job(script, cwd);
  const status = await job.wait(ms);
  if (!status) await job.stop(1000);
  assert.ok(status, `timed out after ${ms} ms: ${script}\n${job.output}`);
  assert.equal(
    status.code,
    0,
    `exit code ${status.code}: ${script.trim()}\n${job.output}`,
  );
  return job.output;
}

/** Waits (up to 30 s) until nothing listens on 127.0.0.1:`port`. */
async function portFree(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return;
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
      if (Date.now() > deadline) {
        throw new Error(`port ${port} is in use by another process`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** `url`'s body once it answers, retried while `server` starts (30 s). */
async function get(url: string, server: Job | undefined): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(10_000),
      });
      const body = await response.text();
      assert.ok(response.ok, `${url} answered ${response.status}: ${body}`);
      return body;
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // not refused: a failure
      if (server?.exited) {
        throw new Error(
          `the server exited before ${url} answered:\n${server.output}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${url} did not answer in 30 s:\n${server?.output ?? ""}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The script names of package.json and the task names of deno.json. */
function scriptNames(dir: string): { npm: string[]; deno: string[] } {
  const read = (name: string) =>
    JSON.parse(readFileSync(join(dir, name), "utf8"));
  return {
    npm: Object.keys(read("package.json").scripts ?? {}),
    deno: Object.keys(read("deno.json").tasks ?? {}),
  };
}

/**
 * `scripts`: a block of `npm ci` and script names. The scripts themselves are
 * the suite, the checks and the benchmarks, which this test cannot run (the
 * suite includes this very test): each must exist where the line says.
 */
async function checkScripts(block: Block, cwd: string): Promise<void> {
  const names = scriptNames(cwd);
  for (const raw of block.text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line === "") continue;
    if (line === "npm ci") {
      await runScript(line, cwd);
      continue;
    }
    const npm = /^npm (?:run )?(\S+)/.exec(line);
    const task = /^deno task (\S+)/.exec(line);
    if (npm && npm[1] !== "run") {
      assert.ok(
        names.npm.includes(npm[1]),
        `${where(block)}: no npm script ${npm[1]}`,
      );
    } else if (task) {
      assert.ok(
        names.deno.includes(task[1]),
        `${where(block)}: no deno task ${task[1]}`,
      );
    } else {
      assert.fail(`${where(block)}: "${line}" is neither npm ci nor a script`);
    }
  }
}

/** Runs one annotated block's steps in `sandbox`. */
async function runBlock(block: Block, sandbox: string): Promise<void> {
  let cwd = join(sandbox, "wsgiref");
  let output = "";
  let server: Job | undefined;
  const steps = block.steps ?? [];
  try {
    for (const { verb, arg } of steps) {
      switch (verb) {
        case "in":
          cwd = join(sandbox, arg);
          await Deno.mkdir(cwd, { recursive: true });
          break;
        case "copy":
          await Deno.copyFile(join(sandbox, arg), join(cwd, basename(arg)));
          break;
        case "save":
          await Deno.writeTextFile(join(cwd, arg), block.text);
          break;
        case "run":
          output = await runScript(block.text, cwd);
          break;
        case "exec":
          output = await runScript(arg, cwd);
          break;
        case "expect": {
          // A server's output arrives through a pipe: give it a moment.
          const deadline = Date.now() + (server ? 5000 : 0);
          while (
            server && !server.output.includes(arg) && Date.now() < deadline
          ) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          const printed = server ? server.output : output;
          assert.ok(printed.includes(arg), `expected "${arg}" in:\n${printed}`);
          break;
        }
        case "start": {
          // A server the docs start on a fixed port: wait for another to go.
          for (const step of steps.filter((step) => step.verb === "get")) {
            const port = new URL(step.arg.split(" ")[0]).port;
            if (port) await portFree(Number(port));
          }
          server = new Job(arg || block.text, cwd);
          break;
        }
        case "get": {
          const [url, ...text] = arg.split(" ");
          const body = await get(url, server);
          assert.ok(
            body.includes(text.join(" ")),
            `expected "${text.join(" ")}" from ${url}, got:\n${body}`,
          );
          break;
        }
        case "stop": {
          assert.ok(server, "stop: no server was started");
          assert.ok(await server.stop(), `SIGTERM ignored:\n${server.output}`);
          const { code } = await server.status;
          if (arg) {
            assert.equal(String(code), arg, `exit code:\n${server.output}`);
          }
          break;
        }
        case "scripts":
          await checkScripts(block, cwd);
          break;
      }
    }
  } finally {
    if (server && !server.exited) {
      // Clean-up, not a check (`stop` is one): `deno serve --parallel` (Deno
      // 2.9.5) misses a SIGTERM sent while its second worker starts.
      const stopped = await server.stop(15_000, true);
      assert.ok(stopped, `the server ignored SIGTERM:\n${server.output}`);
    }
  }
}

/** Copies the repository's files (working-tree content) into `dest`. */
async function copyRepository(dest: string): Promise<void> {
  const listed = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  assert.ok(listed.success, "git ls-files failed");
  for (const path of decoder.decode(listed.stdout).split("\0")) {
    const from = join(ROOT, path);
    if (path === "" || !existsSync(from)) continue; // deleted, not committed
    await Deno.mkdir(dirname(join(dest, path)), { recursive: true });
    await Deno.copyFile(from, join(dest, path));
    await Deno.chmod(join(dest, path), (await Deno.stat(from)).mode! & 0o777);
  }
}

/** The relative link targets of a Markdown text, without their `#fragment`. */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1].split("#")[0])
    .filter((target) => target !== "" && !/^[a-z][a-z+.-]*:/i.test(target));
}

// ---------------------------------------------------------------------------

const BLOCKS = documents().flatMap(blocksOf);

describe("the documents' code blocks, run as written", () => {
  let sandbox = "";

  before(async () => {
    sandbox = await Deno.makeTempDir({ prefix: "wsgiref_docs_" });
    await copyRepository(join(sandbox, "wsgiref"));
  });

  after(async () => {
    if (sandbox) await Deno.remove(sandbox, { recursive: true });
  });

  test("every fenced block is a doc test or has a doc-test annotation", () => {
    const problems = BLOCKS.map(problemOf).filter(Boolean);
    assert.deepEqual(problems, [], problems.join("\n"));
  });

  test("every relative link of a document leads to a file of the repository", () => {
    const broken: string[] = [];
    for (const file of documents().filter((file) => file !== NPM_README)) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const target of relativeLinks(text)) {
        if (!existsSync(join(ROOT, dirname(file), target))) {
          broken.push(`${file}: ${target}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  for (const block of BLOCKS) {
    if (block.steps === undefined || problemOf(block)) continue;
    const skip = block.steps.find((step) => step.verb === "skip");
    test(
      `${where(block)} (${block.lang}) runs as the document says`,
      { skip: skip && (skip.arg || "skipped") },
      () => runBlock(block, sandbox),
    );
  }

  // After the blocks: the README's own steps built and packed the package.
  test("the npm package's README links only to files it holds, or to URLs", async () => {
    const dir = join(sandbox, "wsgiref", "npm");
    assert.ok(existsSync(dir), "no npm/: the README's build step did not run");
    const packed = JSON.parse(
      await runScript("npm pack --dry-run --json 2>/dev/null", dir),
    )[0].files.map((file: { path: string }) => file.path);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    const outside = relativeLinks(readme)
      .filter((target) => !packed.includes(target.replace(/^\.\//, "")));
    assert.deepEqual(outside, []);
  });
});
