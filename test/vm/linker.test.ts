// The linker: class files from the compiler link; malformed class files are
// refused with a reason (never a trap).
import { describe, it, expect } from "vitest";
import { TalcVM } from "../../host-tools/vm/vmhost.js";
import { kernelDir } from "../../host-tools/classpath.js";
import { compileClass } from "../../host-tools/compiler/index.js";
import { OP_COUNT } from "../../vm-as/isa.js";

function bootedVM(): TalcVM {
  const vm = TalcVM.createSync({ classPath: [kernelDir()], heapBytes: 8 << 20, stdout: () => {}, stderr: () => {} });
  vm.bootstrap();
  return vm;
}

function link(vm: TalcVM, tcf: Uint8Array): { r: number; text: string } {
  const ex = vm.exports;
  const p = ex.vm_scratch(tcf.length);
  new Uint8Array(ex.memory.buffer, p, tcf.length).set(tcf);
  const r = ex.vm_linkClass(p, tcf.length);
  return { r, text: vm.errorText() };
}

const SRC = `Foo = ( | a b | get = ( ^ a ) set: x = ( a := x. ^ self ) ---- | k | make = ( ^ self new set: 3 ) )`;

describe("linker", () => {
  it("links a compiled class and binds it", () => {
    const vm = bootedVM();
    const tcf = compileClass(SRC, "Foo.som", { instanceFields: [], classFields: [] });
    const { r } = link(vm, tcf);
    expect(r).toBeGreaterThan(0);
    expect(vm.loadClassByName("Foo")).toBe(r);
    // field names for subclass compilation
    const n = vm.exports.vm_classFieldNames(r);
    const names = new TextDecoder().decode(new Uint8Array(vm.exports.memory.buffer, vm.exports.vm_scratch(0), n));
    expect(names).toBe("a\nb");
    const m = vm.exports.vm_classFieldNames(vm.exports.vm_classOf(r));
    expect(new TextDecoder().decode(new Uint8Array(vm.exports.memory.buffer, vm.exports.vm_scratch(0), m))).toBe("k");
  });

  it("refuses bad magic, truncation and trailing bytes", () => {
    const vm = bootedVM();
    const tcf = compileClass(SRC, "Foo.som", { instanceFields: [], classFields: [] });
    const bad = tcf.slice(); bad[0] ^= 0xff;
    expect(link(vm, bad).text).toMatch(/bad magic/);
    for (const cut of [5, 20, tcf.length - 1]) {
      const t = link(vm, tcf.subarray(0, cut));
      expect(t.r).toBeLessThan(0);
      expect(t.text).toMatch(/truncated/);
    }
    const longer = new Uint8Array(tcf.length + 3); longer.set(tcf);
    expect(link(vm, longer).text).toMatch(/trailing bytes/);
  });

  it("refuses invalid bytecode (opcode, local index, missing return)", () => {
    const vm = bootedVM();
    const tcf = compileClass(`Bar = ( get = ( ^ 7 ) )`, "Bar.som", { instanceFields: [], classFields: [] });
    // find the code of `get`: push_smallint 7, return_top  => bytes 9 7 23
    const at = tcf.findIndex((_b, i) => tcf[i] === 9 && tcf[i + 1] === 7 && tcf[i + 2] === 23);
    expect(at).toBeGreaterThan(0);
    const b1 = tcf.slice(); b1[at] = OP_COUNT + 5;
    expect(link(vm, b1).text).toMatch(/invalid opcode/);
    const b2 = tcf.slice(); b2[at] = 5; b2[at + 1] = 200; // push_local 200
    expect(link(vm, b2).text).toMatch(/local index out of range/);
    const b3 = tcf.slice(); b3[at + 2] = 19; // pop instead of return
    expect(link(vm, b3).text).toMatch(/does not end with a return/);
  });

  it("reports a missing superclass", () => {
    const vm = bootedVM();
    const tcf = compileClass(`Baz = Missing ( )`, "Baz.som", { instanceFields: [], classFields: [] });
    expect(link(vm, tcf).text).toMatch(/superclass Missing of Baz is not loaded/);
  });
});
