// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A worker that imports every entry point of the package (`mod.ts`) and
 * answers, as JSON, what each part that needs a process does on workerd:
 * `readEnviron()`, `SYS_VERSION`, `CGIHandler`, `makeServer` (workerd has
 * no server to listen with: `ready()` rejects), and an app error's page (its
 * traceback goes to standard error, or `console.error`). Bundled and
 * run by `tests/deno_workerd_test.ts`: loading it at all is the first check.
 *
 * @module
 */

import * as wsgiref from "../../mod.ts";

/** What a call did: its value, or the error it threw, by name and message. */
async function outcome(call: () => unknown): Promise<unknown> {
  try {
    return { value: await call() };
  } catch (error) {
    return { threw: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

export default {
  async fetch(): Promise<Response> {
    const answers = {
      exports: Object.keys(wsgiref).length,
      readEnviron: await outcome(() =>
        Object.keys(wsgiref.readEnviron()).length
      ),
      SYS_VERSION: wsgiref.SYS_VERSION,
      CGIHandler: await outcome(() => typeof new wsgiref.CGIHandler()),
      makeServer: await outcome(async () => {
        const server = wsgiref.makeServer("127.0.0.1", 0, wsgiref.demoApp, {
          quiet: true,
        });
        try {
          return typeof await server.ready();
        } finally {
          await server.shutdown();
        }
      }),
      errorPage: await outcome(async () => {
        const fetch = wsgiref.toFetchHandler(() => {
          throw new Error("app error");
        });
        return (await fetch(new Request("http://localhost/"))).status;
      }),
    };
    return Response.json(answers);
  },
};
