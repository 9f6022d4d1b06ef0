// 16-bit images (docs/16-BIT.md) in flash: a real kernel+Hello image built
// with `talc build --bits 16` goes through `talc image pack|info|unpack`, a
// flash file (`talc flash-file write|info|boot`) and boots on the simulated
// 16-bit board (`talc run --board sim16 --flash`) on build/talc16.wasm; a
// board whose VM has the other word size refuses it with one clear line.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildFlashWasm } from "./helpers.js";
import { talc, tempDir, lines } from "../cli/helpers.js";
import { IH_WORD_BITS } from "../../vm-as/layout.js";
import { FI_WORD_BITS_OFF, FL_DECODER_RAM_BYTES } from "../../vm-as/flash/layout.js";

const t = tempDir({
  "Hello.som": "Hello = (\n    run = ( 'Hello from 16 bits' println )\n)\n",
  // `Talc snapshot` on the 16-bit VM: it writes no images, so it answers false
  "Snap.som": "Snap = (\n    run = ( 'before' println. Talc snapshot println. 'after' println )\n)\n",
});
afterAll(() => t.cleanup());

async function ok(argv: string[]): Promise<string> {
  const r = await talc(argv, t.dir);
  expect(r.status, `talc ${argv.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  buildFlashWasm();
  await ok(["build", "--bits", "16", "Hello.som", "-o", "h16.img"]);
  await ok(["build", "Hello.som", "-o", "h32.img"]);
  await ok(["build", "--bits", "16", "Snap.som", "-o", "snap16.img"]);
}, 120_000);

describe("16-bit images in flash", () => {
  it("the image is a real 16-bit image", () => {
    expect(readFileSync(join(t.dir, "h16.img"))[IH_WORD_BITS]).toBe(16);
  });

  it("image pack → info → unpack round trip (board sim16 chosen for a 16-bit image)", async () => {
    const raw = readFileSync(join(t.dir, "h16.img"));
    const p = await ok(["image", "pack", "h16.img", "-o", "h16.tfi"]);
    expect(p).toMatch(new RegExp(`h16\\.tfi: ${raw.length} -> \\d+ bytes .*board sim16`));
    const tfi = readFileSync(join(t.dir, "h16.tfi"));
    expect(tfi[FI_WORD_BITS_OFF]).toBe(16);
    const info = await ok(["image", "info", "h16.tfi"]);
    expect(info).toMatch(/word size: +16-bit/);
    expect(info).toMatch(new RegExp(`raw bytes: +${raw.length}\\n`));
    expect(info).toMatch(new RegExp(`packed bytes: +${tfi.length} `));
    expect(info).toMatch(/gzip -9 bytes: +\d+ \(packed\/gzip -9 = \d\.\d{3}\)/);
    expect(info).toContain(`decoder RAM:     ${FL_DECODER_RAM_BYTES} bytes`);
    expect(info).toMatch(/verified: +yes \(board sim16\)/);
    const j = JSON.parse(await ok(["image", "info", "--json", "h16.img"])) as Record<string, number>;
    expect(j.wordBits).toBe(16);
    expect(j.rawBytes).toBe(raw.length);
    expect(j.packedBytes).toBeLessThan(j.gzip9Bytes);
    await ok(["image", "unpack", "h16.tfi", "-o", "back.img"]);
    expect(Buffer.compare(readFileSync(join(t.dir, "back.img")), raw)).toBe(0);
  });

  it("flash-file write → info → boot → talc run prints the program's output", async () => {
    await ok(["flash-file", "create", "--board", "sim16", "b16.flash"]);
    expect(await ok(["flash-file", "write", "--board", "sim16", "b16.flash", "h16.tfi"])).toMatch(/slot 0/);
    const info = await ok(["flash-file", "info", "--board", "sim16", "b16.flash"]);
    expect(info).toMatch(/slot 0 @ 0x00010000: valid image, serial 1, \d+ bytes packed, \d+ expanded/);
    expect(await ok(["flash-file", "boot", "--board", "sim16", "-o", "booted.img", "b16.flash"])).toMatch(/^booted slot 0: \d+ bytes, confirmed/);
    expect(Buffer.compare(readFileSync(join(t.dir, "booted.img")), readFileSync(join(t.dir, "h16.img")))).toBe(0);
    const r = await talc(["run", "--board", "sim16", "--flash", "b16.flash"], t.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("Hello from 16 bits\n");
    expect(r.status).toBe(0);
  });

  it("a 16-bit image on a 32-bit board and a 32-bit image on the 16-bit board: one clear refusal", async () => {
    let r = await talc(["image", "pack", "--board", "sim", "h16.img", "-o", "x.tfi"], t.dir);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual(["talc image: h16.img: image word size does not match this VM: image is 16-bit, board sim runs a 32-bit VM"]);
    r = await talc(["image", "pack", "--board", "sim16", "h32.img", "-o", "x.tfi"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^talc image: h32\.img: image word size does not match this VM: image is 32-bit, board sim16 runs a 16-bit VM\n$/);
    r = await talc(["flash-file", "write", "--board", "mps2-an385", "x.flash", "h16.tfi"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/image word size does not match this VM: image is 16-bit, this VM is 32-bit/);
    // a sim16 flash file booted as the 32-bit board sim (same geometry): the device refuses the slot
    r = await talc(["run", "--board", "sim", "--flash", "b16.flash"], t.dir);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual([
      "talc: board 'sim' (b16.flash): no bootable image: slot 0: image word size does not match this VM: image is 16-bit, this VM is 32-bit"]);
    expect(r.stdout).toBe("");
  });

  it("Talc snapshot on the 16-bit VM answers false and the program goes on", async () => {
    await ok(["flash-file", "create", "--board", "sim16", "s16.flash"]);
    await ok(["flash-file", "write", "--board", "sim16", "s16.flash", "snap16.img"]);
    const r = await talc(["run", "--board", "sim16", "--flash", "s16.flash"], t.dir);
    expect(r.stdout).toBe("before\nfalse\nafter\n");
    expect(r.status).toBe(0);
    // nothing was written: slot 1 is still erased
    expect(await ok(["flash-file", "info", "--board", "sim16", "s16.flash"])).toMatch(/slot 1 @ 0x00200000: .*slot is erased/);
  });
});
