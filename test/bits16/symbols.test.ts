// Symbols are SmallIntegers indexing the SymbolTable (vm-as/sym16.ts), on
// the kernel image in 16-bit memory: the text of a number, interning of
// existing and new texts, growth of the table, collections in between, and
// the 16 384-symbol limit as an answer, not a crash.
import { describe, it, expect, beforeAll } from "vitest";
import { join } from "node:path";
import { buildImage } from "../../host-tools/image/builder.js";
import { kernelDir, packageRoot } from "../../host-tools/classpath.js";
import { readImage } from "../../host-tools/image/inspect.js";
import { write16, type Image16 } from "../../host-tools/image/image16.js";
import { BITS16_MAX_SYMBOLS } from "../../vm-as/layout16.js";
import { FMT_STRING, SO_NIL, SO_CLASS_INTEGER, SO_CLASS_STRING, SO_CLASS_ARRAY } from "../../vm-as/layout.js";
import { labModule, small, type Lab } from "./lab.js";

type SymLab = Lab & {
  lab_scratch(len: number): number; lab_loadImage(p: number, len: number): number;
  lab_symInit(table: number, count: number, stringClass: number, arrayClass: number): void;
  lab_symText(n: number): number; lab_symIntern(str: number): number; lab_symTable(): number;
};

let img: Image16;
beforeAll(async () => {
  const bytes = await buildImage({ classPath: [join(packageRoot(), "examples"), kernelDir()], main: "Hello", heapBytes: 8 << 20 });
  img = write16(readImage(bytes));
});

function boot(heap: number): { x: SymLab; specials: number } {
  const x = new WebAssembly.Instance(labModule(), {}).exports as unknown as SymLab;
  expect(x.lab_init(heap, img.plan.selectorCount)).toBe(0);
  const p = x.lab_scratch(img.bytes.length);
  new Uint8Array(x.memory.buffer).set(img.bytes, p);
  const specials = x.lab_loadImage(p, img.bytes.length);
  expect(specials).toBeGreaterThan(0);
  x.lab_codeInit(img.plan.selectorCount, x.lab_slot(specials, SO_NIL), x.lab_slot(specials, SO_CLASS_INTEGER));
  const dv = new DataView(img.bytes.buffer, img.bytes.byteOffset);
  x.lab_symInit(dv.getUint16(32 + 6, true), img.plan.symbols.length, x.lab_slot(specials, SO_CLASS_STRING), x.lab_slot(specials, SO_CLASS_ARRAY));
  x.lab_setRoot(0, specials);
  x.lab_setNRoots(2);
  return { x, specials };
}

function text(x: SymLab, str: number): string {
  return new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.lab_body(str), x.lab_size(str)));
}

function newString(x: SymLab, specials: number, s: string): number {
  const b = new TextEncoder().encode(s);
  const o = x.lab_alloc(x.lab_slot(specials, SO_CLASS_STRING), FMT_STRING, b.length, 0);
  expect(o).not.toBe(0);
  new Uint8Array(x.memory.buffer).set(b, x.lab_body(o));
  x.lab_setRoot(1, o);   // reachable while it is interned
  return o;
}

describe("16-bit symbols", () => {
  it("the number of a selector is its SmallInteger and its text is in the SymbolTable", () => {
    const { x } = boot(1 << 20);
    for (const sel of ["println", "+", "at:put:", "doesNotUnderstand:arguments:", "Hello"]) {
      const n = img.plan.symbols.indexOf(sel);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(text(x, x.lab_symText(n))).toBe(sel);
      expect(small(n) >> 1).toBe(n);
    }
    expect(img.plan.symbols.indexOf("Hello")).toBeGreaterThanOrEqual(img.plan.selectorCount);   // a class name, not a selector
    expect(x.lab_symText(img.plan.symbols.length)).toBe(0);
    expect(x.lab_symText(-1)).toBe(0);
  });

  it("asSymbol of an existing text answers its number; a new text gets the next number, once", () => {
    const { x, specials } = boot(1 << 20);
    const N = img.plan.symbols.length;
    expect(x.lab_symIntern(newString(x, specials, "println"))).toBe(img.plan.symbols.indexOf("println"));
    expect(x.lab_symIntern(newString(x, specials, "fresh:symbol:"))).toBe(N);
    expect(x.lab_symIntern(newString(x, specials, "fresh:symbol:"))).toBe(N);
    expect(x.lab_symIntern(newString(x, specials, "another"))).toBe(N + 1);
    expect(text(x, x.lab_symText(N))).toBe("fresh:symbol:");
    // survives a collection: same numbers, same texts
    x.lab_collect();
    expect(text(x, x.lab_symText(N + 1))).toBe("another");
    expect(x.lab_symIntern(newString(x, specials, "another"))).toBe(N + 1);
  });

  it("the 16 385th symbol is refused with an answer, and nothing changes", () => {
    const { x, specials } = boot(320 << 10);   // small: the old tables and the probe Strings must be collected on the way
    const N = img.plan.symbols.length;
    for (let i = N; i < BITS16_MAX_SYMBOLS; i++) {
      const n = x.lab_symIntern(newString(x, specials, `s${i}`));
      if (n !== i) throw new Error(`symbol ${i}: got ${n}`);
    }
    expect(x.lab_gcCount()).toBeGreaterThan(0);
    expect(x.lab_symIntern(newString(x, specials, "one too many"))).toBe(-2);
    expect(x.lab_symIntern(newString(x, specials, `s${N + 5}`))).toBe(N + 5);   // existing ones still found
    expect(text(x, x.lab_symText(BITS16_MAX_SYMBOLS - 1))).toBe(`s${BITS16_MAX_SYMBOLS - 1}`);
  });
});
