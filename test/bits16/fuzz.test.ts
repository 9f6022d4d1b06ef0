// Damaged 16-bit images: the VM's loader (vm-as/image16.ts) answers a
// negative code and the host reader (read16) throws ImageFormatError — for
// truncations, bit flips (with the CRC recomputed, so the structural checks
// are reached) and lying table entries; never a trap, never another error.
import { describe, it, expect, beforeAll } from "vitest";
import { join } from "node:path";
import { buildImage } from "../../host-tools/image/builder.js";
import { kernelDir, packageRoot } from "../../host-tools/classpath.js";
import { readImage, crc32, ImageFormatError } from "../../host-tools/image/inspect.js";
import { write16, read16 } from "../../host-tools/image/image16.js";
import { labModule, type Lab } from "./lab.js";

type Loader = Lab & { lab_scratch(len: number): number; lab_loadImage(p: number, len: number): number };
let good: Uint8Array;
let selectors = 0;

beforeAll(async () => {
  const bytes = await buildImage({ classPath: [join(packageRoot(), "examples"), kernelDir()], main: "Hello", heapBytes: 8 << 20 });
  const img = write16(readImage(bytes));
  good = img.bytes;
  selectors = img.plan.selectorCount;
});

/** xorshift32: reproducible damage. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

function withCrc(b: Uint8Array): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint32(28, crc32(b.subarray(32)), true);
  return b;
}

function vmLoad(x: Loader, bytes: Uint8Array): number {
  const p = x.lab_scratch(bytes.length);
  new Uint8Array(x.memory.buffer).set(bytes, p);
  return x.lab_loadImage(p, bytes.length);
}

describe("damaged 16-bit images", () => {
  it("the intact image loads in both readers", () => {
    const x = new WebAssembly.Instance(labModule(), {}).exports as unknown as Loader;
    expect(x.lab_init(1 << 20, selectors)).toBe(0);
    expect(vmLoad(x, good)).toBeGreaterThan(0);
    expect(read16(good).objects).toBeGreaterThan(1000);
  });

  it("400 damaged variants: refused or loaded, never a trap", () => {
    const x = new WebAssembly.Instance(labModule(), {}).exports as unknown as Loader;
    expect(x.lab_init(1 << 20, selectors)).toBe(0);
    const r = rng(12345);
    let refusedVm = 0, refusedHost = 0;
    const dv = new DataView(good.buffer, good.byteOffset);
    const P = dv.getUint16(32, true);
    const objTab = 32 + 8 + 2 * P;
    for (let k = 0; k < 400; k++) {
      let b = good.slice();
      switch (k % 5) {
        case 0: b = b.slice(0, r() % b.length); break;                                  // truncated
        case 1: b[r() % b.length] ^= 1 << (r() % 8); break;                             // bit flip, CRC stale
        case 2: for (let i = 0; i < 4; i++) b[32 + (r() % (b.length - 32))] ^= 1 << (r() % 8); withCrc(b); break;
        case 3: new DataView(b.buffer).setUint32(objTab + 4 * (r() % (P * 32)), r(), true); withCrc(b); break;   // lying offset
        case 4: new DataView(b.buffer).setUint16(32 + 8 + 2 * (r() % P), r() & 0xffff, true); withCrc(b); break; // page class
      }
      const code = vmLoad(x, b);                       // a trap would throw a RuntimeError here
      if (code < 0) refusedVm++;
      else x.lab_codeInit(selectors, x.lab_slot(code, 0), x.lab_slot(code, 11));   // copy-down over whatever loaded: ends
      try { read16(b); } catch (e) {
        if (!(e instanceof ImageFormatError)) throw e;
        refusedHost++;
      }
    }
    // truncations and stale CRCs alone are 160 of the 400
    expect(refusedVm).toBeGreaterThanOrEqual(160);
    expect(refusedHost).toBeGreaterThanOrEqual(160);
  });
});
