// talc disasm: compiles a class with its superclass's fields and prints the
// compiler's disassembly.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kernelDir } from "../../host-tools/classpath.js";
import { disassemble, readClassFile } from "../../host-tools/compiler/index.js";
import { TalcVM } from "../../host-tools/vm/vmhost.js";
import { talc, tempDir, lines } from "./helpers.js";

const t = tempDir({
  "Base.som": "Base = (\n    | a b |\n    a = ( ^a )\n)\n",
  "Derived.som": "Derived = Base (\n    | c |\n    sum = ( ^a + b + c )\n    greet = ( 'hi there' println )\n)\n",
  "Meta.som": "Meta = (\n    ----\n    | count |\n    bump = ( count := count + 1. ^count )\n)\n",
  "SubMeta.som": "SubMeta = Meta (\n    | x |\n    x = ( ^x )\n    ----\n    | extra |\n    both = ( ^count + extra )\n)\n",
  "Broken.som": "Broken = (\n    run = ( ^^ )\n)\n",
  "Orphan.som": "Orphan = Missing (\n    run = ( ^1 )\n)\n",
});
afterAll(() => t.cleanup());

describe("talc disasm", () => {
  it("prints every method with its bytecodes and source", async () => {
    const r = await talc(["disasm", "Derived.som"], t.dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("sum");
    expect(r.stdout).toContain("greet");
    expect(r.stdout).toContain("hi there");
    expect(r.stdout).toContain("^a + b + c");
  });

  it("uses the superclass's fields: c is field 2 (0-based) after a and b", async () => {
    const r = await talc(["disasm", "Derived", "sum"], t.dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/push_field\s+2/i);
    expect(r.stdout).not.toContain("greet");
  });

  it.each(["Derived", "SubMeta"])("%s: the same code as the VM host compiles when it loads the class (field layout on both sides)", async (name) => {
    const vm = await TalcVM.create({ classPath: [t.dir, kernelDir()], stdout: () => {}, stderr: () => {} });
    vm.bootstrap();
    let tcf: Uint8Array | null = null;
    vm.onCompiled = (n, bytes) => { if (n === name) tcf = bytes; };
    expect(vm.loadClassByName(name)).toBeGreaterThan(0);
    expect(tcf).not.toBeNull();
    const source = readFileSync(join(t.dir, `${name}.som`), "utf8");
    const viaVM = disassemble(readClassFile(tcf!), source).split(join(t.dir, `${name}.som`)).join(`${name}.som`);
    const r = await talc(["disasm", name], t.dir);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd()).toBe(viaVM.trimEnd());
  });

  it("an unknown selector is one clear error", async () => {
    const r = await talc(["disasm", "Derived", "nope"], t.dir);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual(["talc: class 'Derived' has no method #nope (it has: #sum #greet)"]);
  });

  it("a syntax error is the compiler's diagnostic, status 1", async () => {
    const r = await talc(["disasm", "Broken.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Broken\.som:2:\d+: /);
    expect(lines(r.stderr)).toHaveLength(3);
  });

  it("a missing class or superclass is one clear error", async () => {
    const a = await talc(["disasm", "Nope"], t.dir);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/^talc: class 'Nope' not found: no Nope\.som in /);
    const b = await talc(["disasm", "Orphan.som"], t.dir);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/^talc: superclass 'Missing' of 'Orphan' not found/);
  });
});
