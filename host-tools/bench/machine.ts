// What a result was measured on: machine, runtimes, source revision, date.
import { execFileSync } from "node:child_process";
import { cpus, totalmem, platform, release, arch } from "node:os";
import { luaVersion } from "./lua.js";

export interface MachineInfo {
  date: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  node: string;
  lua: string | null;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
}

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export async function machineInfo(root: string): Promise<MachineInfo> {
  const c = cpus();
  const status = git(root, ["status", "--porcelain", "--untracked-files=no"]);
  return {
    date: new Date().toISOString(),
    gitCommit: git(root, ["rev-parse", "HEAD"]),
    gitDirty: status === null ? null : status !== "",
    node: process.version,
    lua: await luaVersion(),
    cpu: c.length > 0 ? c[0].model.trim() : "unknown",
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
  };
}

/** One Markdown line describing the machine. */
export function machineLine(m: MachineInfo): string {
  const commit = m.gitCommit === null ? "unknown commit" : m.gitCommit.slice(0, 10) + (m.gitDirty ? " (+ local changes)" : "");
  return `Measured ${m.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ` +
    `${m.os}; Node ${m.node}, ${m.lua ?? "lua5.4 (version unknown)"}; Talc ${commit}.`;
}
