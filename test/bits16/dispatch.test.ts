// Copy-down code objects (vm-as/codeobj.ts) on the 16-bit memory
// (vm-as/mem16.ts): every send is one computed entry from the masked
// receiver pointer; the entry holds the method the superclass chain would
// have found.
import { describe, it, expect } from "vitest";
import { World, small } from "./lab.js";
import { ENTRY_BYTES, E_EMPTY, E_JUMP, E_PRIM, E_QUICK, strideShiftFor, pageOfOop } from "../../vm-as/layout16.js";
import { C_SUPERCLASS } from "../../vm-as/layout.js";

const SELECTORS = 64;

function world(): World {
  const w = new World(256 * 1024, SELECTORS);
  w.startCode(SELECTORS);
  return w;
}

/** The entry address the layout promises for (oop, selector). */
function expectedEntry(w: World, oop: number, sel: number): number {
  return w.x.lab_codeBase() + (pageOfOop(oop) << w.x.lab_shift()) + sel * ENTRY_BYTES;
}

describe("16-bit dispatch", () => {
  it("computes the entry from the masked receiver pointer (objects and SmallIntegers)", () => {
    const w = world();
    expect(w.x.lab_shift()).toBe(strideShiftFor(SELECTORS));
    const a = w.defineClass(w.object);
    const [foo] = w.define(a, [5]);
    const objs = Array.from({ length: 70 }, () => w.instance(a));   // three pages
    const pages = new Set(objs.map((o) => o >> 6));
    expect(pages.size).toBe(3);
    for (const o of objs) {
      expect(w.x.lab_send(o, 5)).toBe(foo);
      expect(w.x.lab_lastEntry()).toBe(expectedEntry(w, o, 5));
      expect(w.x.lab_lastEntry()).toBe(w.x.lab_codeBase() + ((o >> 6) << w.x.lab_shift()) + 5 * 8);
    }
    // SmallIntegers, negative ones included, all use page 0 (SmallInteger's code object).
    const [neg] = w.define(w.integer, [7]);
    for (const v of [-16384, -1, 0, 1, 7, 16383]) {
      expect(w.x.lab_send(small(v), 7)).toBe(neg);
      expect(w.x.lab_lastEntry()).toBe(w.x.lab_codeBase() + 7 * 8);
    }
  });

  it("symbol/integer duality: selector 3 is the SmallInteger 3", () => {
    const w = world();
    const [m3] = w.define(w.integer, [3]);
    // sending #3 (selector number 3) to the SmallInteger 3: the receiver and the selector are the same value
    expect(w.x.lab_send(small(3), 3)).toBe(m3);
    // a selector no class implements is not understood
    expect(w.x.lab_send(small(3), 4)).toBe(-1);
  });

  it("copies inherited methods down, keeps overrides, and leaves not-understood entries empty", () => {
    const w = world();
    const a = w.defineClass(w.object);
    const b = w.defineClass(a);
    const c = w.defineClass(b);
    const [aFoo, aBar] = w.define(a, [1, 2]);
    const [bBar] = w.define(b, [2]);
    const [cBaz] = w.define(c, [3]);
    const ia = w.instance(a), ib = w.instance(b), ic = w.instance(c);
    expect([w.x.lab_send(ia, 1), w.x.lab_send(ia, 2), w.x.lab_send(ia, 3)]).toEqual([aFoo, aBar, -1]);
    expect([w.x.lab_send(ib, 1), w.x.lab_send(ib, 2), w.x.lab_send(ib, 3)]).toEqual([aFoo, bBar, -1]);
    expect([w.x.lab_send(ic, 1), w.x.lab_send(ic, 2), w.x.lab_send(ic, 3)]).toEqual([aFoo, bBar, cBaz]);
    // empty entry: kind E_EMPTY in memory
    const mem = new Uint8Array(w.x.memory.buffer);
    expect(mem[w.x.lab_entryAddr(ia, 3)]).toBe(E_EMPTY);
    expect(mem[w.x.lab_entryAddr(ic, 3)]).toBe(E_JUMP);
  });

  it("deep hierarchies: 40 levels, each overriding one selector", () => {
    const w = world();
    let cls = w.object;
    const classes: number[] = [];
    const defs: number[][] = [];
    for (let d = 0; d < 40; d++) {
      cls = w.defineClass(cls);
      classes.push(cls);
      defs.push(w.define(cls, [10 + (d % 20), 50]));
    }
    const leaf = w.instance(classes[39]);
    for (let s = 10; s < 30; s++) {
      // the deepest definer of selector s: level d with d % 20 == s - 10, largest such d
      const d = (s - 10) + 20;
      expect(w.x.lab_send(leaf, s)).toBe(defs[d][0]);
    }
    expect(w.x.lab_send(leaf, 50)).toBe(defs[39][1]);
    const mid = w.instance(classes[5]);
    expect(w.x.lab_send(mid, 15)).toBe(defs[5][0]);
    expect(w.x.lab_send(mid, 16)).toBe(-1);
    expect(w.x.lab_send(mid, 50)).toBe(defs[5][1]);
  });

  it("class-side methods dispatch through the metaclass's page and inherit along the metaclass chain", () => {
    const w = world();
    const a = w.defineClass(w.object);
    const b = w.defineClass(a);
    const aMeta = w.x.lab_classOf(a);
    const bMeta = w.x.lab_classOf(b);
    expect(w.x.lab_slot(bMeta, C_SUPERCLASS)).toBe(aMeta);
    const [aNew] = w.define(aMeta, [20]);
    // class objects are the instances of their metaclass: the send to b uses bMeta's page
    expect(w.x.lab_send(b, 20)).toBe(aNew);
    expect(w.x.lab_lastEntry()).toBe(expectedEntry(w, b, 20));
    expect(w.x.lab_send(w.instance(b), 20)).toBe(-1);   // instance side does not see class side
  });

  it("super sends: the superclass's code object when it has instances, the chain otherwise", () => {
    const w = world();
    const a = w.defineClass(w.object);
    const b = w.defineClass(a);
    const c = w.defineClass(b);
    const [aFoo] = w.define(a, [1]);
    w.define(b, [1]);
    w.define(c, [1]);
    // no instance of b yet: chain walk from b finds b's own
    const bFoo = w.methodsOf(b)[0];
    expect(w.x.lab_superSend(c, 1)).toBe(bFoo);
    expect(w.x.lab_lastEntry()).toBe(0);
    const ib = w.instance(b);
    expect(w.x.lab_superSend(c, 1)).toBe(bFoo);
    expect(w.x.lab_lastEntry()).toBe(expectedEntry(w, ib, 1));
    expect(w.x.lab_superSend(b, 1)).toBe(aFoo);
    expect(w.x.lab_superSend(a, 1)).toBe(-1);
  });

  it("entries hold whole small methods: primitives and quick methods inline, others jump", () => {
    const w = world();
    const a = w.defineClass(w.object);
    const p = w.newMethod(a, 1, "prim", 42, 1);
    const q = w.newMethod(a, 2, "quick", 16 + 3);
    const j = w.newMethod(a, 3, "bytecode", 0, 2);
    w.setMethods(a, [p, q, j]);
    const o = w.instance(a);
    const mem = new DataView(w.x.memory.buffer);
    const e1 = w.x.lab_entryAddr(o, 1), e2 = w.x.lab_entryAddr(o, 2), e3 = w.x.lab_entryAddr(o, 3);
    expect([mem.getUint8(e1), mem.getUint8(e1 + 1), mem.getUint16(e1 + 2, true), mem.getUint16(e1 + 4, true)]).toEqual([E_PRIM, 1, 42, p]);
    expect([mem.getUint8(e2), mem.getUint16(e2 + 2, true), mem.getUint16(e2 + 4, true)]).toEqual([E_QUICK, 19, q]);
    expect([mem.getUint8(e3), mem.getUint8(e3 + 1), mem.getUint16(e3 + 4, true)]).toEqual([E_JUMP, 2, j]);
  });

  it("installing a method at run time updates every page that inherits it, not overriders", () => {
    const w = world();
    const a = w.defineClass(w.object);
    const b = w.defineClass(a);
    const c = w.defineClass(b);
    const d = w.defineClass(a);
    const [cOwn] = w.define(c, [9]);
    const insts = [w.instance(a), ...Array.from({ length: 40 }, () => w.instance(b)), w.instance(c), w.instance(d)];
    for (const o of insts.slice(0, -2)) if (o !== insts[insts.length - 2]) expect(w.x.lab_send(o, 9)).toBe(-1);
    const m = w.newMethod(a, 9, "bytecode");
    const written = w.x.lab_install(a, m);    // before a's method array holds it: same answer
    w.setMethods(a, [m]);
    // pages: a (1), b (2 pages: 40 instances), d (1); c overrides
    expect(written).toBe(4);
    expect(w.x.lab_send(insts[0], 9)).toBe(m);
    for (let i = 1; i <= 40; i++) expect(w.x.lab_send(insts[i], 9)).toBe(m);
    expect(w.x.lab_send(insts[41], 9)).toBe(cOwn);
    expect(w.x.lab_send(insts[42], 9)).toBe(m);
    // a page created after the install is built with the new method too
    const e = w.defineClass(b);
    expect(w.x.lab_send(w.instance(e), 9)).toBe(m);
    // a selector beyond the code objects' width is refused
    const wide = w.newMethod(a, 1 << 14, "bytecode");
    expect(w.x.lab_install(a, wide)).toBe(-1);
  });

  it("every page of a class carries the same code object", () => {
    const w = world();
    const a = w.defineClass(w.object);
    w.define(a, [1, 2, 3, 40]);
    const objs = Array.from({ length: 100 }, () => w.instance(a));
    const pages = [...new Set(objs.map((o) => o >> 6))];
    expect(pages.length).toBe(4);
    const mem = new Uint8Array(w.x.memory.buffer);
    const stride = 1 << w.x.lab_shift();
    const first = mem.slice(w.x.lab_codeObject(pages[0]), w.x.lab_codeObject(pages[0]) + stride);
    for (const p of pages.slice(1)) {
      expect(mem.slice(w.x.lab_codeObject(p), w.x.lab_codeObject(p) + stride)).toEqual(first);
    }
  });
});
