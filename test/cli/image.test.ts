// talc build → talc inspect → talc run of an image, and corrupt images
// refused with one clear message by both inspect and run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseClass } from "../../host-tools/compiler/index.js";
import { kernelDir } from "../../host-tools/classpath.js";
import { crc32, readImage, ImageFormatError } from "../../host-tools/image/inspect.js";
import { IMAGE_HEADER_BYTES, IH_CRC32, IH_VERSION, IH_WORD_BITS, HEADER_BYTES, FMT_CLASS } from "../../vm-as/layout.js";
import { talc, tempDir, lines } from "./helpers.js";

const t = tempDir({
  "Greet.som": "Greet = (\n    run: args = (\n        ('Hi ' + (args at: 2)) println.\n        (Helper new twice: 21) println\n    )\n)\n",
  "Helper.som": "Helper = (\n    twice: n = ( ^n * 2 )\n)\n",
  "Broken.som": "Broken = (\n    run = ( Helper new frob: ) \n)\n",
});
afterAll(() => t.cleanup());
const img = join(t.dir, "greet.img");
let image: Uint8Array;

/** Write a modified copy of the image and answer its name. */
function variant(name: string, edit: (b: Uint8Array) => Uint8Array): string {
  writeFileSync(join(t.dir, name), edit(Uint8Array.from(image)));
  return name;
}

function fixCrc(b: Uint8Array): Uint8Array {
  new DataView(b.buffer).setUint32(IH_CRC32, crc32(b.subarray(IMAGE_HEADER_BYTES)), true);
  return b;
}

beforeAll(async () => {
  const r = await talc(["build", "Greet.som", "-o", "greet.img"], t.dir);
  expect(r, r.stderr).toMatchObject({ status: 0, stdout: "", stderr: "" });
  image = readFileSync(img);
});

describe("build, inspect, run", () => {
  it("talc build -v says what it wrote", async () => {
    const r = await talc(["build", "-v", "Greet.som", "-o", "again.img"], t.dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote again\.img: \d+ bytes, \d+ objects, .*entry Greet\n$/);
  });

  it("a compile error stops the build: the diagnostic, no file, status 1", async () => {
    const r = await talc(["build", "Broken.som", "-o", "broken.img"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Broken\.som:2:\d+: .*\n {4}run = \( Helper new frob: \) \n +\^\n/);
    expect(existsSync(join(t.dir, "broken.img"))).toBe(false);
  });

  it("a missing main class is one clear error", async () => {
    const r = await talc(["build", "Nope", "-o", "nope.img"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^talc: class 'Nope' not found: no Nope\.som in /);
  });

  it("talc run app.img runs the entry class with the arguments", async () => {
    const r = await talc(["run", "greet.img", "Ada"], t.dir);
    expect(r).toMatchObject({ status: 0, stdout: "Hi Ada\n42\n", stderr: "" });
  });

  it("the image runs without the sources (classes come from the image's library)", async () => {
    const other = tempDir({ "g.img": image });
    try {
      const r = await talc(["run", "g.img", "Bob"], other.dir);
      expect(r).toMatchObject({ status: 0, stdout: "Hi Bob\n42\n", stderr: "" });
    } finally {
      other.cleanup();
    }
  });

  it("talc inspect reports header, objects, classes and sections", async () => {
    const r = await talc(["inspect", "greet.img"], t.dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const model = readImage(image);
    expect(r.stdout).toContain(`image greet.img: ${image.length} bytes`);
    expect(r.stdout).toContain("format version 1, 32-bit words");
    expect(r.stdout).toContain(`objects: ${model.objects.length} `);
    expect(r.stdout).toContain("entry class: Greet");
    // Greet and Helper are pre-linked in the library; kernel classes are bound.
    const lib = r.stdout.slice(r.stdout.indexOf("library classes"));
    expect(lib).toMatch(/\n {2}Greet +1 method, +0 class methods\n/);
    expect(lib).toMatch(/\n {2}Helper +1 method, +0 class methods\n/);
    // Method counts agree with the kernel source, counted by the compiler's parser.
    for (const name of ["Object", "Integer", "String", "Array"]) {
      const ast = parseClass(readFileSync(join(kernelDir(), `${name}.som`), "utf8"), `${name}.som`);
      const n = ast.instanceMethods.length;
      const m = ast.classMethods.length;
      expect(r.stdout).toMatch(new RegExp(`\\n {2}${name} +${n} methods?, +${m} class methods?\\n`));
    }
    // The sections add up to the heap.
    const sec = r.stdout.slice(r.stdout.indexOf("bytes per section:"), r.stdout.indexOf("  total"));
    const sum = lines(sec).slice(1).reduce((a, l) => a + Number(/\s(\d+)\s+[\d.]+%$/.exec(l)![1]), 0);
    expect(sum).toBe(model.header.heapUsed);
    expect(Number(/ {2}classes +(\d+)/.exec(sec)![1])).toBe(
      model.objects.filter((o) => o.format === FMT_CLASS).reduce((a, o) => a + o.totalBytes, 0));
  });
});

describe("corrupt images: one clear message, status 1", () => {
  // [what, make the file, reason given by inspect (host reader), reason given by run (the VM)]
  const corruptions: [string, () => string, RegExp, RegExp][] = [
    ["truncated", () => variant("trunc.img", (b) => b.subarray(0, b.length - 100)), /truncated/, /offset \d+: .*length/],
    ["cut inside the header", () => variant("short.img", (b) => b.subarray(0, 20)), /shorter than the 32-byte image header/, /offset 0: truncated header/],
    ["bit-flipped payload", () => variant("flip.img", (b) => { b[IMAGE_HEADER_BYTES + Math.floor((b.length - IMAGE_HEADER_BYTES) / 2)] ^= 0x10; return b; }), /CRC-32 mismatch/, /offset \d+: .*CRC/i],
    ["wrong version", () => variant("ver.img", (b) => { b[IH_VERSION] = 99; return b; }), /version 99/, /offset 4: .*version.*99/],
    // A header that says 16-bit goes to the 16-bit VM (docs/16-BIT.md), which refuses the 32-bit body.
    ["wrong word size", () => variant("word.img", (b) => { b[IH_WORD_BITS] = 16; return b; }), /16-bit image/, /offset 6: word size.*16|not a valid 16-bit image/],
    ["not an image", () => variant("text.img", () => new TextEncoder().encode("Hello = ( run = ( 'x' println ) )\n")), /not a Talc image/, /offset 0: /],
  ];

  it.each(corruptions)("%s: talc inspect", async (_what, make, reason) => {
    const name = make();
    const r = await talc(["inspect", name], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^talc: corrupt image '${name}': at byte \\d+: `));
    expect(r.stderr).toMatch(reason);
  });

  it.each(corruptions)("%s: talc run", async (_what, make, _inspectReason, reason) => {
    const name = make();
    const r = await talc(["run", name], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^talc: cannot load image '${name}': image refused`));
    expect(r.stderr).toMatch(reason);
  });

  it("a class word pointing nowhere (CRC fixed up) is found by inspect and refused by the VM", async () => {
    // The second object's class word: a valid CRC, so only the object walk can tell.
    const model = readImage(image);
    const victim = model.objects[1];
    const name = variant("classword.img", (b) => {
      new DataView(b.buffer).setUint32(IMAGE_HEADER_BYTES + victim.oop, 0x7ffffff0, true);
      return fixCrc(b);
    });
    const i = await talc(["inspect", name], t.dir);
    expect(i.status).toBe(1);
    expect(i.stderr).toBe(`talc: corrupt image '${name}': at byte ${IMAGE_HEADER_BYTES + victim.oop}: object ${victim.oop}: class word 0x7ffffff0 is not a class in the image\n`);
    // The VM checks on its own (it does not trust the host's reader).
    const { TalcVM } = await import("../../host-tools/vm/vmhost.js");
    const vm = await TalcVM.create({ classPath: [t.dir], heapBytes: 64 << 20, stdout: () => {}, stderr: () => {} });
    expect(() => vm.loadImage(readFileSync(join(t.dir, name)))).toThrow();
  });

  it("random damage never escapes the reader as anything but ImageFormatError", () => {
    let seed = 12345;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      const b = Uint8Array.from(image);
      for (let j = 0; j <= rnd(4); j++) b[rnd(b.length)] = rnd(256);
      if (rnd(2) === 0) fixCrc(b);
      const cut = rnd(3) === 0 ? b.subarray(0, rnd(b.length)) : b;
      try {
        readImage(cut);
      } catch (e) {
        expect(e).toBeInstanceOf(ImageFormatError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it("an object header tiling error is reported with its offset", () => {
    const model = readImage(image);
    const victim = model.objects[2];
    const b = Uint8Array.from(image);
    new DataView(b.buffer).setUint32(IMAGE_HEADER_BYTES + victim.oop + HEADER_BYTES - 4, 0x00ffffff, true);
    fixCrc(b);
    expect(() => readImage(b)).toThrow(`at byte ${IMAGE_HEADER_BYTES + victim.oop + 8}: object ${victim.oop}: size 16777215 runs past the end of the heap`);
  });
});
