// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The parts of `handlers.ts` that read the process itself: `readEnviron()`
 * and the CGI handlers' flags, in this process (`Deno.env`) and in a child
 * `deno` with a crafted environment. Deno only.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readEnviron } from "../handlers.ts";

const HANDLERS = import.meta.resolve("../handlers.ts");
const decoder = new TextDecoder();

/** Runs `code` in a child `deno` with `env` added to this environment. */
async function denoEval(
  code: string,
  env: Record<string, string>,
  flags: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: flags.length ? ["run", ...flags, "-"] : ["eval", code],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    stdin: flags.length ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (flags.length) {
    const writer = result.stdin.getWriter();
    await writer.write(new TextEncoder().encode(code));
    await writer.close();
  }
  const output = await result.output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

describe("readEnviron()", () => {
  test("transcodes request variables to bytes-in-unicode and copies the rest", () => {
    const vars: Record<string, [string, string]> = {
      HTTP_X_WSGIREF_TEST: ["é", "Ã©"],
      SSL_WSGIREF_TEST: ["é", "Ã©"],
      REDIRECT_HTTP_WSGIREF_TEST: ["€", "â\x82¬"],
      REDIRECT_REDIRECT_SSL_WSGIREF_TEST: ["é", "Ã©"],
      HTTP_WSGIREF_ASCII: ["plain", "plain"],
      WSGIREF_OTHER_TEST: ["é", "é"],
      REDIRECT_WSGIREF_OTHER_TEST: ["é", "é"],
    };
    try {
      for (const [key, [value]] of Object.entries(vars)) {
        Deno.env.set(key, value);
      }
      const environ = readEnviron();
      for (const [key, [, expected]] of Object.entries(vars)) {
        assert.equal(environ[key], expected, key);
      }
      environ.HTTP_X_WSGIREF_TEST = "changed";
      assert.equal(Deno.env.get("HTTP_X_WSGIREF_TEST"), "é");
      assert.notEqual(readEnviron(), readEnviron());
    } finally {
      for (const key of Object.keys(vars)) Deno.env.delete(key);
    }
  });

  test("every CGI request variable is transcoded, in a child process", async () => {
    const keys = [
      "SCRIPT_NAME",
      "PATH_INFO",
      "QUERY_STRING",
      "REQUEST_METHOD",
      "AUTH_TYPE",
      "CONTENT_TYPE",
      "CONTENT_LENGTH",
      "HTTPS",
      "REMOTE_USER",
      "REMOTE_IDENT",
      "REDIRECT_QUERY_STRING",
    ];
    const env: Record<string, string> = { LANG_WSGIREF_TEST: "é" };
    for (const key of keys) env[key] = `/café/${key}`;
    const result = await denoEval(
      `import { readEnviron } from ${JSON.stringify(HANDLERS)};
       const e = readEnviron();
       console.log(JSON.stringify(Object.fromEntries(
         ${
        JSON.stringify([...keys, "LANG_WSGIREF_TEST"])
      }.map((k) => [k, e[k]]),
       )));`,
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(result.stdout);
    for (const key of keys) assert.equal(seen[key], `/cafÃ©/${key}`, key);
    assert.equal(seen.LANG_WSGIREF_TEST, "é");
  });
});

describe("CGIHandler", () => {
  test("runs once, single-threaded, multi-process, with the environment transcoded", async () => {
    const result = await denoEval(
      `import { CGIHandler } from ${JSON.stringify(HANDLERS)};
       await new CGIHandler().run((environ, startResponse) => {
         startResponse("200 OK", [["Content-Type", "application/json"]]);
         return [new TextEncoder().encode(JSON.stringify([
           environ.PATH_INFO,
           environ["wsgi.run_once"],
           environ["wsgi.multithread"],
           environ["wsgi.multiprocess"],
         ]))];
       });`,
      {
        REQUEST_METHOD: "GET",
        SCRIPT_NAME: "/app",
        PATH_INFO: "/café",
        SERVER_NAME: "localhost",
        SERVER_PORT: "80",
        SERVER_PROTOCOL: "HTTP/1.1",
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.stringify(["/cafÃ©", true, false, true]);
    assert.equal(
      result.stdout,
      "Status: 200 OK\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${
          new TextEncoder().encode(body).length
        }\r\n\r\n${body}`,
    );
  });

  test("without --allow-env the error says so", async () => {
    const result = await denoEval(
      `import { CGIHandler } from ${JSON.stringify(HANDLERS)};
       try {
         new CGIHandler();
         console.log("no error");
       } catch (error) {
         console.log(error.message);
       }`,
      {},
      ["--no-prompt", "--allow-read"],
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /--allow-env/);
  });
});
