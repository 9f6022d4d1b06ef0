// The real kernel in 16-bit memory: a Hello image laid out by the planner,
// written by write16, loaded by vm-as/image16.ts into the 16-bit memory, its
// code objects built by copy-down in the VM — and every entry of every page
// checked against a superclass-chain lookup done on the 32-bit image.
import { describe, it, expect, beforeAll } from "vitest";
import { join } from "node:path";
import { buildImage } from "../../host-tools/image/builder.js";
import { kernelDir, packageRoot } from "../../host-tools/classpath.js";
import { readImage, specialObject, type ImageModel } from "../../host-tools/image/inspect.js";
import { plan16, write16, codeObjectOf, formatPlan16, type Image16 } from "../../host-tools/image/image16.js";
import { E_EMPTY, BITS16_PAGE_SIZE, BITS16_MAX_SYMBOLS, ENTRY_BYTES } from "../../vm-as/layout16.js";
import { SO_NIL, SO_CLASS_INTEGER } from "../../vm-as/layout.js";
import { labModule, small, type Lab } from "./lab.js";

let m: ImageModel;
let img: Image16;

beforeAll(async () => {
  const bytes = await buildImage({ classPath: [join(packageRoot(), "examples"), kernelDir()], main: "Hello", heapBytes: 8 << 20 });
  m = readImage(bytes);
  img = write16(m);
});

function load(bytes: Uint8Array): { x: Lab; specials: number } {
  const x = new WebAssembly.Instance(labModule(), {}).exports as unknown as Lab & {
    lab_scratch(len: number): number; lab_loadImage(p: number, len: number): number;
  };
  expect(x.lab_init(1 << 20, img.plan.selectorCount)).toBe(0);
  const p = x.lab_scratch(bytes.length);
  new Uint8Array(x.memory.buffer).set(bytes, p);
  return { x, specials: x.lab_loadImage(p, bytes.length) };
}

describe("kernel image in 16-bit memory", () => {
  it("plans within the limits and reports its numbers", () => {
    const p = img.plan;
    expect(p.errors).toEqual([]);
    expect(p.symbols.length).toBeLessThan(BITS16_MAX_SYMBOLS);
    // selectors first: every method signature has a number below the selector count
    expect(p.selectorCount).toBeGreaterThan(100);
    const text = formatPlan16(p);
    expect(text).toMatch(/selectors: \d+, symbols: \d+ of 16384/);
    expect(text).toMatch(/code-object bytes: \d+/);
    // the writer's heap plus the runtime intern index is what the planner counted
    let buckets = 1;
    while (buckets < 2 * p.symbols.length) buckets <<= 1;
    expect(img.heapBytes + 4 + 2 * buckets).toBe(p.heapBytes);
  });

  it("loads, and every code-object entry equals the 32-bit superclass-chain lookup", () => {
    const { x, specials } = load(img.bytes);
    expect(specials).toBeGreaterThan(0);
    const nil = x.lab_slot(specials, SO_NIL);
    const integer = x.lab_slot(specials, SO_CLASS_INTEGER);
    expect(nil).toBe(img.oopMap.get(specialObject(m, SO_NIL)));
    x.lab_codeInit(img.plan.selectorCount, nil, integer);
    const S = img.plan.selectorCount;
    const mapEntry = (e: { kind: number; method: number }): number => (e.kind === E_EMPTY ? -1 : img.oopMap.get(e.method)!);
    // one live object per page
    const byPage = new Map<number, number>();
    const dv = new DataView(img.bytes.buffer);
    const P = dv.getUint16(32, true);
    const objTab = 32 + 8 + 2 * P;
    for (let n = 0; n < P * BITS16_PAGE_SIZE; n++) {
      if (dv.getUint32(objTab + 4 * n, true) !== 0xffffffff && !byPage.has(n >> 5)) byPage.set(n >> 5, n << 1);
    }
    expect(byPage.size).toBe(img.plan.pageClass.length - 1);
    let checked = 0, understood = 0;
    for (const [page, o16] of byPage) {
      const want = codeObjectOf(m, img.plan, img.plan.pageClass[page]).map(mapEntry);
      for (let s = 0; s < S; s++) {
        const got = x.lab_send(o16, s);
        if (got !== want[s]) throw new Error(`page ${page} selector #${img.plan.symbols[s]}: entry ${got}, lookup ${want[s]}`);
        expect(x.lab_lastEntry()).toBe(x.lab_codeBase() + (page << x.lab_shift()) + s * ENTRY_BYTES);
        checked++;
        if (got !== -1) understood++;
      }
    }
    // SmallIntegers: Integer's code object in page 0
    const wantInt = codeObjectOf(m, img.plan, specialObject(m, SO_CLASS_INTEGER)).map(mapEntry);
    for (let s = 0; s < S; s++) expect(x.lab_send(small(-5), s)).toBe(wantInt[s]);
    const plusSel = img.plan.symbols.indexOf("+");
    expect(plusSel).toBeGreaterThanOrEqual(0);
    expect(x.lab_send(small(1), plusSel)).not.toBe(-1);
    expect(checked).toBe(byPage.size * S);
    // the planner's fill rate also counts page 0 (SmallInteger's code object)
    const intFilled = wantInt.filter((e) => e !== -1).length;
    expect((understood + intFilled) / ((byPage.size + 1) * S)).toBeCloseTo(img.plan.fillRate, 6);
  });

  it("symbols are SmallIntegers: a method's signature slot holds its selector number", () => {
    const { x, specials } = load(img.bytes);
    expect(specials).toBeGreaterThan(0);
    // the SymbolTable answers the text: its entry for the number of #printString: is that String
    const n = img.plan.symbols.indexOf("println");
    expect(n).toBeGreaterThanOrEqual(0);
    expect(n).toBeLessThan(img.plan.selectorCount);
    const dv = new DataView(img.bytes.buffer);
    const symTable = dv.getUint16(32 + 6, true);
    const str = x.lab_slot(symTable, n);
    const body = x.lab_body(str);
    const text = new TextDecoder().decode(new Uint8Array(x.memory.buffer, body, x.lab_size(str)));
    expect(text).toBe("println");
    expect((small(n) & 1)).toBe(1);
  });

  it("refuses corrupt 16-bit images with a code, never a trap", () => {
    const cases: Uint8Array[] = [];
    cases.push(img.bytes.slice(0, 20));                       // truncated header
    const flip = img.bytes.slice(); flip[100] ^= 0x40; cases.push(flip);   // CRC
    const w32 = img.bytes.slice(); w32[6] = 32; cases.push(w32);           // word size
    for (const b of cases) {
      const { specials } = load(b);
      expect(specials).toBeLessThan(0);
    }
  });
});
