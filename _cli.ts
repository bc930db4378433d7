// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The command line of `simple_server.ts`: serve the demo app, or an app
 * module's export, until Ctrl-C or SIGTERM.
 *
 * ```sh
 * deno run -A simple_server.ts [--host H] [--port P] [--grace-period MS] [app.ts[:export]]
 * ```
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
export interface ServerModule {
  /** The default app. */
  demoApp: typeof demoApp;
  /** Makes the server. */
  makeServer: typeof makeServer;
  /** The program's name in messages. @default {"simple_server.ts"} */
  program?: string;
}

/**
 * The usage text.
 *
 * @param program The program's name.
 * @returns The text.
 */
export function usage(program: string): string {
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
export class UsageError extends Error {
  /**
   * Makes the error.
   *
   * @param message What was wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A permission Deno was not given: printed alone (it is not a usage
 * mistake), exit code 2.
 */
export class PermissionNeededError extends Error {
  /**
   * Makes the error.
   *
   * @param what What needed the permission.
   * @param flag The flag that grants it.
   */
  constructor(what: string, flag: string) {
    const access = flag.startsWith("--allow-")
      ? `${flag.slice("--allow-".length)} access`
      : "a permission";
    super(`${what} needs ${access}: run with ${flag} (or -A)`);
    this.name = "PermissionNeededError";
  }
}

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  "grace-period": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** What the command line asks for. */
export interface CliOptions {
  /** The address to bind. */
  host: string;
  /** The port. */
  port: number;
  /** How long a shutdown lets running requests finish, in ms. */
  gracePeriod: number;
  /** The app module, if any. */
  module?: string;
  /** The export to serve. */
  exportName: string;
  /** Print the usage. */
  help: boolean;
}

/**
 * Parses the command line.
 *
 * @param args The arguments, without the program.
 * @returns What they ask for.
 * @throws {UsageError} For an unknown flag, a bad port or grace period, or
 *   extra arguments.
 */
export function parseCommandLine(args: string[]): CliOptions {
  // Not strict: parseArgs' own messages quote unevenly (`as in '-- "--x"`).
  const { tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: {
    host?: string;
    port?: string;
    "grace-period"?: string;
    help?: boolean;
  } = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
    } else if (token.kind === "option") {
      const { name, rawName, value } = token;
      if (name === "help") {
        if (value !== undefined) {
          throw new UsageError(`${rawName} takes no value`);
        }
        values.help = true;
      } else if (
        name === "host" || name === "port" || name === "grace-period"
      ) {
        if (value === undefined) {
          throw new UsageError(`${rawName} needs a value`);
        }
        values[name] = value;
      } else {
        throw new UsageError(`unknown option ${rawName}`);
      }
    }
  }
  const host = values.host ?? "127.0.0.1";
  const portText = values.port ?? "8000";
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535) {
    throw new UsageError(
      `--port must be an integer from 0 to 65535, got ${
        JSON.stringify(portText)
      }`,
    );
  }
  const graceText = values["grace-period"] ?? "10000";
  const gracePeriod = Number(graceText);
  if (!/^[0-9]+$/.test(graceText) || !Number.isSafeInteger(gracePeriod)) {
    throw new UsageError(
      `--grace-period must be a non-negative integer of ms, got ${
        JSON.stringify(graceText)
      }`,
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `expected at most one app module, got ${positionals.length}: ${
        positionals.join(" ")
      }`,
    );
  }
  let module: string | undefined;
  let exportName = "default";
  if (positionals.length === 1) {
    const spec = positionals[0];
    const match = /^(.+?):([A-Za-z_$][\w$]*)$/.exec(spec);
    // "C:x" is a Windows drive, not an export.
    if (match && !/^[A-Za-z]$/.test(match[1])) {
      module = match[1];
      exportName = match[2];
    } else {
      module = spec;
    }
  }
  return {
    host,
    port,
    gracePeriod,
    module,
    exportName,
    help: values.help ?? false,
  };
}

/**
 * Imports the app: `exportName` of `module` (a path, relative to the
 * working directory, or a URL).
 *
 * @param module The module.
 * @param exportName The export.
 * @returns The app.
 * @throws {UsageError} If the module cannot be loaded or has no such function.
 * @throws {PermissionNeededError} If Deno was not allowed to load it.
 */
export async function loadApp(
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
  let options: CliOptions;
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
      writeStderr(`${name}: ${error.message}\n\n${usage(program)}`);
      exit(2);
    }
    if (error instanceof PermissionNeededError) {
      writeStderr(`${name}: ${error.message}\n`);
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
    const flag = missingPermissionFlag(error);
    if (flag) {
      const what = `listening on ${options.host} port ${options.port}`;
      writeStderr(
        `${name}: ${new PermissionNeededError(what, flag).message}\n`,
      );
      exit(2);
    }
    writeStderr(
      `${name}: cannot listen on ${options.host} port ${options.port}: ${
        (error as Error).message
      }\n`,
    );
    exit(1);
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
