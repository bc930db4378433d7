// Copyright 2026 the wsgiref authors. MIT license.
/**
 * What the benchmark drivers written for Node (and run by Deno too) share:
 * starting a server pinned to core 0 and reading the port it prints, the
 * load generator pinned to core 1, a process's CPU time and peak RSS from
 * /proc (the mark reset between warm-up and measure), medians, figures.
 *
 * @module
 */

import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";

/** Whether `tool` is on the PATH. */
export function which(tool) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether commands are pinned to a core (taskset is there). */
export const pin = which("taskset");

/** `[command, args]` that run `command` pinned to `core` when taskset is there. */
export function pinned(core, command, args) {
  return pin
    ? ["taskset", ["-c", String(core), command, ...args]]
    : [command, args];
}

/**
 * Starts this runtime's executable with `args` on core 0; resolves once it
 * printed its port: `{ pid, port, child }`.
 */
export function startServer(args) {
  const [command, argv] = pinned(0, process.execPath, args);
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) {
        resolve({ pid: child.pid, port: Number(text.trim()), child });
      }
    });
    child.once(
      "exit",
      () => reject(new Error(`server ${args.join(" ")} exited`)),
    );
  });
}

/** Stops a server of `startServer`. */
export function stopServer(server) {
  return new Promise((resolve) => {
    server.child.once("exit", resolve);
    server.child.kill("SIGTERM");
  });
}

/** Runs `command` with `args` on core 1; resolves with its standard output. */
export function runPinned(command, args) {
  const [pinnedCommand, argv] = pinned(1, command, args);
  return new Promise((resolve) => {
    const child = spawn(pinnedCommand, argv, {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => text += chunk);
    child.once("exit", () => resolve(text));
  });
}

/** User and system CPU seconds of process `pid`, all its threads. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, ticks of 10 ms
}

/** Resets the kernel's peak RSS mark of process `pid`, where permitted. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // not permitted: the peak then includes what came before
  }
}

/** The peak RSS of process `pid` in MiB (`VmHWM`). */
export function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `n` with thousands separators and `digits` decimals. */
export function fmt(n, digits = 0) {
  return n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/**
 * wrk's figures, read from its output.
 *
 * @param {string} text wrk's standard output.
 * @returns {{ requestsPerSec: number, mibPerSec: number, requests: number }}
 */
export function readWrk(text) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(text);
  const total = /(\d+) requests in/.exec(text);
  if (!rps || !transfer || !total) {
    throw new Error(`cannot read wrk's output:\n${text}`);
  }
  const scale = { B: 1 / 1048576, KB: 1 / 1024, MB: 1, GB: 1024 };
  return {
    requestsPerSec: Number(rps[1]),
    mibPerSec: Number(transfer[1]) * (scale[transfer[2]] ?? NaN),
    requests: Number(total[1]),
  };
}
