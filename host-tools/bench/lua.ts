// Runs a Lua 5.4 twin of a benchmark as a subprocess and times it.
//
// The process runs under bash's `time` keyword (TIMEFORMAT below), which
// reports the child's wall-clock, user and system time in milliseconds on
// the last stderr line; process start-up is included (about 1 ms for lua5.4,
// well under 1% of a benchmark).  The subprocess is run asynchronously so a
// hung program is killed after `timeoutMs`.
import { spawn } from "node:child_process";

export const LUA = "lua5.4";

export interface ProcessRun {
  /** Wall-clock milliseconds of the Lua process. */
  ms: number;
  /** CPU milliseconds (user + system) of the Lua process. */
  cpuMs: number;
  status: number;
  stdout: string;
  stderr: string;
  /** Set when the process could not be run or was killed. */
  error?: string;
}

const MARK = "__talc_bench_time__";

/** Run `lua5.4 file ...args`; never throws. */
export function runLua(file: string, args: readonly string[], timeoutMs: number): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const t0 = process.hrtime.bigint();
    let settled = false;
    const finish = (r: ProcessRun): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(r);
      }
    };
    const script = `TIMEFORMAT='${MARK} %3R %3U %3S'; time ${LUA} "$@"`;
    const child = spawn("bash", ["-c", script, "bash", file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) =>
      finish({ ms: 0, cpuMs: 0, status: -1, stdout: "", stderr: "", error: `cannot run ${LUA}: ${e.message}` }),
    );
    child.on("close", (code, signal) => {
      let ms = Number(process.hrtime.bigint() - t0) / 1e6;
      let cpuMs = ms;
      let stderr = Buffer.concat(err).toString("utf8");
      const m = new RegExp(`${MARK} ([0-9.]+) ([0-9.]+) ([0-9.]+)\\n?$`).exec(stderr);
      if (m !== null) {
        ms = Number(m[1]) * 1000;
        cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
        stderr = stderr.slice(0, m.index);
      }
      const r: ProcessRun = { ms, cpuMs, status: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr };
      if (signal !== null) r.error = `${LUA} killed by ${signal} after ${timeoutMs} ms`;
      finish(r);
    });
  });
}

/** "Lua 5.4.4" from `lua5.4 -v`, or null. */
export async function luaVersion(): Promise<string | null> {
  const r = await runLua("-v", [], 10_000);  // `lua5.4 -v`
  if (r.error !== undefined || r.status !== 0) return null;
  const m = /Lua \d+\.\d+(\.\d+)?/.exec(r.stdout + r.stderr);
  return m === null ? null : m[0];
}
