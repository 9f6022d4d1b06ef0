// The 16-bit VM's sends go through the code objects: overwrite one entry in
// the running VM's memory and the send executes what the entry now says —
// a lookup or cache would still find the class's own method.
import { describe, it, expect } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../../host-tools/image/builder.js";
import { kernelDir } from "../../host-tools/classpath.js";
import { readImage } from "../../host-tools/image/inspect.js";
import { write16 } from "../../host-tools/image/image16.js";
import { TalcVM } from "../../host-tools/vm/vmhost.js";
import { ENTRY_BYTES } from "../../vm-as/layout16.js";

interface Ex16 { memory: WebAssembly.Memory; vm_codeBase16(): number; vm_codeShift16(): number }

async function boot(src: string): Promise<{ vm: TalcVM; ex: Ex16; out: string[]; sym: (s: string) => number; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "talc-b16-"));
  writeFileSync(join(dir, "Disp.som"), src);
  const img = write16(readImage(await buildImage({ classPath: [dir, kernelDir()], main: "Disp", heapBytes: 8 << 20, linkNamedClasses: true })));
  const out: string[] = [];
  const vm = await TalcVM.create({ classPath: [dir, kernelDir()], heapBytes: 1 << 20, stackBytes: 56 * 1024, wasmFile: "talc16.wasm",
    stdout: (b) => out.push(Buffer.from(b).toString()), stderr: (b) => out.push(Buffer.from(b).toString()) });
  vm.loadImage(img.bytes);
  const ex = (vm as unknown as { ex: Ex16 }).ex;
  return { vm, ex, out, sym: (s) => img.plan.symbols.indexOf(s), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const SRC = `Disp = (
  run = ( Disp foo println. Disp bar println. 3 baz println )
  baz = ( ^ 'no' )
  ----
  foo = ( ^ 'foo' )
  bar = ( ^ 'bar' )
)
`;

describe("16-bit VM dispatch", () => {
  it("a send runs the method its code-object entry names (entry = code + (page << shift) + sel * 8)", async () => {
    const { vm, ex, out, sym, cleanup } = await boot(SRC);
    try {
      const cls = vm.loadClassByName("Disp");
      expect(cls).toBeGreaterThan(0);
      const base = ex.vm_codeBase16();
      const shift = ex.vm_codeShift16();
      expect(base).toBeGreaterThan(0);
      const entry = (oop: number, sel: number): number => base + (((oop >> 6) & ((oop & 1) - 1)) << shift) + sel * ENTRY_BYTES;
      const mem = new Uint8Array(ex.memory.buffer);
      const foo = sym("foo"), bar = sym("bar");
      expect(foo).toBeGreaterThanOrEqual(0);
      // the class-side #foo entry of Disp's page now holds #bar's method
      mem.copyWithin(entry(cls, foo), entry(cls, bar), entry(cls, bar) + ENTRY_BYTES);
      vm.start(["Disp"]);
      expect(await vm.runToEnd()).toBe(1);   // 3 baz: SmallInteger's code object (page 0) has no #baz
      expect(out.join("")).toMatch(/^bar\nbar\n/);
      expect(out.join("")).toMatch(/ERROR: Method \d+ not found in class \d+/);   // #baz: empty entry in page 0 -> DNU
    } finally {
      cleanup();
    }
  });

  it("without the poke, the same program runs as written", async () => {
    const { vm, out, cleanup } = await boot(SRC.replace("3 baz println", "'end' println"));
    try {
      vm.start(["Disp"]);
      expect(await vm.runToEnd()).toBe(0);
      expect(out.join("")).toBe("foo\nbar\nend\n");
    } finally {
      cleanup();
    }
  });
});
