// Images: build, round trip through vm_loadImage, and refusal of corrupt
// images with a reason (never a trap).
import { describe, it, expect, beforeAll } from "vitest";
import { buildImage } from "../../host-tools/image/builder.js";
import { TalcVM } from "../../host-tools/vm/vmhost.js";
import { kernelDir } from "../../host-tools/classpath.js";
import { IH_VERSION, IH_WORD_BITS, IH_HEAP_USED, IH_CRC32, IH_OBJECT_COUNT, IMAGE_HEADER_BYTES } from "../../vm-as/layout.js";
import { classDir } from "./helpers.js";

let dir = "";
let image: Uint8Array = new Uint8Array(0);

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (~c) >>> 0;
}

async function runImage(img: Uint8Array, heapBytes = 8 << 20) {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const vm = await TalcVM.create({ classPath: [], heapBytes, stdout: (b) => out.push(b), stderr: (b) => err.push(b) });
  vm.loadImage(img);
  const entry = vm.entry();
  vm.start([entry ?? "", "arg1"]);
  const status = await vm.runToEnd();
  return { status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), entry };
}

function refusal(img: Uint8Array, heapBytes = 8 << 20): string {
  const vm = TalcVM.createSync({ classPath: [], heapBytes, stdout: () => {}, stderr: () => {} });
  try {
    vm.loadImage(img);
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
}

/** Patch a copy and (optionally) fix the CRC so that the structural checks are reached. */
function patched(f: (b: Uint8Array, v: DataView) => void, fixCrc = true): Uint8Array {
  const b = image.slice();
  const v = new DataView(b.buffer);
  f(b, v);
  if (fixCrc) v.setUint32(IH_CRC32, crc32(b.subarray(IMAGE_HEADER_BYTES)), true);
  return b;
}

beforeAll(async () => {
  dir = classDir({
    App: `App = ( run: args = ( 'app ' print. (args at: 2) println. Helper new greet. (Helper new sum: #(1 2 3)) println ) )`,
    Helper: `Helper = ( greet = ( 'hello from the library' println ) sum: a = ( ^ a inject: 0 into: [ :x :y | x + y ] ) )`,
  });
  image = await buildImage({ classPath: [dir, kernelDir()], main: "App", heapBytes: 8 << 20 });
});

describe("images", () => {
  it("round trip: an image runs its entry class with library classes bound on demand", async () => {
    const r = await runImage(image);
    expect(r.entry).toBe("App");
    expect(r.stdout).toBe("app arg1\nhello from the library\n6\n");
    expect(r.status).toBe(0);
  });

  it("snapshot of a loaded image reproduces the same bytes", async () => {
    const vm = await TalcVM.create({ classPath: [], heapBytes: 8 << 20, stdout: () => {}, stderr: () => {} });
    vm.loadImage(image);
    const again = vm.snapshot();
    expect(again.length).toBe(image.length);
    expect(Buffer.compare(Buffer.from(again), Buffer.from(image))).toBe(0);
  });

  it("refuses truncated images", () => {
    expect(refusal(image.subarray(0, 10))).toMatch(/truncated header/);
    expect(refusal(image.subarray(0, image.length - 4))).toMatch(/payload length does not match/);
  });

  it("refuses a bit flip (CRC-32)", () => {
    const b = image.slice();
    b[IMAGE_HEADER_BYTES + 1000] ^= 0x10;
    expect(refusal(b)).toMatch(/CRC-32 mismatch/);
  });

  it("refuses wrong version and word size", () => {
    expect(refusal(patched((_b, v) => v.setUint16(IH_VERSION, 99, true)))).toMatch(/unsupported image version/);
    expect(refusal(patched((_b, v) => v.setUint8(IH_WORD_BITS, 16)))).toMatch(/word size/);
  });

  it("refuses lying sizes and counts", () => {
    expect(refusal(patched((_b, v) => v.setUint32(IH_HEAP_USED, 12345, true)))).toMatch(/payload length/);
    expect(refusal(patched((_b, v) => v.setUint32(IH_OBJECT_COUNT, 3, true)))).toMatch(/object count/);
    expect(refusal(image, 65536)).toMatch(/larger heap/);
  });

  it("refuses corrupt object headers and pointers even with a valid CRC", () => {
    // first object header: make its size huge
    expect(refusal(patched((_b, v) => v.setUint32(IMAGE_HEADER_BYTES + 8, 0x7fffffff, true)))).toMatch(/object size|runs past/);
    // a pointer slot of the first object (the special objects array) into the middle of nowhere
    expect(refusal(patched((_b, v) => v.setUint32(IMAGE_HEADER_BYTES + 12, 6, true)))).toMatch(/pointer does not point/);
    // a class word pointing at a non-class object
    expect(refusal(patched((_b, v) => v.setUint32(IMAGE_HEADER_BYTES, 0, true)))).toMatch(/class/);
    // random garbage in many places: always refused or accepted, never a trap
    for (let i = 0; i < 200; i++) {
      const off = IMAGE_HEADER_BYTES + ((i * 7919) % (image.length - IMAGE_HEADER_BYTES - 4)) & ~3;
      const r = refusal(patched((_b, v) => v.setUint32(off, (i * 2654435761) >>> 0, true)));
      expect(typeof r).toBe("string");
    }
  });

  it("refuses a non-image", () => {
    expect(refusal(new TextEncoder().encode("this is not an image at all, really not"))).toMatch(/bad magic/);
  });
});
