// The send trace costs the release interpreters nothing: the release and
// release16 targets compiled from vm-as/ as it is and from a copy with every
// trace line (`TRACE_ON` call sites, the trace imports) and vm-as/trace.ts
// removed give byte-identical wasm.  If a change ever makes the trace leave code behind
// in the release build, this fails.
import { describe, it, expect } from "vitest";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

function releaseBuild(dir: string, target: "release" | "release16"): Buffer {
  const asc = join(ROOT, "node_modules/assemblyscript/bin/asc.js");
  const out = `out.${target}.wasm`;
  execFileSync(process.execPath, [asc, "vm-as/index.ts", "--target", target, "--outFile", out], { cwd: dir, stdio: "pipe" });
  return readFileSync(join(dir, out));
}

function copyTree(to: string): void {
  cpSync(join(ROOT, "vm-as"), join(to, "vm-as"), { recursive: true });
  cpSync(join(ROOT, "asconfig.json"), join(to, "asconfig.json"));
  symlinkSync(join(ROOT, "node_modules"), join(to, "node_modules"));
}

describe("zero cost", () => {
  it("the release and release16 wasm are byte-identical with and without the trace", () => {
    const base = mkdtempSync(join(tmpdir(), "talc-zerocost-"));
    try {
      const withTrace = join(base, "with");
      const without = join(base, "without");
      copyTree(withTrace);
      copyTree(without);
      let stripped = 0;
      for (const f of readdirSync(join(without, "vm-as"))) {
        if (!f.endsWith(".ts") || f === "trace.ts") continue;
        const p = join(without, "vm-as", f);
        const lines = readFileSync(p, "utf8").split("\n");
        const kept = lines.filter((l) => !l.includes("TRACE_ON") && !l.includes('from "./trace"'));
        stripped += lines.length - kept.length;
        writeFileSync(p, kept.join("\n"));
      }
      rmSync(join(without, "vm-as/trace.ts"));
      expect(stripped).toBeGreaterThanOrEqual(9);   // 4 imports + 5 guarded calls (codeobj.ts: the 16-bit entry)
      for (const target of ["release", "release16"] as const) {
        const a = releaseBuild(withTrace, target);
        const b = releaseBuild(without, target);
        expect(a.length, target).toBe(b.length);
        expect(Buffer.compare(a, b), target).toBe(0);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }, 240_000);
});
