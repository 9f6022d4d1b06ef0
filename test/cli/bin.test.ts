// bin/talc.js as a real process: exit status, nothing lost through a pipe
// (synchronous writes, spec A.5), a reader that stops early is no error.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../host-tools/classpath.js";
import { tempDir } from "./helpers.js";

const root = packageRoot();
const bin = join(root, "bin", "talc.js");
const N = 20000;
const t = tempDir({
  "Quit.som": "Quit = (\n    run = ( 'bye' println. system errorPrintln: 'to stderr'. system exit: 3 )\n)\n",
  "Many.som": `Many = (\n    run = ( 1 to: ${N} do: [ :i | ('line ' + i) println ] )\n)\n`,
});
afterAll(() => t.cleanup());

beforeAll(() => {
  // npm ci / npm run build compile dist/; build it here when a checkout has not yet.
  if (!existsSync(join(root, "dist", "host-tools", "cli.js"))) {
    try { execFileSync("npm", ["run", "--silent", "build:host"], { cwd: root, stdio: "pipe" }); } catch { /* checked below */ }
  }
  expect(existsSync(join(root, "dist", "host-tools", "cli.js")), "dist/host-tools/cli.js (npm run build:host)").toBe(true);
});

function talcProcess(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: t.dir, encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("bin/talc.js", () => {
  it("exits with the program's status and writes both streams", () => {
    expect(talcProcess(["run", "Quit.som"])).toEqual({ status: 3, stdout: "bye\n", stderr: "to stderr\n" });
  });

  it("loses nothing of a long output through a pipe", () => {
    const r = talcProcess(["run", "Many.som"]);
    expect(r.status).toBe(0);
    const got = r.stdout.split("\n");
    expect(got).toHaveLength(N + 1);
    expect(got[0]).toBe("line 1");
    expect(got[N - 1]).toBe(`line ${N}`);
  });

  it("a reader that closes the pipe early is not an error", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" run Many.som | head -n 2`], { cwd: t.dir, encoding: "utf8" });
    expect(r.stdout).toBe("line 1\nline 2\n");
    expect(r.stderr).toBe("");
  });

  it("usage errors exit 2, --help exits 0", () => {
    expect(talcProcess(["run", "--bogus", "X"]).status).toBe(2);
    const h = talcProcess(["--help"]);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^Usage: talc/);
  });
});
