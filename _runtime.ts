// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The runtime edge for process I/O: the standard streams and the environment,
 * on Deno or on Node. Only this module (and the server's own runtime module)
 * touches `Deno.*` or `process`.
 *
 * @module
 */

interface DenoWriter {
  writable: WritableStream<Uint8Array>;
  writeSync(p: Uint8Array): number;
}

interface DenoLike {
  stdin: { readable: ReadableStream<Uint8Array> };
  stdout: DenoWriter;
  stderr: DenoWriter;
  env: {
    toObject(): Record<string, string>;
    get(key: string): string | undefined;
  };
  readFileSync?(path: string): Uint8Array;
  readTextFileSync(path: string): string;
  ppid: number;
  unrefTimer(id: number): void;
  permissions: {
    querySync(descriptor: { name: string; path?: string; variable?: string }): {
      state: string;
    };
  };
  build: { os: string };
  exit(code: number): never;
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  version: { deno: string };
  errors: { NotCapable?: new () => Error };
}

interface NodeStreamLike {
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
  on(event: "error", handler: (error: Error) => void): void;
}

/** Node's `process`; workerd's (Node's APIs in a Worker) may lack parts. */
interface ProcessLike {
  stdin?: NodeReadableLike;
  stdout?: NodeStreamLike;
  stderr?: NodeStreamLike;
  env?: Record<string, string | undefined>;
  versions?: { node?: string; bun?: string };
  ppid: number;
  getBuiltinModule?(id: "node:fs"): {
    readFileSync(path: string, encoding: "utf8"): string;
  };
  exit(code: number): never;
  on(event: string, handler: () => void): void;
  off(event: string, handler: () => void): void;
}

const deno = (globalThis as { Deno?: DenoLike }).Deno;
const process = deno
  ? undefined
  : (globalThis as { process?: ProcessLike }).process;

/**
 * The runtime's name and version (`Deno/2.9.5`, `Node/20.20.2`), else its
 * `navigator.userAgent` (workerd's `process` may have no `versions`).
 */
export function runtimeVersion(): string {
  if (deno) return `Deno/${deno.version.deno}`;
  const versions = process?.versions;
  if (versions?.bun) return `Bun/${versions.bun}`;
  if (versions?.node) return `Node/${versions.node}`;
  const agent = (globalThis as { navigator?: { userAgent?: unknown } })
    .navigator?.userAgent;
  return typeof agent === "string" && agent !== "" ? agent : "unknown";
}

/** The process's standard input as a web stream. */
export function stdinStream(): ReadableStream<Uint8Array> {
  if (deno) return deno.stdin.readable;
  if (process?.stdin) return stdinOf(process.stdin);
  throw new Error("this runtime has no standard input: expected Deno or Node");
}

/** A Node readable stream, as `pulledStream` uses it. */
export interface NodeReadableLike {
  pause(): void;
  resume(): void;
  /** A socket's (a pipe's, a terminal's): whether it keeps the process alive. */
  ref?(): void;
  unref?(): void;
  on(event: "data", handler: (chunk: Uint8Array) => void): void;
  once(event: "end" | "close", handler: () => void): void;
  once(event: "error", handler: (error: Error) => void): void;
}

/** What a `pulledStream` does besides reading; each hook is optional. */
export interface PullHooks {
  /** Between pulls (default: `pause()`). */
  idle?(): void;
  /** On each pull, before the stream resumes. */
  pull?(): void;
  /** When the web stream is cancelled (default: `idle`). */
  cancel?(): void;
  /** On `close` before the end: the error to end the web stream with. */
  closed?(): Error | undefined;
}

/**
 * A Node readable stream as a web stream read only when pulled: paused
 * (`idle`) whenever the web stream's queue is full, resumed on the next
 * pull, so nothing is read ahead of the reader.
 */
export function pulledStream(
  stream: NodeReadableLike,
  hooks: PullHooks = {},
): ReadableStream<Uint8Array> {
  let done = false;
  const idle = hooks.idle ?? (() => stream.pause());
  return new ReadableStream<Uint8Array>({
    start(controller): void {
      idle();
      stream.on("data", (chunk) => {
        if (done) return;
        controller.enqueue(
          new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        );
        if ((controller.desiredSize ?? 0) <= 0) idle();
      });
      stream.once("end", () => {
        if (!done) controller.close();
        done = true;
      });
      stream.once("error", (error) => {
        if (!done) controller.error(error);
        done = true;
      });
      const closed = hooks.closed;
      if (closed !== undefined) {
        stream.once("close", () => {
          const error = done ? undefined : closed();
          if (error !== undefined) controller.error(error);
          done = true;
        });
      }
    },
    pull(): void {
      hooks.pull?.();
      stream.resume();
    },
    cancel(): void {
      done = true;
      (hooks.cancel ?? idle)();
    },
    // Pulled only when a read waits: nothing is read ahead of the reader.
  }, { highWaterMark: 0 });
}

/** A read's result (the type is not global in Node's types). */
export type ReadResult = Awaited<
  ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>
>;

/**
 * How `promise` settled if it did within `turns` microtask turns (a byte
 * body ends that fast), else `undefined`.
 */
export async function peek(
  promise: Promise<ReadResult>,
  turns: number,
): Promise<ReadResult | Error | undefined> {
  let outcome: ReadResult | Error | undefined;
  promise.then(
    (result) => outcome = result,
    (error) =>
      outcome = error instanceof Error ? error : new Error(String(error)),
  );
  for (let i = 0; i < turns && outcome === undefined; i++) await null;
  return outcome;
}

/**
 * Standard input, unref'd between pulls: a paused pipe still reads ahead,
 * and a CGI script must not wait for the server to close it.
 */
function stdinOf(stdin: NodeReadableLike): ReadableStream<Uint8Array> {
  return pulledStream(stdin, {
    idle(): void {
      stdin.pause();
      stdin.unref?.();
    },
    pull: () => stdin.ref?.(),
  });
}

/** Streams given an `error` listener (see `nodeWritable`). */
const LISTENED = new WeakSet<NodeStreamLike>();

function nodeWritable(stream: NodeStreamLike): WritableStream<Uint8Array> {
  // A closed pipe (EPIPE) reaches each write's callback: the event must not.
  if (!LISTENED.has(stream)) {
    LISTENED.add(stream);
    stream.on("error", () => {});
  }
  return new WritableStream({
    write(chunk): Promise<void> {
      return new Promise((resolve, reject) => {
        stream.write(chunk, (error) => error ? reject(error) : resolve());
      });
    },
  });
}

/** The process's standard output as a web stream. */
export function stdoutStream(): WritableStream<Uint8Array> {
  if (deno) return deno.stdout.writable;
  if (process?.stdout) return nodeWritable(process.stdout);
  throw new Error("this runtime has no standard output: expected Deno or Node");
}

/** The process's standard error as a web stream. */
export function stderrStream(): WritableStream<Uint8Array> {
  if (deno) return deno.stderr.writable;
  if (process?.stderr) return nodeWritable(process.stderr);
  throw new Error("this runtime has no standard error: expected Deno or Node");
}

const encoder = new TextEncoder();
const PROC_ENVIRON = "/proc/self/environ";

function writeAllSync(stream: DenoWriter, text: string): void {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) {
    written += stream.writeSync(bytes.subarray(written));
  }
}

/** Writes `text` to the process's standard error at once (for logs). */
export function writeStderr(text: string): void {
  if (deno) writeAllSync(deno.stderr, text);
  else if (process?.stderr) {
    process.stderr.write(encoder.encode(text), () => {});
  } else console.error(text.replace(/\n$/, ""));
}

/** Writes `text` to the process's standard output at once. */
export function writeStdout(text: string): void {
  if (deno) writeAllSync(deno.stdout, text);
  else if (process?.stdout) {
    process.stdout.write(encoder.encode(text), () => {});
  } else console.log(text.replace(/\n$/, ""));
}

/** Ends the process. */
export function exit(code: number): never {
  if (deno) return deno.exit(code);
  if (process) return process.exit(code);
  throw new Error(`exit(${code}): this runtime cannot end the process`);
}

const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM"];

/** Calls `handler` on Ctrl-C (SIGINT) or SIGTERM. */
export function onShutdownSignal(handler: () => void): () => void {
  const listen = deno
    ? (s: string) => deno.addSignalListener(s, handler)
    : (s: string) => process?.on(s, handler);
  const unlisten = deno
    ? (s: string) => deno.removeSignalListener(s, handler)
    : (s: string) => process?.off(s, handler);
  const each = (act: (signal: string) => void) => {
    for (const signal of SHUTDOWN_SIGNALS) {
      try {
        act(signal);
      } catch {
        // SIGTERM cannot be listened for on Windows.
      }
    }
  };
  each(listen);
  return () => each(unlisten);
}

/**
 * The flag that grants what `error` says is missing, when it is a Deno
 * permission error (`Requires read access …, run again with the --allow-read
 * flag`); `undefined` for any other error, and always on Node.
 */
export function missingPermissionFlag(error: unknown): string | undefined {
  if (!deno || !(error instanceof Error)) return undefined;
  // Deno's refusal names the flag; a dynamic import refused throws a plain
  // TypeError with that message, and PermissionDenied is also the OS's EACCES.
  const flag =
    /^Requires [a-z]+ access .*, run again with the (--allow-[a-z-]+) flag/
      .exec(error.message)?.[1];
  const { NotCapable } = deno.errors;
  return flag ?? (NotCapable && error instanceof NotCapable ? "-A" : undefined);
}

/** Whether Deno may `descriptor` already: asking would prompt. */
function denoGranted(
  descriptor: Parameters<DenoLike["permissions"]["querySync"]>[0],
): boolean {
  try {
    return deno?.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/** This process's parent, and its parent where `/proc` tells (Linux). */
function ancestors(readProc: boolean): string {
  const ppid = deno ? deno.ppid : process?.ppid;
  let grandparent = "";
  try {
    const path = `/proc/${ppid}/stat`;
    const stat = !readProc
      ? ""
      : deno
      ? deno.readTextFileSync(path)
      : process?.getBuiltinModule?.("node:fs").readFileSync(path, "utf8") ?? "";
    // "pid (name) state ppid …": the name may hold spaces and parentheses.
    grandparent = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? "";
  } catch {
    // no /proc here: the parent alone
  }
  return `${ppid} ${grandparent}`;
}

/**
 * Calls `handler` once the npm that started this process is gone (npm does
 * not pass SIGTERM on): a new parent, or grandparent, checked twice a second.
 * On Deno only with `--allow-env` (and `--allow-read` for `/proc`) granted.
 */
export function onNpmGone(handler: () => void): () => void {
  const startedByNpm = deno
    ? denoGranted({ name: "env", variable: "npm_command" }) &&
      deno.env.get("npm_command") !== undefined
    : process?.env?.npm_command !== undefined;
  if (!startedByNpm) return () => {};
  const readProc = !deno || denoGranted({ name: "read", path: "/proc" });
  const before = ancestors(readProc);
  const timer = setInterval(() => {
    if (ancestors(readProc) === before) return;
    clearInterval(timer);
    handler();
  }, 500);
  // Watching must not keep the process alive.
  if (deno) deno.unrefTimer(timer as unknown as number);
  else (timer as unknown as { unref(): void }).unref();
  return () => clearInterval(timer);
}

/**
 * The process environment, as the runtime decodes it.
 *
 * @throws {Error} On Deno without `--allow-env`, saying so.
 */
export function processEnv(): Record<string, string> {
  if (deno) {
    try {
      return deno.env.toObject();
    } catch (error) {
      throw new Error(
        "reading the environment needs permission: run Deno with --allow-env",
        { cause: error },
      );
    }
  }
  const entries = Object.entries(process?.env ?? {});
  return Object.fromEntries(
    entries.filter((entry): entry is [string, string] =>
      entry[1] !== undefined
    ),
  );
}

/**
 * The exact bytes of each environment variable, from `/proc/self/environ` on
 * Linux, or `undefined` where that cannot be read (another OS, or Deno
 * without `--allow-all`).
 */
export function rawProcessEnv(): Map<string, Uint8Array> | undefined {
  let bytes: Uint8Array | undefined;
  try {
    // Needs --allow-all: asked first, so that --allow-env alone never prompts.
    if (
      deno?.readFileSync && deno.build.os === "linux" &&
      denoGranted({ name: "read", path: PROC_ENVIRON })
    ) {
      bytes = deno.readFileSync(PROC_ENVIRON);
    }
  } catch {
    return undefined;
  }
  if (!bytes) return undefined;
  const env = new Map<string, Uint8Array>();
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0, start);
    if (end < 0) end = bytes.length;
    const eq = bytes.indexOf(0x3d, start);
    if (eq > start && eq < end) {
      let key = "";
      for (let i = start; i < eq; i++) key += String.fromCharCode(bytes[i]);
      env.set(key, bytes.subarray(eq + 1, end));
    }
    start = end + 1;
  }
  return env;
}
