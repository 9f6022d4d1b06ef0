// Every benchmark and every SOM suite program, laid out in 16-bit memory:
// within the 16-bit limits, written, loaded by the VM's 16-bit loader, and
// (benchmarks, and every 8th suite program) every code-object entry of every
// page checked against the 32-bit superclass-chain lookup.  Prints the
// numbers docs/16-BIT.md quotes (npx vitest run test/bits16/suite.test.ts).
import { describe, it, expect } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildImage } from "../../host-tools/image/builder.js";
import { kernelDir, packageRoot } from "../../host-tools/classpath.js";
import { readImage, specialObject, type ImageModel } from "../../host-tools/image/inspect.js";
import { write16, codeObjectOf, type Image16 } from "../../host-tools/image/image16.js";
import { E_EMPTY, BITS16_PAGE_SIZE } from "../../vm-as/layout16.js";
import { SO_NIL, SO_CLASS_INTEGER } from "../../vm-as/layout.js";
import { labModule, type Lab } from "./lab.js";

const ROOT = packageRoot();
const BENCH = join(ROOT, "examples", "bench");
const PROGRAMS = join(ROOT, "test", "som", "programs");

type Loader = Lab & { lab_scratch(len: number): number; lab_loadImage(p: number, len: number): number };

function loadAndCheck(m: ImageModel, img: Image16, exhaustive: boolean): void {
  const x = new WebAssembly.Instance(labModule(), {}).exports as unknown as Loader;
  expect(x.lab_init(2 << 20, img.plan.selectorCount)).toBe(0);
  const p = x.lab_scratch(img.bytes.length);
  new Uint8Array(x.memory.buffer).set(img.bytes, p);
  const specials = x.lab_loadImage(p, img.bytes.length);
  expect(specials).toBeGreaterThan(0);
  x.lab_codeInit(img.plan.selectorCount, x.lab_slot(specials, SO_NIL), x.lab_slot(specials, SO_CLASS_INTEGER));
  if (!exhaustive) return;
  const dv = new DataView(img.bytes.buffer, img.bytes.byteOffset);
  const P = dv.getUint16(32, true);
  const objTab = 32 + 8 + 2 * P;
  const S = img.plan.selectorCount;
  const seen = new Set<number>();
  for (let n = 0; n < P * BITS16_PAGE_SIZE; n++) {
    if (dv.getUint32(objTab + 4 * n, true) === 0xffffffff || seen.has(n >> 5)) continue;
    seen.add(n >> 5);
    const want = codeObjectOf(m, img.plan, img.plan.pageClass[n >> 5]);
    for (let s = 0; s < S; s++) {
      const w = want[s].kind === E_EMPTY ? -1 : img.oopMap.get(want[s].method)!;
      const got = x.lab_send(n << 1, s);
      if (got !== w) throw new Error(`page ${n >> 5} #${img.plan.symbols[s]}: entry ${got}, lookup ${w}`);
    }
  }
  void specialObject;
}

const benches = readdirSync(BENCH).filter((f) => f.endsWith(".som") && /^[A-Z]/.test(f)).map((f) => f.slice(0, -4))
  .filter((n) => ["Fib", "Loops", "Sieve", "Closures", "Richards", "Graph", "StringBuild", "Vectors", "FloatMath"].includes(n));
const programs = readdirSync(PROGRAMS).filter((f) => f.endsWith(".som") && existsSync(join(PROGRAMS, f.slice(0, -4) + ".out")))
  .map((f) => f.slice(0, -4)).sort();

describe("benchmarks in 16-bit memory", () => {
  const rows: string[] = [];
  it.each(benches)("%s", async (name) => {
    const bytes = await buildImage({ classPath: [BENCH, kernelDir()], main: name, heapBytes: 16 << 20 });
    const m = readImage(bytes);
    const img = write16(m);
    expect(img.plan.errors).toEqual([]);
    loadAndCheck(m, img, true);
    const p = img.plan;
    rows.push(`| ${name} | ${bytes.length} | ${img.bytes.length} | ${img.heapBytes + p.objectTableBytes + p.pageTableBytes} | ` +
      `${p.selectorCount} | ${p.symbols.length} | ${p.objectNumbers} | ${p.pageClass.length - 1} | ${p.codeObjectBytes} | ${(100 * p.fillRate).toFixed(1)}% |`);
  });
  it("prints the table", () => {
    console.log(["| program | 32-bit image | 16-bit image | 16-bit heap+tables | selectors | symbols | objects | pages | code-object bytes | fill |",
      "|---|---|---|---|---|---|---|---|---|---|", ...rows].join("\n"));
  });
});

describe("SOM suite programs in 16-bit memory", () => {
  it.each(programs.map((n, i) => [n, i % 8 === 0] as const))("%s", async (name, exhaustive) => {
    let bytes: Uint8Array;
    try {
      bytes = await buildImage({ classPath: [PROGRAMS, kernelDir()], main: name, heapBytes: 16 << 20, stderr: () => {} });
    } catch {
      return;   // programs that are compile-error tests do not build in either mode
    }
    const m = readImage(bytes);
    const img = write16(m);
    expect(img.plan.errors).toEqual([]);
    loadAndCheck(m, img, exhaustive);
  });
});
