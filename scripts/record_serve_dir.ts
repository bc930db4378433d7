// Copyright 2026 the wsgiref authors. MIT license.
/**
 * Records what Deno std's `serveDir` answers to the requests of
 * `tests/_static_tree.ts` on that tree, into
 * `tests/_serve_dir_answers.ts`, which `tests/static_test.ts`
 * replays against `staticFiles`. Needs a checkout of denoland/std (JSR is
 * out of reach here): pass its path.
 *
 * ```sh
 * deno run -A scripts/record_serve_dir.ts /path/to/std
 * ```
 *
 * @module
 */

import { rmSync } from "node:fs";
import {
  makeStaticTree,
  recordAnswer,
  SERVE_DIR_REQUESTS,
} from "../tests/_static_tree.ts";

const std = Deno.args[0];
if (!std) {
  console.error("usage: deno run -A scripts/record_serve_dir.ts /path/to/std");
  Deno.exit(2);
}
const { tmp, root } = makeStaticTree();
const server = `${std}/.record_serve_dir_server.ts`;
await Deno.writeTextFile(
  server,
  `import { serveDir } from "./http/file_server.ts";
Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(port) },
  (request) => serveDir(request, { fsRoot: ${
    JSON.stringify(root)
  }, quiet: true }),
);`,
);
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "--no-lock", "--config", `${std}/deno.json`, server],
  stdout: "piped",
}).spawn();
try {
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await lines.read()).value!.trim());
  lines.releaseLock();
  const version = JSON.parse(
    await Deno.readTextFile(`${std}/http/deno.json`),
  ).version;
  const answers = [];
  for (const request of SERVE_DIR_REQUESTS) {
    const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
      method: request.method,
      headers: request.headers,
      redirect: "manual",
    });
    answers.push({ request, answer: await recordAnswer(response) });
  }
  const out = new URL("../tests/_serve_dir_answers.ts", import.meta.url);
  await Deno.writeTextFile(
    out,
    `// Copyright 2026 the wsgiref authors. MIT license.
// Recorded by scripts/record_serve_dir.ts: do not edit.
import type { ServeDirRecording } from "./_static_tree.ts";

/** What Deno std's serveDir answered to tests/_static_tree.ts's requests. */
export const SERVE_DIR_ANSWERS: ServeDirRecording = ${
      JSON.stringify({ std: `@std/http ${version}`, answers })
    };
`,
  );
  await new Deno.Command(Deno.execPath(), { args: ["fmt", out.pathname] })
    .output();
  console.log(`recorded ${answers.length} answers of @std/http ${version}`);
} finally {
  child.kill();
  await child.status;
  await Deno.remove(server);
  rmSync(tmp, { recursive: true, force: true });
}
