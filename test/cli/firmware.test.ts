// The firmware path: the `firmware` asc target builds, Debian's wasm2c
// accepts it (no SIMD, threads, reference types or GC), and — when a C
// compiler is present — the generated C compiles.  In CI (CI set) a missing
// wasm2c is a failure; elsewhere the test is skipped with the reason.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../host-tools/classpath.js";

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

const inCI = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const haveWasm2c = has("wasm2c");
const haveCC = has("cc");
const root = packageRoot();
const wasm = join(root, "build", "talc.firmware.wasm");
const t = { dir: mkdtempSync(join(tmpdir(), "talc-fw-")) };
afterAll(() => rmSync(t.dir, { recursive: true, force: true }));

describe("firmware build through wasm2c", () => {
  it("CI has wasm2c (Debian package wabt)", () => {
    if (inCI) expect(haveWasm2c, "wasm2c is missing: apt-get install wabt").toBe(true);
  });

  describe.skipIf(!haveWasm2c)(haveWasm2c ? "with wasm2c" : "SKIPPED: wasm2c not installed (apt-get install wabt)", () => {
    it("npm run build:firmware produces build/talc.firmware.wasm", () => {
      execFileSync("npm", ["run", "--silent", "build:firmware"], { cwd: root, stdio: "pipe" });
      expect(statSync(wasm).size).toBeGreaterThan(1000);
      expect(Array.from(readFileSync(wasm).subarray(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]);
    });

    it("wasm2c translates it to C with the VM's exports", () => {
      const out = join(t.dir, "talc.c");
      const r = spawnSync("wasm2c", [wasm, "-o", out], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const header = readFileSync(join(t.dir, "talc.h"), "utf8");
      for (const name of ["vm_init", "vm_run"]) expect(header).toContain(name);
    });

    it.skipIf(!haveCC || !existsSync("/usr/include/wasm-rt.h"))(
      haveCC ? "the generated C compiles (cc -c)" : "SKIPPED: no C compiler", () => {
        const r = spawnSync("cc", ["-c", "-O0", "-w", join(t.dir, "talc.c"), "-o", join(t.dir, "talc.o")], { encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
        expect(statSync(join(t.dir, "talc.o")).size).toBeGreaterThan(1000);
      });
  });
});
