// Copyright 2026 the wsgiref authors. MIT license.
/**
 * What the instruction-count benchmarks share: a server script run under
 * valgrind's callgrind (Debian package `valgrind`) with counting off,
 * warmed up, then counted over a number of requests.
 *
 * @module
 */

for (const tool of ["valgrind", "callgrind_control", "callgrind_annotate"]) {
  const found = new Deno.Command("sh", { args: ["-c", `command -v ${tool}`] })
    .outputSync().success;
  if (!found) {
    console.error(
      `bench: needs ${tool} (Debian package valgrind: apt-get install -y valgrind)`,
    );
    Deno.exit(2);
  }
}

async function run(command: string, args: string[]): Promise<string> {
  const { stdout, success } = await new Deno.Command(command, { args })
    .output();
  if (!success) throw new Error(`${command} ${args.join(" ")} failed`);
  return new TextDecoder().decode(stdout);
}

/**
 * User-space instructions per request of `deno run -A script …args`, a
 * server that prints its port first: `send(port, n)` sends `n` requests,
 * `warmup` of them before counting starts (so the JIT has settled), then
 * `requests` counted.
 */
export async function instructionsPerRequest(
  script: string,
  args: string[],
  send: (port: number, count: number) => Promise<void>,
  warmup: number,
  requests: number,
): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "wsgiref-callgrind-" });
  try {
    const child = new Deno.Command("valgrind", {
      args: [
        "--tool=callgrind",
        "--instr-atstart=no",
        `--callgrind-out-file=${dir}/out.%p`,
        Deno.execPath(),
        "run",
        "-A",
        script,
        ...args,
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      const reader = child.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      let text = "";
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`${script} ${args.join(" ")} exited`);
        text += value;
      }
      reader.releaseLock();
      child.stdout.cancel().catch(() => {});
      const port = Number(text.trim());
      await send(port, warmup);
      await run("callgrind_control", ["-i", "on", String(child.pid)]);
      await send(port, requests);
      await run("callgrind_control", ["-d", String(child.pid)]);
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
    let total = NaN;
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".1")) continue; // the dump, not the final file
      const annotated = await run("callgrind_annotate", [
        `${dir}/${entry.name}`,
      ]);
      total = Number(
        /([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS/.exec(annotated)![1]
          .replaceAll(",", ""),
      );
    }
    return total / requests;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
