// Technique 1 (copy-down, masked jump) against the real 16-bit VM, send by
// send (host-tools/sim/check16.ts): every send whose entry the VM computed
// from the receiver pointer has the entry address the layout gives, and runs
// the method of technique 1's table and of the chain lookup.  The sim16
// build (trace compiled in) must also run each program exactly as the
// release16 build does.  A tampered code object must be caught.
import { describe, it, expect } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage } from "../../host-tools/image/builder.js";
import { buildClassPath } from "../../host-tools/classpath.js";
import { readImage } from "../../host-tools/image/inspect.js";
import { write16 } from "../../host-tools/image/image16.js";
import { TalcVM } from "../../host-tools/vm/vmhost.js";
import { check16, Check16Error, type Check16Options, type Check16Result } from "../../host-tools/sim/check16.js";
import { main, type CliIO } from "../../host-tools/cli.js";
import { ENTRY_BYTES } from "../../vm-as/layout16.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const PROGRAMS = join(ROOT, "test/som/programs");
const BENCH = join(ROOT, "examples/bench");
const HEAP16 = 1 << 20;
const STACK16 = 56 * 1024;

async function image32(name: string, cp: string[]): Promise<{ image: Uint8Array; classPath: string[] }> {
  const classPath = buildClassPath(cp.join(":"), name, ROOT);
  const image = await buildImage({ classPath, main: name, heapBytes: 8 << 20, linkNamedClasses: true });
  return { image, classPath };
}

async function check(name: string, cp: string[], args: string[], extra: Partial<Check16Options> = {}): Promise<Check16Result> {
  const { image, classPath } = await image32(name, cp);
  return check16({ image, main: name, args, classPath, heapBytes: HEAP16, stackBytes: STACK16, maxSends: 5_000_000, ...extra });
}

/** The same program on the release16 build (no trace): status and output. */
async function release16(name: string, cp: string[], args: string[]): Promise<{ status: number; out: string }> {
  const { image, classPath } = await image32(name, cp);
  let out = "";
  const vm = TalcVM.createSync({ classPath, heapBytes: HEAP16, stackBytes: STACK16, wasmFile: "talc16.wasm",
    stdout: (b) => { out += Buffer.from(b).toString(); }, stderr: (b) => { out += Buffer.from(b).toString(); } });
  vm.loadImage(write16(readImage(image)).bytes);
  vm.start([name, ...args]);
  return { status: vm.runSync(), out };
}

const CASES: [string, string, string[]][] = [
  ["SuperSends", PROGRAMS, []],
  ["DnuOverride", PROGRAMS, []],
  ["Perform", PROGRAMS, []],
  ["IntegerArith", PROGRAMS, []],
  ["SpecialSelectorOverrides", PROGRAMS, []],
  ["Richards", BENCH, ["1"]],
  ["Vectors", BENCH, ["10"]],
  ["Graph", BENCH, ["3"]],
];

describe("talc sim --bits 16: technique 1 against the 16-bit VM", () => {
  for (const [name, dir, args] of CASES) {
    it(`${name} ${args.join(" ")}: every computed entry and method agrees`, async () => {
      const r = await check(name, [dir], args);
      expect(r.mismatches).toBe(0);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.checked + r.superSends).toBe(r.sends);
      expect(r.codeBase).toBeGreaterThan(0);
      const ref = await release16(name, [dir], args);
      expect(r.exitStatus).toBe(ref.status);
      expect(r.stdout + r.stderr).toBe(ref.out);
    }, 30_000);
  }

  it("the cases cover SmallInteger receivers, not-understood sends and super sends", async () => {
    const a = await check("DnuOverride", [PROGRAMS], []);
    expect(a.notUnderstood).toBeGreaterThan(0);
    expect(a.smallIntegerReceivers).toBeGreaterThan(0);
    const b = await check("SuperSends", [PROGRAMS], []);
    expect(b.superSends).toBeGreaterThan(0);
  }, 30_000);

  it("a tampered code object (the VM runs another method) is a hard error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "talc-c16-"));
    try {
      writeFileSync(join(dir, "Disp.som"), `Disp = (
  run = ( Disp foo println. Disp bar println )
  ----
  foo = ( ^ 'foo' )
  bar = ( ^ 'bar' )
)
`);
      const clean = await check("Disp", [dir], []);
      expect(clean.stdout).toBe("foo\nbar\n");
      // the class-side #foo entry of Disp's page now holds #bar's method
      const tamper: Partial<Check16Options> = {
      afterLoad: (vm, img) => {
        const ex = vm.exports as unknown as { memory: WebAssembly.Memory; vm_codeBase16(): number; vm_codeShift16(): number };
        const cls = vm.loadClassByName("Disp");
        const at = (sel: string): number => ex.vm_codeBase16() + ((cls >> 6) << ex.vm_codeShift16()) + img.plan.symbols.indexOf(sel) * ENTRY_BYTES;
        const mem = new Uint8Array(ex.memory.buffer);
        mem.copyWithin(at("foo"), at("bar"), at("bar") + ENTRY_BYTES);
      },
    };
      await expect(check("Disp", [dir], [], tamper)).rejects.toThrow(Check16Error);
      await expect(check("Disp", [dir], [], tamper)).rejects.toThrow(/Disp class>>foo: the 16-bit VM ran Disp class>>bar, technique 1's table gives Disp class>>foo/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("the CLI reports the counts (talc sim --bits 16)", async () => {
    let stdout = "";
    let stderr = "";
    const io: CliIO = {
      stdout: (b) => { stdout += typeof b === "string" ? b : Buffer.from(b).toString("utf8"); },
      stderr: (b) => { stderr += typeof b === "string" ? b : Buffer.from(b).toString("utf8"); },
      cwd: ROOT,
    };
    const status = await main(["sim", "--bits", "16", "-cp", BENCH, "Richards", "1"], io);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toMatch(/sends \d+: checked \d+/);
    expect(stdout).toMatch(/mismatches 0/);
    stderr = "";
    expect(await main(["sim", "--bits", "12", "Fib"], io)).toBe(2);
    expect(stderr).toMatch(/--bits wants 16 or 32, not '12'/);
  }, 30_000);
});
