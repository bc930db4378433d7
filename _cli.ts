// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The command line of `simple_server.ts`: serve the demo app, or an app
 * module's export, until Ctrl-C or SIGTERM (`usage` below).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import {
  exit,
  missingPermissionFlag,
  onNpmGone,
  onShutdownSignal,
  writeStderr,
  writeStdout,
} from "./_runtime.ts";
import type { demoApp, makeServer } from "./simple_server.ts";
import type { WSGIApplication } from "./types.ts";

/** What the CLI serves with: `simple_server`'s own functions. */
interface ServerModule {
  /** The default app. */
  demoApp: typeof demoApp;
  /** Makes the server. */
  makeServer: typeof makeServer;
  /** The program's name in messages. @default {"simple_server.ts"} */
  program?: string;
}

/** The usage text. */
function usage(program: string): string {
  return `Usage: ${program} [--host HOST] [--port PORT] [--grace-period MS]
       [MODULE[:EXPORT]]

Serves a WSGI app over HTTP: the demo app, or the export EXPORT (default:
"default") of the module MODULE, a path or URL.

Options:
  --host HOST   the address to bind (default: 127.0.0.1)
  --port PORT   the port, 0 for any free one (default: 8000)
  --grace-period MS
                how long a shutdown lets running requests finish, in
                milliseconds, before it cuts them off (default: 10000)
  -h, --help    print this help

Ctrl-C or SIGTERM stops the server gracefully; so does stopping npm when
npm started it (npx, npm start), as npm does not pass SIGTERM on.
`;
}

/** A command-line mistake: printed with the usage, exit code 2. */
class UsageError extends Error {
  override name = "UsageError";
}

/** A permission Deno was not given: printed alone (no usage), exit code 2. */
class PermissionNeededError extends UsageError {
  override name = "PermissionNeededError";

  constructor(what: string, flag: string) {
    const access = flag.startsWith("--allow-")
      ? `${flag.slice("--allow-".length)} access`
      : "a permission";
    super(`${what} needs ${access}: run with ${flag} (or -A)`);
  }
}

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  "grace-period": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The digits of `text` as a number up to `max`, else a `UsageError`. */
function integer(text: string, max: number, message: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !(n <= max)) {
    throw new UsageError(`${message}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** Parses the command line (without the program). */
function parseCommandLine(args: string[]) {
  // Not strict: parseArgs' own messages quote unevenly (`as in '-- "--x"`).
  const { tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | undefined> = {};
  const positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const { name, rawName, value } = token;
    if (!Object.hasOwn(OPTIONS, name)) {
      throw new UsageError(`unknown option ${rawName}`);
    } else if (name === "help") {
      if (value !== undefined) {
        throw new UsageError(`${rawName} takes no value`);
      }
      help = true;
    } else if (value === undefined) {
      throw new UsageError(`${rawName} needs a value`);
    } else values[name] = value;
  }
  const host = values.host ?? "127.0.0.1";
  const port = integer(
    values.port ?? "8000",
    65535,
    "--port must be an integer from 0 to 65535",
  );
  const gracePeriod = integer(
    values["grace-period"] ?? "10000",
    Number.MAX_SAFE_INTEGER,
    "--grace-period must be a non-negative integer of ms",
  );
  if (positionals.length > 1) {
    throw new UsageError(
      `expected at most one app module, got ${positionals.length}: ${
        positionals.join(" ")
      }`,
    );
  }
  // MODULE:EXPORT, but a one-letter MODULE ("C:x") is a Windows drive.
  const match = /^(.{2,}?):([A-Za-z_$][\w$]*)$/.exec(positionals[0] ?? "");
  const module = match?.[1] ?? positionals[0];
  const exportName = match?.[2] ?? "default";
  return { host, port, gracePeriod, module, exportName, help };
}

/** Imports `exportName` of `module` (a path, or a URL). */
async function loadApp(
  module: string,
  exportName: string,
): Promise<WSGIApplication> {
  const url =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(module) || module.startsWith("file:")
      ? module
      : pathToFileURL(module).href;
  let namespace: Record<string, unknown>;
  try {
    namespace = await import(url);
  } catch (error) {
    const flag = missingPermissionFlag(error);
    if (flag) {
      throw new PermissionNeededError(`loading the app module ${module}`, flag);
    }
    if (
      (error as { code?: string }).code === "ERR_UNKNOWN_FILE_EXTENSION" &&
      /\.[cm]?tsx?$/.test(module)
    ) {
      throw new UsageError(
        `cannot load the app module ${module}: this Node cannot run ` +
          "TypeScript; give it the module compiled to JavaScript, or use " +
          "Node 22.18 or later (in a clone of wsgiref, `npm run build` " +
          "compiles examples/ to npm/esm/examples/)",
      );
    }
    throw new UsageError(
      `cannot load the app module ${module}: ${(error as Error).message}`,
    );
  }
  const app = namespace[exportName];
  if (typeof app !== "function") {
    const names = Object.keys(namespace).filter((name) =>
      typeof namespace[name] === "function"
    );
    throw new UsageError(
      `${module} has no export ${
        JSON.stringify(exportName)
      } that is a WSGI app (a function)` +
        (names.length > 0 ? `; its functions: ${names.join(", ")}` : ""),
    );
  }
  return app as WSGIApplication;
}

/**
 * Runs the command line: serves until Ctrl-C or SIGTERM, then exits 0; a
 * usage mistake exits 2.
 *
 * @param server `simple_server`'s `demoApp` and `makeServer`.
 * @param args The arguments, without the program.
 */
export async function main(
  server: ServerModule,
  args: string[] = programArgs(),
): Promise<void> {
  const { demoApp, makeServer, program = "simple_server.ts" } = server;
  const name = program.replace(/\.ts$/, "");
  let options: ReturnType<typeof parseCommandLine>;
  let app: WSGIApplication = demoApp;
  try {
    options = parseCommandLine(args);
    if (options.help) {
      writeStdout(usage(program));
      return;
    }
    if (options.module !== undefined) {
      app = await loadApp(options.module, options.exportName);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error instanceof PermissionNeededError ? "" : usage(program);
      writeStderr(`${name}: ${error.message}\n${help ? "\n" + help : ""}`);
      exit(2);
    }
    throw error;
  }
  let httpd;
  try {
    httpd = makeServer(options.host, options.port, app, {
      gracePeriod: options.gracePeriod,
    });
  } catch (error) {
    const where = `${options.host} port ${options.port}`;
    const flag = missingPermissionFlag(error);
    const message = flag
      ? new PermissionNeededError(`listening on ${where}`, flag).message
      : `cannot listen on ${where}: ${(error as Error).message}`;
    writeStderr(`${name}: ${message}\n`);
    exit(flag ? 2 : 1);
  }
  await httpd.ready();
  writeStdout(`Serving HTTP on ${options.host} port ${httpd.serverPort} ...\n`);
  const shutdown = (): void => {
    writeStderr("Shutting down ...\n");
    void httpd.shutdown();
  };
  const stopSignals = onShutdownSignal(shutdown);
  const stopWatching = onNpmGone(shutdown);
  try {
    await httpd.serveForever();
  } finally {
    stopSignals();
    stopWatching();
  }
  exit(0);
}

function programArgs(): string[] {
  const g = globalThis as {
    Deno?: { args: string[] };
    process?: { argv: string[] };
  };
  return g.Deno?.args ?? g.process?.argv.slice(2) ?? [];
}
